"""``/os-services``: list, ``PUT /os-services/{uuid}`` (2.53+) and the legacy ``PUT /os-services/{action}``."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, last, query_lists, read_json
from mock_compute.api.validation import to_bool, validate_body, validate_query
from mock_compute.api.views import hosts as views
from mock_compute.models.hosts import COMPUTE_BINARY

router = APIRouter()
_S = "os_compute_api:os-services:"


def _is_uuid(value):
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _not_compute(binary):
    return APIError(400, "Updating a %s service is not supported. Only nova-compute services can be updated." % binary)


def _evacuations_block_force_up(cloud, host):
    if cloud.compute.has_done_evacuations(host):
        raise APIError(400, "Unable to force up host %s as `done` evacuation migration records remain associated "
                            "with the host. Ensure the compute service has been restarted, allowing these records "
                            "to move to `completed` before retrying this request." % host)


@router.get("/v2.1/os-services")
async def list_services(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    if ctx.supports((2, 75)):
        validate_query(schemas.SERVICES_QUERY_V275, params)
    policy.enforce(ctx, _S + "list")
    with cloud.locked():
        found = cloud.queries.list_services(host=last(params, "host"), binary=last(params, "binary"))
        return JSONResponse({"services": [views.service(ctx, cloud, s) for s in found]})


def _update_v253(ctx, cloud, service_id, body):
    if not _is_uuid(service_id):
        raise APIError(400, "Invalid uuid %s" % service_id)
    policy.enforce(ctx, _S + "update")
    with cloud.locked():
        service = cloud.state.services.get(service_id)
        if service is None:
            raise APIError(404, "Service %s could not be found." % service_id)
        if service.binary != COMPUTE_BINARY:
            raise _not_compute(service.binary)
        disabled = None
        if "status" in body:
            if body["status"] == "enabled":
                if body.get("disabled_reason"):
                    raise APIError(400, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
                disabled = False
            else:
                disabled = True
        forced_down = None
        if "forced_down" in body:
            forced_down = to_bool(body["forced_down"], strict=True)
            if forced_down is False:
                _evacuations_block_force_up(cloud, service.host)
        if disabled is None and forced_down is None:
            raise APIError(400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.")
        cloud.compute.update_service(service, disabled=disabled, disabled_reason=body.get("disabled_reason"),
                                     forced_down=forced_down)
        return JSONResponse({"service": views.service(ctx, cloud, service)})


def _update_legacy(ctx, cloud, action, body):
    policy.enforce(ctx, _S + "update")
    actions = ("enable", "disable", "disable-log-reason") + (("force-down",) if ctx.supports((2, 11)) else ())
    if action not in actions:
        raise APIError(404, "Unknown action")
    host, binary = body["host"], body["binary"]
    with cloud.locked():
        if action == "force-down":
            if "forced_down" not in body:
                raise APIError(400, "Missing forced_down field")
            forced_down = to_bool(body["forced_down"])
            if binary == COMPUTE_BINARY and forced_down is False:
                _evacuations_block_force_up(cloud, host)
            result = {"host": host, "binary": binary, "forced_down": forced_down}
            changes = {"forced_down": forced_down}
        elif action == "enable":
            result = {"host": host, "binary": binary, "status": "enabled"}
            changes = {"disabled": False}
        else:
            reason = None
            if action == "disable-log-reason":
                if "disabled_reason" not in body:
                    raise APIError(400, "Missing disabled reason field")
                reason = body["disabled_reason"]
            result = {"host": host, "binary": binary, "status": "disabled"}
            if reason:
                result["disabled_reason"] = reason
            changes = {"disabled": True, "disabled_reason": reason}
        if binary != COMPUTE_BINARY:
            raise _not_compute(binary)
        service = cloud.compute.compute_service(host, binary)   # 404 HostMappingNotFound, HostBinaryNotFound
        cloud.compute.update_service(service, **changes)
    return JSONResponse({"service": result})


@router.put("/v2.1/os-services/{service_id}")
async def update_service(request: Request, service_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes)
    body = None if body is NO_BODY else body
    if ctx.supports((2, 53)):
        validate_body(schemas.SERVICE_UPDATE_V253, body)
        return _update_v253(ctx, cloud, service_id, body)
    validate_body(schemas.SERVICE_UPDATE_V211 if ctx.supports((2, 11)) else schemas.SERVICE_UPDATE, body)
    return _update_legacy(ctx, cloud, service_id, body)
