"""Moves as a real Nova 34 showed them to the conformance suite (tests/conformance): the order of a live
migration's last steps, and the instance actions and events of cold and live migrations, confirm, revert,
force complete and abort, with 2.58 paging."""

from mock_cloud_helpers import nova_error, wait_for

AUTO = {"host": None, "block_migration": "auto"}


def _disable(mock_cloud, host, reason="maintenance"):
    services = mock_cloud.compute("GET", "/os-services?host=%s" % host, microversion="2.53")[2]["services"]
    status, _ignored, body = mock_cloud.compute("PUT", "/os-services/%s" % services[0]["id"],
                                                {"status": "disabled", "disabled_reason": reason}, microversion="2.53")
    assert status == 200, body


def _action(mock_cloud, server_id, body, microversion="2.80", user="admin"):
    status, _ignored, reply = mock_cloud.compute("POST", "/servers/%s/action" % server_id, body,
                                                 microversion=microversion, user=user)
    assert status in (202, 204), reply


def _migration(mock_cloud, server_id):
    body = mock_cloud.compute("GET", "/os-migrations?instance_uuid=%s" % server_id, microversion="2.80")[2]
    # no record yet: the conductor creates a cold migration's a moment after the API answered
    return body["migrations"][0] if body["migrations"] else {"status": None}


def _server(mock_cloud, server_id):
    return mock_cloud.compute("GET", "/servers/%s" % server_id, microversion="2.96")[2]["server"]


def _events(mock_cloud, server_id, action, microversion="2.84"):
    """(event, host) of the newest ``action`` of the server, newest event first as Nova lists them."""
    actions = mock_cloud.compute("GET", "/servers/%s/os-instance-actions" % server_id, microversion=microversion)[2]
    request_id = next(a["request_id"] for a in actions["instanceActions"] if a["action"] == action)
    shown = mock_cloud.compute("GET", "/servers/%s/os-instance-actions/%s" % (server_id, request_id),
                               microversion=microversion)[2]["instanceAction"]
    return [(e["event"], e.get("host"), e["result"]) for e in shown["events"]]


# live migration's last steps ----------------------------------------------------------------------------------------
def test_live_migration_server_settles_before_the_record_completes(mock_cloud):
    # post_live_migration_at_destination moves the server first; the source marks the record completed after
    server_id = mock_cloud.server_id("web-1")
    _action(mock_cloud, server_id, {"os-migrateLive": dict(AUTO, host="compute-3")})
    wait_for(lambda: _migration(mock_cloud, server_id)["status"] == "completed", timeout=10)
    assert _server(mock_cloud, server_id)["OS-EXT-SRV-ATTR:host"] == "compute-3"
    assert mock_cloud.history(server_id)[-3:] == [
        ("MIGRATING", "migrating", "running"), ("ACTIVE", None, "running"), ("ACTIVE", None, "completed")]


# instance actions and events ----------------------------------------------------------------------------------------
def test_cold_migration_confirm_and_revert_events(mock_cloud):
    web, stopped = mock_cloud.server_id("web-1"), mock_cloud.server_id("web-2")
    _action(mock_cloud, web, {"migrate": {"host": "compute-3"}}, "2.56")
    _action(mock_cloud, stopped, {"migrate": {"host": "compute-2"}}, "2.56")
    for server_id in (web, stopped):
        wait_for(lambda s=server_id: _server(mock_cloud, s)["status"] == "VERIFY_RESIZE", timeout=10)
    assert _events(mock_cloud, web, "migrate") == [
        ("compute_finish_resize", "compute-3", "Success"), ("compute_resize_instance", "compute-1", "Success"),
        ("compute_prep_resize", "compute-3", "Success"), ("cold_migrate", "controller", "Success"),
        ("conductor_migrate_server", "controller", "Success")]
    _action(mock_cloud, web, {"confirmResize": None}, "2.1")
    _action(mock_cloud, stopped, {"revertResize": None}, "2.1")
    wait_for(lambda: _server(mock_cloud, web)["status"] == "ACTIVE", timeout=10)
    wait_for(lambda: _migration(mock_cloud, stopped)["status"] == "reverted"
             and not _server(mock_cloud, stopped)["OS-EXT-STS:task_state"], timeout=10)
    assert _events(mock_cloud, web, "confirmResize") == [("compute_confirm_resize", "compute-1", "Success")]
    # a stopped server is stopped again on its source after the revert
    assert _events(mock_cloud, stopped, "revertResize") == [
        ("compute_stop_instance", "compute-1", "Success"), ("compute_finish_revert_resize", "compute-1", "Success"),
        ("compute_revert_resize", "compute-2", "Success")]


