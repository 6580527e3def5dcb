# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-server strategy in the planner: classify, the evacuation plan and the restore plan with cold, live and auto,
what the flavor says about a live move, and the old spelling live_migrate_active."""

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.planning import classification, evacuation_plan, restore_plan
from ansible_collections.novaops.migration.tests.unit.plugins.module_utils.test_evacuation import HOSTS, REPORT, server

PCI = {'pci_passthrough:alias': 'a1:1'}
VGPU = {'resources:VGPU': '1'}


def fleet():
    """ACTIVE, SHUTOFF and PAUSED servers, an ACTIVE one with a PCI device, a PAUSED one with a vGPU."""
    return [server('web', extra_specs={}), server('off', status='SHUTOFF', extra_specs={}),
            server('paused', status='PAUSED', extra_specs={}), server('gpu', extra_specs=PCI),
            server('paused-gpu', status='PAUSED', extra_specs=VGPU)]


def plan_of(**options):
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, fleet(), options=options)
    moving = dict((e['name'], (e['action'], e.get('mode_reason'), e.get('fallback'))) for e in plan['actions'])
    skipped = dict((e['name'], e['reason']) for e in plan['skipped'])
    return plan, moving, skipped


def test_default_is_cold_as_before():
    plan, moving, skipped = plan_of()
    assert moving == {'web': ('cold', 'strategy cold', None), 'off': ('cold', 'not running', None),
                      'gpu': ('cold', 'strategy cold', None)}
    assert set(skipped) == {'paused', 'paused-gpu'}
    assert plan['counts']['cold'] == 3 and plan['counts']['live'] == 0


def test_auto_moves_running_servers_live_and_skips_those_that_cannot():
    plan, moving, skipped = plan_of(strategy='auto')
    assert moving == {'web': ('live', 'strategy auto', None), 'off': ('cold', 'not running', None),
                      'paused': ('live', 'strategy auto', None)}
    assert skipped['gpu'].startswith('status ACTIVE but it cannot move live (its flavor asks for PCI passthrough')
    assert skipped['gpu'].endswith('set allow_cold_for_running to move it cold')
    assert 'unpause or stop it' in skipped['paused-gpu']
    # Each moving entry says its mode and why, in the entry and in its plan line; the request follows the mode.
    web = next(e for e in plan['actions'] if e['name'] == 'web')
    assert web['plan_line'] == '[3/3] web: compute-1 -> scheduler (live, ACTIVE; strategy auto)'
    assert web['reason'] == 'status ACTIVE: live migration (strategy auto)'
    assert web['request']['live_migration'] is True
    gpu = next(e for e in plan['skipped'] if e['name'] == 'gpu')
    assert gpu['live_blockers'] == ['its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)']
    assert plan['warnings'] == []


def test_auto_with_allow_cold_for_running_moves_blocked_servers_cold():
    _plan, moving, skipped = plan_of(strategy='auto', allow_cold_for_running=True)
    assert moving['gpu'] == ('cold', 'cannot move live (its flavor asks for PCI passthrough devices '
                                     '(pci_passthrough:alias=a1:1)), allow_cold_for_running', None)
    assert moving['web'][0] == 'live'
    # A PAUSED server cannot move cold either way.
    assert set(skipped) == {'paused-gpu'}


def test_live_skips_stopped_and_blocked_servers():
    _plan, moving, skipped = plan_of(strategy='live')
    assert moving == {'web': ('live', 'strategy live', None), 'paused': ('live', 'strategy live', None)}
    assert 'use strategy auto or cold' in skipped['off']
    assert set(skipped) == {'off', 'gpu', 'paused-gpu'}


def test_fallback_is_carried_where_a_cold_move_is_possible():
    plan, moving, _skipped = plan_of(strategy='auto', fallback='cold')
    assert moving['web'] == ('live', 'strategy auto, cold fallback', 'cold')
    assert moving['paused'] == ('live', 'strategy auto', None)
    assert moving['off'] == ('cold', 'not running', None)
    web = next(e for e in plan['actions'] if e['name'] == 'web')
    assert web['reason'] == 'status ACTIVE: live migration (strategy auto), cold migration if it fails'


@pytest.mark.parametrize(('live_migrate_active', 'strategy'), [(True, 'auto'), (False, 'cold'), (None, 'cold')])
def test_live_migrate_active_is_the_old_spelling_of_auto(live_migrate_active, strategy):
    old = plan_of(live_migrate_active=live_migrate_active)[1:]
    new = plan_of(strategy=strategy)[1:]
    assert old == new


def test_unseen_extra_specs_claim_nothing_and_say_so():
    # Below microversion 2.47 (or when a policy hides them) the embedded flavor has no extra_specs.
    hidden = server('hidden')
    del hidden['flavor']['extra_specs']
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [hidden], options={'strategy': 'auto'})
    assert [(e['name'], e['action'], e['extra_specs_visible']) for e in plan['actions']] == [('hidden', 'live', False)]
    assert len(plan['warnings']) == 1
    assert plan['warnings'][0].startswith('The flavor extra specs of 1 running server(s) were not visible')
    assert plan['warnings'][0].endswith(': hidden.')
    # Nothing to warn about when nothing moves live.
    cold = evacuation_plan.plan_evacuation('compute-1', HOSTS, [hidden])
    assert cold['warnings'] == []


def test_classify_returns_the_details():
    opts = classification.options_with_defaults({'strategy': 'auto', 'fallback': 'cold'})
    assert classification.classify(server('a', extra_specs={}), opts) == (
        'live', 'status ACTIVE: live migration (strategy auto), cold migration if it fails',
        {'mode_reason': 'strategy auto, cold fallback', 'fallback': 'cold'})
    assert classification.classify(server('l', locked=True), opts)[0] == 'skip'
    err = classification.options_with_defaults({'strategy': 'live', 'skip_error': False})
    assert classification.classify(server('e', status='ERROR'), err) == (
        'cold', 'status ERROR, attempted because ERROR servers are not skipped (Nova may refuse it)',
        {'mode_reason': 'ERROR servers are attempted cold'})


def restore_of(current, **options):
    moved = restore_plan.report_servers(REPORT, 'compute-1')
    plan = restore_plan.plan_restore('compute-1', HOSTS, moved, current, options=options)
    return dict((e['name'], (e['action'], e.get('mode_reason'))) for e in plan['actions']), \
        dict((e['name'], e['reason']) for e in plan['skipped'])


CURRENT = {'id-a': server('a', on='compute-2', extra_specs={}), 'id-b': server('b', on='compute-1'),
           'id-d': server('d', on='compute-3', status='SHUTOFF', extra_specs={}), 'id-e': None,
           'id-f': server('f', on='compute-2', extra_specs=PCI)}


def test_restore_goes_home_the_way_it_left_unless_a_strategy_is_given():
    moving, _skipped = restore_of(CURRENT)
    assert moving == {'a': ('cold', 'as it left'), 'd': ('cold', 'as it left'), 'f': ('cold', 'as it left')}
    moving, skipped = restore_of(CURRENT, strategy='auto')
    assert moving == {'a': ('live', 'strategy auto'), 'd': ('cold', 'not running')}
    assert 'pci_passthrough:alias=a1:1' in skipped['f']
    moving, skipped = restore_of(CURRENT, strategy='auto', allow_cold_for_running=True)
    assert moving['f'][0] == 'cold' and moving['f'][1].endswith('allow_cold_for_running')
    moving, _skipped = restore_of(CURRENT, live_migrate_active=True)
    assert moving['a'] == ('live', 'live_migrate_active=true')


def test_restore_as_left_for_a_server_that_left_live():
    report = dict(REPORT, servers=[dict(s, live=True) if s['id'] == 'id-a' else s for s in REPORT['servers']])
    moved = [s for s in restore_plan.report_servers(report, 'compute-1') if s['id'] == 'id-a']
    running = restore_plan.plan_restore('compute-1', HOSTS, moved, {'id-a': server('a', on='compute-2', extra_specs={})},
                                        options={'fallback': 'cold'})
    entry = running['actions'][0]
    assert (entry['action'], entry['mode_reason'], entry['fallback']) == ('live', 'as it left, cold fallback', 'cold')
    stopped = restore_plan.plan_restore('compute-1', HOSTS, moved,
                                        {'id-a': server('a', on='compute-2', status='SHUTOFF', extra_specs={})})
    assert (stopped['actions'][0]['action'], stopped['actions'][0]['mode_reason']) == ('cold', 'it left live')


@pytest.mark.parametrize('strategy', ['cold', 'auto'])
def test_a_server_with_accelerators_is_skipped_whatever_the_strategy(strategy):
    # Nova's migrate and os-migrateLive both answer HTTP 400 for a server with accelerators: planning a move of it
    # would only fail the run halfway.
    servers = [server('web', extra_specs={}), server('fpga', status='SHUTOFF',
                                                     extra_specs={'accel:device_profile': 'fpga-dp'})]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers,
                                           options=dict(strategy=strategy, allow_cold_for_running=True))
    assert [e['name'] for e in plan['actions']] == ['web']
    fpga = next(e for e in plan['skipped'] if e['name'] == 'fpga')
    assert 'accel:device_profile=fpga-dp' in fpga['reason'] and 'live or cold' in fpga['reason']
