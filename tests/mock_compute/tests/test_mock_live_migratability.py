"""Flavors with extra specs, and the servers Nova refuses to live-migrate because of them (PCI passthrough
aliases, vGPUs, accelerators, vTPMs, encrypted memory), which still migrate cold."""

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status
from mock_compute.testing import mock_cloud_in_process

NO_HOST = "No valid host was found. There are not enough hosts available."
PCI_PRECHECK = "Migration pre-check error: This request does not explicitly request live-migratable devices."
MDEV_PRECHECK = ("Migration pre-check error: Unable to migrate %s: Either libvirt or QEMU version for compute service "
                 "source are too old than the supported ones : (QEMU: 8.1.0, libvirt: 8.6.0)")


def _flavor(flavor_id, **extra_specs):
    return {"id": flavor_id, "name": "f." + flavor_id, "vcpus": 1, "ram": 1024, "disk": 10, "extra_specs": extra_specs}


TOPOLOGY = {
    "name": "live-blockers",
    "pci_aliases": [{"name": "gpu-pt", "live_migratable": False}, {"name": "nic-vf", "live_migratable": True}],
    "flavors": [
        _flavor("plain"),
        _flavor("pci", **{"pci_passthrough:alias": "gpu-pt:1"}),
        _flavor("pci-mixed", **{"pci_passthrough:alias": "nic-vf:1,gpu-pt:1"}),
        _flavor("pci-lm", **{"pci_passthrough:alias": "nic-vf:2"}),
        _flavor("vgpu", **{"resources:VGPU": 1}),
        _flavor("vgpu-granular", **{"resources1:VGPU": "1", "trait1:CUSTOM_NVIDIA_A16": "required"}),
        _flavor("accel", **{"accel:device_profile": "fpga-dp"}),
        _flavor("vtpm", **{"hw:tpm_version": "2.0", "hw:tpm_model": "tpm-crb"}),
        _flavor("vtpm-host", **{"hw:tpm_version": "2.0", "hw:tpm_secret_security": "host"}),
        _flavor("sev", **{"hw:mem_encryption": True}),
    ],
    "hosts": [{"name": "compute-1"}, {"name": "compute-2"}, {"name": "compute-3"}],
    "servers": [{"name": name + "-1", "host": "compute-1", "flavor": name, "project": "demo"}
                for name in ("plain", "pci", "pci-mixed", "pci-lm", "vgpu", "vgpu-granular", "accel", "vtpm",
                             "vtpm-host", "sev")],
}


