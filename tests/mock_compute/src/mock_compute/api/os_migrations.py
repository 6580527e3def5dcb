"""``GET /os-migrations`` with every filter, paging and version-gated field."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import last, page_limit, query_lists
from mock_compute.api.validation import to_bool, validate_query
from mock_compute.api.views import migrations as views
from mock_compute.api.views.common import Links
from mock_compute.models import clock

router = APIRouter()
_M = "os_compute_api:os-migrations:"


def _schema(ctx):
    if ctx.supports((2, 80)):
        return schemas.MIGRATIONS_QUERY_V280
    if ctx.supports((2, 66)):
        return schemas.MIGRATIONS_QUERY_V266
    if ctx.supports((2, 59)):
        return schemas.MIGRATIONS_QUERY_V259
    return schemas.MIGRATIONS_QUERY_V20


def _time(params, name):
    value = last(params, name)
    if value is None:
        return None
    try:
        return clock.parse_isotime(value)
    except ValueError as exc:   # already rejected by the schema's date-time format; kept for safety
        raise APIError(400, "Invalid input for query parameters %s. Value: %s." % (name, value)) from exc


@router.get("/v2.1/os-migrations")
async def list_migrations(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    validate_query(_schema(ctx), params)
    policy.enforce(ctx, _M + "index")
    project_id = last(params, "project_id")
    if not project_id or project_id != ctx.project_id:
        policy.enforce(ctx, _M + "index:all_projects")
    show_hosts = policy.allowed(ctx, _M + "index:host")

    paged = ctx.supports((2, 59))
    changes_since = _time(params, "changes-since") if paged else None
    changes_before = _time(params, "changes-before") if ctx.supports((2, 66)) else None
    if changes_since and changes_before and changes_before < changes_since:
        raise APIError(400, "The value of changes-since must be less than or equal to changes-before.")
    limit = marker = None
    if paged:
        limit = page_limit(params, cloud.config.max_limit)
        marker = last(params, "marker")
    hidden = last(params, "hidden")
    links = Links(request)
    with cloud.locked():
        found = cloud.queries.list_migrations(
            host=last(params, "host") or None, source_compute=last(params, "source_compute") or None,
            # Nova copies req.GET into a dict, so a repeated status counts with its last value only
            statuses={last(params, "status")} if last(params, "status") else None,
            instance_uuid=last(params, "instance_uuid"), migration_type=last(params, "migration_type"),
            hidden=to_bool(hidden) if hidden is not None else None,
            changes_since=changes_since, changes_before=changes_before,
            user_id=last(params, "user_id"), project_id=project_id,
            limit=limit, marker=marker, sort=paged)
        items = [views.os_migration(ctx, links, m, show_hosts) for m in found]
    body = {"migrations": items}
    if paged:
        next_links = links.collection_links(items, "os-migrations", limit, cloud.config.max_limit, "uuid")
        if next_links:
            body["migrations_links"] = next_links
    return JSONResponse(body)
