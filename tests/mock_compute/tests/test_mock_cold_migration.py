"""Cold migration, confirm and revert through openstacksdk (and raw requests for the error paths)."""

import re

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status

RUNNING, SHUTDOWN = 1, 4


def _latest_migration(conn, server):
    migrations = list(conn.compute.migrations(server_id=server.id, migration_type="migration"))
    return max(migrations, key=lambda m: m.id, default=None)     # None until the conductor created it


@pytest.mark.parametrize(("name", "final_status", "final_power"),
                         [("web-1", "ACTIVE", RUNNING), ("web-2", "SHUTOFF", SHUTDOWN)])
def test_migrate_without_host_then_confirm(mock_cloud, admin_conn, name, final_status, final_power):
    server = find_server(admin_conn, name)
    source = server.compute_host
    admin_conn.compute.migrate_server(server)
    resizing = admin_conn.compute.get_server(server)
    assert resizing.status == "RESIZE"
    # Nova's cold-migration task states, in order; a loaded machine may read the server after the first one.
    assert resizing.task_state in ("resize_prep", "resize_migrating", "resize_migrated", "resize_finish")

    verify = wait_status(admin_conn, server, "VERIFY_RESIZE")
    assert verify.compute_host != source
    assert verify.vm_state == "resized"
    assert verify.power_state == final_power      # powered on at the destination only if it was ACTIVE
    assert _latest_migration(admin_conn, server).status == "finished"

    admin_conn.compute.confirm_server_resize(server)
    done = wait_status(admin_conn, server, final_status)
    assert done.compute_host == verify.compute_host
    assert done.power_state == final_power
    migration = wait_for(lambda: (m := _latest_migration(admin_conn, server)).status == "confirmed" and m)
    assert (migration.source_compute, migration.dest_compute) == (source, done.compute_host)


@pytest.mark.parametrize(("name", "final_status", "final_power"),
                         [("web-1", "ACTIVE", RUNNING), ("web-2", "SHUTOFF", SHUTDOWN)])
def test_migrate_to_host_then_revert(mock_cloud, admin_conn, name, final_status, final_power):
    server = find_server(admin_conn, name)
    source = server.compute_host
    admin_conn.compute.migrate_server(server, host="compute-3")
    verify = wait_status(admin_conn, server, "VERIFY_RESIZE")
    assert verify.compute_host == "compute-3"

    admin_conn.compute.revert_server_resize(server)
    # Revert is asynchronous and short; a loaded machine may read the server only after it finished, or (a stopped
    # server) while Nova stops it again on the source, still VERIFY_RESIZE with task powering-off.
    reverting = admin_conn.compute.get_server(server)
    stopping_again = ("VERIFY_RESIZE",) if final_status == "SHUTOFF" else ()
    assert reverting.status in ("REVERT_RESIZE", final_status, *stopping_again)
    done = wait_status(admin_conn, server, final_status)
    assert done.compute_host == source
    assert done.power_state == final_power
    assert _latest_migration(admin_conn, server).status == "reverted"


def test_a_stopped_server_is_stopped_again_after_its_revert(mock_cloud, admin_conn):
    # Nova's finish_revert_resize leaves the server resized while it stops the guest again (powering-off)
    server = find_server(admin_conn, "web-2")
    admin_conn.compute.migrate_server(server, host="compute-3")
    wait_status(admin_conn, server, "VERIFY_RESIZE")
    after = len(mock_cloud.history(server.id))
    admin_conn.compute.revert_server_resize(server)
    wait_status(admin_conn, server, "SHUTOFF")
    assert mock_cloud.history(server.id)[after:] == [
        ("REVERT_RESIZE", "resize_reverting", "reverting"), ("REVERT_RESIZE", "resize_reverting", "reverted"),
        ("VERIFY_RESIZE", "powering-off", "reverted"), ("SHUTOFF", None, "reverted")]


