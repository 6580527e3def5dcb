"""Helpers shared by the mock compute tests (imported by name; conftest stays fixtures-only)."""

import json
import time
import urllib.error
import urllib.request


def wait_for(predicate, timeout=10.0, interval=0.02, message="condition"):
    """Poll ``predicate`` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % message)
        time.sleep(interval)


def find_server(conn, name):
    return conn.compute.find_server(name, all_projects=True, ignore_missing=False)


def wait_status(conn, server, status, timeout=10.0):
    """Refetch until the server reaches ``status`` (the SDK's own wait trusts a stale object)."""
    def reached():
        current = conn.compute.get_server(server)
        return current if current.status == status else None
    return wait_for(reached, timeout, message="%s to become %s" % (server.name, status))


def nova_error(body):
    """(fault name, code, message) of a Nova fault body, asserting its shape."""
    assert isinstance(body, dict) and len(body) == 1, body
    name, fault = next(iter(body.items()))
    assert set(fault) >= {"code", "message"}, body
    return name, fault["code"], fault["message"]


def raw_request(mock_cloud, method, path, data=b"", headers=None):
    """(status, parsed JSON or the raw text) for bytes sent as they are: for bodies ``json.dumps`` cannot write."""
    if isinstance(data, str):
        data = data.encode()
    req = urllib.request.Request(mock_cloud.url + path, data=data or None, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")
