"""Discovery, microversions, Keystone authentication and default policies."""

import openstack
import pytest
from mock_cloud_helpers import find_server, nova_error


def test_discovery_documents_use_the_real_base_url(mock_cloud):
    status, _ignored, body = mock_cloud.request("GET", "/")
    assert status == 200
    v21 = next(v for v in body["versions"] if v["id"] == "v2.1")
    assert (v21["version"], v21["min_version"], v21["status"]) == ("2.103", "2.1", "CURRENT")
    assert v21["links"][0]["href"] == mock_cloud.url + "/v2.1/"
    for path in ("/v2.1", "/v2.1/"):
        status, _ignored, body = mock_cloud.request("GET", path)
        assert status == 200 and body["version"]["links"][0]["href"] == mock_cloud.url + "/v2.1/"
    status, _ignored, body = mock_cloud.request("GET", "/v3")
    assert body["version"]["links"][0]["href"] == mock_cloud.url + "/v3/"
    status, _ignored, body = mock_cloud.request("GET", "/placement/")
    assert body["versions"][0]["max_version"] == "1.39"


def test_microversion_negotiation(mock_cloud):
    def call(headers):
        return mock_cloud.request("GET", "/v2.1/flavors", headers=dict(headers, **{"X-Auth-Token": mock_cloud.token()}))

    status, headers, _ignored = call({})
    assert status == 200 and headers["OpenStack-API-Version"] == "compute 2.1"
    assert headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert headers.get_all("Vary") == ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]
    assert headers["x-openstack-request-id"].startswith("req-") and headers["x-compute-request-id"]

    assert call({"OpenStack-API-Version": "compute latest"})[1]["OpenStack-API-Version"] == "compute 2.103"
    assert call({"X-OpenStack-Nova-API-Version": "2.60"})[1]["OpenStack-API-Version"] == "compute 2.60"
    assert call({"OpenStack-API-Version": "compute 2.70", "X-OpenStack-Nova-API-Version": "2.60"})[1][
        "X-OpenStack-Nova-API-Version"] == "2.70"
    assert call({"OpenStack-API-Version": "placement 1.2, compute 2.50"})[1]["X-OpenStack-Nova-API-Version"] == "2.50"

    status, headers, body = call({"OpenStack-API-Version": "compute 2.x"})
    assert (status, nova_error(body)) == (400, ("badRequest", 400, "API Version String 2.x is of invalid format. "
                                                "Must be of format MajorNum.MinorNum."))
    status, headers, body = call({"OpenStack-API-Version": "compute 2.200"})
    assert (status, nova_error(body)) == (406, ("computeFault", 406, "Version 2.200 is not supported by the API. "
                                                "Minimum is 2.1 and maximum is 2.103."))
    assert headers["OpenStack-API-Version"] == "compute 2.200"    # Nova echoes the version it refused
    status, _ignored, body = call({"X-OpenStack-Nova-API-Version": "1.1"})
    assert status == 406


def test_version_headers_on_errors_and_gated_endpoints(mock_cloud):
    server_id = mock_cloud.server_id("web-1")
    status, headers, body = mock_cloud.compute("GET", "/servers/%s/migrations" % server_id, microversion="2.22")
    assert (status, nova_error(body)) == (404, ("itemNotFound", 404, "The resource could not be found."))
    assert headers["OpenStack-API-Version"] == "compute 2.22"
    assert headers.get_all("Vary") == ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]
    status, headers, body = mock_cloud.compute("GET", "/servers/nope", microversion="2.60")
    assert (status, nova_error(body)[2]) == (404, "Instance nope could not be found.")
    assert headers["X-OpenStack-Nova-API-Version"] == "2.60"
    status, _ignored, body = mock_cloud.compute("GET", "/no-such-thing")
    assert (status, nova_error(body)[0]) == (404, "itemNotFound")


