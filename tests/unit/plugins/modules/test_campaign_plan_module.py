# -*- coding: utf-8 -*-
"""campaign_plan's own work against the mock compute cloud (tests/mock_compute, served in-process over HTTP): how it
selects the hosts (list, aggregate, zone), what it reads and how often, and what it hands the planner and returns.

The planner itself is tested in tests/unit/plugins/module_utils/test_campaign_plan.py. These tests look at the
module's result and at the mock's request counters and state.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.novaops.migration.plugins.module_utils.planning import marker
from ansible_collections.novaops.migration.plugins.modules import campaign_plan

mock_testing = pytest.importorskip('mock_compute.testing')

# hv-a is all but full with two large servers that fit neither on out-1 nor on edge-1, so hv-b (whose small servers
# fit on out-1) must go first; once emptied, hv-b takes hv-a's servers. b1 and e1 form an anti-affinity group.
TOPOLOGY = {
    'name': 'campaign',
    'hosts': [{'name': 'hv-a', 'memory_mb': 18944}, {'name': 'hv-b'}, {'name': 'out-1', 'memory_mb': 8192},
              {'name': 'edge-1', 'zone': 'az2', 'memory_mb': 4096}],
    'aggregates': [{'name': 'patch-1', 'hosts': ['hv-a', 'hv-b']}],
    'server_groups': [{'name': 'spread', 'policy': 'anti-affinity'}],
    'servers': [
        {'name': 'a1', 'host': 'hv-a', 'flavor': 'm1.large'},
        {'name': 'a2', 'host': 'hv-a', 'flavor': 'm1.large'},
        {'name': 'b1', 'host': 'hv-b', 'flavor': 'm1.small', 'group': 'spread'},
        {'name': 'b2', 'host': 'hv-b', 'flavor': 'm1.small'},
        {'name': 'b3', 'host': 'hv-b', 'flavor': 'm1.tiny', 'status': 'SHUTOFF'},
        {'name': 'e1', 'host': 'edge-1', 'flavor': 'm1.tiny', 'group': 'spread'},
    ],
}
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


class ModuleExit(SystemExit):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get('msg'))
        self.result = result
        self.failed = failed


@pytest.fixture(scope='module')
def cloud():
    with mock_testing.mock_cloud_in_process(topology=TOPOLOGY, migration_seconds=0.05) as handle:
        yield handle


@pytest.fixture
def mock(cloud):
    cloud.reset()
    return cloud


@pytest.fixture
def run(mock, monkeypatch):
    """run(args, check_mode=False) -> (result, failed): the module in this process, against the mock over HTTP."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, False)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        raise ModuleExit(kwargs, True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    for name in ('OS_CLOUD', 'OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_TOKEN'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', mock.clouds_yaml)

    def runner(args, check_mode=False):
        args = dict(args, cloud='mock-admin')
        if check_mode:
            args['_ansible_check_mode'] = True
        with patch_module_args(args), pytest.raises(ModuleExit) as exc:
            campaign_plan.main()
        return exc.value.result, exc.value.failed

    return runner


def moves(result):
    return dict((m['name'], m) for step in result['plan']['steps'] for m in step['moves'])


def counted(mock, route):
    return mock.counters()['by_route'].get(route, 0)


def writes(mock):
    return dict((route, n) for route, n in mock.counters()['by_route'].items()
                if route.split()[0] in WRITES and route != 'POST /v3/auth/tokens')


def group_id(mock, name):
    return next(g['uuid'] for g in mock.state()['server_groups'] if g['name'] == name)


# ----- selection ------------------------------------------------------------------------------------------------

def test_a_host_list_plans_in_the_order_capacity_forces(run, mock):
    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'strategy': 'auto'})
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['ok'], plan['errors']
    assert result['selected'] == ['hv-a', 'hv-b']
    # hv-a's large servers fit nowhere outside the campaign: hv-b goes first and then takes them.
    assert plan['order'] == ['hv-b', 'hv-a']
    placed = moves(result)
    assert (placed['a1']['to'], placed['a1']['tier'], placed['a1']['mode']) == ('hv-b', 'done', 'live')
    assert (placed['b3']['mode'], placed['b3']['why']) == ('cold', 'not running')
    assert plan['counts']['moves_again'] == 0 and plan['counts']['moves'] == 5
    assert result['msg'] == '2 hosts in 2 steps, 5 moves, 0 move again'
    assert sorted(h['host'] for h in result['hosts']) == ['edge-1', 'hv-a', 'hv-b', 'out-1']
    assert result['compute_api']['min'] == '2.1'
    assert set(result['controller']) == {'pid', 'node'}


def test_order_given_keeps_the_order_and_parks_servers_on_a_queued_host(run):
    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'order': 'given'})
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-a', 'hv-b']
    assert plan['steps'][0]['moves_again'] == 2
    assert result['msg'] == '2 hosts in 2 steps, 7 moves, 2 move again'


def test_an_aggregate_selects_its_hosts(run, mock):
    result, failed = run({'aggregates': ['patch-1']})
    assert not failed, result['msg']
    assert result['selected'] == ['hv-a', 'hv-b'] and result['plan']['ok']
    assert counted(mock, 'GET /v2.1/os-aggregates') == 1


