"""Live migration, abort and force-complete through openstacksdk."""

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status


def _live_migration(mock_cloud, server_id):
    state = mock_cloud.state()
    return [m for m in state["migrations"] if m["instance_uuid"] == server_id and m["migration_type"] == "live-migration"][-1]


def test_live_migrate_without_host(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.live_migrate_server(server, block_migration="auto")
    assert admin_conn.compute.get_server(server).status == "MIGRATING"
    running = wait_for(lambda: [m for m in admin_conn.compute.server_migrations(server) if m.status == "running"])
    assert running[0].memory_total_bytes == 2048 * 1024 * 1024
    assert running[0].source_compute == "compute-1" and running[0].dest_compute
    done = wait_status(admin_conn, server, "ACTIVE")
    assert done.compute_host == running[0].dest_compute != "compute-1"
    assert done.task_state is None
    # as in Nova, the record completes a moment after the server settled on the destination
    wait_for(lambda: _live_migration(mock_cloud, server.id)["status"] == "completed")
    assert list(admin_conn.compute.server_migrations(server)) == []


def test_paused_server_stays_paused(mock_cloud, admin_conn):
    server = find_server(admin_conn, "cache-1")
    admin_conn.compute.live_migrate_server(server, host="compute-3", block_migration="auto")
    assert admin_conn.compute.get_server(server).status == "MIGRATING"
    done = wait_status(admin_conn, server, "PAUSED")
    assert done.compute_host == "compute-3"
    assert done.power_state == 3


def test_abort_returns_server_to_source(mock_cloud, admin_conn):
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="running")
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.live_migrate_server(server, host="compute-2", block_migration="auto")
    migration = wait_for(lambda: [m for m in admin_conn.compute.server_migrations(server) if m.status == "running"])[0]
    admin_conn.compute.abort_server_migration(migration, server)
    done = wait_status(admin_conn, server, "ACTIVE")
    assert done.compute_host == "compute-1"
    assert _live_migration(mock_cloud, server.id)["status"] == "cancelled"


def test_force_complete_finishes_a_stuck_migration(mock_cloud, admin_conn):
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="running")
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.live_migrate_server(server, host="compute-2", block_migration="auto")
    migration = wait_for(lambda: [m for m in admin_conn.compute.server_migrations(server) if m.status == "running"])[0]
    admin_conn.compute.force_complete_server_migration(migration, server)
    done = wait_status(admin_conn, server, "ACTIVE", timeout=3)
    assert done.compute_host == "compute-2"
    # a forced completion too: the record completes a moment after the server settled
    wait_for(lambda: _live_migration(mock_cloud, server.id)["status"] == "completed")


def test_abort_and_force_complete_preconditions(mock_cloud):
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="queued")
    server_id = mock_cloud.server_id("web-1")
    status, _ignored, _ignored = mock_cloud.compute("POST", "/servers/%s/action" % server_id,
                                                    {"os-migrateLive": {"host": None, "block_migration": "auto"}}, microversion="2.30")
    assert status == 202
    migration = wait_for(lambda: (m := _live_migration(mock_cloud, server_id))["status"] == "queued" and m)
    path = "/servers/%s/migrations/%d" % (server_id, migration["id"])

    status, _ignored, body = mock_cloud.compute("POST", path + "/action", {"force_complete": None}, microversion="2.22")
    assert (status, nova_error(body)[2]) == (400, "Migration %d state of instance %s is queued. Cannot force complete "
                                                  "while the migration is in this state." % (migration["id"], server_id))
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/migrations/%s/action" % (server_id, migration["uuid"]),
                                                {"force_complete": None}, microversion="2.22")
    assert status == 400                                   # tempest passes the uuid; Nova wants the integer id
    status, _ignored, body = mock_cloud.compute("POST", path + "/action", {"force_complete": "null"}, microversion="2.22")
    assert status == 400 and "is not of type 'null'" in nova_error(body)[2]
    status, _ignored, body = mock_cloud.compute("POST", path + "/action", {"force_complete": None}, microversion="2.21")
    assert (status, nova_error(body)[0]) == (404, "itemNotFound")

    status, _ignored, body = mock_cloud.compute("DELETE", path, microversion="2.64")       # queued abort needs 2.65
    assert status == 400 and "Cannot abort live migration" in nova_error(body)[2]
    status, _ignored, body = mock_cloud.compute("DELETE", "/servers/%s/migrations/999" % server_id, microversion="2.65")
    assert (status, nova_error(body)[2]) == (404, "Migration 999 not found for instance %s" % server_id)
    assert mock_cloud.compute("DELETE", path, microversion="2.65")[0] == 202
    assert _live_migration(mock_cloud, server_id)["status"] == "cancelled"

    status, _ignored, body = mock_cloud.compute("DELETE", path, microversion="2.65")
    assert status == 409
    assert nova_error(body)[2] == ("Instance %s is in an invalid state for 'abort live migration'" % server_id)


