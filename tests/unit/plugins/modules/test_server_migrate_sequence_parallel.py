# -*- coding: utf-8 -*-
"""server_migrate_sequence with several migrations in flight, against the mock compute cloud (real HTTP, real
threads, short migrations).

Overlap is read from the mock's state history, not from the clock of the test: every state a server went through
while a workflow moved it carries a sequence number shared by all servers, so a migration is in flight from its first
recorded state to its last, and two migrations overlapped when each began before the other ended.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.novaops.migration.plugins.modules import server_migrate_sequence as sms
from ansible_collections.novaops.migration.tests.unit.plugins.modules.conftest import ModuleExit

mock_testing = pytest.importorskip('mock_compute.testing')

TOPOLOGY = {
    'name': 'parallel-drain',
    'hosts': [{'name': 'compute-%d' % n} for n in range(1, 5)],
    'server_groups': [{'name': 'spread', 'policy': 'anti-affinity', 'project': 'admin'}],
    'servers': [
        {'name': 'a1', 'host': 'compute-1', 'flavor': 'm1.tiny', 'project': 'admin', 'group': 'spread'},
        {'name': 'a2', 'host': 'compute-1', 'flavor': 'm1.tiny', 'project': 'admin'},
        {'name': 'b1', 'host': 'compute-2', 'flavor': 'm1.tiny', 'project': 'admin', 'group': 'spread'},
        {'name': 'b2', 'host': 'compute-2', 'flavor': 'm1.tiny', 'project': 'admin'},
        {'name': 'a3', 'host': 'compute-1', 'flavor': 'm1.tiny', 'project': 'admin'},
        {'name': 'b3', 'host': 'compute-2', 'flavor': 'm1.tiny', 'project': 'admin'},
    ],
}
SOURCE = dict((s['name'], s['host']) for s in TOPOLOGY['servers'])


@pytest.fixture(scope='module')
def mock_session():
    with mock_testing.mock_cloud_in_process(topology=TOPOLOGY, migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture
def cloud(mock_session):
    mock_session.reset()
    return mock_session


@pytest.fixture
def run(monkeypatch, cloud):
    """run(args, check_mode=False) -> (result, failed, warnings): the module on its own connection to the mock
    (cloud mock-admin). ``warnings`` holds (text, name of the thread that emitted it)."""
    warnings = []

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, False)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        raise ModuleExit(kwargs, True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn',
                        lambda self, text: warnings.append((text, threading.current_thread().name)))
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', cloud.clouds_yaml)

    def runner(args, check_mode=False):
        args = dict(args, cloud='mock-admin', stop_if_interrupted=False)
        if check_mode:
            args['_ansible_check_mode'] = True
        with patch_module_args(args), pytest.raises(ModuleExit) as exc:
            sms.main()
        return exc.value.result, exc.value.failed, warnings

    return runner


def items(*names, **keys):
    """Drain items for ``names``, each from its host; ``keys`` maps names to an anti_affinity key."""
    return [dict({'server': name, 'source_host': SOURCE[name]},
                 **({'anti_affinity': keys[name]} if name in keys else {})) for name in names]


def in_flight(cloud, name):
    """(first, last) sequence of the server's recorded states while it was being moved."""
    status, _headers, body = cloud.request('GET', '/mock/history?server=%s' % cloud.server_id(name))
    assert status == 200, body
    entries = body['history']
    assert entries, 'no state recorded for %s' % name
    return entries[0]['sequence'], entries[-1]['sequence']


def overlap(cloud, one, other):
    (start1, end1), (start2, end2) = in_flight(cloud, one), in_flight(cloud, other)
    return start1 < end2 and start2 < end1


def moved(result):
    return [(r['server_before']['name'], r['server_before']['host'], r['server']['host']) for r in result['results']]


