"""``/servers``: list (index/detail), show, create (for seeding) and delete."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, last, page_limit, query_lists, read_json
from mock_compute.api.validation import strip_additional, to_bool, validate_body, validate_query
from mock_compute.api.views import servers as server_views
from mock_compute.api.views.common import Links
from mock_compute.models import clock
from mock_compute.models.exceptions import FlavorNotFound, InstanceGroupNotFound, MarkerNotFound
from mock_compute.models.queries import ServerFilters
from mock_compute.models.servers import states_for_statuses

router = APIRouter()
_P = "os_compute_api:"
_JOINED_TABLE_PARAMS = ("block_device_mapping", "services", "metadata", "pci_devices", "security_groups",
                        "info_cache", "fault")


def _user_filters(ctx):
    """Filters a non-admin may use (nova ServersController._get_server_search_options)."""
    names = {"reservation_id", "name", "status", "image", "flavor", "ip", "changes-since", "all_tenants"}
    if ctx.supports((2, 5)):
        names.add("ip6")
    if ctx.supports((2, 26)):
        names.update({"tags", "tags-any", "not-tags", "not-tags-any"})
    if ctx.supports((2, 66)):
        names.add("changes-before")
    if ctx.supports((2, 73)):
        names.add("locked")
    if ctx.supports((2, 83)):
        names.update({"availability_zone", "config_drive", "key_name", "created_at", "launched_at", "terminated_at",
                      "power_state", "task_state", "vm_state", "progress", "user_id"})
    if ctx.supports((2, 90)):
        names.add("hostname")
    return names


def _parse_time(search, name):
    if name not in search:
        return None
    try:
        return clock.parse_isotime(search[name])
    except ValueError as exc:
        raise APIError(400, "Invalid filter field: %s." % name) from exc


def _build_filters(ctx, params, is_detail):
    """Translate the query string into ServerFilters, enforcing Nova's rules and policies."""
    search = {name: values[-1] for name, values in params.items() if name not in ("limit", "marker")}
    if not policy.allowed(ctx, _P + "servers:allow_all_filters"):
        allowed = _user_filters(ctx)
        search = {k: v for k, v in search.items() if k in allowed}
    for name in search:
        if name in _JOINED_TABLE_PARAMS or name.startswith("_"):
            raise APIError(400, "Invalid filter field: %s." % name)
    vm_states = task_states = None
    if "status" in params and "status" in search:
        vm_states, task_states = states_for_statuses(params["status"])
        if not vm_states and not task_states:
            if ctx.supports((2, 38)):
                raise APIError(400, "Invalid status value")
            return None
        if "default" in task_states:
            task_states = None
    changes_since = _parse_time(search, "changes-since")
    changes_before = _parse_time(search, "changes-before")
    if changes_since and changes_before and changes_before < changes_since:
        raise APIError(400, "The value of changes-since must be less than or equal to changes-before.")
    all_tenants = False
    if "all_tenants" in search:
        if search["all_tenants"]:
            try:
                all_tenants = to_bool(search["all_tenants"], strict=True)
            except ValueError as exc:
                raise APIError(400, str(exc)) from exc   # Nova passes oslo's text as the whole message
        else:
            all_tenants = True
    if all_tenants:
        policy.enforce(ctx, _P + ("servers:detail:get_all_tenants" if is_detail else "servers:index:get_all_tenants"))
        project_id = search.get("project_id") or search.get("tenant_id")
    else:
        project_id = ctx.project_id
    locked = None
    if "locked" in search:
        try:
            locked = to_bool(search["locked"], strict=True)
        except ValueError as exc:
            raise APIError(400, str(exc)) from exc
    if "vm_state" in search:
        vm_states = set(params["vm_state"]) if vm_states is None else vm_states & set(params["vm_state"])
    if "task_state" in search:
        wanted = {None if t in ("None", "none", "") else t for t in params["task_state"]}
        task_states = wanted if task_states is None else task_states & wanted
    return ServerFilters(
        project_id=project_id, host=search.get("host"), node=search.get("node"),
        name=search.get("name", search.get("display_name")), vm_states=vm_states, task_states=task_states,
        user_id=search.get("user_id"), availability_zone=search.get("availability_zone"), locked=locked,
        flavor=search.get("flavor"), image=search.get("image", search.get("image_ref")),
        uuids=set(params["uuid"]) if "uuid" in search else None,
        changes_since=changes_since, changes_before=changes_before)


