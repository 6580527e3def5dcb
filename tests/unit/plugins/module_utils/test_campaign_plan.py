# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the maintenance campaign planner: host selection, the order capacity forces, the tiers of receiving
hosts, server groups across parallel hosts, and the failing step's figures (pure logic, no cloud)."""

import json

from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_hosts import select_hosts
from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_plan import plan_campaign, waves
from ansible_collections.novaops.migration.tests.unit.plugins.module_utils.test_evacuation import HOSTS, host, record, server


def group(name, policy, members):
    return {'id': 'g-' + name, 'name': name, 'policy': policy, 'rules': {}, 'members': members}


def by_host(*servers):
    result = {}
    for item in servers:
        result.setdefault(item['host'], []).append(item)
    return result


def moves_of(plan):
    return dict((m['name'], m) for step in plan['steps'] for m in step['moves'])


# ----- host selection ---------------------------------------------------------------------------------------------

def test_select_exact_names_in_the_order_given():
    hosts, errors = select_hosts(['compute-2', 'compute-1'], HOSTS)
    assert errors == []
    assert hosts == ['compute-2', 'compute-1']


def test_select_unknown_names_are_errors_with_close_names_and_never_a_prefix_or_case_match():
    hosts, errors = select_hosts(['Compute-1', 'compute-', 'compute-2'], HOSTS)
    assert hosts == []
    assert len(errors) == 2
    assert "'Compute-1' does not exist" in errors[0] and 'Did you mean compute-1?' in errors[0]
    assert "'compute-' does not exist" in errors[1] and 'compute-1' in errors[1]


def test_select_duplicates_are_errors():
    hosts, errors = select_hosts(['compute-1', 'compute-2', 'compute-1'], HOSTS)
    assert hosts == []
    assert errors == ["In the host list: compute host 'compute-1' is given twice."]


def test_select_from_an_aggregate_and_a_zone():
    hosts, errors = select_hosts(None, HOSTS, aggregates={'name': 'patch-wave-1', 'hosts': ['compute-10', 'compute-2']})
    assert (hosts, errors) == (['compute-10', 'compute-2'], [])
    hosts, errors = select_hosts(None, HOSTS, aggregates={'name': 'agg', 'hosts': ['compute-9']})
    assert hosts == [] and "host aggregate 'agg'" in errors[0]
    hosts, errors = select_hosts(None, HOSTS, zone='az2')
    assert (hosts, errors) == (['compute-3'], [])
    # A host both listed and in the zone is taken once.
    hosts, errors = select_hosts(['compute-3', 'compute-1'], HOSTS, zone='az2')
    assert (hosts, errors) == (['compute-3', 'compute-1'], [])
    hosts, errors = select_hosts(None, HOSTS, zone='az9')
    assert hosts == [] and "'az9' has no compute host" in errors[0]
    assert select_hosts(None, HOSTS)[1]


# ----- order and capacity ----------------------------------------------------------------------------------------

def fragmented():
    """hv-a is full with two 8-vCPU servers; hv-b has one small server and 14 vCPUs free; out-1 has 2 free."""
    facts = [host('hv-a', vcpus=0), host('hv-b', vcpus=14), host('out-1', vcpus=2)]
    servers = by_host(server('a1', on='hv-a', vcpus=8), server('a2', on='hv-a', vcpus=8),
                      server('b1', on='hv-b', vcpus=2))
    return facts, servers


def test_capacity_reorders_the_hosts_when_the_given_order_cannot_fit():
    facts, servers = fragmented()
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, options={})
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-b', 'hv-a']
    moves = moves_of(plan)
    assert moves['b1']['to'] == 'out-1' and moves['b1']['tier'] == 'outside'
    assert moves['a1']['to'] == 'hv-b' and moves['a2']['to'] == 'hv-b'
    assert moves['a1']['tier'] == 'done'
    assert plan['counts']['moves_again'] == 0
    # hv-b took 16 vCPUs on top of the 16 it had once emptied; hv-a is empty afterwards.
    assert plan['steps'][1]['free_after']['hv-b']['vcpus'] == 0
    assert plan['steps'][1]['free_after']['hv-a']['vcpus'] == 16
    json.dumps(plan)


