"""API details a real Nova 34 showed the conformance suite (tests/conformance): microversion headers on a 406,
the servers query string per microversion, the text of a state conflict, a repeated os-migrations filter."""

import pytest
from mock_cloud_helpers import nova_error, wait_for
from mock_compute.api.microversion import NOVA_LEGACY_HEADER, STANDARD_HEADER

AUTO = {"host": None, "block_migration": "auto"}


def _names(mock_cloud, query, microversion):
    status, _ignored, body = mock_cloud.compute("GET", "/servers/detail?all_tenants=1&" + query,
                                                microversion=microversion)
    assert status == 200, body
    return sorted(s["name"] for s in body["servers"])


def _action(mock_cloud, server_id, body, microversion="2.80", user="admin"):
    status, _ignored, reply = mock_cloud.compute("POST", "/servers/%s/action" % server_id, body,
                                                 microversion=microversion, user=user)
    assert status in (202, 204), reply


def _migration(mock_cloud, server_id):
    body = mock_cloud.compute("GET", "/os-migrations?instance_uuid=%s" % server_id, microversion="2.80")[2]
    return body["migrations"][0]


# microversions ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "echoed"), [("2.200", "2.200"), ("2.0", "2.0"), ("3.0", "3.0")])
def test_unsupported_version_is_echoed_in_the_406(mock_cloud, value, echoed):
    # Nova sets the request's version before checking its range, so its fault carries the headers
    status, headers, body = mock_cloud.compute("GET", "/flavors", microversion=value)
    assert status == 406 and nova_error(body)[0] == "computeFault"
    assert headers[STANDARD_HEADER] == "compute " + echoed
    assert headers[NOVA_LEGACY_HEADER] == echoed
    assert headers.get_all("Vary") == [STANDARD_HEADER, NOVA_LEGACY_HEADER]


# servers list query -----------------------------------------------------------------------------------------------
def test_invalid_booleans_are_worded_like_oslo(mock_cloud):
    expected = ("Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', "
                "'on', 't', 'true', 'y', 'yes'")
    for query, microversion in (("all_tenants=maybe", "2.1"), ("locked=maybe", "2.73")):
        status, _ignored, body = mock_cloud.compute("GET", "/servers/detail?" + query, microversion=microversion)
        assert (status, nova_error(body)[2]) == (400, expected)


def test_unknown_query_parameter_names_the_pattern(mock_cloud):
    # the schema has patternProperties ('^_'), so jsonschema words the refusal differently
    status, _ignored, body = mock_cloud.compute("GET", "/servers/detail?frobnicate=1", microversion="2.75")
    assert (status, nova_error(body)[2]) == (400, "'frobnicate' does not match any of the regexes: '^_'")


def test_filters_newer_than_the_version_are_stripped(mock_cloud):
    everything = _names(mock_cloud, "", "2.1")
    assert _names(mock_cloud, "locked=true", "2.72") == everything
    assert _names(mock_cloud, "locked=true", "2.73") == ["app-locked", "owner-locked"]
    assert _names(mock_cloud, "changes-before=2000-01-01T00:00:00Z", "2.65") == everything
    assert _names(mock_cloud, "changes-before=2000-01-01T00:00:00Z", "2.66") == []


def test_changes_since_is_checked_by_the_schema(mock_cloud):
    status, _ignored, body = mock_cloud.compute("GET", "/servers/detail?changes-since=yesterday", microversion="2.1")
    assert (status, nova_error(body)[2]) == (
        400, "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'")


# state conflicts ----------------------------------------------------------------------------------------------------
def test_conflict_without_a_task_state_uses_the_generic_text(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/migrations/1/action" % server_id,
                                                {"force_complete": None}, microversion="2.22")
    assert (status, nova_error(body)[2]) == (409, "Instance %s is in an invalid state for 'force_complete'" % server_id)
    status, _ignored, body = mock_cloud.compute("DELETE", "/servers/%s/migrations/1" % server_id, microversion="2.24")
    assert (status, nova_error(body)[2]) == (
        409, "Instance %s is in an invalid state for 'abort live migration'" % server_id)


# os-migrations ------------------------------------------------------------------------------------------------------
def test_repeated_status_filter_keeps_the_last_value(mock_cloud):
    web, api = mock_cloud.server_id("web-1"), mock_cloud.server_id("api-1")
    _action(mock_cloud, web, {"os-migrateLive": AUTO})
    _action(mock_cloud, api, {"os-migrateLive": AUTO})
    wait_for(lambda: _migration(mock_cloud, api)["status"] == "completed")
    wait_for(lambda: _migration(mock_cloud, web)["status"] == "completed")
    body = mock_cloud.compute("GET", "/os-migrations?status=error&status=completed", microversion="2.80")[2]
    assert len(body["migrations"]) == 2
    body = mock_cloud.compute("GET", "/os-migrations?status=completed&status=error", microversion="2.80")[2]
    assert body["migrations"] == []