async def _list(request, is_detail):
    ctx, cloud = get_context(request), get_cloud(request)
    schema = next(schema for version, schema in schemas.SERVERS_QUERIES if ctx.supports(version))
    params = query_lists(request)
    validate_query(schema, params)
    params = strip_additional(schema, params)
    policy.enforce(ctx, _P + ("servers:detail" if is_detail else "servers:index"))
    filters = _build_filters(ctx, params, is_detail)
    if filters is None:
        return JSONResponse({"servers": []})
    limit = page_limit(params, cloud.config.max_limit)
    links = Links(request)
    with cloud.locked():
        try:
            found = cloud.queries.list_servers(filters, limit=limit, marker=last(params, "marker"))
        except MarkerNotFound as exc:  # the servers API words this one differently
            raise APIError(400, "marker [%s] not found" % exc.kwargs["marker"]) from exc
        items = [server_views.detail(ctx, links, cloud, s) if is_detail else server_views.basic(links, s)
                 for s in found]
    body = {"servers": items}
    collection = "servers/detail" if is_detail else "servers"
    next_links = links.collection_links(items, collection, limit, cloud.config.max_limit, "id")
    if next_links:
        body["servers_links"] = next_links
    return JSONResponse(body)


@router.get("/v2.1/servers")
async def list_servers(request: Request):
    return await _list(request, is_detail=False)


@router.get("/v2.1/servers/detail")
async def list_servers_detail(request: Request):
    return await _list(request, is_detail=True)


@router.get("/v2.1/servers/{server_id}")
async def show_server(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _P + "servers:show", server.project_id)
        return JSONResponse({"server": server_views.detail(ctx, Links(request), cloud, server, show=True)})


def _split_availability_zone(ctx, value):
    """``zone``, ``zone:host`` or ``zone:host:node`` (host forms are admin-only)."""
    if value is None:
        return None, None
    zone, _ignored, rest = value.partition(":")
    host = rest.partition(":")[0] or None
    if host is not None:
        policy.enforce(ctx, _P + "servers:create:forced_host")
    return zone or None, host


@router.post("/v2.1/servers")
async def create_server(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes)
    validate_body(schemas.CREATE_SERVER, None if body is NO_BODY else body)
    spec = body["server"]
    policy.enforce(ctx, _P + "servers:create")
    zone, forced_host = _split_availability_zone(ctx, spec.get("availability_zone"))
    if ctx.supports((2, 74)) and spec.get("host"):
        policy.enforce(ctx, _P + "servers:create:forced_host")
        forced_host = spec["host"]
    elif spec.get("host") or spec.get("hypervisor_hostname"):
        raise APIError(400, "Additional properties are not allowed ('host' was unexpected)")
    flavor_ref = spec["flavorRef"]
    flavor_ref = str(flavor_ref).rstrip("/").rsplit("/", 1)[-1]
    image_ref = spec.get("imageRef") or ""
    image_ref = image_ref.rstrip("/").rsplit("/", 1)[-1] if image_ref else ""
    # Nova reads os:scheduler_hints first and the older OS-SCH-HNT name only without it
    hints = body.get("os:scheduler_hints", body.get("OS-SCH-HNT:scheduler_hints")) or {}
    with cloud.locked():
        try:
            server = cloud.compute.create_server(
                ctx.actor(), spec["name"], flavor_ref, image_ref=image_ref, availability_zone=zone,
                forced_host=forced_host, metadata=spec.get("metadata"), key_name=spec.get("key_name"),
                description=spec.get("description"), scheduler_hints=hints)
        except (FlavorNotFound, InstanceGroupNotFound) as exc:   # 400s on create in Nova
            raise APIError(400, exc.message) from exc
        links = Links(request)
        result = {"id": server.uuid, "links": links.resource("servers", server.uuid), "OS-DCF:diskConfig": "MANUAL",
                  "security_groups": [{"name": "default"}], "adminPass": "mockPassw0rd"}
    return JSONResponse({"server": result}, status_code=202, headers={"Location": result["links"][0]["href"]})


@router.delete("/v2.1/servers/{server_id}")
async def delete_server(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _P + "servers:delete", server.project_id)
        cloud.compute.delete_server(ctx.actor(), server)
    return Response(status_code=204)
