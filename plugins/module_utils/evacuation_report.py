# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the report of a host evacuation or restore (pure, runs on the controller through a filter plugin).

Inputs are what the roles gathered: the per-server results recorded after each
``server_migrate`` call, the plan from ``migration_plan`` before the run, the
plan from the re-query after the run (post-condition), and a context dict
(host, times, options, service state).  The output is the JSON report written
to disk and the lines of the human summary.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import parse_marker

REPORT_VERSION = 1
MOVING = ('cold', 'live', 'resume')
# What the module says when a server failed before its first write is true of that server, not of the run: the
# host may already be disabled and other servers moved.
NOTHING_CHANGED = re.compile(r'[.;]?\s*Nothing (?:was|has been) changed\.?', re.IGNORECASE)


def _by_id(items):
    return dict((item.get('id'), item) for item in items or [] if item.get('id'))


def label(item):
    """A server as the operator reads it: ``name (id)``, or the id alone when it has no name."""
    name, ident = item.get('name'), item.get('id')
    if name and ident and name != ident:
        return '%s (%s)' % (name, ident)
    return name or ident or '?'


def mode(item):
    return 'live' if item.get('live') else 'cold'


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def _brief(entry, **extra):
    """A report line for a server that was not migrated by this run (skipped, planned, not attempted)."""
    result = {
        'id': entry.get('id'),
        'name': entry.get('name'),
        'project_id': entry.get('project_id'),
        'action': entry.get('action'),
        'live': bool(entry.get('live')),
        'mode': mode(entry) if entry.get('action') in MOVING else None,
        'mode_reason': entry.get('mode_reason'),
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


def remaining_on(host, after):
    """Every server the re-query found on ``host`` (to move, resume or skipped), with why it is still there."""
    found = []
    for entry in list((after or {}).get('actions') or []) + list((after or {}).get('skipped') or []):
        if entry.get('host') != host:
            continue
        found.append({'id': entry.get('id'), 'name': entry.get('name'), 'status': entry.get('status'),
                      'reason': entry.get('reason'), 'excluded': bool(entry.get('excluded'))})
    return sorted(found, key=lambda e: (e.get('name') or '', e.get('id') or ''))


def postcondition(kind, host, plan, after):
    """Compare the plan with the re-query after the run.

    Evacuation: nothing that should have moved is still on ``host`` and no
    migration away from it is unfinished.  Restore: every server planned to
    come back is on ``host`` and no migration onto it is unfinished.
    """
    if after is None:
        return {'checked': False, 'ok': None, 'still_pending': [], 'unfinished': []}
    expected = set(e.get('id') for e in (plan or {}).get('actions') or [])
    entries = list(after.get('actions') or []) + list(after.get('skipped') or [])
    if kind == 'restore':
        back = set(e.get('id') for e in after.get('unchanged') or [])
        pending = [e for e in entries if e.get('id') in expected and e.get('id') not in back]
    else:
        pending = [e for e in entries if e.get('host') == host
                   and (e.get('id') in expected or e.get('action') in MOVING)]
    unfinished = [e for e in after.get('actions') or [] if e.get('action') == 'resume']
    described = []
    for entry in pending:
        described.append({'id': entry.get('id'), 'name': entry.get('name'), 'status': entry.get('status'),
                          'host': entry.get('host'), 'reason': entry.get('reason')})
    open_moves = []
    for entry in unfinished:
        migration = entry.get('migration') or {}
        open_moves.append({'id': entry.get('id'), 'name': entry.get('name'), 'status': entry.get('status'),
                           'host': entry.get('host'), 'migration_id': migration.get('id'),
                           'migration_status': migration.get('status')})
    return {'checked': True, 'ok': not described and not open_moves, 'still_pending': described,
            'unfinished': open_moves}


def _servers(results, plan, kind, host, context):
    check_mode = bool(context.get('check_mode'))
    running = bool(context.get('running'))
    done = _by_id(results)
    servers = []
    for entry in plan.get('actions') or []:
        if entry.get('id') in done:
            servers.append(dict(done[entry['id']]))
        elif check_mode:
            servers.append(_brief(entry, outcome='planned', destination=entry.get('destination')))
        elif running:
            servers.append(_brief(entry, outcome='pending', reason='not migrated yet'))
        else:
            failed = context.get('failed_count', 0)
            why = ('the run stopped after %s failure(s) (max_failures=%s)' % (failed, context.get('max_failures', 0))
                   if failed else 'the run stopped before it (%s)' % (context.get('error') or 'interrupted'))
            servers.append(_brief(entry, outcome='not_attempted', reason='not attempted: ' + why))
    listed = set(s.get('id') for s in servers)
    for item in results or []:
        if item.get('id') not in listed:
            servers.append(dict(item))
    for entry in plan.get('skipped') or []:
        servers.append(_brief(entry, outcome='skipped', action='skip'))
    for entry in plan.get('unchanged') or []:
        servers.append(_brief(entry, outcome='already_restored' if kind == 'restore' else 'unchanged',
                              action='none', destination=host))
    for entry in plan.get('earlier') or []:
        migration = entry.get('migration') or {}
        servers.append(_brief(entry, outcome='moved_earlier', action='none', destination=entry.get('destination'),
                              planned_destination=None, live=migration.get('type') == 'live-migration',
                              mode='live' if migration.get('type') == 'live-migration' else 'cold',
                              original_host=host, migration_id=migration.get('id'), migration=migration,
                              started_at=migration.get('created_at'), finished_at=migration.get('updated_at'),
                              status_after=entry.get('status')))
    return servers


def _carry_over(servers, previous):
    """Keep what an earlier report of the same host and kind knew about servers this run found already done.

    A rerun finds a server already back (or already gone) and has no migration of its own to report; the earlier
    report's migration id and times are what the operator needs to trace it.
    """
    earlier = dict((s.get('id'), s) for s in (previous or {}).get('servers') or []
                   if s.get('id') and s.get('migration_id') is not None and s.get('outcome') in ('moved', 'moved_earlier'))
    for server in servers:
        old = earlier.get(server.get('id'))
        if old is None or server.get('migration_id') is not None:
            continue
        if server.get('outcome') not in ('already_restored', 'already_moved', 'unchanged'):
            continue
        server.update(migration_id=old.get('migration_id'), migration=old.get('migration'),
                      started_at=old.get('started_at'), finished_at=old.get('finished_at'), live=old.get('live'),
                      mode=old.get('mode'), mode_reason=old.get('mode_reason'))
        server['reason'] = '%s; moved by an earlier run (migration %s, finished %s)' % (
            server.get('reason') or 'nothing to do', old.get('migration_id'), old.get('finished_at'))


def service_note(kind, host, ownership, service_after, run_id=None, check_mode=False, enabled_by_run=False):
    """What the run says about the compute service, from the state read again after the run.

    ``ownership`` is the state before the run (``enabled``, ``ours`` or ``other`` and the reason);
    ``service_after`` the service as read at the end (None when it was not read again).
    """
    ownership = ownership or {}
    state = ownership.get('state')
    if check_mode:
        if kind == 'restore':
            return ('The compute service of %s would be re-enabled.' % host if state == 'ours'
                    else 'The compute service of %s would be left as it is (%s).' % (host, state))
        if state == 'enabled':
            return 'The compute service of %s would be disabled by this run.' % host
        return 'The compute service of %s is already disabled (reason: %s).' % (host, ownership.get('reason'))
    if service_after is None:
        return 'The state of the compute service of %s was not read again after the run.' % host
    status = service_after.get('status')
    reason = service_after.get('disabled_reason')
    if kind == 'restore':
        if status == 'enabled':
            return 'The compute service of %s is enabled%s.' % (host, ' (re-enabled by this run)' if enabled_by_run else '')
        return 'The compute service of %s is disabled (reason: %s); it was not re-enabled.' % (host, reason or 'none')
    if state == 'other':
        return ('The compute service of %s was already disabled by someone else (reason: %s); it is left as it is '
                'and host_restore will not re-enable it. Now: %s.' % (host, ownership.get('reason') or 'none', status))
    if status != 'disabled':
        return ('The compute service of %s was re-enabled during the run by someone else: it is ENABLED now, so new '
                'servers may be scheduled onto it.' % host)
    if state == 'ours' and reason == ownership.get('reason'):
        return ('The compute service of %s stays disabled by an earlier evacuation (reason: %s); this run did not need '
                'to take it over.' % (host, reason))
    marker = parse_marker(reason)
    if marker is None or (run_id and marker.get('run') not in (None, run_id)):
        return ('The compute service of %s is disabled, but its reason was changed during the run to %r; '
                'host_restore will only re-enable it if that reason is an evacuation marker.' % (host, reason))
    return 'The compute service of %s is disabled by this run and stays disabled (reason: %s).' % (host, reason)


def _service(kind, host, context, check_mode):
    """The service part of the report: given as is, or worked out from the state before and after the run."""
    if 'ownership' not in context:
        return context.get('service') or {}
    ownership = context.get('ownership') or {}
    after = context.get('service_after')
    service = {
        'ownership': ownership.get('state'),
        'reason_before': ownership.get('reason'),
        'status': (after or {}).get('status'),
        'disabled_reason': (after or {}).get('disabled_reason') if after else ownership.get('reason'),
        'note': service_note(kind, host, ownership, after, run_id=context.get('run_id'), check_mode=check_mode,
                             enabled_by_run=bool(context.get('enabled_by_run'))),
    }
    key = 'enabled_by_this_run' if kind == 'restore' else 'disabled_by_this_run'
    service[key] = bool(context.get('%s_by_run' % ('enabled' if kind == 'restore' else 'disabled'))) and not check_mode
    return service


def _counts(servers):
    counts = {}
    for outcome in ('moved', 'already_moved', 'moved_earlier', 'already_restored', 'skipped', 'failed',
                    'not_attempted', 'planned', 'pending'):
        counts[outcome] = len([s for s in servers if s.get('outcome') == outcome])
    counts['resumed'] = len([s for s in servers if s.get('action') == 'resume' and s.get('outcome') == 'moved'])
    counts['live'] = len([s for s in servers if s.get('outcome') in ('moved', 'planned') and s.get('live')])
    counts['cold'] = len([s for s in servers if s.get('outcome') in ('moved', 'planned') and not s.get('live')])
    counts['total'] = len(servers)
    return counts


def _problems(kind, host, servers, post, remaining, require_empty, error):
    """Why the run did not reach its goal, one sentence each, naming every server with its id."""
    problems = []
    if error:
        problems.append('the run stopped: %s' % error)
    for server in servers:
        if server.get('outcome') == 'failed':
            problems.append('%s failed: %s' % (label(server), server.get('reason')))
    stopped = [s for s in servers if s.get('outcome') == 'not_attempted']
    if stopped:
        problems.append('not attempted: %s' % ', '.join(label(s) for s in stopped))
    blamed = set(s.get('id') for s in servers if s.get('outcome') in ('failed', 'not_attempted'))
    pending = [s for s in post.get('still_pending') or [] if s.get('id') not in blamed]
    if pending:
        problems.append('%s %s: %s' % ('not back on' if kind == 'restore' else 'still on', host, ', '.join(
            '%s in %s' % (label(s), s.get('status')) for s in pending)))
    if post.get('unfinished'):
        problems.append('unfinished migrations: %s' % ', '.join(
            '%s (migration %s, %s)' % (label(s), s.get('migration_id'), s.get('migration_status'))
            for s in post['unfinished']))
    if kind != 'restore' and require_empty:
        explained = blamed | set(s.get('id') for s in post.get('still_pending') or [])
        left = [s for s in remaining if s.get('id') not in explained]
        if left:
            problems.append('%s still holds %s that %s skipped (set require_empty to false to accept that): %s' % (
                host, _plural(len(left), 'server'), 'was' if len(left) == 1 else 'were',
                '; '.join('%s, %s: %s' % (label(s), s.get('status'), s.get('reason')) for s in left)))
    return problems


def build_report(results, plan, after=None, context=None):
    """Assemble the report dict (see the role documentation for the format)."""
    context = dict(context or {})
    kind = context.get('kind') or 'evacuation'
    host = context.get('host') or (plan or {}).get('host')
    check_mode = bool(context.get('check_mode'))
    running = bool(context.get('running')) and not check_mode
    require_empty = bool(context.get('require_empty', True)) and kind != 'restore'
    error = context.get('error') or None
    plan = plan or {}
    servers = _servers(results, plan, kind, host, context)
    _carry_over(servers, context.get('previous'))
    counts = _counts(servers)

    checked_after = None if check_mode or running else after
    post = postcondition(kind, host, plan, checked_after)
    remaining = remaining_on(host, checked_after) if kind != 'restore' and checked_after is not None else []
    host_empty = None if checked_after is None or kind == 'restore' else not remaining
    problems = [] if check_mode or running else _problems(kind, host, servers, post, remaining, require_empty, error)
    if check_mode:
        result = 'planned'
    elif running:
        result = 'running'
    elif problems or (checked_after is None and plan.get('actions')):
        result = 'incomplete'
    elif remaining or (kind == 'restore' and counts['skipped']):
        result = 'partial'
    else:
        result = 'complete'
    if result == 'incomplete' and not problems:
        problems.append('the host was not checked again after the run')

    report = {
        'report': 'novaops.migration.host_%s' % ('restore' if kind == 'restore' else 'evacuation'),
        'version': REPORT_VERSION,
        'host': host,
        'zone': plan.get('zone'),
        'result': result,
        'check_mode': check_mode,
        'started_at': context.get('started_at'),
        'finished_at': None if running else context.get('finished_at'),
        'duration': context.get('duration'),
        'operator': context.get('operator'),
        'run_id': context.get('run_id'),
        'service': _service(kind, host, context, check_mode),
        'since': context.get('since'),
        'options': context.get('options') or {},
        'compute_api': context.get('compute_api'),
        'targets_honoured': plan.get('cold_target_supported', True) or not plan.get('targets_requested'),
        'counts': counts,
        'host_empty': host_empty,
        'remaining': remaining,
        'problems': problems,
        'error': error,
        'servers': servers,
        'postcondition': post,
        'warnings': list(plan.get('warnings') or []),
        'notes': list(plan.get('notes') or []),
        'report_path': context.get('report_path'),
        'previous_reports': list(context.get('previous_reports') or []),
    }
    if kind != 'restore':
        report['require_empty'] = require_empty
    report['summary'] = summary_lines(report, kind)
    return report


def _fmt_seconds(value):
    try:
        return '%.1f s' % float(value)
    except (TypeError, ValueError):
        return '-'


def _modes(counts):
    parts = ['%d %s' % (counts[m], m) for m in ('live', 'cold') if counts[m]]
    return ' (%s)' % ', '.join(parts) if parts else ''


def _tally(report, kind):
    counts = report['counts']
    parts = []
    if report['result'] == 'planned':
        parts.append('%d planned%s' % (counts['planned'], _modes(counts)))
    else:
        parts.append('%d moved%s%s' % (counts['moved'], ' back' if kind == 'restore' else '', _modes(counts)))
        if counts['resumed']:
            parts.append('%d of them resumed' % counts['resumed'])
    if counts['pending']:
        parts.append('%d pending' % counts['pending'])
    if counts['moved_earlier']:
        parts.append('%d moved by an earlier run' % counts['moved_earlier'])
    if counts['already_moved']:
        parts.append('%d already gone' % counts['already_moved'])
    if counts['already_restored']:
        parts.append('%d already back' % counts['already_restored'])
    parts.append('%d skipped' % counts['skipped'])
    parts.append('%d failed' % counts['failed'])
    if counts['not_attempted']:
        parts.append('%d not attempted' % counts['not_attempted'])
    return ', '.join(parts)


def headline(report, kind='evacuation'):
    """The first line: the state of the host first, so that it cannot be misread, then the run's verdict."""
    host = report['host']
    result = report['result']
    duration = ' in %s' % _fmt_seconds(report['duration']) if report.get('duration') is not None else ''
    tally = _tally(report, kind)
    if kind == 'restore':
        counts = report['counts']
        wanted = sum(counts[o] for o in ('moved', 'already_restored', 'skipped', 'failed', 'not_attempted',
                                         'planned', 'pending'))
        if result == 'planned':
            return 'CHECK MODE, nothing changed: restore of %s would move %s back: %s.' % (
                host, _plural(counts['planned'], 'server'), tally)
        back = counts['moved'] + counts['already_restored']
        state = '%s has %d of %d evacuated servers back' % (host, back, wanted) if wanted else \
            '%s: no server to move back' % host
        return '%s: restore %s%s: %s.' % (state, result.upper(), duration, tally)
    if result == 'planned':
        staying = [s for s in report['servers'] if s.get('outcome') == 'skipped']
        if staying:
            state = '%s would still hold %s after the evacuation' % (host, _plural(len(staying), 'server'))
        else:
            state = '%s would be empty after the evacuation' % host
        return 'CHECK MODE, nothing changed: %s: %s.' % (state, tally)
    if result == 'running':
        return '%s: evacuation RUNNING since %s: %s.' % (host, report.get('started_at'), tally)
    remaining = report.get('remaining') or []
    if report.get('host_empty') is True:
        state = '%s is empty' % host
        if result != 'complete':
            state += ', but'
    elif report.get('host_empty') is False:
        state = '%s still holds %s' % (host, _plural(len(remaining), 'server'))
        if result == 'partial':
            state += ' (skipped as allowed by require_empty=false)'
    else:
        state = '%s was not checked again after the run and may still hold servers' % host
    return '%s: evacuation %s%s: %s.' % (state, result.upper(), duration, tally)


def _server_line(server, kind):
    outcome = server.get('outcome')
    name = label(server)
    how = server.get('mode') or mode(server)
    if server.get('mode_reason'):
        how += ' (%s)' % server['mode_reason']
    if outcome in ('moved', 'already_moved', 'moved_earlier'):
        detail = '%s -> %s, %s' % (server.get('original_host'), server.get('destination'), how)
        if server.get('migration_id') is not None:
            detail += ', migration %s' % server.get('migration_id')
        if server.get('elapsed') is not None:
            detail += ', %s' % _fmt_seconds(server.get('elapsed'))
        if server.get('action') == 'resume':
            detail += ', resumed'
    elif outcome in ('planned', 'pending'):
        detail = '%s -> %s, %s' % (server.get('original_host'), server.get('planned_destination') or 'scheduler', how)
    elif outcome == 'failed':
        detail = '%s -> FAILED (%s), now on %s in %s: %s' % (
            server.get('original_host'), how, server.get('current_host'), server.get('status_after'), server.get('reason'))
    else:
        detail = '%s: %s' % (server.get('status_before'), server.get('reason'))
    return '  %-16s %s: %s' % (outcome.replace('_', ' '), name, detail)


def summary_lines(report, kind='evacuation'):
    """The human summary: headline, one line per server, what is left on the host, service state and report path."""
    host = report['host']
    lines = [headline(report, kind)]
    order = ('failed', 'not_attempted', 'pending', 'moved', 'already_moved', 'moved_earlier', 'planned',
             'already_restored', 'skipped')
    for outcome in order:
        for server in [s for s in report['servers'] if s.get('outcome') == outcome]:
            lines.append(_server_line(server, kind))

    post = report['postcondition']
    if kind != 'restore' and report.get('host_empty') is not None:
        if report['host_empty']:
            lines.append('Post-condition: %s holds no servers.' % host)
        else:
            lines.append('Still on %s: %s.' % (host, '; '.join(
                '%s, %s: %s' % (label(s), s.get('status'), s.get('reason')) for s in report['remaining'])))
    elif kind == 'restore' and post.get('checked') and post.get('ok'):
        lines.append('Post-condition: every planned server is back on %s.' % host)
    if post.get('checked') and post.get('unfinished'):
        lines.append('Unfinished migrations: %s.' % ', '.join(
            '%s (migration %s, %s)' % (label(s), s.get('migration_id'), s.get('migration_status'))
            for s in post['unfinished']))
    if report.get('error'):
        lines.append('The run stopped: %s' % report['error'])
    for warning in report.get('warnings') or []:
        lines.append('Warning: %s' % warning)
    service = report.get('service') or {}
    if service.get('note'):
        lines.append(service['note'])
    if report.get('report_path') and not report['check_mode']:
        lines.append('Report: %s' % report['report_path'])
    return lines


def _iso(timestamp):
    import datetime  # pylint: disable=import-outside-toplevel
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
        'status_before': server.get('status'),
        'original_host': server.get('source_host'),
        'planned_destination': server.get('destination'),
        'destination': None if failed else after.get('host'),
        'status_after': after.get('status'),
        'migration_id': (migration or {}).get('id'),
        'migration': migration,
        'started_at': _iso(started),
        'finished_at': _iso(finished),
        'started_ts': round(float(started), 3),
        'finished_ts': round(float(finished), 3),
        'elapsed': round(seconds, 1),
        'module_elapsed': result.get('elapsed'),
        'attempts': result.get('attempts', 1),
    }
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
        entry['progress'] = '%sFAILED, now on %s in %s (%s, %.1f s): %s' % (
            prefix, after.get('host') or '?', after.get('status') or '?', entry['mode'], seconds, entry['reason'])
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
    entry['progress'] = '%s%s (%s, %.1f s)%s' % (prefix, after.get('host'), entry['mode'], seconds, suffix)
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
