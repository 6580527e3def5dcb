"""Live migration: to a named host, scheduled, forced (2.30) onto a disabled host, and the in-progress API
(list, show, force complete, abort) while a slow one runs."""

import pytest

from conformance.harness import capped
from conformance.scenarios import settled, watch

SERVER_MV = capped("2.96")
# long enough that both migrations are still running when the in-progress API is probed, also on a busy machine
# where the two reach "running" many seconds apart; force complete and abort end them at once
SLOW_MOCK, SLOW_NOVA = 60.0, 60.0


def _live(server, body, mv, cloud="mock-admin"):
    def start(backend):
        reply = backend.call("POST", "/servers/{server:%s}/action" % server, {"os-migrateLive": body}, mv=mv,
                             cloud=cloud)
        assert reply.status == 202, (backend.name, reply.status, reply.body)
        return reply.status
    return start


def _done(status):
    settle = settled(status)
    return lambda body, migration: settle(body, migration) and migration is not None and migration["status"] in (
        "completed", "error", "failed", "cancelled")


def _where(body):
    server = body.get("server") if isinstance(body, dict) else None
    if not server:
        return body
    return {"host": server["OS-EXT-SRV-ATTR:host"], "node": server["OS-EXT-SRV-ATTR:hypervisor_hostname"],
            "status": server["status"], "task_state": server["OS-EXT-STS:task_state"],
            "power_state": server["OS-EXT-STS:power_state"]}


def test_live_migrate_to_host(conformance):
    conformance.sequence("live.to-host.sequence", watch, "live-1", _done("ACTIVE"),
                         start=_live("live-1", {"host": "compute-3", "block_migration": "auto"}, "2.80"))
    conformance.request("live.to-host.server", "GET", "/servers/{server:live-1}", mv=SERVER_MV)
    conformance.learn_migrations()
    conformance.request("live.to-host.migrations", "GET", "/os-migrations?instance_uuid={server:live-1}", mv="2.80")
    conformance.request("live.to-host.server-migrations-after", "GET", "/servers/{server:live-1}/migrations",
                        mv="2.80")


def test_live_migrate_scheduled(conformance, only_enabled):
    only_enabled("compute-1", "compute-3")    # compute-1 takes it: the choice between two is not compared
    conformance.sequence("live.scheduled.sequence", watch, "live-2", _done("ACTIVE"),
                         start=_live("live-2", {"host": None, "block_migration": "auto"}, "2.68"))
    conformance.request("live.scheduled.server", "GET", "/servers/{server:live-2}", mv=SERVER_MV, view=_where)


def test_live_migrate_forced_onto_a_disabled_host(conformance):
    # force (2.30 to 2.67) skips the scheduler, so a disabled host is accepted; a paused server stays paused
    conformance.sequence("live.forced.sequence", watch, "paused-1", _done("PAUSED"),
                         start=_live("paused-1", {"host": "compute-4", "block_migration": "auto", "force": True},
                                     "2.30"))
    conformance.request("live.forced.server", "GET", "/servers/{server:paused-1}", mv=SERVER_MV, view=_where)


@pytest.fixture
def slow_migrations(conformance):
    conformance.set_migration_seconds(SLOW_MOCK, SLOW_NOVA)
    yield
    from conformance.harness import MIGRATION_SECONDS, NOVA_MIGRATION_SECONDS
    conformance.set_migration_seconds(MIGRATION_SECONDS, NOVA_MIGRATION_SECONDS)


def _running(body, migration):
    return migration is not None and migration["migration_type"] == "live-migration" and migration["status"] in (
        "running", "completed", "error", "failed", "cancelled")


def _in_progress_api(conformance, prefix, server):
    conformance.learn_migrations()
    conformance.request(prefix + ".list", "GET", "/servers/{server:%s}/migrations" % server, mv="2.80")
    conformance.request(prefix + ".list@2.23", "GET", "/servers/{server:%s}/migrations" % server, mv="2.23")
    conformance.request(prefix + ".list-query@2.102", "GET", "/servers/{server:%s}/migrations?x=1" % server,
                        mv="2.102")
    conformance.request(prefix + ".show", "GET", "/servers/{server:%s}/migrations/{#migration:%s#2}"
                        % (server, server), mv="2.80")
    conformance.request(prefix + ".os-migrations", "GET", "/os-migrations?instance_uuid={server:%s}" % server,
                        mv="2.80")
    conformance.request(prefix + ".os-migrations@2.23", "GET", "/os-migrations?instance_uuid={server:%s}" % server,
                        mv="2.23")
    conformance.request(prefix + ".member-list", "GET", "/servers/{server:%s}/migrations" % server, mv="2.80",
                        cloud="mock-member")
    conformance.request(prefix + ".manager-list", "GET", "/servers/{server:%s}/migrations" % server, mv="2.80",
                        cloud="mock-manager")


