"""Server views per microversion (admin, member, manager) and lookups that fail; no state changes."""

import pytest

from conformance.harness import UNKNOWN_UUID as UNKNOWN_SERVER

# Where a server body gains or loses keys (Nova's REST API version history).
SHOW_VERSIONS = ["2.1", "2.3", "2.9", "2.16", "2.19", "2.26", "2.47", "2.63", "2.71", "2.73", "2.90", "2.96",
                 "2.98", "2.100", "2.104"]
LIST_VERSIONS = ["2.1", "2.16", "2.47", "2.73", "2.96", "2.100"]
DEMO_PROJECT = "2f5f72eff9fd51a8bc7e96f695140625"   # both derive project ids from names the same way


@pytest.mark.parametrize("mv", SHOW_VERSIONS)
def test_admin_show(conformance, mv):
    # one server of each project at every version; the other states at the versions that change their view
    servers = ["live-1", "admin-1"] + (["paused-1", "locked-1", "broken-1"] if mv in ("2.1", "2.73", "2.96") else [])
    for server in servers:
        conformance.request("servers.show.admin.%s@%s" % (server, mv), "GET", "/servers/{server:%s}" % server, mv=mv)


@pytest.mark.parametrize("mv", LIST_VERSIONS)
def test_admin_detail_list(conformance, mv):
    conformance.request("servers.detail.admin@%s" % mv, "GET", "/servers/detail?all_tenants=1", mv=mv)


@pytest.mark.parametrize("mv", ["2.1", "2.73"])
def test_admin_brief_list(conformance, mv):
    conformance.request("servers.list.admin@%s" % mv, "GET", "/servers?all_tenants=1", mv=mv)


@pytest.mark.parametrize("mv", ["2.1", "2.47", "2.90", "2.96", "2.100"])
def test_member_views(conformance, mv):
    conformance.request("servers.show.member@%s" % mv, "GET", "/servers/{server:locked-1}", mv=mv, cloud="mock-member")
    conformance.request("servers.detail.member@%s" % mv, "GET", "/servers/detail", mv=mv, cloud="mock-member")


@pytest.mark.parametrize(("name", "query", "mv"), [
    ("host", "host=compute-3", "2.1"),
    ("node", "node=compute-2", "2.1"),
    ("status-paused", "status=PAUSED", "2.1"),
    ("status-shutoff-and-error", "status=SHUTOFF&status=ERROR", "2.1"),
    ("status-invalid", "status=NOPE", "2.38"),
    ("status-invalid-old", "status=NOPE", "2.37"),
    ("locked", "locked=true", "2.73"),
    ("locked-before-2.73", "locked=true", "2.72"),
    ("name-regex", "name=^cold-", "2.1"),
    ("project", "project_id={project:demo}", "2.1"),
    ("unknown-param", "frobnicate=1", "2.75"),
    ("unknown-param-old", "frobnicate=1", "2.74"),
    ("all-tenants-invalid", "all_tenants=maybe", "2.1"),
    ("changes-before", "changes-before=2000-01-01T00:00:00Z", "2.66"),
    ("changes-before-before-2.66", "changes-before=2000-01-01T00:00:00Z", "2.65"),
    ("changes-since", "changes-since=2000-01-01T00:00:00Z", "2.1"),
    ("changes-since-invalid", "changes-since=yesterday", "2.1"),
    ("vm-state", "vm_state=stopped", "2.1"),
    ("availability-zone", "availability_zone=nova", "2.83"),
])
def test_admin_list_filters(conformance, name, query, mv):
    query = query.replace("{project:demo}", DEMO_PROJECT)
    path = "/servers/detail?%s%s" % (query, "" if "all_tenants" in query else "&all_tenants=1")

    def names(body):
        if isinstance(body, dict) and "servers" in body:
            return {"names": sorted(s["name"] for s in body["servers"]), "links": body.get("servers_links")}
        return body
    conformance.request("servers.filter.%s@%s" % (name, mv), "GET", path, mv=mv, view=names)


def test_paging(conformance):
    # The seeded servers' creation order is the harness's, so compare the page's shape, not its members.
    def page(body):
        if not isinstance(body, dict) or "servers" not in body:
            return body
        links = body.get("servers_links") or []
        last = body["servers"][-1]["id"] if body["servers"] else None
        return {"count": len(body["servers"]), "links": [(link["rel"], link["href"].endswith("marker=%s" % last))
                                                         for link in links]}
    conformance.request("servers.paging.limit", "GET", "/servers/detail?all_tenants=1&limit=3", mv="2.1", view=page)
    conformance.request("servers.paging.limit-0", "GET", "/servers/detail?all_tenants=1&limit=0", mv="2.1", view=page)
    conformance.request("servers.paging.limit-negative", "GET", "/servers/detail?all_tenants=1&limit=-1", mv="2.1")
    conformance.request("servers.paging.marker", "GET", "/servers/detail?all_tenants=1&limit=3&marker={server:live-1}",
                        mv="2.1", view=lambda b: b if "servers" not in b else len(b["servers"]) <= 3)
    conformance.request("servers.paging.bad-marker", "GET", "/servers/detail?all_tenants=1&marker=%s" % UNKNOWN_SERVER,
                        mv="2.1")


def test_member_filters_are_dropped(conformance):
    def names(body):
        return sorted(s["name"] for s in body["servers"]) if isinstance(body, dict) and "servers" in body else body
    conformance.request("servers.filter.member-host", "GET", "/servers/detail?host=compute-1", mv="2.1",
                        cloud="mock-member", view=names)
    conformance.request("servers.filter.member-all-tenants", "GET", "/servers/detail?all_tenants=1", mv="2.1",
                        cloud="mock-member", view=names)


def test_not_found(conformance):
    conformance.request("servers.show.unknown", "GET", "/servers/%s" % UNKNOWN_SERVER, mv="2.1")
    conformance.request("servers.show.not-a-uuid", "GET", "/servers/nope", mv="2.1")
    conformance.request("servers.show.other-project", "GET", "/servers/{server:admin-1}", mv="2.1", cloud="mock-member")
    conformance.request("servers.show.query-params@2.102", "GET", "/servers/{server:live-1}?foo=1", mv="2.102")
    conformance.request("servers.show.query-params@2.101", "GET", "/servers/{server:live-1}?foo=1", mv="2.101")
