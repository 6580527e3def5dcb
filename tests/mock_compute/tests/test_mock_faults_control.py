"""Fault injection, the blueprint extensions and the rest of the control API."""

import time

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status


def _migrations(mock_cloud, server_id):
    return [m for m in mock_cloud.state()["migrations"] if m["instance_uuid"] == server_id]


def _newest_status(mock_cloud, server_id):
    # None until the conductor has created the record (a moment after the API answered)
    records = _migrations(mock_cloud, server_id)
    return records[-1]["status"] if records else None


def _server(mock_cloud, server_id):
    return next(s for s in mock_cloud.state()["servers"] if s["uuid"] == server_id)


@pytest.mark.parametrize("phase", ["pre-migrating", "migrating", "post-migrating"])
def test_migration_error_rolls_cold_migration_back(mock_cloud, admin_conn, phase):
    fault = mock_cloud.add_fault("migration_error", server="web-1", phase=phase, message="disk copy failed")
    assert fault["kind"] == "migration_error" and fault["count"] == 1
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    wait_for(lambda: _newest_status(mock_cloud, server.id) == "error")
    back = wait_status(admin_conn, server, "ACTIVE")
    assert back.compute_host == "compute-1" and back.power_state == 1
    assert _server(mock_cloud, server.id)["fault"]["message"] == "disk copy failed"
    action = next(iter(admin_conn.compute.server_actions(server)))
    assert (action.action, action.message) == ("migrate", "Error")
    assert mock_cloud.faults() == []                                  # count 1: consumed
    # Nothing leaks in placement: compute-1 holds exactly its three servers again.
    usage = next(h for h in mock_cloud.state()["hosts"] if h["name"] == "compute-1")["usage"]
    assert usage == {"vcpus": 4, "memory_mb": 8192, "disk_gb": 80}


def test_migration_error_during_live_migration(mock_cloud, admin_conn):
    mock_cloud.add_fault("migration_error", phase="running")
    server = find_server(admin_conn, "cache-1")
    admin_conn.compute.live_migrate_server(server, block_migration="auto")
    wait_for(lambda: _newest_status(mock_cloud, server.id) == "failed")
    back = wait_status(admin_conn, server, "PAUSED")
    assert back.compute_host == "compute-2"


def test_no_valid_host(mock_cloud, admin_conn):
    mock_cloud.add_fault("no_valid_host", count=2)
    for name in ("web-1", "api-1"):
        server = find_server(admin_conn, name)
        admin_conn.compute.migrate_server(server)
        wait_for(lambda s=server: _newest_status(mock_cloud, s.id) == "error")
        # the record fails first; the conductor then resets the server and records the fault
        fault = wait_for(lambda s=server: _server(mock_cloud, s.id)["fault"])
        assert fault["message"] == "No valid host was found. There are not enough hosts available."
        assert wait_status(admin_conn, server, "ACTIVE").compute_host == server.compute_host
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)                          # faults used up: works again
    assert wait_status(admin_conn, server, "VERIFY_RESIZE").compute_host != "compute-1"


def test_http_error_count_route_and_method(mock_cloud, admin_conn):
    before = mock_cloud.state()
    fault = mock_cloud.add_fault("http_error", status=503, count=2, method="GET", route="/v2.1/servers/{server_id}")
    server_id = mock_cloud.server_id("web-1")
    for _ignored in range(2):
        status, headers, body = mock_cloud.compute("GET", "/servers/%s" % server_id, microversion="2.60")
        assert status == 503
        assert nova_error(body) == ("serviceUnavailable", 503, "The server is currently unavailable. Please try "
                                                               "again at a later time.")
        assert headers["OpenStack-API-Version"] == "compute 2.60"
    assert mock_cloud.compute("GET", "/servers/%s" % server_id)[0] == 200
    assert mock_cloud.compute("GET", "/servers/detail")[0] == 200           # other routes were never affected
    assert fault["id"] not in [f["id"] for f in mock_cloud.faults()]
    after = mock_cloud.state()
    assert after["servers"] == before["servers"] and after["migrations"] == before["migrations"]

    mock_cloud.add_fault("http_error", status=500, count=1, route="/v2.1/servers/{server_id}/action")
    server = find_server(admin_conn, "web-1")
    with pytest.raises(openstack.exceptions.HttpException) as raised:
        admin_conn.compute.migrate_server(server)
    assert raised.value.status_code == 500
    assert admin_conn.compute.get_server(server).status == "ACTIVE"      # the failed request changed nothing


