# -*- coding: utf-8 -*-
"""migration_plan's own work: what it reads from the cloud, and what it hands the planner and returns.

The planner is tested on its own in tests/unit/plugins/module_utils/test_evacuation.py; these tests run the module
against the fake Nova of conftest.py and look only at its result and at the requests the fake recorded.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

import pytest
from ansible_collections.novaops.migration.plugins.modules import migration_plan
from ansible_collections.novaops.migration.tests.unit.sdk_fake import HttpError

WEB = 'aaaaaaaa-0000-0000-0000-000000000001'        # ACTIVE on compute-1
DB = 'aaaaaaaa-0000-0000-0000-000000000002'         # SHUTOFF on compute-1
VERIFY = 'aaaaaaaa-0000-0000-0000-000000000003'     # left compute-1 for compute-2, waits in VERIFY_RESIZE
CACHE = 'aaaaaaaa-0000-0000-0000-000000000004'      # moved to compute-3 after the marker time
OLD = 'aaaaaaaa-0000-0000-0000-000000000005'        # moved to compute-3 a day before the marker time
VERIFY_10 = 'aaaaaaaa-0000-0000-0000-000000000006'  # left compute-1 for compute-10, waits in VERIFY_RESIZE there
TEN = 'aaaaaaaa-0000-0000-0000-000000000010'        # ACTIVE on compute-10
TEN_VERIFY = 'aaaaaaaa-0000-0000-0000-000000000011'  # left compute-10 for compute-2, waits in VERIFY_RESIZE
TEN_MOVED = 'aaaaaaaa-0000-0000-0000-000000000012'  # moved from compute-10 to compute-3 after the marker time

MARKER = 'novaops-evacuation by alice at 2026-01-31T08:00:00Z run r1 ended: CHG-4711'
FLAVOR = {'original_name': 'm1.small', 'vcpus': 1, 'ram': 2048, 'disk': 20, 'ephemeral': 0, 'swap': 0}
EVACUATION_REPORT = 'novaops.migration.host_evacuation'


@pytest.fixture(autouse=True)
def controller(monkeypatch):
    """The controller the module reports: a fixed ansible-playbook pid and an FQDN whose short name is returned."""
    monkeypatch.setattr(migration_plan.cw, 'controller_pid', lambda: 4242)
    monkeypatch.setattr(migration_plan.socket, 'gethostname', lambda: 'awx-task-1.example.org')


def add_server(fake, sid, name, host, status='ACTIVE'):
    return fake.add_server(sid, name, host=host, status=status, flavor=dict(FLAVOR))


def add_migration(fake, sid, status, source, dest, created, mtype='migration'):
    record = fake.add_migration(sid, status, mtype, source, dest)
    record['created_at'] = created
    return record


def prefix_matching_host_filter(fake):
    """Make the fake's server list match ``host`` as a prefix (compute-1 also answers compute-10's servers).

    Its /os-migrations already ignores ``host`` and answers every record. The module must keep exact matches itself.
    """
    answer = fake.request

    def request(method, path, microversion=None, params=None, json=None):
        if method == 'GET' and path == '/servers/detail' and params and 'host' in params:
            wanted = params['host']
            body = answer(method, path, microversion, dict((k, v) for k, v in params.items() if k != 'host'), json)
            fake.calls[-1] = (method, path, microversion, copy.deepcopy(params), copy.deepcopy(json))
            body['servers'] = [s for s in body['servers'] if s['OS-EXT-SRV-ATTR:host'].startswith(wanted)]
            return body
        return answer(method, path, microversion, params, json)

    fake.request = request


def evacuation_cloud(fake):
    """compute-1 disabled by an ended evacuation run at 08:00Z; what it and compute-10 left behind."""
    fake.services[0].update(status='disabled', disabled_reason=MARKER)
    add_server(fake, WEB, 'web', 'compute-1')
    add_server(fake, DB, 'db', 'compute-1', status='SHUTOFF')
    add_server(fake, VERIFY, 'verify', 'compute-2', status='VERIFY_RESIZE')
    add_server(fake, VERIFY_10, 'verify-10', 'compute-10', status='VERIFY_RESIZE')
    add_server(fake, CACHE, 'cache', 'compute-3')
    add_server(fake, OLD, 'old', 'compute-3')
    add_server(fake, TEN, 'ten', 'compute-10')
    add_server(fake, TEN_VERIFY, 'ten-verify', 'compute-2', status='VERIFY_RESIZE')
    add_server(fake, TEN_MOVED, 'ten-moved', 'compute-3')
    records = {
        'verify': add_migration(fake, VERIFY, 'finished', 'compute-1', 'compute-2', '2026-01-31T08:05:00.000000'),
        'verify-10': add_migration(fake, VERIFY_10, 'finished', 'compute-1', 'compute-10', '2026-01-31T08:05:30.000000'),
        'cache': add_migration(fake, CACHE, 'confirmed', 'compute-1', 'compute-3', '2026-01-31T08:10:00.000000'),
        'old': add_migration(fake, OLD, 'confirmed', 'compute-1', 'compute-3', '2026-01-30T08:00:00.000000'),
        'ten-verify': add_migration(fake, TEN_VERIFY, 'finished', 'compute-10', 'compute-2', '2026-01-31T08:06:00.000000'),
        'ten-moved': add_migration(fake, TEN_MOVED, 'confirmed', 'compute-10', 'compute-3', '2026-01-31T08:07:00.000000'),
    }
    prefix_matching_host_filter(fake)
    return records


def requests(fake, method='GET'):
    return [c[:4] for c in fake.calls if c[0] == method]


def single_server_reads(fake):
    return [c[1] for c in fake.calls if c[0] == 'GET' and re.match(r'^/servers/[^/]+$', c[1]) and c[1] != '/servers/detail']


def given_hosts(**services):
    """Host facts as compute_host_info returns them, with capacity figures; ``services`` overrides service fields."""
    hosts = []
    for name in ('compute-1', 'compute-2', 'compute-3', 'compute-10'):
        service = {'id': 'svc-' + name, 'host': name, 'binary': 'nova-compute', 'status': 'enabled', 'state': 'up',
                   'zone': 'nova', 'disabled_reason': None, 'forced_down': False}
        service.update(services.get(name.replace('-', '_'), {}))
        hosts.append({'host': name, 'zone': 'nova', 'service': service, 'hypervisor': None, 'server_count': 2,
                      'capacity': {'vcpus': {'total': 64, 'used': 4, 'free': 60},
                                   'memory_mb': {'total': 65536, 'used': 4096, 'free': 61440},
                                   'disk_gb': {'total': 1000, 'used': 40, 'free': 960}, 'source': 'placement'}})
    return hosts


def ids(entries):
    return [e['id'] for e in entries]


def e_dest(plan, server_id):
    """The scheduler's expected destination of a server (capacity unknown: any candidate)."""
    entry = next(e for e in plan['actions'] if e['id'] == server_id)
    assert entry['expected_destination'] in plan['candidates'], entry
    return entry['expected_destination']


