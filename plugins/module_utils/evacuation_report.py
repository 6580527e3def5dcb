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

REPORT_VERSION = 1
MOVING = ('cold', 'live', 'resume')


def _by_id(items):
    return dict((item.get('id'), item) for item in items or [] if item.get('id'))


def _name(item):
    return item.get('name') or item.get('id')


def _brief(entry, **extra):
    """A report line for a server that was not migrated by this run (skipped, planned, not attempted)."""
    result = {
        'id': entry.get('id'),
        'name': entry.get('name'),
        'project_id': entry.get('project_id'),
        'action': entry.get('action'),
        'live': bool(entry.get('live')),
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
    result.update(extra)
    return result


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


def build_report(results, plan, after=None, context=None):
    """Assemble the report dict (see the role documentation for the format)."""
    context = dict(context or {})
    kind = context.get('kind') or 'evacuation'
    host = context.get('host') or (plan or {}).get('host')
    check_mode = bool(context.get('check_mode'))
    plan = plan or {}
    done = _by_id(results)
    servers = []

    for entry in plan.get('actions') or []:
        if entry.get('id') in done:
            servers.append(dict(done[entry['id']]))
        elif check_mode:
            servers.append(_brief(entry, outcome='planned', destination=entry.get('destination')))
        else:
            servers.append(_brief(entry, outcome='not_attempted', reason=(
                'not attempted: the run stopped after %s failure(s) (max_failures=%s)'
                % (context.get('failed_count', 0), context.get('max_failures', 0)))))
    for item in results or []:
        if item.get('id') not in set(s.get('id') for s in servers):
            servers.append(dict(item))
    for entry in plan.get('skipped') or []:
        servers.append(_brief(entry, outcome='skipped', action='skip'))
    for entry in plan.get('unchanged') or []:
        servers.append(_brief(entry, outcome='already_restored' if kind == 'restore' else 'unchanged',
                              action='none', destination=host))
    for entry in plan.get('earlier') or []:
        migration = entry.get('migration') or {}
        servers.append(_brief(entry, outcome='moved_earlier', action='none', destination=entry.get('destination'),
                              planned_destination=None,
                              original_host=host, migration_id=migration.get('id'), migration=migration,
                              started_at=migration.get('created_at'), finished_at=migration.get('updated_at'),
                              status_after=entry.get('status')))

    counts = {}
    for outcome in ('moved', 'already_moved', 'moved_earlier', 'already_restored', 'skipped', 'failed',
                    'not_attempted', 'planned'):
        counts[outcome] = len([s for s in servers if s.get('outcome') == outcome])
    counts['resumed'] = len([s for s in servers if s.get('action') == 'resume' and s.get('outcome') == 'moved'])
    counts['total'] = len(servers)

    post = postcondition(kind, host, plan, None if check_mode else after)
    if check_mode:
        result = 'planned'
    elif counts['failed'] or counts['not_attempted'] or post.get('ok') is False:
        result = 'incomplete'
    else:
        result = 'complete'

    report = {
        'report': 'novaops.migration.host_%s' % ('restore' if kind == 'restore' else 'evacuation'),
        'version': REPORT_VERSION,
        'host': host,
        'zone': plan.get('zone'),
        'result': result,
        'check_mode': check_mode,
        'started_at': context.get('started_at'),
        'finished_at': context.get('finished_at'),
        'duration': context.get('duration'),
        'operator': context.get('operator'),
        'service': context.get('service') or {},
        'since': context.get('since'),
        'options': context.get('options') or {},
        'compute_api': context.get('compute_api'),
        'targets_honoured': plan.get('cold_target_supported', True) or not plan.get('targets_requested'),
        'counts': counts,
        'servers': servers,
        'postcondition': post,
        'warnings': list(plan.get('warnings') or []),
        'notes': list(plan.get('notes') or []),
        'report_path': context.get('report_path'),
    }
    report['summary'] = summary_lines(report, kind)
    return report


def _fmt_seconds(value):
    try:
        return '%.1f s' % float(value)
    except (TypeError, ValueError):
        return '-'


def summary_lines(report, kind='evacuation'):
    """The human summary: headline, one line per server, post-condition, service state and report path."""
    counts = report['counts']
    host = report['host']
    what = 'Restore of' if kind == 'restore' else 'Evacuation of'
    head = {'complete': 'COMPLETE', 'incomplete': 'INCOMPLETE', 'planned': 'CHECK MODE (nothing changed)'}[report['result']]
    parts = []
    if report['result'] == 'planned':
        parts.append('%d planned' % counts['planned'])
    else:
        parts.append('%d moved' % counts['moved'])
        if counts['resumed']:
            parts.append('%d of them resumed' % counts['resumed'])
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
    duration = ' in %s' % _fmt_seconds(report['duration']) if report.get('duration') is not None else ''
    lines = ['%s %s: %s%s: %s.' % (what, host, head, duration, ', '.join(parts))]

    order = ('failed', 'not_attempted', 'moved', 'already_moved', 'moved_earlier', 'planned', 'already_restored',
             'skipped')
    for outcome in order:
        for server in [s for s in report['servers'] if s.get('outcome') == outcome]:
            name = _name(server)
            if outcome in ('moved', 'already_moved', 'moved_earlier'):
                detail = '%s -> %s' % (server.get('original_host'), server.get('destination'))
                if server.get('migration_id') is not None:
                    detail += ', migration %s' % server.get('migration_id')
                if server.get('elapsed') is not None:
                    detail += ', %s' % _fmt_seconds(server.get('elapsed'))
                if server.get('action') == 'resume':
                    detail += ', resumed'
            elif outcome == 'planned':
                detail = '%s -> %s (%s)' % (server.get('original_host'), server.get('planned_destination') or 'scheduler',
                                            'live' if server.get('live') else server.get('action'))
            elif outcome == 'failed':
                detail = '%s, now on %s in %s: %s' % (server.get('original_host'), server.get('current_host'),
                                                      server.get('status_after'), server.get('reason'))
            else:
                detail = '%s: %s' % (server.get('status_before'), server.get('reason'))
            lines.append('  %-16s %s: %s' % (outcome.replace('_', ' '), name, detail))

    post = report['postcondition']
    if post.get('checked'):
        if post.get('ok'):
            if kind == 'restore':
                lines.append('Post-condition: every planned server is back on %s.' % host)
            else:
                lines.append('Post-condition: nothing that should have moved is left on %s.' % host)
        else:
            if post['still_pending']:
                lines.append('Post-condition FAILED, %s: %s.' % (
                    'not back on %s' % host if kind == 'restore' else 'still on %s' % host,
                    ', '.join('%s (%s)' % (_name(s), s.get('status')) for s in post['still_pending'])))
            if post['unfinished']:
                lines.append('Unfinished migrations: %s.' % ', '.join(
                    '%s (migration %s, %s)' % (_name(s), s.get('migration_id'), s.get('migration_status'))
                    for s in post['unfinished']))
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
        entry.update({
            'outcome': 'failed',
            'current_host': after.get('host'),
            'fault': result.get('fault') or after.get('fault'),
            'migration_status': result.get('migration_status') or (migration or {}).get('status'),
            'reason': result.get('msg') or 'unknown failure',
        })
        entry['progress'] = '%sFAILED, now on %s in %s (%.1f s): %s' % (
            prefix, after.get('host') or '?', after.get('status') or '?', seconds, entry['reason'])
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
    entry['progress'] = '%s%s (%.1f s)%s' % (prefix, after.get('host'), seconds, suffix)
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
