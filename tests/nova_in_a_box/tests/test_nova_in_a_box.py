"""nova-in-a-box through openstacksdk and the openstack CLI: hosts, servers, migrations, services and the knobs.

One harness serves the module (started by the ``nova_box`` fixture); the SIGTERM test runs last and stops it.
"""

import os
import signal
import socket
import subprocess
import time

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

COMPUTES = ["compute-1", "compute-2", "compute-3", "compute-4"]
DEMO = {"web-1": ("compute-1", "ACTIVE"), "web-2": ("compute-1", "SHUTOFF"), "db-1": ("compute-1", "ACTIVE"),
        "cache-1": ("compute-2", "PAUSED"), "app-locked": ("compute-2", "ACTIVE"),
        "owner-locked": ("compute-4", "ACTIVE"), "broken-1": ("compute-3", "ERROR"),
        "batch-1": ("compute-3", "SHUTOFF"), "api-1": ("compute-4", "ACTIVE")}
UNAVAILABLE = "Service is unavailable at this time."


def server_by_name(conn, name):
    status, body = call(conn, "GET", "/servers/detail?all_tenants=1&name=%s" % name, microversion="2.73")
    assert status == 200, body
    matches = [s for s in body["servers"] if s["name"] == name]
    assert len(matches) == 1, matches
    return matches[0]


def call(conn, method, path, body=None, microversion="2.1"):
    response = conn.compute.request(path, method, json=body, microversion=microversion, raise_exc=False)
    try:
        payload = response.json() if response.content else None
    except ValueError:
        payload = response.text
    return response.status_code, payload


