"""The evacuate_host playbook with server groups: the plan keeps anti-affinity members apart and leaves what Nova
cannot move on the host with the reason, before any change.

An anti-affinity pair sits on compute-1 and compute-3. Emptying compute-1 onto compute-3 and compute-4, the capacity
placement alone would pick compute-3 for the compute-1 member (it has the most free memory: compute-4 holds a big
server), and Nova's anti-affinity filter would answer No valid host half-way through the run. The plan must send it
to compute-4. An affinity pair whose members are all on compute-1 cannot leave through the scheduler at all (Nova
accepts only a host that already holds a member, and a move never stays on its source): the plan skips both with
that reason, so require_empty stops the run before any change. The named-target check of group_checks runs against
the same mock through openstacksdk.
"""

import json

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import group_checks
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import RestClient
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, write_requests


def topology(with_affinity=False):
    servers = [
        {"name": "anti-1", "host": "compute-1", "flavor": "m1.small", "status": "ACTIVE", "project": "admin",
         "group": "db-pair"},
        {"name": "anti-2", "host": "compute-3", "flavor": "m1.small", "status": "ACTIVE", "project": "admin",
         "group": "db-pair"},
        {"name": "plain-1", "host": "compute-1", "flavor": "m1.tiny", "status": "ACTIVE", "project": "admin"},
        {"name": "filler-4", "host": "compute-4", "flavor": "m1.xlarge", "status": "ACTIVE", "project": "admin"},
    ]
    groups = [{"name": "db-pair", "policy": "anti-affinity", "project": "admin"}]
    if with_affinity:
        groups.append({"name": "fused", "policy": "affinity", "project": "admin"})
        servers += [
            {"name": "fused-1", "host": "compute-1", "flavor": "m1.tiny", "status": "ACTIVE", "project": "admin",
             "group": "fused"},
            {"name": "fused-2", "host": "compute-1", "flavor": "m1.tiny", "status": "ACTIVE", "project": "admin",
             "group": "fused"},
        ]
    return {
        "name": "server-groups-evacuation",
        "hosts": [{"name": "compute-%d" % n} for n in range(1, 5)],
        "server_groups": groups,
        "servers": servers,
    }


@pytest.fixture(scope="module")
def pair():
    with mock_cloud_in_process(topology(), migration_seconds=0.2) as handle:
        yield handle


@pytest.fixture(scope="module")
def fused():
    with mock_cloud_in_process(topology(with_affinity=True), migration_seconds=0.2) as handle:
        yield handle


def run(tmp_path, mock, *args):
    return run_collection_playbook(tmp_path, "evacuate_host", ["-e", "cloud=mock-admin", "-e", "host=compute-1", *args],
                                   clouds_yaml=mock.clouds_yaml)


def host_of(mock, name):
    status, _headers, parsed = mock.compute("GET", "/servers/%s" % mock.server_id(name), None, microversion="2.53")
    assert status == 200, (status, parsed)
    return parsed["server"]["OS-EXT-SRV-ATTR:host"]


def test_anti_affinity_member_goes_to_the_target_without_its_peer(tmp_path, pair):
    pair.reset()
    path = tmp_path / "evacuation-compute-1.json"
    result = run(tmp_path / "run", pair, "-e", "targets=compute-3,compute-4", "-e", "report=%s" % path)
    assert result.returncode == 0, result.output[-4000:]
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["result"] == "complete" and report["host_empty"] is True, report["summary"]
    assert host_of(pair, "anti-1") == "compute-4"
    assert host_of(pair, "anti-2") == "compute-3"
    assert host_of(pair, "plain-1") in ("compute-3", "compute-4")
    assert "anti-1: compute-1 -> compute-4" in result.output


def test_affinity_members_all_on_the_host_are_skipped_before_any_change(tmp_path, fused):
    fused.reset()
    fused.reset_counters()
    result = run(tmp_path / "run", fused, "-e", "targets=compute-3,compute-4")
    assert result.returncode != 0
    assert "compute-1 would still hold 2 server(s)" in result.output, result.output[-4000:]
    assert "skip fused-1 (ACTIVE): needs a common target with server group 'fused' (affinity)" in result.output
    assert write_requests(fused) == []


def test_group_target_problem_against_the_mock(pair):
    # The named-target check through real openstacksdk: the 2.71 field, the group's show and the peer's host.
    pair.reset()
    conn = pair.connect("mock-admin")
    versions = mv.from_endpoint_data(conn.compute.get_endpoint_data())
    server = {"id": pair.server_id("anti-1"), "host": "compute-1"}
    warnings = []
    problem = group_checks.group_target_problem(conn.compute, versions, server, "compute-3", False, warnings)
    assert problem.startswith("server group 'db-pair' (anti-affinity): compute-3 already holds another member")
    assert group_checks.group_target_problem(RestClient(conn.compute), versions, server, "compute-4", False,
                                             warnings) is None
    older = versions._replace(max=(2, 70))     # below 2.71 the groups are listed
    assert "compute-3 already holds" in group_checks.group_target_problem(conn.compute, older, server, "compute-3",
                                                                          False, warnings)
    plain = {"id": pair.server_id("plain-1"), "host": "compute-1"}
    assert group_checks.group_target_problem(conn.compute, versions, plain, "compute-3", False, warnings) is None
    assert warnings == []
