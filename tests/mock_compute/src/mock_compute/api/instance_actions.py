"""``/servers/{id}/os-instance-actions``: where Nova reports why an asynchronous operation failed."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import last, page_limit, query_lists
from mock_compute.api.validation import validate_query
from mock_compute.api.views.common import Links, db_time
from mock_compute.models import clock
from mock_compute.models.servers import host_id

router = APIRouter()
_IA = "os_compute_api:os-instance-actions:"


def _action(ctx, record):
    data = {"action": record.action, "instance_uuid": record.instance_uuid, "message": record.message,
            "project_id": record.project_id, "request_id": record.request_id,
            "start_time": db_time(record.start_time), "user_id": record.user_id}
    if ctx.supports((2, 58)):
        data["updated_at"] = db_time(record.updated_at)
    return data


def _event(ctx, record, event, show_details):
    data = {"event": event.event, "start_time": db_time(event.start_time),
            "finish_time": db_time(event.finish_time), "result": event.result}
    if ctx.is_admin or not ctx.supports((2, 51)):
        data["traceback"] = event.traceback
    if ctx.supports((2, 62)):
        if ctx.is_admin:
            data["host"] = event.host or ""
        data["hostId"] = host_id(record.project_id, event.host)
    if ctx.supports((2, 84)) and show_details:
        data["details"] = event.details
    return data


def _records(ctx, cloud, server_id):
    server = cloud.compute.get_server(ctx.actor(), server_id)
    policy.enforce(ctx, _IA + "list", server.project_id)
    return server, cloud.state.instance_actions.get(server.uuid, [])


def _filtered(ctx, params, records, max_limit):
    """2.58 paging (limit, request_id marker) and changes-since, 2.66 changes-before; newest first."""
    newest_first = list(reversed(records))
    if not ctx.supports((2, 58)):
        return newest_first, None
    validate_query(schemas.INSTANCE_ACTIONS_QUERY_V266 if ctx.supports((2, 66))
                   else schemas.INSTANCE_ACTIONS_QUERY_V258, params)
    since = clock.parse_isotime(last(params, "changes-since")) if "changes-since" in params else None
    before = clock.parse_isotime(last(params, "changes-before")) if "changes-before" in params else None
    if since and before and before < since:
        raise APIError(400, "The value of changes-since must be less than or equal to changes-before.")
    found = [r for r in newest_first if (since is None or r.updated_at >= since)
             and (before is None or r.updated_at <= before)]
    limit = page_limit(params, max_limit)
    marker = last(params, "marker")
    if marker is not None:
        index = next((i for i, r in enumerate(newest_first) if r.request_id == marker), None)
        if index is None:
            # sic: Nova looks the marker up, overwrites it with the (empty) result and words the error with that
            raise APIError(400, "Marker None could not be found.")
        after = {id(r) for r in newest_first[index + 1:]}
        found = [r for r in found if id(r) in after]
    return found[:limit], limit


@router.get("/v2.1/servers/{server_id}/os-instance-actions")
async def list_actions(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    with cloud.locked():
        _server, records = _records(ctx, cloud, server_id)
        found, limit = _filtered(ctx, params, records, cloud.config.max_limit)
        items = [_action(ctx, r) for r in found]
    body = {"instanceActions": items}
    if limit is not None:
        next_links = Links(request).collection_links(items, "servers/%s/os-instance-actions" % server_id, limit,
                                                     cloud.config.max_limit, "request_id")
        if next_links:
            body["links"] = next_links
    return JSONResponse(body)


@router.get("/v2.1/servers/{server_id}/os-instance-actions/{request_id}")
async def show_action(request: Request, server_id: str, request_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        server, records = _records(ctx, cloud, server_id)
        policy.enforce(ctx, _IA + "show", server.project_id)
        record = next((r for r in reversed(records) if r.request_id == request_id), None)
        if record is None:
            raise APIError(404, "Action %s not found" % request_id)
        data = _action(ctx, record)
        if policy.allowed(ctx, _IA + "events", server.project_id) or ctx.supports((2, 51)):
            details = policy.allowed(ctx, _IA + "events:details", server.project_id)
            # newest first, as Nova sorts them (created_at desc, id desc)
            data["events"] = [_event(ctx, record, e, details) for e in reversed(record.events)]
    return JSONResponse({"instanceAction": data})