# ----- mode=evacuate -----------------------------------------------------------------------------------------------

def test_evacuate_reads_the_host_its_migrations_and_the_servers_that_left_it(run, fake):
    records = evacuation_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False and result['check_mode'] is False

    # Host facts (services and hypervisors), the servers of compute-1, its migration records, then one read for
    # each server that left compute-1 unfinished or since the marker time, and the server groups (none here, so no
    # member is read) - in that order, nothing else.
    assert requests(fake) == [
        ('GET', '/os-services', '2.53', {'binary': 'nova-compute'}),
        ('GET', '/os-hypervisors/detail', '2.88', {'with_servers': 'True'}),
        ('GET', '/servers/detail', '2.96', {'host': 'compute-1', 'all_tenants': 'True'}),
        ('GET', '/os-migrations', '2.59', {'host': 'compute-1'}),
        ('GET', '/servers/' + VERIFY, '2.96', None),
        ('GET', '/servers/' + CACHE, '2.96', None),
        ('GET', '/servers/' + VERIFY_10, '2.96', None),
        ('GET', '/os-server-groups', '2.64', {'all_projects': 'True'}),
    ]
    assert requests(fake, 'POST') == [] and requests(fake, 'PUT') == [] and requests(fake, 'DELETE') == []

    plan = result['plan']
    assert plan['ok'] is True and plan['errors'] == [] and plan['warnings'] == []
    # The interrupted migrations are resumed first (confirmed where they wait), then the servers still on the host.
    # verify-10 waits on compute-10: the listing of compute-1 that also answered it must not hide it.
    assert [(e['index'], e['name'], e['action'], e.get('resume'), e['host'], e['expected_destination'])
            for e in plan['actions']] == [
        (1, 'verify', 'resume', 'confirm', 'compute-2', 'compute-2'),
        (2, 'verify-10', 'resume', 'confirm', 'compute-10', 'compute-10'),
        (3, 'db', 'cold', None, 'compute-1', e_dest(plan, DB)),
        (4, 'web', 'cold', None, 'compute-1', e_dest(plan, WEB)),
    ]
    assert [e['migration']['id'] for e in plan['actions'][:2]] == [records['verify']['id'], records['verify-10']['id']]
    assert plan['actions'][0]['plan_line'] == '[1/4] verify: compute-1 -> compute-2 (resume: confirm)'
    assert plan['notes'] == []
    assert [e['request'] for e in plan['actions'][2:]] == [
        {'server': DB, 'host': None, 'source_host': 'compute-1', 'live_migration': False},
        {'server': WEB, 'host': None, 'source_host': 'compute-1', 'live_migration': False}]
    # Moved by the earlier run since the marker time (08:00Z); the move of the day before is not this evacuation's.
    assert plan['earlier'] == [{
        'id': CACHE, 'name': 'cache', 'project_id': 'p1', 'status': 'ACTIVE', 'host': 'compute-3', 'action': 'none',
        'outcome': 'moved_earlier', 'reason': 'moved by an earlier run of this evacuation', 'source_host': 'compute-1',
        'destination': 'compute-3', 'migration': {
            'id': records['cache']['id'], 'uuid': records['cache']['uuid'], 'type': 'migration', 'status': 'confirmed',
            'source_compute': 'compute-1', 'dest_compute': 'compute-3', 'created_at': '2026-01-31T08:10:00.000000',
            'updated_at': None}}]
    assert plan['counts'] == {'on_host': 2, 'to_move': 4, 'resume': 2, 'cold': 2, 'live': 0, 'skipped': 0,
                              'unchanged': 0, 'moved_earlier': 1}
    # compute-10 is another host: its server, its unfinished migration and its earlier move never count (nor does
    # the move of the day before).
    listed = ids(plan['actions']) + ids(plan['skipped']) + ids(plan['unchanged']) + ids(plan['earlier'])
    assert not set(listed) & {TEN, TEN_VERIFY, TEN_MOVED, OLD}
    assert plan['candidates'] == ['compute-10', 'compute-2', 'compute-3']

    assert plan['ownership']['state'] == 'ours' and plan['ownership']['activity'] == 'ended'
    assert plan['ownership']['marker']['at'] == '2026-01-31T08:00:00Z' and plan['ownership']['marker']['run'] == 'r1'
    # The host facts it read, for the next plan of the run, and the controller for the marker.
    assert [(h['host'], h['service']['status'], h['service']['disabled_reason'], h['capacity'])
            for h in result['hosts']] == [
        ('compute-1', 'disabled', MARKER, None), ('compute-10', 'enabled', None, None),
        ('compute-2', 'enabled', None, None), ('compute-3', 'enabled', None, None)]
    assert result['controller'] == {'pid': 4242, 'node': 'awx-task-1'}
    assert result['compute_api'] == {'min': '2.1', 'max': '2.96'}