def test_two_source_hosts_drain_side_by_side(run, cloud):
    result, failed, _warnings = run({'servers': items('a2', 'a3', 'b2', 'b3'), 'strategy': 'live',
                                     'max_in_flight': 2, 'per_source': 1})
    assert not failed, result['msg']
    assert [r['index'] for r in result['results']] == [0, 1, 2, 3]
    assert all(not r['failed'] and r['server']['host'] != r['server_before']['host'] for r in result['results'])
    assert all(r['migration']['status'] == 'completed' for r in result['results'])
    assert result['pending'] == [] and result['stopped'] is None and result['peak_in_flight'] == 2
    # One from each host at a time: a2 beside b2, and each host's second after its first.
    assert overlap(cloud, 'a2', 'b2')
    assert not overlap(cloud, 'a2', 'a3') and not overlap(cloud, 'b2', 'b3')


def test_same_anti_affinity_key_never_in_flight_together(run, cloud):
    # b1 waits for a1 (same group) while b2, later in the list, goes first beside a1. Moved together, the two
    # members could be sent to one host, where the destination's check of the group would fail one of them.
    servers = items('a1', 'b1', 'a2', 'b2', a1='spread', b1='spread')
    result, failed, _warnings = run({'servers': servers, 'strategy': 'live', 'max_in_flight': 2, 'per_source': 1})
    assert not failed, result['msg']
    assert not overlap(cloud, 'a1', 'b1')
    assert in_flight(cloud, 'b1')[0] > in_flight(cloud, 'a1')[1]
    assert overlap(cloud, 'a1', 'b2') and result['peak_in_flight'] == 2
    # The results keep the order of the items, not the order they ran in.
    assert [r['server_before']['name'] for r in result['results']] == ['a1', 'b1', 'a2', 'b2']


def test_one_per_source_never_overlaps_two_from_one_host(run, cloud):
    result, failed, _warnings = run({'servers': items('a1', 'a2', 'b1'), 'strategy': 'live', 'max_in_flight': 3,
                                     'per_source': 1})
    assert not failed, result['msg']
    assert not overlap(cloud, 'a1', 'a2')
    assert in_flight(cloud, 'a2')[0] > in_flight(cloud, 'a1')[1]
    assert overlap(cloud, 'a1', 'b1') and result['peak_in_flight'] == 2


def test_two_per_source_moves_two_from_one_host_at_once(run, cloud):
    result, failed, _warnings = run({'servers': items('a1', 'a2'), 'strategy': 'live', 'max_in_flight': 2,
                                     'per_source': 2})
    assert not failed, result['msg']
    assert overlap(cloud, 'a1', 'a2') and result['peak_in_flight'] == 2


def test_default_is_one_at_a_time(run, cloud):
    result, failed, _warnings = run({'servers': items('a1', 'b1', 'a2', 'b2'), 'strategy': 'live'})
    assert not failed, result['msg']
    assert result['peak_in_flight'] == 1
    names = ['a1', 'b1', 'a2', 'b2']
    assert not any(overlap(cloud, one, other) for i, one in enumerate(names) for other in names[i + 1:])
    # In the order given.
    assert [in_flight(cloud, name)[0] for name in names] == sorted(in_flight(cloud, name)[0] for name in names)


def test_a_failure_stops_new_starts_and_finishes_those_in_flight(run, cloud):
    # Longer migrations, a1 failing while its copy runs: b1 is surely still in flight when a1 fails.
    cloud.config(migration_seconds=1.0)
    cloud.add_fault('migration_error', server='a1', phase='running', message='Injected: the destination went away')
    # a2 and a3 wait for a1 (same source); once a1 has failed nothing holds them back but max_failures.
    servers = items('a1', 'b1', 'a2', 'a3')
    result, failed, _warnings = run({'servers': servers, 'strategy': 'live', 'max_in_flight': 2, 'per_source': 1})
    assert failed and result['stopped'] == 'max_failures' and result['failed_count'] == 1
    assert [(r['index'], r['failed']) for r in result['results']] == [(0, True), (1, False)]
    # b1 ran beside a1 and was finished: completed, not abandoned.
    assert overlap(cloud, 'a1', 'b1') and result['results'][1]['migration']['status'] == 'completed'
    # a2 and a3 never started, and come back as given, in their order.
    assert [p['server'] for p in result['pending']] == ['a2', 'a3']
    assert result['pending'][0] == dict(servers[2], host=None, live_migration=None, strategy=None,
                                        allow_cold_for_running=None, force=None, block_migration=None, on_stall=None,
                                        fallback=None)
    migrated = set(m['instance_uuid'] for m in cloud.state()['migrations'])
    assert migrated == {cloud.server_id('a1'), cloud.server_id('b1')}
    assert 'a1' in result['msg'] and '2 not attempted' in result['msg']


