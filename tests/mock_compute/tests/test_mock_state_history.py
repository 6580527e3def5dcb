"""The control API's state history: every state a move went through, also those no request happened to see."""

import time

from mock_cloud_helpers import wait_for


def _server(mock_cloud, server_id):
    return mock_cloud.compute("GET", "/servers/%s" % server_id, microversion="2.96")[2]["server"]


def test_cold_migration_and_confirm_states_without_polling(mock_cloud):
    mock_cloud.config(migration_seconds=0.3)
    server_id = mock_cloud.server_id("web-1")
    assert mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"migrate": {"host": "compute-3"}},
                              microversion="2.56")[0] == 202
    time.sleep(1.0)          # nobody looks while it moves: the engine runs the steps at the next request
    assert _server(mock_cloud, server_id)["status"] == "VERIFY_RESIZE"
    assert mock_cloud.history(server_id) == [
        ("RESIZE", "resize_prep", None), ("RESIZE", "resize_prep", "pre-migrating"),
        ("RESIZE", "resize_migrating", "migrating"), ("RESIZE", "resize_migrated", "post-migrating"),
        ("RESIZE", "resize_finish", "post-migrating"), ("VERIFY_RESIZE", None, "finished")]
    assert mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"confirmResize": None})[0] == 204
    wait_for(lambda: _server(mock_cloud, server_id)["status"] == "ACTIVE")
    assert mock_cloud.history(server_id)[-3:] == [
        ("VERIFY_RESIZE", None, "confirming"), ("VERIFY_RESIZE", None, "confirmed"), ("ACTIVE", None, "confirmed")]


def test_history_reads_after_a_cursor_and_starts_over_on_reset(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    assert mock_cloud.history(server_id) == []
    mock_cloud.compute("POST", "/servers/%s/action" % server_id, {"migrate": None})
    wait_for(lambda: _server(mock_cloud, server_id)["status"] == "VERIFY_RESIZE")
    last = mock_cloud._control("GET", "/history?server=%s" % server_id)["last_sequence"]
    assert mock_cloud.history(server_id, after=last) == []
    status, _ignored, body = mock_cloud.request("GET", "/mock/history?server=%s&after=soon" % server_id)
    assert status == 400 and "'after' must be an integer" in str(body)
    mock_cloud.reset()
    assert mock_cloud.history(server_id) == [] and mock_cloud.history(mock_cloud.server_id("web-1")) == []
