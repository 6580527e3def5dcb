"""Server groups: the os-server-groups API per microversion, membership at boot, and the scheduler's group filters
and weighers on boot, cold and live migration and evacuation (a mock with four computes and one group per policy)."""

import openstack
import pytest
from mock_cloud_helpers import nova_error, wait_for, wait_status
from mock_compute.testing import mock_cloud_in_process

TOPOLOGY = {
    "name": "server-groups",
    "hosts": [{"name": "compute-%d" % n} for n in range(1, 5)],
    "server_groups": [
        {"name": "anti", "policy": "anti-affinity"},
        {"name": "anti-two", "policy": "anti-affinity", "rules": {"max_server_per_host": 2}},
        {"name": "aff", "policy": "affinity"},
        {"name": "aff-alone", "policy": "affinity"},
        {"name": "soft-aff", "policy": "soft-affinity"},
        {"name": "soft-anti", "policy": "soft-anti-affinity"},
        {"name": "admins", "policy": "anti-affinity", "project": "admin"},
    ],
    "servers": [
        # the anti-affinity pair of the field report: compute-1 is being emptied, compute-3 holds the peer
        {"name": "anti-1", "host": "compute-1", "group": "anti"},
        {"name": "anti-2", "host": "compute-3", "group": "anti"},
        {"name": "two-1", "host": "compute-1", "group": "anti-two"},
        {"name": "two-2", "host": "compute-3", "group": "anti-two"},
        {"name": "aff-1", "host": "compute-2", "group": "aff"},
        {"name": "aff-2", "host": "compute-2", "group": "aff"},
        {"name": "alone-1", "host": "compute-2", "group": "aff-alone"},
        {"name": "soft-aff-1", "host": "compute-1", "group": "soft-aff"},
        {"name": "soft-aff-2", "host": "compute-4", "group": "soft-aff"},
        {"name": "soft-anti-1", "host": "compute-1", "group": "soft-anti"},
        {"name": "soft-anti-2", "host": "compute-2", "group": "soft-anti"},
        {"name": "plain-1", "host": "compute-4"},
        {"name": "admin-1", "host": "compute-4", "project": "admin", "group": "admins"},
    ],
}
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


