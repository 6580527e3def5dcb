"""Control API under ``/mock/`` (no auth, never counted): reset, faults, counters, state, config.

It only ever listens on loopback, like the rest of the server.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api.context import get_cloud
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, read_json
from mock_compute.config import _seconds
from mock_compute.models.exceptions import ComputeError, InvalidFault
from mock_compute.models.host_reboots import STOP

router = APIRouter()


async def _json(request, default=None):
    body = await read_json(request, get_cloud(request).config.max_body_bytes, malformed="body is not valid JSON")
    return default if body is NO_BODY else body


@router.post("/mock/reset")
async def reset(request: Request):
    get_cloud(request).reset()
    return JSONResponse({"reset": True})


@router.post("/mock/faults")
async def add_fault(request: Request):
    cloud = get_cloud(request)
    spec = await _json(request)
    try:
        fault = cloud.add_fault(spec)
    except InvalidFault as exc:
        raise APIError(400, str(exc)) from exc
    return JSONResponse(fault.to_dict(), status_code=201)


@router.get("/mock/faults")
async def list_faults(request: Request):
    cloud = get_cloud(request)
    with cloud.locked():
        return JSONResponse({"faults": [f.to_dict() for f in cloud.faults.list()]})


@router.delete("/mock/faults")
async def clear_faults(request: Request):
    get_cloud(request).clear_faults()
    return Response(status_code=204)


@router.delete("/mock/faults/{fault_id}")
async def delete_fault(request: Request, fault_id: str):
    if get_cloud(request).remove_fault(fault_id) is None:
        raise APIError(404, "fault %s not found" % fault_id)
    return Response(status_code=204)


@router.get("/mock/counters")
async def counters(request: Request):
    return JSONResponse(get_cloud(request).counters.snapshot())


@router.post("/mock/counters/reset")
async def reset_counters(request: Request):
    get_cloud(request).counters.reset()
    return JSONResponse({"total": 0, "by_route": {}})


@router.get("/mock/state")
async def state(request: Request):
    return JSONResponse(get_cloud(request).snapshot())


@router.get("/mock/history")
async def history(request: Request):
    """``?server=UUID[&after=N]``: the states the server went through while workflows moved it;
    ``?host=NAME[&after=N]``: the host's reboots (rebooting, down, up, each with its time)."""
    cloud = get_cloud(request)
    server = request.query_params.get("server")
    host = request.query_params.get("host")
    try:
        after = int(request.query_params.get("after", "0"))
    except ValueError:
        raise APIError(400, "'after' must be an integer") from None
    if not server and not host:
        raise APIError(400, "'server' (a server id) or 'host' (a compute host name) is required")
    with cloud.locked():
        if host:
            return JSONResponse({"history": cloud.reboots.history(host, after),
                                 "last_sequence": cloud.reboots.last_sequence})
        return JSONResponse({"history": cloud.engine.history.of(server, after),
                             "last_sequence": cloud.engine.history.last_sequence})


@router.get("/mock/config")
async def show_config(request: Request):
    return JSONResponse(get_cloud(request).config.to_dict())


@router.patch("/mock/config")
async def update_config(request: Request):
    cloud = get_cloud(request)
    changes = await _json(request, default={})
    try:
        config = cloud.update_config(changes)
    except (TypeError, ValueError) as exc:
        raise APIError(400, str(exc)) from exc
    return JSONResponse(config.to_dict())


@router.post("/mock/hosts/{host}/reboot")
async def reboot_host(request: Request, host: str):
    """Simulate a reboot of the compute host: ``{"down_seconds": N, "servers": "stop"|"keep",
    "service_down_time": S}`` (see ``models/host_reboots.py``); 202 with the reboot and when it will be back."""
    cloud = get_cloud(request)
    body = await _json(request, default={})
    if not isinstance(body, dict) or set(body) - {"down_seconds", "servers", "service_down_time"}:
        raise APIError(400, "the body takes down_seconds, servers (keep or stop) and service_down_time")
    try:
        down_seconds = _seconds("down_seconds", body.get("down_seconds", 0))
        service_down_time = _seconds("service_down_time", body.get("service_down_time", 0))
        reboot = cloud.reboot_host(host, down_seconds, body.get("servers", STOP), service_down_time)
    except ValueError as exc:
        raise APIError(400, str(exc)) from None
    except ComputeError as exc:
        raise APIError(exc.code, exc.message) from None
    return JSONResponse(reboot, status_code=202)


@router.post("/mock/hosts/{host}/restart")
async def restart_compute(request: Request, host: str):
    """Simulate restarting nova-compute: ``done`` evacuations from this host become ``completed``."""
    if not get_cloud(request).restart_compute(host):
        raise APIError(404, "host %s not found" % host)
    return JSONResponse({"restarted": host})
