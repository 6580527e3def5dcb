"""Server actions that fail synchronously: bodies, states, hosts. None of them changes anything."""

import pytest

from conformance.harness import UNKNOWN_UUID

LIVE_AUTO = {"host": None, "block_migration": "auto"}


@pytest.mark.parametrize(("name", "server", "body", "mv"), [
    # cold migration
    ("migrate.unknown-server", "unknown", {"migrate": None}, "2.56"),
    ("migrate.unknown-host", "live-1", {"migrate": {"host": "compute-99"}}, "2.56"),
    ("migrate.same-host", "live-1", {"migrate": {"host": "compute-2"}}, "2.56"),
    ("migrate.force", "live-1", {"migrate": {"host": "compute-3", "force": True}}, "2.56"),
    ("migrate.bad-host-type", "live-1", {"migrate": {"host": 3}}, "2.56"),
    ("migrate.bad-host-pattern", "live-1", {"migrate": {"host": "compute 3"}}, "2.56"),
    ("migrate.body-string", "live-1", {"migrate": "compute-3"}, "2.56"),
    ("migrate.paused", "paused-1", {"migrate": None}, "2.56"),
    ("migrate.error", "broken-1", {"migrate": None}, "2.56"),
    ("migrate.locked-by-admin-as-admin-unknown-host", "locked-1", {"migrate": {"host": "nope"}}, "2.56"),
    # live migration
    ("live.unknown-host", "live-1", {"os-migrateLive": {"host": "compute-99", "block_migration": "auto"}}, "2.80"),
    ("live.missing-host", "live-1", {"os-migrateLive": {"block_migration": "auto"}}, "2.80"),
    ("live.missing-block-migration", "live-1", {"os-migrateLive": {"host": None}}, "2.80"),
    ("live.force-after-2.68", "live-1", {"os-migrateLive": dict(LIVE_AUTO, force=False)}, "2.68"),
    ("live.force-without-host", "live-1", {"os-migrateLive": dict(LIVE_AUTO, force=True)}, "2.30"),
    ("live.auto-before-2.25", "live-1",
     {"os-migrateLive": {"host": None, "block_migration": "auto", "disk_over_commit": False}}, "2.24"),
    ("live.disk-over-commit-after-2.25", "live-1",
     {"os-migrateLive": dict(LIVE_AUTO, disk_over_commit=False)}, "2.25"),
    ("live.missing-disk-over-commit", "live-1", {"os-migrateLive": {"host": None, "block_migration": False}}, "2.1"),
    ("live.bad-block-migration", "live-1", {"os-migrateLive": {"host": None, "block_migration": "maybe"}}, "2.80"),
    ("live.shutoff", "cold-2", {"os-migrateLive": LIVE_AUTO}, "2.80"),
    ("live.error", "broken-1", {"os-migrateLive": LIVE_AUTO}, "2.80"),
    ("live.unknown-server", "unknown", {"os-migrateLive": LIVE_AUTO}, "2.80"),
    # confirm / revert without a resize
    ("confirm.active", "live-1", {"confirmResize": None}, "2.1"),
    ("revert.active", "live-1", {"revertResize": None}, "2.1"),
    ("confirm.shutoff", "cold-2", {"confirmResize": None}, "2.1"),
    # evacuate from an up host
    ("evacuate.host-up", "live-1", {"evacuate": {}}, "2.95"),
    ("evacuate.unknown-host", "live-1", {"evacuate": {"host": "compute-99"}}, "2.95"),
    ("evacuate.same-host", "live-1", {"evacuate": {"host": "compute-2"}}, "2.95"),
    ("evacuate.force-after-2.68", "live-1", {"evacuate": {"host": "compute-3", "force": True}}, "2.68"),
    ("evacuate.paused", "paused-1", {"evacuate": {}}, "2.95"),
    # no such action, no body
    ("unknown-action", "live-1", {"frobnicate": None}, "2.1"),
    ("two-actions", "live-1", {"confirmResize": None, "revertResize": None}, "2.1"),
    ("empty-body", "live-1", {}, "2.1"),
])
def test_action_errors(conformance, name, server, body, mv):
    path = "/servers/%s/action" % (UNKNOWN_UUID if server == "unknown" else "{server:%s}" % server)
    conformance.request("actions.%s@%s" % (name, mv), "POST", path, body, mv=mv)
