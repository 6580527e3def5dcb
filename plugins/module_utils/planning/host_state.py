# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A compute host as the planner sees it: its service state, zone and free capacity, and why it cannot act."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning.capacity import RESOURCES


def normalize_host(entry):
    """Host facts from ``compute_host_info`` (or a bare service dict) in the shape the planner uses."""
    entry = entry or {}
    service = entry.get('service') if isinstance(entry.get('service'), dict) else entry
    capacity = entry.get('capacity') or {}
    free = {}
    for res in RESOURCES:
        item = capacity.get(res)
        if isinstance(item, dict):
            free[res] = item.get('free')
        elif isinstance(item, (int, float)):
            free[res] = item
        else:
            free[res] = None
    return {
        'host': entry.get('host') or service.get('host'),
        'zone': service.get('zone') or entry.get('zone'),
        'status': service.get('status') or entry.get('status'),
        'state': service.get('state') or entry.get('state'),
        'forced_down': bool(service.get('forced_down') if 'forced_down' in service else entry.get('forced_down')),
        'disabled_reason': service.get('disabled_reason') if 'disabled_reason' in service else entry.get('disabled_reason'),
        'free': free,
    }


def host_problems(host):
    """Why the scheduler would not place anything on ``host`` ([] when usable)."""
    problems = []
    if host.get('status') != 'enabled':
        reason = host.get('disabled_reason')
        problems.append('its compute service is disabled%s' % (' (%s)' % reason if reason else ''))
    if host.get('forced_down'):
        problems.append('it is forced down')
    elif host.get('state') not in (None, 'up'):
        problems.append('its compute service is %s' % host.get('state'))
    return problems


def source_down(host):
    """Why the compute service of a host being emptied cannot act (None when it is up)."""
    if host.get('forced_down'):
        return 'is forced down'
    if host.get('state') not in (None, 'up'):
        return 'is %s' % host.get('state')
    return None