def test_evacuate_since_overrides_the_marker_time(run, fake):
    evacuation_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'since': '2026-01-30T07:00:00Z'}, fake)
    assert not failed, result['msg']
    assert ids(result['plan']['earlier']) == [CACHE, OLD]
    assert single_server_reads(fake) == ['/servers/' + VERIFY, '/servers/' + CACHE, '/servers/' + OLD,
                                         '/servers/' + VERIFY_10]


def test_evacuate_of_a_host_nobody_disabled_lists_no_earlier_moves(run, fake):
    evacuation_cloud(fake)
    fake.services[0].update(status='enabled', disabled_reason=None)
    result, failed = run(migration_plan, {'host': 'compute-1'}, fake)
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['earlier'] == [] and plan['ownership']['state'] == 'enabled'
    # Only the servers with an unfinished migration away from compute-1 are read.
    assert single_server_reads(fake) == ['/servers/' + VERIFY, '/servers/' + VERIFY_10]
    assert ids(plan['actions']) == [VERIFY, VERIFY_10, DB, WEB]


def test_evacuate_a_resumed_server_that_no_longer_exists_is_a_note(run, fake):
    records = evacuation_cloud(fake)
    del fake.servers[VERIFY]
    result, failed = run(migration_plan, {'host': 'compute-1'}, fake)
    assert not failed, result['msg']
    assert ids(result['plan']['actions']) == [VERIFY_10, DB, WEB]
    assert result['plan']['notes'] == ['Migration %s of server %s (status finished) is unfinished but the server no '
                                       'longer exists.' % (records['verify']['id'], VERIFY)]


