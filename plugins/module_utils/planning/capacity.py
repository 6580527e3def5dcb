# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resources a server claims and a greedy placement of servers on hosts with the free capacity they have."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


RESOURCES = ('vcpus', 'memory_mb', 'disk_gb')


def flavor_needs(flavor):
    """Resources a server claims on its host, from the embedded flavor (microversion 2.47+)."""
    flavor = flavor or {}
    if flavor.get('vcpus') is None and flavor.get('ram') is None:
        return None
    swap_mb = flavor.get('swap') or 0
    try:
        swap_gb = -(-int(swap_mb) // 1024)
    except (TypeError, ValueError):
        swap_gb = 0
    return {
        'vcpus': int(flavor.get('vcpus') or 0),
        'memory_mb': int(flavor.get('ram') or 0),
        'disk_gb': int(flavor.get('disk') or 0) + int(flavor.get('ephemeral') or 0) + swap_gb,
    }


def fits(free, needs, resources):
    for res in resources:
        have = free.get(res)
        if have is None:
            continue  # unknown capacity is not held against the host
        if needs.get(res, 0) > have:
            return False
    return True


def sum_needs(needs_list, resources):
    total = dict((res, 0) for res in resources)
    for needs in needs_list:
        for res in resources:
            total[res] += int((needs or {}).get(res) or 0)
    return total


def fmt_resources(values, resources):
    parts = []
    for res in resources:
        value = values.get(res)
        parts.append('%s=%s' % (res, 'unknown' if value is None else value))
    return ' '.join(parts)


def place(entries, hosts, resources, spread_by_count=False, limits=None, refused=None):
    """Greedy placement of ``entries`` (biggest first) on ``hosts`` (dict name -> normalized host).

    Each entry may carry ``allowed_zone``; the chosen host is the one with
    the fewest servers assigned so far when ``spread_by_count`` (explicit
    targets: spread evenly), else the one with the most free memory.

    An entry's ``server_group`` (see ``server_groups.summary``) may name
    ``forbidden_hosts`` (Nova's filters refuse them) and ``required_hosts``
    (None for any; else only those are accepted), and ``limits`` maps an
    anti-affinity group id to ``max_per_host`` and the members each host holds
    now (``on_host``): a host is left out for a member once the members there,
    those this placement put there included, reach the limit.  Entries with
    such constraints are placed first.  ``refused`` (a dict), when given,
    receives the id of each unplaced entry that some host had room for but
    that its group ruled out, with the hosts that had room.

    Mutates the ``free`` figures of a copy; returns ``(assignment, unplaced,
    free_after)``.
    """
    free = dict((name, dict(h['free'])) for name, h in hosts.items())
    counts = dict((name, 0) for name in hosts)
    members = dict((gid, dict(limit.get('on_host') or {})) for gid, limit in (limits or {}).items())
    assignment = {}
    unplaced = []

    def size(entry):
        needs = entry.get('needs') or {}
        return (needs.get('memory_mb') or 0, needs.get('vcpus') or 0, needs.get('disk_gb') or 0, entry.get('name') or '')

    def constrained(entry):
        group = entry.get('server_group') or {}
        if group.get('required_hosts') is not None:
            return 2
        return 1 if group.get('forbidden_hosts') or group.get('id') in members else 0

    def group_allows(entry, name):
        group = entry.get('server_group') or {}
        if name in (group.get('forbidden_hosts') or ()):
            return False
        if group.get('required_hosts') is not None and name not in group['required_hosts']:
            return False
        gid = group.get('id')
        return gid not in members or members[gid].get(name, 0) < limits[gid]['max_per_host']

    for entry in sorted(entries, key=lambda e: (constrained(e), *size(e)), reverse=True):
        needs = entry.get('needs') or dict((res, 0) for res in resources)
        zone = entry.get('allowed_zone')
        roomy = [name for name, h in hosts.items()
                 if (zone is None or h.get('zone') == zone) and fits(free[name], needs, resources)]
        fitting = [name for name in roomy if group_allows(entry, name)]
        if not fitting:
            unplaced.append(entry)
            if roomy and refused is not None:
                refused[entry['id']] = sorted(roomy)
            continue

        def rank(name):
            mem = free[name].get('memory_mb')
            mem = float('inf') if mem is None else mem
            if spread_by_count:
                return (counts[name], -mem, name)
            return (-mem, counts[name], name)

        chosen = sorted(fitting, key=rank)[0]
        assignment[entry['id']] = chosen
        counts[chosen] += 1
        gid = (entry.get('server_group') or {}).get('id')
        if gid in members:
            members[gid][chosen] = members[gid].get(chosen, 0) + 1
        for res in RESOURCES:
            if free[chosen].get(res) is not None:
                free[chosen][res] -= int(needs.get(res) or 0)
    return assignment, unplaced, free


def zone_summary(hosts, resources):
    zones = {}
    for name, h in sorted(hosts.items()):
        zone = zones.setdefault(h.get('zone'), {'hosts': [], 'free': dict((res, 0) for res in resources)})
        zone['hosts'].append(name)
        for res in resources:
            value = h['free'].get(res)
            if value is None or zone['free'][res] is None:
                zone['free'][res] = None
            else:
                zone['free'][res] += max(0, value)
    return zones
