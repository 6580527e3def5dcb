"""Nova's default policies as a member (project demo) and a manager (demo, manager role) see them."""

import pytest

DEMO_PROJECT = "2f5f72eff9fd51a8bc7e96f695140625"


@pytest.mark.parametrize(("name", "method", "path", "body", "mv"), [
    ("services-list", "GET", "/os-services", None, "2.53"),
    ("services-update", "PUT", "/os-services/{service:compute-4/nova-compute}", {"status": "enabled"}, "2.53"),
    ("services-disable-old", "PUT", "/os-services/disable", {"host": "compute-4", "binary": "nova-compute"}, "2.1"),
    ("hypervisors-list", "GET", "/os-hypervisors", None, "2.53"),
    ("hypervisors-detail", "GET", "/os-hypervisors/detail", None, "2.88"),
    ("hypervisors-show", "GET", "/os-hypervisors/{hypervisor:compute-1}", None, "2.53"),
    ("hypervisors-statistics", "GET", "/os-hypervisors/statistics", None, "2.1"),
    ("migrations-list", "GET", "/os-migrations", None, "2.80"),
    ("migrations-own-project", "GET", "/os-migrations?project_id=%s" % DEMO_PROJECT, None, "2.80"),
    # where the policy lets the role through, the server's state stops the action: nothing moves here
    ("migrate", "POST", "/servers/{server:paused-1}/action", {"migrate": None}, "2.56"),
    ("migrate-host", "POST", "/servers/{server:paused-1}/action", {"migrate": {"host": "compute-3"}}, "2.56"),
    ("live-migrate", "POST", "/servers/{server:cold-2}/action",
     {"os-migrateLive": {"host": None, "block_migration": "auto"}}, "2.80"),
    ("live-migrate-host", "POST", "/servers/{server:cold-2}/action",
     {"os-migrateLive": {"host": "compute-3", "block_migration": "auto"}}, "2.80"),
    ("evacuate", "POST", "/servers/{server:live-1}/action", {"evacuate": {}}, "2.95"),
    ("server-migrations", "GET", "/servers/{server:live-1}/migrations", None, "2.80"),
    ("server-migration-show", "GET", "/servers/{server:live-1}/migrations/1", None, "2.80"),
    ("confirm", "POST", "/servers/{server:live-1}/action", {"confirmResize": None}, "2.1"),
    ("other-project-server", "GET", "/servers/{server:admin-1}", None, "2.96"),
    ("other-project-migrate", "POST", "/servers/{server:admin-1}/action", {"migrate": None}, "2.56"),
    ("other-project-actions", "GET", "/servers/{server:admin-1}/os-instance-actions", None, "2.84"),
    ("all-tenants", "GET", "/servers/detail?all_tenants=1", None, "2.1"),
    ("availability-zones-detail", "GET", "/os-availability-zone/detail", None, "2.1"),
    ("placement-providers", "GET", "/resource_providers", None, "1.14"),
])
@pytest.mark.parametrize("cloud", ["mock-member", "mock-manager"])
def test_policy(conformance, cloud, name, method, path, body, mv):
    service = "placement" if name.startswith("placement") else "compute"
    role = cloud.split("-", 1)[1]
    conformance.request("policy.%s.%s" % (role, name), method, path, body, mv=mv, cloud=cloud, service=service,
                        view=_names_only)


def _names_only(body):
    """A list the role may read is compared by the names in it, not by every field."""
    if isinstance(body, dict):
        for key in ("servers", "migrations"):
            if isinstance(body.get(key), list):
                return {key: sorted(item.get("name") or item.get("instance_uuid") for item in body[key])}
    return body


def test_manager_migrates_a_locked_server(conformance):
    # migrate without a host is a manager's right since the manager role (2025.2); the lock still wins
    conformance.request("policy.manager.migrate-locked", "POST", "/servers/{server:locked-1}/action",
                        {"migrate": None}, mv="2.56", cloud="mock-manager")
