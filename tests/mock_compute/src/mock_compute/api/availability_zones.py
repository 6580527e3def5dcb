"""``/os-availability-zone`` and ``/os-availability-zone/detail``."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.views.common import db_time
from mock_compute.models import clock

router = APIRouter()
_AZ = "os_compute_api:os-availability-zone:"


def _zones(cloud):
    """Nova's get_availability_zones: a zone is available while any of its services is enabled (up or not);
    zones whose services are all disabled are listed after, as not available. Each list is sorted by name."""
    zones, internal = cloud.queries.availability_zones()
    services = {name: [cloud.state.hosts[h].service for h in hosts] for name, hosts in zones.items() if hosts}
    if internal:
        services["internal"] = [s for s in cloud.state.services.values() if s.host in internal and s.zone == "internal"]
    available = sorted(name for name, listed in services.items() if any(not s.disabled for s in listed))
    unavailable = sorted(name for name in services if name not in available)
    return services, available, unavailable


@router.get("/v2.1/os-availability-zone")
async def list_zones(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _AZ + "list")
    with cloud.locked():
        _ignored, available, unavailable = _zones(cloud)
    info = [{"zoneName": name, "zoneState": {"available": name in available}, "hosts": None}
            for name in available + unavailable if name != "internal"]
    return JSONResponse({"availabilityZoneInfo": info})


@router.get("/v2.1/os-availability-zone/detail")
async def list_zones_detail(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _AZ + "detail")
    now = db_time(clock.utcnow())
    with cloud.locked():
        services, available, unavailable = _zones(cloud)

        def entry(service):
            up = cloud.is_service_up(service)
            return {"available": up, "active": not service.disabled,
                    "updated_at": now if up and service.host not in cloud.reboots.active
                    else db_time(cloud.last_heartbeat(service))}

        info = []
        for name in available:
            hosts = {}
            for service in services[name]:
                if not service.disabled:     # disabled services are left out of the hosts
                    hosts.setdefault(service.host, {})[service.binary] = entry(service)
            info.append({"zoneName": name, "zoneState": {"available": True}, "hosts": hosts})
        info += [{"zoneName": name, "zoneState": {"available": False}, "hosts": None} for name in unavailable]
    return JSONResponse({"availabilityZoneInfo": info})
