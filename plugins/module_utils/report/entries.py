# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report entries of servers: one per server a run migrated (from a server_migrate_sequence result), and the
short entry of a server it did not move; how the report names a server and its mode."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re


MOVING = ('cold', 'live', 'resume')
# What the module says when a server failed before its first write is true of that server, not of the run: the
# host may already be disabled and other servers moved.
NOTHING_CHANGED = re.compile(r'[.;]?\s*Nothing (?:was|has been) changed\.?', re.IGNORECASE)


def by_id(items):
    return dict((item.get('id'), item) for item in items or [] if item.get('id'))


def label(item):
    """A server as the operator reads it: ``name (id)``, or the id alone when it has no name."""
    name, ident = item.get('name'), item.get('id')
    if name and ident and name != ident:
        return '%s (%s)' % (name, ident)
    return name or ident or '?'


def mode(item):
    return 'live' if item.get('live') else 'cold'


def mode_and_why(item):
    """``live`` or ``cold``, with the plan's reason for it in parentheses when it has one: ``live (strategy auto)``."""
    why = item.get('mode_reason')
    return '%s (%s)' % (mode(item), why) if why else mode(item)


STALLED_AT = re.compile(r'stalled at (\d+)%')


def attempts_text(attempts, after, failed):
    """What happened to a server with more than one migration, or an aborted one, in words (None otherwise).

    ``live aborted after a stall at 62%, then cold: moved to compute-3``; ``live failed (migration error), then
    cold failed``.
    """
    attempts = [a for a in attempts or [] if isinstance(a, dict)]
    if len(attempts) < 2 and not any(a.get('outcome') == 'aborted' for a in attempts):
        return None
    parts = []
    for attempt in attempts:
        outcome = attempt.get('outcome') or '?'
        text = '%s %s' % (attempt.get('mode') or '?', outcome)
        if outcome == 'aborted':
            found = STALLED_AT.search(attempt.get('msg') or '')
            text += ' after a stall at %s%%' % found.group(1) if found else ' after a stall'
        elif outcome == 'failed':
            status = (attempt.get('migration') or {}).get('status')
            refused = re.search(r'HTTP (\d+)', attempt.get('msg') or '')
            if status in ('error', 'failed'):
                text += ' (migration %s)' % status
            elif refused:
                text += ' (refused, HTTP %s)' % refused.group(1)
        elif outcome == 'succeeded':
            text = '%s: moved to %s' % (attempt.get('mode') or '?', after.get('host') or '?') if not failed else text
        parts.append(text)
    return ', then '.join(parts)


def plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def brief(entry, **extra):
    """A report line for a server that was not migrated by this run (skipped, planned, not attempted)."""
    result = {
        'id': entry.get('id'),
        'name': entry.get('name'),
        'project_id': entry.get('project_id'),
        'action': entry.get('action'),
        'live': bool(entry.get('live')),
        'mode': mode(entry) if entry.get('action') in MOVING else None,
        'mode_reason': entry.get('mode_reason'),
        'fallback': entry.get('fallback'),
        'live_blockers': entry.get('live_blockers'),
        'server_group': entry.get('server_group'),
        'status_before': entry.get('status'),
        'original_host': entry.get('source_host') if entry.get('source_host') else entry.get('host'),
        'planned_destination': entry.get('destination'),
        'destination': None,
        'migration_id': (entry.get('migration') or {}).get('id'),
        'migration': entry.get('migration'),
        'started_at': None,
        'finished_at': None,
        'elapsed': None,
        'reason': entry.get('reason'),
    }
    if entry.get('excluded'):
        result['excluded'] = True
    result.update(extra)
    return result


