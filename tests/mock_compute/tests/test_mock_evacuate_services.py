"""Evacuation, os-services (new and legacy forms) and os-hypervisors."""

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status


def _evacuations(mock_cloud, host):
    return [m for m in mock_cloud.state()["migrations"]
            if m["migration_type"] == "evacuation" and m["source_compute"] == host]


def test_evacuate_needs_the_source_to_be_down(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    with pytest.raises(openstack.exceptions.BadRequestException, match=r"Compute service of compute-1 is still in use\."):
        admin_conn.compute.evacuate_server(server)
    fault = mock_cloud.add_fault("service_down", host="compute-1")
    service = next(admin_conn.compute.services(host="compute-1", binary="nova-compute"))
    assert (service.state, service.status, service.is_forced_down) == ("down", "enabled", False)
    # A down source blocks cold migration ...
    with pytest.raises(openstack.exceptions.ConflictException, match=r"Service is unavailable at this time\."):
        admin_conn.compute.migrate_server(server)
    # ... and allows evacuation.
    admin_conn.compute.evacuate_server(server)
    assert admin_conn.compute.get_server(server).status == "REBUILD"
    done = wait_status(admin_conn, server, "SHUTOFF")     # from 2.95 (the SDK sends 2.100) it lands stopped
    assert done.compute_host != "compute-1"
    assert [m["status"] for m in _evacuations(mock_cloud, "compute-1")] == ["done"]
    # The source "restarts" when its heartbeat comes back: done -> completed.
    mock_cloud.delete_fault(fault["id"])
    assert [m["status"] for m in _evacuations(mock_cloud, "compute-1")] == ["completed"]


def test_evacuate_stopped_server_and_errors(mock_cloud):
    mock_cloud.add_fault("service_down", host="compute-1")
    web2 = mock_cloud.server_id("web-2")

    def evacuate(server_id, body, version="2.29"):
        return mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"evacuate": body}, microversion=version)

    status, _ignored, body = evacuate(web2, {"host": "compute-99"})
    assert (status, nova_error(body)[2]) == (404, "Compute host compute-99 not found.")
    status, _ignored, body = evacuate(web2, {"host": "compute-1"})
    assert (status, nova_error(body)[2]) == (400, "The target host can't be the same one.")
    status, _ignored, body = evacuate(web2, {"force": True})
    assert (status, nova_error(body)[2]) == (400, "Can't force to a non-provided destination")
    status, _ignored, body = evacuate(web2, {"host": "compute-2", "force": True}, version="2.68")
    assert status == 400 and "('force' was unexpected)" in nova_error(body)[2]
    web1 = mock_cloud.server_id("web-1")
    status, _ignored, body = evacuate(web1, {}, version="2.94")      # before 2.95 an ACTIVE server stays ACTIVE
    assert status == 200 and body is None
    status, _ignored, body = evacuate(web2, {})
    assert status == 200 and body is None
    wait_for(lambda: len([m for m in _evacuations(mock_cloud, "compute-1") if m["status"] == "done"]) == 2)
    records = {s["uuid"]: s for s in mock_cloud.state()["servers"]}
    assert records[web2]["status"] == "SHUTOFF" and records[web2]["host"] != "compute-1"
    assert records[web1]["status"] == "ACTIVE" and records[web1]["host"] != "compute-1"


def test_forced_down_evacuation_and_force_up(mock_cloud, admin_conn):
    service = next(admin_conn.compute.services(host="compute-1", binary="nova-compute"))
    admin_conn.compute.update_service_forced_down(service, forced=True)
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.evacuate_server(server, host="compute-4")
    assert wait_status(admin_conn, server, "SHUTOFF").compute_host == "compute-4"
    with pytest.raises(openstack.exceptions.BadRequestException, match="`done` evacuation migration records remain"):
        admin_conn.compute.update_service_forced_down(service, forced=False)
    mock_cloud.restart_host("compute-1")
    admin_conn.compute.update_service_forced_down(service, forced=False)
    service = next(admin_conn.compute.services(host="compute-1", binary="nova-compute"))
    assert service.state == "up" and service.is_forced_down is False


def test_disable_enable_at_2_53(mock_cloud, admin_conn):
    service = next(admin_conn.compute.services(host="compute-2", binary="nova-compute"))
    assert len(service.id) == 36                              # uuid ids from 2.53
    updated = admin_conn.compute.disable_service(service, disabled_reason="hardware check")
    assert (updated.status, updated.disabled_reason) == ("disabled", "hardware check")
    listed = next(admin_conn.compute.services(host="compute-2", binary="nova-compute"))
    assert (listed.status, listed.disabled_reason) == ("disabled", "hardware check")
    updated = admin_conn.compute.enable_service(service)
    assert (updated.status, updated.disabled_reason) == ("enabled", None)
    assert list(admin_conn.compute.services(host="compute-2", binary="xxx")) == []


