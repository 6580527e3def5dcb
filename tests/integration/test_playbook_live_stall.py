"""server_migrate against the mock's live_migration_stall fault: on_stall force_complete and abort, the cold fallback
after an abort, and an oscillation that converges again.

The mock holds a live migration's copy at ``at_percent`` while the fault matches the server: ``freeze`` (nothing moves)
or ``oscillate`` (the bytes remaining rise and fall around where they stood, never lower). One playbook migrates four
servers, each under its own fault:

* web-1, frozen at 40 %, ``on_stall: force_complete``: completed on the destination;
* db-1, frozen at 50 %, ``on_stall: abort``: the task fails, the record is cancelled, the server ACTIVE on its source;
* api-1, frozen at 30 %, ``on_stall: abort`` and ``fallback: cold``: moved cold, both attempts in the result;
* edge-1, oscillating at 30 %, ``on_stall: abort`` with a stall_timeout longer than the oscillation lasts: the test
  removes the fault once the mock shows the remaining bytes risen above their low, the copy converges, and the module
  neither aborts nor forces anything.

What was sent is read from the mock's request counters and migration records, never from the time it took.
"""

import textwrap
import threading
import time

import pytest
from mock_compute.testing import mock_cloud_in_process

PLAYBOOK = textwrap.dedent("""\
    - name: Live migrations that stall
      hosts: localhost
      connection: local
      gather_facts: false
      module_defaults:
        novaops.migration.server_migrate:
          cloud: mock-admin
          live_migration: true
          timeout: 120
      tasks:
        - name: Force a stalled copy to complete
          novaops.migration.server_migrate:
            server: web-1
            host: compute-2
            on_stall: force_complete
            stall_timeout: 1
          register: forced
          ignore_errors: true

        - name: Abort a stalled copy
          novaops.migration.server_migrate:
            server: db-1
            host: compute-2
            on_stall: abort
            stall_timeout: 1
          register: aborted
          ignore_errors: true

        - name: Abort a stalled copy, then move the server cold
          novaops.migration.server_migrate:
            server: api-1
            host: compute-3
            on_stall: abort
            stall_timeout: 1
            fallback: cold
          register: fallback
          ignore_errors: true

        - name: An oscillation that converges is no stall
          novaops.migration.server_migrate:
            server: edge-1
            host: compute-2
            on_stall: abort
            stall_timeout: 10
          register: converging
          ignore_errors: true

        - name: Hand the results to pytest
          ansible.builtin.copy:
            dest: "{{ results_path }}"
            mode: "0600"
            content: "{{ {'forced': forced, 'aborted': aborted, 'fallback': fallback, 'converging': converging} | to_json }}"
    """)

FORCE_ROUTE = "POST /v2.1/servers/{server_id}/migrations/{migration_id}/action"
ABORT_ROUTE = "DELETE /v2.1/servers/{server_id}/migrations/{migration_id}"


def live_record(mock, server_id):
    records = [m for m in mock.state()["migrations"]
               if m["instance_uuid"] == server_id and m["migration_type"] == "live-migration"]
    return records[-1] if records else None


def release_when_oscillating(mock, server_id, fault_id, seen, stop):
    """Remove the oscillation fault once the record's remaining bytes have risen above their low (the swing)."""
    lowest = None
    while not stop.is_set():
        record = live_record(mock, server_id)
        if record and record["status"] == "running" and record.get("memory_remaining") is not None:
            remaining = record["memory_remaining"] + (record.get("disk_remaining") or 0)
            if lowest is not None and remaining > lowest:
                seen.append(remaining - lowest)
                mock.delete_fault(fault_id)
                return
            lowest = remaining if lowest is None else min(lowest, remaining)
        time.sleep(0.02)


