"""The stock ``openstack`` CLI against the subprocess server, ``--max-microversion``, and scale."""

import os
import subprocess
import sys
import time

import pytest
from mock_cloud_helpers import nova_error, wait_for
from mock_compute.testing import mock_cloud_in_process

OPENSTACK = os.path.join(os.path.dirname(sys.executable), "openstack")


def _start_openstack(mock, *args, cloud="mock-admin"):
    # pylint: disable-next=consider-using-with
    return subprocess.Popen([OPENSTACK, "--os-cloud", cloud, *args], env=mock.env(cloud), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process):
    out, err = process.communicate(timeout=90)
    return process.returncode, out, err


def _openstack(mock, *args, cloud="mock-admin"):
    return _finish(_start_openstack(mock, *args, cloud=cloud))


@pytest.mark.skipif(not os.path.exists(OPENSTACK), reason="python-openstackclient is not installed next to python")
def test_openstack_cli(mock_cloud_subprocess_mode):
    """The five OSC commands the collection's docs rely on; independent ones run concurrently (OSC starts slowly)."""
    mock = mock_cloud_subprocess_mode
    listing = _start_openstack(mock, "server", "list", "--all-projects", "--long", "-f", "value",
                               "-c", "Name", "-c", "Status", "-c", "Host")
    disabling = _start_openstack(mock, "compute", "service", "set", "--disable", "--disable-reason", "maintenance",
                                 "compute-2", "nova-compute")

    # db-1 is in the admin project, so OSC finds it by name.
    code, _ignored, err = _openstack(mock, "--os-compute-api-version", "2.56", "server", "migrate", "--host", "compute-3", "db-1")
    assert code == 0, err
    db1 = mock.server_id("db-1")
    wait_for(lambda: mock.compute("GET", "/servers/%s" % db1)[2]["server"]["status"] == "VERIFY_RESIZE")
    code, out, err = _openstack(mock, "server", "migration", "list", "-f", "value", "-c", "Status", "-c", "Dest Compute",
                                "-c", "Type")
    assert code == 0, err
    assert out.split() == ["compute-3", "finished", "migration"]
    code, _ignored, err = _openstack(mock, "server", "migration", "confirm", "db-1")
    assert code == 0, err
    server = wait_for(lambda: (s := mock.compute("GET", "/servers/%s" % db1)[2]["server"])["status"] == "ACTIVE" and s)
    assert server["OS-EXT-SRV-ATTR:host"] == "compute-3"

    code, out, err = _finish(listing)
    assert code == 0, err
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert rows["web-1"] == ["ACTIVE", "compute-1"] and rows["cache-1"] == ["PAUSED", "compute-2"]
    assert len(rows) == 13
    code, _ignored, err = _finish(disabling)
    assert code == 0, err
    service = next(h for h in mock.state()["hosts"] if h["name"] == "compute-2")["service"]
    assert (service["disabled"], service["disabled_reason"]) == (True, "maintenance")


def test_subprocess_stops_cleanly_on_sigterm(tmp_path):
    clouds = tmp_path / "clouds.yaml"
    process = subprocess.Popen([sys.executable, "-m", "mock_compute", "serve", "--write-clouds-yaml", str(clouds)],
                               stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert "mock-member" in clouds.read_text()
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()


def test_max_microversion_2_55():
    with mock_cloud_in_process(max_microversion="2.55") as mock:
        status, _ignored, body = mock.request("GET", "/v2.1/")
        assert body["version"]["version"] == "2.55"
        conn = mock.connect()
        server = conn.compute.find_server("db-1", ignore_missing=False)
        with pytest.raises(ValueError, match=r"2\.56"):
            conn.compute.migrate_server(server, host="compute-2")
        status, _ignored, body = mock.compute("GET", "/servers", microversion="2.56")
        assert (status, nova_error(body)[0]) == (406, "computeFault")
        conn.compute.migrate_server(server)            # without a host the SDK still works (at 2.55)
        assert mock.counters()["by_route"]["POST /v2.1/servers/{server_id}/action"] == 1


def test_generated_topology_at_scale():
    started = time.perf_counter()
    with mock_cloud_in_process(hosts=1000, servers_per_host=20) as mock:
        loaded = time.perf_counter()
        assert len(mock.cloud.state.servers) == 20000
        token = mock.token()
        path = "/v2.1/servers/detail?all_tenants=1&host=compute-0500"
        mock.request("GET", path, headers={"X-Auth-Token": token})
        timings = []
        for _ignored in range(5):
            begin = time.perf_counter()
            status, _ignored, body = mock.request("GET", path, headers={"X-Auth-Token": token,
                                                                        "OpenStack-API-Version": "compute 2.96"})
            timings.append(time.perf_counter() - begin)
            assert status == 200
        assert len(body["servers"]) == 20
        assert {s["OS-EXT-SRV-ATTR:host"] for s in body["servers"]} == {"compute-0500"}
        versioned = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.53"}
        status, _ignored, body = mock.request("GET", "/v2.1/os-hypervisors?limit=2", headers=versioned)
        assert len(body["hypervisors"]) == 2
        status, _ignored, body = mock.request("GET", "/v2.1/servers?all_tenants=1&limit=5", headers={"X-Auth-Token": token})
        assert len(body["servers"]) == 5 and body["servers_links"]
        print("\n1000x20 topology: start %.2fs, host-filtered detail list: best %.1f ms, worst %.1f ms"
              % (loaded - started, min(timings) * 1000, max(timings) * 1000))