def test_a_zone_selects_its_hosts_and_a_member_elsewhere_keeps_its_peer_apart(run, mock):
    result, failed = run({'zone': 'az2'})
    assert not failed, result['msg']
    plan = result['plan']
    assert result['selected'] == ['edge-1'] and plan['ok'], plan['errors']
    e1 = moves(result)['e1']
    # b1, the other member of its anti-affinity group, is on hv-b: e1 goes to out-1 instead.
    assert e1['to'] == 'out-1' and e1['anti_affinity'] == group_id(mock, 'spread') and e1['server_group'] == 'spread'
    # Aggregates are read only when asked for; b1's host is one read of that server.
    assert counted(mock, 'GET /v2.1/os-aggregates') == 0
    assert counted(mock, 'GET /v2.1/servers/{server_id}') == 1


def test_unknown_host_names_are_plan_errors_and_nothing_is_planned(run, mock):
    result, failed = run({'hosts': ['hv-a', 'HV-B', 'hv-']})
    assert not failed, result['msg']
    plan = result['plan']
    assert not plan['ok'] and plan['steps'] == [] and result['selected'] == []
    assert len(plan['errors']) == 2
    assert "'HV-B' does not exist" in plan['errors'][0] and 'Did you mean hv-b?' in plan['errors'][0]
    assert result['msg'].startswith('The campaign cannot be planned: In the host list: compute host ')
    # No server was listed for a campaign that cannot start.
    assert counted(mock, 'GET /v2.1/servers/detail') == 0


def test_an_unknown_aggregate_is_a_plan_error_that_lists_the_known_names(run, mock):
    result, failed = run({'aggregates': ['patch-2']})
    assert not failed, result['msg']
    plan = result['plan']
    assert not plan['ok'] and plan['steps'] == [] and result['selected'] == []
    assert plan['errors'] == ["Host aggregate 'patch-2' does not exist (names match exactly; host aggregates: az2, "
                              "patch-1)."]
    assert counted(mock, 'GET /v2.1/servers/detail') == 0


# ----- done hosts and a resumed run ----------------------------------------------------------------------------

def test_done_hosts_are_not_read_nor_planned_and_receive_from_the_first_step(run, mock):
    result, failed = run({'aggregates': ['patch-1'], 'done_hosts': ['hv-b']})
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['ok'], plan['errors']
    assert plan['order'] == ['hv-a'] and plan['done_hosts'] == ['hv-b']
    planned = [(m['name'], m['to'], m['tier']) for m in plan['steps'][0]['moves']]
    assert planned == [('a1', 'hv-b', 'done'), ('a2', 'hv-b', 'done')]
    # Only hv-a's servers were listed.
    assert counted(mock, 'GET /v2.1/servers/detail') == 1


def test_an_unknown_done_host_is_a_plan_error(run):
    result, failed = run({'hosts': ['hv-a'], 'done_hosts': ['hv-z']})
    assert not failed
    assert result['plan']['errors'] == ["Done host 'hv-z' does not exist (host names match exactly)."]


def wait_for(check, what, attempts=400):
    for _attempt in range(attempts):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError('the mock never reached: %s' % what)


def migrate(conn, mock, name, host, confirm):
    server_id = mock.server_id(name)
    conn.compute.migrate_server(server_id, host=host)
    wait_for(lambda: conn.compute.get_server(server_id).status == 'VERIFY_RESIZE', '%s in VERIFY_RESIZE' % name)
    if confirm:
        conn.compute.confirm_server_resize(server_id)
        wait_for(lambda: conn.compute.get_server(server_id).status in ('ACTIVE', 'SHUTOFF'), '%s confirmed' % name)
    return server_id


def test_a_host_this_run_left_in_the_middle_goes_first_without_the_servers_that_left(run, mock):
    """hv-b was disabled by run r1, which moved b2 away (confirmed) and left b3 waiting in VERIFY_RESIZE."""
    conn = mock.connect('mock-admin')
    began = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=30)
    service = next(iter(conn.compute.services(host='hv-b', binary='nova-compute')))
    conn.compute.disable_service(service, host='hv-b', binary='nova-compute',
                                 disabled_reason=marker.make_marker('alice', began, 'patch', run='r1'))
    b2 = migrate(conn, mock, 'b2', 'out-1', confirm=True)
    b3 = migrate(conn, mock, 'b3', 'out-1', confirm=False)
    mock.reset_counters()

    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'run_id': 'r1', 'order': 'given'})
    assert not failed, result['msg']
    plan = result['plan']
    assert plan['ok'], plan['errors']
    assert result['resumed'] == ['hv-b']
    assert plan['order'] == ['hv-b', 'hv-a']
    first = plan['steps'][0]
    planned = sorted((m['name'], m['mode'], m['to']) for m in first['moves'])
    assert planned == [('b1', 'cold', 'out-1'), ('b3', 'resume', 'out-1')]
    assert [(e['id'], e['name'], e['from'], e['to']) for e in first['earlier']] == [(b2, 'b2', 'hv-b', 'out-1')]
    assert b2 not in [m['id'] for step in plan['steps'] for m in step['moves']]
    assert b3 in first['waves'][0] + first['waves'][1]
    # The migrations of the marked host only; b2 and b3 are read one by one (they are on no campaign host), and so
    # is e1, the peer of b1 on edge-1.
    assert counted(mock, 'GET /v2.1/os-migrations') == 1
    assert counted(mock, 'GET /v2.1/servers/{server_id}') == 3

    # Another run's id: that run was interrupted (its marker has no deadline); the host still goes first with its
    # unfinished migration resumed, and a warning; what left it is not this run's to report.
    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'run_id': 'r2', 'order': 'given'})
    assert not failed and result['resumed'] == []
    plan = result['plan']
    assert plan['ok'] and plan['order'] == ['hv-b', 'hv-a'] and plan['steps'][0]['earlier'] == []
    assert 'hv-b is disabled by another evacuation run (r1, interrupted); it goes first' in ' '.join(plan['warnings'])
    assert moves(result)['b3']['mode'] == 'resume'


