"""Placement subset under ``/placement``: resource providers, inventories, usages, allocations.

Each compute node is one resource provider whose uuid is the node uuid (the
hypervisor ``id`` from 2.53).  Usages come from the allocation ledger, so
they include both sides of an in-flight migration.
"""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api import policy
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.microversion import PLACEMENT_MAX, PLACEMENT_MIN, fmt
from mock_compute.api.request import last, query_lists
from mock_compute.models.allocations import RESOURCE_CLASSES

router = APIRouter()
_RP = "placement:resource_providers:"


@router.get("/placement")
@router.get("/placement/")
async def root(request: Request):   # pylint: disable=unused-argument
    return JSONResponse({"versions": [{"id": "v1.0", "max_version": fmt(PLACEMENT_MAX), "min_version":
                                       fmt(PLACEMENT_MIN), "status": "CURRENT",
                                       "links": [{"rel": "self", "href": ""}]}]})


def _provider(ctx, cloud, host):
    base = "/placement/resource_providers/%s" % host.node_uuid
    data = {"uuid": host.node_uuid, "name": host.node,
            "generation": cloud.state.allocations.generation.get(host.name, 0),
            "links": [{"rel": rel, "href": base + ("/" + rel if rel != "self" else "")} for rel in _link_rels(ctx)]}
    if ctx.supports((1, 14)):
        data["parent_provider_uuid"] = None
        data["root_provider_uuid"] = host.node_uuid
    return data


def _link_rels(ctx):
    """Placement adds a provider's links as their APIs appear: aggregates 1.1, traits 1.6, allocations 1.11."""
    rels = ["self", "inventories", "usages"]
    for version, rel in (((1, 1), "aggregates"), ((1, 6), "traits"), ((1, 11), "allocations")):
        if ctx.supports(version):
            rels.append(rel)
    return rels


def _host(cloud, rp_uuid):
    host = cloud.state.hosts_by_node_uuid.get(rp_uuid)
    if host is None:
        raise APIError(404, "No resource provider with uuid %s found" % rp_uuid)
    return host


@router.get("/placement/resource_providers")
async def list_providers(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    params = query_lists(request)
    unknown = sorted(set(params) - {"name", "uuid", "member_of", "in_tree", "resources", "required"})
    if unknown:
        raise APIError(400, "Invalid query string parameters: Additional properties are not allowed (%s %s "
                            "unexpected)" % (", ".join(repr(u) for u in unknown), "was" if len(unknown) == 1 else "were"))
    policy.enforce(ctx, "placement:resource_providers:list", placement=True)
    name, rp_uuid = last(params, "name"), last(params, "uuid")
    if rp_uuid is not None:
        try:
            uuid.UUID(rp_uuid)
        except ValueError as exc:
            raise APIError(400, "Invalid query string parameters: %r is not a 'uuid'" % rp_uuid) from exc
    with cloud.locked():
        hosts = cloud.state.hosts.values()
        items = [_provider(ctx, cloud, h) for h in hosts
                 if (name is None or h.node == name) and (rp_uuid is None or h.node_uuid == rp_uuid)]
    return JSONResponse({"resource_providers": items})


@router.get("/placement/resource_providers/{rp_uuid}")
async def show_provider(request: Request, rp_uuid: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _RP + "show", placement=True)
    with cloud.locked():
        return JSONResponse(_provider(ctx, cloud, _host(cloud, rp_uuid)))


@router.get("/placement/resource_providers/{rp_uuid}/inventories")
async def list_inventories(request: Request, rp_uuid: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _RP + "inventories:list", placement=True)
    with cloud.locked():
        host = _host(cloud, rp_uuid)
        return JSONResponse({"inventories": host.inventory(),
                             "resource_provider_generation": cloud.state.allocations.generation.get(host.name, 0)})


@router.get("/placement/resource_providers/{rp_uuid}/inventories/{resource_class}")
async def show_inventory(request: Request, rp_uuid: str, resource_class: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _RP + "inventories:list", placement=True)
    with cloud.locked():
        host = _host(cloud, rp_uuid)
        inventory = host.inventory().get(resource_class)
        if inventory is None:
            raise APIError(404, "No inventory of class %s for %s" % (resource_class, rp_uuid))
        inventory["resource_provider_generation"] = cloud.state.allocations.generation.get(host.name, 0)
        return JSONResponse(inventory)


@router.get("/placement/resource_providers/{rp_uuid}/usages")
async def show_usages(request: Request, rp_uuid: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _RP + "usages", placement=True)
    with cloud.locked():
        host = _host(cloud, rp_uuid)
        usage = cloud.state.allocations.usage(host.name).by_class()
        return JSONResponse({"resource_provider_generation": cloud.state.allocations.generation.get(host.name, 0),
                             "usages": {rc: usage[rc] for rc in RESOURCE_CLASSES}})


@router.get("/placement/resource_providers/{rp_uuid}/allocations")
async def provider_allocations(request: Request, rp_uuid: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _RP + "allocations:list", placement=True)
    with cloud.locked():
        host = _host(cloud, rp_uuid)
        allocations = {consumer: {"resources": res.by_class()}
                       for consumer, res in cloud.state.allocations.on_host(host.name).items()}
        return JSONResponse({"allocations": allocations,
                             "resource_provider_generation": cloud.state.allocations.generation.get(host.name, 0)})


@router.get("/placement/allocations/{consumer_uuid}")
async def consumer_allocations(request: Request, consumer_uuid: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, "placement:allocations:list", placement=True)
    with cloud.locked():
        state = cloud.state
        allocations = {}
        for host_name, res in state.allocations.of_consumer(consumer_uuid).items():
            host = state.hosts[host_name]
            allocations[host.node_uuid] = {"generation": state.allocations.generation.get(host_name, 0),
                                           "resources": res.by_class()}
        body = {"allocations": allocations}
        owner = state.servers.get(consumer_uuid) or state.migrations_by_uuid.get(consumer_uuid)
        if allocations and ctx.supports((1, 12)) and owner is not None:
            body["project_id"] = owner.project_id
            body["user_id"] = owner.user_id
        if allocations and ctx.supports((1, 28)):
            body["consumer_generation"] = 1
    return JSONResponse(body)
