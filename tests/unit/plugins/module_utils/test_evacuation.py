# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the evacuation/restore planner (pure logic, no cloud)."""

import datetime

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.errors import PlanError
from ansible_collections.novaops.migration.plugins.module_utils.planning import evacuation_plan, marker, restore_plan, server_filter, timestamps
from ansible_collections.novaops.migration.plugins.module_utils.report import build as report_build
from ansible_collections.novaops.migration.plugins.module_utils.report import entries as report_entries


def host(name, *, zone='nova', status='enabled', state='up', forced_down=False, reason=None,
         vcpus=16, memory_mb=32768, disk_gb=500):
    return {
        'host': name,
        'zone': zone,
        'service': {'host': name, 'zone': zone, 'status': status, 'state': state, 'forced_down': forced_down,
                    'disabled_reason': reason},
        'capacity': {
            'vcpus': {'total': vcpus, 'used': 0, 'free': vcpus},
            'memory_mb': {'total': memory_mb, 'used': 0, 'free': memory_mb},
            'disk_gb': {'total': disk_gb, 'used': 0, 'free': disk_gb},
            'source': 'placement',
        },
    }


def server(name, status='ACTIVE', *, on='compute-1', vcpus=2, ram=4096, disk=20, locked=False, az='nova',
           pinned=None, task=None, **extra):
    doc = {
        'id': 'id-' + name, 'name': name, 'status': status, 'host': on, 'task_state': task, 'locked': locked,
        'availability_zone': az, 'project_id': 'p1', 'metadata': extra.pop('metadata', {}),
        'flavor': {'vcpus': vcpus, 'ram': ram, 'disk': disk, 'ephemeral': 0, 'swap': 0,
                   'extra_specs': extra.pop('extra_specs', {})},
        'pinned_availability_zone': pinned,
    }
    doc.update(extra)
    return doc


def record(mid, server_id, status, *, source='compute-1', dest='compute-2', mtype='migration',
           created='2026-01-01T10:00:00.000000'):
    return {'id': mid, 'server_id': server_id, 'status': status, 'source_compute': source, 'dest_compute': dest,
            'migration_type': mtype, 'created_at': created, 'updated_at': created}


HOSTS = [host('compute-1'), host('compute-10'), host('compute-2'), host('compute-3', zone='az2')]


# ----- marker ---------------------------------------------------------------------------------------------------

def test_marker_roundtrip_and_prefix():
    text = marker.make_marker('alice', '2026-01-02T03:04:05Z', 'kernel patch CHG-1')
    assert text == 'novaops-evacuation by alice at 2026-01-02T03:04:05Z: kernel patch CHG-1'
    parsed = marker.parse_marker(text)
    assert parsed == {'by': 'alice', 'at': '2026-01-02T03:04:05Z', 'note': 'kernel patch CHG-1', 'run': None,
                      'pid': None, 'node': None, 'until': None, 'ended': False}
    assert marker.parse_marker('maintenance by bob') is None
    assert marker.parse_marker(None) is None
    assert marker.parse_marker(marker.make_marker('svc account', datetime.datetime(2026, 1, 2, 3, 4, 5)))['by'] == 'svc_account'


def test_marker_is_truncated_to_nova_limit():
    assert len(marker.make_marker('x', '2026-01-02T03:04:05Z', 'n' * 400)) == 255


def test_ownership():
    assert marker.service_ownership({'status': 'enabled'})['state'] == 'enabled'
    assert marker.service_ownership({'status': 'disabled', 'disabled_reason': 'hw repair'})['state'] == 'other'
    mine = marker.service_ownership({'status': 'disabled',
                                     'disabled_reason': marker.make_marker('a', '2026-01-02T03:04:05Z')})
    assert mine['state'] == 'ours' and mine['marker']['at'] == '2026-01-02T03:04:05Z'


def test_parse_time_variants():
    expected = datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert timestamps.parse_time('2026-01-02T03:04:05Z') == expected
    assert timestamps.parse_time('2026-01-02T03:04:05.000000') == expected
    assert timestamps.parse_time('2026-01-02T04:04:05+01:00') == expected
    assert timestamps.parse_time('garbage') is None


# ----- exact host matching -----------------------------------------------------------------------------------------

def test_unknown_host_is_an_error_and_never_a_prefix_match():
    plan = evacuation_plan.plan_evacuation('compute-', HOSTS, [])
    assert not plan['ok']
    assert 'does not exist' in plan['errors'][0]
    assert 'Did you mean compute-1, compute-2, compute-3?' in plan['errors'][0]