def test_a_step_that_cannot_fit_fails_with_the_numbers():
    facts, servers = fragmented()
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, options={'order': 'given'})
    assert not plan['ok']
    assert len(plan['steps']) == 1 and plan['unplanned'] == ['hv-b']
    message = plan['errors'][0]
    assert message.startswith('Step 1 (hv-a) cannot fit: 2 server(s) need vcpus=16 memory_mb=8192 disk_gb=40')
    assert 'zone nova (hv-b, out-1): free vcpus=16 memory_mb=65536 disk_gb=1000' in message
    assert 'Servers that do not fit: a' in message
    assert plan['steps'][0]['shortfall']['needed']['vcpus'] == 16
    json.dumps(plan)


def test_pinned_servers_stay_in_their_zone_and_the_shortfall_is_per_zone():
    facts = [host('hv-a'), host('out-nova', vcpus=1), host('out-az2', zone='az2')]
    servers = by_host(server('p', on='hv-a', pinned='nova', vcpus=2))
    plan = plan_campaign(['hv-a'], facts, servers, options={})
    assert not plan['ok']
    assert 'pinned servers need vcpus=2' in plan['errors'][0]
    assert 'zone nova (out-nova): pinned servers need vcpus=2 memory_mb=4096 disk_gb=20, free vcpus=1' \
        in plan['errors'][0]
    facts[1] = host('out-nova')
    plan = plan_campaign(['hv-a'], facts, servers, options={})
    assert plan['ok'] and moves_of(plan)['p']['to'] == 'out-nova'


def test_done_hosts_are_preferred_to_hosts_outside_the_campaign():
    facts = [host('hv-a', memory_mb=16384), host('hv-b'), host('out-1', memory_mb=262144)]
    servers = by_host(server('b1', on='hv-b'), server('b2', on='hv-b'))
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, options={})
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-a', 'hv-b']
    assert plan['steps'][0]['moves'] == []
    assert [(m['to'], m['tier']) for m in plan['steps'][1]['moves']] == [('hv-a', 'done'), ('hv-a', 'done')]


def test_a_queued_host_takes_servers_only_when_nothing_else_can_and_they_are_flagged():
    facts = [host('hv-a'), host('hv-b'), host('out-1', status='disabled', reason='broken')]
    servers = by_host(server('a1', on='hv-a'), server('b1', on='hv-b'))
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, options={})
    assert plan['ok'], plan['errors']
    first, second = plan['steps']
    assert first['hosts'] == ['hv-a'] and first['moves_again'] == 1
    assert first['moves'][0]['to'] == 'hv-b' and first['moves'][0]['moves_again']
    assert 'will move again: a1 -> hv-b' in first['warnings'][0]
    # The server parked on hv-b moves once more, to the done host hv-a, with hv-b's own server.
    assert sorted((m['name'], m['from'], m['to']) for m in second['moves']) == [('a1', 'hv-b', 'hv-a'),
                                                                                ('b1', 'hv-b', 'hv-a')]
    assert second['moves_again'] == 0
    assert plan['counts']['moves_again'] == 1 and plan['counts']['moves'] == 3


# ----- server groups and waves ---------------------------------------------------------------------------------

def test_anti_affinity_members_are_never_in_one_wave_nor_on_one_host():
    facts = [host('hv-a'), host('hv-b'), host('out-1'), host('out-2')]
    servers = by_host(server('m1', on='hv-a'), server('x1', on='hv-a'), server('m2', on='hv-b'),
                      server('x2', on='hv-b'))
    groups = [group('web', 'anti-affinity', ['id-m1', 'id-m2'])]
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, groups=groups,
                         options={'parallel_hosts': 2, 'per_source': 1, 'max_in_flight': 2})
    assert plan['ok'], plan['errors']
    step = plan['steps'][0]
    assert step['hosts'] == ['hv-a', 'hv-b']
    moves = moves_of(plan)
    assert moves['m1']['to'] != moves['m2']['to']
    assert moves['m1']['server_group'] == 'web'
    for wave in step['waves']:
        assert not {'id-m1', 'id-m2'} <= set(wave)
        assert len(wave) <= 2
        assert len(set(moves[i[3:]]['from'] for i in wave)) == len(wave)  # per_source 1
    assert sorted(i for wave in step['waves'] for i in wave) == ['id-m1', 'id-m2', 'id-x1', 'id-x2']


