# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group_checks: reading the server groups and their members' hosts, and whether a named target breaks a group."""

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import group_checks as gc
from ansible_collections.novaops.migration.plugins.module_utils.api import RestClient
from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions
from ansible_collections.novaops.migration.plugins.module_utils.servers import ServerView


class Refused(Exception):
    def __init__(self, status, text):
        super(Refused, self).__init__(text)
        self.status_code = status


class Compute(object):
    """The openstacksdk compute proxy methods group_checks calls, on dicts; ``calls`` records them."""

    def __init__(self, servers, groups, *, show_groups=True, refuse_all_projects=None, fail=None):
        self.hosts = servers              # id -> host
        self.groups = groups
        self.show_groups = show_groups    # the 2.71 server_groups field on show
        self.refuse_all_projects = refuse_all_projects
        self.fail = fail or {}            # method name -> exception
        self.calls = []

    def _maybe_fail(self, name):
        if name in self.fail:
            raise self.fail[name]

    def server_groups(self, all_projects=False):
        self.calls.append(('server_groups', all_projects))
        self._maybe_fail('server_groups')
        if all_projects and self.refuse_all_projects:
            raise Refused(403, self.refuse_all_projects)
        return [dict(g) for g in self.groups]

    def get_server_group(self, gid):
        self.calls.append(('get_server_group', gid))
        self._maybe_fail('get_server_group')
        return dict(next(g for g in self.groups if g['id'] == gid))

    def get_server(self, sid):
        self.calls.append(('get_server', sid))
        self._maybe_fail('get_server')
        if sid not in self.hosts:
            raise Refused(404, 'Instance %s could not be found.' % sid)
        body = {'id': sid, 'OS-EXT-SRV-ATTR:host': self.hosts[sid]}
        if self.show_groups:
            body['server_groups'] = [g['id'] for g in self.groups if sid in g['members']][:1]
        return body

    def servers(self, details=True, all_projects=False, microversion=None, **query):
        self.calls.append(('servers', all_projects, query))
        return [{'id': sid, 'OS-EXT-SRV-ATTR:host': host} for sid, host in self.hosts.items()]


NEW = ComputeVersions((2, 1), (2, 96))
OLD = ComputeVersions((2, 1), (2, 60))
GROUPS = [
    {'id': 'g-pair', 'name': 'db-pair', 'policy': 'anti-affinity', 'rules': {}, 'members': ['a1', 'a2']},
    {'id': 'g-fused', 'name': 'fused', 'policy': 'affinity', 'rules': {}, 'members': ['f1', 'f2']},
    {'id': 'g-soft', 'name': 'soft', 'policy': 'soft-affinity', 'rules': {}, 'members': ['s1', 's2']},
]
HOSTS = {'a1': 'compute-1', 'a2': 'compute-3', 'f1': 'compute-1', 'f2': 'compute-1', 's1': 'compute-1',
         's2': 'compute-2', 'plain': 'compute-1'}


def view(sid):
    return ServerView(id=sid, name=sid, host=HOSTS[sid])


def test_the_peer_host_is_refused_and_another_host_is_not():
    compute = Compute(HOSTS, GROUPS)
    problem = gc.group_target_problem(compute, NEW, view('a1'), 'compute-3', False)
    assert problem.startswith("server group 'db-pair' (anti-affinity): compute-3 already holds another member")
    assert gc.group_target_problem(compute, NEW, view('a1'), 'compute-2', False) is None
    # 2.71+: the server's own field and its group's show, then the peer's host; the group list is never read
    assert compute.calls[:3] == [('get_server', 'a1'), ('get_server_group', 'g-pair'), ('get_server', 'a2')]
    assert not [c for c in compute.calls if c[0] == 'server_groups']