def test_a_host_another_run_is_emptying_is_a_plan_error(run, mock):
    conn = mock.connect('mock-admin')
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    reason = marker.make_marker('bob', now, run='r9', pid=1, node='other-controller',
                                until=now + datetime.timedelta(hours=1))
    service = next(iter(conn.compute.services(host='hv-b', binary='nova-compute')))
    conn.compute.disable_service(service, host='hv-b', binary='nova-compute', disabled_reason=reason)
    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'run_id': 'r1'})
    assert not failed
    assert not result['plan']['ok']
    assert result['plan']['errors'][0] == ('hv-b is being emptied by another run (r9, by bob): leave it out of this '
                                           'campaign or wait for that run to end. Nothing was changed.')


# ----- check mode, requests, bad options ------------------------------------------------------------------------

def test_check_mode_plans_the_same_and_writes_nothing(run, mock):
    normal, failed = run({'aggregates': ['patch-1'], 'strategy': 'auto'})
    assert not failed
    checked, failed = run({'aggregates': ['patch-1'], 'strategy': 'auto'}, check_mode=True)
    assert not failed
    assert checked['check_mode'] is True and checked['changed'] is False
    assert checked['plan'] == normal['plan']
    assert writes(mock) == {}


def test_a_plan_takes_few_requests(run, mock):
    result, failed = run({'aggregates': ['patch-1'], 'strategy': 'auto'})
    assert not failed and result['plan']['ok']
    routes = mock.counters()['by_route']
    # One read of the cloud's services and hypervisors, one server list per planned host, one list of the groups,
    # and one read of b1's peer on edge-1; Placement is read per host (inventories and usages).
    assert routes['GET /v2.1/os-services'] == 1
    assert routes['GET /v2.1/os-hypervisors/detail'] == 1
    assert routes['GET /v2.1/servers/detail'] == 2
    assert routes['GET /v2.1/os-server-groups'] == 1
    assert routes['GET /v2.1/servers/{server_id}'] == 1
    assert 'GET /v2.1/os-migrations' not in routes
    assert mock.counters()['total'] <= 20
    assert writes(mock) == {}


def test_without_the_capacity_check_only_the_services_are_read(run, mock):
    result, failed = run({'hosts': ['hv-a', 'hv-b'], 'capacity_check': False, 'order': 'given'})
    assert not failed and result['plan']['ok'], result['msg']
    assert result['plan']['order'] == ['hv-a', 'hv-b']
    routes = mock.counters()['by_route']
    assert 'GET /v2.1/os-hypervisors/detail' not in routes
    assert not [r for r in routes if r.startswith('GET /placement/')]
    assert all('capacity' not in h for h in result['hosts'])


@pytest.mark.parametrize('args, message', [
    ({}, 'Select the hosts of the campaign: give hosts'),
    ({'hosts': ['hv-a', '']}, 'hosts[1] is empty'),
    ({'hosts': ['hv-a'], 'parallel_hosts': 0}, 'parallel_hosts=0: give 1 or more.'),
    ({'hosts': ['hv-a'], 'max_in_flight': 0}, 'max_in_flight=0: give 1 or more, or leave it unset.'),
    ({'hosts': ['hv-a'], 'strategy': 'cold', 'fallback': 'cold'}, 'Contradicting options'),
    ({'hosts': ['hv-a'], 'server_filter': 'name ==='}, 'server_filter'),
])
def test_bad_options_fail_before_any_compute_request(run, mock, args, message):
    result, failed = run(args)
    assert failed
    assert message in result['msg'] and 'Nothing was changed' in result['msg']
    assert 'Traceback' not in result['msg']
    assert not [r for r in mock.counters()['by_route'] if r.startswith('GET /v2.1/')]


def test_an_api_error_fails_with_what_was_being_read(run, mock):
    mock.add_fault('http_error', status=403, route='/v2.1/os-aggregates', count=1)
    result, failed = run({'aggregates': ['patch-1']})
    assert failed
    assert 'host aggregates' in result['msg'] and 'Traceback' not in result['msg']
