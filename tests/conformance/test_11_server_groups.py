"""Server groups: the os-server-groups API per microversion, the group on a server (2.71, 2.100), and moves the
group filters refuse or place. The forced moves come last: Nova leaves their servers in ERROR."""

import json
import urllib.request

import pytest

from conformance.harness import UNKNOWN_UUID, capped
from conformance.scenarios import settled, watch

SERVER_MV = capped("2.96")
FINAL = ("finished", "completed", "error", "failed", "done", "confirmed")


def _sorted_members(body):
    """Nova lists a group's members in no particular order: sorted once they are names."""
    if isinstance(body, dict):
        return {key: sorted(value) if key == "members" and isinstance(value, list) else _sorted_members(value)
                for key, value in body.items()}
    if isinstance(body, list):
        return [_sorted_members(item) for item in body]
    return body


def _groups(conformance, name, path, mv, cloud="mock-admin"):
    def observe(backend):
        reply = backend.call("GET", path, mv=mv, cloud=cloud)
        return _sorted_members(backend.names.normalize({"status": reply.status, "body": reply.body}))
    conformance.compare(name, observe)


def _where(body):
    """Where the server is and what went wrong, without the fault's traceback (a real one on Nova)."""
    server = body.get("server") if isinstance(body, dict) else None
    if not server:
        return body
    fault = server.get("fault")
    return {"host": server["OS-EXT-SRV-ATTR:host"], "status": server["status"],
            "task_state": server["OS-EXT-STS:task_state"], "vm_state": server["OS-EXT-STS:vm_state"],
            "fault": fault and {"code": fault["code"], "message": fault["message"]}}


def _newest_action(backend, server):
    listed = backend.call("GET", "/servers/{server:%s}/os-instance-actions" % server, mv="2.84").body
    request_id = listed["instanceActions"][0]["request_id"]
    shown = backend.call("GET", "/servers/{server:%s}/os-instance-actions/%s" % (server, request_id), mv="2.84")
    return backend.names.normalize(shown.body)


def _action(server, body, mv, expect=(202,)):
    def start(backend):
        reply = backend.call("POST", "/servers/{server:%s}/action" % server, body, mv=mv)
        assert reply.status in expect, (backend.name, reply.status, reply.body)
        return reply.status
    return start


def _settled(body, migration):
    """The move ended, one way or the other."""
    return migration is not None and migration["status"] in FINAL and not body["OS-EXT-STS:task_state"]


def _outcome(conformance, prefix, server):
    """The server, its migrations and the instance action the move left."""
    conformance.request(prefix + ".server", "GET", "/servers/{server:%s}" % server, mv=SERVER_MV, view=_where)
    conformance.learn_migrations()
    conformance.request(prefix + ".migrations", "GET", "/os-migrations?instance_uuid={server:%s}" % server, mv="2.80")
    conformance.compare(prefix + ".action", _newest_action, server)


# the API -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mv", ["2.1", "2.13", "2.15", "2.64", "2.75"])
def test_list_and_show_per_microversion(conformance, mv):
    _groups(conformance, "groups.list-all@" + mv, "/os-server-groups?all_projects=True", mv)
    _groups(conformance, "groups.show@" + mv, "/os-server-groups/{server-group:anti-two}", mv)


@pytest.mark.parametrize(("name", "path", "mv", "cloud"), [
    ("own-project", "/os-server-groups", "2.64", "mock-admin"),
    ("paged", "/os-server-groups?all_projects=1&limit=2&offset=1", "2.64", "mock-admin"),
    ("member-all-projects", "/os-server-groups?all_projects=True", "2.64", "mock-member"),
    ("member-other-project", "/os-server-groups/{server-group:admin-empty}", "2.64", "mock-member"),
    ("unknown", "/os-server-groups/" + UNKNOWN_UUID, "2.64", "mock-admin"),
    ("unknown-param@2.75", "/os-server-groups?sort=name", "2.75", "mock-admin"),
    ("unknown-param@2.74", "/os-server-groups?sort=name", "2.74", "mock-admin"),
    ("negative-limit", "/os-server-groups?limit=-1", "2.64", "mock-admin"),
    ("show-query@2.102", "/os-server-groups/{server-group:anti}?x=1", "2.102", "mock-admin"),
])
def test_list_and_show_cases(conformance, name, path, mv, cloud):
    _groups(conformance, "groups." + name, path, mv, cloud)