def iso(timestamp):
    if timestamp is None:
        return None
    return datetime.datetime.fromtimestamp(float(timestamp), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def migration_record(result, server, started, finished):
    """The report entry of one server after its migration (one item of a server_migrate_sequence result, or a failure).

    :param result: the registered result of the task (``ansible_failed_result`` on failure).
    :param server: the plan entry of the server (``migration_plan`` ``plan.actions`` item).
    :param started: epoch seconds when this server's turn began; ``finished``: epoch seconds now.
    """
    result = result or {}
    server = server or {}
    failed = bool(result.get('failed'))
    after = result.get('server') or {}
    migration = result.get('migration') or None
    seconds = max(0.0, float(finished) - float(started))
    entry = {
        'id': server.get('id'),
        'name': server.get('name'),
        'project_id': server.get('project_id'),
        'index': server.get('index'),
        'action': server.get('action'),
        'resume': server.get('resume'),
        'live': bool(server.get('live')),
        'mode': mode(server),
        'mode_reason': server.get('mode_reason'),
        'fallback': server.get('fallback'),
        'live_blockers': server.get('live_blockers'),
        'server_group': server.get('server_group'),
        'status_before': server.get('status'),
        'original_host': server.get('source_host'),
        'planned_destination': server.get('destination'),
        'destination': None if failed else after.get('host'),
        'status_after': after.get('status'),
        'migration_id': (migration or {}).get('id'),
        'migration': migration,
        'started_at': iso(started),
        'finished_at': iso(finished),
        'started_ts': round(float(started), 3),
        'finished_ts': round(float(finished), 3),
        'elapsed': round(seconds, 1),
        'module_elapsed': result.get('elapsed'),
        'attempts': result.get('attempts', 1) if not isinstance(result.get('attempts'), list) else 1,
        # Each migration started (server_migrate's attempts): a live one, then its cold fallback.
        'migration_attempts': result.get('migration_attempts') or (
            result.get('attempts') if isinstance(result.get('attempts'), list) else []),
    }
    if result.get('mode') in ('live', 'cold') and result.get('mode') != entry['mode']:
        # The mode the server moved with after a cold fallback; the plan's stays in planned_mode. ``live`` follows
        # it: the counts say how the servers moved, and a restore "as it left" sends this one back cold.
        entry['planned_mode'], entry['mode'] = entry['mode'], result['mode']
        entry['live'] = result['mode'] == 'live'
        entry['mode_reason'] = result.get('mode_reason') or entry['mode_reason']
    entry['attempts_summary'] = attempts_text(entry['migration_attempts'], after, failed)
    tried = ', %s' % entry['attempts_summary'] if entry['attempts_summary'] else ''
    prefix = '[%s/%s] %s: %s -> ' % (server.get('index'), server.get('total'), server.get('name') or server.get('id'),
                                     server.get('source_host'))
    if failed:
        reason = result.get('msg') or 'unknown failure'
        if NOTHING_CHANGED.search(reason):
            reason = NOTHING_CHANGED.sub('; this server was not changed.', reason, count=1)
        entry.update({
            'outcome': 'failed',
            'current_host': after.get('host'),
            'fault': result.get('fault') or after.get('fault'),
            'migration_status': result.get('migration_status') or (migration or {}).get('status'),
            'reason': reason,
        })
        entry['progress'] = '%sFAILED, now on %s in %s (%s, %.1f s%s): %s' % (
            prefix, after.get('host') or '?', after.get('status') or '?', mode_and_why(server), seconds, tried,
            entry['reason'])
        return entry
    nothing = result.get('action') == 'none'
    entry.update({
        'outcome': 'already_moved' if nothing else 'moved',
        'migration_status': (migration or {}).get('status'),
        'reason': result.get('msg'),
    })
    suffix = ''
    if server.get('action') == 'resume':
        suffix += ', resumed: %s' % server.get('resume')
    if nothing:
        suffix += ', already moved, nothing done'
    entry['progress'] = '%s%s (%s, %.1f s)%s%s' % (
        prefix, after.get('host'), mode_and_why(server), seconds, tried, suffix)
    return entry


def migration_records(result, plan, started, now):
    """The report entries of one ``server_migrate_sequence`` call (its result, or ``ansible_failed_result``).

    Entries are matched to ``plan`` (the plan entries given to the call) by position.  A call that failed
    before attempting any server becomes one failed entry for the first planned server, with the call's
    error as the reason (``started``/``now``: epoch seconds), so the failure is reported and counted.
    """
    result = result or {}
    plan = list(plan or [])
    attempted = result.get('results')
    if isinstance(attempted, list) and (attempted or not result.get('failed')):
        return [migration_record(item, plan[item['index']], item['started'], item['finished']) for item in attempted]
    if not plan:
        return []
    return [migration_record(dict(result, failed=True), plan[0], started, now)]
