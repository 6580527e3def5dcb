"""The evacuate_host playbook with -e on_stall, -e stall_timeout and -e fallback: the role passes them to each live
migration, and the progress line and report entry of a server show its attempts.

On the demo topology compute-1 holds web-1 and db-1 (ACTIVE) and web-2 (SHUTOFF). A live_migration_stall fault
freezes db-1's copy: with -e on_stall=abort -e fallback=cold it is aborted, verified back on compute-1, and moved cold;
web-1 moves live and web-2 cold as strategy auto says. -e on_stall with the strategy cold is refused before any change.
"""

import json

import pytest
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, write_requests

ABORT = "DELETE /v2.1/servers/{server_id}/migrations/{migration_id}"


@pytest.fixture(scope="module")
def demo():
    with mock_cloud_in_process(migration_seconds=1.0) as handle:
        yield handle


def run(tmp_path, mock, *args):
    return run_collection_playbook(tmp_path, "evacuate_host", ["-e", "cloud=mock-admin", "-e", "host=compute-1", *args],
                                   clouds_yaml=mock.clouds_yaml)


def test_a_stalled_server_is_aborted_then_moved_cold_and_its_line_says_so(tmp_path, demo):
    demo.reset()
    demo.add_fault("live_migration_stall", server=demo.server_id("db-1"), mode="freeze", at_percent=40)
    demo.reset_counters()
    path = tmp_path / "evacuation-compute-1.json"
    done = run(tmp_path / "run", demo, "-e", "migration_strategy=auto", "-e", "on_stall=abort", "-e", "stall_timeout=1",
               "-e", "fallback=cold", "-e", "report=%s" % path)
    assert done.returncode == 0, done.output[-4000:]
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["result"] == "complete" and report["host_empty"] is True, report["summary"]
    assert report["options"]["on_stall"] == "abort" and report["options"]["fallback"] == "cold"
    servers = dict((s["name"], s) for s in report["servers"])
    db = servers["db-1"]
    assert db["outcome"] == "moved" and db["mode"] == "cold" and db["planned_mode"] == "live"
    assert db["live"] is False and report["counts"]["cold"] == 2 and report["counts"]["live"] == 1
    assert [(a["mode"], a["outcome"]) for a in db["migration_attempts"]] == [("live", "aborted"), ("cold", "succeeded")]
    assert db["attempts_summary"].startswith("live aborted after a stall at ")
    assert db["attempts_summary"].endswith(", then cold: moved to %s" % db["destination"])
    assert db["attempts_summary"] in done.output
    assert servers["web-1"]["mode"] == "live" and servers["web-1"]["attempts_summary"] is None
    assert servers["web-2"]["mode"] == "cold"
    assert demo.counters()["by_route"].get(ABORT) == 1


def test_on_stall_with_the_strategy_cold_is_refused_before_any_change(tmp_path, demo):
    demo.reset()
    demo.reset_counters()
    refused = run(tmp_path, demo, "-e", "on_stall=force_complete")
    assert refused.returncode != 0
    assert "-e on_stall=force_complete has no effect with -e migration_strategy=cold" in refused.output
    assert "drop -e on_stall" in refused.output
    assert write_requests(demo) == []