def test_servers_of_compute_10_never_count_for_compute_1():
    servers = [server('a'), server('b', on='compute-10')]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers)
    assert [e['name'] for e in plan['actions']] == ['a']


# ----- classification ----------------------------------------------------------------------------------------------

def test_classification_default_cold():
    servers = [server('active'), server('off', status='SHUTOFF'), server('err', status='ERROR'),
               server('shelved', status='SHELVED'), server('locked', locked=True), server('paused', status='PAUSED'),
               server('susp', status='SUSPENDED')]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers)
    assert [(e['name'], e['action']) for e in plan['actions']] == [('active', 'cold'), ('off', 'cold')]
    skipped = dict((e['name'], e['reason']) for e in plan['skipped'])
    assert set(skipped) == {'err', 'shelved', 'locked', 'paused', 'susp'}
    assert 'ERROR' in skipped['err']
    assert 'locked' in skipped['locked']
    assert 'use strategy live or auto' in skipped['paused']
    assert plan['actions'][0]['plan_line'] == '[1/2] active: compute-1 -> scheduler (cold, ACTIVE; strategy cold)'


def test_classification_live_and_overrides():
    servers = [server('active'), server('off', status='SHUTOFF'), server('paused', status='PAUSED'),
               server('locked', locked=True), server('err', status='ERROR')]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers,
                                           options={'live_migrate_active': True, 'skip_locked': False, 'skip_error': False})
    actions = dict((e['name'], e['action']) for e in plan['actions'])
    assert actions == {'active': 'live', 'off': 'cold', 'paused': 'live', 'locked': 'live', 'err': 'cold'}
    assert all(e['live'] == (e['action'] == 'live') for e in plan['actions'])


def test_jmespath_filter():
    servers = [server('web-1', metadata={'tier': 'web'}), server('db-1', metadata={'tier': 'db'})]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options={'server_filter': "metadata.tier == 'web'"})
    assert [e['name'] for e in plan['actions']] == ['web-1']
    assert plan['skipped'][0]['reason'] == 'not selected by the server filter'
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options={'server_filter': "starts_with(name, 'db')"})
    assert [e['name'] for e in plan['actions']] == ['db-1']


def test_jmespath_truthiness():
    compiled = server_filter.compile_filter('value')
    assert server_filter.filter_matches(compiled, {'value': 0})
    for falsy in (None, False, '', [], {}):
        assert not server_filter.filter_matches(compiled, {'value': falsy})


def test_invalid_filter_raises():
    with pytest.raises(PlanError, match='Invalid JMESPath'):
        evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('a')], options={'server_filter': 'name ==='})


# ----- targets and capacity ----------------------------------------------------------------------------------------

def test_targets_spread_and_validation():
    servers = [server('s%d' % i) for i in range(4)]
    hosts = [*HOSTS, host('compute-4')]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, servers, options={'target_hosts': ['compute-2', 'compute-4']})
    assert plan['ok'], plan['errors']
    dests = [e['destination'] for e in plan['actions']]
    assert sorted(dests) == ['compute-2', 'compute-2', 'compute-4', 'compute-4']


def test_unusable_targets_are_errors():
    hosts = [*HOSTS, host('compute-5', status='disabled', reason='broken'), host('compute-6', state='down')]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('a')],
                                           options={'target_hosts': ['compute-1', 'compute-9', 'compute-5', 'compute-6']})
    text = ' '.join(plan['errors'])
    assert 'is the host being emptied' in text
    assert "'compute-9' does not exist" in text
    assert 'disabled (broken)' in text
    assert 'down' in text


def test_capacity_shortfall_reports_numbers():
    hosts = [host('compute-1'), host('compute-2', vcpus=4, memory_mb=8192, disk_gb=100)]
    servers = [server('big-%d' % i, vcpus=2, ram=4096) for i in range(3)]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, servers)
    assert not plan['ok']
    message = plan['errors'][0]
    assert 'Not enough free capacity' in message
    assert 'vcpus=6 memory_mb=12288 disk_gb=60' in message
    assert 'free vcpus=4 memory_mb=8192 disk_gb=100' in message
    assert plan['capacity']['unplaced'] == ['big-0']


def test_capacity_resources_can_be_narrowed():
    hosts = [host('compute-1'), host('compute-2', vcpus=1)]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('a', vcpus=4)],
                                           options={'capacity_resources': ['memory_mb', 'disk_gb']})
    assert plan['ok']


