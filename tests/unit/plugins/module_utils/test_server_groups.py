# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server groups: the hosts a member may and may not move to, and batches that keep anti-affinity peers apart."""

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_groups as sg


def group(name, policy, members, rules=None, legacy=False):
    data = {'id': 'id-' + name, 'name': name, 'members': members, 'rules': rules or {}}
    if legacy:
        data['policies'] = [policy]
    else:
        data['policy'] = policy
    return data


HOSTS = {'a1': 'compute1', 'a2': 'compute3', 'f1': 'compute1', 'f2': 'compute1', 'g1': 'compute1', 'g2': 'compute2',
         's1': 'compute1', 's2': 'compute2', 'x1': 'compute1', 'loner': 'compute1'}
GROUPS = [group('db-pair', 'anti-affinity', ['a1', 'a2']), group('fused', 'affinity', ['f1', 'f2']),
          group('joined', 'affinity', ['g1', 'g2'], legacy=True), group('soft', 'soft-anti-affinity', ['s1', 's2']),
          group('future', 'quantum-affinity', ['x1'])]


def test_anti_affinity_forbids_the_peer_host_the_scheduler_would_refuse():
    # the case that stopped a real evacuation half-way: the capacity plan sent a1 to its peer's host
    c = sg.constraints('a1', 'compute1', GROUPS, HOSTS)
    assert (c['policy'], c['forbidden'], c['required']) == ('anti-affinity', ['compute3'], None)
    assert 'compute3 already holds another member' in sg.target_refusal(c, 'compute3')
    assert sg.target_refusal(c, 'compute2') is None
    assert sg.target_refusal(c, 'compute3', force=True) is None


def test_max_server_per_host_rule():
    groups = [group('wide', 'anti-affinity', ['a1', 'a2', 'a3'], rules={'max_server_per_host': 2})]
    hosts = {'a1': 'compute1', 'a2': 'compute3', 'a3': 'compute3'}
    assert sg.constraints('a1', 'compute1', groups, hosts)['forbidden'] == ['compute3']
    hosts['a3'] = 'compute4'
    assert sg.constraints('a1', 'compute1', groups, hosts)['forbidden'] == []


def test_affinity_members_all_on_the_source_cannot_move():
    # Nova's affinity filter counts the moving server's own host, and a move never stays on its source
    c = sg.constraints('f1', 'compute1', GROUPS, HOSTS)
    assert c['peers_on_source'] == ['f2'] and c['required'] == []
    assert 'refuses any move' in c['blocked'] and 'would send it to ERROR' in c['blocked']
    assert sg.target_refusal(c, 'compute2') == c['blocked']
    # The message names the peers as the operator knows them when their names are given.
    named = sg.constraints('f1', 'compute1', GROUPS, HOSTS, name_of={'f2': 'app-b'})
    assert 'its peers app-b being on compute1' in named['blocked'] and 'f2' not in named['blocked']


def test_a_lone_affinity_member_can_only_be_forced():
    c = sg.constraints('solo', 'compute1', [group('alone', 'affinity', ['solo'])], {'solo': 'compute1'})
    assert 'only a forced live migration' in c['blocked']
    assert sg.target_refusal(c, 'compute2', force=True) is None


def test_affinity_member_must_join_its_peers():
    c = sg.constraints('g1', 'compute1', GROUPS, HOSTS)       # legacy 'policies' shape
    assert c['required'] == ['compute2'] and c['blocked'] is None
    assert 'only accepts one of those hosts' in sg.target_refusal(c, 'compute4')
    assert sg.target_refusal(c, 'compute2') is None


def test_soft_policies_warn_and_never_refuse():
    c = sg.constraints('s1', 'compute1', GROUPS, HOSTS)
    assert c['forbidden'] == [] and c['required'] is None and 'may pick any host' in c['warnings'][0]
    assert sg.target_refusal(c, 'compute2') is None


def test_unknown_policy_is_reported_not_crashed_on():
    c = sg.constraints('x1', 'compute1', GROUPS, HOSTS)
    assert 'quantum-affinity' in c['warnings'][0] and 'Nova decides' in c['warnings'][0]
    assert sg.target_refusal(c, 'compute2') is None


def test_no_group_no_constraint():
    assert sg.constraints('loner', 'compute1', GROUPS, HOSTS) is None
    assert sg.target_refusal(None, 'compute2') is None


@pytest.mark.parametrize(('size', 'expected'), [
    (1, [['a1'], ['a2'], ['s1'], ['s2'], ['loner']]),
    (3, [['a1', 's1', 'loner'], ['a2', 's2']]),
    (10, [['a1', 's1', 'loner'], ['a2', 's2']]),
])
def test_batches_never_hold_two_anti_affinity_peers(size, expected):
    assert sg.anti_affinity_batches(['a1', 'a2', 's1', 's2', 'loner'], GROUPS, size) == expected