def test_http_error_fraction_is_reproducible(mock_cloud):
    outcomes = []
    for _ignored in range(2):
        mock_cloud.reset()
        mock_cloud.add_fault("http_error", status=429, fraction=0.3, seed=7, route="/v2.1/flavors")
        outcomes.append([mock_cloud.compute("GET", "/flavors")[0] for _ignored in range(60)])
    assert outcomes[0] == outcomes[1]
    failures = outcomes[0].count(429)
    assert 6 <= failures <= 36, failures
    assert set(outcomes[0]) == {200, 429}
    faults = mock_cloud.faults()
    assert faults[0]["fraction"] == 0.3 and faults[0]["fired"] == failures


def test_migration_stuck_until_fault_removed(mock_cloud, admin_conn):
    fault = mock_cloud.add_fault("migration_stuck", server="web-1", phase="migrating")
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    wait_for(lambda: _newest_status(mock_cloud, server.id) == "migrating")
    mock_cloud.config(migration_seconds=0.1)
    wait_for(lambda: mock_cloud.state()["active_workflows"] == 1)
    time.sleep(0.5)
    assert _newest_status(mock_cloud, server.id) == "migrating"
    mock_cloud.delete_fault(fault["id"])
    assert wait_status(admin_conn, server, "VERIFY_RESIZE").compute_host != "compute-1"


def test_service_down_fault(mock_cloud, admin_conn):
    mock_cloud.add_fault("service_down", host="compute-2")
    service = next(admin_conn.compute.services(host="compute-2", binary="nova-compute"))
    assert (service.state, service.is_forced_down) == ("down", False)
    hypervisor = next(h for h in admin_conn.compute.hypervisors() if h.name == "compute-2")
    assert hypervisor.state == "down"
    assert find_server(admin_conn, "app-locked").host_status == "UNKNOWN"
    # compute-2 is never picked as a destination while down.
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server, host="compute-2")
    wait_for(lambda: _newest_status(mock_cloud, server.id) == "error")
    mock_cloud.clear_faults()
    assert next(admin_conn.compute.services(host="compute-2", binary="nova-compute")).state == "up"


def test_fault_validation(mock_cloud):
    for spec in ({"kind": "nope"}, {"kind": "http_error"}, {"kind": "http_error", "status": 200},
                 {"kind": "http_error", "status": 503, "count": 1, "fraction": 0.5},
                 {"kind": "migration_error", "phase": "dancing"}, {"kind": "service_down", "host": "compute-99"},
                 {"kind": "no_valid_host", "count": 0}, {"kind": "migration_stuck", "colour": "red"}):
        status, _ignored, body = mock_cloud.request("POST", "/mock/faults", spec)
        assert status == 400 and body["error"]["message"], spec
    assert mock_cloud.request("DELETE", "/mock/faults/fault-999")[0] == 404


@pytest.mark.parametrize("extension", [False, True])
def test_cold_migration_force_extension(mock_cloud, admin_conn, extension):
    if extension:
        mock_cloud.config(extensions=["cold-migration-force"])
    service = next(admin_conn.compute.services(host="compute-3", binary="nova-compute"))
    admin_conn.compute.disable_service(service)
    server_id = mock_cloud.server_id("web-1")

    def migrate(body):
        return mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"migrate": body}, microversion="2.56")

    status, _ignored, body = migrate({"host": "compute-3", "force": True})
    if not extension:
        assert status == 400 and "('force' was unexpected)" in nova_error(body)[2]
        return
    assert status == 202
    # force skips the scheduler: the disabled host is accepted.
    wait_for(lambda: _server(mock_cloud, server_id)["status"] == "VERIFY_RESIZE")
    assert _server(mock_cloud, server_id)["host"] == "compute-3"
    mock_cloud.reset()
    mock_cloud.config(extensions=["cold-migration-force"])
    status, _ignored, body = migrate({"force": True})
    assert (status, nova_error(body)[2]) == (400, "Can't force to a non-provided destination")
    status, _ignored, body = migrate({"host": "compute-1", "force": "yes"})
    assert (status, nova_error(body)[2]) == (400, "Cannot migrate to the host where the server exists.")
    status, _ignored, body = migrate({"host": "compute-99", "force": True})
    assert status == 400 and nova_error(body)[2] == "Compute host compute-99 could not be found."
    status, _ignored, body = migrate({"host": "compute-2", "force": "maybe"})
    assert status == 400 and "'maybe' is not one of" in nova_error(body)[2]