def test_disable_enable_legacy_actions(mock_cloud):
    conn = mock_cloud.connect("mock-admin", compute_api_version="2.11")
    service = next(s for s in conn.compute.services() if s.host == "compute-2" and s.binary == "nova-compute")
    assert isinstance(service.id, int)
    conn.compute.disable_service(service, host="compute-2", binary="nova-compute", disabled_reason="legacy")
    counters = mock_cloud.counters()["by_route"]
    assert counters.get("PUT /v2.1/os-services/{service_id}") == 1
    listed = next(s for s in conn.compute.services() if s.host == "compute-2" and s.binary == "nova-compute")
    assert (listed.status, listed.disabled_reason) == ("disabled", "legacy")
    conn.compute.enable_service(service, host="compute-2", binary="nova-compute")
    listed = next(s for s in conn.compute.services() if s.host == "compute-2" and s.binary == "nova-compute")
    assert (listed.status, listed.disabled_reason) == ("enabled", None)


def test_service_update_errors(mock_cloud):
    compute2 = next(s for s in mock_cloud.state()["hosts"] if s["name"] == "compute-2")["service"]["uuid"]
    scheduler = mock_cloud.state()["services"][0]["uuid"]

    def put(path, body, version="2.53"):
        return mock_cloud.compute("PUT", "/os-services/" + path, body, microversion=version)

    assert nova_error(put("not-a-uuid", {"status": "enabled"})[2])[1:] == (400, "Invalid uuid not-a-uuid")
    missing = "00000000-0000-4000-8000-000000000000"
    assert nova_error(put(missing, {"status": "enabled"})[2])[1:] == (404, "Service %s could not be found." % missing)
    assert nova_error(put(scheduler, {"status": "disabled"})[2])[1:] == (
        400, "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.")
    assert nova_error(put(compute2, {"status": "enabled", "disabled_reason": "x"})[2])[1:] == (
        400, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    assert nova_error(put(compute2, {})[2])[1:] == (
        400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
    status, _ignored, body = put(compute2, {"status": "maintenance"})
    assert status == 400 and "'maintenance' is not one of ['enabled', 'disabled']" in nova_error(body)[2]
    # Legacy forms.
    assert put("enable", {"host": "compute-2", "binary": "nova-compute"}, "2.52")[0] == 200
    status, _ignored, body = put("frobnicate", {"host": "compute-2", "binary": "nova-compute"}, "2.52")
    assert (status, nova_error(body)[2]) == (404, "Unknown action")
    status, _ignored, body = put("force-down", {"host": "compute-2", "binary": "nova-compute", "forced_down": True}, "2.10")
    assert status == 400 and "('forced_down' was unexpected)" in nova_error(body)[2]
    status, _ignored, body = put("disable-log-reason", {"host": "compute-2", "binary": "nova-compute"}, "2.52")
    assert (status, nova_error(body)[2]) == (400, "Missing disabled reason field")
    status, _ignored, body = put("disable", {"host": "nope", "binary": "nova-compute"}, "2.52")
    assert (status, nova_error(body)[2]) == (404, "Host 'nope' is not mapped to any cell")
    status, _ignored, body = put("disable", {"host": "compute-2", "binary": "nova-compute"}, "2.52")
    assert (status, body) == (200, {"service": {"host": "compute-2", "binary": "nova-compute", "status": "disabled"}})
    status, _ignored, body = put(compute2, {"status": "enabled"}, "2.52")
    assert (status, nova_error(body)[2]) == (400, "'host' is a required property")


def test_hypervisors_per_microversion(mock_cloud, admin_conn):
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors/detail", microversion="2.52")
    first = body["hypervisors"][0]
    assert isinstance(first["id"], int) and first["vcpus"] == 16 and isinstance(first["cpu_info"], dict)
    assert first["running_vms"] == 3 and first["vcpus_used"] == 4
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors/detail", microversion="2.88")
    first = body["hypervisors"][0]
    assert len(first["id"]) == 36 and "vcpus" not in first and "uptime" in first
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors?hypervisor_hostname_pattern=compute-1&with_servers=true",
                                                microversion="2.75")
    assert sorted(h["hypervisor_hostname"] for h in body["hypervisors"]) == ["compute-1", "compute-10"]
    assert {len(h["servers"]) for h in body["hypervisors"]} == {3, 1}
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors?limit=2", microversion="2.53")
    assert len(body["hypervisors"]) == 2
    assert "marker=%s" % body["hypervisors"][1]["id"] in body["hypervisors_links"][0]["href"]
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors?hypervisor_hostname_pattern=x&limit=1",
                                                microversion="2.53")
    assert status == 400 and "could not comply with the request" in nova_error(body)[2]   # webob's text, as Nova
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors/1", microversion="2.53")
    assert (status, nova_error(body)[2]) == (400, "Invalid uuid 1")
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors/statistics", microversion="2.87")
    assert body["hypervisor_statistics"]["count"] == 6
    assert mock_cloud.compute("GET", "/os-hypervisors/statistics", microversion="2.88")[0] == 404
    names = sorted(h.name for h in admin_conn.compute.hypervisors(hypervisor_hostname_pattern="compute-1"))
    assert names == ["compute-1", "compute-10"]
    hypervisor = admin_conn.compute.get_hypervisor(next(admin_conn.compute.hypervisors()).id)
    assert hypervisor.status == "enabled" and hypervisor.state == "up"
