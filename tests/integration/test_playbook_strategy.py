"""The evacuate_host playbook with -e migration_strategy: each server moves the way that keeps it running where it can.

On the demo topology compute-1 holds web-1 and db-1 (ACTIVE) and web-2 (SHUTOFF): with -e migration_strategy=auto the running
ones move live and the stopped one cold, each line of the plan, the progress and the summary says which mode and why,
and a rerun changes nothing. A second mock adds servers whose flavors' extra specs keep them from moving live (a PCI
device, a vGPU): auto leaves them on the host with that reason, and -e allow_cold_for_running=true moves the running
one cold. Contradicting extra vars are refused before any change, naming the -e keys.
"""

import importlib.resources
import json

import pytest
import yaml
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, write_requests

ACTION = "POST /v2.1/servers/{server_id}/action"


@pytest.fixture(scope="module")
def demo():
    with mock_cloud_in_process(migration_seconds=0.2) as handle:
        yield handle


def with_special_flavors():
    """The demo topology, plus a PCI and a vGPU flavor and two servers of them on compute-1."""
    text = importlib.resources.files("mock_compute").joinpath("topologies/demo.yaml").read_text(encoding="utf-8")
    topology = yaml.safe_load(text)
    topology["flavors"] += [
        {"id": "10", "name": "g1.pci", "vcpus": 2, "ram": 2048, "disk": 20,
         "extra_specs": {"pci_passthrough:alias": "a1:1"}},
        {"id": "11", "name": "g1.vgpu", "vcpus": 2, "ram": 2048, "disk": 20, "extra_specs": {"resources:VGPU": "1"}},
    ]
    topology["servers"] += [
        {"name": "pci-1", "host": "compute-1", "flavor": "g1.pci", "status": "ACTIVE", "project": "admin"},
        {"name": "vgpu-1", "host": "compute-1", "flavor": "g1.vgpu", "status": "PAUSED", "project": "admin"},
    ]
    return topology


@pytest.fixture(scope="module")
def special():
    with mock_cloud_in_process(with_special_flavors(), migration_seconds=0.2) as handle:
        yield handle


def run(tmp_path, mock, *args):
    return run_collection_playbook(tmp_path, "evacuate_host", ["-e", "cloud=mock-admin", "-e", "host=compute-1", *args],
                                   clouds_yaml=mock.clouds_yaml)


def nova(mock, method, path):
    status, _headers, parsed = mock.compute(method, path, None, microversion="2.53")
    assert status < 300, (status, parsed)
    return parsed


def host_of(mock, name):
    return nova(mock, "GET", "/servers/%s" % mock.server_id(name))["server"]["OS-EXT-SRV-ATTR:host"]


