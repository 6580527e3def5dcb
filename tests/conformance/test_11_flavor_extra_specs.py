"""Flavor extra specs (what decides whether Nova live-migrates a server) in the flavor views and os-extra_specs,
and the scheduler's answer to a live migration onto the server's own host that is not forced."""

import pytest

DEVICES = "/flavors/3"


@pytest.mark.parametrize(("name", "path", "mv", "cloud"), [
    ("flavors.extra-specs.show@2.61", DEVICES, "2.61", "mock-admin"),
    ("flavors.extra-specs.show@2.60", DEVICES, "2.60", "mock-admin"),
    ("flavors.extra-specs.member-show@2.61", DEVICES, "2.61", "mock-member"),
    ("flavors.extra-specs.detail@2.61", "/flavors/detail", "2.61", "mock-admin"),
    ("flavors.os-extra_specs.index", DEVICES + "/os-extra_specs", "2.1", "mock-admin"),
    ("flavors.os-extra_specs.member-index", DEVICES + "/os-extra_specs", "2.1", "mock-member"),
    ("flavors.os-extra_specs.key", DEVICES + "/os-extra_specs/resources:VGPU", "2.1", "mock-admin"),
    ("flavors.os-extra_specs.missing-key", DEVICES + "/os-extra_specs/hw:numa_nodes", "2.1", "mock-admin"),
    ("flavors.os-extra_specs.unknown-flavor", "/flavors/99/os-extra_specs", "2.1", "mock-admin"),
    ("flavors.os-extra_specs.query@2.102", DEVICES + "/os-extra_specs?x=1", "2.102", "mock-admin"),
    ("flavors.os-extra_specs.none", "/flavors/1/os-extra_specs", "2.1", "mock-admin"),
])
def test_flavor_extra_specs(conformance, name, path, mv, cloud):
    conformance.request(name, "GET", path, mv=mv, cloud=cloud)


def test_live_migration_to_its_own_host_through_the_scheduler(conformance):
    # below 2.34 the conductor's answer comes back as the 400; without force the scheduler checks the host
    conformance.request("live.own-host.scheduled@2.33", "POST", "/servers/{server:admin-1}/action",
                        {"os-migrateLive": {"host": "compute-3", "block_migration": "auto"}}, mv="2.33")
    conformance.learn_migrations()
    conformance.request("live.own-host.migrations", "GET", "/os-migrations?instance_uuid={server:admin-1}",
                        mv="2.80")
