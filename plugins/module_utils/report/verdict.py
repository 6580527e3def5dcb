# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a run reached its goal, from the plan and the re-query after it: what is still on the host, which
migrations are unfinished, the problems that fail the run, and what the compute service looks like now."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import parse_marker
from ansible_collections.novaops.migration.plugins.module_utils.report.entries import MOVING, label, plural


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


def service_summary(kind, host, context, check_mode):
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


def run_problems(kind, host, servers, post, remaining, require_empty, error):
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
                host, plural(len(left), 'server'), 'was' if len(left) == 1 else 'were',
                '; '.join('%s, %s: %s' % (label(s), s.get('status'), s.get('reason')) for s in left)))
    return problems