def report_of(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_auto_moves_running_servers_live_and_stopped_ones_cold_and_a_rerun_changes_nothing(tmp_path, demo):
    demo.reset()
    demo.reset_counters()
    path = tmp_path / "evacuation-compute-1.json"
    first = run(tmp_path / "first", demo, "-e", "migration_strategy=auto", "-e", "report=%s" % path)
    assert first.returncode == 0, first.output[-4000:]
    report = report_of(path)
    assert report["result"] == "complete" and report["host_empty"] is True, report["summary"]
    assert report["options"]["strategy"] == "auto"
    moved = dict((s["name"], s) for s in report["servers"])
    assert dict((name, (s["outcome"], s["mode"], s["mode_reason"])) for name, s in moved.items()) == {
        "db-1": ("moved", "live", "strategy auto"),
        "web-1": ("moved", "live", "strategy auto"),
        "web-2": ("moved", "cold", "not running"),
    }
    for name, server in moved.items():
        assert server["destination"] not in (None, "compute-1")
        assert host_of(demo, name) == server["destination"]
        assert server["migration"]["type"] == ("live-migration" if server["mode"] == "live" else "cold-migration")
    # The plan, the progress lines and the summary say each server's mode and why.
    assert "(live, ACTIVE; strategy auto)" in first.output and "(cold, SHUTOFF; not running)" in first.output
    assert "(live (strategy auto), " in first.output and "(cold (not running), " in first.output
    assert any(line.endswith("-> %s, live (strategy auto), migration %s, %.1f s" % (
        moved["web-1"]["destination"], moved["web-1"]["migration_id"], moved["web-1"]["elapsed"]))
        for line in report["summary"])

    hosts = dict((name, host_of(demo, name)) for name in moved)
    demo.reset_counters()
    again = run(tmp_path / "again", demo, "-e", "migration_strategy=auto", "-e", "report=%s" % path)
    assert again.returncode == 0, again.output[-4000:]
    assert demo.counters()["by_route"].get(ACTION, 0) == 0
    # Only the run's own marker on the already disabled host is written again.
    assert all(route.startswith("PUT /v2.1/os-services/") for route in write_requests(demo)), write_requests(demo)
    assert dict((name, host_of(demo, name)) for name in moved) == hosts
    rerun = report_of(path)
    assert rerun["result"] == "complete"
    assert set(s["outcome"] for s in rerun["servers"]) == {"moved_earlier"}


def test_auto_leaves_servers_that_cannot_move_live_with_the_reason(tmp_path, special):
    special.reset()
    special.reset_counters()
    # Check mode: the plan says why each one stays, and require_empty stops the run before any change.
    checked = run(tmp_path / "check", special, "-e", "migration_strategy=auto", "--check")
    assert checked.returncode != 0
    assert "compute-1 would still hold 2 server(s)" in checked.output
    assert ("skip pci-1 (ACTIVE): status ACTIVE but it cannot move live (its flavor asks for PCI passthrough devices "
            "(pci_passthrough:alias=a1:1)): set allow_cold_for_running to move it cold") in checked.output
    assert "skip vgpu-1 (PAUSED): status PAUSED but it cannot move live (its flavor asks for vGPU resources" in checked.output
    assert write_requests(special) == []

    # allow_cold_for_running moves the running one cold; the paused one can move neither way and stays.
    path = tmp_path / "evacuation-compute-1.json"
    moved = run(tmp_path / "run", special, "-e", "migration_strategy=auto", "-e", "allow_cold_for_running=true",
                "-e", "require_empty=false", "-e", "report=%s" % path)
    assert moved.returncode == 0, moved.output[-4000:]
    report = report_of(path)
    servers = dict((s["name"], s) for s in report["servers"])
    assert (servers["pci-1"]["outcome"], servers["pci-1"]["mode"]) == ("moved", "cold")
    assert servers["pci-1"]["mode_reason"] == ("cannot move live (its flavor asks for PCI passthrough devices "
                                               "(pci_passthrough:alias=a1:1)), allow_cold_for_running")
    assert servers["pci-1"]["live_blockers"] == [
        "its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)"]
    assert host_of(special, "pci-1") == servers["pci-1"]["destination"] != "compute-1"
    assert servers["vgpu-1"]["outcome"] == "skipped" and host_of(special, "vgpu-1") == "compute-1"
    assert (servers["web-1"]["mode"], servers["web-2"]["mode"]) == ("live", "cold")
    assert report["result"] == "partial"

    # The restore sends each server home the way it left: the PCI one cold, the running ones live.
    restore = tmp_path / "restore-compute-1.json"
    back = run_collection_playbook(tmp_path / "restore", "restore_host",
                                   ["-e", "cloud=mock-admin", "-e", "host=compute-1", "-e", "migrate_back=true",
                                    "-e", "evacuation_report=%s" % path, "-e", "report=%s" % restore],
                                   clouds_yaml=special.clouds_yaml)
    assert back.returncode == 0, back.output[-4000:]
    returned = dict((s["name"], (s["outcome"], s["mode"], s["mode_reason"])) for s in report_of(restore)["servers"])
    assert returned["pci-1"] == ("moved", "cold", "as it left")
    assert returned["web-1"] == ("moved", "live", "as it left")
    assert returned["web-2"] == ("moved", "cold", "as it left")
    assert all(host_of(special, name) == "compute-1" for name in ("pci-1", "web-1", "web-2", "vgpu-1"))


@pytest.mark.parametrize("args, words", [
    (["-e", "migration_strategy=auto", "-e", "live=true"],
     "-e migration_strategy=auto and -e live=true are both given, but -e live is the old spelling of -e migration_strategy"),
    (["-e", "migration_strategy=warm"], "-e migration_strategy=warm: expected one of cold, live, auto"),
    (["-e", "migration_strategy=cold", "-e", "fallback=cold"],
     "-e fallback=cold has no effect with -e migration_strategy=cold (nothing moves live): drop -e fallback"),
    (["-e", "migration_strategy=live", "-e", "allow_cold_for_running=true"],
     "drop -e allow_cold_for_running or use -e migration_strategy=auto"),
])
def test_contradicting_extra_vars_are_refused_before_any_change(tmp_path, demo, args, words):
    demo.reset()
    demo.reset_counters()
    result = run(tmp_path, demo, *args)
    assert result.returncode != 0
    assert words in result.output and "Nothing was changed." in result.output
    assert write_requests(demo) == []
