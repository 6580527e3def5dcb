"""A running live migration's byte counters, the live_migration_stall fault, and force complete / abort of a
stalled migration, through openstacksdk."""

import itertools
import time

import openstack
import pytest
from mock_cloud_helpers import find_server, wait_for, wait_status
from mock_compute.testing import mock_cloud_in_process

MIB = 1024 * 1024
GIB = 1024 * MIB
SMALL_RAM = 2048 * MIB          # m1.small, which web-1 has
SMALL_DISK = 20 * GIB


@pytest.fixture(scope="module")
def slow_cloud():
    """A mock whose migrations run long enough for a poller to see the copy move."""
    with mock_cloud_in_process(migration_seconds=2.0) as handle:
        yield handle


@pytest.fixture
def slow(slow_cloud):
    slow_cloud.reset()
    return slow_cloud


@pytest.fixture
def conn(slow_cloud):
    return slow_cloud.connect("mock-admin")


def _start(conn, name, block_migration, host="compute-2"):
    server = find_server(conn, name)
    conn.compute.live_migrate_server(server, host=host, block_migration=block_migration)
    migration = wait_for(lambda: [m for m in conn.compute.server_migrations(server) if m.status == "running"])[0]
    return server, migration


def _sample(conn, migration, server):
    """The migration while it runs; None once Nova no longer shows it (404: not in progress)."""
    try:
        current = conn.compute.get_server_migration(migration, server)
    except openstack.exceptions.NotFoundException:
        return None
    return current if current.status == "running" else None


def _record(mock, server_id):
    return [m for m in mock.state()["migrations"] if m["instance_uuid"] == server_id][-1]


def test_counters_fall_memory_after_disks(slow, conn):
    server, migration = _start(conn, "web-1", "auto")
    assert (migration.memory_total_bytes, migration.disk_total_bytes) == (SMALL_RAM, SMALL_DISK)
    samples = []
    while (current := _sample(conn, migration, server)) is not None:
        samples.append((current.disk_remaining_bytes, current.memory_remaining_bytes, current.memory_processed_bytes))
        time.sleep(0.02)
    assert len({s[:2] for s in samples}) > 2, samples
    for (disk, memory, processed), (next_disk, next_memory, next_processed) in itertools.pairwise(samples):
        assert next_disk <= disk and next_memory <= memory and next_processed >= processed
    for disk, memory, processed in samples:
        assert memory + processed == SMALL_RAM
        assert disk == 0 or memory == SMALL_RAM          # libvirt mirrors the disks before it copies memory
    done = wait_status(conn, server, "ACTIVE")
    assert done.compute_host == "compute-2"
    record = wait_for(lambda: (r := _record(slow, server.id))["status"] == "completed" and r)
    assert (record["memory_remaining"], record["disk_remaining"]) == (0, 0)


def test_without_block_migration_only_memory_is_counted(slow, conn):
    _ignored, migration = _start(conn, "web-1", False)
    assert (migration.disk_total_bytes, migration.disk_remaining_bytes) == (0, 0)
    assert migration.memory_total_bytes == SMALL_RAM


def test_a_stall_freezes_the_counters_until_the_fault_goes(slow, conn):
    fault = slow.add_fault("live_migration_stall", server="web-1", at_percent=75)
    server, migration = _start(conn, "web-1", False)
    frozen = wait_for(lambda: (m := _sample(conn, migration, server)) and m.memory_remaining_bytes == SMALL_RAM // 4
                      and m)
    for _ignored in range(5):
        time.sleep(0.1)
        again = conn.compute.get_server_migration(migration, server)
        assert (again.status, again.memory_remaining_bytes, again.memory_processed_bytes) == (
            "running", frozen.memory_remaining_bytes, frozen.memory_processed_bytes)
    stalled = conn.compute.get_server(server)
    assert (stalled.status, stalled.progress, stalled.compute_host) == ("MIGRATING", 75, "compute-1")

    slow.delete_fault(fault["id"])
    assert wait_status(conn, server, "ACTIVE").compute_host == "compute-2"
    wait_for(lambda: _record(slow, server.id)["status"] == "completed")


def test_a_stall_during_the_disk_copy_holds_memory_untouched(slow, conn):
    slow.add_fault("live_migration_stall", server="web-1", at_percent=25)
    server, migration = _start(conn, "web-1", True)
    frozen = wait_for(lambda: (m := _sample(conn, migration, server)) and m.disk_remaining_bytes == SMALL_DISK // 2
                      and m)
    assert (frozen.memory_remaining_bytes, frozen.memory_processed_bytes) == (SMALL_RAM, 0)


def test_an_oscillating_stall_sends_without_converging(slow, conn):
    slow.add_fault("live_migration_stall", server="web-1", at_percent=50, mode="oscillate")
    server, migration = _start(conn, "web-1", False)
    seen = set()
    processed = []

    def swinging():
        current = _sample(conn, migration, server)
        assert current is not None, "the stalled migration left running"
        assert current.memory_remaining_bytes >= SMALL_RAM // 2       # never below where the copy stalled
        seen.add(current.memory_remaining_bytes)
        processed.append(current.memory_processed_bytes)
        return len(seen) > 3 and processed[-1] > SMALL_RAM // 2

    wait_for(swinging)
    assert processed == sorted(processed)      # the guest's dirty pages are sent again and again
    assert conn.compute.get_server(server).status == "MIGRATING"


def test_force_complete_finishes_a_stalled_migration(slow, conn):
    slow.add_fault("live_migration_stall", server="web-1", at_percent=75)
    server, migration = _start(conn, "web-1", "auto")
    wait_for(lambda: (m := _sample(conn, migration, server)) and m.disk_remaining_bytes == 0
             and m.memory_remaining_bytes < SMALL_RAM)
    conn.compute.force_complete_server_migration(migration, server)
    done = wait_status(conn, server, "ACTIVE")
    assert (done.compute_host, done.task_state) == ("compute-2", None)
    record = wait_for(lambda: (r := _record(slow, server.id))["status"] == "completed" and r)
    assert (record["memory_remaining"], record["disk_remaining"]) == (0, 0)
    assert [f["kind"] for f in slow.faults()] == ["live_migration_stall"]    # the fault did not end it


def test_abort_of_a_stalled_migration_leaves_the_server_on_its_source(slow, conn):
    slow.add_fault("live_migration_stall", server="web-1", at_percent=60)
    server, migration = _start(conn, "web-1", False)
    wait_for(lambda: (m := _sample(conn, migration, server)) and m.memory_remaining_bytes < SMALL_RAM)
    conn.compute.abort_server_migration(migration, server)
    done = wait_status(conn, server, "ACTIVE")
    assert (done.compute_host, done.task_state, done.vm_state) == ("compute-1", None, "active")
    assert [m.status for m in conn.compute.migrations(instance_uuid=server.id)] == ["cancelled"]
    assert list(conn.compute.server_migrations(server)) == []
    actions = {a.action: a for a in conn.compute.server_actions(server) if a.action != "create"}
    assert set(actions) == {"live-migration", "live_migration_cancel"}
    assert all(a.message is None for a in actions.values())


@pytest.mark.parametrize("spec, error", [
    ({"mode": "slow"}, "'mode' must be one of: freeze, oscillate"),
    ({"at_percent": 96}, "'at_percent' must be between 0 and 95"),
    ({"at_percent": "50"}, "'at_percent' must be an integer"),
])
def test_stall_fault_specs_are_checked(mock_cloud, spec, error):
    status, _ignored, body = mock_cloud.request("POST", "/mock/faults", {"kind": "live_migration_stall", **spec})
    assert status == 400 and error in str(body)
