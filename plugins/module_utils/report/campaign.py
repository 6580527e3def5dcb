# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report of a maintenance campaign: the plan as lines an operator reads before approving it, and after the run
a line per host, a final table and the verdict, built from the campaign's state (see ``campaign_progress``).

The verdict is COMPLETE only when every host of the campaign is done and none failed; a host that failed, or one the
campaign never reached, is named with where it stands.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_progress import PHASES, host_entry


def _count_modes(servers):
    modes = {}
    for server in servers:
        modes[server.get('mode') or 'unknown'] = modes.get(server.get('mode') or 'unknown', 0) + 1
    return ', '.join('%d %s' % (modes[m], m) for m in sorted(modes))


def plan_lines(plan):
    """The plan as lines: one per step (hosts, moves and where they go, waves, what stays free), then the errors."""
    plan = plan or {}
    lines = []
    counts = plan.get('counts') or {}
    lines.append('Campaign plan: %d host(s) in %d step(s), %d server(s) to move%s%s.' % (
        counts.get('hosts', len(plan.get('hosts') or [])), counts.get('steps', len(plan.get('steps') or [])),
        counts.get('moves', 0),
        ', %d of them twice (sent to a host still queued)' % counts['moves_again'] if counts.get('moves_again') else '',
        ', %d staying' % counts['skipped'] if counts.get('skipped') else ''))
    if plan.get('done_hosts'):
        lines.append('Already done by an earlier run: %s.' % ', '.join(plan['done_hosts']))
    for step in plan.get('steps') or []:
        targets = {}
        for move in step.get('moves') or []:
            targets[move.get('to') or 'scheduler'] = targets.get(move.get('to') or 'scheduler', 0) + 1
        where = ', '.join('%d to %s' % (targets[t], t) for t in sorted(targets)) or 'nothing to move'
        free = step.get('free_after') or {}
        free_text = '; '.join('%s %s' % (name, '/'.join(str(free[name].get(r)) for r in ('vcpus', 'memory_mb', 'disk_gb')))
                              for name in sorted(free))
        lines.append('Step %d: %s - %d move(s) (%s) in %d wave(s)%s%s.' % (
            step.get('index'), ', '.join(step.get('hosts') or []), len(step.get('moves') or []), where,
            len(step.get('waves') or []),
            ', %d staying' % len(step['skipped']) if step.get('skipped') else '',
            '; free after (vcpus/memory_mb/disk_gb): %s' % free_text if free_text else ''))
        for warning in step.get('warnings') or []:
            lines.append('  warning: %s' % warning)
    for warning in plan.get('warnings') or []:
        lines.append('Warning: %s' % warning)
    for error in plan.get('errors') or []:
        lines.append('ERROR: %s' % error)
    if plan.get('unplanned'):
        lines.append('Not planned (after a step that cannot fit): %s.' % ', '.join(plan['unplanned']))
    return lines


def _parse(stamp):
    try:
        return datetime.datetime.strptime(str(stamp), '%Y-%m-%dT%H:%M:%SZ')
    except (TypeError, ValueError):
        return None


def _durations(entry):
    """Seconds spent reaching each phase, from the times the state recorded (phases of one run only)."""
    at = entry.get('at') or {}
    result = {}
    previous = None
    for phase in PHASES:
        stamp = _parse(at.get(phase))
        if stamp is None:
            continue
        if previous is not None and stamp >= previous:
            result[phase] = int((stamp - previous).total_seconds())
        previous = stamp
    return result


def host_row(host, entry, step=None):
    servers = entry.get('servers') or []
    moved = [s for s in servers if s.get('moved')]
    row = {
        'host': host,
        'step': entry.get('step', step),
        'phase': entry.get('phase') or 'queued',
        'failed': entry.get('failed'),
        'at': entry.get('at') or {},
        'durations': _durations(entry),
        'moved': len(moved),
        'modes': _count_modes(moved),
        'targets': sorted(set(s.get('to') for s in moved if s.get('to'))),
        'remaining': entry.get('remaining') or [],
        'returned': entry.get('returned') or [],
        'servers': servers,
        'marker': entry.get('marker'),
    }
    return row


def _line(row):
    text = '%s: ' % row['host']
    if row['failed']:
        text += 'FAILED in %s: %s' % (row['failed'].get('phase'), row['failed'].get('reason'))
    elif row['phase'] == 'done':
        text += 'done'
    elif row['phase'] == 'queued':
        text += 'not started'
    else:
        text += 'stopped after %s' % row['phase']
    if row['step'] is not None:
        text += ' (step %s)' % row['step']
    if row['moved']:
        text += ' - %d server(s) moved (%s) to %s' % (row['moved'], row['modes'], ', '.join(row['targets']))
    if row['returned']:
        text += ', %d returned home' % len(row['returned'])
    if row['remaining']:
        text += ', %d still on it (%s)' % (len(row['remaining']), ', '.join(row['remaining']))
    if row['durations']:
        text += '; seconds per phase: %s' % ', '.join('%s %d' % (p, s) for p, s in row['durations'].items())
    text += '.'
    if row['failed']:
        text += _LEFT_LINE[_left(row)]
    return text


