"""Services, hypervisors, availability zones and Placement as an admin sees them (no state changes)."""

import pytest

from conformance.harness import UNKNOWN_UUID, version


def _sorted_services(body):
    # Nova lists services in database order (the order they first reported), which is the harness's business.
    if isinstance(body, dict) and isinstance(body.get("services"), list):
        body = dict(body, services=sorted(body["services"], key=lambda s: (s["host"], s["binary"])))
    return body


@pytest.mark.parametrize("mv", ["2.1", "2.11", "2.53", "2.69", "2.75"])
def test_services_list(conformance, mv):
    conformance.request("services.list@%s" % mv, "GET", "/os-services", mv=mv, view=_sorted_services)


@pytest.mark.parametrize(("name", "query", "mv"), [
    ("host", "host=compute-2", "2.53"),
    ("binary", "binary=nova-conductor", "2.53"),
    ("host-and-binary", "host=compute-4&binary=nova-compute", "2.53"),
    ("unknown-host", "host=nope", "2.53"),
    ("unknown-binary", "binary=nova-api", "2.53"),
    ("unknown-param", "frobnicate=1", "2.75"),
    ("unknown-param-old", "frobnicate=1", "2.74"),
])
def test_services_filters(conformance, name, query, mv):
    conformance.request("services.filter.%s@%s" % (name, mv), "GET", "/os-services?" + query, mv=mv,
                        view=_sorted_services)


HYPERVISOR_VERSIONS = ["2.1", "2.28", "2.33", "2.53", "2.75", "2.88"]


@pytest.mark.parametrize("mv", HYPERVISOR_VERSIONS)
def test_hypervisors(conformance, mv):
    ident = "{hypervisor:compute-1}" if version(mv) >= (2, 53) else "{#hypervisor:compute-1}"
    conformance.request("hypervisors.list@%s" % mv, "GET", "/os-hypervisors", mv=mv)
    conformance.request("hypervisors.detail@%s" % mv, "GET", "/os-hypervisors/detail", mv=mv)
    conformance.request("hypervisors.show@%s" % mv, "GET", "/os-hypervisors/" + ident, mv=mv)


@pytest.mark.parametrize(("name", "path", "mv"), [
    ("with-servers", "/os-hypervisors?with_servers=true", "2.53"),
    ("detail-with-servers", "/os-hypervisors/detail?with_servers=1", "2.53"),
    ("show-with-servers", "/os-hypervisors/{hypervisor:compute-2}?with_servers=true", "2.53"),
    ("show-with-servers-2.75", "/os-hypervisors/{hypervisor:compute-4}?with_servers=false", "2.75"),
    ("with-servers-invalid", "/os-hypervisors?with_servers=maybe", "2.53"),
    ("pattern", "/os-hypervisors?hypervisor_hostname_pattern=compute-2", "2.53"),
    ("pattern-none", "/os-hypervisors?hypervisor_hostname_pattern=nope", "2.53"),
    ("pattern-with-paging", "/os-hypervisors?hypervisor_hostname_pattern=compute&limit=1", "2.53"),
    ("limit", "/os-hypervisors?limit=2", "2.33"),
    ("limit-uuid", "/os-hypervisors/detail?limit=2", "2.53"),
    ("marker", "/os-hypervisors?limit=2&marker={#hypervisor:compute-2}", "2.33"),
    ("bad-marker", "/os-hypervisors?marker=%s" % UNKNOWN_UUID, "2.53"),
    ("show-not-uuid", "/os-hypervisors/1", "2.53"),
    ("show-unknown", "/os-hypervisors/%s" % UNKNOWN_UUID, "2.53"),
    ("show-unknown-int", "/os-hypervisors/9999", "2.1"),
    ("search", "/os-hypervisors/compute-3/search", "2.1"),
    ("search-none", "/os-hypervisors/nope/search", "2.1"),
    ("search-removed", "/os-hypervisors/compute-3/search", "2.53"),
    ("servers", "/os-hypervisors/compute-3/servers", "2.1"),
    ("statistics", "/os-hypervisors/statistics", "2.1"),
    ("statistics-removed", "/os-hypervisors/statistics", "2.88"),
    ("uptime", "/os-hypervisors/{#hypervisor:compute-1}/uptime", "2.1"),
    ("uptime-removed", "/os-hypervisors/{hypervisor:compute-1}/uptime", "2.88"),
    ("unknown-param", "/os-hypervisors?frobnicate=1", "2.53"),
])
def test_hypervisor_queries(conformance, name, path, mv):
    conformance.request("hypervisors.%s@%s" % (name, mv), "GET", path, mv=mv)


def test_availability_zones(conformance):
    def zones(body):
        if isinstance(body, dict) and "availabilityZoneInfo" in body:
            return sorted(body["availabilityZoneInfo"], key=lambda z: z["zoneName"])
        return body
    conformance.request("availability-zones.list", "GET", "/os-availability-zone", mv="2.1", view=zones)
    conformance.request("availability-zones.detail", "GET", "/os-availability-zone/detail", mv="2.1", view=zones)


@pytest.mark.parametrize(("name", "path", "mv"), [
    ("providers", "/resource_providers", "1.14"),
    ("providers-by-name", "/resource_providers?name=compute-3", "1.14"),
    ("inventories", "/resource_providers/{hypervisor:compute-1}/inventories", "1.14"),
    ("inventory-vcpu", "/resource_providers/{hypervisor:compute-1}/inventories/VCPU", "1.14"),
    ("usages", "/resource_providers/{hypervisor:compute-3}/usages", "1.14"),
    ("unknown-provider", "/resource_providers/%s" % UNKNOWN_UUID, "1.14"),
    ("allocations-of-server", "/allocations/{server:live-1}", "1.14"),
    ("provider-allocations", "/resource_providers/{hypervisor:compute-2}/allocations", "1.14"),
    ("too-high-version", "/resource_providers", "1.999"),
])
def test_placement(conformance, name, path, mv):
    def view(body):
        # Placement's generations count every write the harness made; compare presence, not value.
        if isinstance(body, dict):
            return {k: ("<generation>" if k.endswith("generation") else view(v)) for k, v in body.items()}
        if isinstance(body, list):
            return [view(item) for item in body]
        return body
    conformance.request("placement.%s" % name, "GET", path, mv=mv, service="placement", view=view)
