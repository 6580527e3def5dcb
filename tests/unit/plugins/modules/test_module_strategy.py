# -*- coding: utf-8 -*-
"""The per-server strategy in the modules: server_migrate and server_migrate_sequence choose cold or live from the
server's status and flavor when a migration is to start; migration_plan plans with it; options that contradict each
other fail before any request, naming what to drop."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.modules import migration_plan, server_migrate
from ansible_collections.novaops.migration.plugins.modules import server_migrate_sequence as sms

SID = 'aaaaaaaa-0000-0000-0000-000000000001'
OFF = 'aaaaaaaa-0000-0000-0000-000000000002'
GPU = 'aaaaaaaa-0000-0000-0000-000000000003'
FLAVOR = {'original_name': 'm1.small', 'vcpus': 1, 'ram': 2048, 'disk': 20, 'ephemeral': 0, 'swap': 0,
          'extra_specs': {}}
PCI_FLAVOR = dict(FLAVOR, original_name='g1.pci', extra_specs={'pci_passthrough:alias': 'a1:1'})


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


def cloud(fake):
    fake.add_server(SID, 'web', flavor=dict(FLAVOR))
    fake.add_server(OFF, 'off', status='SHUTOFF', flavor=dict(FLAVOR))
    fake.add_server(GPU, 'gpu', flavor=dict(PCI_FLAVOR))


def assert_refused_before_any_request(result, failed, fake, *words):
    assert failed, result
    for word in words:
        assert word in result['msg'], result['msg']
    assert 'Traceback' not in result['msg'] and 'probably a bug' not in result['msg']
    assert fake.calls == [] and result.get('changed') is False


# ----- server_migrate ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(('name', 'mode', 'body_key', 'reason'), [
    ('web', 'live', 'os-migrateLive', 'status ACTIVE: live migration (strategy auto)'),
    ('off', 'cold', 'migrate', 'status SHUTOFF: cold migration (nothing running to interrupt)'),
])
def test_auto_chooses_from_the_status(run, fake, name, mode, body_key, reason):
    cloud(fake)
    result, failed = run(server_migrate, {'server': name, 'source_host': 'compute-1', 'strategy': 'auto'}, fake)
    assert not failed, result['msg']
    assert (result['mode'], result['mode_reason'], result['live_blockers']) == (mode, reason, [])
    assert body_key in writes(fake)[0][4]
    assert result['server']['host'] != 'compute-1'


def test_auto_fails_for_a_server_that_cannot_move_live_and_changes_nothing(run, fake):
    cloud(fake)
    for check_mode in (True, False):
        result, failed = run(server_migrate, {'server': 'gpu', 'source_host': 'compute-1', 'strategy': 'auto'}, fake,
                             check_mode=check_mode)
        assert failed and result['changed'] is False
        assert result['msg'].startswith('Server gpu (%s) is not migrated with strategy auto: status ACTIVE but it '
                                        'cannot move live (its flavor asks for PCI passthrough devices' % GPU)
        assert result['msg'].endswith('set allow_cold_for_running to move it cold. Nothing was changed.')
        assert result['live_blockers'] == ['its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)']
        assert writes(fake) == []


def test_auto_with_allow_cold_for_running_moves_it_cold(run, fake):
    cloud(fake)
    result, failed = run(server_migrate, {'server': 'gpu', 'source_host': 'compute-1', 'strategy': 'auto',
                                          'allow_cold_for_running': True}, fake)
    assert not failed, result['msg']
    assert result['mode'] == 'cold' and 'as allow_cold_for_running permits' in result['mode_reason']
    assert 'migrate' in writes(fake)[0][4]


def test_check_mode_says_which_mode(run, fake):
    cloud(fake)
    result, failed = run(server_migrate, {'server': 'web', 'strategy': 'auto'}, fake, check_mode=True)
    assert not failed and result['changed'] is True
    assert result['mode'] == 'live' and result['msg'].startswith('Would start a live migration')
    assert writes(fake) == []


def test_live_fails_for_a_stopped_server(run, fake):
    cloud(fake)
    result, failed = run(server_migrate, {'server': 'off', 'strategy': 'live'}, fake)
    assert failed and 'use strategy auto or cold' in result['msg'] and writes(fake) == []


def test_strategy_chooses_nothing_for_a_server_that_has_left(run, fake):
    cloud(fake)
    result, failed = run(server_migrate, {'server': 'gpu', 'source_host': 'compute-2', 'strategy': 'auto'}, fake)
    assert not failed and result['changed'] is False and result['action'] == 'none'
    assert result['mode'] is None


def test_without_strategy_the_mode_is_live_migration(run, fake):
    cloud(fake)
    result, failed = run(server_migrate, {'server': 'web', 'live_migration': True}, fake)
    assert not failed, result['msg']
    assert (result['mode'], result['mode_reason'], result['live_blockers']) == ('live', 'live_migration=true', None)


@pytest.mark.parametrize(('args', 'words'), [
    ({'strategy': 'auto', 'live_migration': True},
     ['strategy=auto and live_migration=true are both given', 'drop live_migration']),
    ({'strategy': 'cold', 'live_migration': False}, ['drop live_migration']),
    ({'strategy': 'live', 'allow_cold_for_running': True},
     ['allow_cold_for_running=true contradicts strategy=live', 'drop allow_cold_for_running or use strategy=auto']),
    ({'live_migration': True, 'allow_cold_for_running': True}, ['drop allow_cold_for_running']),
    ({'strategy': 'cold', 'block_migration': 'auto'}, ['block_migration applies to live migration only']),
])
def test_server_migrate_refuses_contradicting_options(run, fake, args, words):
    cloud(fake)
    result, failed = run(server_migrate, dict(args, server='web'), fake)
    assert_refused_before_any_request(result, failed, fake, *words)


def test_server_migrate_refuses_an_unknown_strategy(run, fake):
    result, failed = run(server_migrate, {'server': 'web', 'strategy': 'warm'}, fake)
    assert failed and 'strategy' in result['msg'] and 'cold, live, auto' in result['msg']


# ----- server_migrate_sequence ---------------------------------------------------------------------------------------

def test_sequence_items_follow_their_strategy_and_the_default(run, fake):
    cloud(fake)
    result, failed = run(sms, {'strategy': 'auto', 'max_failures': 5, 'fail_on_failed_servers': False, 'servers': [
        {'server': 'web', 'source_host': 'compute-1'},
        {'server': 'off', 'source_host': 'compute-1'},
        {'server': 'gpu', 'source_host': 'compute-1'},
        {'server': 'gpu', 'source_host': 'compute-1', 'strategy': 'cold'},
    ]}, fake)
    assert not failed, result['msg']
    assert [(r['failed'], r['mode']) for r in result['results']] == [
        (False, 'live'), (False, 'cold'), (True, None), (False, 'cold')]
    assert 'set allow_cold_for_running' in result['results'][2]['msg']
    assert result['results'][3]['mode_reason'].startswith('status ACTIVE: cold migration (strategy cold')


def test_sequence_default_allow_cold_for_running_applies_to_auto_items(run, fake):
    cloud(fake)
    result, failed = run(sms, {'strategy': 'auto', 'allow_cold_for_running': True, 'servers': [
        {'server': 'gpu', 'source_host': 'compute-1'},
        {'server': 'web', 'source_host': 'compute-1', 'live_migration': True}]}, fake)
    assert not failed, result['msg']
    assert [r['mode'] for r in result['results']] == ['cold', 'live']


@pytest.mark.parametrize(('args', 'words'), [
    ({'servers': [{'server': 'web'}, {'server': 'off', 'strategy': 'live', 'live_migration': True}]},
     ['servers[1] (off): strategy=live and live_migration=true are both given', 'drop live_migration',
      'Nothing was changed.']),
    ({'servers': [{'server': 'web', 'strategy': 'live', 'allow_cold_for_running': True}]},
     ['servers[0] (web): ', 'drop allow_cold_for_running']),
    ({'strategy': 'live', 'allow_cold_for_running': True, 'servers': [{'server': 'web'}]},
     ['allow_cold_for_running=true contradicts strategy=live']),
])
def test_sequence_refuses_contradicting_options(run, fake, args, words):
    cloud(fake)
    result, failed = run(sms, args, fake)
    assert_refused_before_any_request(result, failed, fake, *words)
    assert result['msg'].count('Nothing was changed.') == 1


# ----- migration_plan -----------------------------------------------------------------------------------------------

def test_plan_with_auto_reads_the_flavor_and_says_each_mode(run, fake):
    cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'strategy': 'auto', 'fallback': 'cold'}, fake)
    assert not failed, result['msg']
    plan = result['plan']
    # The servers are read at a microversion that shows the flavor's extra specs (2.47 or later).
    reads = [c for c in fake.calls if c[0] == 'GET' and c[1] == '/servers/detail']
    assert reads and all(tuple(int(x) for x in c[2].split('.')) >= (2, 47) for c in reads)
    assert [(e['name'], e['action'], e['mode_reason'], e.get('fallback')) for e in plan['actions']] == [
        ('off', 'cold', 'not running', None), ('web', 'live', 'strategy auto, cold fallback', 'cold')]
    assert [(e['name'], e['live_blockers']) for e in plan['skipped']] == [
        ('gpu', ['its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)'])]
    assert plan['actions'][1]['plan_line'] == '[2/2] web: compute-1 -> scheduler (live, ACTIVE; strategy auto, cold fallback)'
    assert plan['warnings'] == []


def test_plan_below_2_47_claims_no_blockers_and_says_so(run, fake):
    fake.versions = fake.versions._replace(max=(2, 46))
    fake.add_server(SID, 'web', flavor={'id': '2', 'links': []})
    result, failed = run(migration_plan, {'host': 'compute-1', 'strategy': 'auto', 'capacity_check': False}, fake)
    assert not failed, result['msg']
    assert [(e['name'], e['action'], e['extra_specs_visible']) for e in result['plan']['actions']] == [
        ('web', 'live', False)]
    assert any(w.startswith('The flavor extra specs of 1 running server(s) were not visible (compute API below '
                            '2.47') for w in result['plan']['warnings'])


def test_plan_live_migrate_active_still_works(run, fake):
    cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'live_migrate_active': True}, fake)
    assert not failed, result['msg']
    assert [(e['name'], e['action']) for e in result['plan']['actions']] == [('off', 'cold'), ('web', 'live')]


@pytest.mark.parametrize(('args', 'words'), [
    ({'strategy': 'auto', 'live_migrate_active': True},
     ['strategy=auto and live_migrate_active=true are both given', 'old spelling of strategy', 'drop live_migrate_active']),
    ({'strategy': 'cold', 'fallback': 'cold'}, ['fallback=cold has no effect with strategy=cold', 'drop fallback']),
    ({'fallback': 'cold'}, ['fallback=cold has no effect with strategy=cold']),
    ({'live_migrate_active': False, 'fallback': 'cold'}, ['drop fallback']),
    ({'strategy': 'live', 'allow_cold_for_running': True}, ['drop allow_cold_for_running or use strategy=auto']),
])
def test_plan_refuses_contradicting_options(run, fake, args, words):
    cloud(fake)
    result, failed = run(migration_plan, dict(args, host='compute-1'), fake)
    assert_refused_before_any_request(result, failed, fake, *words)


def test_restore_without_a_strategy_takes_a_fallback(run, fake):
    # Each server goes back the way it left; the fallback applies to those that go back live.
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'fallback': 'cold'}, fake)
    assert not failed, result['msg']
