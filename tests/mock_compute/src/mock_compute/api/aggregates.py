"""``/os-aggregates``: list, create, show, update, delete and the add_host, remove_host and set_metadata actions.

Admin only by Nova's default policy. As in Nova, the body schema is checked before the policy, the policy before
the id (``Invalid input received: id must be an integer``), create and delete answer 200, and every answer shows
the whole aggregate but create's (no hosts, no metadata). Errors keep Nova's codes per call: a refused zone change
is a 400 on update and set_metadata, a 409 on add_host and remove_host; remove_host answers every lookup failure
with one 404 text. Not served: ``POST /os-aggregates/{id}/images`` (2.81 image pre-caching).
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, query_lists, read_json
from mock_compute.api.server_actions import _peek_action
from mock_compute.api.validation import validate_body, validate_query
from mock_compute.api.views import aggregates as views
from mock_compute.models.exceptions import (
    AggregateComputeHostNotFound,
    AggregateHostNotFound,
    AggregateNotFound,
    ComputeError,
    InvalidAggregateAction,
)

router = APIRouter()
_A = "os_compute_api:os-aggregates:"


def _integer_id(aggregate_id):
    """``utils.validate_integer(id, 'id')``: whatever Python's int() reads."""
    try:
        int(aggregate_id)
    except ValueError:
        raise APIError(400, "Invalid input received: id must be an integer") from None


def _body(body):
    return None if body is NO_BODY else body


def _no_query(ctx, request):
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))


def _reply(ctx, aggregate, **kwargs):
    return JSONResponse({"aggregate": views.aggregate(ctx, aggregate, **kwargs)})


@router.get("/v2.1/os-aggregates")
async def list_aggregates(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    _no_query(ctx, request)
    policy.enforce(ctx, _A + "index")
    with cloud.locked():
        return JSONResponse({"aggregates": [views.aggregate(ctx, a) for a in cloud.state.aggregates.list()]})


@router.post("/v2.1/os-aggregates")
async def create_aggregate(request: Request):
    ctx, cloud = get_context(request), get_cloud(request)
    body = _body(await read_json(request, cloud.config.max_body_bytes))
    validate_body(schemas.AGGREGATE_CREATE, body)
    policy.enforce(ctx, _A + "create")
    spec = body["aggregate"]
    zone = spec.get("availability_zone")
    with cloud.locked():
        aggregate = cloud.state.aggregates.create(spec["name"].strip(), zone.strip() if zone else None)
        return _reply(ctx, aggregate, created=True)


@router.get("/v2.1/os-aggregates/{aggregate_id}")
async def show_aggregate(request: Request, aggregate_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    _no_query(ctx, request)
    policy.enforce(ctx, _A + "show")
    _integer_id(aggregate_id)
    with cloud.locked():
        return _reply(ctx, cloud.state.aggregates.get(aggregate_id))


@router.put("/v2.1/os-aggregates/{aggregate_id}")
async def update_aggregate(request: Request, aggregate_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    body = _body(await read_json(request, cloud.config.max_body_bytes))
    validate_body(schemas.AGGREGATE_UPDATE, body)
    policy.enforce(ctx, _A + "update")
    spec = body["aggregate"]
    _integer_id(aggregate_id)
    name = spec["name"].strip() if "name" in spec else None
    with cloud.locked():
        aggregate, shown = cloud.state.aggregates.update(aggregate_id, name, spec.get("availability_zone"),
                                                         set_zone="availability_zone" in spec)
        return _reply(ctx, aggregate, updated_at=shown)


@router.delete("/v2.1/os-aggregates/{aggregate_id}")
async def delete_aggregate(request: Request, aggregate_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    policy.enforce(ctx, _A + "delete")
    _integer_id(aggregate_id)
    with cloud.locked():
        cloud.state.aggregates.delete(aggregate_id)
    return Response(status_code=200)


def _add_host(ctx, cloud, aggregate_id, body):
    validate_body(schemas.AGGREGATE_ADD_HOST, body)
    policy.enforce(ctx, _A + "add_host")
    _integer_id(aggregate_id)
    with cloud.locked():
        try:
            aggregate = cloud.state.aggregates.add_host(aggregate_id, body["add_host"]["host"])
        except InvalidAggregateAction as exc:
            raise APIError(409, exc.message) from None
        return _reply(ctx, aggregate)


def _remove_host(ctx, cloud, aggregate_id, body):
    validate_body(schemas.AGGREGATE_REMOVE_HOST, body)
    policy.enforce(ctx, _A + "remove_host")
    _integer_id(aggregate_id)
    host = body["remove_host"]["host"]
    with cloud.locked():
        try:
            aggregate = cloud.state.aggregates.remove_host(aggregate_id, host)
        except (AggregateNotFound, AggregateHostNotFound, AggregateComputeHostNotFound):
            raise APIError(404, "Cannot remove host %s in aggregate %s" % (host, aggregate_id)) from None
        except InvalidAggregateAction as exc:
            raise APIError(409, exc.message) from None
        return _reply(ctx, aggregate)


def _set_metadata(ctx, cloud, aggregate_id, body):
    validate_body(schemas.AGGREGATE_SET_METADATA, body)
    policy.enforce(ctx, _A + "set_metadata")
    _integer_id(aggregate_id)
    with cloud.locked():
        aggregate, shown = cloud.state.aggregates.set_metadata(aggregate_id, body["set_metadata"]["metadata"])
        return _reply(ctx, aggregate, updated_at=shown)


ACTIONS = {"add_host": _add_host, "remove_host": _remove_host, "set_metadata": _set_metadata}


@router.post("/v2.1/os-aggregates/{aggregate_id}/action")
async def aggregate_action(request: Request, aggregate_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes)
    action = _peek_action(body)
    handler = ACTIONS.get(action)
    if handler is None:
        raise APIError(400, "There is no such action: %s" % action)
    try:
        return handler(ctx, cloud, aggregate_id, body)
    except ComputeError as exc:
        raise APIError(exc.code, exc.message) from None