def test_intermediate_states_follow_nova(mock_cloud, admin_conn):
    """RESIZE throughout; no record until the conductor creates it; the host switches (and the guest is off) from
    post-migrating on."""
    mock_cloud.config(migration_seconds=1.5)
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    seen = set()

    def observe():
        state = mock_cloud.state()
        record = next(s for s in state["servers"] if s["uuid"] == server.id)
        migration = next((m for m in state["migrations"] if m["instance_uuid"] == server.id), {"status": None})
        seen.add((record["status"], record["task_state"], migration["status"], record["host"], record["power_state"]))
        return record["status"] == "VERIFY_RESIZE"

    wait_for(observe, timeout=10, interval=0.01)
    # every state it went through (polling may miss short ones on a busy machine), then what polling saw of each
    assert mock_cloud.history(server.id) == [
        ("RESIZE", "resize_prep", None), ("RESIZE", "resize_prep", "pre-migrating"),
        ("RESIZE", "resize_migrating", "migrating"), ("RESIZE", "resize_migrated", "post-migrating"),
        ("RESIZE", "resize_finish", "post-migrating"), ("VERIFY_RESIZE", None, "finished")]
    for status, task, migration_status, host, power in seen:
        if migration_status is None:
            assert (status, task, host, power) == ("RESIZE", "resize_prep", "compute-1", RUNNING)
        if migration_status in ("pre-migrating", "migrating"):
            assert (status, host, power) == ("RESIZE", "compute-1", RUNNING)
            assert task in ("resize_prep", "resize_migrating")
        if migration_status == "post-migrating":
            assert status == "RESIZE" and host != "compute-1" and power == SHUTDOWN
            assert task in ("resize_migrated", "resize_finish")


