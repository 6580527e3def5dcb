"""maintain_computes as an operator runs it: the usual mistakes are refused before any change, naming the -e key;
check mode writes nothing; a campaign without hooks ends with every host done and enabled.

One mock (the campaign topology of the molecule scenario: rack-a holds compute-1 to compute-4) serves the module
and is reset before each test; the mock's request counters show that a refused run changed nothing.
"""

import json
from pathlib import Path

import pytest
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, write_requests

TOPOLOGY = Path(__file__).resolve().parents[2] / "extensions" / "molecule" / "campaign" / "files" / "topology.yaml"


@pytest.fixture(scope="module")
def mock():
    with mock_cloud_in_process(str(TOPOLOGY), migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture(autouse=True)
def fresh(mock):
    mock.reset()
    mock.clear_faults()
    mock.reset_counters()


def run(tmp_path, mock, *args):
    return run_collection_playbook(tmp_path, "maintain_computes", ["-e", "cloud=mock-admin", *args],
                                   clouds_yaml=mock.clouds_yaml)


def services(mock):
    status, _headers, body = mock.compute("GET", "/os-services?binary=nova-compute", None, microversion="2.53")
    assert status == 200
    return dict((s["host"], s["status"]) for s in body["services"])


@pytest.mark.parametrize("args, said", [
    (["-e", "hosts=compute-1"], "-e hosts is not an input of this playbook and would be ignored: did you mean -e computes?"),
    (["-e", "computes=compute-9"], "compute host 'compute-9' does not exist (host names match exactly). Did you mean"),
    (["-e", "computes=compute-1,compute-1"], "compute host 'compute-1' is given twice"),
    ([], "Give the hosts: -e computes=compute-1,compute-2, -e compute_group=<inventory group>"),
    (["-e", "compute_group=nope"], "-e compute_group=nope: no such group in the inventory"),
    (["-e", "computes=compute-1", "-e", "hook_tasks=/nonexistent.yml"],
     "-e hook_tasks=/nonexistent.yml: no such tasks file on the controller."),
    (["-e", "campaign=bad/name", "-e", "computes=compute-1"], "use letters, digits, -, _ and . only"),
    (["-e", "aggregates=rack-b"], "Host aggregate 'rack-b' does not exist (names match exactly; host aggregates: rack-a)"),
    (["-e", "computes=compute-1", "-e", "migration_strategy=cold", "-e", "on_stall=abort"],
     "-e on_stall=abort has no effect with -e migration_strategy=cold"),
    (["-e", "computes=compute-1", "-e", "parallel_hosts=0"], "-e parallel_hosts=0: must be at least 1"),
])
def test_mistakes_are_refused_before_any_change(tmp_path, mock, args, said):
    result = run(tmp_path, mock, *args)
    assert result.returncode != 0
    assert said in result.output, result.output[-3000:]
    assert "Nothing was changed" in result.output or "nothing was changed" in result.output
    assert write_requests(mock) == []
    assert not list(tmp_path.glob("novaops-campaign-*.state.json"))


def test_check_mode_prints_the_plan_and_writes_nothing(tmp_path, mock):
    result = run(tmp_path, mock, "-e", "aggregates=rack-a", "-e", "parallel_hosts=2", "--check")
    assert result.returncode == 0, result.output[-3000:]
    assert "Campaign plan: 4 host(s) in 2 step(s), 6 server(s) to move." in result.output
    assert "campaign maintenance PLANNED (check mode, nothing was changed)" in result.output
    assert write_requests(mock) == []
    assert not list(tmp_path.glob("novaops-campaign-*"))


def test_a_campaign_without_hooks_ends_with_every_host_done_and_enabled(tmp_path, mock):
    result = run(tmp_path, mock, "-e", "campaign=nohooks", "-e", "computes=compute-2,compute-3",
                 "-e", "gate_timeout=30", "-e", "compute_maintenance_gate_delay=1")
    assert result.returncode == 0, result.output[-3000:]
    assert "campaign nohooks COMPLETE: 2 of 2 host(s) done, 3 server(s) moved." in result.output
    report = json.loads((tmp_path / "novaops-campaign-nohooks.json").read_text())
    assert report["verdict"] == "COMPLETE"
    assert [row["phase"] for row in report["hosts"]] == ["done", "done"]
    assert set(services(mock).values()) == {"enabled"}
    # The rerun finds both hosts done: nothing is written.
    mock.reset_counters()
    again = run(tmp_path, mock, "-e", "campaign=nohooks", "-e", "computes=compute-2,compute-3")
    assert again.returncode == 0, again.output[-3000:]
    assert "Already done by an earlier run: compute-2, compute-3." in again.output
    assert write_requests(mock) == []