def test_evacuate_with_host_facts_makes_no_host_fact_reads(run, fake):
    evacuation_cloud(fake)
    hosts = given_hosts(compute_1={'status': 'disabled', 'disabled_reason': MARKER})
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': hosts}, fake)
    assert not failed, result['msg']
    assert fake.count('GET', '/os-services') == 0 and fake.count('GET', '/os-hypervisors') == 0
    assert requests(fake) == [
        ('GET', '/servers/detail', '2.96', {'host': 'compute-1', 'all_tenants': 'True'}),
        ('GET', '/os-migrations', '2.59', {'host': 'compute-1'}),
        ('GET', '/servers/' + VERIFY, '2.96', None),
        ('GET', '/servers/' + CACHE, '2.96', None),
        ('GET', '/servers/' + VERIFY_10, '2.96', None),
        ('GET', '/os-server-groups', '2.64', {'all_projects': 'True'}),
    ]
    assert result['hosts'] == hosts
    plan = result['plan']
    assert ids(plan['actions']) == [VERIFY, VERIFY_10, DB, WEB] and ids(plan['earlier']) == [CACHE]
    # The capacity figures given are the ones the plan checks.
    assert plan['capacity']['needed'] == {'vcpus': 2, 'memory_mb': 4096, 'disk_gb': 40}
    assert plan['capacity']['zones']['nova']['free'] == {'vcpus': 180, 'memory_mb': 184320, 'disk_gb': 2880}


def test_refresh_services_rereads_only_the_services(run, fake):
    evacuation_cloud(fake)
    stale = given_hosts()   # read before compute-1 was disabled
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': stale, 'refresh_services': True}, fake)
    assert not failed, result['msg']
    assert requests(fake)[0] == ('GET', '/os-services', '2.53', {'binary': 'nova-compute'})
    assert fake.count('GET', '/os-services') == 1 and fake.count('GET', '/os-hypervisors') == 0
    by_host = dict((h['host'], h) for h in result['hosts'])
    assert list(by_host) == ['compute-1', 'compute-2', 'compute-3', 'compute-10']
    # The services are the cloud's now, the capacity figures those given.
    assert by_host['compute-1']['service']['status'] == 'disabled'
    assert by_host['compute-1']['service']['disabled_reason'] == MARKER
    assert [h['capacity'] for h in result['hosts']] == [h['capacity'] for h in stale]
    assert stale[0]['service']['status'] == 'enabled'   # the caller's facts are not changed in place
    # Planned with the fresh service: the marker is seen, and the earlier run's move is found from its time.
    plan = result['plan']
    assert plan['ownership']['state'] == 'ours' and ids(plan['earlier']) == [CACHE]


