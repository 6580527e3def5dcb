"""``/os-availability-zone`` and ``/os-availability-zone/detail``."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.views.common import db_time
from mock_compute.models import clock

router = APIRouter()
_AZ = "os_compute_api:os-availability-zone:"


def _zone_available(cloud, hosts):
    """A zone is available when at least one of its compute services is enabled and up."""
    services = (cloud.state.hosts[name].service for name in hosts)
    return any(not s.disabled and cloud.is_service_up(s) for s in services)


@router.get("/v2.1/os-availability-zone")
async def list_zones(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _AZ + "list")
    with cloud.locked():
        zones, _ignored = cloud.queries.availability_zones()
        info = [{"zoneName": name, "zoneState": {"available": _zone_available(cloud, hosts)}, "hosts": None}
                for name, hosts in zones.items() if hosts]
    return JSONResponse({"availabilityZoneInfo": info})


@router.get("/v2.1/os-availability-zone/detail")
async def list_zones_detail(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _AZ + "detail")
    now = db_time(clock.utcnow())
    with cloud.locked():
        zones, internal = cloud.queries.availability_zones()

        def entry(service):
            up = cloud.is_service_up(service)
            return {"available": up, "active": not service.disabled,
                    "updated_at": now if up else db_time(service.last_seen_at or service.updated_at)}

        info = []
        if internal:
            hosts = {}
            for service in cloud.state.services.values():
                if service.host in internal and service.zone == "internal":
                    hosts.setdefault(service.host, {})[service.binary] = entry(service)
            info.append({"zoneName": "internal", "zoneState": {"available": True}, "hosts": hosts})
        for name, host_names in zones.items():
            if not host_names:
                continue
            hosts = {h: {"nova-compute": entry(cloud.state.hosts[h].service)} for h in host_names}
            info.append({"zoneName": name, "zoneState": {"available": _zone_available(cloud, host_names)},
                         "hosts": hosts})
    return JSONResponse({"availabilityZoneInfo": info})