def test_pinned_servers_need_a_host_in_their_zone():
    hosts = [host('compute-1'), host('compute-3', zone='az2')]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('pinned', pinned='nova'), server('free')])
    assert not plan['ok']
    assert "availability zone 'nova'" in plan['errors'][0] and 'pinned' in plan['errors'][0]
    # Unpinned servers (2.96+: pinned_availability_zone null) may go to another zone.
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('free')])
    assert plan['ok'], plan['errors']


def test_below_2_96_servers_stay_in_their_zone():
    hosts = [host('compute-1'), host('compute-3', zone='az2')]
    doc = server('old')
    doc.pop('pinned_availability_zone')
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [doc])
    assert not plan['ok']
    # Refused for the zone (not for capacity: compute-3 has room), and the zone assumed is the server's own.
    assert plan['errors'] == ["No enabled compute host in availability zone 'nova' can receive the servers pinned "
                              "to it: old."]
    [entry] = plan['actions']
    assert (entry['pinned_availability_zone'], entry['allowed_zone'], entry['expected_destination']) == ('nova', 'nova', None)
    assert plan['capacity']['unplaced'] == ['old']
    # A server already in az2 stays in az2, where compute-3 takes it.
    doc = server('old-az2', az='az2')
    doc.pop('pinned_availability_zone')
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [doc])
    assert plan['ok'], plan['errors']
    assert [(e['name'], e['allowed_zone'], e['expected_destination']) for e in plan['actions']] == [
        ('old-az2', 'az2', 'compute-3')]
    # From 2.96 a null pinned_availability_zone means unpinned: the same server may cross zones.
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('new', pinned=None)])
    assert plan['ok'], plan['errors']
    assert [(e['name'], e['allowed_zone'], e['expected_destination']) for e in plan['actions']] == [
        ('new', None, 'compute-3')]


def test_no_other_enabled_host():
    hosts = [host('compute-1'), host('compute-2', status='disabled')]
    plan = evacuation_plan.plan_evacuation('compute-1', hosts, [server('a')])
    assert any('No other enabled compute host' in e for e in plan['errors'])


def test_empty_host_is_fine_even_without_candidates():
    plan = evacuation_plan.plan_evacuation('compute-1', [host('compute-1')], [])
    assert plan['ok'] and plan['counts']['to_move'] == 0


def test_targets_not_honoured_below_2_56():
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('a'), server('b', status='PAUSED')],
                                           options={'target_hosts': ['compute-2'], 'cold_target_supported': False,
                                                    'max_microversion': '2.55', 'live_migrate_active': False})
    assert plan['ok']
    assert 'cannot be honoured' in plan['warnings'][0] and '2.55' in plan['warnings'][0]
    assert plan['actions'][0]['destination'] is None
    # Live migrations can still be targeted.
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('a')],
                                           options={'target_hosts': ['compute-2'], 'cold_target_supported': False,
                                                    'live_migrate_active': True})
    assert plan['actions'][0]['destination'] == 'compute-2'
    assert 'cannot be honoured for cold migrations' in plan['warnings'][0]


# ----- resume -----------------------------------------------------------------------------------------------------

def test_resume_confirms_verify_resize_and_waits_for_running():
    on_host = [server('moving', status='RESIZE', task='resize_migrating'), server('next')]
    migrations = [record(7, 'id-moving', 'migrating'), record(5, 'id-verify', 'finished'),
                  record(3, 'id-done', 'confirmed', created='2026-01-01T09:00:00.000000'),
                  record(2, 'id-old', 'confirmed', created='2025-01-01T09:00:00.000000'),
                  record(1, 'id-other', 'finished', source='compute-10')]
    others = {'id-verify': server('verify', status='VERIFY_RESIZE', on='compute-2'),
              'id-done': server('done', on='compute-2'), 'id-old': server('old', on='compute-2')}
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, on_host, migrations=migrations, resume_servers=others,
                                           since='2026-01-01T08:00:00Z')
    assert [(e['name'], e['action'], e.get('resume')) for e in plan['actions']] == [
        ('moving', 'resume', 'wait'), ('verify', 'resume', 'confirm'), ('next', 'cold', None)]
    assert [e['index'] for e in plan['actions']] == [1, 2, 3]
    assert [(e['name'], e['destination'], e['migration']['id']) for e in plan['earlier']] == [('done', 'compute-2', 3)]
    assert plan['counts']['resume'] == 2