def test_live_migration_force_complete_and_abort_events(mock_cloud):
    web, api = mock_cloud.server_id("web-1"), mock_cloud.server_id("api-1")
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="running")
    mock_cloud.add_fault("migration_stuck", server="api-1", phase="running")
    _action(mock_cloud, web, {"os-migrateLive": dict(AUTO, host="compute-2")})
    _action(mock_cloud, api, {"os-migrateLive": dict(AUTO, host="compute-3")})
    for server_id in (web, api):
        wait_for(lambda s=server_id: _migration(mock_cloud, s)["status"] == "running", timeout=10)
    assert mock_cloud.compute("POST", "/servers/%s/migrations/%s/action" % (web, _migration(mock_cloud, web)["id"]),
                              {"force_complete": None}, microversion="2.22")[0] == 202
    assert mock_cloud.compute("DELETE", "/servers/%s/migrations/%s" % (api, _migration(mock_cloud, api)["id"]),
                              microversion="2.24")[0] == 202
    wait_for(lambda: _migration(mock_cloud, web)["status"] == "completed", timeout=10)
    wait_for(lambda: _migration(mock_cloud, api)["status"] == "cancelled", timeout=10)

    def started(source, dest):
        # newest first: the dest's pre_live_migration starts after the source's live_migration returned
        return [("compute_pre_live_migration", dest, "Success"), ("compute_live_migration", source, "Success"),
                ("compute_check_can_live_migrate_source", source, "Success"),
                ("compute_check_can_live_migrate_destination", dest, "Success"),
                ("conductor_live_migrate_instance", "controller", "Success")]
    assert _events(mock_cloud, web, "live-migration") == [
        ("compute_post_live_migration_at_destination", "compute-2", "Success"), *started("compute-1", "compute-2")]
    assert _events(mock_cloud, web, "live_migration_force_complete") == [
        ("compute_live_migration_force_complete", "compute-1", "Success")]
    assert _events(mock_cloud, api, "live-migration") == started("compute-4", "compute-3")
    assert _events(mock_cloud, api, "live_migration_cancel") == [
        ("compute_live_migration_abort", "compute-4", "Success")]


