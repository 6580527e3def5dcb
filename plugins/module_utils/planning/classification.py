# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What happens to one server on the host being emptied: cold, live, resume or skip, with the reason."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.planning.capacity import RESOURCES, flavor_needs


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


def classify(server, options):
    """Return ``(action, reason)`` for a server found on the host being emptied.

    ``action`` is ``cold``, ``live`` or ``skip``.
    """
    status = (server.get('status') or '').upper()
    task = server.get('task_state')
    if status == 'ERROR':
        if options['skip_error']:
            return SKIP, ('status ERROR%s: Nova cannot migrate a server in ERROR; repair or reset it, then re-run'
                          % (' (fault: %s)' % server['fault'] if server.get('fault') else ''))
        return COLD, 'status ERROR, attempted because ERROR servers are not skipped (Nova may refuse it)'
    if status in ('SHELVED', 'SHELVED_OFFLOADED'):
        if options['skip_shelved'] or status == 'SHELVED_OFFLOADED':
            return SKIP, 'status %s: a shelved server is not migrated; unshelve or offload it' % status
        return COLD, 'status SHELVED, attempted because shelved servers are not skipped (Nova may refuse it)'
    if server.get('locked') and options['skip_locked']:
        reason = server.get('locked_reason')
        return SKIP, 'locked%s: left alone unless locked servers are included' % (' (%s)' % reason if reason else '')
    if status == 'VERIFY_RESIZE':
        return SKIP, ('status VERIFY_RESIZE: a resize or migration onto this host waits for confirmation; '
                      'confirm or revert it first')
    if status == 'REVERT_RESIZE':
        return SKIP, 'status REVERT_RESIZE: a revert is running; re-run once it has finished'
    if task and status not in ('RESIZE', 'MIGRATING'):
        return SKIP, 'busy (task_state %s): re-run once the task has finished' % task
    if options['live_migrate_active'] and status in nova.LIVE_MIGRATABLE:
        return LIVE, 'status %s: live migration' % status
    if status in nova.COLD_MIGRATABLE:
        return COLD, 'status %s: cold migration' % status
    if status == 'PAUSED':
        return SKIP, ('status PAUSED: a cold migration needs ACTIVE or SHUTOFF; enable live migration of '
                      'ACTIVE and PAUSED servers to move it')
    return SKIP, 'status %s: a cold migration needs ACTIVE or SHUTOFF' % (status or 'unknown')


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
    }
    entry.update(extra)
    return entry