def test_resume_of_deleted_server_is_a_note():
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [], migrations=[record(5, 'gone', 'finished')],
                                           resume_servers={'gone': None})
    assert not plan['actions'] and 'no longer exists' in plan['notes'][0]


# ----- restore -----------------------------------------------------------------------------------------------------

REPORT = {'report': 'novaops.migration.host_evacuation', 'host': 'compute-1', 'servers': [
    {'id': 'id-a', 'name': 'a', 'outcome': 'moved', 'original_host': 'compute-1', 'destination': 'compute-2'},
    {'id': 'id-b', 'name': 'b', 'outcome': 'moved_earlier', 'original_host': 'compute-1', 'destination': 'compute-2'},
    {'id': 'id-c', 'name': 'c', 'outcome': 'failed', 'original_host': 'compute-1', 'destination': None},
    {'id': 'id-d', 'name': 'd', 'outcome': 'moved', 'original_host': 'compute-1', 'destination': 'compute-10'},
    {'id': 'id-e', 'name': 'e', 'outcome': 'moved', 'original_host': 'compute-1', 'destination': 'compute-2'},
    {'id': 'id-f', 'name': 'f', 'outcome': 'moved', 'original_host': 'compute-1', 'destination': 'compute-2'},
]}


def test_report_servers_only_moved_ones_and_right_host():
    assert [s['id'] for s in restore_plan.report_servers(REPORT, 'compute-1')] == ['id-a', 'id-b', 'id-d', 'id-e', 'id-f']
    with pytest.raises(PlanError):
        restore_plan.report_servers(REPORT, 'compute-10')


def test_restore_plan():
    moved = restore_plan.report_servers(REPORT, 'compute-1')
    current = {'id-a': server('a', on='compute-2'), 'id-b': server('b', on='compute-1'),
               'id-d': server('d', on='compute-3', status='SHUTOFF'), 'id-e': None,
               'id-f': server('f', on='compute-1', status='VERIFY_RESIZE')}
    migrations = [record(9, 'id-f', 'finished', source='compute-2', dest='compute-1')]
    plan = restore_plan.plan_restore('compute-1', HOSTS, moved, current, migrations=migrations)
    assert plan['ok'], plan['errors']
    actions = [(e['name'], e['action'], e.get('resume'), e['source_host'], e.get('destination')) for e in plan['actions']]
    assert actions == [('f', 'resume', 'confirm', 'compute-2', 'compute-1'),
                       ('a', 'cold', None, 'compute-2', 'compute-1'),
                       ('d', 'cold', None, 'compute-3', 'compute-1')]
    assert 'moved since the evacuation' in plan['actions'][2]['reason']
    assert [e['name'] for e in plan['unchanged']] == ['b']
    assert [(e['name'], e['reason']) for e in plan['skipped']] == [('e', 'the server no longer exists')]


def test_restore_needs_enabled_host_and_capacity():
    moved = restore_plan.report_servers(REPORT, 'compute-1')[:1]
    current = {'id-a': server('a', on='compute-2', ram=65536)}
    hosts = [host('compute-1', status='disabled', reason='hw'), host('compute-2')]
    plan = restore_plan.plan_restore('compute-1', hosts, moved, current)
    text = ' '.join(plan['errors'])
    assert 'cannot receive servers' in text and 'Not enough free capacity on compute-1' in text
    # Someone else's disable is never assumed away; an evacuation marker is (the restore re-enables that host).
    plan = restore_plan.plan_restore('compute-1', hosts, moved, {'id-a': server('a', on='compute-2')}, assume_enabled=True)
    assert 'cannot receive servers' in ' '.join(plan['errors'])
    marked = [host('compute-1', status='disabled', reason=marker.make_marker('a', '2026-01-02T03:04:05Z')), host('compute-2')]
    plan = restore_plan.plan_restore('compute-1', marked, moved, {'id-a': server('a', on='compute-2')}, assume_enabled=True)
    assert plan['ok'], plan['errors']


def test_restore_below_2_56_skips_cold():
    moved = restore_plan.report_servers(REPORT, 'compute-1')[:1]
    plan = restore_plan.plan_restore('compute-1', HOSTS, moved, {'id-a': server('a', on='compute-2')},
                                     options={'cold_target_supported': False, 'max_microversion': '2.55'})
    assert plan['skipped'][0]['reason'].startswith('a cold migration back to a named host needs')


# ----- report --------------------------------------------------------------------------------------------------------

