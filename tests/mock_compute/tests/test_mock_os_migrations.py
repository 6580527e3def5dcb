"""``GET /os-migrations``: filters, paging, sorting and version-gated fields."""

import datetime

from mock_cloud_helpers import find_server, nova_error, wait_for, wait_status


def _seed_migrations(mock_cloud, admin_conn):
    """Cold migration (compute-1 -> compute-10, finished), live (compute-4 -> compute-2, completed), a resize."""
    web1 = find_server(admin_conn, "web-1")
    admin_conn.compute.migrate_server(web1, host="compute-10")
    api1 = find_server(admin_conn, "api-1")
    admin_conn.compute.live_migrate_server(api1, host="compute-2", block_migration="auto")
    edge = find_server(admin_conn, "edge-1")
    admin_conn.compute.resize_server(edge, "2")
    wait_status(admin_conn, web1, "VERIFY_RESIZE")
    wait_status(admin_conn, api1, "ACTIVE")
    wait_status(admin_conn, edge, "VERIFY_RESIZE")
    return web1, api1, edge


def get(mock_cloud, query="", version="2.80", user="admin"):
    return mock_cloud.compute("GET", "/os-migrations" + query, microversion=version, user=user)


def ids(body):
    return sorted(m["instance_uuid"] for m in body["migrations"])


def test_filters(mock_cloud, admin_conn):
    web1, api1, edge = _seed_migrations(mock_cloud, admin_conn)

    assert ids(get(mock_cloud, "?host=compute-1")[2]) == [web1.id]                  # not compute-10's
    assert ids(get(mock_cloud, "?host=compute-10")[2]) == sorted([web1.id, edge.id])  # source or dest
    assert ids(get(mock_cloud, "?source_compute=compute-10")[2]) == [edge.id]
    assert ids(get(mock_cloud, "?host=compute-1&source_compute=compute-10")[2]) == [web1.id]  # host wins
    assert ids(get(mock_cloud, "?status=completed")[2]) == [api1.id]
    assert ids(get(mock_cloud, "?status=completed&status=finished")[2]) == sorted([web1.id, edge.id])  # the last
    assert ids(get(mock_cloud, "?migration_type=resize")[2]) == [edge.id]
    assert ids(get(mock_cloud, "?instance_uuid=%s" % api1.id)[2]) == [api1.id]
    admin = admin_conn.current_user_id
    assert len(get(mock_cloud, "?user_id=%s" % admin)[2]["migrations"]) == 3
    assert get(mock_cloud, "?user_id=nobody")[2]["migrations"] == []
    project = admin_conn.current_project_id
    assert len(get(mock_cloud, "?project_id=%s" % project)[2]["migrations"]) == 3

    future = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = "2000-01-01T00:00:00Z"
    assert get(mock_cloud, "?changes-since=%s" % future)[2]["migrations"] == []
    assert len(get(mock_cloud, "?changes-since=%s&changes-before=%s" % (past, future))[2]["migrations"]) == 3
    status, _ignored, body = get(mock_cloud, "?changes-since=%s&changes-before=%s" % (future, past))
    assert (status, nova_error(body)[2]) == (
        400, "The value of changes-since must be less than or equal to changes-before.")
    status, _ignored, body = get(mock_cloud, "?changes-before=%s" % past, version="2.65")
    assert status == 400 and "('changes-before' was unexpected)" in nova_error(body)[2]
    status, _ignored, body = get(mock_cloud, "?changes-since=yesterday")
    assert status == 400 and "'yesterday' is not a 'date-time'" in nova_error(body)[2]

    # SDK mapping: server_id -> instance_uuid, changes_since -> changes-since ...
    sdk = list(admin_conn.compute.migrations(host="compute-10", migration_type="migration"))
    assert [m.server_id for m in sdk] == [web1.id]