def test_bad_token_gets_keystonemiddleware_401(mock_cloud):
    for headers in ({}, {"X-Auth-Token": "garbage"}):
        status, response_headers, body = mock_cloud.request("GET", "/v2.1/servers", headers=headers)
        assert status == 401
        assert body == {"error": {"code": 401, "title": "Unauthorized",
                                  "message": "The request you have made requires authentication."}}
        assert response_headers["WWW-Authenticate"] == 'Keystone uri="%s/v3"' % mock_cloud.url
    assert mock_cloud.request("GET", "/placement/resource_providers")[0] == 401


def test_keystone_password_and_application_credentials(mock_cloud):
    bad = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"name": "Default"}, "password": "wrong"}}}}}
    status, _ignored, body = mock_cloud.request("POST", "/v3/auth/tokens", bad)
    assert status == 401 and body["error"]["title"] == "Unauthorized"

    good = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "member", "domain": {"id": "default"}, "password": "secret"}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
    status, headers, body = mock_cloud.request("POST", "/v3/auth/tokens", good)
    assert status == 201 and headers["X-Subject-Token"]
    token = body["token"]
    assert {r["name"] for r in token["roles"]} == {"member", "reader"}
    assert token["user"]["domain"] == {"id": "default", "name": "Default"}
    assert token["project"]["name"] == "demo"
    assert token["expires_at"].endswith("Z") and token["issued_at"].endswith("Z")
    catalog = {entry["type"]: entry["endpoints"][0] for entry in token["catalog"]}
    assert catalog["compute"]["url"] == mock_cloud.url + "/v2.1"
    assert catalog["placement"]["url"] == mock_cloud.url + "/placement"
    assert catalog["identity"] == dict(catalog["identity"], interface="public", region="RegionOne")

    for credential in ({"id": "mock-admin-appcred", "secret": "appcred-secret"},
                       {"name": "mock-admin-appcred", "secret": "appcred-secret",
                        "user": {"name": "admin", "domain": {"name": "Default"}}}):
        body = {"auth": {"identity": {"methods": ["application_credential"], "application_credential": credential}}}
        status, _ignored, answer = mock_cloud.request("POST", "/v3/auth/tokens", body)
        assert status == 201 and answer["token"]["application_credential"]["id"] == "mock-admin-appcred"
        assert answer["token"]["project"]["name"] == "admin"
    conn = mock_cloud.connect("mock-admin-appcred")
    assert len(list(conn.compute.servers(all_projects=True))) == 13


def test_member_policies(mock_cloud, member_conn):
    servers = list(member_conn.compute.servers())
    assert servers and all(s.project_id == member_conn.current_project_id for s in servers)
    assert all(s.compute_host is None for s in servers)        # no OS-EXT-SRV-ATTR for non-admins
    server = member_conn.compute.find_server("web-1", ignore_missing=False)
    denied = {
        "migrate": lambda: member_conn.compute.migrate_server(server),
        "os-services:list": lambda: list(member_conn.compute.services()),
        "os-hypervisors:list": lambda: list(member_conn.compute.hypervisors()),
        "servers:index:get_all_tenants": lambda: list(member_conn.compute.servers(details=False, all_projects=True)),
        "os-evacuate": lambda: member_conn.compute.evacuate_server(server),
        "migrate_live": lambda: member_conn.compute.live_migrate_server(server, block_migration="auto"),
        "servers:migrations:index": lambda: list(member_conn.compute.server_migrations(server)),
    }
    for rule, call in denied.items():
        with pytest.raises(openstack.exceptions.ForbiddenException, match="Policy doesn't allow .*%s" % rule):
            call()
    # Other projects' servers simply do not exist for a member.
    db1 = mock_cloud.server_id("db-1")
    status, _ignored, body = mock_cloud.compute("GET", "/servers/%s" % db1, user="member")
    assert (status, nova_error(body)[2]) == (404, "Instance %s could not be found." % db1)
    # Members may confirm/revert and stop their own servers.
    status, _ignored, _ignored = mock_cloud.compute("POST", "/servers/%s/action" % server.id, {"os-stop": None}, user="member")
    assert status == 202