def test_schema_per_microversion(mock_cloud):
    server_id = mock_cloud.server_id("web-1")

    def live(body, version):
        return mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"os-migrateLive": body}, microversion=version)

    status, _ignored, body = live({"host": None, "block_migration": "auto"}, "2.24")
    assert status == 400 and "'auto' is not one of" in nova_error(body)[2]
    status, _ignored, body = live({"host": None, "block_migration": False}, "2.24")
    assert status == 400
    assert nova_error(body)[2] == ("Invalid input for field/attribute os-migrateLive. Value: {'host': None, "
                                   "'block_migration': False}. 'disk_over_commit' is a required property")
    status, _ignored, body = live({"block_migration": "auto"}, "2.30")
    assert status == 400 and "'host' is a required property" in nova_error(body)[2]
    status, _ignored, body = live({"host": None, "block_migration": "auto", "force": True}, "2.30")
    assert (status, nova_error(body)[2]) == (400, "Can't force to a non-provided destination")
    status, _ignored, body = live({"host": "compute-2", "block_migration": "auto", "force": True}, "2.68")
    assert status == 400 and "('force' was unexpected)" in nova_error(body)[2]
    status, _ignored, body = live({"host": "compute-99", "block_migration": "auto"}, "2.68")
    assert (status, nova_error(body)[2]) == (400, "Compute host compute-99 could not be found.")
    stopped = mock_cloud.server_id("web-2")
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/action" % stopped,
                                                {"os-migrateLive": {"host": None, "block_migration": "auto"}}, microversion="2.68")
    assert (status, nova_error(body)[2]) == (409, "Cannot 'os-migrateLive' instance %s while it is in vm_state stopped"
                                             % stopped)


def test_prechecks_are_synchronous_before_2_34(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    body = {"os-migrateLive": {"host": "compute-1", "block_migration": "auto", "force": False}}
    status, _ignored, error = mock_cloud.compute("POST", "/servers/%s/action" % server_id, body, microversion="2.33")
    # not forced, the server's own host goes through the scheduler, which never offers the source
    assert (status, nova_error(error)[2]) == (400, "No valid host was found. There are not enough hosts available.")
    # the conductor failed its record, as from 2.34, before the API answered
    failed = _live_migration(mock_cloud, server_id)
    assert (failed["status"], failed["dest_compute"]) == ("error", None)      # not forced: the scheduler was to check it
    record = next(s for s in mock_cloud.state()["servers"] if s["uuid"] == server_id)
    assert (record["status"], record["task_state"]) == ("ACTIVE", None)

    status, _ignored, _ignored = mock_cloud.compute("POST", "/servers/%s/action" % server_id, body, microversion="2.34")
    assert status == 202
    wait_for(lambda: _live_migration(mock_cloud, server_id)["status"] == "error")
    record = next(s for s in mock_cloud.state()["servers"] if s["uuid"] == server_id)
    assert (record["status"], record["host"]) == ("ACTIVE", "compute-1")


def test_forced_onto_its_own_host(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    body = {"os-migrateLive": {"host": "compute-1", "block_migration": "auto", "force": True}}
    status, _ignored, error = mock_cloud.compute("POST", "/servers/%s/action" % server_id, body, microversion="2.30")
    assert (status, nova_error(error)[2]) == (400, "Unable to migrate instance (%s) to current host (compute-1)." % server_id)
    failed = _live_migration(mock_cloud, server_id)
    assert (failed["status"], failed["dest_compute"]) == ("error", "compute-1")


def test_server_migrations_hide_cold_migrations(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    assert list(admin_conn.compute.server_migrations(server)) == []
    migration_id = wait_for(lambda: list(admin_conn.compute.migrations(server_id=server.id)))[0].id
    with pytest.raises(openstack.exceptions.NotFoundException, match="is not live-migration"):
        admin_conn.compute.get_server_migration(migration_id, server, ignore_missing=False)
    wait_status(admin_conn, server, "VERIFY_RESIZE")
