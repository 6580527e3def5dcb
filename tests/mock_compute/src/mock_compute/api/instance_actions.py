"""``/servers/{id}/os-instance-actions``: where Nova reports why an asynchronous operation failed."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.views.common import db_time
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


@router.get("/v2.1/servers/{server_id}/os-instance-actions")
async def list_actions(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        _ignored, records = _records(ctx, cloud, server_id)
        items = [_action(ctx, r) for r in reversed(records)]
    return JSONResponse({"instanceActions": items})


@router.get("/v2.1/servers/{server_id}/os-instance-actions/{request_id}")
async def show_action(request: Request, server_id: str, request_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    with cloud.locked():
        server, records = _records(ctx, cloud, server_id)
        policy.enforce(ctx, _IA + "show", server.project_id)
        record = next((r for r in reversed(records) if r.request_id == request_id), None)
        if record is None:
            raise APIError(404, "Action for request_id %s on instance %s not found" % (request_id, server.uuid))
        data = _action(ctx, record)
        if policy.allowed(ctx, _IA + "events", server.project_id) or ctx.supports((2, 51)):
            details = policy.allowed(ctx, _IA + "events:details", server.project_id)
            data["events"] = [_event(ctx, record, e, details) for e in record.events]
    return JSONResponse({"instanceAction": data})
