"""Hosts as a real Nova 34 showed them to the conformance suite (tests/conformance): hypervisor statistics, uptime
and availability zones around a disabled host, legacy service updates, Placement's links and error bodies."""

import pytest
from mock_cloud_helpers import nova_error


def _disable(mock_cloud, host, reason="maintenance"):
    services = mock_cloud.compute("GET", "/os-services?host=%s" % host, microversion="2.53")[2]["services"]
    status, _ignored, body = mock_cloud.compute("PUT", "/os-services/%s" % services[0]["id"],
                                                {"status": "disabled", "disabled_reason": reason}, microversion="2.53")
    assert status == 200, body


# hosts --------------------------------------------------------------------------------------------------------------
def test_statistics_leave_out_disabled_hosts(mock_cloud):
    before = mock_cloud.compute("GET", "/os-hypervisors/statistics")[2]["hypervisor_statistics"]
    _disable(mock_cloud, "compute-4")
    after = mock_cloud.compute("GET", "/os-hypervisors/statistics")[2]["hypervisor_statistics"]
    assert after["count"] == before["count"] - 1
    assert after["vcpus"] == before["vcpus"] - 16


def test_hostname_pattern_with_paging_gets_webobs_text(mock_cloud):
    # Nova hands its explanation to webob as the detail, so the fault shows webob's default text
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors?hypervisor_hostname_pattern=compute&limit=1",
                                                microversion="2.53")
    assert (status, nova_error(body)[2]) == (
        400, "The server could not comply with the request since it is either malformed or otherwise incorrect.")


def test_hypervisor_uptime_below_2_88(mock_cloud):
    hypervisors = mock_cloud.compute("GET", "/os-hypervisors", microversion="2.1")[2]["hypervisors"]
    first = hypervisors[0]
    status, _ignored, body = mock_cloud.compute("GET", "/os-hypervisors/%s/uptime" % first["id"], microversion="2.1")
    assert status == 200, body
    assert set(body["hypervisor"]) == {"id", "hypervisor_hostname", "state", "status", "uptime"}
    assert "up" in body["hypervisor"]["uptime"]
    assert mock_cloud.compute("GET", "/os-hypervisors/999/uptime", microversion="2.1")[0] == 404
    uuid_id = mock_cloud.compute("GET", "/os-hypervisors", microversion="2.53")[2]["hypervisors"][0]["id"]
    assert mock_cloud.compute("GET", "/os-hypervisors/%s/uptime" % uuid_id, microversion="2.53")[0] == 200
    assert mock_cloud.compute("GET", "/os-hypervisors/%s/uptime" % uuid_id, microversion="2.88")[0] == 404


def test_availability_zone_detail_lists_enabled_services_only(mock_cloud):
    _disable(mock_cloud, "compute-4")
    zones = mock_cloud.compute("GET", "/os-availability-zone/detail")[2]["availabilityZoneInfo"]
    nova = next(z for z in zones if z["zoneName"] == "nova")
    assert "compute-4" not in nova["hosts"] and "compute-1" in nova["hosts"]


def test_legacy_service_update_of_an_unknown_host(mock_cloud):
    status, _ignored, body = mock_cloud.compute("PUT", "/os-services/disable",
                                                {"host": "compute-99", "binary": "nova-compute"})
    assert (status, nova_error(body)[2]) == (404, "Host 'compute-99' is not mapped to any cell")


# placement ----------------------------------------------------------------------------------------------------------
def _placement(mock_cloud, path, version, user="admin"):
    headers = {"X-Auth-Token": mock_cloud.token(user), "OpenStack-API-Version": "placement %s" % version}
    return mock_cloud.request("GET", "/placement" + path, headers=headers)


@pytest.mark.parametrize(("version", "rels"), [
    ("1.0", ["self", "inventories", "usages"]),
    ("1.1", ["self", "inventories", "usages", "aggregates"]),
    ("1.6", ["self", "inventories", "usages", "aggregates", "traits"]),
    ("1.14", ["self", "inventories", "usages", "aggregates", "traits", "allocations"]),
])
def test_provider_links_grow_with_the_version(mock_cloud, version, rels):
    providers = _placement(mock_cloud, "/resource_providers", version)[2]["resource_providers"]
    assert [link["rel"] for link in providers[0]["links"]] == rels


def test_placement_errors_are_webob_bodies(mock_cloud):
    status, _ignored, body = _placement(mock_cloud, "/resource_providers/9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1",
                                        "1.14")
    error = body["errors"][0]
    assert status == 404 and "code" not in error
    assert error["detail"] == ("The resource could not be found.\n\n No resource provider with uuid "
                               "9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1 found  ")
    # error codes came with 1.23
    body = _placement(mock_cloud, "/resource_providers/9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1", "1.23")[2]
    assert body["errors"][0]["code"] == "placement.undefined_code"
    status, _ignored, body = _placement(mock_cloud, "/resource_providers", "1.14", user="member")
    assert status == 403 and body["errors"][0]["detail"] == (
        "Access was denied to this resource.\n\n Policy does not allow placement:resource_providers:list to be "
        "performed.  ")
    status, _ignored, body = _placement(mock_cloud, "/resource_providers", "1.999")
    error = body["errors"][0]
    assert status == 406 and "code" not in error
    assert (error["min_version"], error["max_version"]) == ("1.0", "1.39")
    assert error["detail"] == ("The resource could not be generated that was acceptable to your browser (content of "
                               "type application/json. \n\n Invalid microversion: Unacceptable version header: 1.999")
