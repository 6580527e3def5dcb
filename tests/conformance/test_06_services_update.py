"""Service updates: the 2.53 PUT by uuid and the older PUT /os-services/{action}; compute-4 ends as it began
(disabled, reason "conformance maintenance", not forced down)."""

from conformance.harness import UNKNOWN_UUID

COMPUTE_4 = "/os-services/{service:compute-4/nova-compute}"
HOST_4 = {"host": "compute-4", "binary": "nova-compute"}
REASON = "conformance maintenance"


def _update(conformance, name, path, body, mv):
    conformance.request("services.update.%s@%s" % (name, mv), "PUT", path, body, mv=mv)


def test_update_by_uuid(conformance):
    for name, body in [("enable", {"status": "enabled"}),
                       ("disable", {"status": "disabled"}),
                       ("disable-reason", {"status": "disabled", "disabled_reason": "again"}),
                       ("forced-down", {"forced_down": True}),
                       ("forced-down-string", {"forced_down": "false"}),
                       ("all-at-once", {"status": "disabled", "disabled_reason": REASON, "forced_down": False})]:
        _update(conformance, name, COMPUTE_4, body, "2.53")
    conformance.request("services.after-updates", "GET", "/os-services?host=compute-4", mv="2.53")


def test_update_by_uuid_refused(conformance):
    for name, path, body in [
            ("enabled-with-reason", COMPUTE_4, {"status": "enabled", "disabled_reason": "x"}),
            ("empty", COMPUTE_4, {}),
            ("reason-only", COMPUTE_4, {"disabled_reason": "x"}),
            ("bad-status", COMPUTE_4, {"status": "maybe"}),
            ("bad-forced-down", COMPUTE_4, {"forced_down": "maybe"}),
            ("reason-too-long", COMPUTE_4, {"status": "disabled", "disabled_reason": "x" * 256}),
            ("reason-empty", COMPUTE_4, {"status": "disabled", "disabled_reason": ""}),
            ("extra-key", COMPUTE_4, {"status": "disabled", "host": "compute-4"}),
            ("unknown-uuid", "/os-services/%s" % UNKNOWN_UUID, {"status": "disabled"}),
            ("not-a-uuid", "/os-services/compute-4", {"status": "disabled"}),
            ("integer-id", "/os-services/12345", {"status": "disabled"}),
            ("conductor", "/os-services/{service:controller/nova-conductor}", {"status": "disabled"}),
            ("action-name-at-2.53", "/os-services/disable", dict(HOST_4)),
    ]:
        _update(conformance, name, path, body, "2.53")


def test_update_by_action(conformance):
    for name, action, body, mv in [
            ("old-enable", "enable", dict(HOST_4), "2.1"),
            ("old-disable", "disable", dict(HOST_4), "2.1"),
            ("old-disable-log-reason", "disable-log-reason", dict(HOST_4, disabled_reason=REASON), "2.52"),
            ("old-force-down", "force-down", dict(HOST_4, forced_down=True), "2.11"),
            ("old-force-up", "force-down", dict(HOST_4, forced_down=False), "2.52"),
    ]:
        _update(conformance, name, "/os-services/" + action, body, mv)
    conformance.request("services.after-old-updates", "GET", "/os-services?host=compute-4", mv="2.11")


def test_update_by_action_refused(conformance):
    for name, action, body, mv in [
            ("old-unknown-action", "frobnicate", dict(HOST_4), "2.1"),
            ("old-unknown-host", "disable", {"host": "compute-99", "binary": "nova-compute"}, "2.1"),
            ("old-missing-binary", "disable", {"host": "compute-4"}, "2.1"),
            ("old-log-reason-without-reason", "disable-log-reason", dict(HOST_4), "2.1"),
            ("old-force-down-before-2.11", "force-down", dict(HOST_4, forced_down=True), "2.10"),
            ("old-force-down-without-flag", "force-down", dict(HOST_4), "2.11"),
            ("old-conductor", "disable", {"host": "controller", "binary": "nova-conductor"}, "2.1"),
    ]:
        _update(conformance, name, "/os-services/" + action, body, mv)