def test_instance_action_paging_and_filters(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    for body in ({"os-stop": None}, {"os-start": None}):
        _action(mock_cloud, server_id, body, "2.1")
        wait_for(lambda: not _server(mock_cloud, server_id)["OS-EXT-STS:task_state"], timeout=10)
    base = "/servers/%s/os-instance-actions" % server_id

    def listing(query, microversion="2.58"):
        return mock_cloud.compute("GET", base + query, microversion=microversion)

    everything = listing("")[2]["instanceActions"]
    assert [a["action"] for a in everything] == ["start", "stop", "create"]
    status, _ignored, body = listing("?limit=1")
    assert [a["action"] for a in body["instanceActions"]] == ["start"]
    assert body["links"] == [{"rel": "next", "href": "%s/v2.1%s?limit=1&marker=%s"
                              % (mock_cloud.url, base, everything[0]["request_id"])}]
    body = listing("?marker=%s" % everything[0]["request_id"])[2]
    assert [a["action"] for a in body["instanceActions"]] == ["stop", "create"] and "links" not in body
    assert len(listing("?limit=1", "2.57")[2]["instanceActions"]) == 3      # no paging before 2.58
    assert [a["action"] for a in listing("?changes-since=%s" % everything[1]["updated_at"])[2]["instanceActions"]] == [
        "start", "stop"]
    assert listing("?changes-before=2000-01-01T00:00:00Z", "2.66")[2]["instanceActions"] == []
    assert listing("?changes-before=2000-01-01T00:00:00Z", "2.58")[0] == 400
    status, _ignored, body = listing("?marker=req-nope")
    assert (status, nova_error(body)[2]) == (400, "Marker None could not be found.")   # sic: Nova's own wording
    status, _ignored, body = listing("?frobnicate=1")
    assert (status, nova_error(body)[2]) == (400, "Additional properties are not allowed ('frobnicate' was unexpected)")
    status, _ignored, body = mock_cloud.compute("GET", base + "/req-nope", microversion="2.1")
    assert (status, nova_error(body)[2]) == (404, "Action req-nope not found")


def test_live_migration_record_names_the_source_node_once_scheduled(mock_cloud):
    # the conductor creates the record with the source host only; its task adds the nodes after scheduling
    _disable(mock_cloud, "compute-3")
    server_id = mock_cloud.server_id("web-1")
    _action(mock_cloud, server_id, {"os-migrateLive": dict(AUTO, host="compute-3")})
    migration = wait_for(lambda: (m := _migration(mock_cloud, server_id))["status"] == "error" and m, timeout=10)
    assert (migration["source_compute"], migration["source_node"]) == ("compute-1", None)
    assert migration["dest_compute"] is None and migration["dest_node"] is None
    _action(mock_cloud, server_id, {"os-migrateLive": dict(AUTO, host="compute-2")})
    migration = wait_for(lambda: (m := _migration(mock_cloud, server_id))["status"] == "completed" and m, timeout=10)
    assert (migration["source_node"], migration["dest_node"]) == ("compute-1", "compute-2")


def test_force_completed_server_also_settles_before_its_record(mock_cloud):
    mock_cloud.add_fault("migration_stuck", server="web-1", phase="running")
    server_id = mock_cloud.server_id("web-1")
    _action(mock_cloud, server_id, {"os-migrateLive": dict(AUTO, host="compute-2")})
    migration = wait_for(lambda: (m := _migration(mock_cloud, server_id))["status"] == "running" and m, timeout=10)
    assert mock_cloud.compute("POST", "/servers/%s/migrations/%s/action" % (server_id, migration["id"]),
                              {"force_complete": None}, microversion="2.22")[0] == 202
    wait_for(lambda: _migration(mock_cloud, server_id)["status"] == "completed", timeout=10)
    assert mock_cloud.history(server_id)[-3:] == [
        ("MIGRATING", "migrating", "running"), ("ACTIVE", None, "running"), ("ACTIVE", None, "completed")]


def test_cold_migration_record_fails_before_the_server_is_reset(mock_cloud):
    # the migrate task's rollback marks the record; the conductor resets the server after it
    _disable(mock_cloud, "compute-3")
    server_id = mock_cloud.server_id("web-1")
    _action(mock_cloud, server_id, {"migrate": {"host": "compute-3"}}, "2.56")
    wait_for(lambda: _migration(mock_cloud, server_id)["status"] == "error" and
             _server(mock_cloud, server_id)["status"] == "ACTIVE", timeout=10)
    assert mock_cloud.history(server_id) == [
        ("RESIZE", "resize_prep", None), ("RESIZE", "resize_prep", "pre-migrating"),
        ("RESIZE", "resize_prep", "error"), ("ACTIVE", None, "error")]
    assert _events(mock_cloud, server_id, "migrate") == [
        ("cold_migrate", "controller", "Error"), ("conductor_migrate_server", "controller", "Error")]


def test_confirmed_record_comes_before_the_active_server(mock_cloud):
    # the source's confirm drops its claim (record confirmed) before the instance is saved ACTIVE
    server_id = mock_cloud.server_id("web-1")
    _action(mock_cloud, server_id, {"migrate": {"host": "compute-3"}}, "2.56")
    wait_for(lambda: _server(mock_cloud, server_id)["status"] == "VERIFY_RESIZE", timeout=15)
    _action(mock_cloud, server_id, {"confirmResize": None}, "2.1")
    wait_for(lambda: _server(mock_cloud, server_id)["status"] == "ACTIVE", timeout=10)
    assert mock_cloud.history(server_id)[-3:] == [
        ("VERIFY_RESIZE", None, "confirming"), ("VERIFY_RESIZE", None, "confirmed"), ("ACTIVE", None, "confirmed")]