def test_force_complete_a_running_live_migration(conformance, slow_migrations):
    run = watch   # started here, finished by force_complete below
    conformance.sequence("live.force-complete.until-running", run, "live-1", _running,
                         start=_live("live-1", {"host": "compute-1", "block_migration": "auto"}, "2.80"))
    _in_progress_api(conformance, "live.in-progress", "live-1")
    path = "/servers/{server:live-1}/migrations/{#migration:live-1#2}/action"
    conformance.request("live.force-complete.bad-body", "POST", path, {"force_complete": "null"}, mv="2.22")
    conformance.request("live.force-complete.before-2.22", "POST", path, {"force_complete": None}, mv="2.21")
    conformance.request("live.force-complete.by-uuid", "POST",
                        "/servers/{server:live-1}/migrations/{migration:live-1#2}/action",
                        {"force_complete": None}, mv="2.80")
    conformance.sequence("live.force-complete.sequence", watch, "live-1", _done("ACTIVE"),
                         start=lambda backend: backend.call("POST", path, {"force_complete": None}, mv="2.22").status)
    conformance.request("live.force-complete.server", "GET", "/servers/{server:live-1}", mv=SERVER_MV, view=_where)
    conformance.request("live.force-complete.again", "POST", path, {"force_complete": None}, mv="2.22")
    conformance.request("live.abort.completed", "DELETE", "/servers/{server:live-1}/migrations/{#migration:live-1#2}",
                        mv="2.24")
    conformance.request("live.show.completed", "GET", "/servers/{server:live-1}/migrations/{#migration:live-1#2}",
                        mv="2.80")
    conformance.request("live.show.cold-migration", "GET", "/servers/{server:cold-1}/migrations/{#migration:cold-1#1}",
                        mv="2.80")
    conformance.request("live.show.other-server", "GET", "/servers/{server:admin-1}/migrations/{#migration:live-1#2}",
                        mv="2.80")
    conformance.request("live.abort.unknown", "DELETE", "/servers/{server:live-1}/migrations/99999", mv="2.24")
    conformance.request("live.force-complete.unknown", "POST", "/servers/{server:live-1}/migrations/99999/action",
                        {"force_complete": None}, mv="2.22")


def test_abort_a_running_live_migration(conformance, slow_migrations):
    # live-1 is on compute-1 after the force complete above
    conformance.sequence("live.abort.until-running", watch, "live-1", _running,
                         start=_live("live-1", {"host": "compute-2", "block_migration": "auto"}, "2.80"))
    conformance.learn_migrations()
    path = "/servers/{server:live-1}/migrations/{#migration:live-1#3}"
    conformance.request("live.abort.before-2.24", "DELETE", path, mv="2.23")
    conformance.request("live.abort.member", "DELETE", path, mv="2.80", cloud="mock-member")
    conformance.sequence("live.abort.sequence", watch, "live-1", _done("ACTIVE"),
                         start=lambda backend: backend.call("DELETE", path, mv="2.24").status)
    conformance.request("live.abort.server", "GET", "/servers/{server:live-1}", mv=SERVER_MV, view=_where)
    conformance.request("live.abort.migrations", "GET", "/os-migrations?instance_uuid={server:live-1}", mv="2.80")


def test_live_migrate_to_a_disabled_host_fails_later(conformance):
    # from 2.34 the conductor's checks run after the 202; the scheduler refuses a disabled host
    conformance.sequence("live.no-valid-host.sequence", watch, "live-2",
                         lambda body, migration: migration is not None and migration["status"] == "error"
                         and not body["OS-EXT-STS:task_state"],
                         start=_live("live-2", {"host": "compute-4", "block_migration": "auto"}, "2.80"))
    conformance.request("live.no-valid-host.server", "GET", "/servers/{server:live-2}", mv=SERVER_MV, view=_where)
    conformance.learn_migrations()
    conformance.request("live.no-valid-host.migrations", "GET", "/os-migrations?instance_uuid={server:live-2}",
                        mv="2.80")