_LEFT_LINE = {'as it was': ' The campaign did not disable it: it is left as it was.',
              'disabled': '',  # the failure's own reason says so where it matters (a gate that timed out)
              'enabled': ' It was enabled again before this failure.'}
_LEFT_SUMMARY = {'disabled': 'failed, left disabled',
                 'as it was': 'failed before the campaign disabled them, left as they were',
                 'enabled': 'failed after the campaign enabled them again'}


def _left(row):
    """How a failed host's compute service was left: a host still queued failed before its disable took (a pre
    hook, or a service that could not be disabled or was someone else's); one that reached enabled failed after it
    (bringing servers home, or the post hook); any other stays disabled."""
    if row['phase'] == 'queued':
        return 'as it was'
    if row['phase'] in ('enabled', 'returned', 'done'):
        return 'enabled'
    return 'disabled'


def _table(rows):
    header = ('host', 'step', 'phase', 'moved', 'returned', 'left', 'result')
    body = []
    for row in rows:
        result = 'FAILED (%s)' % row['failed'].get('phase') if row['failed'] else ('ok' if row['phase'] == 'done' else 'not finished')
        body.append((row['host'], str(row['step'] if row['step'] is not None else '-'), row['phase'], str(row['moved']),
                     str(len(row['returned'])), str(len(row['remaining'])), result))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return ['  '.join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in [header, *body]]


def campaign_report(state, plan, context=None):
    """The campaign report: ``verdict`` (COMPLETE, FAILED, INCOMPLETE or PLANNED), ``summary``, ``lines`` (one per
    host), ``table``, ``hosts`` (a row per host with its phase, failure, timings and every server the campaign moved)
    and ``counts``; ``plan`` and ``context`` (run facts such as times, operator, error) are carried as given."""
    state = state or {}
    plan = plan or {}
    context = dict(context or {})
    step_of = {}
    for step in plan.get('steps') or []:
        for host in step.get('hosts') or []:
            step_of[host] = step.get('index')
    names = list(plan.get('done_hosts') or []) + [h for h in plan.get('order') or [] if h not in (plan.get('done_hosts') or [])]
    names += [h for h in plan.get('unplanned') or [] if h not in names]
    names += [h for h in sorted((state.get('hosts') or {})) if h not in names]
    rows = [host_row(h, host_entry(state, h), step_of.get(h)) for h in names]
    done = [r for r in rows if r['phase'] == 'done' and not r['failed']]
    failed = [r for r in rows if r['failed']]
    pending = [r for r in rows if r not in done and r not in failed]
    moved = sum(r['moved'] for r in rows)
    name = state.get('campaign') or context.get('campaign')
    if context.get('check_mode'):
        verdict = 'PLANNED'
        summary = 'campaign %s PLANNED (check mode, nothing was changed): %s' % (name, plan_lines(plan)[0])
    else:
        if failed:
            verdict = 'FAILED'
        elif pending or context.get('error') or not rows:
            verdict = 'INCOMPLETE'
        else:
            verdict = 'COMPLETE'
        summary = 'campaign %s %s: %d of %d host(s) done, %d server(s) moved' % (name, verdict, len(done), len(rows), moved)
        for left in ('disabled', 'as it was', 'enabled'):
            rows_left = [r for r in failed if _left(r) == left]
            if rows_left:
                summary += '; %s: %s' % (_LEFT_SUMMARY[left], ', '.join(
                    '%s in %s' % (r['host'], r['failed'].get('phase')) for r in rows_left))
        if pending:
            summary += '; not finished: %s' % ', '.join('%s (%s)' % (r['host'], r['phase']) for r in pending)
        if context.get('error'):
            summary += '; stopped by: %s' % str(context['error']).rstrip('.')
        summary += '.'
    report = dict(context)
    report.update({
        'kind': 'campaign', 'campaign': name, 'campaign_id': state.get('id'), 'verdict': verdict, 'summary': summary,
        'lines': [_line(r) for r in rows], 'table': _table(rows), 'hosts': rows,
        'counts': {'hosts': len(rows), 'done': len(done), 'failed': len(failed), 'not_finished': len(pending),
                   'servers_moved': moved, 'servers_returned': sum(len(r['returned']) for r in rows)},
        'plan': plan,
    })
    return report