PLAN_SERVER = {'id': 'id-a', 'name': 'a', 'project_id': 'p1', 'index': 1, 'total': 2, 'action': 'cold', 'live': False,
               'status': 'ACTIVE', 'source_host': 'compute-1', 'destination': None}


def test_migration_record_success_and_failure():
    ok = {'changed': True, 'action': 'migrate', 'msg': 'done', 'elapsed': 2.1,
          'server': {'host': 'compute-2', 'status': 'ACTIVE'}, 'migration': {'id': 7, 'status': 'confirmed'}}
    entry = report_entries.migration_record(ok, PLAN_SERVER, 1000.0, 1012.34)
    assert entry['outcome'] == 'moved' and entry['destination'] == 'compute-2' and entry['migration_id'] == 7
    assert entry['progress'] == '[1/2] a: compute-1 -> compute-2 (cold, 12.3 s)'
    assert entry['started_at'] == '1970-01-01T00:16:40Z'
    bad = {'failed': True, 'msg': 'Cold migration failed.', 'migration_status': 'error',
           'server': {'host': 'compute-1', 'status': 'ACTIVE'}, 'migration': {'id': 8, 'status': 'error'}}
    entry = report_entries.migration_record(bad, PLAN_SERVER, 1000.0, 1001.0)
    assert entry['outcome'] == 'failed' and entry['destination'] is None and entry['current_host'] == 'compute-1'
    assert entry['progress'].startswith('[1/2] a: compute-1 -> FAILED, now on compute-1 in ACTIVE (cold, 1.0 s)')
    nothing = {'action': 'none', 'msg': 'Nothing to do', 'server': {'host': 'compute-3', 'status': 'ACTIVE'}}
    assert report_entries.migration_record(nothing, PLAN_SERVER, 1, 2)['outcome'] == 'already_moved'


def test_migration_records_of_a_sequence_call():
    second = dict(PLAN_SERVER, id='id-b', name='b', index=2)
    call = {'failed': True, 'results': [
        {'index': 0, 'started': 10.0, 'finished': 12.5, 'action': 'migrate', 'server': {'host': 'compute-2'}},
        {'index': 1, 'started': 12.5, 'finished': 13.0, 'failed': True, 'msg': 'boom', 'server': {'host': 'compute-1'}},
    ]}
    entries = report_entries.migration_records(call, [PLAN_SERVER, second], 0, 99)
    assert [(e['name'], e['outcome'], e['elapsed']) for e in entries] == [('a', 'moved', 2.5), ('b', 'failed', 0.5)]
    # A call that failed before any server (bad credentials, bad input) fails the first planned server, with its reason.
    for early in ({'failed': True, 'msg': 'HTTP 401: bad token'}, {'failed': True, 'msg': 'bad', 'results': []}):
        entries = report_entries.migration_records(early, [PLAN_SERVER, second], 5.0, 6.0)
        assert [(e['name'], e['outcome']) for e in entries] == [('a', 'failed')]
        assert entries[0]['reason'] == early['msg']
    assert report_entries.migration_records({'results': []}, [PLAN_SERVER], 0, 1) == []


def test_build_report_outcomes_and_postcondition():
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('a'), server('b'), server('err', status='ERROR')])
    moved = report_entries.migration_record({'action': 'migrate', 'server': {'host': 'compute-2', 'status': 'ACTIVE'},
                                             'migration': {'id': 1}}, plan['actions'][0], 0, 1)
    failed = report_entries.migration_record({'failed': True, 'msg': 'boom', 'server': {'host': 'compute-1', 'status': 'ACTIVE'}},
                                             plan['actions'][1], 1, 2)
    after = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('b'), server('err', status='ERROR')])
    report = report_build.build_report([moved, failed], plan, after=after,
                                       context={'host': 'compute-1', 'failed_count': 1, 'max_failures': 0})
    assert report['result'] == 'incomplete'
    assert report['counts']['moved'] == 1 and report['counts']['failed'] == 1 and report['counts']['skipped'] == 1
    assert [s['name'] for s in report['postcondition']['still_pending']] == ['b']
    assert report['summary'][0].startswith('compute-1 still holds 2 servers: evacuation INCOMPLETE')
    stopped = report_build.build_report([failed], plan, after=after, context={'host': 'compute-1', 'failed_count': 1})
    assert stopped['counts']['not_attempted'] == 1
    planned = report_build.build_report([], plan, context={'host': 'compute-1', 'check_mode': True})
    assert planned['result'] == 'planned' and planned['counts']['planned'] == 2
    assert planned['postcondition']['checked'] is False
