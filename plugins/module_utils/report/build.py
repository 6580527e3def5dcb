# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Assemble the report of a host evacuation or restore (pure; the roles run it through the evacuation_report filter).

Inputs are what the roles gathered: the per-server results recorded after each server_migrate_sequence call, the
plan from migration_plan before the run, the plan of the re-query after the run, and a context dict (host, times,
options, service state before and after).  The output is the JSON report written to disk, summary lines included."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.report.entries import brief, by_id
from ansible_collections.novaops.migration.plugins.module_utils.report.summary import summary_lines
from ansible_collections.novaops.migration.plugins.module_utils.report.verdict import (
    postcondition,
    remaining_on,
    run_problems,
    service_summary,
)


REPORT_VERSION = 1


def servers_of(results, plan, kind, host, context):
    check_mode = bool(context.get('check_mode'))
    running = bool(context.get('running'))
    done = by_id(results)
    servers = []
    for entry in plan.get('actions') or []:
        if entry.get('id') in done:
            servers.append(dict(done[entry['id']]))
        elif check_mode:
            servers.append(brief(entry, outcome='planned', destination=entry.get('destination')))
        elif running:
            servers.append(brief(entry, outcome='pending', reason='not migrated yet'))
        else:
            failed = context.get('failed_count', 0)
            why = ('the run stopped after %s failure(s) (max_failures=%s)' % (failed, context.get('max_failures', 0))
                   if failed else 'the run stopped before it (%s)' % (context.get('error') or 'interrupted'))
            servers.append(brief(entry, outcome='not_attempted', reason='not attempted: ' + why))
    listed = set(s.get('id') for s in servers)
    for item in results or []:
        if item.get('id') not in listed:
            servers.append(dict(item))
    for entry in plan.get('skipped') or []:
        servers.append(brief(entry, outcome='skipped', action='skip'))
    for entry in plan.get('unchanged') or []:
        servers.append(brief(entry, outcome='already_restored' if kind == 'restore' else 'unchanged',
                             action='none', destination=host))
    for entry in plan.get('earlier') or []:
        migration = entry.get('migration') or {}
        servers.append(brief(entry, outcome='moved_earlier', action='none', destination=entry.get('destination'),
                             planned_destination=None, live=migration.get('type') == 'live-migration',
                             mode='live' if migration.get('type') == 'live-migration' else 'cold',
                             original_host=host, migration_id=migration.get('id'), migration=migration,
                             started_at=migration.get('created_at'), finished_at=migration.get('updated_at'),
                             status_after=entry.get('status')))
    return servers


def carry_over(servers, previous):
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


def counts_of(servers):
    counts = {}
    for outcome in ('moved', 'already_moved', 'moved_earlier', 'already_restored', 'skipped', 'failed',
                    'not_attempted', 'planned', 'pending'):
        counts[outcome] = len([s for s in servers if s.get('outcome') == outcome])
    counts['resumed'] = len([s for s in servers if s.get('action') == 'resume' and s.get('outcome') == 'moved'])
    counts['live'] = len([s for s in servers if s.get('outcome') in ('moved', 'planned') and s.get('live')])
    counts['cold'] = len([s for s in servers if s.get('outcome') in ('moved', 'planned') and not s.get('live')])
    counts['total'] = len(servers)
    return counts


# Context keys that hold a value or nothing. ansible-core before 2.19 renders a template that yields None as an empty
# string, so an empty string means "not known" as well.
OPTIONAL_CONTEXT = ('ownership', 'service_after', 'previous', 'since', 'compute_api', 'error', 'operator', 'run_id')


def build_report(results, plan, after=None, context=None):
    """Assemble the report dict (see the role documentation for the format)."""
    context = dict(context or {})
    for key in OPTIONAL_CONTEXT:
        if context.get(key) == '':
            context[key] = None
    if not isinstance(after, dict):
        after = None
    kind = context.get('kind') or 'evacuation'
    host = context.get('host') or (plan or {}).get('host')
    check_mode = bool(context.get('check_mode'))
    running = bool(context.get('running')) and not check_mode
    require_empty = bool(context.get('require_empty', True)) and kind != 'restore'
    error = context.get('error') or None
    plan = plan or {}
    servers = servers_of(results, plan, kind, host, context)
    carry_over(servers, context.get('previous'))
    counts = counts_of(servers)

    checked_after = None if check_mode or running else after
    post = postcondition(kind, host, plan, checked_after)
    remaining = remaining_on(host, checked_after) if kind != 'restore' and checked_after is not None else []
    host_empty = None if checked_after is None or kind == 'restore' else not remaining
    problems = [] if check_mode or running else run_problems(kind, host, servers, post, remaining, require_empty, error)
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
        'service': service_summary(kind, host, context, check_mode),
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