@pytest.fixture(scope="module")
def blockers_cloud():
    with mock_cloud_in_process(topology=TOPOLOGY, migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture
def cloud(blockers_cloud):
    blockers_cloud.reset()
    return blockers_cloud


@pytest.fixture(scope="module")
def conn(blockers_cloud):
    return blockers_cloud.connect("mock-admin")


def _live(cloud, name, microversion, host=None, force=None):
    body = {"host": host, "block_migration": "auto"}
    if microversion == "2.1":
        body.update(block_migration=False, disk_over_commit=False)
    if force is not None:
        body["force"] = force
    return cloud.compute("POST", "/servers/%s/action" % cloud.server_id(name), {"os-migrateLive": body},
                         microversion=microversion)


def _migration(cloud, name):
    server_id = cloud.server_id(name)
    return [m for m in cloud.state()["migrations"] if m["instance_uuid"] == server_id][-1]


def _server(cloud, name):
    return next(s for s in cloud.state()["servers"] if s["name"] == name)


def _events(conn, name):
    server = find_server(conn, name)
    action = next(a for a in conn.compute.server_actions(server) if a.action == "live-migration")
    return [(e["event"], e["host"], e["result"]) for e in conn.compute.get_server_action(action, server).events]


# flavors ---------------------------------------------------------------------------------------------------------
def test_flavors_show_their_extra_specs_from_2_61(cloud, conn):
    assert conn.compute.fetch_flavor_extra_specs("vgpu").extra_specs == {"resources:VGPU": "1"}
    assert conn.compute.get_flavor_extra_specs_property("pci", "pci_passthrough:alias") == "gpu-pt:1"
    with pytest.raises(openstack.exceptions.NotFoundException, match="Flavor plain has no extra specs with key"):
        conn.compute.get_flavor_extra_specs_property("plain", "hw:cpu_policy")

    status, _ignored, body = cloud.compute("GET", "/flavors/sev", microversion="2.61")
    assert (status, body["flavor"]["extra_specs"]) == (200, {"hw:mem_encryption": "True"})
    assert "extra_specs" not in cloud.compute("GET", "/flavors/sev", microversion="2.60")[2]["flavor"]
    listed = cloud.compute("GET", "/flavors/detail", microversion="2.61")[2]["flavors"]
    assert {f["id"]: f["extra_specs"] for f in listed}["pci-lm"] == {"pci_passthrough:alias": "nic-vf:2"}


def test_flavor_extra_spec_errors_and_member_access(cloud):
    status, _ignored, body = cloud.compute("GET", "/flavors/nope/os-extra_specs")
    assert (status, nova_error(body)[2]) == (404, "Flavor nope could not be found.")
    status, _ignored, body = cloud.compute("GET", "/flavors/pci/os-extra_specs/hw:numa_nodes")
    assert (status, nova_error(body)[2]) == (404, "Flavor pci has no extra specs with key hw:numa_nodes.")
    status, _ignored, body = cloud.compute("GET", "/flavors/pci/os-extra_specs?x=1", microversion="2.102")
    assert status == 400
    status, _ignored, body = cloud.compute("GET", "/flavors/pci/os-extra_specs", user="member")
    assert (status, body) == (200, {"extra_specs": {"pci_passthrough:alias": "gpu-pt:1"}})


def test_the_server_embeds_its_flavor_extra_specs_from_2_47(cloud, conn):
    server = conn.compute.get_server(find_server(conn, "vgpu-granular-1"))
    assert server.flavor.extra_specs == {"resources1:VGPU": "1", "trait1:CUSTOM_NVIDIA_A16": "required"}
    body = cloud.compute("GET", "/servers/%s" % cloud.server_id("pci-1"), microversion="2.46")[2]
    assert set(body["server"]["flavor"]) == {"id", "links"}


# PCI passthrough ------------------------------------------------------------------------------------------------
def test_pci_alias_server_is_refused_by_every_host_the_scheduler_offers(cloud, conn):
    # openstacksdk live-migrates at 2.30, where the conductor's checks answer synchronously
    with pytest.raises(openstack.exceptions.BadRequestException, match=NO_HOST):
        conn.compute.live_migrate_server(find_server(conn, "pci-1"), block_migration="auto")
    assert _migration(cloud, "pci-1")["status"] == "error"
    assert _migration(cloud, "pci-1")["dest_compute"] is None
    server = conn.compute.get_server(find_server(conn, "pci-1"))
    assert (server.status, server.task_state, server.compute_host) == ("ACTIVE", None, "compute-1")
    assert _events(conn, "pci-1") == [("conductor_live_migrate_instance", "controller", "Error")]
    assert _server(cloud, "pci-1")["fault"]["message"] == NO_HOST


def test_pci_alias_server_forced_to_a_host_fails_the_conductor_pre_check(cloud):
    status, _ignored, body = _live(cloud, "pci-1", "2.30", host="compute-2", force=True)
    assert (status, nova_error(body)[2]) == (400, PCI_PRECHECK)
    assert (_migration(cloud, "pci-1")["status"], _migration(cloud, "pci-1")["dest_compute"]) == ("error", "compute-2")

    status, _ignored, _ignored = _live(cloud, "pci-mixed-1", "2.67", host="compute-2", force=True)
    assert status == 202           # from 2.34 the same check fails after the 202
    wait_for(lambda: _migration(cloud, "pci-mixed-1")["status"] == "error")
    record = _server(cloud, "pci-mixed-1")
    assert (record["status"], record["host"], record["task_state"]) == ("ACTIVE", "compute-1", None)
    assert record["fault"]["message"] == PCI_PRECHECK


def test_pci_alias_server_is_refused_after_the_202_from_2_34(cloud, conn):
    status, _ignored, _ignored = _live(cloud, "pci-1", "2.80")
    assert status == 202
    wait_for(lambda: _migration(cloud, "pci-1")["status"] == "error")
    assert wait_status(conn, find_server(conn, "pci-1"), "ACTIVE").task_state is None
    assert _events(conn, "pci-1") == [("conductor_live_migrate_instance", "controller", "Error")]


def test_live_migratable_pci_alias_moves_live(cloud, conn):
    server = find_server(conn, "pci-lm-1")
    conn.compute.live_migrate_server(server, block_migration="auto")
    assert wait_status(conn, server, "ACTIVE").compute_host != "compute-1"
    wait_for(lambda: _migration(cloud, "pci-lm-1")["status"] == "completed")


# vGPU -------------------------------------------------------------------------------------------------------------
def test_vgpu_server_fails_the_source_compute_check_on_every_host(cloud, conn):
    status, _ignored, _ignored = _live(cloud, "vgpu-1", "2.80")
    assert status == 202
    wait_for(lambda: _migration(cloud, "vgpu-1")["status"] == "error")
    events = _events(conn, "vgpu-1")
    assert ("conductor_live_migrate_instance", "controller", "Error") in events
    checked = {host for name, host, result in events if name == "compute_check_can_live_migrate_destination"}
    assert checked == {"compute-2", "compute-3"}
    assert {result for _name, _host, result in events} == {"Error"}
    assert _server(cloud, "vgpu-1")["fault"]["message"] == NO_HOST


def test_vgpu_server_forced_to_a_host_names_the_versions_it_needs(cloud):
    server_id = cloud.server_id("vgpu-granular-1")
    status, _ignored, body = _live(cloud, "vgpu-granular-1", "2.29", host="compute-3")
    assert (status, nova_error(body)[2]) == (400, MDEV_PRECHECK % server_id)
    assert _server(cloud, "vgpu-granular-1")["task_state"] is None


def test_vgpu_server_moves_live_where_libvirt_and_qemu_can_migrate_mdevs():
    topology = dict(TOPOLOGY, vgpu_live_migration=True)
    with mock_cloud_in_process(topology=topology, migration_seconds=0.3) as cloud:
        conn = cloud.connect("mock-admin")
        server = find_server(conn, "vgpu-1")
        conn.compute.live_migrate_server(server, host="compute-2", block_migration="auto")
        assert wait_status(conn, server, "ACTIVE").compute_host == "compute-2"


# the compute API's own refusals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, message", [
    ("accel-1", "Feature not supported with instances that have accelerators."),
    ("vtpm-1", "Operation 'live-migration' not supported for vTPM-enabled instance (%s)."),
    ("sev-1", "Operation 'live-migration' not supported for mem encryption enabled instance (%s)."),
])
@pytest.mark.parametrize("microversion", ["2.1", "2.80"])
def test_the_api_refuses_at_once_before_any_record(cloud, name, message, microversion):
    status, _ignored, body = _live(cloud, name, microversion)
    assert (status, nova_error(body)[2]) == (400, message.replace("%s", cloud.server_id(name)))
    assert [m for m in cloud.state()["migrations"] if m["instance_uuid"] == cloud.server_id(name)] == []
    assert _server(cloud, name)["task_state"] is None


