"""Server listing/seeding, topology loading and generation, and the scheduler's capacity model."""

import subprocess
import sys
import time

import openstack
import pytest
import yaml
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status
from mock_compute.config import MockConfig
from mock_compute.models import topology
from mock_compute.models.cloud import Cloud
from mock_compute.models.compute_api import Actor
from mock_compute.models.exceptions import InvalidTopology


def names(body):
    return sorted(s["name"] for s in body["servers"])


def test_server_list_filters_and_paging(mock_cloud):
    def get(query, user="admin", version="2.96"):
        return mock_cloud.compute("GET", "/servers/detail" + query, microversion=version, user=user)

    assert names(get("?all_tenants=1&host=compute-1")[2]) == ["db-1", "web-1", "web-2"]   # not compute-10's
    assert names(get("?all_tenants=1&host=compute-10")[2]) == ["edge-1"]
    assert names(get("?all_tenants=1&status=PAUSED&status=ERROR")[2]) == ["broken-1", "cache-1"]
    assert names(get("?all_tenants=1&name=^web-")[2]) == ["web-1", "web-2"]
    assert names(get("?all_tenants=True&project_id=%s" % next(
        p["id"] for p in mock_cloud.state()["identity"]["projects"] if p["name"] == "admin"))[2]) == [
        "api-1", "az2-app-2", "batch-1", "db-1"]
    assert names(get("")[2]) == ["api-1", "az2-app-2", "batch-1", "db-1"]         # own project only
    assert len(get("?host=compute-1", user="member")[2]["servers"]) == 9          # admin filter dropped
    status, _ignored, body = get("?all_tenants=1", user="member")
    assert (status, nova_error(body)[2]) == (403, "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants "
                                                  "to be performed.")
    status, _ignored, body = get("?all_tenants=maybe")
    assert status == 400 and "Unrecognized value 'maybe'" in nova_error(body)[2]
    status, _ignored, body = get("?all_tenants=1&status=SLEEPING")
    assert (status, nova_error(body)[2]) == (400, "Invalid status value")
    status, _ignored, body = get("?all_tenants=1&frobnicate=1", version="2.75")
    assert (status, nova_error(body)[2]) == (400, "'frobnicate' does not match any of the regexes: '^_'")

    status, _ignored, page = get("?all_tenants=1&limit=5")
    assert len(page["servers"]) == 5 and page["servers"][0]["name"] == "shelved-1"    # newest first
    next_href = page["servers_links"][0]["href"]
    assert next_href.startswith(mock_cloud.url + "/v2.1/servers/detail?") and "limit=5" in next_href
    seen = [s["name"] for s in page["servers"]]
    while "servers_links" in page:
        marker = page["servers"][-1]["id"]
        page = get("?all_tenants=1&limit=5&marker=%s" % marker)[2]
        seen += [s["name"] for s in page["servers"]]
    assert len(seen) == len(set(seen)) == 13
    status, _ignored, body = get("?all_tenants=1&marker=nope")
    assert (status, nova_error(body)[2]) == (400, "marker [nope] not found")


def test_server_view_fields(mock_cloud, admin_conn):
    broken = find_server(admin_conn, "broken-1")
    assert broken.status == "ERROR" and broken.fault["message"] == "Unexpected error while running command."
    status, _ignored, body = mock_cloud.compute("GET", "/servers/%s" % broken.id, microversion="2.46")
    assert set(body["server"]["flavor"]) == {"id", "links"} and "fault" in body["server"]
    assert "locked" in body["server"] and "pinned_availability_zone" not in body["server"]
    status, _ignored, body = mock_cloud.compute("GET", "/servers/%s" % mock_cloud.server_id("az2-app-1"), microversion="2.96")
    server = body["server"]
    assert server["pinned_availability_zone"] == "az2" and server["OS-EXT-AZ:availability_zone"] == "az2"
    assert server["host_status"] == "UP" and server["OS-EXT-SRV-ATTR:instance_name"].startswith("instance-")
    assert server["flavor"]["original_name"] == "m1.small" and server["hostId"]
    status, _ignored, body = mock_cloud.compute("GET", "/servers/%s" % mock_cloud.server_id("web-1"), user="member",
                                                microversion="2.96")
    # From 2.90 non-admins see OS-EXT-SRV-ATTR:hostname, and nothing else of the admin-only attributes.
    assert [key for key in body["server"] if key.startswith("OS-EXT-SRV-ATTR:")] == ["OS-EXT-SRV-ATTR:hostname"]
    assert "host_status" not in body["server"] and status == 200


