"""``/flavors``: index, detail and show, and a flavor's ``os-extra_specs`` (read-only)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import last, page_limit, query_lists
from mock_compute.api.validation import to_bool, validate_query
from mock_compute.api.views import flavors as views
from mock_compute.api.views.common import Links

router = APIRouter()
_EXTRA_SPECS = "os_compute_api:os-flavor-extra-specs:"


def _int_param(params, name):
    value = last(params, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise APIError(400, "Invalid input for query parameters %s. Value: %s." % (name, value)) from exc


def _list(request, detail):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    validate_query(schemas.PAGINATION_QUERY, params)
    min_ram, min_disk = _int_param(params, "minRam"), _int_param(params, "minDisk")
    is_public = last(params, "is_public")
    limit = page_limit(params, cloud.config.max_limit)
    marker = last(params, "marker")
    links = Links(request)
    with cloud.locked():
        flavors = list(cloud.state.flavors.values())
        if marker is not None:
            ids = [f.flavorid for f in flavors]
            if marker not in ids:
                raise APIError(400, "marker [%s] not found" % marker)
            flavors = flavors[ids.index(marker) + 1:]
        if is_public is None or not ctx.is_admin:
            flavors = [f for f in flavors if f.is_public]
        elif is_public.lower() != "none":
            flavors = [f for f in flavors if f.is_public == to_bool(is_public)]
        if min_ram is not None:
            flavors = [f for f in flavors if f.ram >= min_ram]
        if min_disk is not None:
            flavors = [f for f in flavors if f.disk >= min_disk]
        items = [views.flavor(ctx, links, f, detail) for f in flavors[:limit]]
    body = {"flavors": items}
    next_links = links.collection_links(items, "flavors/detail" if detail else "flavors", limit,
                                        cloud.config.max_limit, "id")
    if next_links:
        body["flavors_links"] = next_links
    return JSONResponse(body)


@router.get("/v2.1/flavors")
async def list_flavors(request: Request):
    return _list(request, detail=False)


@router.get("/v2.1/flavors/detail")
async def list_flavors_detail(request: Request):
    return _list(request, detail=True)


@router.get("/v2.1/flavors/{flavor_id}")
async def show_flavor(request: Request, flavor_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        flavor = cloud.state.flavors.get(flavor_id)
        if flavor is None:
            raise APIError(404, "Flavor %s could not be found." % flavor_id)
        return JSONResponse({"flavor": views.flavor(ctx, Links(request), flavor, True)})


def _flavor_or_404(cloud, flavor_id):
    flavor = cloud.state.flavors.get(flavor_id)
    if flavor is None:
        raise APIError(404, "Flavor %s could not be found." % flavor_id)
    return flavor


@router.get("/v2.1/flavors/{flavor_id}/os-extra_specs")
async def list_flavor_extra_specs(request: Request, flavor_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))
    policy.enforce(ctx, _EXTRA_SPECS + "index")
    with cloud.locked():
        return JSONResponse({"extra_specs": dict(_flavor_or_404(cloud, flavor_id).extra_specs)})


@router.get("/v2.1/flavors/{flavor_id}/os-extra_specs/{key}")
async def show_flavor_extra_spec(request: Request, flavor_id: str, key: str):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))
    policy.enforce(ctx, _EXTRA_SPECS + "show")
    with cloud.locked():
        specs = _flavor_or_404(cloud, flavor_id).extra_specs
        if key not in specs:
            raise APIError(404, "Flavor %s has no extra specs with key %s." % (flavor_id, key))
        return JSONResponse({key: specs[key]})