def test_anti_affinity_counts_the_members_the_plan_placed_in_earlier_steps():
    facts = [host('hv-a'), host('hv-b'), host('out-1', memory_mb=65536), host('out-2')]
    servers = by_host(server('m1', on='hv-a'), server('m2', on='hv-b'))
    groups = [group('db', 'anti-affinity', ['id-m1', 'id-m2'])]
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, groups=groups, options={'order': 'given'})
    assert plan['ok'], plan['errors']
    moves = moves_of(plan)
    # m2 would prefer hv-a (done) but m1 is not there; it must not join m1 on out-1 either.
    assert moves['m1']['to'] == 'out-1'
    assert moves['m2']['to'] == 'hv-a'


def test_waves_respect_in_flight_per_source_and_groups():
    moves = [{'id': 'a', 'from': 'h1'}, {'id': 'b', 'from': 'h1'}, {'id': 'c', 'from': 'h2'}, {'id': 'd', 'from': 'h3'}]
    index = {'a': group('g', 'anti-affinity', ['a', 'c']), 'c': group('g', 'anti-affinity', ['a', 'c'])}
    assert waves(moves, index, 3, 1) == [['a', 'd'], ['b', 'c']]
    assert waves(moves, {}, 2, 2) == [['a', 'b'], ['c', 'd']]


def test_hard_affinity_members_all_on_one_host_are_skipped_with_the_reason():
    facts = [host('hv-a'), host('out-1')]
    servers = by_host(server('p1', on='hv-a'), server('p2', on='hv-a'), server('solo', on='hv-a'))
    groups = [group('pair', 'affinity', ['id-p1', 'id-p2'])]
    plan = plan_campaign(['hv-a'], facts, servers, groups=groups, options={})
    assert plan['ok'], plan['errors']
    step = plan['steps'][0]
    assert [m['name'] for m in step['moves']] == ['solo']
    skipped = dict((s['name'], s['reason']) for s in step['skipped'])
    assert set(skipped) == {'p1', 'p2'}
    assert 'Nova only accepts a host that already holds a member' in skipped['p1']


# ----- parallel hosts -------------------------------------------------------------------------------------------

def test_parallel_hosts_two_never_sends_a_server_to_a_host_of_its_own_step():
    facts = [host('hv-%d' % i) for i in range(1, 5)] + [host('out-1', vcpus=4)]
    servers = by_host(*[server('s%d-%d' % (i, j), on='hv-%d' % i) for i in range(1, 5) for j in range(2)])
    plan = plan_campaign(['hv-1', 'hv-2', 'hv-3', 'hv-4'], facts, servers,
                         options={'parallel_hosts': 2, 'per_source': 2})
    assert plan['ok'], plan['errors']
    assert [s['hosts'] for s in plan['steps']] == [['hv-1', 'hv-2'], ['hv-3', 'hv-4']]
    for step in plan['steps']:
        assert all(m['to'] not in step['hosts'] for m in step['moves'])
        assert all(len(w) <= 4 for w in step['waves'])
    # Step 1 fills out-1 and then has to park servers on hv-3/hv-4, which move again in step 2 to the done hosts.
    assert plan['steps'][0]['moves_again'] == 2
    assert all(m['to'] in ('hv-1', 'hv-2') for m in plan['steps'][1]['moves'])
    assert plan['counts'] == {'hosts': 4, 'steps': 2, 'servers_on_hosts': 8, 'moves': 10, 'moves_again': 2,
                              'skipped': 0, 'waves': plan['counts']['waves']}


def test_unknown_or_duplicate_hosts_fail_before_any_step():
    plan = plan_campaign(['compute-1', 'compute-1', 'compute-9'], HOSTS, {}, options={})
    assert not plan['ok'] and plan['steps'] == []
    assert len(plan['errors']) == 2