def test_without_refresh_the_given_services_are_used_as_they_are(run, fake):
    evacuation_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake)
    assert not failed, result['msg']
    assert fake.count('GET', '/os-services') == 0
    assert result['plan']['ownership']['state'] == 'enabled' and result['plan']['earlier'] == []


# ----- mode=restore ------------------------------------------------------------------------------------------------

WEB_B = 'bbbbbbbb-0000-0000-0000-000000000001'      # cold-migrated to compute-2, still there
DB_B = 'bbbbbbbb-0000-0000-0000-000000000002'       # live-migrated to compute-3, still there
CACHE_B = 'bbbbbbbb-0000-0000-0000-000000000003'    # moved to compute-2, since then on to compute-10
HOME_B = 'bbbbbbbb-0000-0000-0000-000000000004'     # moved to compute-3, already back on compute-1
GONE_B = 'bbbbbbbb-0000-0000-0000-000000000005'     # moved to compute-2, deleted since
HALF_B = 'bbbbbbbb-0000-0000-0000-000000000006'     # moved to compute-3, an interrupted restore left it VERIFY_RESIZE
ERR_B = 'bbbbbbbb-0000-0000-0000-000000000007'      # skipped by the evacuation (ERROR): not to be moved back
TEN_B = 'bbbbbbbb-0000-0000-0000-000000000010'      # a server of compute-10, on compute-2 like the others


def restore_cloud(fake):
    add_server(fake, WEB_B, 'web', 'compute-2')
    add_server(fake, DB_B, 'db', 'compute-3')
    add_server(fake, CACHE_B, 'cache', 'compute-10')
    add_server(fake, HOME_B, 'home', 'compute-1')
    add_server(fake, HALF_B, 'half', 'compute-1', status='VERIFY_RESIZE')
    add_server(fake, ERR_B, 'err', 'compute-1', status='ERROR')
    add_server(fake, TEN_B, 'ten', 'compute-2')
    return {'half': add_migration(fake, HALF_B, 'finished', 'compute-3', 'compute-1', '2026-02-01T09:00:00.000000')}


def report(host='compute-1'):
    def moved(sid, name, dest, outcome='moved', **extra):
        return dict({'id': sid, 'name': name, 'outcome': outcome, 'original_host': 'compute-1', 'destination': dest},
                    **extra)
    return {'report': EVACUATION_REPORT, 'host': host, 'servers': [
        moved(WEB_B, 'web', 'compute-2', live=False),
        moved(DB_B, 'db', 'compute-3', live=True, migration={'type': 'live-migration', 'status': 'completed'}),
        moved(CACHE_B, 'cache', 'compute-2', outcome='moved_earlier'),
        moved(HOME_B, 'home', 'compute-3'),
        moved(GONE_B, 'gone', 'compute-2'),
        moved(HALF_B, 'half', 'compute-3'),
        {'id': ERR_B, 'name': 'err', 'outcome': 'skipped', 'original_host': 'compute-1', 'destination': None,
         'reason': 'status ERROR'},
    ]}