@pytest.mark.parametrize(("name", "mv", "group"), [
    ("soft-before-2.15", "2.1", {"name": "x", "policies": ["soft-affinity"]}),
    ("no-policy", "2.15", {"name": "x", "policies": []}),
    ("twice", "2.15", {"name": "x", "policies": ["affinity", "affinity"]}),
    ("two-policies", "2.15", {"name": "x", "policies": ["affinity", "anti-affinity"]}),
    ("policies-missing", "2.15", {"name": "x"}),
    ("policies@2.64", "2.64", {"name": "x", "policies": ["affinity"]}),
    ("unknown-policy", "2.64", {"name": "x", "policy": "best-effort"}),
    ("rules-for-affinity", "2.64", {"name": "x", "policy": "affinity", "rules": {"max_server_per_host": 2}}),
    ("rule-zero", "2.64", {"name": "x", "policy": "anti-affinity", "rules": {"max_server_per_host": 0}}),
    ("rule-text", "2.64", {"name": "x", "policy": "anti-affinity", "rules": {"max_server_per_host": "many"}}),
    ("unknown-rule", "2.64", {"name": "x", "policy": "anti-affinity", "rules": {"spread": 2}}),
    ("name-spaces", "2.64", {"name": " x", "policy": "affinity"}),
    ("name-empty", "2.64", {"name": "", "policy": "affinity"}),
])
def test_create_refused(conformance, name, mv, group):
    conformance.request("groups.create." + name, "POST", "/os-server-groups", {"server_group": group}, mv=mv)


@pytest.mark.parametrize(("name", "mv", "group", "cloud"), [
    ("policies@2.1", "2.1", {"name": "made", "policies": ["affinity"]}, "mock-admin"),
    ("policies@2.13", "2.13", {"name": "made", "policies": ["anti-affinity"]}, "mock-admin"),
    ("rules-as-text", "2.64", {"name": "made", "policy": "anti-affinity", "rules": {"max_server_per_host": "3"}},
     "mock-admin"),
    ("empty-rules", "2.64", {"name": "made", "policy": "affinity", "rules": {}}, "mock-admin"),
    ("member", "2.64", {"name": "made", "policy": "soft-affinity"}, "mock-member"),
])
def test_create_then_delete(conformance, name, mv, group, cloud):
    def observe(backend):
        created = backend.call("POST", "/os-server-groups", {"server_group": group}, mv=mv, cloud=cloud)
        shown = backend.call("GET", "/os-server-groups/%s" % created.body["server_group"]["id"], mv="2.64",
                             cloud=cloud)
        deleted = backend.call("DELETE", "/os-server-groups/%s" % created.body["server_group"]["id"], cloud=cloud)
        gone = backend.call("GET", "/os-server-groups/%s" % created.body["server_group"]["id"], cloud=cloud)
        return backend.names.normalize({"create": [created.status, created.body], "show": [shown.status, shown.body],
                                        "delete": [deleted.status, deleted.body], "gone": gone.status})
    conformance.compare("groups.create-delete." + name, observe)


@pytest.mark.parametrize("mv", ["2.70", "2.71", "2.100"])
def test_the_group_on_a_server(conformance, mv):
    conformance.request("servers.groups.show@" + mv, "GET", "/servers/{server:anti-1}", mv=mv)
    conformance.request("servers.groups.detail@" + mv, "GET", "/servers/detail?all_tenants=1&name=^two-", mv=mv)


@pytest.mark.parametrize(("name", "group", "cloud"), [
    ("not-a-uuid", "not-a-uuid", "mock-admin"),
    ("unknown", UNKNOWN_UUID, "mock-admin"),
    ("other-project", "{server-group:admin-empty}", "mock-member"),
])
def test_boot_with_a_group_refused(conformance, name, group, cloud):
    def observe(backend):
        hint = backend.path(group) if group.startswith("{") else group
        body = {"server": {"name": "refused", "flavorRef": "1", "networks": "none",
                           "imageRef": "a440c04b-79fa-479c-bed1-0b816eaec379"},
                "os:scheduler_hints": {"group": hint}}
        reply = backend.call("POST", "/servers", body, mv="2.37", cloud=cloud)
        return backend.names.normalize({"status": reply.status, "body": reply.body})
    conformance.compare("groups.boot." + name, observe)


# moves -----------------------------------------------------------------------------------------------------
def test_anti_affinity_refuses_the_peers_host(conformance):
    # anti-1 (compute-1) to compute-3, where anti-2 runs: the scheduler refuses it cold and live
    conformance.sequence("groups.anti.cold.sequence", watch, "anti-1", _settled,
                         start=_action("anti-1", {"migrate": {"host": "compute-3"}}, "2.56"))
    _outcome(conformance, "groups.anti.cold", "anti-1")
    conformance.sequence("groups.anti.live.sequence", watch, "anti-1", _settled,
                         start=_action("anti-1", {"os-migrateLive": {"host": "compute-3", "block_migration": "auto"}},
                                       "2.80"))
    _outcome(conformance, "groups.anti.live", "anti-1")
    conformance.request("groups.anti.live@2.30", "POST", "/servers/{server:anti-1}/action",
                        {"os-migrateLive": {"host": "compute-3", "block_migration": "auto", "force": False}}, mv="2.30")