def test_warnings_of_the_workers_are_emitted_by_the_main_thread(run, cloud):
    # The groups cannot be read: each item with a named host warns that its group was not checked.
    cloud.add_fault('http_error', status=403, route='/v2.1/os-server-groups', count=10)
    servers = items('a1', 'b2', 'b1', a1='spread', b1='spread')
    servers[0]['host'], servers[2]['host'] = 'compute-3', 'compute-4'
    result, failed, warnings = run({'servers': servers, 'strategy': 'live', 'max_in_flight': 2})
    assert not failed, result['msg']
    assert result['peak_in_flight'] == 2
    assert [r['server']['host'] for r in result['results']][::2] == ['compute-3', 'compute-4']
    # Each item's warnings together (emitted when it ended), named by its server.
    assert [text.split(':')[0] for text, _thread in warnings] == ['a1', 'a1', 'b1', 'b1']
    assert all('could not be read' in text for text, _thread in warnings)
    assert set(thread for _text, thread in warnings) == {threading.main_thread().name}


def test_check_mode_in_parallel_predicts_and_writes_nothing(run, cloud):
    result, failed, _warnings = run({'servers': items('a2', 'a3', 'b2', 'b3'), 'strategy': 'live',
                                     'max_in_flight': 2}, check_mode=True)
    assert not failed, result['msg']
    assert result['changed'] is True and [r['action'] for r in result['results']] == ['migrate'] * 4
    assert cloud.state()['migrations'] == []


@pytest.mark.parametrize('limits, name', [
    ({'max_in_flight': 0}, 'max_in_flight'),
    ({'max_in_flight': 2, 'per_source': 0}, 'per_source'),
    ({'per_source': -1}, 'per_source'),
])
def test_limits_below_one_fail_before_any_request(run, cloud, limits, name):
    cloud.reset_counters()
    result, failed, _warnings = run(dict({'servers': items('a1', 'b1')}, **limits))
    assert failed and result['msg'].startswith(name + ' must be 1 or more') and 'Nothing was changed' in result['msg']
    assert cloud.counters()['total'] == 0
    assert cloud.state()['migrations'] == []


def test_worker_session_has_its_own_step_and_shares_the_rest():
    class Module(object):
        step = 'connecting to the cloud'
        check_mode = False

        def clock(self):
            return 42.0

    module = Module()
    session = sms.WorkerSession(module)
    session.step = 'starting the live migration'
    assert module.step == 'connecting to the cloud' and session.step == 'starting the live migration'
    assert session.clock() == 42.0 and session.check_mode is False


def moving(cloud, name):
    """(first, arrival) sequence of a cold migration: from its first recorded state to VERIFY_RESIZE, the part in
    which the server leaves its source (then it waits on the destination for its confirmation)."""
    status, _headers, body = cloud.request('GET', '/mock/history?server=%s' % cloud.server_id(name))
    assert status == 200, body
    entries = body['history']
    arrival = [e['sequence'] for e in entries if e['status'] == 'VERIFY_RESIZE']
    assert arrival, 'no VERIFY_RESIZE recorded for %s: %s' % (name, entries)
    return entries[0]['sequence'], arrival[0]