def test_a_step_whose_only_room_holds_an_anti_affinity_peer_fails_with_the_group():
    facts = [host('hv-a'), host('out-1')]
    servers = by_host(server('m1', on='hv-a'))
    groups = [group('db', 'anti-affinity', ['id-m1', 'id-m2'])]
    plan = plan_campaign(['hv-a'], facts, servers, groups=groups, host_of={'id-m2': 'out-1'}, options={})
    assert not plan['ok']
    assert plan['errors'][0].startswith("Step 1: m1: server group 'db' (anti-affinity) allows 1 member(s) per host")


def test_an_invalid_campaign_option_is_an_error_of_the_plan():
    plan = plan_campaign(['compute-1'], HOSTS, {}, options={'order': 'random'})
    assert not plan['ok'] and plan['steps'] == []
    assert plan['errors'] == ["Invalid campaign option: order must be one of capacity, given, not 'random'."]


def test_a_pinned_server_goes_to_a_done_host_of_its_zone_only():
    facts = [host('hv-a', zone='az2'), host('hv-b', zone='nova'), host('hv-c', zone='az2', vcpus=2),
             host('out-1', zone='az2', vcpus=1)]
    servers = by_host(server('p', on='hv-c', pinned='az2', vcpus=4), server('n', on='hv-c', vcpus=1))
    plan = plan_campaign(['hv-a', 'hv-b', 'hv-c'], facts, servers, options={'order': 'given'})
    assert plan['ok'], plan['errors']
    moves = moves_of(plan)
    assert (moves['p']['to'], moves['p']['zone'], moves['p']['tier']) == ('hv-a', 'az2', 'done')
    assert moves['n']['tier'] == 'done'


# ----- done hosts (an earlier run of the campaign) ----------------------------------------------------------------

def test_done_hosts_are_not_planned_again_and_receive_from_the_first_step():
    facts = [host('hv-a'), host('hv-b'), host('hv-c'), host('out-1')]
    servers = by_host(server('c1', on='hv-c'), server('c2', on='hv-c'))
    plan = plan_campaign(['hv-a', 'hv-b', 'hv-c'], facts, servers, done_hosts=['hv-a', 'hv-b'], options={})
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-c'] and plan['done_hosts'] == ['hv-a', 'hv-b']
    assert [s['hosts'] for s in plan['steps']] == [['hv-c']]
    assert [(m['tier'], m['to'] in ('hv-a', 'hv-b')) for m in plan['steps'][0]['moves']] == [('done', True)] * 2
    assert plan['counts']['hosts'] == 1
    assert set(plan['free_final']) == {'hv-a', 'hv-b', 'hv-c', 'out-1'}


def test_a_done_host_is_no_host_outside_the_campaign_either():
    # Without done_hosts, hv-a would be an outside host; given as done it is in the done tier, never "outside".
    facts = [host('hv-a'), host('hv-c')]
    servers = by_host(server('c1', on='hv-c'))
    plan = plan_campaign(['hv-c'], facts, servers, done_hosts=['hv-a'], options={})
    assert plan['ok'] and plan['steps'][0]['moves'][0]['tier'] == 'done'
    plan = plan_campaign(['hv-c'], facts, servers, options={})
    assert plan['ok'] and plan['steps'][0]['moves'][0]['tier'] == 'outside'


def test_an_unknown_done_host_is_an_error_and_nothing_is_planned():
    plan = plan_campaign(['compute-1'], HOSTS, {}, done_hosts=['compute-9'], options={})
    assert not plan['ok'] and plan['steps'] == []
    assert plan['errors'] == ["Done host 'compute-9' does not exist (host names match exactly)."]


def test_a_campaign_whose_hosts_are_all_done_is_an_empty_plan():
    plan = plan_campaign(['compute-1', 'compute-2'], HOSTS, {}, done_hosts=['compute-2', 'compute-1'], options={})
    assert plan['ok'], plan['errors']
    assert plan['steps'] == [] and plan['unplanned'] == [] and plan['counts']['steps'] == 0


def test_a_done_host_that_is_disabled_now_receives_nothing_and_says_why():
    facts = [host('hv-a', status='disabled', reason='broken disk'), host('hv-c'), host('out-1')]
    servers = by_host(server('c1', on='hv-c'))
    plan = plan_campaign(['hv-c'], facts, servers, done_hosts=['hv-a'], options={})
    assert plan['ok'], plan['errors']
    assert plan['steps'][0]['moves'][0]['to'] == 'out-1'
    assert any(w.startswith('Done host hv-a receives no server: ') for w in plan['warnings'])