def test_below_2_71_the_groups_are_listed():
    compute = Compute(HOSTS, GROUPS, show_groups=False)
    problem = gc.group_target_problem(compute, OLD, {'id': 'a1', 'host': 'compute-1'}, 'compute-3', False)
    assert 'compute-3 already holds another member' in problem
    assert compute.calls == [('server_groups', True), ('get_server', 'a2')]


def test_a_rest_client_on_the_proxy_is_accepted():
    compute = Compute(HOSTS, GROUPS)
    assert 'already holds' in gc.group_target_problem(RestClient(compute), NEW, view('a1'), 'compute-3', False)


def test_force_and_no_host_read_nothing():
    compute = Compute(HOSTS, GROUPS)
    assert gc.group_target_problem(compute, NEW, view('a1'), 'compute-3', True) is None
    assert gc.group_target_problem(compute, NEW, view('a1'), None, False) is None
    assert compute.calls == []


def test_affinity_members_all_on_the_source_are_refused_anywhere():
    compute = Compute(HOSTS, GROUPS)
    problem = gc.group_target_problem(compute, NEW, view('f1'), 'compute-2', False)
    assert "server group 'fused' (affinity): Nova only accepts a host that already holds a member" in problem


def test_soft_policies_and_servers_without_a_group_pass():
    compute = Compute(HOSTS, GROUPS)
    assert gc.group_target_problem(compute, NEW, view('s1'), 'compute-4', False) is None
    assert gc.group_target_problem(compute, NEW, view('plain'), 'compute-4', False) is None


@pytest.mark.parametrize('versions', [NEW, OLD])
def test_unreadable_groups_are_a_warning_and_no_refusal(versions):
    compute = Compute(HOSTS, GROUPS, show_groups=False,
                      fail={'server_groups': Refused(500, 'Unexpected API Error.'),
                            'get_server': Refused(503, 'Service Unavailable')})
    warnings = []
    assert gc.group_target_problem(compute, versions, view('a1'), 'compute-3', False, warnings) is None
    assert warnings[-1] == ('The server groups could not be read (HTTP 500: Unexpected API Error.), so their '
                            'policies are not checked; Nova decides.')


def test_a_cloud_that_refuses_all_projects_is_asked_for_the_own_groups():
    compute = Compute(HOSTS, GROUPS, refuse_all_projects='Policy does not allow it.')
    groups, warnings = gc.read_server_groups(compute)
    assert [g['id'] for g in groups] == ['g-pair', 'g-fused', 'g-soft']
    assert compute.calls == [('server_groups', True), ('server_groups', False)]
    assert 'only those of your own project are checked' in warnings[0] and 'HTTP 403' in warnings[0]


def test_member_hosts_reads_a_few_one_by_one_and_many_in_one_listing():
    servers = dict(('m%d' % n, 'compute-%d' % n) for n in range(8))
    compute = Compute(servers, [])
    hosts, warnings = gc.member_hosts(compute, NEW, ['m1', 'm2', 'gone'])
    assert hosts == {'m1': 'compute-1', 'm2': 'compute-2'} and warnings == []     # a deleted member is left out
    assert [c[0] for c in compute.calls] == ['get_server'] * 3
    compute.calls = []
    hosts, warnings = gc.member_hosts(compute, NEW, sorted(servers))
    assert hosts == servers and [c[0] for c in compute.calls] == ['servers'] and compute.calls[0][1] is True


def test_member_hosts_warns_about_hidden_and_unreadable_hosts():
    compute = Compute({'m1': None, 'm2': 'compute-2'}, [], fail={})
    hosts, warnings = gc.member_hosts(compute, NEW, ['m1', 'm2'])
    assert hosts == {'m2': 'compute-2'} and 'not visible (Nova shows it to admins)' in warnings[0]
    compute.fail['get_server'] = Refused(403, 'Forbidden')
    hosts, warnings = gc.member_hosts(compute, NEW, ['m1'])
    assert hosts == {} and warnings == ['The host of 1 server group member(s) could not be read, so they are not '
                                        'counted: m1 (HTTP 403: Forbidden).']
