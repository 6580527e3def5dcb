# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What happens to one server on the host being emptied: cold, live, resume or skip, with the reason."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.planning.capacity import RESOURCES, flavor_needs
from ansible_collections.novaops.migration.plugins.module_utils.planning.live_blockers import cold_blockers, live_blockers
from ansible_collections.novaops.migration.plugins.module_utils.planning import strategy as strat


# Entry actions.
COLD = 'cold'
LIVE = 'live'
RESUME = 'resume'
SKIP = 'skip'
NONE = 'none'
MOVING_ACTIONS = (COLD, LIVE, RESUME)

DEFAULT_OPTIONS = {
    'target_hosts': [],
    'server_filter': None,
    'live_migrate_active': False,
    'strategy': None,
    'allow_cold_for_running': False,
    'fallback': 'none',
    'skip_locked': True,
    'skip_error': True,
    'skip_shelved': True,
    'capacity_check': True,
    'capacity_resources': list(RESOURCES),
    'cold_target_supported': True,
    'max_microversion': None,
}


def options_with_defaults(options):
    result = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if value is not None:
            result[key] = value
    result['target_hosts'] = list(result.get('target_hosts') or [])
    result['capacity_resources'] = [r for r in (result.get('capacity_resources') or []) if r in RESOURCES]
    return result


def effective_strategy(options):
    """The strategy the options ask for: ``strategy``, else ``live_migrate_active`` (its old spelling: true is
    ``auto``, false or unset ``cold``)."""
    if options.get('strategy'):
        return options['strategy']
    return strat.AUTO if options.get('live_migrate_active') else strat.COLD


def extra_specs_visible(server):
    """Whether the server's embedded flavor shows its extra specs (microversion 2.47 and the policy allow it)."""
    flavor = server.get('flavor')
    return isinstance(flavor, dict) and isinstance(flavor.get('extra_specs'), dict)


def mode_reason(status, strategy, action, blockers, fallback):
    """Why a server moves the way it does, in a few words (the plan line and the summary show it after the mode)."""
    if action == COLD:
        if status == 'SHUTOFF':
            return 'not running'
        if blockers and strategy != strat.COLD:
            return 'cannot move live (%s), allow_cold_for_running' % '; '.join(blockers)
        return 'strategy %s' % strategy
    return 'strategy %s%s' % (strategy, ', cold fallback' if fallback else '')


def classify(server, options):
    """Return ``(action, reason, details)`` for a server found on the host being emptied.

    ``action`` is ``cold``, ``live`` or ``skip``; ``details`` holds ``mode_reason`` (why this mode, for a moving
    server), ``fallback`` (``cold`` or None) and ``live_blockers`` (what in its flavor keeps it from moving live).
    """
    status = (server.get('status') or '').upper()
    task = server.get('task_state')
    details = {}
    if status == 'ERROR':
        if options['skip_error']:
            return SKIP, ('status ERROR%s: Nova cannot migrate a server in ERROR; repair or reset it, then re-run'
                          % (' (fault: %s)' % server['fault'] if server.get('fault') else '')), details
        return COLD, 'status ERROR, attempted because ERROR servers are not skipped (Nova may refuse it)', \
            dict(details, mode_reason='ERROR servers are attempted cold')
    if status in ('SHELVED', 'SHELVED_OFFLOADED'):
        if options['skip_shelved'] or status == 'SHELVED_OFFLOADED':
            return SKIP, 'status %s: a shelved server is not migrated; unshelve or offload it' % status, details
        return COLD, 'status SHELVED, attempted because shelved servers are not skipped (Nova may refuse it)', \
            dict(details, mode_reason='SHELVED servers are attempted cold')
    if server.get('locked') and options['skip_locked']:
        reason = server.get('locked_reason')
        return SKIP, ('locked%s: left alone unless locked servers are included'
                      % (' (%s)' % reason if reason else '')), details
    if status == 'VERIFY_RESIZE':
        return SKIP, ('status VERIFY_RESIZE: a resize or migration onto this host waits for confirmation; '
                      'confirm or revert it first'), details
    if status == 'REVERT_RESIZE':
        return SKIP, 'status REVERT_RESIZE: a revert is running; re-run once it has finished', details
    if task and status not in ('RESIZE', 'MIGRATING'):
        return SKIP, 'busy (task_state %s): re-run once the task has finished' % task, details
    strategy = effective_strategy(options)
    blockers = live_blockers(server.get('flavor'))
    action, reason, fallback = strat.decide(status, strategy, blockers=blockers,
                                            allow_cold_for_running=bool(options.get('allow_cold_for_running')),
                                            fallback=options.get('fallback') or 'none',
                                            cold_blockers=cold_blockers(server.get('flavor')))
    if blockers:
        details['live_blockers'] = blockers
    if action != SKIP:
        details['mode_reason'] = mode_reason(status, strategy, action, blockers, fallback)
        if fallback:
            details['fallback'] = fallback
    return action, reason, details


def specs_unseen_warnings(entries, options):
    """A warning naming the running servers whose flavor's extra specs the plan could not see (below microversion 2.47,
    or a policy that hides them): nothing is known to keep them from moving live, so Nova's own pre-checks decide."""
    if effective_strategy(options) == strat.COLD:
        return []
    unseen = [e for e in entries if e.get('action') in (COLD, LIVE) and e.get('extra_specs_visible') is False
              and (e.get('status') or '').upper() in nova.LIVE_MIGRATABLE]
    if not unseen:
        return []
    return ['The flavor extra specs of %d running server(s) were not visible (compute API below 2.47, or a policy '
            'hides them), so nothing is known to keep them from moving live (PCI devices, vGPUs, ...); Nova checks '
            'when the live migration starts: %s.' % (len(unseen), ', '.join(e.get('name') or e.get('id') for e in unseen))]


def pinned_zone(server):
    """The zone a server must stay in, or None when it may move anywhere.

    From microversion 2.96 Nova shows ``pinned_availability_zone``; below
    that the pinning is invisible, so the server is assumed to stay in its
    current zone (the conservative choice for the capacity check).
    """
    if 'pinned_availability_zone' in server:
        return server.get('pinned_availability_zone')
    return server.get('availability_zone')


def server_entry(server, **extra):
    """The per-server part of a plan (and of the report)."""
    entry = {
        'id': server.get('id'),
        'name': server.get('name'),
        'project_id': server.get('project_id'),
        'status': server.get('status'),
        'task_state': server.get('task_state'),
        'power_state': server.get('power_state'),
        'locked': bool(server.get('locked')),
        'availability_zone': server.get('availability_zone'),
        'pinned_availability_zone': pinned_zone(server),
        'host': server.get('host'),
        'flavor': server.get('flavor'),
        'needs': flavor_needs(server.get('flavor')),
        'extra_specs_visible': extra_specs_visible(server),
    }
    entry.update(extra)
    return entry
