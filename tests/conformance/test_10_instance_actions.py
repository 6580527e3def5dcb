"""Instance actions (``os-instance-actions``) of the servers the migration tests moved, per microversion.

Only the actions this suite caused are compared: nova-in-a-box shapes its servers through the API (stop, pause,
lock ... are actions there), the mock loads them as they are.
"""

import datetime

import pytest

from conformance.harness import UNKNOWN_UUID

VERSIONS = ["2.1", "2.51", "2.58", "2.62", "2.84"]
MOVED = ["cold-1", "cold-2", "live-1", "live-2"]


def _ours(actions, since):
    return [a for a in actions if datetime.datetime.fromisoformat(a["start_time"].rstrip("Z")) >= since]


def _actions(backend, server, mv, since, cloud="mock-admin", query=""):
    reply = backend.call("GET", "/servers/{server:%s}/os-instance-actions%s" % (server, query), mv=mv, cloud=cloud)
    if reply.status != 200:
        return {"status": reply.status, "body": backend.names.normalize(reply.body)}
    reply.body["instanceActions"] = _ours(reply.body["instanceActions"], since)
    shown = []
    for action in reply.body["instanceActions"]:
        one = backend.call("GET", "/servers/{server:%s}/os-instance-actions/%s" % (server, action["request_id"]),
                           mv=mv, cloud=cloud)
        shown.append({"status": one.status, "body": one.body})
    return backend.names.normalize({"status": reply.status, "list": reply.body, "show": shown})


@pytest.mark.parametrize("mv", VERSIONS)
@pytest.mark.parametrize("server", MOVED)
def test_actions_admin(conformance, server, mv):
    conformance.compare("actions.%s.admin@%s" % (server, mv), _actions, server, mv, conformance.started_at)


@pytest.mark.parametrize("mv", ["2.1", "2.51", "2.62", "2.84"])
def test_actions_owner(conformance, mv):
    conformance.compare("actions.cold-1.member@%s" % mv, _actions, "cold-1", mv, conformance.started_at,
                        cloud="mock-member")


@pytest.mark.parametrize(("name", "query", "mv"), [
    ("limit", "?limit=1", "2.58"),
    ("limit-before-2.58", "?limit=1", "2.57"),
    ("changes-since", "?changes-since={started}", "2.58"),
    ("changes-since-early", "?changes-since=2000-01-01T00:00:00Z", "2.58"),
    ("changes-before-late", "?changes-before=2100-01-01T00:00:00Z", "2.66"),
    ("changes-reversed", "?changes-since=2001-01-01T00:00:00Z&changes-before=2000-01-01T00:00:00Z", "2.66"),
    ("changes-before-before-2.66", "?changes-before=2000-01-01T00:00:00Z", "2.58"),
    ("limit-and-marker", "?limit=2&marker={newest}", "2.58"),
    ("changes-before", "?changes-before=2000-01-01T00:00:00Z", "2.66"),
    ("marker-unknown", "?marker=req-%s" % UNKNOWN_UUID, "2.58"),
    ("unknown-param", "?frobnicate=1", "2.58"),
])
def test_actions_queries(conformance, name, query, mv):
    def observe(backend):
        newest = backend.call("GET", "/servers/{server:live-1}/os-instance-actions", mv="2.58").body
        filled = query.format(started=conformance.started_at.isoformat(),
                              newest=newest["instanceActions"][0]["request_id"])
        return _actions(backend, "live-1", mv, conformance.started_at, query=filled)
    conformance.compare("actions.query.%s@%s" % (name, mv), observe)


def test_actions_errors(conformance):
    conformance.request("actions.unknown-server", "GET", "/servers/%s/os-instance-actions" % UNKNOWN_UUID, mv="2.1")
    conformance.request("actions.unknown-request", "GET",
                        "/servers/{server:live-1}/os-instance-actions/req-%s" % UNKNOWN_UUID, mv="2.1")