def test_a_cold_migration_frees_its_source_once_the_server_waits_on_the_destination(run, cloud):
    # Three from compute-1, one at a time from it: each leaves the source only after the one before it arrived, and
    # its confirmation (a write on the destination) no longer holds the next one back.
    result, failed, _warnings = run({'servers': items('a1', 'a2', 'a3'), 'strategy': 'cold', 'max_in_flight': 2,
                                     'per_source': 1})
    assert not failed and [r['failed'] for r in result['results']] == [False] * 3, result['msg']
    assert result['peak_in_flight'] == 1
    spans = [moving(cloud, name) for name in ('a1', 'a2', 'a3')]
    for earlier, later in ((0, 1), (1, 2)):
        assert spans[later][0] > spans[earlier][1]
    by_name = dict((r['server_before']['name'], r) for r in result['results'])
    assert by_name['a2']['started'] < by_name['a1']['finished']
    assert by_name['a3']['started'] < by_name['a2']['finished']


def test_the_next_migration_from_a_source_polls_around_the_one_that_just_arrived(run, cloud, monkeypatch):
    # a2 starts as soon as a1 waits on its destination, before a1's confirmation ends: it already knows how long
    # a1 took to arrive, so it does not poll its own arrival on the fixed schedule.
    seen = {}
    real = sms.ServerMigration

    def recording(session, params, **kwargs):
        seen.setdefault(params['server'], dict(kwargs.get('hints') or {}))
        return real(session, params, **kwargs)

    monkeypatch.setattr(sms, 'ServerMigration', recording)
    result, failed, _warnings = run({'servers': items('a1', 'a2'), 'strategy': 'cold', 'max_in_flight': 2,
                                     'per_source': 1})
    assert not failed, result['msg']
    by_name = dict((r['server_before']['name'], r) for r in result['results'])
    assert by_name['a2']['started'] < by_name['a1']['finished']
    assert seen['a1'] == {}
    assert 'migrate' in seen['a2'] and 'confirm' not in seen['a2']


def test_the_hosts_are_listed_after_the_migrations(run, cloud):
    result, failed, _warnings = run({'servers': items('a1', 'a2'), 'strategy': 'cold', 'max_in_flight': 2,
                                     'per_source': 1, 'list_hosts_after': ['compute-1', 'compute-2']})
    assert not failed, result['msg']
    left = dict((entry['host'], sorted(s['name'] for s in entry['servers'])) for entry in result['hosts_after'])
    assert left == {'compute-1': ['a3'], 'compute-2': ['b1', 'b2', 'b3']}
    assert [entry['host'] for entry in result['hosts_after']] == ['compute-1', 'compute-2']


def test_an_unknown_host_to_list_fails_before_any_migration(run, cloud):
    # A misspelt host would list no servers, and so read as empty: it fails instead, before anything moves.
    result, failed, _warnings = run({'servers': items('a1'), 'strategy': 'cold', 'list_hosts_after': ['compute-01']})
    assert failed
    assert "Unknown host in list_hosts_after 'compute-01'" in result['msg'], result['msg']
    assert 'Did you mean compute-1?' in result['msg'] and result['msg'].endswith('Nothing was changed.')
    status, _headers, body = cloud.request('GET', '/mock/history?server=%s' % cloud.server_id('a1'))
    assert status == 200 and body['history'] == []


def test_a_call_with_nothing_left_to_move_still_lists_the_hosts(run, cloud):
    # A resumed drain whose servers have all gone already: no item, and the hosts are still read.
    result, failed, _warnings = run({'servers': [], 'list_hosts_after': ['compute-3']})
    assert not failed and not result['changed'], result['msg']
    assert result['hosts_after'] == [{'host': 'compute-3', 'servers': []}]


def test_a_host_that_cannot_be_listed_is_left_out_with_a_warning(run, cloud):
    # Left out, it is not known to be empty (the campaign then keeps it as not drained); never an empty list.
    cloud.add_fault('http_error', status=500, method='GET', route='/v2.1/servers/detail',
                    message='The server has either erred or is incapable of performing the requested operation.')
    try:
        result, failed, warnings = run({'servers': [], 'list_hosts_after': ['compute-3'], 'retries': 0})
    finally:
        cloud.clear_faults()
    assert not failed, result['msg']
    assert result['hosts_after'] == []
    assert any('The servers on compute-3 could not be listed' in text for text, _thread in warnings), warnings
