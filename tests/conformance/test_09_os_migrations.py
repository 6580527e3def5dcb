"""``GET /os-migrations`` over the history the migration tests left: filters, order, paging, versions, roles.

History (oldest first): cold-1 (compute-1 -> compute-3, confirmed), cold-2 (compute-1 -> compute-2, reverted),
cold-1 (to the disabled compute-4: error), live-1 (compute-2 -> compute-3), live-2 (compute-2 -> compute-1),
paused-1 (compute-2 -> compute-4, forced), live-1 (compute-3 -> compute-1, force completed), live-1 (compute-1 ->
compute-2, cancelled), live-2 (to the disabled compute-4: error).
"""

import pytest

from conformance.harness import UNKNOWN_UUID, version

DEMO_PROJECT = "2f5f72eff9fd51a8bc7e96f695140625"


@pytest.fixture(scope="module", autouse=True)
def _named(conformance):
    conformance.learn_migrations()


def _by_label(body):
    # before 2.59 Nova does not sort (rows come per cell, in database order)
    if isinstance(body, dict) and isinstance(body.get("migrations"), list):
        return dict(body, migrations=sorted(body["migrations"], key=lambda m: str(m["id"])))
    return body


@pytest.mark.parametrize("mv", ["2.1", "2.23", "2.58"])
def test_list_unordered_versions(conformance, mv):
    conformance.request("migrations.list@%s" % mv, "GET", "/os-migrations", mv=mv, view=_by_label)


@pytest.mark.parametrize("mv", ["2.59", "2.66", "2.80"])
def test_list_ordered_versions(conformance, mv):
    conformance.request("migrations.list@%s" % mv, "GET", "/os-migrations", mv=mv)


def _labels(body, ordered):
    """The (normalized) migrations as their names; sorted where Nova promises no order (before 2.59)."""
    if isinstance(body, dict) and isinstance(body.get("migrations"), list):
        ids = [m["id"] for m in body["migrations"]]
        out = {"ids": ids if ordered else sorted(ids)}
        if "migrations_links" in body:
            out["links"] = body["migrations_links"]
        return out
    return body


@pytest.mark.parametrize(("name", "query", "mv"), [
    ("host", "host=compute-1", "2.80"),
    ("host-partial", "host=compute", "2.80"),
    ("host-and-source", "host=compute-4&source_compute=compute-1", "2.80"),
    ("source-compute", "source_compute=compute-2", "2.80"),
    ("status", "status=completed", "2.80"),
    ("status-repeated", "status=confirmed&status=reverted", "2.80"),
    ("status-error", "status=error", "2.80"),
    ("status-none", "status=running", "2.80"),
    ("instance", "instance_uuid={server:live-1}", "2.80"),
    ("instance-unknown", "instance_uuid=%s" % UNKNOWN_UUID, "2.80"),
    ("type-live", "migration_type=live-migration", "2.80"),
    ("type-cold", "migration_type=migration", "2.80"),
    ("type-evacuation", "migration_type=evacuation", "2.80"),
    ("type-and-host", "migration_type=live-migration&host=compute-3", "2.80"),
    ("type-before-2.23", "migration_type=migration", "2.1"),
    ("hidden", "hidden=0", "2.1"),
    ("limit", "limit=2", "2.59"),
    ("limit-0", "limit=0", "2.59"),
    ("limit-negative", "limit=-1", "2.59"),
    ("limit-text", "limit=two", "2.59"),
    ("limit-before-2.59", "limit=2", "2.58"),
    ("marker-unknown", "marker=%s" % UNKNOWN_UUID, "2.59"),
    ("marker-and-limit", "limit=2&marker={migration:live-1#2}", "2.59"),
    ("marker-last", "marker={migration:cold-1#1}", "2.59"),
    ("marker-and-filter", "marker={migration:live-1#1}&migration_type=live-migration", "2.59"),
    ("unknown-param", "frobnicate=1", "2.59"),
    ("unknown-param-old", "frobnicate=1", "2.58"),
    ("changes-since-invalid", "changes-since=yesterday", "2.59"),
    ("changes-since-before-2.59", "changes-since=2000-01-01T00:00:00Z", "2.58"),
    ("changes-since-early", "changes-since=2000-01-01T00:00:00Z", "2.59"),
    ("changes-before-early", "changes-before=2000-01-01T00:00:00Z", "2.66"),
    ("changes-before-before-2.66", "changes-before=2000-01-01T00:00:00Z", "2.65"),
    ("changes-reversed", "changes-since=2001-01-01T00:00:00Z&changes-before=2000-01-01T00:00:00Z", "2.66"),
    ("project", "project_id=%s" % DEMO_PROJECT, "2.80"),
    ("project-before-2.80", "project_id=%s" % DEMO_PROJECT, "2.79"),
    ("user", "user_id={user:admin}", "2.80"),
    ("user-and-project", "user_id={user:admin}&project_id=%s" % DEMO_PROJECT, "2.80"),
])
def test_filters(conformance, name, query, mv):
    def observe(backend):
        reply = backend.call("GET", "/os-migrations?" + query.replace("{user:admin}", backend.conn().current_user_id),
                             mv=mv)
        return {"status": reply.status, "body": _labels(backend.names.normalize(reply.body), version(mv) >= (2, 59))}
    conformance.compare("migrations.filter.%s@%s" % (name, mv), observe)


def test_changes_since_and_before_a_migration(conformance):
    """Both bounds at the update time of live-1's second migration (each backend's own clock)."""
    def observe(backend, bound, mv):
        records = backend.call("GET", "/os-migrations?instance_uuid={server:live-1}", mv="2.80").body["migrations"]
        second = next(m for m in records if backend.names.ints["migration"].get(m["id"]) == "migration:live-1#2")
        reply = backend.call("GET", "/os-migrations?%s=%s" % (bound, second["updated_at"]), mv=mv)
        return {"status": reply.status, "body": _labels(backend.names.normalize(reply.body), True)}
    conformance.compare("migrations.filter.changes-since-live-1#2", observe, "changes-since", "2.59")
    conformance.compare("migrations.filter.changes-before-live-1#2", observe, "changes-before", "2.66")


def test_paging_follows_links(conformance):
    def observe(backend):
        pages, path = [], "/os-migrations?limit=3"
        while path and len(pages) < 5:
            body = backend.call("GET", path, mv="2.80").body
            pages.append([m["id"] for m in body["migrations"]])
            links = body.get("migrations_links") or []
            path = links[0]["href"].split("/v2.1", 1)[1] if links else None
        return backend.names.normalize(pages)
    conformance.compare("migrations.paging.follow", observe)


@pytest.mark.parametrize("cloud", ["mock-member", "mock-manager"])
def test_roles(conformance, cloud):
    role = cloud.split("-", 1)[1]
    for name, query in [("own-project", "project_id=%s" % DEMO_PROJECT), ("other-project", "project_id=x"),
                        ("no-project", "")]:
        conformance.request("migrations.%s.%s" % (role, name), "GET", "/os-migrations?" + query, mv="2.80",
                            cloud=cloud)
