# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ownership marker tells a live evacuation run from an interrupted one, so two runs exclude each other."""

import datetime

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.planning import evacuation_plan, marker

NOW = datetime.datetime(2026, 11, 30, 12, 0, 0)
AT = '2026-11-30T11:00:00Z'


def live_marker(run='a1b2c3d4', pid=4242, node='ctl-1', until='2026-11-30T12:10:00Z', note='CHG-1'):
    return marker.make_marker('alice', AT, note, run=run, pid=pid, node=node, until=until)


def ownership(reason, run_id='ffff0000', node='ctl-1', alive=()):
    return marker.service_ownership({'status': 'disabled', 'disabled_reason': reason}, run_id=run_id, now=NOW,
                                    node=node, pid_alive=lambda pid: pid in alive)


def test_live_marker_roundtrip():
    text = live_marker()
    assert text == ('novaops-evacuation by alice at 2026-11-30T11:00:00Z run a1b2c3d4 live 4242@ctl-1 '
                    'until 2026-11-30T12:10:00Z: CHG-1')
    parsed = marker.parse_marker(text)
    assert parsed['run'] == 'a1b2c3d4' and parsed['pid'] == 4242 and parsed['node'] == 'ctl-1'
    assert parsed['until'] == '2026-11-30T12:10:00Z' and parsed['note'] == 'CHG-1' and parsed['ended'] is False
    ended = marker.make_marker('alice', AT, 'CHG-1', run='a1b2c3d4', ended=True)
    assert ended == 'novaops-evacuation by alice at 2026-11-30T11:00:00Z run a1b2c3d4 ended: CHG-1'
    assert marker.parse_marker(ended)['ended'] is True


def test_a_long_note_is_cut_but_the_run_state_is_kept():
    text = live_marker(note='n' * 400)
    assert len(text) == 255
    assert marker.parse_marker(text)['until'] == '2026-11-30T12:10:00Z'


def test_old_markers_still_parse():
    parsed = marker.parse_marker('novaops-evacuation by bob at 2026-01-02T03:04:05Z: kernel patch')
    assert parsed['by'] == 'bob' and parsed['note'] == 'kernel patch' and parsed['run'] is None
    assert ownership('novaops-evacuation by bob at 2026-01-02T03:04:05Z')['activity'] == 'interrupted'


def test_this_runs_own_marker():
    assert ownership(live_marker(), run_id='a1b2c3d4')['activity'] == 'this_run'


def test_another_run_on_this_controller_is_running_while_its_process_lives():
    assert ownership(live_marker(), alive=(4242,))['activity'] == 'running'
    assert ownership(live_marker())['activity'] == 'interrupted'


def test_another_controllers_run_is_running_until_its_marker_expires():
    assert ownership(live_marker(), node='ctl-2')['activity'] == 'running'
    expired = live_marker(until='2026-11-30T11:59:00Z')
    assert ownership(expired, node='ctl-2')['activity'] == 'interrupted'


def test_an_ended_run_is_ended():
    text = marker.make_marker('alice', AT, None, run='a1b2c3d4', ended=True)
    assert ownership(text, alive=(4242,))['activity'] == 'ended'


@pytest.mark.parametrize('service, state', [
    ({'status': 'enabled'}, 'enabled'),
    ({'status': 'disabled', 'disabled_reason': 'DIMM swap'}, 'other'),
])
def test_no_marker_no_activity(service, state):
    result = marker.service_ownership(service, run_id='x', now=NOW, node='n', pid_alive=lambda pid: True)
    assert result['state'] == state and result['activity'] is None


# ----- pre-flight: what Nova would refuse is found before the first write ---------------------------------------------

def source(**service):
    base = {'host': 'compute-1', 'zone': 'nova', 'status': 'enabled', 'state': 'up'}
    facts = {'host': 'compute-1', 'zone': 'nova', 'service': dict(base, **service)}
    return [facts, {'host': 'compute-2', 'zone': 'nova', 'service': {'host': 'compute-2', 'zone': 'nova',
                                                                     'status': 'enabled', 'state': 'up'}}]


@pytest.mark.parametrize('service, words', [
    ({'state': 'down'}, 'is down'),
    ({'forced_down': True}, 'forced down'),
])
def test_a_source_whose_compute_service_is_down_cannot_be_emptied(service, words):
    doc = {'id': 'id-a', 'name': 'a', 'status': 'ACTIVE', 'host': 'compute-1', 'flavor': {}}
    plan = evacuation_plan.plan_evacuation('compute-1', source(**service), [doc])
    assert not plan['ok']
    assert words in plan['errors'][0] and 'HTTP 409' in plan['errors'][0] and 'evacuate' in plan['errors'][0]


def test_a_down_source_with_no_servers_is_fine():
    assert evacuation_plan.plan_evacuation('compute-1', source(state='down'), [])['ok']


@pytest.mark.parametrize('typo, meant', [('compute1', 'compute-1'), ('COMPUTE-2', 'compute-2'),
                                         ('compute-2.example.org', 'compute-2')])
def test_an_unknown_host_suggests_what_was_meant(typo, meant):
    plan = evacuation_plan.plan_evacuation(typo, source(), [])
    assert 'Did you mean %s?' % meant in plan['errors'][0] and 'Compute hosts: compute-1, compute-2' in plan['errors'][0]