def test_paging_sorting_and_fields(mock_cloud, admin_conn):
    _seed_migrations(mock_cloud, admin_conn)
    status, _ignored, body = get(mock_cloud)
    migrations = body["migrations"]
    assert [m["id"] for m in migrations] == [3, 2, 1]                         # created_at desc, id desc
    assert "migrations_links" not in body
    assert {"uuid", "user_id", "project_id", "migration_type"} <= set(migrations[0])

    status, _ignored, page = get(mock_cloud, "?limit=2")
    assert [m["id"] for m in page["migrations"]] == [3, 2]
    next_href = page["migrations_links"][0]["href"]
    assert next_href.startswith(mock_cloud.url + "/v2.1/os-migrations?")
    assert "limit=2" in next_href and "marker=%s" % page["migrations"][1]["uuid"] in next_href
    status, _ignored, rest = get(mock_cloud, "?limit=2&marker=%s" % page["migrations"][1]["uuid"])
    assert [m["id"] for m in rest["migrations"]] == [1] and "migrations_links" not in rest
    status, _ignored, body = get(mock_cloud, "?marker=nope")
    assert (status, nova_error(body)[2]) == (400, "Marker nope could not be found.")
    status, _ignored, body = get(mock_cloud, "?limit=-1")
    assert status == 400 and "'-1' does not match '^[0-9]*$'" in nova_error(body)[2]
    status, _ignored, body = get(mock_cloud, "?foo=bar", version="2.59")
    assert (status, nova_error(body)[2]) == (400, "Additional properties are not allowed ('foo' was unexpected)")
    assert get(mock_cloud, "?foo=bar", version="2.58")[0] == 200
    status, _ignored, body = get(mock_cloud, "?project_id=x", version="2.79")
    assert status == 400

    old = get(mock_cloud, version="2.1")[2]["migrations"][0]
    assert set(old) == {"created_at", "dest_compute", "dest_host", "dest_node", "id", "instance_uuid",
                        "new_instance_type_id", "old_instance_type_id", "source_compute", "source_node", "status",
                        "updated_at"}
    v223 = get(mock_cloud, version="2.23")[2]["migrations"][0]
    assert "migration_type" in v223 and "uuid" not in v223

    # The SDK follows migrations_links.
    assert len(list(admin_conn.compute.migrations(limit=1))) == 3


def test_links_only_for_in_progress_live_migrations(mock_cloud, admin_conn):
    mock_cloud.add_fault("migration_stuck", server="api-1", phase="running")
    api1 = find_server(admin_conn, "api-1")
    admin_conn.compute.live_migrate_server(api1, block_migration="auto")
    wait_for(lambda: get(mock_cloud)[2]["migrations"][0]["status"] == "running")
    admin_conn.compute.migrate_server(find_server(admin_conn, "web-1"))
    body = wait_for(lambda: (b := get(mock_cloud, version="2.23")[2]) and len(b["migrations"]) == 2 and b)
    by_type = {m["migration_type"]: m for m in body["migrations"]}
    live = by_type["live-migration"]
    assert live["links"][0] == {"rel": "self", "href": "%s/v2.1/servers/%s/migrations/%d"
                                % (mock_cloud.url, api1.id, live["id"])}
    assert "links" not in by_type["migration"]


def test_policy(mock_cloud):
    status, _ignored, body = get(mock_cloud, user="member")
    assert (status, nova_error(body)[2]) == (403, "Policy doesn't allow os_compute_api:os-migrations:index to be "
                                                  "performed.")
    # A project manager may migrate (without a host) and list its own project's migrations; host fields
    # are hidden from it.  Migrations record the requester's project.
    project = next(p["id"] for p in mock_cloud.state()["identity"]["projects"] if p["name"] == "demo")
    status, _ignored, _ignored = mock_cloud.compute("POST", "/servers/%s/action" % mock_cloud.server_id("web-1"), {"migrate": None},
                                                    user="manager")
    assert status == 202
    status, _ignored, body = wait_for(lambda: (r := get(mock_cloud, "?project_id=%s" % project, user="manager"))
                                      and r[2]["migrations"] and r)
    assert status == 200 and body["migrations"][0]["source_compute"] is None
    status, _ignored, body = get(mock_cloud, user="manager")
    assert (status, nova_error(body)[2]) == (403, "Policy doesn't allow os_compute_api:os-migrations:index:"
                                                  "all_projects to be performed.")
