"""Asynchronous scenarios: start an action, poll until it settles, compare the states seen on the way.

A sample is ``(server status, task_state, migration status)``, where the migration is the server's newest in
``/os-migrations``. The migration is read before and after the server, and the sample is kept only if both reads
agree, so a sample never mixes two moments. Polling can miss short states, more so on a busy machine, so the mock's
run is read from its state history instead (every state it went through, see ``GET /mock/history``) and two runs
are compared as: the first and the last state equal, the states both saw in the same order, and no state seen
only by Nova (a state Nova showed that the mock never went through is one the mock lacks). States only the mock
went through are kept in the summary as ``mock_only`` but not held against it: polling Nova may have missed them.
"""

import time

from conformance.harness import capped

SERVER_MV = capped("2.96")
MIGRATIONS_MV = "2.80"


def newest_migration(backend, server):
    reply = backend.call("GET", "/os-migrations?instance_uuid={server:%s}" % server, mv=MIGRATIONS_MV)
    migrations = reply.body["migrations"]
    return migrations[0] if migrations else None     # newest first from 2.59


def _identity(migration):
    return migration and (migration["id"], migration["status"])


def sample(backend, server):
    """One consistent (status, task_state, migration status) and the server body, or None if it moved meanwhile."""
    before = newest_migration(backend, server)
    body = backend.call("GET", "/servers/{server:%s}" % server, mv=SERVER_MV).body["server"]
    after = newest_migration(backend, server)
    if _identity(before) != _identity(after):
        return None, body, after
    return (body["status"], body["OS-EXT-STS:task_state"], after and after["status"]), body, after


def watch(backend, server, done, start=None, timeout=60.0, interval=0.02):
    """Poll ``server`` (after ``start(backend)`` if given) until ``done(body, migration)``; returns the run."""
    seen, started_reply = [], None
    first, _body, _migration = sample(backend, server)
    if first:
        seen.append(first)
    cursor = backend.history(backend.path("{server:%s}" % server), 0)[1] if backend.history else None
    if start is not None:
        started_reply = start(backend)
    deadline = time.monotonic() + timeout
    while True:
        state, body, migration = sample(backend, server)
        if state and (not seen or seen[-1] != state):
            seen.append(state)
        if state and done(body, migration):
            break
        if time.monotonic() > deadline:
            seen.append(("TIMEOUT",))
            break
        time.sleep(interval)
    if cursor is not None and seen[-1] != ("TIMEOUT",):
        seen = _recorded(backend, server, cursor, seen)
    return {"reply": started_reply, "seen": seen, "server": body, "migration": migration}


def _recorded(backend, server, cursor, polled):
    """The states the backend went through since ``cursor``, up to the last one polling saw, after the first sample."""
    recorded, _last = backend.history(backend.path("{server:%s}" % server), cursor)
    final = polled[-1]
    if final in recorded:
        recorded = recorded[:len(recorded) - recorded[::-1].index(final)]
    else:
        recorded.append(final)
    states = polled[:1] if polled[0] != recorded[0] else []
    for state in recorded:
        if not states or states[-1] != state:
            states.append(state)
    return states


def compare_runs(mock_seen, nova_seen):
    """The two observations the ledger compares, and the mock's states polling did not show on Nova."""
    common = [s for s in mock_seen if s in nova_seen]
    mock_view = {"first": mock_seen[:1], "last": mock_seen[-1:], "order": common, "only_nova": []}
    nova_view = {"first": nova_seen[:1], "last": nova_seen[-1:], "order": [s for s in nova_seen if s in mock_seen],
                 "only_nova": [s for s in nova_seen if s not in mock_seen]}
    return mock_view, nova_view, [s for s in mock_seen if s not in nova_seen]


def settled(status):
    """Done when the server shows ``status`` without a task and its migration reached a final status."""
    final = {"finished", "confirmed", "reverted", "completed", "error", "failed", "cancelled", "done"}
    return lambda body, migration: (body["status"] == status and not body["OS-EXT-STS:task_state"]
                                    and (migration is None or migration["status"] in final))