# ----- anti-affinity key of each move -------------------------------------------------------------------------

def test_each_move_carries_the_anti_affinity_key_of_its_group():
    facts = [host('hv-a'), host('out-1'), host('out-2')]
    servers = by_host(server('m1', on='hv-a'), server('s1', on='hv-a'), server('p1', on='hv-a'),
                      server('solo', on='hv-a'))
    groups = [group('web', 'anti-affinity', ['id-m1', 'id-m9']), group('soft', 'soft-anti-affinity', ['id-s1']),
              group('pack', 'soft-affinity', ['id-p1', 'id-p9'])]
    plan = plan_campaign(['hv-a'], facts, servers, groups=groups, host_of={'id-m9': 'out-2', 'id-p9': 'out-1'},
                         options={})
    assert plan['ok'], plan['errors']
    keys = dict((name, move['anti_affinity']) for name, move in moves_of(plan).items())
    assert keys == {'m1': 'g-web', 's1': 'g-soft', 'p1': None, 'solo': None}
    assert moves_of(plan)['m1']['to'] == 'out-1'


# ----- a host left in the middle by an interrupted run ----------------------------------------------------------

def test_a_resumed_host_goes_first_resumes_its_migrations_and_lists_what_left():
    marker_time = '2026-01-31T08:00:00Z'
    facts = [host('hv-a'), host('hv-b', status='disabled', reason='novaops-evacuation by a at %s run r1' % marker_time),
             host('out-1')]
    servers = by_host(server('a1', on='hv-a'), server('b1', on='hv-b'))
    records = [record(1, 'id-left', 'confirmed', source='hv-b', dest='out-1', created='2026-01-31T08:05:00'),
               record(2, 'id-verify', 'finished', source='hv-b', dest='out-1', created='2026-01-31T08:06:00')]
    others = {'id-left': server('left', on='out-1'), 'id-verify': server('verify', 'VERIFY_RESIZE', on='out-1')}
    resume = {'hv-b': {'since': marker_time, 'migrations': records, 'servers': others}}
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, resume=resume, options={})
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-b', 'hv-a']
    first = plan['steps'][0]
    planned = sorted((m['name'], m['mode'], m['to']) for m in first['moves'])
    assert planned == [('b1', 'cold', 'out-1'), ('verify', 'resume', 'out-1')]
    assert [(e['id'], e['from'], e['to']) for e in first['earlier']] == [('id-left', 'hv-b', 'out-1')]
    assert 'left' not in moves_of(plan)
    # It is out of service already, so it goes first with order given too.
    plan = plan_campaign(['hv-a', 'hv-b'], facts, servers, resume=resume, options={'order': 'given'})
    assert plan['order'] == ['hv-b', 'hv-a']


def test_a_group_member_placed_first_leaves_room_for_the_big_servers_on_the_better_tier():
    # Tier by tier, m1 (constrained by its group, so placed first) would take room on the done host hv-a that one of
    # the two big servers needs, and the big one fits nowhere else; server by server, m1 goes to out-1.
    facts = [host('hv-a', memory_mb=16384), host('hv-c'), host('out-1', memory_mb=7680), host('edge', memory_mb=0)]
    servers = by_host(server('big1', on='hv-c', ram=8192), server('big2', on='hv-c', ram=8192),
                      server('m1', on='hv-c', ram=2048))
    groups = [group('spread', 'anti-affinity', ['id-m1', 'id-m9'])]
    plan = plan_campaign(['hv-c'], facts, servers, groups=groups, host_of={'id-m9': 'edge'}, done_hosts=['hv-a'],
                         options={})
    assert plan['ok'], plan['errors']
    placed = dict((name, (move['to'], move['tier'])) for name, move in moves_of(plan).items())
    assert placed == {'big1': ('hv-a', 'done'), 'big2': ('hv-a', 'done'), 'm1': ('out-1', 'outside')}
    assert plan['steps'][0]['free_after']['hv-a']['memory_mb'] == 0
    assert plan['steps'][0]['free_after']['out-1']['memory_mb'] == 7680 - 2048
