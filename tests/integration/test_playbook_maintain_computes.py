"""maintain_computes as an operator runs it: the usual mistakes are refused before any change, naming the -e key;
check mode writes nothing; a campaign without hooks ends with every host done and enabled.

One mock (the campaign topology of the molecule scenario: rack-a holds compute-1 to compute-4) serves the module
and is reset before each test; the mock's request counters show that a refused run changed nothing.
"""

import json
import sys
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


def service_path(mock, host):
    status, _headers, body = mock.compute("GET", "/os-services?binary=nova-compute&host=%s" % host, None,
                                          microversion="2.53")
    assert status == 200 and len(body["services"]) == 1
    return "/v2.1/os-services/%s" % body["services"][0]["id"]


def test_a_host_whose_service_cannot_be_disabled_fails_there_and_nothing_moves_off_it(tmp_path, mock):
    mock.add_fault("http_error", status=403, method="PUT", route=service_path(mock, "compute-3"),
                   message="Policy doesn't allow os_compute_api:os-services:update to be performed.")
    result = run(tmp_path, mock, "-e", "campaign=nodisable", "-e", "computes=compute-2,compute-3",
                 "-e", "parallel_hosts=2", "-e", "gate_timeout=30", "-e", "compute_maintenance_gate_delay=1")
    assert result.returncode != 0, result.output[-3000:]
    report = json.loads((tmp_path / "novaops-campaign-nodisable.json").read_text())
    assert report["verdict"] == "FAILED"
    rows = {row["host"]: row for row in report["hosts"]}
    assert rows["compute-3"]["failed"]["phase"] == "disabled", rows["compute-3"]
    assert "could not be disabled" in rows["compute-3"]["failed"]["reason"]
    assert "Policy doesn't allow" in rows["compute-3"]["failed"]["reason"]
    assert rows["compute-3"]["moved"] == 0
    assert "compute-3: FAILED" in result.output
    assert "failed before the campaign disabled them, left as they were: compute-3 in disabled" in report["summary"]
    # Its servers stayed where they were, and its service stays as it was: enabled.
    conn = mock.connect()
    assert [s.name for s in conn.compute.servers(all_projects=True, compute_host="compute-3")], "compute-3 was emptied"
    assert services(mock)["compute-3"] == "enabled"


def test_a_host_whose_service_cannot_be_enabled_is_failed_and_stays_disabled_with_its_marker(tmp_path, mock):
    # The hook makes the API refuse the next update of this host's service: the enable after the gate.
    hook = tmp_path / "refuse_enable.yml"
    hook.write_text(
        "- name: Make the API refuse the enable of {{ compute_maintenance_compute_host }}\n"
        "  ansible.builtin.uri:\n"
        "    url: %s/mock/faults\n"
        "    method: POST\n"
        "    body_format: json\n"
        "    status_code: 201\n"
        "    body: {kind: http_error, status: 500, method: PUT, route: %s, message: database unreachable}\n"
        "  delegate_to: localhost\n" % (mock.url, service_path(mock, "compute-2")))
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[computes]\ncompute-2 ansible_connection=local ansible_python_interpreter=%s\n"
                         % sys.executable)
    result = run(tmp_path, mock, "-i", str(inventory), "-e", "campaign=noenable", "-e", "computes=compute-2",
                 "-e", "hook_tasks=%s" % hook, "-e", "gate_timeout=30", "-e", "compute_maintenance_gate_delay=1")
    assert result.returncode != 0, result.output[-3000:]
    report = json.loads((tmp_path / "novaops-campaign-noenable.json").read_text())
    assert report["verdict"] == "FAILED"
    [row] = report["hosts"]
    assert row["failed"]["phase"] == "enabled", row
    assert "failed, left disabled: compute-2 in enabled" in report["summary"]
    assert "could not be enabled" in row["failed"]["reason"] and "database unreachable" in row["failed"]["reason"]
    _status, _headers, body = mock.compute("GET", "/os-services?binary=nova-compute&host=compute-2", None,
                                           microversion="2.53")
    [service] = body["services"]
    assert service["status"] == "disabled"
    assert "campaign noenable" in service["disabled_reason"]


def test_the_state_file_records_the_return_before_the_post_hook_runs(tmp_path, mock):
    # Every phase is written to the state file as it ends, so a run killed later resumes from there: when the post
    # hook runs, the servers' return is on record.
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[computes]\n" + "".join(
        "%s ansible_connection=local ansible_python_interpreter=%s\n" % (host, sys.executable)
        for host in ("compute-2", "compute-3")))
    hook = tmp_path / "post.yml"
    hook.write_text(
        "- name: The state file already records the return of this host\n"
        "  ansible.builtin.assert:\n"
        "    that: >-\n"
        "      (lookup('ansible.builtin.file', compute_maintenance_state_path) | from_json)\n"
        "      .hosts[compute_maintenance_current_host].phase == 'returned'\n")
    result = run(tmp_path, mock, "-i", str(inventory), "-e", "campaign=back", "-e", "computes=compute-2,compute-3",
                 "-e", "return_servers=true", "-e", "post_hook_tasks=%s" % hook, "-e", "gate_timeout=30",
                 "-e", "compute_maintenance_gate_delay=1")
    assert result.returncode == 0, result.output[-3000:]
    assert "campaign back COMPLETE: 2 of 2 host(s) done, 3 server(s) moved." in result.output