def wait_server(conn, server_id, done, timeout=30.0):
    """Poll until ``done(server)``; returns (server, statuses seen on the way)."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        status, body = call(conn, "GET", "/servers/%s" % server_id, microversion="2.73")
        assert status == 200, body
        server = body["server"]
        state = (server["status"], server.get("OS-EXT-STS:task_state"))
        if not seen or seen[-1] != state:
            seen.append(state)
        if done(server):
            return server, seen
        assert time.monotonic() < deadline, "server %s still %s after %.0f s (seen %s)" % (
            server["name"], state, timeout, seen)
        time.sleep(0.05)


def settled(status):
    return lambda s: s["status"] == status and not s.get("OS-EXT-STS:task_state")


def migrations_of(conn, server_id, microversion="2.80"):
    status, body = call(conn, "GET", "/os-migrations?instance_uuid=%s" % server_id, microversion=microversion)
    assert status == 200, body
    return body["migrations"]


def wait_migration(conn, server_id, wanted, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        found = migrations_of(conn, server_id)
        if found and found[0]["status"] == wanted:
            return found[0]
        assert time.monotonic() < deadline, "migration of %s not %s: %s" % (server_id, wanted, found)
        time.sleep(0.1)


def host_of(server):
    return server["OS-EXT-SRV-ATTR:host"]


# ---------------------------------------------------------------------------------------------------------------
def test_lists_hosts_services_and_servers(admin, member):
    services = list(admin.compute.services())
    computes = sorted(s.host for s in services if s.binary == "nova-compute")
    assert computes == COMPUTES
    assert all(s.state == "up" and s.status == "enabled" for s in services)
    assert {s.host for s in services if s.binary in ("nova-conductor", "nova-scheduler")} == {"controller"}
    assert sorted(h.name for h in admin.compute.hypervisors()) == COMPUTES

    servers = {s.name: s for s in admin.compute.servers(all_projects=True)}
    assert {name: (s.compute_host, s.status) for name, s in servers.items()} == DEMO
    locked = server_by_name(admin, "app-locked")
    assert locked["locked"] is True and locked["locked_reason"] == "do not touch: licence bound"

    mine = {s.name for s in member.compute.servers()}
    assert mine == {"web-1", "web-2", "cache-1", "app-locked", "owner-locked", "broken-1"}


def test_placement_over_http_with_real_roles(admin, member):
    response = admin.placement.get("/resource_providers", microversion="1.14")
    assert response.status_code == 200, response.text
    providers = {p["name"]: p["uuid"] for p in response.json()["resource_providers"]}
    assert sorted(providers) == COMPUTES
    response = admin.placement.get("/resource_providers/%s/inventories" % providers["compute-1"])
    inventory = response.json()["inventories"]
    assert (inventory["VCPU"]["total"], inventory["VCPU"]["allocation_ratio"]) == (16, 4.0)
    assert (inventory["MEMORY_MB"]["total"], inventory["MEMORY_MB"]["reserved"]) == (32768, 512)
    web = admin.compute.find_server("web-1", all_projects=True)
    response = admin.placement.get("/allocations/%s" % web.id)
    assert response.status_code == 200 and response.json()["allocations"], response.text
    assert member.placement.get("/resource_providers", raise_exc=False).status_code == 403


def test_member_gets_nova_default_policies(member):
    web = member.compute.find_server("web-1")
    status, body = call(member, "POST", "/servers/%s/action" % web.id, {"migrate": None})
    assert status == 403, body
    status, body = call(member, "GET", "/os-migrations")
    assert status == 403, body


def test_cold_migration_to_named_host_reaches_verify_resize_and_confirms(admin):
    server = server_by_name(admin, "web-1")
    status, body = call(admin, "POST", "/servers/%s/action" % server["id"], {"migrate": {"host": "compute-2"}},
                        microversion="2.56")
    assert status == 202, body
    started = time.monotonic()
    resized, seen = wait_server(admin, server["id"], settled("VERIFY_RESIZE"))
    elapsed = time.monotonic() - started
    assert host_of(resized) == "compute-2"
    assert ("RESIZE", "resize_migrating") in seen, seen          # the fake hypervisor's 0.5 s are observable
    assert elapsed < 15, elapsed
    migration = migrations_of(admin, server["id"])[0]
    assert (migration["migration_type"], migration["status"], migration["source_compute"],
            migration["dest_compute"]) == ("migration", "finished", "compute-1", "compute-2")

    status, body = call(admin, "POST", "/servers/%s/action" % server["id"], {"confirmResize": None})
    assert status == 204, body
    confirmed = wait_server(admin, server["id"], settled("ACTIVE"))[0]
    assert host_of(confirmed) == "compute-2"
    assert wait_migration(admin, server["id"], "confirmed")["dest_compute"] == "compute-2"


def test_live_migration_to_named_host(admin):
    server = server_by_name(admin, "api-1")
    status, body = call(admin, "POST", "/servers/%s/action" % server["id"],
                        {"os-migrateLive": {"host": "compute-3", "block_migration": "auto"}}, microversion="2.30")
    assert status == 202, body
    seen = wait_server(admin, server["id"], lambda s: host_of(s) == "compute-3" and settled("ACTIVE")(s))[1]
    assert ("MIGRATING", "migrating") in seen, seen
    migration = wait_migration(admin, server["id"], "completed")
    assert (migration["migration_type"], migration["source_compute"], migration["dest_compute"]) == \
        ("live-migration", "compute-4", "compute-3")


def test_os_migrations_filters(admin):
    status, body = call(admin, "GET", "/os-migrations?migration_type=live-migration", microversion="2.80")
    assert status == 200, body
    assert body["migrations"] and {m["migration_type"] for m in body["migrations"]} == {"live-migration"}
    status, body = call(admin, "GET", "/os-migrations?source_compute=compute-1", microversion="2.80")
    assert status == 200, body
    assert {m["source_compute"] for m in body["migrations"]} == {"compute-1"}
    status, body = call(admin, "GET", "/os-migrations?migration_type=bogus", microversion="2.80")
    assert (status, body["migrations"]) == (200, [])             # Nova filters on it without validating it


def test_disable_and_enable_a_service_with_a_reason(admin):
    status, body = call(admin, "GET", "/os-services?binary=nova-compute&host=compute-4", microversion="2.53")
    assert status == 200, body
    service_id = body["services"][0]["id"]
    status, body = call(admin, "PUT", "/os-services/%s" % service_id,
                        {"status": "disabled", "disabled_reason": "maintenance window"}, microversion="2.53")
    assert status == 200, body
    assert (body["service"]["status"], body["service"]["disabled_reason"]) == ("disabled", "maintenance window")
    status, body = call(admin, "GET", "/os-services?host=compute-4", microversion="2.53")
    assert body["services"][0]["disabled_reason"] == "maintenance window"
    status, body = call(admin, "PUT", "/os-services/%s" % service_id, {"status": "enabled"}, microversion="2.53")
    assert status == 200, body
    assert (body["service"]["status"], body["service"]["disabled_reason"]) == ("enabled", None)


def test_service_down_knob_gives_409_and_comes_back(nova_box, admin):
    server = server_by_name(admin, "batch-1")
    status, state = nova_box.service_down("compute-3")
    assert status == 200 and state["state"] == "down", state
    status, body = call(admin, "GET", "/os-services?binary=nova-compute&host=compute-3", microversion="2.53")
    assert (body["services"][0]["state"], body["services"][0]["forced_down"]) == ("down", False)

    status, body = call(admin, "POST", "/servers/%s/action" % server["id"], {"migrate": None}, microversion="2.56")
    assert status == 409, body
    assert body["conflictingRequest"]["message"] == UNAVAILABLE

    status, state = nova_box.service_up("compute-3")            # a restart of that nova-compute
    assert status == 200 and state["state"] == "up", state
    status, body = call(admin, "POST", "/servers/%s/action" % server["id"], {"migrate": {"host": "compute-1"}},
                        microversion="2.56")
    assert status == 202, body
    wait_server(admin, server["id"], settled("VERIFY_RESIZE"))
    assert call(admin, "POST", "/servers/%s/action" % server["id"], {"revertResize": None})[0] == 202
    reverted = wait_server(admin, server["id"], settled("SHUTOFF"))[0]
    assert host_of(reverted) == "compute-3"


def test_mock_fault_api_subset(nova_box, admin):
    status, fault = nova_box.control("POST", "/mock/faults", {"kind": "service_down", "host": "compute-2"})
    assert status == 201, fault
    status, body = call(admin, "GET", "/os-services?binary=nova-compute&host=compute-2", microversion="2.53")
    assert body["services"][0]["state"] == "down"
    assert nova_box.control("POST", "/mock/faults", {"kind": "http_error", "status": 500})[0] == 400
    assert nova_box.control("DELETE", "/mock/faults/%s" % fault["id"])[0] == 204
    status, body = call(admin, "GET", "/os-services?binary=nova-compute&host=compute-2", microversion="2.53")
    assert body["services"][0]["state"] == "up"


def test_auto_confirm_through_resize_confirm_window(nova_box, admin):
    assert nova_box.control("PATCH", "/control/config", {"resize_confirm_window": 1})[0] == 200
    try:
        server = server_by_name(admin, "web-2")                    # SHUTOFF on compute-1
        status, body = call(admin, "POST", "/servers/%s/action" % server["id"], {"migrate": {"host": "compute-4"}},
                            microversion="2.56")
        assert status == 202, body
        seen = wait_server(admin, server["id"], lambda s: settled("SHUTOFF")(s) and host_of(s) == "compute-4")[1]
        assert ("VERIFY_RESIZE", None) in seen, seen
        assert wait_migration(admin, server["id"], "confirmed")["dest_compute"] == "compute-4"
    finally:
        nova_box.control("PATCH", "/control/config", {"resize_confirm_window": 0})


def test_stock_openstack_cli_lists_servers(nova_box):
    result = subprocess.run([os.path.join(REPO_ROOT, ".venv", "bin", "openstack"), "--os-cloud", "mock-admin",
                             "server", "list", "--all-projects", "-f", "value", "-c", "Name"],
                            env=nova_box.env("mock-admin"), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == set(DEMO)


def _children(pid):
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry))
    return children


def test_sigterm_stops_within_seconds_and_leaves_nothing(nova_box):
    """Runs last: it stops the module's harness."""
    pid = nova_box.process.pid
    assert _children(pid) == []                                 # one process: no helpers to orphan
    port = int(nova_box.url.rsplit(":", 1)[1])
    started = time.monotonic()
    nova_box.process.send_signal(signal.SIGTERM)
    code = nova_box.process.wait(timeout=10)
    elapsed = time.monotonic() - started
    assert code == 0, nova_box.stderr()
    assert elapsed < 5, elapsed
    assert "stopped in" in nova_box.stderr()
    assert not os.path.exists("/proc/%d" % pid)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
