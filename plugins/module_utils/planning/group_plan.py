# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server groups in a plan: each entry shows its group and what the group asks of its move, members Nova cannot
move are skipped with the reason, and the placement's refusals become errors that name the group.

What Nova accepts is described in ``server_groups``; this module applies it to the entries of a plan.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning import server_groups as sg
from ansible_collections.novaops.migration.plugins.module_utils.planning.classification import COLD, LIVE, SKIP

MOVING = (COLD, LIVE)


def annotate(entries, groups, host_of):
    """Give each entry of a member its ``server_group`` (``id``, ``name``, ``policy``, ``rules``; a moving entry also
    ``forbidden_hosts`` and ``required_hosts``), and turn a moving member that no move through the scheduler can
    take (hard affinity with every member on its host) into a skip with the reason.

    ``host_of`` maps server ids to their current hosts (the entries' own hosts are added). Returns ``(limits,
    warnings)``: the anti-affinity limits ``capacity.place`` takes, and the warnings about soft and unknown policies
    (one per group, naming its members).
    """
    where = dict(host_of or {})
    for entry in entries:
        if entry.get('id') and entry.get('host') and entry['id'] not in where:
            where[entry['id']] = entry['host']
    # Messages name the other members as the operator knows them.
    names = dict((e['id'], e['name']) for e in entries if e.get('id') and e.get('name'))
    warned = {}
    for entry in entries:
        group = sg.group_of(entry.get('id'), groups)
        if group is None:
            continue
        info = sg.summary(group)
        entry['server_group'] = info
        if entry.get('action') not in MOVING:
            continue
        constraint = sg.constraints(entry['id'], entry.get('source_host') or entry.get('host'), groups, where,
                                    names)
        info['forbidden_hosts'] = constraint['forbidden']
        info['required_hosts'] = constraint['required']
        for warning in constraint['warnings']:
            warned.setdefault(warning, []).append(entry.get('name') or entry['id'])
        if constraint['blocked']:
            entry['action'] = SKIP
            entry['reason'] = 'needs a common target with %s' % constraint['blocked']
            for key in ('mode_reason', 'fallback'):
                entry.pop(key, None)
    warnings = ['%s (%s).' % (text, ', '.join(sorted(names))) for text, names in sorted(warned.items())]
    return sg.member_limits(groups, where), warnings


def unusable_required(entry, pool, pool_label):
    """An error when a hard-affinity member's required hosts are none of ``pool`` (the hosts it may be sent to),
    else None."""
    group = entry.get('server_group') or {}
    required = group.get('required_hosts')
    if required is None or any(name in pool for name in required):
        return None
    return ('%s: %s has its other members on %s, and Nova only accepts one of those hosts, which %s.'
            % (entry.get('name') or entry.get('id'), label(group), ', '.join(required), pool_label))


def refusal_error(entry, roomy, limits, where):
    """The error for an entry the placement left out although ``roomy`` hosts had room for it: its group ruled
    them out (``where`` names the hosts considered, for example "target host")."""
    group = entry.get('server_group') or {}
    name = entry.get('name') or entry.get('id')
    if group.get('required_hosts') is not None:
        return ('%s: %s needs one of %s (where its other members are), and none of them has room for it; the %ss '
                'with room are %s.' % (name, label(group), ', '.join(group['required_hosts']) or 'no host', where,
                                       ', '.join(roomy)))
    limit = (limits or {}).get(group.get('id'), {}).get('max_per_host', 1)
    return ('%s: %s allows %d member(s) per host, and every %s with room for it (%s) holds that many, counting the '
            'members this plan sends there; Nova would answer No valid host. Add a %s without a member of the '
            'group.' % (name, label(group), limit, where, ', '.join(roomy), where))


def label(group):
    """How messages name the group of a plan entry."""
    return sg.label_of({'group': group.get('name'), 'group_id': group.get('id'), 'policy': group.get('policy')})


def batches(actions, groups):
    """The plan's actions (ids, in order) split so that no batch holds two members of one anti-affinity group: a
    caller that moves servers in parallel runs one batch after the other."""
    ids = [entry['id'] for entry in actions]
    if not groups or not ids:
        return [ids] if ids else []
    return sg.anti_affinity_batches(ids, groups, len(ids))