def test_max_server_per_host_lets_two_share(conformance):
    conformance.sequence("groups.anti-two.live.sequence", watch, "two-1", _settled,
                         start=_action("two-1", {"os-migrateLive": {"host": "compute-3", "block_migration": "auto"}},
                                       "2.80"))
    conformance.request("groups.anti-two.live.server", "GET", "/servers/{server:two-1}", mv=SERVER_MV, view=_where)


def test_a_hard_affinity_member_cannot_move_alone(conformance):
    # the group's host is compute-2, which the scheduler never offers a server leaving it
    conformance.sequence("groups.aff.cold.sequence", watch, "aff-1", _settled,
                         start=_action("aff-1", {"migrate": None}, "2.1"))
    _outcome(conformance, "groups.aff.cold", "aff-1")
    conformance.sequence("groups.aff.live.sequence", watch, "aff-1", _settled,
                         start=_action("aff-1", {"os-migrateLive": {"host": "compute-1", "block_migration": "auto"}},
                                       "2.80"))
    _outcome(conformance, "groups.aff.live", "aff-1")


def test_a_deleted_group_holds_its_members_no_more(conformance):
    def delete(backend):
        reply = backend.call("DELETE", "/os-server-groups/{server-group:aff}")
        return {"status": reply.status, "body": reply.body}
    conformance.compare("groups.aff.delete", delete)
    conformance.request("servers.groups.deleted@2.71", "GET", "/servers/{server:aff-2}", mv="2.71",
                        view=lambda body: body.get("server", {}).get("server_groups", body))
    conformance.sequence("groups.aff-deleted.live.sequence", watch, "aff-2", _settled,
                         start=_action("aff-2", {"os-migrateLive": {"host": "compute-1", "block_migration": "auto"}},
                                       "2.80"))
    _outcome(conformance, "groups.aff-deleted.live", "aff-2")


def test_soft_anti_affinity_never_refuses(conformance):
    # soft-1 (compute-1) to soft-2's host: a weigher's preference, never a refusal
    conformance.sequence("groups.soft.live.sequence", watch, "soft-1", settled("ACTIVE"),
                         start=_action("soft-1", {"os-migrateLive": {"host": "compute-2", "block_migration": "auto"}},
                                       "2.80"))
    conformance.request("groups.soft.live.server", "GET", "/servers/{server:soft-1}", mv=SERVER_MV, view=_where)


def test_forced_live_migration_meets_the_destinations_check(conformance):
    # force (2.30 to 2.67) skips the scheduler; the destination's own group check fails and the server is in ERROR
    conformance.sequence("groups.anti.forced-live.sequence", watch, "anti-1", _settled,
                         start=_action("anti-1", {"os-migrateLive": {"host": "compute-3", "block_migration": "auto",
                                                                     "force": True}}, "2.67"))
    _outcome(conformance, "groups.anti.forced-live", "anti-1")


def test_forced_live_migration_below_2_34_is_an_unexpected_error(conformance):
    # below 2.34 the conductor answers the API, which does not expect its MigrationError: a 500, the server in ERROR
    # (the conductor's event name below 2.34 is not compared: see the mock's README)
    conformance.request("groups.anti.forced-live@2.30", "POST", "/servers/{server:anti-2}/action",
                        {"os-migrateLive": {"host": "compute-1", "block_migration": "auto", "force": True}}, mv="2.30")
    conformance.request("groups.anti.forced-live@2.30.server", "GET", "/servers/{server:anti-2}", mv=SERVER_MV,
                        view=_where)
    conformance.learn_migrations()
    conformance.request("groups.anti.forced-live@2.30.migrations", "GET",
                        "/os-migrations?instance_uuid={server:anti-2}", mv="2.80")


def _mock_faults(backend, method, path="", body=None):
    """The /mock/faults API both backends share (nova-in-a-box serves its service_down kind)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(backend.url + "/mock/faults" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


@pytest.fixture
def compute_3_down(conformance):
    faults = {backend.name: _mock_faults(backend, "POST", body={"kind": "service_down", "host": "compute-3"})
              for backend in conformance.backends}
    yield
    for backend in conformance.backends:
        _mock_faults(backend, "DELETE", "/%s" % faults[backend.name]["id"])


def test_forced_evacuation_meets_the_destinations_check(conformance, compute_3_down):
    # anti-2 (in ERROR since the test above) leaves a down compute-3 for compute-1, where anti-1 (in ERROR too) is
    conformance.sequence("groups.anti.forced-evacuate.sequence", watch, "anti-2", _settled,
                         start=_action("anti-2", {"evacuate": {"host": "compute-1", "force": True}}, "2.67",
                                       expect=(200,)))
    _outcome(conformance, "groups.anti.forced-evacuate", "anti-2")