def test_create_and_delete_servers(mock_cloud, admin_conn, member_conn):
    server = admin_conn.compute.create_server(name="seeded", flavor_id="1", image_id="cirros",
                                              availability_zone="nova:compute-4", networks="none")
    server = wait_status(admin_conn, server, "ACTIVE")
    assert server.compute_host == "compute-4" and server.availability_zone == "nova"
    assert admin_conn.compute.get_server(server).to_dict()["pinned_availability_zone"] == "nova"
    plain = wait_status(admin_conn, admin_conn.compute.create_server(name="anywhere", flavor_id="2", networks="none"),
                        "ACTIVE")
    assert plain.compute_host and plain.to_dict()["pinned_availability_zone"] is None
    admin_conn.compute.delete_server(server)
    wait_for(lambda: admin_conn.compute.find_server("seeded") is None)

    with pytest.raises(openstack.exceptions.ForbiddenException, match="servers:create:forced_host"):
        member_conn.compute.create_server(name="x", flavor_id="1", availability_zone="nova:compute-1", networks="none")
    with pytest.raises(openstack.exceptions.BadRequestException, match="availability zone is not available"):
        admin_conn.compute.create_server(name="x", flavor_id="1", availability_zone="nowhere", networks="none")
    with pytest.raises(openstack.exceptions.BadRequestException, match="Flavor 99 could not be found"):
        admin_conn.compute.create_server(name="x", flavor_id="99", networks="none")
    # Owners may delete their servers, except when an admin locked them.
    locked = mock_cloud.server_id("app-locked")
    status, _ignored, body = mock_cloud.compute("DELETE", "/servers/%s" % locked, user="member")
    assert (status, nova_error(body)[2]) == (409, "Instance %s is locked" % locked)


def test_topology_validation_and_generator():
    with pytest.raises(InvalidTopology, match="unknown host"):
        topology.normalize({"hosts": [{"name": "a"}], "servers": [{"name": "s", "host": "b"}]})
    with pytest.raises(InvalidTopology, match="unknown top-level key"):
        topology.normalize({"hosts": [{"name": "a"}], "sevrers": []})
    with pytest.raises(InvalidTopology, match="status must be one of"):
        topology.normalize({"hosts": [{"name": "a"}], "servers": [{"name": "s", "host": "a", "status": "ASLEEP"}]})
    generated = topology.generate(hosts=12, servers_per_host=3)
    assert len(generated["hosts"]) == 12 and len(generated["servers"]) == 36
    assert {h["zone"] for h in generated["hosts"]} == {"nova", "az2"}

    printed = subprocess.run([sys.executable, "-m", "mock_compute", "topology", "--hosts", "3", "--servers-per-host",
                              "2"], capture_output=True, text=True, check=True, timeout=60).stdout
    reloaded = topology.normalize(yaml.safe_load(printed))
    assert [h["name"] for h in reloaded["hosts"]] == ["compute-0001", "compute-0002", "compute-0003"]


def _tiny_cloud():
    doc = {"host_defaults": {"vcpus": 4, "memory_mb": 4608, "disk_gb": 100, "cpu_allocation_ratio": 1.0},
           "hosts": [{"name": "h1"}, {"name": "h2"}, {"name": "h3", "status": "disabled"}],
           "flavors": [{"id": "big", "name": "big", "vcpus": 2, "ram": 3072, "disk": 10}],
           "servers": [{"name": "a", "host": "h1", "flavor": "big"}, {"name": "b", "host": "h2", "flavor": "big"}]}
    return Cloud(topology.normalize(doc), MockConfig(migration_seconds=0.05))


def test_scheduler_counts_capacity_at_model_level():
    """No HTTP: the models alone.  h2 is full (4 GiB usable, 3 GiB taken), h3 is disabled."""
    cloud = _tiny_cloud()
    admin = Actor(user_id="u", project_id=cloud.identity.project_by_name("admin").id, is_admin=True)
    with cloud.locked():
        server = next(s for s in cloud.state.servers.values() if s.name == "a")
        migration = cloud.compute.migrate(admin, server)
    time.sleep(0.1)
    with cloud.locked():
        assert migration.status == "error" and server.host == "h1" and server.status == "ACTIVE"
        # Placement offers no candidate at all (full or disabled), so Nova's scheduler gives no reason
        assert server.fault.message == "No valid host was found. "
        # Freeing h2 makes room.
        other = next(s for s in cloud.state.servers.values() if s.name == "b")
        cloud.compute.delete_server(admin, other)
        migration = cloud.compute.migrate(admin, server)
    time.sleep(0.1)
    with cloud.locked():
        assert migration.status == "finished" and server.host == "h2" and server.status == "VERIFY_RESIZE"
        assert cloud.state.allocations.usage("h1").memory_mb == 3072       # source kept until confirm
        cloud.compute.confirm_resize(admin, server)
    time.sleep(0.05)
    with cloud.locked():
        assert cloud.state.allocations.usage("h1").memory_mb == 0 and server.status == "ACTIVE"
