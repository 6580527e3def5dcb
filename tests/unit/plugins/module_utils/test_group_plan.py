# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server groups in the plans: the capacity placement keeps to what Nova's group filters accept, members Nova cannot
move are skipped with the reason, soft and unknown policies only warn, and the batches keep anti-affinity peers
apart."""

from ansible_collections.novaops.migration.plugins.module_utils.planning import capacity, evacuation_plan, restore_plan
from ansible_collections.novaops.migration.tests.unit.plugins.module_utils.test_evacuation import host, server


def group(name, policy, members, rules=None):
    return {'id': 'g-' + name, 'name': name, 'policy': policy, 'rules': rules or {}, 'members': members}


def free(memory_mb=32768):
    return {'free': {'vcpus': 64, 'memory_mb': memory_mb, 'disk_gb': 1000}, 'zone': 'nova'}


def entry(name, gid=None, forbidden=(), required=None, memory_mb=4096):
    item = {'id': name, 'name': name, 'needs': {'vcpus': 1, 'memory_mb': memory_mb, 'disk_gb': 10}}
    if gid or forbidden or required is not None:
        item['server_group'] = {'id': gid, 'forbidden_hosts': list(forbidden), 'required_hosts': required}
    return item


HOSTS = [host('compute-1'), host('compute-2'), host('compute-3'), host('compute-4', memory_mb=8192)]


def evacuate(servers, groups, host_of, targets=(), hosts=None):
    return evacuation_plan.plan_evacuation('compute-1', hosts or HOSTS, servers, groups=groups, host_of=host_of,
                                           options={'target_hosts': list(targets)})


def entry_of(plan, name):
    return next(e for e in plan['actions'] + plan['skipped'] if e['name'] == name)


# ----- capacity.place -------------------------------------------------------------------------------------------

def test_place_never_picks_a_forbidden_host_and_keeps_to_the_required_ones():
    hosts = {'compute-2': free(), 'compute-3': free(60000), 'compute-4': free()}
    assignment, unplaced, _free = capacity.place(
        [entry('a', forbidden=['compute-3']), entry('f', required=['compute-4']), entry('plain')],
        hosts, list(capacity.RESOURCES))
    assert unplaced == []
    assert assignment['a'] != 'compute-3' and assignment['f'] == 'compute-4' and assignment['plain'] == 'compute-3'


def test_place_keeps_anti_affinity_members_of_one_plan_apart():
    hosts = {'compute-2': free(), 'compute-3': free()}
    limits = {'g-pair': {'max_per_host': 1, 'on_host': {}}}
    refused = {}
    assignment, unplaced, _free = capacity.place(
        [entry('a1', 'g-pair'), entry('a2', 'g-pair'), entry('a3', 'g-pair')], hosts, list(capacity.RESOURCES),
        limits=limits, refused=refused)
    assert sorted(assignment.values()) == ['compute-2', 'compute-3']
    assert [e['id'] for e in unplaced] == list(refused) and refused[unplaced[0]['id']] == ['compute-2', 'compute-3']
    assert limits['g-pair']['on_host'] == {}          # the caller's counts are not changed


def test_place_counts_members_already_on_a_host_up_to_max_server_per_host():
    hosts = {'compute-2': free(), 'compute-3': free(60000)}
    limits = {'g-wide': {'max_per_host': 2, 'on_host': {'compute-3': 1}}}
    assignment, unplaced, _free = capacity.place(
        [entry('a1', 'g-wide'), entry('a2', 'g-wide'), entry('a3', 'g-wide')], hosts, list(capacity.RESOURCES),
        spread_by_count=True, limits=limits)
    assert unplaced == []
    assert sorted(assignment.values()).count('compute-3') == 1


def test_place_puts_constrained_members_first():
    # compute-2 has room for one of the two; the affinity member needs it, the bigger plain server goes elsewhere
    hosts = {'compute-2': free(5000), 'compute-3': free(4500)}
    assignment, unplaced, _free = capacity.place(
        [entry('big', memory_mb=4400), entry('f', required=['compute-2'], memory_mb=4096)], hosts,
        list(capacity.RESOURCES))
    assert unplaced == [] and assignment == {'f': 'compute-2', 'big': 'compute-3'}


# ----- evacuation -------------------------------------------------------------------------------------------------

def test_anti_affinity_member_is_not_sent_to_its_peer_target():
    # the field case: compute-3 has the most free memory, but holds the other member of the pair
    groups = [group('db-pair', 'anti-affinity', ['id-a1', 'id-a2'])]
    plan = evacuate([server('a1'), server('plain', ram=512)], groups, {'id-a2': 'compute-3'},
                    targets=['compute-3', 'compute-4'])
    assert plan['ok'], plan['errors']
    a1 = entry_of(plan, 'a1')
    assert a1['destination'] == 'compute-4'
    assert a1['server_group'] == {'id': 'g-db-pair', 'name': 'db-pair', 'policy': 'anti-affinity', 'rules': {},
                                  'forbidden_hosts': ['compute-3'], 'required_hosts': None}
    assert entry_of(plan, 'plain')['destination'] == 'compute-3' and 'server_group' not in entry_of(plan, 'plain')


def test_two_anti_affinity_members_leaving_together_need_two_hosts():
    groups = [group('pair', 'anti-affinity', ['id-a1', 'id-a2'])]
    plan = evacuate([server('a1'), server('a2')], groups, {}, targets=['compute-3'])
    assert not plan['ok']
    assert len(plan['errors']) == 1 and "server group 'pair' (anti-affinity) allows 1 member(s) per host" in plan['errors'][0]
    assert 'Add a target host without a member' in plan['errors'][0] and 'Not enough free capacity' not in plan['errors'][0]
    # with two targets both fit, one each
    plan = evacuate([server('a1'), server('a2')], groups, {}, targets=['compute-2', 'compute-3'])
    assert plan['ok'] and sorted(e['destination'] for e in plan['actions']) == ['compute-2', 'compute-3']
    assert plan['batches'] == [['id-a1'], ['id-a2']]


def test_scheduled_moves_expect_a_host_without_a_peer():
    groups = [group('pair', 'anti-affinity', ['id-a1', 'id-a2'], rules={'max_server_per_host': 1})]
    hosts = [host('compute-1'), host('compute-2', memory_mb=8192), host('compute-3')]
    plan = evacuate([server('a1')], groups, {'id-a2': 'compute-3'}, hosts=hosts)
    assert plan['ok'] and entry_of(plan, 'a1')['expected_destination'] == 'compute-2'


def test_affinity_members_all_on_the_host_are_skipped_with_the_reason():
    groups = [group('fused', 'affinity', ['id-f1', 'id-f2'])]
    plan = evacuate([server('f1'), server('f2'), server('web')], groups, {}, targets=['compute-2'])
    assert plan['ok'] and [e['name'] for e in plan['actions']] == ['web']
    f1 = entry_of(plan, 'f1')
    assert f1['action'] == 'skip' and 'mode_reason' not in f1
    assert f1['reason'].startswith("needs a common target with server group 'fused' (affinity): Nova only accepts a "
                                   "host that already holds a member")
    assert 'would send it to ERROR' in f1['reason']
    assert f1['plan_line'].startswith("skip f1 (ACTIVE): needs a common target")
    assert plan['counts']['skipped'] == 2


def test_affinity_member_joins_its_peers_or_the_plan_says_why_not():
    groups = [group('joined', 'affinity', ['id-g1', 'id-g2'])]
    plan = evacuate([server('g1')], groups, {'id-g2': 'compute-2'}, targets=['compute-2', 'compute-3'])
    assert plan['ok'] and entry_of(plan, 'g1')['destination'] == 'compute-2'
    plan = evacuate([server('g1')], groups, {'id-g2': 'compute-2'}, targets=['compute-3'])
    assert plan['errors'] == ["g1: server group 'joined' (affinity) has its other members on compute-2, and Nova "
                              "only accepts one of those hosts, which is not among the usable target hosts."]
    # scheduled: the peer's host is disabled
    hosts = [host('compute-1'), host('compute-2', status='disabled'), host('compute-3')]
    plan = evacuate([server('g1')], groups, {'id-g2': 'compute-2'}, hosts=hosts)
    assert 'cannot receive servers (disabled, down or forced down)' in plan['errors'][0]
    # its peer's host has no room
    hosts = [host('compute-1'), host('compute-2', memory_mb=1024), host('compute-3')]
    plan = evacuate([server('g1')], groups, {'id-g2': 'compute-2'}, hosts=hosts)
    assert len(plan['errors']) == 1 and 'needs one of compute-2 (where its other members are)' in plan['errors'][0]


def test_soft_and_unknown_policies_only_warn():
    groups = [group('soft', 'soft-anti-affinity', ['id-s1', 'id-s2']),
              group('future', 'quantum-affinity', ['id-x1', 'id-x2'])]
    plan = evacuate([server('s1'), server('x1')], groups, {'id-s2': 'compute-2', 'id-x2': 'compute-2'},
                    targets=['compute-2'])
    assert plan['ok'] and [e['destination'] for e in plan['actions']] == ['compute-2', 'compute-2']
    assert any("'soft' (soft-anti-affinity)" in w and 'may pick any host' in w and w.endswith('(s1).')
               for w in plan['warnings'])
    assert any("'future' (quantum-affinity)" in w and 'Nova decides' in w for w in plan['warnings'])
    assert entry_of(plan, 'x1')['server_group']['policy'] == 'quantum-affinity'


def test_without_groups_nothing_changes():
    plan = evacuate([server('a1'), server('a2')], None, None, targets=['compute-3'])
    assert plan['ok'] and plan['batches'] == [['id-a1', 'id-a2']]
    assert 'server_group' not in plan['actions'][0]


# ----- restore ----------------------------------------------------------------------------------------------------

def report_item(name, destination='compute-2'):
    return {'id': 'id-' + name, 'name': name, 'destination': destination, 'outcome': 'moved'}


def test_restore_leaves_members_nova_would_not_let_back():
    groups = [group('pair', 'anti-affinity', ['id-a1', 'id-a2', 'id-a3']),
              group('fused', 'affinity', ['id-f1', 'id-f2'])]
    moved = [report_item('a1'), report_item('a2'), report_item('f1'), report_item('web')]
    current = dict(('id-' + n, server(n, on='compute-2')) for n in ('a1', 'a2', 'f1', 'web'))
    plan = restore_plan.plan_restore('compute-1', HOSTS, moved, current, groups=groups,
                                     host_of={'id-a3': 'compute-3', 'id-f2': 'compute-3'})
    assert plan['ok'], plan['errors']
    back = sorted(e['name'] for e in plan['actions'])
    assert len(back) == 2 and back[0] in ('a1', 'a2') and back[1] == 'web'
    left = entry_of(plan, 'a2' if back[0] == 'a1' else 'a1')
    assert left['action'] == 'skip'
    assert "server group 'pair' (anti-affinity) allows 1 member(s) per host and compute-1 holds that many" in left['reason']
    assert entry_of(plan, 'f1')['reason'].startswith("needs a common target with server group 'fused' (affinity): "
                                                     "its other members are on compute-3")
