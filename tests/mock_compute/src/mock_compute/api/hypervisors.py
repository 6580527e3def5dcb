"""``/os-hypervisors``: list, detail, show, statistics and the pre-2.53 search/servers routes."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import WEBOB_BAD_REQUEST, APIError
from mock_compute.api.request import last, page_limit, query_lists
from mock_compute.api.validation import to_bool, validate_query
from mock_compute.api.views import hosts as views
from mock_compute.api.views.common import Links
from mock_compute.models.exceptions import InvalidInput

router = APIRouter()
_H = "os_compute_api:os-hypervisors:"


def _servers_on(cloud, host):
    return list(cloud.state.servers_by_host.get(host.name, {}).values())


def _list(request, detail):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    if ctx.supports((2, 53)):
        validate_query(schemas.HYPERVISORS_QUERY_V253, params)
    elif ctx.supports((2, 33)):
        validate_query(schemas.PAGINATION_QUERY, params)
    policy.enforce(ctx, _H + ("list-detail" if detail else "list"))
    paged = ctx.supports((2, 33))
    limit = marker = None
    if paged:
        limit = page_limit(params, cloud.config.max_limit)
        marker = last(params, "marker")
    pattern = with_servers = None
    if ctx.supports((2, 53)):
        pattern = last(params, "hypervisor_hostname_pattern")
        with_servers = to_bool(last(params, "with_servers", False), strict=True)
    if pattern is not None and ("limit" in params or marker):
        # Nova words it "Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not
        # supported." but hands it to webob as the detail, so the fault shows webob's default explanation
        raise APIError(400, WEBOB_BAD_REQUEST)
    links = Links(request)
    with cloud.locked():
        try:
            hosts = cloud.queries.list_hypervisors(limit=None if pattern else limit, marker=marker, pattern=pattern,
                                                   uuid_ids=ctx.supports((2, 53)))
        except InvalidInput as exc:
            raise APIError(400, exc.message) from exc
        if pattern is not None and not hosts:
            raise APIError(404, "No hypervisor matching '%s' could be found." % pattern)
        items = [views.hypervisor(ctx, cloud, h, detail, servers=_servers_on(cloud, h) if with_servers else None,
                                  with_servers=with_servers) for h in hosts]
    body = {"hypervisors": items}
    if paged and pattern is None:
        collection = "os-hypervisors/detail" if detail else "os-hypervisors"
        next_links = links.collection_links(items, collection, limit, cloud.config.max_limit, "id")
        if next_links:
            body["hypervisors_links"] = next_links
    return JSONResponse(body)


@router.get("/v2.1/os-hypervisors")
async def list_hypervisors(request: Request):
    return _list(request, detail=False)


@router.get("/v2.1/os-hypervisors/detail")
async def list_hypervisors_detail(request: Request):
    return _list(request, detail=True)


@router.get("/v2.1/os-hypervisors/statistics")
async def hypervisor_statistics(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 88)):
        raise APIError(404, "The resource could not be found.")
    policy.enforce(ctx, _H + "statistics")
    keys = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used", "free_ram_mb",
            "free_disk_gb", "current_workload", "running_vms", "disk_available_least")
    totals = dict.fromkeys(keys, 0)
    with cloud.locked():
        old = ctx.version
        ctx.version = (2, 1)   # the pre-2.88 detail view carries the stats
        try:
            # compute_node_statistics only counts nodes whose compute service is enabled
            counted = [host for host in cloud.state.hosts.values() if not host.service.disabled]
            for host in counted:
                item = views.hypervisor(ctx, cloud, host, detail=True)
                for key in keys:
                    totals[key] += item[key]
        finally:
            ctx.version = old
        totals["count"] = len(counted)
    return JSONResponse({"hypervisor_statistics": totals})


def _pattern_route(request, pattern, with_servers):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 53)):
        raise APIError(404, "The resource could not be found.")
    policy.enforce(ctx, _H + ("servers" if with_servers else "search"))
    with cloud.locked():
        hosts = cloud.queries.list_hypervisors(pattern=pattern)
        if not hosts:
            raise APIError(404, "No hypervisor matching '%s' could be found." % pattern)
        items = [views.hypervisor(ctx, cloud, h, False, servers=_servers_on(cloud, h) if with_servers else None)
                 for h in hosts]
    return JSONResponse({"hypervisors": items})


@router.get("/v2.1/os-hypervisors/{pattern}/search")
async def search_hypervisors(request: Request, pattern: str):
    return _pattern_route(request, pattern, with_servers=False)


@router.get("/v2.1/os-hypervisors/{pattern}/servers")
async def hypervisor_servers(request: Request, pattern: str):
    return _pattern_route(request, pattern, with_servers=True)


@router.get("/v2.1/os-hypervisors/{hypervisor_id}/uptime")
async def hypervisor_uptime(request: Request, hypervisor_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 88)):    # 2.88 moved uptime into the detail view
        raise APIError(404, "The resource could not be found.")
    policy.enforce(ctx, _H + "uptime")
    host = _find(ctx, cloud, hypervisor_id)
    with cloud.locked():
        if not cloud.is_service_up(host.service):
            raise APIError(400, "Compute service of %s is unavailable at this time." % host.name)
        item = views.hypervisor(ctx, cloud, host, False)
        item["uptime"] = views.UPTIME
    return JSONResponse({"hypervisor": item})


def _find(ctx, cloud, hypervisor_id):
    """The host of a hypervisor id (uuid from 2.53, integer before); Nova's 400/404 otherwise."""
    uuid_ids = ctx.supports((2, 53))
    if uuid_ids:
        try:
            uuid.UUID(hypervisor_id)
        except ValueError as exc:
            raise APIError(400, "Invalid uuid %s" % hypervisor_id) from exc
    elif not hypervisor_id.isdigit():
        raise APIError(404, "Hypervisor with ID '%s' could not be found." % hypervisor_id)
    with cloud.locked():
        host = cloud.queries.hypervisor(hypervisor_id, uuid_ids)
    if host is None:
        raise APIError(404, "Hypervisor with ID '%s' could not be found." % hypervisor_id)
    return host


@router.get("/v2.1/os-hypervisors/{hypervisor_id}")
async def show_hypervisor(request: Request, hypervisor_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    uuid_ids = ctx.supports((2, 53))
    with_servers = False
    if uuid_ids:
        validate_query(schemas.HYPERVISOR_SHOW_QUERY_V253, params)
        with_servers = to_bool(last(params, "with_servers", False), strict=True)
        try:
            uuid.UUID(hypervisor_id)
        except ValueError as exc:
            raise APIError(400, "Invalid uuid %s" % hypervisor_id) from exc
    elif not hypervisor_id.isdigit():
        raise APIError(404, "Hypervisor with ID '%s' could not be found." % hypervisor_id)
    policy.enforce(ctx, _H + "show")
    with cloud.locked():
        host = cloud.queries.hypervisor(hypervisor_id, uuid_ids)
        if host is None:
            raise APIError(404, "Hypervisor with ID '%s' could not be found." % hypervisor_id)
        item = views.hypervisor(ctx, cloud, host, True, servers=_servers_on(cloud, host) if with_servers else None,
                                with_servers=with_servers)
    return JSONResponse({"hypervisor": item})