def test_restore_finds_the_servers_on_their_destinations_and_plans_the_way_back(run, fake):
    records = restore_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'report': report()}, fake)
    assert not failed, result['msg']

    # One listing per destination of the report and one of compute-1 itself, single reads for the servers not
    # found there (moved on, deleted), then compute-1's migration records. Nothing of compute-10 is listed.
    assert requests(fake) == [
        ('GET', '/os-services', '2.53', {'binary': 'nova-compute'}),
        ('GET', '/os-hypervisors/detail', '2.88', {'with_servers': 'True'}),
        ('GET', '/servers/detail', '2.96', {'host': 'compute-1', 'all_tenants': 'True'}),
        ('GET', '/servers/detail', '2.96', {'host': 'compute-2', 'all_tenants': 'True'}),
        ('GET', '/servers/detail', '2.96', {'host': 'compute-3', 'all_tenants': 'True'}),
        ('GET', '/servers/' + CACHE_B, '2.96', None),
        ('GET', '/servers/' + GONE_B, '2.96', None),
        ('GET', '/os-migrations', '2.59', {'host': 'compute-1'}),
        ('GET', '/os-server-groups', '2.64', {'all_projects': 'True'}),
    ]
    assert requests(fake, 'POST') == [] and requests(fake, 'PUT') == []

    plan = result['plan']
    assert plan['ok'] is True and plan['errors'] == [] and plan['candidates'] == ['compute-1']
    # The interrupted return is resumed, then each server goes back the way it left: live if it left live.
    assert [(e['index'], e['name'], e['action'], e['source_host'], e['expected_destination'], e.get('mode_reason'))
            for e in plan['actions']] == [
        (1, 'half', 'resume', 'compute-3', 'compute-1', None),
        (2, 'cache', 'cold', 'compute-10', 'compute-1', 'as it left'),
        (3, 'db', 'live', 'compute-3', 'compute-1', 'as it left'),
        (4, 'web', 'cold', 'compute-2', 'compute-1', 'as it left'),
    ]
    half, cache, db, web = plan['actions']
    assert half['resume'] == 'confirm' and half['migration']['id'] == records['half']['id']
    assert cache['reason'] == ('status ACTIVE: cold migration (strategy cold; the server is stopped and restarted); '
                               'it moved since the evacuation (now on compute-10, evacuated to compute-2)')
    assert [e['request'] for e in (cache, db, web)] == [
        {'server': CACHE_B, 'host': 'compute-1', 'source_host': 'compute-10', 'live_migration': False},
        {'server': DB_B, 'host': 'compute-1', 'source_host': 'compute-3', 'live_migration': True},
        {'server': WEB_B, 'host': 'compute-1', 'source_host': 'compute-2', 'live_migration': False}]
    assert [(e['id'], e['reason']) for e in plan['unchanged']] == [(HOME_B, 'already on compute-1')]
    assert [(e['id'], e['reason']) for e in plan['skipped']] == [(GONE_B, 'the server no longer exists')]
    assert plan['counts'] == {'on_host': 2, 'to_move': 4, 'resume': 1, 'cold': 2, 'live': 1, 'skipped': 1,
                              'unchanged': 1, 'moved_earlier': 0}
    listed = ids(plan['actions']) + ids(plan['skipped']) + ids(plan['unchanged'])
    assert ERR_B not in listed and TEN_B not in listed
    assert plan['capacity']['needed'] == {'vcpus': 3, 'memory_mb': 6144, 'disk_gb': 60}
    assert result['controller'] == {'pid': 4242, 'node': 'awx-task-1'}
    assert [h['host'] for h in result['hosts']] == ['compute-1', 'compute-10', 'compute-2', 'compute-3']


def test_restore_live_migrate_active_overrides_the_way_they_left(run, fake):
    restore_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'report': report(),
                                          'hosts': given_hosts(), 'live_migrate_active': False}, fake)
    assert not failed, result['msg']
    assert [(e['name'], e['action'], e.get('mode_reason')) for e in result['plan']['actions']] == [
        ('half', 'resume', None), ('cache', 'cold', 'live_migrate_active=false'),
        ('db', 'cold', 'live_migrate_active=false'), ('web', 'cold', 'live_migrate_active=false')]
    assert fake.count('GET', '/os-services') == 0 and fake.count('GET', '/os-hypervisors') == 0


def test_restore_refuses_the_report_of_another_host(run, fake):
    restore_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'report': report('compute-2'),
                                          'hosts': given_hosts()}, fake)
    assert failed
    assert result['msg'] == "The evacuation report is about host 'compute-2', not 'compute-1'."
    # Refused before it looks for any server or migration.
    assert fake.calls == []


def test_restore_refuses_the_report_of_a_host_with_a_similar_name(run, fake):
    restore_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'report': report('compute-10'),
                                          'hosts': given_hosts()}, fake)
    assert failed and result['msg'] == "The evacuation report is about host 'compute-10', not 'compute-1'."
    assert fake.calls == []


