"""Server representations per microversion (nova/api/openstack/compute/views/servers.py)."""

from mock_compute.api import policy
from mock_compute.api.views.common import isotime
from mock_compute.models.servers import host_id

PROGRESS_STATUSES = ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING")
FAULT_STATUSES = ("ERROR", "DELETED")
_P = "os_compute_api:"


def host_status(cloud, server):
    """UP / DOWN (forced down) / MAINTENANCE (disabled) / UNKNOWN (missed heartbeats) / "" (no host)."""
    if not server.host:
        return ""
    host = cloud.state.hosts.get(server.host)
    if host is None:
        return "UNKNOWN"
    service = host.service
    if service.forced_down:
        return "DOWN"
    if service.disabled:
        return "MAINTENANCE"
    return "UP" if cloud.is_service_up(service) else "UNKNOWN"


def flavor_view(ctx, links, server):
    flavor = server.flavor
    if ctx.supports((2, 47)):
        data = {"vcpus": flavor.vcpus, "ram": flavor.ram, "disk": flavor.disk, "ephemeral": flavor.ephemeral,
                "swap": flavor.swap, "original_name": flavor.name}
        if policy.allowed(ctx, _P + "servers:show:flavor-extra-specs", server.project_id):
            data["extra_specs"] = dict(flavor.extra_specs)
        return data
    return {"id": flavor.flavorid, "links": [{"rel": "bookmark", "href": links.bookmark("flavors", flavor.flavorid)}]}


def image_view(ctx, links, server):
    if not server.image_ref:
        return ""
    image = {"id": server.image_ref, "links": [{"rel": "bookmark", "href": links.bookmark("images", server.image_ref)}]}
    if ctx.supports((2, 98)):
        image["properties"] = {}
    return image


def fault_view(ctx, server):
    fault = server.fault
    if fault is None:
        return None
    data = {"code": fault.code, "created": isotime(fault.created_at), "message": fault.message}
    if fault.details and (ctx.is_admin or fault.code != 500):
        data["details"] = fault.details
    return data


def basic(links, server):
    return {"id": server.uuid, "links": links.resource("servers", server.uuid), "name": server.name}


def detail(ctx, links, cloud, server, show=False):  # pylint: disable=too-many-branches
    """Full server body; ``show`` adds the fields Nova only returns from GET /servers/{id}."""
    status = server.status
    data = {
        "accessIPv4": "", "accessIPv6": "",
        "addresses": {} if server.vm_state == "building" else server.addresses,
        "created": isotime(server.created_at),
        "flavor": flavor_view(ctx, links, server),
        "hostId": host_id(server.project_id, server.host),
        "id": server.uuid,
        "image": image_view(ctx, links, server),
        "links": links.resource("servers", server.uuid),
        "metadata": dict(server.metadata),
        "name": server.name,
        "status": status,
        "tenant_id": server.project_id,
        "user_id": server.user_id,
        "updated": isotime(server.updated_at),
        "OS-DCF:diskConfig": "MANUAL",
    }
    if status in FAULT_STATUSES:
        fault = fault_view(ctx, server)
        if fault:
            data["fault"] = fault
    if status in PROGRESS_STATUSES:
        data["progress"] = server.progress
    data["OS-EXT-AZ:availability_zone"] = server.availability_zone or ""
    data["config_drive"] = ""
    data["key_name"] = server.key_name
    data["OS-SRV-USG:launched_at"] = server.launched_at.strftime("%Y-%m-%dT%H:%M:%S.%f") if server.launched_at else None
    data["OS-SRV-USG:terminated_at"] = None
    data["security_groups"] = [{"name": "default"}]
    extended = policy.allowed(ctx, _P + "os-extended-server-attributes", server.project_id)
    if extended:
        data["OS-EXT-SRV-ATTR:host"] = server.host
        data["OS-EXT-SRV-ATTR:instance_name"] = server.instance_name
        data["OS-EXT-SRV-ATTR:hypervisor_hostname"] = server.node
        if ctx.supports((2, 3)):
            data.update({
                "OS-EXT-SRV-ATTR:hostname": server.hostname, "OS-EXT-SRV-ATTR:kernel_id": "",
                "OS-EXT-SRV-ATTR:launch_index": 0, "OS-EXT-SRV-ATTR:ramdisk_id": "",
                "OS-EXT-SRV-ATTR:reservation_id": "r-%08x" % server.internal_id,
                "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda", "OS-EXT-SRV-ATTR:user_data": None,
            })
    data["OS-EXT-STS:task_state"] = server.task_state
    data["OS-EXT-STS:vm_state"] = server.vm_state
    data["OS-EXT-STS:power_state"] = server.power_state
    data["os-extended-volumes:volumes_attached"] = []
    if ctx.supports((2, 9)):
        data["locked"] = server.locked
    if ctx.supports((2, 16)) and policy.allowed(ctx, _P + "servers:show:host_status", server.project_id):
        data["host_status"] = host_status(cloud, server)
    if ctx.supports((2, 19)):
        data["description"] = server.description
    if ctx.supports((2, 26)):
        data["tags"] = []
    if ctx.supports((2, 63)):
        data["trusted_image_certificates"] = None
    if show and ctx.supports((2, 71)):
        group = cloud.compute.server_group_of(server)
        data["server_groups"] = [group] if group else []
    if ctx.supports((2, 73)):
        data["locked_reason"] = server.locked_reason
    if ctx.supports((2, 90)) and not extended:
        data["OS-EXT-SRV-ATTR:hostname"] = server.hostname
    if ctx.supports((2, 96)):
        data["pinned_availability_zone"] = server.pinned_availability_zone
    if ctx.supports((2, 100)):
        data["scheduler_hints"] = {key: list(values) for key, values in server.scheduler_hints.items()}
    return data