@pytest.fixture(scope="module")
def stall_run(tmp_path_factory, ansible_run):
    with mock_cloud_in_process(migration_seconds=2.0) as mock:
        for name, mode, at_percent in (("web-1", "freeze", 40), ("db-1", "freeze", 50), ("api-1", "freeze", 30)):
            mock.add_fault("live_migration_stall", server=mock.server_id(name), mode=mode, at_percent=at_percent)
        edge = mock.server_id("edge-1")
        oscillation = mock.add_fault("live_migration_stall", server=edge, mode="oscillate", at_percent=30)
        mock.reset_counters()
        seen, stop = [], threading.Event()
        watcher = threading.Thread(target=release_when_oscillating, args=(mock, edge, oscillation["id"], seen, stop))
        watcher.start()
        try:
            run = ansible_run(tmp_path_factory.mktemp("live-stall"), PLAYBOOK, clouds_yaml=mock.clouds_yaml,
                              timeout=600)
        finally:
            stop.set()
            watcher.join(timeout=30)
        state = mock.state()
        counters = mock.counters()["by_route"]
        yield run, state, counters, seen, {name: mock.server_id(name) for name in ("web-1", "db-1", "api-1", "edge-1")}


def records_of(state, server_id):
    return [m for m in state["migrations"] if m["instance_uuid"] == server_id]


def test_the_play_ran(stall_run):
    run, _state, _counters, _seen, _ids = stall_run
    assert run.returncode == 0, run.output
    assert run.results is not None, run.output


def test_a_stalled_copy_is_force_completed_on_the_destination(stall_run):
    run, state, _counters, _seen, ids = stall_run
    forced = run.results["forced"]
    assert not forced.get("failed"), forced.get("msg")
    assert "force-completed after the copy stalled" in forced["msg"]
    assert forced["server"]["host"] == "compute-2" and forced["server"]["status"] == "ACTIVE"
    assert forced["migration"]["status"] == "completed"
    assert [(a["mode"], a["outcome"]) for a in forced["attempts"]] == [("live", "succeeded")]
    assert [m["status"] for m in records_of(state, ids["web-1"])] == ["completed"]


def test_a_stalled_copy_is_aborted_and_the_server_is_back_on_its_source(stall_run):
    run, state, _counters, _seen, ids = stall_run
    aborted = run.results["aborted"]
    assert aborted.get("failed") is True
    assert "was aborted after the copy stalled at" in aborted["msg"]
    assert "verified back on its source compute-1 in status ACTIVE" in aborted["msg"]
    assert aborted["server"]["host"] == "compute-1" and aborted["server"]["status"] == "ACTIVE"
    assert aborted["migration"]["status"] == "cancelled"
    assert [(a["mode"], a["outcome"]) for a in aborted["attempts"]] == [("live", "aborted")]
    server = next(s for s in state["servers"] if s["uuid"] == ids["db-1"])
    assert server["status"] == "ACTIVE" and server["host"] == "compute-1"
    assert [m["status"] for m in records_of(state, ids["db-1"])] == ["cancelled"]


def test_an_abort_is_followed_by_a_cold_migration_with_both_attempts(stall_run):
    run, state, _counters, _seen, ids = stall_run
    moved = run.results["fallback"]
    assert not moved.get("failed"), moved.get("msg")
    assert moved["changed"] is True and moved["mode"] == "cold"
    assert moved["mode_reason"].startswith("live failed (aborted after the copy stalled at")
    assert [(a["mode"], a["outcome"]) for a in moved["attempts"]] == [("live", "aborted"), ("cold", "succeeded")]
    assert moved["attempts"][0]["migration"]["status"] == "cancelled"
    assert moved["server"]["host"] == "compute-3" and moved["server"]["status"] == "ACTIVE"
    assert [(m["migration_type"], m["status"]) for m in records_of(state, ids["api-1"])] == [
        ("live-migration", "cancelled"), ("migration", "confirmed")]


def test_an_oscillation_that_converges_is_not_a_stall(stall_run):
    run, state, counters, seen, ids = stall_run
    assert seen, "the mock never showed the remaining bytes rising above their low"
    converging = run.results["converging"]
    assert not converging.get("failed"), converging.get("msg")
    assert converging["server"]["host"] == "compute-2"
    assert [m["status"] for m in records_of(state, ids["edge-1"])] == ["completed"]
    # One force complete (web-1) and two aborts (db-1, api-1): nothing for edge-1.
    assert counters.get(FORCE_ROUTE, 0) == 1
    assert counters.get(ABORT_ROUTE, 0) == 2
