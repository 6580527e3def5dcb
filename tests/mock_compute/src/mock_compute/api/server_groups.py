"""``/os-server-groups``: list, show, create and delete (no quota is counted).

Nova looks a group up before it checks the policy, and a non-admin's lookup only sees their own project's
groups, so another project's group is a 404 rather than a 403.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, last, query_lists, read_json
from mock_compute.api.validation import validate_body, validate_query
from mock_compute.api.views import server_groups as views

router = APIRouter()
_G = "os_compute_api:os-server-groups:"
ONLY_ANTI_AFFINITY_RULES = "Only anti-affinity policy supports rules."


def _offset_and_limit(params, max_limit):
    """common.limited: ``limit`` 0 or absent means max_limit (the schema has checked both are digits)."""
    offset = int(last(params, "offset") or 0)
    limit = int(last(params, "limit") or 0)
    return offset, min(max_limit, limit or max_limit)


@router.get("/v2.1/os-server-groups")
async def list_server_groups(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    validate_query(schemas.SERVER_GROUPS_QUERY_V275 if ctx.supports((2, 75)) else schemas.SERVER_GROUPS_QUERY, params)
    policy.enforce(ctx, _G + "index")
    # any all_projects value counts, and only for admins (others get their own project's groups, no 403)
    all_projects = "all_projects" in params and ctx.is_admin
    if all_projects:
        policy.enforce(ctx, _G + "index:all_projects")
    offset, limit = _offset_and_limit(params, cloud.config.max_limit)
    actor = ctx.actor()
    with cloud.locked():
        groups = cloud.compute.list_server_groups(actor, all_projects)[offset:offset + limit]
        items = [views.server_group(ctx, g, cloud.compute.group_members(actor, g)) for g in groups]
    return JSONResponse({"server_groups": items})


@router.get("/v2.1/os-server-groups/{group_id}")
async def show_server_group(request: Request, group_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))
    actor = ctx.actor()
    with cloud.locked():
        group = cloud.compute.get_server_group(actor, group_id)
        policy.enforce(ctx, _G + "show", group.project_id)
        return JSONResponse({"server_group": views.server_group(ctx, group, cloud.compute.group_members(actor, group))})


@router.post("/v2.1/os-server-groups")
async def create_server_group(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes)
    if ctx.supports((2, 64)):
        schema = schemas.SERVER_GROUP_CREATE_V264
    elif ctx.supports((2, 15)):
        schema = schemas.SERVER_GROUP_CREATE_V215
    else:
        schema = schemas.SERVER_GROUP_CREATE
    validate_body(schema, None if body is NO_BODY else body)
    policy.enforce(ctx, _G + "create")
    spec = body["server_group"]
    if ctx.supports((2, 64)):
        policy_name, rules = spec["policy"], spec.get("rules") or {}
        if policy_name != "anti-affinity" and rules:
            raise APIError(400, ONLY_ANTI_AFFINITY_RULES)
        # Nova keeps rules as strings and shows max_server_per_host as an integer
        rules = {key: int(value) for key, value in rules.items()}
    else:
        policy_name, rules = spec["policies"][0], {}
    with cloud.locked():
        group = cloud.compute.create_server_group(ctx.actor(), spec["name"], policy_name, rules)
        return JSONResponse({"server_group": views.server_group(ctx, group, [])})


@router.delete("/v2.1/os-server-groups/{group_id}")
async def delete_server_group(request: Request, group_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        group = cloud.compute.get_server_group(ctx.actor(), group_id)
        policy.enforce(ctx, _G + "delete", group.project_id)
        cloud.compute.delete_server_group(group)
    return Response(status_code=204)
