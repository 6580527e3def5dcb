# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a server group allows a moving member: the hosts it may not go to, the hosts it must go to, and the order.

Nova's scheduler filters and the destination compute's late check read a group differently:

- ``anti-affinity``: both refuse a host that already holds ``max_server_per_host`` other members (1 unless the 2.64
  rule says otherwise).
- ``affinity``: the scheduler accepts only a host that holds a member, the moving server itself included; as a move
  never stays on its source, a member whose group has no member on another host cannot be moved through the
  scheduler at all, not even alone, with a named host or a cold migration. Only a forced live migration (below
  microversion 2.68) skips the scheduler, and then the destination's late check (other members only) lets a lone
  member through but sends a member with peers on the source to ERROR.
- The soft policies only weigh hosts and never refuse one.

Nothing is checked again after the scheduler picked a host for a non-forced move, so a named target and the order
of moves are the planner's to get right. ``groups`` are as ``GET /os-server-groups?all_projects=True`` shows them:
dicts with ``id``, ``name``, ``policy`` (``policies`` before 2.64), ``rules`` and ``members``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'
HARD = (AFFINITY, ANTI_AFFINITY)
SOFT = (SOFT_AFFINITY, SOFT_ANTI_AFFINITY)


def policy_of(group):
    """The policy of a group as 2.64 shows it (``policy``) or as earlier versions do (``policies``, one item)."""
    if group.get('policy'):
        return group['policy']
    policies = group.get('policies') or []
    return policies[0] if policies else None


def group_of(server_id, groups):
    """The group ``server_id`` belongs to (Nova allows one), or None."""
    for group in groups or []:
        if server_id in (group.get('members') or []):
            return group
    return None


def constraints(server_id, source, groups, host_of, name_of=None):
    """What the group of ``server_id`` (on ``source``) asks of its move; None when it is in no group.

    ``host_of`` maps server ids to their current hosts. The result has ``group`` (name), ``group_id``, ``policy``,
    ``forbidden`` (hosts the scheduler will refuse), ``required`` (the hosts it will accept, or None for any),
    ``peers_on_source`` (other members on the same host), ``blocked`` (why no move through the scheduler can
    succeed, or None) and ``warnings``.
    """
    group = group_of(server_id, groups)
    if group is None:
        return None
    policy = policy_of(group)
    peers = [m for m in group.get('members') or [] if m != server_id]
    peer_hosts = [host_of[m] for m in peers if host_of.get(m)]
    result = {
        'group': group.get('name'), 'group_id': group.get('id'), 'policy': policy, 'forbidden': [],
        'required': None, 'peers_on_source': sorted(m for m in peers if host_of.get(m) == source),
        'blocked': None, 'warnings': [],
    }
    label = "server group '%s' (%s)" % (group.get('name') or group.get('id'), policy)
    if policy == ANTI_AFFINITY:
        limit = _max_per_host(group)
        counts = {}
        for host in peer_hosts:
            counts[host] = counts.get(host, 0) + 1
        result['forbidden'] = sorted(h for h, n in counts.items() if n >= limit and h != source)
    elif policy == AFFINITY:
        elsewhere = sorted(set(h for h in peer_hosts if h != source))
        if len(elsewhere) > 1:
            result['warnings'].append('%s already spans %s: the scheduler accepts any of them'
                                      % (label, ', '.join(elsewhere)))
        if elsewhere:
            result['required'] = elsewhere
        else:
            result['required'] = []
            result['blocked'] = (
                '%s: Nova only accepts a host that already holds a member, and every member is on %s, so the '
                'scheduler refuses any move of it (named host or not)%s' % (
                    label, source,
                    '; a forced live migration would send it to ERROR, its peers %s being on %s'
                    % (', '.join((name_of or {}).get(m) or m for m in result['peers_on_source']), source)
                    if result['peers_on_source']
                    else '; only a forced live migration (below microversion 2.68) can move this lone member'))
    elif policy in SOFT:
        if peer_hosts:
            preference = ('the hosts of the other members' if policy == SOFT_AFFINITY
                          else 'hosts without another member')
            result['warnings'].append('%s: the scheduler prefers %s but may pick any host' % (label, preference))
    else:
        result['warnings'].append('%s: a policy this collection does not know (a newer Nova?); not checked, '
                                  'Nova decides' % label)
    return result