def test_locks_and_unlock_override(mock_cloud, admin_conn):
    locked = mock_cloud.server_id("app-locked")
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/action" % locked, {"os-stop": None}, user="member")
    assert (status, nova_error(body)[2]) == (409, "Instance %s is locked" % locked)
    status, _ignored, body = mock_cloud.compute("POST", "/servers/%s/action" % locked, {"unlock": None}, user="member")
    assert status == 403 and "unlock:unlock_override" in nova_error(body)[2]
    owner_locked = mock_cloud.server_id("owner-locked")
    assert mock_cloud.compute("POST", "/servers/%s/action" % owner_locked, {"unlock": None}, user="member")[0] == 202
    server = find_server(admin_conn, "app-locked")
    assert server.is_locked
    assert admin_conn.compute.get_server(server).to_dict()["locked_reason"] == "do not touch: licence bound"
    admin_conn.compute.unlock_server(server)
    admin_conn.compute.lock_server(server, locked_reason="again")
    assert admin_conn.compute.get_server(server).is_locked


def test_placement(mock_cloud, admin_conn):
    providers = {rp.name: rp for rp in admin_conn.placement.resource_providers()}
    hypervisors = {h.name: h.id for h in admin_conn.compute.hypervisors()}
    assert {name: rp.id for name, rp in providers.items()} == hypervisors
    token = {"X-Auth-Token": mock_cloud.token(), "OpenStack-API-Version": "placement 1.14"}
    rp = providers["compute-1"].id
    status, headers, body = mock_cloud.request("GET", "/placement/resource_providers/%s/inventories" % rp, headers=token)
    assert body["inventories"]["MEMORY_MB"] == dict(body["inventories"]["MEMORY_MB"], total=32768, reserved=512,
                                                    allocation_ratio=1.0)
    assert headers["OpenStack-API-Version"] == "placement 1.14"
    status, _ignored, body = mock_cloud.request("GET", "/placement/resource_providers/%s/usages" % rp, headers=token)
    assert body["usages"] == {"VCPU": 4, "MEMORY_MB": 8192, "DISK_GB": 80}
    status, _ignored, body = mock_cloud.request("GET", "/placement/resource_providers?name=compute-10", headers=token)
    assert [p["name"] for p in body["resource_providers"]] == ["compute-10"]
    assert body["resource_providers"][0]["root_provider_uuid"] == providers["compute-10"].id
    status, _ignored, body = mock_cloud.request("GET", "/placement/resource_providers/nope", headers=token)
    assert status == 404 and body["errors"][0]["status"] == 404
    member = {"X-Auth-Token": mock_cloud.token("member")}
    status, _ignored, body = mock_cloud.request("GET", "/placement/resource_providers", headers=member)
    assert status == 403 and body["errors"][0]["title"] == "Forbidden"
    web1 = mock_cloud.server_id("web-1")
    status, _ignored, body = mock_cloud.request("GET", "/placement/allocations/%s" % web1, headers=token)
    assert body["allocations"][rp]["resources"] == {"VCPU": 1, "MEMORY_MB": 2048, "DISK_GB": 20}


def test_availability_zones_and_flavors(mock_cloud, admin_conn):
    zones = {z.name: z.state["available"] for z in admin_conn.compute.availability_zones()}
    assert zones == {"nova": True, "az2": True}
    detail = {z.name: z for z in admin_conn.compute.availability_zones(details=True)}
    assert set(detail["internal"].hosts["controller"]) == {"nova-scheduler", "nova-conductor"}
    flavors = {f.name: f for f in admin_conn.compute.flavors()}
    assert flavors["m1.small"].ram == 2048 and flavors["m1.small"].vcpus == 1
    status, _ignored, body = mock_cloud.compute("GET", "/flavors/nope")
    assert (status, nova_error(body)[2]) == (404, "Flavor nope could not be found.")
