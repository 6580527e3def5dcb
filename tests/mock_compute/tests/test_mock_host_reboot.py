"""Simulated reboots of compute hosts (``POST /mock/hosts/{host}/reboot``): the service's heartbeat and state, what
the moves of its servers meet, what the power sync does to them when nova-compute is back, and the host history.

Nothing here bounds wall-clock time: the tests wait for the host history's ``up`` and read the times it records.
"""

import datetime

import pytest
from mock_cloud_helpers import nova_error, wait_for
from mock_compute.testing import ControlError

# Long enough that the checks right after the reboot still find the host down on a loaded CI machine (0.4 s was
# not: a read came after the host was back).
DOWN_SECONDS = 3.0


def _service(mock, host):
    body = mock.compute("GET", "/os-services?host=%s&binary=nova-compute" % host, microversion="2.53")[2]
    return body["services"][0]


def _at(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f")


def _wait_up(mock, host, after=0):
    return wait_for(lambda: [e for e in mock.host_history(host, after) if e["event"] == "up"],
                    timeout=30, message="%s to come back" % host)


def _server(mock, name, microversion="2.16"):
    return mock.compute("GET", "/servers/%s" % mock.server_id(name), microversion=microversion)[2]["server"]


def _actions(mock, name):
    body = mock.compute("GET", "/servers/%s/os-instance-actions" % mock.server_id(name))[2]
    return [a["action"] for a in body["instanceActions"]]


def test_reboot_stops_heartbeats_then_the_power_sync_stops_the_guests(mock_cloud):
    reboot = mock_cloud.reboot_host("compute-1", DOWN_SECONDS)
    assert reboot["servers"] == "stop" and reboot["service_down_time"] == 0
    # the heartbeat stopped: down at once (service_down_time 0), updated_at stays at the last heartbeat
    service = _service(mock_cloud, "compute-1")
    assert service["state"] == "down" and service["updated_at"] == reboot["last_heartbeat"]
    assert service["status"] == "enabled" and service["forced_down"] is False
    # Nova's database still shows the guests as they were; an admin sees the host is unreachable
    web = _server(mock_cloud, "web-1")
    assert (web["status"], web["host_status"]) == ("ACTIVE", "UNKNOWN")
    hypervisor = mock_cloud.compute("GET", "/os-hypervisors/detail?hypervisor_hostname_pattern=compute-1",
                                    microversion="2.88")[2]["hypervisors"][0]
    assert hypervisor["state"] == "down" and hypervisor["uptime"] is None

    up = _wait_up(mock_cloud, "compute-1")
    history = mock_cloud.host_history("compute-1")
    assert [e["event"] for e in history] == ["rebooting", "down", "up"]
    assert _at(up[0]["at"]) - _at(history[0]["at"]) == datetime.timedelta(seconds=DOWN_SECONDS)
    assert up[0]["at"] == reboot["back_at"]

    def stopped():
        return _server(mock_cloud, "web-1")["status"] == "SHUTOFF" and _server(mock_cloud, "db-1")["status"] == "SHUTOFF"
    wait_for(stopped, timeout=30, message="the power sync to stop the guests")
    assert mock_cloud.history(mock_cloud.server_id("web-1")) == [("ACTIVE", "powering-off", None),
                                                                 ("SHUTOFF", None, None)]
    assert _actions(mock_cloud, "web-1")[0] == "stop"
    # already stopped: nothing to do
    assert mock_cloud.history(mock_cloud.server_id("web-2")) == [] and _actions(mock_cloud, "web-2") == ["create"]
    service = _service(mock_cloud, "compute-1")
    assert service["state"] == "up" and _at(service["updated_at"]) >= _at(reboot["back_at"])
    assert _server(mock_cloud, "web-1")["host_status"] == "UP"


def test_keep_resumes_the_guests(mock_cloud):
    mock_cloud.reboot_host("compute-2", DOWN_SECONDS, servers="keep")
    _wait_up(mock_cloud, "compute-2")
    assert _service(mock_cloud, "compute-2")["state"] == "up"
    assert _server(mock_cloud, "app-locked")["status"] == "ACTIVE" and _server(mock_cloud, "cache-1")["status"] == "PAUSED"
    assert _actions(mock_cloud, "cache-1") == ["create"]


def test_paused_guests_are_stopped_too(mock_cloud):
    mock_cloud.reboot_host("compute-2", 0)
    assert [e["event"] for e in mock_cloud.host_history("compute-2")] == ["rebooting", "up"]
    wait_for(lambda: _server(mock_cloud, "cache-1")["status"] == "SHUTOFF", timeout=30, message="cache-1 stopped")
    # the power sync calls the stop API whatever the lock says
    wait_for(lambda: _server(mock_cloud, "app-locked")["status"] == "SHUTOFF", timeout=30, message="app-locked")


def test_service_down_time_keeps_the_service_up_until_its_heartbeat_is_stale(mock_cloud):
    reboot = mock_cloud.reboot_host("compute-4", 1.0, service_down_time=0.5)
    service = _service(mock_cloud, "compute-4")
    # not yet stale: Nova still reports it up, but its updated_at no longer moves
    if service["state"] == "up":
        assert service["updated_at"] == reboot["last_heartbeat"]
    _wait_up(mock_cloud, "compute-4")
    history = mock_cloud.host_history("compute-4")
    assert [e["event"] for e in history] == ["rebooting", "down", "up"]
    began = _at(history[0]["at"])
    assert [_at(e["at"]) - began for e in history] == [datetime.timedelta(0), datetime.timedelta(seconds=0.5),
                                                       datetime.timedelta(seconds=1.0)]


def test_moves_meet_a_down_service(mock_cloud):
    mock_cloud.reboot_host("compute-1", 30)
    web = mock_cloud.server_id("web-1")
    status, _headers, body = mock_cloud.compute("POST", "/servers/%s/action" % web, {"migrate": None},
                                                microversion="2.56")
    assert (status, nova_error(body)[2]) == (409, "Service is unavailable at this time.")
    # nor is it a destination: the scheduler's ComputeFilter leaves the host out
    api = mock_cloud.server_id("api-1")
    status, _headers, body = mock_cloud.compute("POST", "/servers/%s/action" % api, {
        "os-migrateLive": {"host": "compute-1", "block_migration": "auto"}}, microversion="2.30")
    assert (status, nova_error(body)[2]) == (400, "No valid host was found. There are not enough hosts available.")
    # a down host's servers may be evacuated; nova-compute's start-up then finishes the evacuation
    status, _headers, body = mock_cloud.compute("POST", "/servers/%s/action" % web, {"evacuate": {}},
                                                microversion="2.95")
    assert status == 200, body

    def evacuated():
        migrations = mock_cloud.state()["migrations"]
        return [m for m in migrations if m["instance_uuid"] == web and m["status"] == "done"]
    wait_for(evacuated, timeout=30, message="the evacuation to be done")
    assert _service(mock_cloud, "compute-1")["state"] == "down"


def test_evacuations_complete_when_the_host_is_back(mock_cloud):
    mock_cloud.reboot_host("compute-1", 2.0)
    web = mock_cloud.server_id("web-1")
    # below 2.95 an evacuated server runs on its new host (from 2.95 it is kept stopped)
    assert mock_cloud.compute("POST", "/servers/%s/action" % web, {"evacuate": {}}, microversion="2.94")[0] == 200
    wait_for(lambda: [m for m in mock_cloud.state()["migrations"] if m["status"] == "done"], timeout=30,
             message="the evacuation to be done")
    _wait_up(mock_cloud, "compute-1")
    migration = next(m for m in mock_cloud.state()["migrations"] if m["instance_uuid"] == web)
    assert migration["status"] == "completed"
    # the evacuated server runs elsewhere and is not stopped by compute-1's power sync
    assert _server(mock_cloud, "web-1")["status"] == "ACTIVE"


@pytest.mark.parametrize(("host", "body", "status", "text"), [
    ("compute-99", {"down_seconds": 1}, 404, "host compute-99 not found"),
    ("compute-1", {"down_seconds": -1}, 400, "down_seconds must be a finite number >= 0"),
    ("compute-1", {"down_seconds": "soon"}, 400, "down_seconds must be a finite number >= 0"),
    ("compute-1", {"down_seconds": 1, "servers": "resume"}, 400, "servers must be one of keep, stop"),
    ("compute-1", {"down_seconds": 1, "service_down_time": -5}, 400, "service_down_time must be"),
    ("compute-1", {"down_seconds": 1, "force": True}, 400, "the body takes down_seconds"),
])
def test_refused(mock_cloud, host, body, status, text):
    got, _headers, reply = mock_cloud.request("POST", "/mock/hosts/%s/reboot" % host, body)
    assert got == status and text in str(reply)


def test_no_second_reboot_and_none_under_a_move(mock_cloud):
    mock_cloud.reboot_host("compute-1", 30)
    with pytest.raises(ControlError) as raised:
        mock_cloud.reboot_host("compute-1", 1)
    assert raised.value.status == 409 and "already rebooting" in str(raised.value)
    api = mock_cloud.server_id("api-1")
    mock_cloud.config(migration_seconds=30)
    assert mock_cloud.compute("POST", "/servers/%s/action" % api, {"migrate": {"host": "compute-2"}},
                              microversion="2.56")[0] == 202
    with pytest.raises(ControlError) as raised:
        mock_cloud.reboot_host("compute-2", 1)
    assert raised.value.status == 409 and "ColdMigration of %s" % api in str(raised.value)


def test_reset_ends_reboots_and_their_history(mock_cloud):
    mock_cloud.reboot_host("compute-1", 30)
    assert mock_cloud.state()["hosts"][0]["reboot"]["down_seconds"] == 30
    mock_cloud.reset()
    assert _service(mock_cloud, "compute-1")["state"] == "up"
    assert mock_cloud.host_history("compute-1") == [] and mock_cloud.state()["hosts"][0]["reboot"] is None
