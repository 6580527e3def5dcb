"""Service and hypervisor representations."""

import json

from mock_compute.api.views.common import db_time

UPTIME = " 08:32:11 up 93 days, 18:25, 1 user, load average: 0.20"    # what libvirt hosts report
_CPU_INFO = {"arch": "x86_64", "model": "Haswell-noTSX", "vendor": "Intel", "features": ["sse4.2", "avx2"]}


def service(ctx, cloud, svc):
    alive = cloud.is_service_up(svc)
    # A live service reports its latest heartbeat; a dead or rebooting one the last heartbeat seen.
    updated = cloud.last_heartbeat(svc)
    data = {
        "binary": svc.binary,
        "host": svc.host,
        "id": svc.uuid if ctx.supports((2, 53)) else svc.id,
        "zone": svc.zone,
        "status": "disabled" if svc.disabled else "enabled",
        "state": "up" if alive else "down",
        "updated_at": db_time(updated),
        "disabled_reason": svc.disabled_reason,
    }
    if ctx.supports((2, 11)):
        data["forced_down"] = svc.forced_down
    return data


def hypervisor(ctx, cloud, host, detail, *, servers=None, with_servers=False):
    """nova HypervisorsController._view_hypervisor."""
    svc = host.service
    uuid_ids = ctx.supports((2, 53))
    data = {
        "id": host.node_uuid if uuid_ids else host.node_id,
        "hypervisor_hostname": host.node,
        "state": "up" if cloud.is_service_up(svc) else "down",
        "status": "disabled" if svc.disabled else "enabled",
    }
    if detail:
        data["hypervisor_type"] = host.hypervisor_type
        data["hypervisor_version"] = host.hypervisor_version
        data["host_ip"] = host.host_ip
        data["service"] = {"id": svc.uuid if uuid_ids else svc.id, "host": host.name,
                           "disabled_reason": svc.disabled_reason}
    if detail and not ctx.supports((2, 88)):
        usage = cloud.state.allocations.usage(host.name)
        memory_used = usage.memory_mb + host.reserved_memory_mb
        disk_used = usage.disk_gb + host.reserved_disk_gb
        data.update({
            "vcpus": host.vcpus, "memory_mb": host.memory_mb, "local_gb": host.disk_gb,
            "vcpus_used": usage.vcpus, "memory_mb_used": memory_used, "local_gb_used": disk_used,
            "free_ram_mb": host.memory_mb - memory_used, "free_disk_gb": host.disk_gb - disk_used,
            "current_workload": 0, "running_vms": len(cloud.state.servers_by_host.get(host.name, {})),
            "disk_available_least": host.disk_gb - disk_used,
        })
        cpu_info = dict(_CPU_INFO, topology={"sockets": 1, "cores": host.vcpus, "threads": 1})
        if ctx.supports((2, 28)):
            data["cpu_info"] = cpu_info
        else:
            data["cpu_info"] = json.dumps(cpu_info)    # a JSON string before 2.28
    if detail and ctx.supports((2, 88)):
        data["uptime"] = None if not cloud.is_service_up(svc) else UPTIME
    if servers:
        data["servers"] = [{"name": s.instance_name, "uuid": s.uuid} for s in servers]
    elif with_servers and ctx.supports((2, 75)):
        data["servers"] = []
    return data