@pytest.fixture(scope="module")
def groups_session():
    with mock_cloud_in_process(topology=TOPOLOGY, migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture
def cloud(groups_session):
    groups_session.reset()
    return groups_session


@pytest.fixture(scope="module")
def admin(groups_session):
    return groups_session.connect("mock-admin")


def _group_id(cloud, name):
    return next(g["uuid"] for g in cloud.state()["server_groups"] if g["name"] == name)


def _host_of(cloud, name):
    return next(s["host"] for s in cloud.state()["servers"] if s["name"] == name)


def _disable(cloud, *hosts):
    for host in hosts:
        service = next(s for s in cloud.state()["hosts"] if s["name"] == host)["service"]
        status, _ignored, body = cloud.compute("PUT", "/os-services/%s" % service["uuid"], {"status": "disabled"},
                                               microversion="2.53")
        assert status == 200, body


def _action(cloud, server, body, microversion):
    return cloud.compute("POST", "/servers/%s/action" % cloud.server_id(server), body, microversion=microversion)


def _settled_migration(cloud, server):
    """The server's newest migration once it reached a final status."""
    uuid = cloud.server_id(server)

    def done():
        records = [m for m in cloud.state()["migrations"] if m["instance_uuid"] == uuid]
        final = ("finished", "completed", "error", "failed", "done", "confirmed")
        if records and records[-1]["status"] in final:
            current = next(s for s in cloud.state()["servers"] if s["uuid"] == uuid)
            return records[-1] if current["task_state"] is None else None
        return None
    return wait_for(done, message="the migration of %s to settle" % server)


def _fault(cloud, name):
    """The server's instance fault (the API shows it only while the server is in ERROR)."""
    server = next(s for s in cloud.state()["servers"] if s["name"] == name)
    return server["fault"]["message"] if server["fault"] else None


def _events(cloud, name):
    """(event, result, host, details) of the server's newest instance action, newest event first."""
    path = "/servers/%s/os-instance-actions" % cloud.server_id(name)
    _status, _ignored, body = cloud.compute("GET", path, microversion="2.84")
    request_id = body["instanceActions"][0]["request_id"]
    _status, _ignored, body = cloud.compute("GET", "%s/%s" % (path, request_id), microversion="2.84")
    return [(e["event"], e["result"], e["host"], e["details"]) for e in body["instanceAction"]["events"]]


def _server(cloud, name, microversion="2.1"):
    status, _ignored, body = cloud.compute("GET", "/servers/%s" % cloud.server_id(name), microversion=microversion)
    assert status == 200, body
    return body["server"]


# the API ---------------------------------------------------------------------------------------------------------
def test_crud_through_openstacksdk(cloud, admin):
    group = admin.compute.create_server_group(name="new-anti", policy="anti-affinity",
                                              rules={"max_server_per_host": 3})
    assert (group.policy, group.rules, group.member_ids) == ("anti-affinity", {"max_server_per_host": 3}, [])
    assert group.project_id == admin.current_project_id and group.user_id == admin.current_user_id
    fetched = admin.compute.get_server_group(group.id)
    assert (fetched.name, fetched.policy) == ("new-anti", "anti-affinity")
    found = admin.compute.find_server_group("anti", all_projects=True)
    assert sorted(found.member_ids) == sorted([cloud.server_id("anti-1"), cloud.server_id("anti-2")])
    names = [g.name for g in admin.compute.server_groups()]
    assert names == ["admins", "new-anti"]                 # the caller's project only
    everything = [g.name for g in admin.compute.server_groups(all_projects=True)]
    assert everything == ["anti", "anti-two", "aff", "aff-alone", "soft-aff", "soft-anti", "admins", "new-anti"]
    admin.compute.delete_server_group(group)
    with pytest.raises(openstack.exceptions.NotFoundException, match="Instance group %s could not be found" % group.id):
        admin.compute.get_server_group(group.id)


def test_body_shapes_per_microversion(cloud):
    anti = _group_id(cloud, "anti-two")
    status, _ignored, body = cloud.compute("GET", "/os-server-groups/%s" % anti, microversion="2.1")
    assert status == 200
    assert set(body["server_group"]) == {"id", "name", "policies", "members", "metadata"}
    assert (body["server_group"]["policies"], body["server_group"]["metadata"]) == (["anti-affinity"], {})
    _status, _ignored, body = cloud.compute("GET", "/os-server-groups/%s" % anti, microversion="2.13")
    assert set(body["server_group"]) == {"id", "name", "policies", "members", "metadata", "project_id", "user_id"}
    _status, _ignored, body = cloud.compute("GET", "/os-server-groups/%s" % anti, microversion="2.64")
    assert set(body["server_group"]) == {"id", "name", "policy", "rules", "members", "project_id", "user_id"}
    assert body["server_group"]["policy"] == "anti-affinity"
    assert body["server_group"]["rules"] == {"max_server_per_host": 2}
    # a group made with policies (before 2.64) has no rules, shown as an empty mapping
    status, _ignored, body = cloud.compute("POST", "/os-server-groups",
                                           {"server_group": {"name": "old", "policies": ["soft-affinity"]}},
                                           microversion="2.15")
    assert status == 200 and body["server_group"]["policies"] == ["soft-affinity"]
    _status, _ignored, body = cloud.compute("GET", "/os-server-groups/%s" % body["server_group"]["id"],
                                            microversion="2.64")
    assert (body["server_group"]["policy"], body["server_group"]["rules"]) == ("soft-affinity", {})


@pytest.mark.parametrize(("microversion", "group", "message"), [
    ("2.1", {"name": "x", "policies": ["soft-affinity"]},
     "Invalid input for field/attribute 0. Value: soft-affinity. 'soft-affinity' is not one of "
     "['anti-affinity', 'affinity']"),
    ("2.15", {"name": "x", "policies": []}, "Invalid input for field/attribute policies. Value: []. [] should be non-empty"),
    ("2.15", {"name": "x", "policies": ["affinity", "affinity"]},
     "Invalid input for field/attribute policies. Value: ['affinity', 'affinity']. ['affinity', 'affinity'] has "
     "non-unique elements"),
    ("2.15", {"name": "x", "policies": ["affinity", "anti-affinity"]},
     "Invalid input for field/attribute policies. Value: ['affinity', 'anti-affinity']. ['affinity', "
     "'anti-affinity'] is too long"),
    ("2.15", {"name": "x"}, "Invalid input for field/attribute server_group. Value: {'name': 'x'}. 'policies' is a "
     "required property"),
    ("2.64", {"name": "x", "policies": ["affinity"]},
     "Invalid input for field/attribute server_group. Value: {'name': 'x', 'policies': ['affinity']}. 'policy' is "
     "a required property"),
    ("2.64", {"name": "x", "policy": "best-effort"},
     "Invalid input for field/attribute policy. Value: best-effort. 'best-effort' is not one of ['anti-affinity', "
     "'affinity', 'soft-anti-affinity', 'soft-affinity']"),
    ("2.64", {"name": "x", "policy": "affinity", "rules": {"max_server_per_host": 2}},
     "Only anti-affinity policy supports rules."),
    ("2.64", {"name": "x", "policy": "anti-affinity", "rules": {"max_server_per_host": 0}},
     "Invalid input for field/attribute max_server_per_host. Value: 0. 0 is less than the minimum of 1"),
    ("2.64", {"name": "x", "policy": "anti-affinity", "rules": {"spread": 2}},
     "Invalid input for field/attribute rules. Value: {'spread': 2}. Additional properties are not allowed "
     "('spread' was unexpected)"),
    ("2.64", {"name": " x", "policy": "affinity"},
     "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with "
     "whitespace."),
    ("2.64", {"name": "", "policy": "affinity"}, "Invalid input for field/attribute name. Value: . '' should be "
     "non-empty"),
])
def test_create_is_validated_like_nova(cloud, microversion, group, message):
    status, _ignored, body = cloud.compute("POST", "/os-server-groups", {"server_group": group},
                                           microversion=microversion)
    assert (status, nova_error(body)) == (400, ("badRequest", 400, message))


def test_policy_project_scope_and_paging(cloud):
    admins = _group_id(cloud, "admins")
    # a member neither sees nor deletes another project's group: it does not exist for them
    for method in ("GET", "DELETE"):
        status, _ignored, body = cloud.compute(method, "/os-server-groups/%s" % admins, user="member")
        assert (status, nova_error(body)[2]) == (404, "Instance group %s could not be found." % admins)
    # all_projects is only honoured for admins (a member gets their own project's groups, no 403)
    status, _ignored, body = cloud.compute("GET", "/os-server-groups?all_projects=True", user="member")
    assert status == 200 and "admins" not in [g["name"] for g in body["server_groups"]]
    status, _ignored, body = cloud.compute("POST", "/os-server-groups",
                                           {"server_group": {"name": "mine", "policies": ["affinity"]}}, user="member")
    assert status == 200 and body["server_group"]["name"] == "mine"
    status, _ignored, _body = cloud.compute("DELETE", "/os-server-groups/%s" % body["server_group"]["id"], user="member")
    assert status == 204
    _status, _ignored, body = cloud.compute("GET", "/os-server-groups?all_projects=1&limit=2&offset=1")
    assert [g["name"] for g in body["server_groups"]] == ["anti-two", "aff"]
    status, _ignored, body = cloud.compute("GET", "/os-server-groups?sort=name", microversion="2.75")
    assert status == 400 and "Additional properties are not allowed ('sort' was unexpected)" in nova_error(body)[2]


def test_boot_into_a_group_and_the_2_71_field(cloud, admin):
    anti = _group_id(cloud, "anti")
    body = {"server": {"name": "anti-3", "flavorRef": "1", "imageRef": "cirros", "networks": "none"},
            "os:scheduler_hints": {"group": anti}}
    status, _ignored, created = cloud.compute("POST", "/servers", body, microversion="2.37")
    assert status == 202, created
    server_id = created["server"]["id"]
    server = wait_status(admin, admin.compute.get_server(server_id), "ACTIVE")
    # the third member lands where neither of the others is
    assert server.compute_host in ("compute-2", "compute-4")
    assert _server(cloud, "anti-3", "2.71")["server_groups"] == [anti]
    assert "server_groups" not in _server(cloud, "anti-3", "2.70")
    assert _server(cloud, "anti-3", "2.100")["scheduler_hints"] == {"group": [anti]}
    _status, _ignored, listed = cloud.compute("GET", "/servers/detail", microversion="2.71")
    assert all("server_groups" not in s for s in listed["servers"])     # show only, as in Nova
    _status, _ignored, shown = cloud.compute("GET", "/os-server-groups/%s" % anti)
    assert server_id in shown["server_group"]["members"]
    # deleting the server takes it out of the group
    admin.compute.delete_server(server_id)
    _status, _ignored, shown = cloud.compute("GET", "/os-server-groups/%s" % anti)
    assert server_id not in shown["server_group"]["members"]
    # a fourth anti-affinity member cannot go anywhere once every enabled host has one
    _disable(cloud, "compute-2", "compute-4")
    body["server"]["name"] = "anti-4"
    status, _ignored, created = cloud.compute("POST", "/servers", body, microversion="2.37")
    assert status == 202
    failed = wait_status(admin, admin.compute.get_server(created["server"]["id"]), "ERROR")
    assert failed.fault["message"] == NO_VALID_HOST


def test_boot_with_an_unknown_or_foreign_group(cloud):
    body = {"server": {"name": "x", "flavorRef": "1", "networks": "none"},
            "OS-SCH-HNT:scheduler_hints": {"group": "9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1"}}
    status, _ignored, reply = cloud.compute("POST", "/servers", body, microversion="2.37")
    assert (status, nova_error(reply)[2]) == (
        400, "Instance group 9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1 could not be found.")
    body["OS-SCH-HNT:scheduler_hints"]["group"] = _group_id(cloud, "admins")
    status, _ignored, reply = cloud.compute("POST", "/servers", body, microversion="2.37", user="member")
    assert status == 400 and "could not be found" in nova_error(reply)[2]
    body["OS-SCH-HNT:scheduler_hints"]["group"] = "not-a-uuid"
    status, _ignored, reply = cloud.compute("POST", "/servers", body, microversion="2.37")
    assert (status, nova_error(reply)[2]) == (
        400, "Invalid input for field/attribute group. Value: not-a-uuid. 'not-a-uuid' is not valid under any of "
        "the given schemas")


def test_deleting_a_group_keeps_its_servers(cloud):
    aff = _group_id(cloud, "aff")
    status, _ignored, _body = cloud.compute("DELETE", "/os-server-groups/%s" % aff)
    assert status == 204
    assert _server(cloud, "aff-1", "2.71")["server_groups"] == []
    assert [g["name"] for g in cloud.state()["server_groups"]] == [
        "anti", "anti-two", "aff-alone", "soft-aff", "soft-anti", "admins"]


# anti-affinity -------------------------------------------------------------------------------------------------
def test_cold_migration_to_the_peers_host_is_refused(cloud):
    # the field report: anti-1 (compute-1) sent to compute-3, where anti-2 runs
    status, _ignored, body = _action(cloud, "anti-1", {"migrate": {"host": "compute-3"}}, "2.56")
    assert status == 202, body
    migration = _settled_migration(cloud, "anti-1")
    assert (migration["status"], migration["dest_compute"]) == ("error", None)
    assert (_server(cloud, "anti-1")["status"], _fault(cloud, "anti-1")) == ("ACTIVE", NO_VALID_HOST)
    assert _host_of(cloud, "anti-1") == "compute-1"


def test_scheduled_moves_avoid_the_peers_host(cloud):
    _disable(cloud, "compute-2", "compute-4")        # left: compute-3, which holds the peer
    _action(cloud, "anti-1", {"migrate": None}, "2.1")
    assert _settled_migration(cloud, "anti-1")["status"] == "error"
    _action(cloud, "anti-1", {"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.68")
    migration = _settled_migration(cloud, "anti-1")
    assert (migration["migration_type"], migration["status"]) == ("live-migration", "error")
    assert _fault(cloud, "anti-1") == NO_VALID_HOST


def test_live_migration_to_a_named_host_is_checked(cloud):
    status, _ignored, body = _action(cloud, "anti-1", {"os-migrateLive": {"host": "compute-3",
                                                                          "block_migration": "auto"}}, "2.68")
    assert status == 202, body
    assert _settled_migration(cloud, "anti-1")["status"] == "error"
    assert (_server(cloud, "anti-1")["status"], _host_of(cloud, "anti-1")) == ("ACTIVE", "compute-1")
    # below 2.34 the check answers at once
    status, _ignored, body = _action(cloud, "anti-1", {"os-migrateLive": {"host": "compute-3", "force": False,
                                                                          "block_migration": "auto"}}, "2.30")
    assert (status, nova_error(body)[2]) == (400, NO_VALID_HOST)
    # another host is fine
    _action(cloud, "anti-1", {"os-migrateLive": {"host": "compute-2", "block_migration": "auto"}}, "2.68")
    assert _settled_migration(cloud, "anti-1")["status"] == "completed"
    assert _host_of(cloud, "anti-1") == "compute-2"


def test_max_server_per_host_lets_two_share(cloud):
    _action(cloud, "two-1", {"migrate": {"host": "compute-3"}}, "2.56")
    assert _settled_migration(cloud, "two-1")["status"] == "finished"
    assert _host_of(cloud, "two-1") == "compute-3"


def test_forced_moves_skip_the_scheduler_but_not_the_computes_check(cloud):
    # force (2.30 to 2.67) bypasses the scheduler; the destination compute's own check of the group then fails
    # the move, and Nova leaves the server in ERROR
    status, _ignored, body = _action(cloud, "anti-1", {"os-migrateLive": {"host": "compute-3", "force": True,
                                                                          "block_migration": "auto"}}, "2.67")
    assert status == 202, body
    migration = _settled_migration(cloud, "anti-1")
    assert (migration["status"], migration["dest_compute"], migration["dest_node"]) == ("error", "compute-3", None)
    server = _server(cloud, "anti-1")
    assert (server["status"], server["fault"]["message"]) == ("ERROR", "Anti-affinity instance group policy was violated")
    assert _host_of(cloud, "anti-1") == "compute-1"
    assert _events(cloud, "anti-1") == [
        ("compute_check_can_live_migrate_destination", "Error", "compute-3",
         "Anti-affinity instance group policy was violated"),
        ("conductor_live_migrate_instance", "Error", "controller",
         "Migration error: Anti-affinity instance group policy was violated")]


def test_a_forced_violation_below_2_34_is_an_unexpected_api_error(cloud):
    # the conductor's MigrationError reaches an API that does not expect it
    status, _ignored, body = _action(cloud, "anti-1", {"os-migrateLive": {"host": "compute-3", "force": True,
                                                                          "block_migration": "auto"}}, "2.30")
    assert (status, nova_error(body)[:2]) == (500, ("computeFault", 500))
    assert nova_error(body)[2] == "Unexpected API Error. Please contact the administrator\n<class 'nova.exception.MigrationError'>"
    assert (_server(cloud, "anti-1")["status"], _settled_migration(cloud, "anti-1")["status"]) == ("ERROR", "error")


def test_evacuation_honours_the_group(cloud, admin):
    cloud.add_fault("service_down", host="compute-1")
    _disable(cloud, "compute-2", "compute-4")
    status, _ignored, _body = _action(cloud, "anti-1", {"evacuate": {}}, "2.68")
    assert status == 200
    migration = _settled_migration(cloud, "anti-1")
    assert (migration["migration_type"], migration["status"]) == ("evacuation", "error")
    assert (migration["old_instance_type_id"], migration["new_instance_type_id"]) == (None, None)
    assert _fault(cloud, "anti-1") == NO_VALID_HOST
    # named and forced (below 2.68): no scheduler, the destination's check puts the server in ERROR
    _action(cloud, "anti-1", {"evacuate": {"host": "compute-3", "force": True}}, "2.67")
    migration = _settled_migration(cloud, "anti-1")
    assert (migration["status"], migration["dest_compute"], _server(cloud, "anti-1")["status"]) == (
        "failed", "compute-3", "ERROR")
    assert _server(cloud, "anti-1")["fault"]["message"] == "Anti-affinity instance group policy was violated"
    assert _host_of(cloud, "anti-1") == "compute-1"
    assert _events(cloud, "anti-1") == [
        ("compute_rebuild_instance", "Error", "compute-3", "Anti-affinity instance group policy was violated"),
        ("rebuild_server", "Success", "controller", None)]


# affinity ----------------------------------------------------------------------------------------------------
def test_a_hard_affinity_member_cannot_move_alone(cloud):
    for body, microversion in (({"migrate": None}, "2.1"), ({"migrate": {"host": "compute-3"}}, "2.56"),
                               ({"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.68"),
                               ({"os-migrateLive": {"host": "compute-4", "block_migration": "auto"}}, "2.68")):
        status, _ignored, reply = _action(cloud, "aff-1", body, microversion)
        assert status == 202, reply
        assert _settled_migration(cloud, "aff-1")["status"] == "error"
        assert _fault(cloud, "aff-1") == NO_VALID_HOST
    assert _host_of(cloud, "aff-1") == "compute-2"


def test_a_lone_affinity_member_is_held_by_its_own_host(cloud):
    # Nova counts the moving server's own host among the group's hosts: even alone it cannot leave
    _action(cloud, "alone-1", {"migrate": None}, "2.1")
    assert _settled_migration(cloud, "alone-1")["status"] == "error"


# soft policies ---------------------------------------------------------------------------------------------------
def test_soft_policies_weigh_but_never_refuse(cloud):
    # soft-aff-1 (compute-1) prefers compute-4, where soft-aff-2 is
    _action(cloud, "soft-aff-1", {"migrate": None}, "2.1")
    assert _settled_migration(cloud, "soft-aff-1")["status"] == "finished"
    assert _host_of(cloud, "soft-aff-1") == "compute-4"
    # soft-anti-1 (compute-1) sent to soft-anti-2's host: accepted
    _action(cloud, "soft-anti-1", {"os-migrateLive": {"host": "compute-2", "block_migration": "auto"}}, "2.68")
    assert _settled_migration(cloud, "soft-anti-1")["status"] == "completed"
    assert _host_of(cloud, "soft-anti-1") == "compute-2"
    # scheduled with only the peer's host left (compute-2): placed there all the same
    _disable(cloud, "compute-3", "compute-4")
    _action(cloud, "soft-anti-1", {"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.68")
    assert _settled_migration(cloud, "soft-anti-1")["status"] == "completed"
    assert _host_of(cloud, "soft-anti-1") == "compute-1"
    _action(cloud, "soft-anti-1", {"migrate": None}, "2.1")
    assert _settled_migration(cloud, "soft-anti-1")["status"] == "finished"
    assert _host_of(cloud, "soft-anti-1") == "compute-2"


def test_soft_anti_affinity_spreads_on_boot(cloud, admin):
    soft = _group_id(cloud, "soft-anti")
    body = {"server": {"name": "soft-anti-3", "flavorRef": "1", "networks": "none"},
            "os:scheduler_hints": {"group": soft}}
    _status, _ignored, created = cloud.compute("POST", "/servers", body, microversion="2.37")
    server = wait_status(admin, admin.compute.get_server(created["server"]["id"]), "ACTIVE")
    assert server.compute_host in ("compute-3", "compute-4")


def test_state_shows_the_groups(cloud):
    groups = {g["name"]: g for g in cloud.state()["server_groups"]}
    assert groups["anti-two"]["rules"] == {"max_server_per_host": 2}
    assert groups["anti"]["members"] == [cloud.server_id("anti-1"), cloud.server_id("anti-2")]
    assert groups["aff"]["policy"] == "affinity"