def _max_per_host(group):
    rules = group.get('rules') or {}
    try:
        return max(1, int(rules.get('max_server_per_host', 1)))
    except (TypeError, ValueError):
        return 1


def target_refusal(constraint, target, force=False):
    """Why ``target`` breaks the group's policy (a message), or None when it does not or ``force`` overrides."""
    if not constraint or not target or force:
        return None
    label = "server group '%s' (%s)" % (constraint['group'] or constraint['group_id'], constraint['policy'])
    if target in constraint['forbidden']:
        return ('%s: %s already holds another member, so Nova would answer No valid host; choose another '
                'target or set force to override the policy' % (label, target))
    if constraint['blocked']:
        return constraint['blocked']
    if constraint['required'] is not None and target not in constraint['required']:
        return ('%s: the other members are on %s, and Nova only accepts one of those hosts; choose it'
                % (label, ', '.join(constraint['required'])))
    return None


def summary(group):
    """What a plan entry shows of its server's group: ``id``, ``name``, ``policy`` and ``rules``."""
    return {'id': group.get('id'), 'name': group.get('name'), 'policy': policy_of(group),
            'rules': dict(group.get('rules') or {})}


def member_limits(groups, host_of):
    """Per hard anti-affinity group id: ``max_per_host`` and ``on_host`` (how many members each host holds now).

    The capacity placement counts the members it plans onto a host on top of these, so that one plan never sends
    more members to a host than Nova's anti-affinity filter lets through."""
    limits = {}
    for group in groups or []:
        if policy_of(group) != ANTI_AFFINITY or not group.get('id'):
            continue
        on_host = {}
        for member in group.get('members') or []:
            where = host_of.get(member)
            if where:
                on_host[where] = on_host.get(where, 0) + 1
        limits[group['id']] = {'max_per_host': _max_per_host(group), 'on_host': on_host}
    return limits


def label_of(constraint):
    """How messages name a constraint's group: ``server group 'name' (policy)``."""
    return "server group '%s' (%s)" % (constraint.get('group') or constraint.get('group_id'), constraint.get('policy'))


def anti_affinity_key(group):
    """What keeps the members of one anti-affinity group (hard or soft) apart in time, or None for any other group."""
    if group and policy_of(group) in (ANTI_AFFINITY, SOFT_ANTI_AFFINITY):
        return group.get('id') or group.get('name')
    return None


def waves(items, key_of, size, source_of=None, per_source=None):
    """Split ``items`` (in order) into waves of at most ``size``, never two items with one ``key_of`` (not None) in a
    wave and, with ``source_of``, at most ``per_source`` items from one source. An item that does not fit a wave
    waits for the next one; the order is otherwise kept."""
    size = max(1, int(size))
    pending = list(items)
    result = []
    while pending:
        wave, keys, sources, left = [], set(), {}, []
        for item in pending:
            key = key_of(item)
            source = source_of(item) if source_of else None
            if (len(wave) < size and (key is None or key not in keys)
                    and (source_of is None or sources.get(source, 0) < per_source)):
                wave.append(item)
                sources[source] = sources.get(source, 0) + 1
                if key is not None:
                    keys.add(key)
            else:
                left.append(item)
        result.append(wave)
        pending = left
    return result


def anti_affinity_batches(server_ids, groups, size):
    """Split ``server_ids`` (in order) into batches of at most ``size`` with no two members of one anti-affinity
    group in the same batch, so they are never in flight together (see ``waves``)."""
    return waves(server_ids, lambda server_id: anti_affinity_key(group_of(server_id, groups)), size)