def test_the_api_refuses_before_it_looks_at_the_server_state(cloud, conn):
    conn.compute.stop_server(find_server(conn, "vtpm-1"))
    wait_status(conn, find_server(conn, "vtpm-1"), "SHUTOFF")
    status, _ignored, body = _live(cloud, "vtpm-1", "2.80")
    assert status == 400 and "vTPM-enabled" in nova_error(body)[2]


def test_a_vtpm_whose_secret_the_host_holds_moves_live(cloud, conn):
    server = find_server(conn, "vtpm-host-1")
    conn.compute.live_migrate_server(server, block_migration="auto")
    assert wait_status(conn, server, "ACTIVE").compute_host != "compute-1"


# cold migration -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pci-1", "vgpu-1", "vtpm-1", "sev-1"])
def test_what_cannot_move_live_migrates_cold(cloud, conn, name):
    server = find_server(conn, name)
    conn.compute.migrate_server(server)
    moved = wait_status(conn, server, "VERIFY_RESIZE")
    assert moved.compute_host != "compute-1"
    conn.compute.confirm_server_resize(server)
    wait_status(conn, server, "ACTIVE")


def test_accelerators_block_cold_migration_and_resize_too(cloud, conn):
    server = find_server(conn, "accel-1")
    with pytest.raises(openstack.exceptions.BadRequestException, match="instances that have accelerators"):
        conn.compute.migrate_server(server)
    with pytest.raises(openstack.exceptions.BadRequestException, match="instances that have accelerators"):
        conn.compute.resize_server(server, "plain")
