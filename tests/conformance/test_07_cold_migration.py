"""Cold migration: to a named host then confirmed (cold-1, ACTIVE), and scheduled then reverted (cold-2, SHUTOFF)."""

from conformance.harness import capped
from conformance.scenarios import settled, watch

SERVER_MV = capped("2.96")


def _action(server, body, mv, cloud="mock-admin"):
    def start(backend):
        reply = backend.call("POST", "/servers/{server:%s}/action" % server, body, mv=mv, cloud=cloud)
        assert reply.status in (202, 204), (backend.name, reply.status, reply.body)
        return reply.status
    return start


def _server(conformance, name, server):
    conformance.request(name, "GET", "/servers/{server:%s}" % server, mv=SERVER_MV)


def _migrations_of(conformance, name, server, mv="2.80"):
    conformance.learn_migrations()
    conformance.request(name, "GET", "/os-migrations?instance_uuid={server:%s}" % server, mv=mv)


def test_migrate_to_host_and_confirm(conformance):
    conformance.sequence("cold.to-host.sequence", watch, "cold-1", settled("VERIFY_RESIZE"),
                         start=_action("cold-1", {"migrate": {"host": "compute-3"}}, "2.56"))
    _server(conformance, "cold.to-host.verify-resize.server", "cold-1")
    _migrations_of(conformance, "cold.to-host.verify-resize.migrations", "cold-1")
    # what a VERIFY_RESIZE server refuses
    for name, body in [("migrate-again", {"migrate": None}),
                       ("live-migrate", {"os-migrateLive": {"host": None, "block_migration": "auto"}})]:
        conformance.request("cold.to-host.verify-resize.%s" % name, "POST", "/servers/{server:cold-1}/action", body,
                            mv="2.80")
    conformance.request("cold.to-host.verify-resize.list-filter", "GET",
                        "/servers/detail?all_tenants=1&status=VERIFY_RESIZE", mv="2.1",
                        view=lambda b: sorted(s["name"] for s in b["servers"]))
    # the owner (a member) may confirm what an admin migrated
    conformance.sequence("cold.to-host.confirm.sequence", watch, "cold-1", settled("ACTIVE"),
                         start=_action("cold-1", {"confirmResize": None}, "2.1", cloud="mock-member"))
    _server(conformance, "cold.to-host.confirmed.server", "cold-1")
    _migrations_of(conformance, "cold.to-host.confirmed.migrations", "cold-1")
    conformance.request("cold.to-host.confirm-again", "POST", "/servers/{server:cold-1}/action",
                        {"confirmResize": None}, mv="2.1")


def test_migrate_scheduled_and_revert(conformance, only_enabled):
    # 2.1 reads no body: a host given there is ignored and the scheduler picks; compute-2 is the only enabled
    # host left (Nova weighs hosts by more than the mock does, so a choice between two is not compared)
    only_enabled("compute-2", "compute-3")
    conformance.sequence("cold.scheduled.sequence", watch, "cold-2", settled("VERIFY_RESIZE"),
                         start=_action("cold-2", {"migrate": {"host": "compute-3"}}, "2.1"))
    _server(conformance, "cold.scheduled.verify-resize.server", "cold-2")
    conformance.sequence("cold.scheduled.revert.sequence", watch, "cold-2", settled("SHUTOFF"),
                         start=_action("cold-2", {"revertResize": None}, "2.1"))
    _server(conformance, "cold.scheduled.reverted.server", "cold-2")
    _migrations_of(conformance, "cold.scheduled.reverted.migrations", "cold-2")
    conformance.request("cold.scheduled.revert-again", "POST", "/servers/{server:cold-2}/action",
                        {"revertResize": None}, mv="2.1")


def test_migrate_to_a_disabled_host_fails_later(conformance):
    # accepted, then the scheduler finds no candidate: the record ends in error, the server stays where it was
    conformance.sequence("cold.no-valid-host.sequence", watch, "cold-1",
                         lambda body, migration: migration is not None and migration["status"] == "error"
                         and not body["OS-EXT-STS:task_state"],
                         start=_action("cold-1", {"migrate": {"host": "compute-4"}}, "2.56"))
    _server(conformance, "cold.no-valid-host.server", "cold-1")
    _migrations_of(conformance, "cold.no-valid-host.migrations", "cold-1")