def test_restore_without_a_report_only_looks_at_the_host(run, fake):
    restore_cloud(fake)
    fake.services[0].update(status='disabled', disabled_reason=MARKER)
    result, failed = run(migration_plan, {'host': 'compute-1', 'mode': 'restore', 'hosts': given_hosts(
        compute_1={'status': 'disabled', 'disabled_reason': MARKER}), 'assume_enabled': True}, fake)
    assert not failed, result['msg']
    assert fake.calls == []
    plan = result['plan']
    assert plan['ok'] is True and plan['actions'] == [] and plan['ownership']['state'] == 'ours'


def test_evacuate_empty_since_is_unset_and_the_marker_time_counts(run, fake):
    evacuation_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'since': '  ', 'capacity_check': False}, fake)
    assert not failed, result['msg']
    assert ids(result['plan']['earlier']) == [CACHE]
    # Without the capacity check only the services are read, and they are what is returned.
    assert fake.count('GET', '/os-hypervisors') == 0 and fake.count('GET', '/os-services') == 1
    assert [(h['host'], h['status']) for h in result['hosts']] == [
        ('compute-1', 'disabled'), ('compute-2', 'enabled'), ('compute-3', 'enabled'), ('compute-10', 'enabled')]


def test_refresh_services_of_service_only_host_facts(run, fake):
    # The hosts an earlier plan returned with capacity_check=false are service dicts; refreshed all the same.
    evacuation_cloud(fake)
    stale = [dict(h['service']) for h in given_hosts()]
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': stale, 'refresh_services': True,
                                          'capacity_check': False}, fake)
    assert not failed, result['msg']
    assert fake.count('GET', '/os-services') == 1
    assert [(h['host'], h['status'], h['disabled_reason']) for h in result['hosts']][:2] == [
        ('compute-1', 'disabled', MARKER), ('compute-2', 'enabled', None)]
    assert result['plan']['ownership']['state'] == 'ours' and ids(result['plan']['earlier']) == [CACHE]


def test_evacuate_an_unknown_host_reads_no_server(run, fake):
    evacuation_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-01', 'hosts': given_hosts()}, fake)
    assert not failed, result['msg']
    assert fake.calls == []
    assert result['plan']['ok'] is False
    assert result['plan']['errors'] == ["Compute host 'compute-01' does not exist (host names match exactly). Did you "
                                        "mean compute-1, compute-10? Compute hosts: compute-1, compute-10, compute-2, "
                                        "compute-3."]


def test_check_mode_plans_the_same_and_says_so(run, fake):
    evacuation_cloud(fake)
    normal, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake)
    assert not failed, normal['msg']
    reads = list(fake.calls)
    fake.calls[:] = []
    checked, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake, check_mode=True)
    assert not failed, checked['msg']
    assert checked['check_mode'] is True and normal['check_mode'] is False
    assert checked['plan'] == normal['plan'] and fake.calls == reads


# ----- server groups -----------------------------------------------------------------------------------------------

PEER = 'aaaaaaaa-0000-0000-0000-000000000020'     # ACTIVE on compute-3, anti-affinity peer of WEB


def group_cloud(fake, **group):
    add_server(fake, WEB, 'web', 'compute-1')
    add_server(fake, DB, 'db', 'compute-1', status='SHUTOFF')
    add_server(fake, PEER, 'peer', 'compute-3')
    body = {'id': 'g-1', 'name': 'db-pair', 'policy': 'anti-affinity', 'rules': {}, 'members': [WEB, PEER],
            'project_id': 'p1', 'user_id': 'u1'}
    body.update(group)
    fake.server_groups = [body]


def refusing(fake, status, text, when=lambda params: True):
    """Make the fake answer ``status`` to GET /os-server-groups when ``when(params)``."""
    answer = fake.request

    def request(method, path, microversion=None, params=None, json=None):
        if method == 'GET' and path == '/os-server-groups' and when(params or {}):
            fake.calls.append((method, path, microversion, copy.deepcopy(params), None))
            raise HttpError(status, text)
        return answer(method, path, microversion, params, json)

    fake.request = request