@pytest.mark.parametrize("extension", [False, True])
def test_all_migration_types_extension(mock_cloud, admin_conn, extension):
    if extension:
        mock_cloud.config(extensions=["all-migration-types"])
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="migrating")
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    wait_for(lambda: _newest_status(mock_cloud, server.id) == "migrating")
    migration_id = _migrations(mock_cloud, server.id)[-1]["id"]
    path = "/servers/%s/migrations" % server.id
    status, _ignored, listing = mock_cloud.compute("GET", path, microversion="2.80")
    status_show, _ignored, shown = mock_cloud.compute("GET", "%s/%d" % (path, migration_id), microversion="2.80")
    if not extension:
        assert listing == {"migrations": []}
        assert (status_show, nova_error(shown)[2]) == (
            404, "Migration %d for server %s is not live-migration." % (migration_id, server.id))
        assert mock_cloud.compute("GET", path + "?type=migration", microversion="2.80")[0] == 200
        return
    item = listing["migrations"][0]
    assert item["type"] == "migration" and "status" not in item and item["id"] == migration_id
    assert status_show == 200 and shown["migration"]["type"] == "migration"
    assert mock_cloud.compute("GET", path + "?type=live-migration", microversion="2.80")[2] == {"migrations": []}
    assert len(mock_cloud.compute("GET", path + "?type=migration", microversion="2.80")[2]["migrations"]) == 1
    status, _ignored, body = mock_cloud.compute("GET", path + "?type=cold", microversion="2.80")
    assert status == 400 and "'cold' is not one of" in nova_error(body)[2]
    # all-migration-types: force-complete of a non-live migration is a 400 (here the server is not MIGRATING: 409 first).
    status, _ignored, body = mock_cloud.compute("POST", "%s/%d/action" % (path, migration_id), {"force_complete": None},
                                                microversion="2.80")
    assert status == 409 and "task_state resize_migrating" in nova_error(body)[2]


def test_reset_counters_state_and_config(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    mock_cloud.reset_counters()
    admin_conn.compute.get_server(server)
    mock_cloud.request("GET", "/v2.1/")
    counters = mock_cloud.counters()
    assert counters["by_route"]["GET /v2.1/servers/{server_id}"] == 1
    assert counters["by_route"]["GET /v2.1/"] == 1
    assert counters["total"] == sum(counters["by_route"].values())
    assert not any(key.startswith(("GET /mock", "POST /mock")) for key in counters["by_route"])

    # the conductor's record comes a moment after the 202, as in Nova
    wait_for(lambda: mock_cloud.state()["migrations"], message="the migration record")
    state = mock_cloud.state()
    assert {"config", "hosts", "servers", "migrations", "faults", "allocations"} <= set(state)
    assert state["migrations"]
    mock_cloud.reset()
    state = mock_cloud.state()
    assert state["migrations"] == [] and mock_cloud.counters()["total"] == 0
    assert next(s for s in state["servers"] if s["name"] == "web-1")["host"] == "compute-1"

    assert mock_cloud.config(migration_seconds=0.5)["migration_seconds"] == 0.5
    for bad in ({"migration_seconds": -1}, {"extensions": ["nope"]}, {"max_microversion": "3.0"}, {"colour": 1}):
        status, _ignored, body = mock_cloud.request("PATCH", "/mock/config", bad)
        assert status == 400 and body["error"]["message"], bad
    mock_cloud.reset()
    assert mock_cloud.config()["migration_seconds"] == 0.3              # reset restores the startup config