def test_placement_holds_both_hosts_until_confirm(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    providers = {rp.name: rp for rp in admin_conn.placement.resource_providers()}

    def vcpu_usage(host):
        _ignored, _ignored, body = mock_cloud.request("GET", "/placement/resource_providers/%s/usages" % providers[host].id,
                                                      headers={"X-Auth-Token": mock_cloud.token()})
        return body["usages"]["VCPU"]

    before, dest_before = vcpu_usage("compute-1"), vcpu_usage("compute-4")
    admin_conn.compute.migrate_server(server, host="compute-4")
    wait_status(admin_conn, server, "VERIFY_RESIZE")
    assert vcpu_usage("compute-1") == before                 # source still held by the migration
    assert vcpu_usage("compute-4") == dest_before + 1        # destination claimed by the server
    admin_conn.compute.confirm_server_resize(server)
    wait_status(admin_conn, server, "ACTIVE")
    assert vcpu_usage("compute-1") == before - 1


def test_auto_confirm_with_resize_confirm_window(mock_cloud, admin_conn):
    mock_cloud.config(resize_confirm_window=0.3)
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    wait_status(admin_conn, server, "VERIFY_RESIZE")
    done = wait_status(admin_conn, server, "ACTIVE")
    assert done.compute_host != "compute-1"
    assert _latest_migration(admin_conn, server).status == "confirmed"


def test_host_is_silently_ignored_below_2_56(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    status, headers, _ignored = mock_cloud.compute("POST", "/servers/%s/action" % server_id,
                                                   {"migrate": {"host": "no-such-host", "force": True}}, microversion="2.55")
    assert status == 202
    assert headers["OpenStack-API-Version"] == "compute 2.55"


def test_synchronous_errors(mock_cloud):
    web1 = mock_cloud.server_id("web-1")

    def migrate(server_id, body, version="2.56", user="admin"):
        return mock_cloud.compute("POST", "/servers/%s/action" % server_id, body, microversion=version, user=user)

    status, _ignored, body = migrate(web1, {"migrate": {"host": "compute-1"}})
    assert (status, nova_error(body)[2]) == (400, "Cannot migrate to the host where the server exists.")
    status, _ignored, body = migrate(web1, {"migrate": {"host": "compute-99"}})
    assert (status, nova_error(body)) == (400, ("badRequest", 400, "Compute host compute-99 could not be found."))
    status, _ignored, body = migrate(web1, {"migrate": {"host": "compute-2", "force": True}})
    assert status == 400
    assert nova_error(body)[2] == ("Invalid input for field/attribute migrate. Value: {'host': 'compute-2', 'force': True}."
                                   " Additional properties are not allowed ('force' was unexpected)")
    status, _ignored, body = migrate(web1, {"migrate": "compute-2"})
    assert status == 400 and "is not of type 'object', 'null'" in nova_error(body)[2]

    cache = mock_cloud.server_id("cache-1")
    status, _ignored, body = migrate(cache, {"migrate": None})
    assert (status, nova_error(body)) == (409, ("conflictingRequest", 409,
                                                "Cannot 'migrate' instance %s while it is in vm_state paused" % cache))
    shelved = mock_cloud.server_id("shelved-1")
    status, _ignored, body = migrate(shelved, {"migrate": None})
    assert status == 409 and "vm_state shelved_offloaded" in nova_error(body)[2]
    status, _ignored, body = migrate("0c3f7bf1-0000-4000-8000-000000000000", {"migrate": None})
    assert (status, nova_error(body)[0]) == (404, "itemNotFound")

    # Locks stop project managers, not admins (nova check_instance_lock).
    locked = mock_cloud.server_id("app-locked")
    status, _ignored, body = migrate(locked, {"migrate": None}, user="manager")
    assert (status, nova_error(body)[2]) == (409, "Instance %s is locked" % locked)
    assert migrate(locked, {"migrate": None})[0] == 202


def test_migrating_server_conflicts(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server)
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/action" % server.id, {"migrate": None})
    assert status == 409
    # whichever step the first migration has reached by now (resize_prep unless the machine is busy)
    assert re.fullmatch("Cannot 'migrate' instance %s while it is in task_state resize_(prep|migrating|migrated|finish)"
                        % server.id, nova_error(body)[2])
    wait_status(admin_conn, server, "VERIFY_RESIZE")
    with pytest.raises(openstack.exceptions.ConflictException, match="vm_state resized"):
        admin_conn.compute.migrate_server(server)
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/action" % mock_cloud.server_id("db-1"),
                                                {"confirmResize": None})
    assert (status, nova_error(body)[2]) == (409, "Cannot 'confirmResize' instance %s while it is in vm_state active"
                                             % mock_cloud.server_id("db-1"))


def test_az_pinned_server_stays_in_its_zone(mock_cloud, admin_conn):
    pinned = find_server(admin_conn, "db-1")          # pinned to nova
    admin_conn.compute.migrate_server(pinned)
    verify = wait_status(admin_conn, pinned, "VERIFY_RESIZE")
    assert verify.compute_host in ("compute-2", "compute-3", "compute-4", "compute-10")

    lonely = find_server(admin_conn, "az2-app-1")      # pinned to az2, which has a single host
    admin_conn.compute.migrate_server(lonely)
    migration = wait_for(lambda: (m := _latest_migration(admin_conn, lonely)) and m.status == "error" and m)
    assert migration.dest_compute is None
    back = wait_status(admin_conn, lonely, "ACTIVE")
    assert back.compute_host == "compute-az2-1"
    actions = list(admin_conn.compute.server_actions(lonely))
    assert actions[0].action == "migrate" and actions[0].message == "Error"


def test_named_disabled_host_fails_asynchronously(mock_cloud, admin_conn):
    service = next(admin_conn.compute.services(host="compute-3", binary="nova-compute"))
    admin_conn.compute.disable_service(service, disabled_reason="maintenance")
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(server, host="compute-3")      # accepted: the scheduler decides later
    migration = wait_for(lambda: (m := _latest_migration(admin_conn, server)) and m.status == "error" and m)
    assert migration.source_compute == "compute-1"
    assert wait_status(admin_conn, server, "ACTIVE").compute_host == "compute-1"


def test_resize_changes_flavor_and_revert_restores_it(mock_cloud, admin_conn):
    server = find_server(admin_conn, "web-1")
    admin_conn.compute.resize_server(server, "3")
    verify = wait_status(admin_conn, server, "VERIFY_RESIZE")
    assert verify.flavor.original_name == "m1.medium"
    migrations = list(admin_conn.compute.migrations(server_id=server.id))
    assert migrations[0].migration_type == "resize"
    assert (migrations[0].old_flavor_id, migrations[0].new_flavor_id) == (2, 3)
    admin_conn.compute.revert_server_resize(server)
    done = wait_status(admin_conn, server, "ACTIVE")
    assert done.flavor.original_name == "m1.small" and done.compute_host == "compute-1"