def test_plan_reads_the_groups_and_the_hosts_of_members_elsewhere_and_keeps_them_apart(run, fake):
    group_cloud(fake)
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts(),
                                          'target_hosts': ['compute-3', 'compute-2']}, fake)
    assert not failed, result['msg']
    # The groups once, then a single read of the one member that is not on compute-1.
    assert requests(fake)[-2:] == [('GET', '/os-server-groups', '2.64', {'all_projects': 'True'}),
                                   ('GET', '/servers/' + PEER, '2.96', None)]
    plan = result['plan']
    web = next(e for e in plan['actions'] if e['id'] == WEB)
    assert web['destination'] == 'compute-2'
    assert web['server_group'] == {'id': 'g-1', 'name': 'db-pair', 'policy': 'anti-affinity', 'rules': {},
                                   'forbidden_hosts': ['compute-3'], 'required_hosts': None}
    assert plan['ok'] and plan['warnings'] == [] and plan['batches'] == [[DB, WEB]]


def test_plan_reads_the_policies_of_an_older_cloud(run, fake):
    fake.versions = fake.versions._replace(max=(2, 60))
    group_cloud(fake, policy=None, policies=['anti-affinity'], rules=None)
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts(),
                                          'target_hosts': ['compute-3', 'compute-2']}, fake)
    assert not failed, result['msg']
    assert ('GET', '/os-server-groups', '2.60', {'all_projects': 'True'}) in requests(fake)
    web = next(e for e in result['plan']['actions'] if e['id'] == WEB)
    assert web['destination'] == 'compute-2' and web['server_group']['policy'] == 'anti-affinity'


def test_many_members_elsewhere_are_found_in_one_listing(run, fake):
    group_cloud(fake)
    others = ['aaaaaaaa-0000-0000-0000-0000000001%02d' % n for n in range(6)]
    for n, sid in enumerate(others):
        add_server(fake, sid, 'other-%d' % n, 'compute-2')
    fake.server_groups[0]['members'] += others
    fake.server_groups[0]['rules'] = {'max_server_per_host': 7}
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake)
    assert not failed, result['msg']
    assert requests(fake)[-1] == ('GET', '/servers/detail', '2.96', {'all_tenants': 'True'})
    assert single_server_reads(fake) == []
    web = next(e for e in result['plan']['actions'] if e['id'] == WEB)
    assert web['server_group']['forbidden_hosts'] == [] and web['server_group']['rules'] == {'max_server_per_host': 7}


def test_a_cloud_that_refuses_all_projects_gives_the_own_groups_and_a_warning(run, fake):
    group_cloud(fake)
    refusing(fake, 403, 'Policy does not allow os_compute_api:os-server-groups:index:all_projects to be performed.',
             when=lambda params: 'all_projects' in params)
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts(),
                                          'target_hosts': ['compute-3', 'compute-2']}, fake)
    assert not failed, result['msg']
    plan = result['plan']
    assert [w for w in plan['warnings'] if 'only those of your own project are checked' in w]
    assert next(e for e in plan['actions'] if e['id'] == WEB)['destination'] == 'compute-2'


def test_unreadable_groups_are_a_warning_not_a_failure(run, fake):
    group_cloud(fake)
    refusing(fake, 500, 'Unexpected API Error.')
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake)
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['ok'] and plan['warnings'] == [
        'The server groups could not be read (HTTP 500: Unexpected API Error.), so their policies are not checked; '
        'Nova decides.']
    assert all('server_group' not in e for e in plan['actions'])


def test_a_blocked_affinity_member_is_a_skip_in_the_plan(run, fake):
    group_cloud(fake, policy='affinity', members=[WEB, DB])
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': given_hosts()}, fake)
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['actions'] == [] and [e['id'] for e in plan['skipped']] == [DB, WEB]
    assert all(e['reason'].startswith("needs a common target with server group 'db-pair' (affinity)")
               for e in plan['skipped'])
    assert single_server_reads(fake) == []       # both members are on compute-1: nothing else to read
