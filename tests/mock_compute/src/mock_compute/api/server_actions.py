"""``POST /servers/{id}/action``: migrate, os-migrateLive, confirm/revert, evacuate, resize, power, lock.

Each handler follows Nova's order: schema (per microversion), instance lookup
(404), policy (403), then the compute API's checks (409/400).
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError, instance_state_conflict
from mock_compute.api.request import NO_BODY, read_json
from mock_compute.api.validation import to_bool, validate_body
from mock_compute.models.exceptions import CannotResizeToSameFlavor, FlavorNotFound, InstanceInvalidState, MigrationNotFoundByStatus

router = APIRouter()
_MS = "os_compute_api:os-migrate-server:"
_P = "os_compute_api:"
FORCE_WITHOUT_HOST = "Can't force to a non-provided destination"


def _peek_action(body):
    """wsgi.action_peek: exactly one top-level key names the action."""
    if body is NO_BODY or not isinstance(body, dict) or len(body) != 1:
        raise APIError(400, "Malformed request body")
    return next(iter(body))


def _lookup(ctx, cloud, server_id, rule):
    server = cloud.compute.get_server(ctx.actor(), server_id)
    policy.enforce(ctx, rule, server.project_id)
    return server


def _migrate(ctx, cloud, server_id, body):
    host, force = None, False
    if ctx.supports((2, 56)):
        extended = cloud.config.has_extension("cold-migration-force")
        validate_body(schemas.MIGRATE_V256_FORCE if extended else schemas.MIGRATE_V256, body)
        if body["migrate"] is not None:
            host = body["migrate"].get("host")
            force = to_bool(body["migrate"].get("force", False))
    # Below 2.56 the body is never read: a host (or anything else) is silently ignored.
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _MS + ("migrate:host" if host else "migrate"))
        if force and not host:
            raise APIError(400, FORCE_WITHOUT_HOST)
        try:
            cloud.compute.migrate(ctx.actor(), server, host=host or None, force=force)
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "migrate", server_id) from exc
    return Response(status_code=202)


def _live_migrate(ctx, cloud, server_id, body):
    if ctx.supports((2, 68)):
        schema = schemas.MIGRATE_LIVE_V268
    elif ctx.supports((2, 30)):
        schema = schemas.MIGRATE_LIVE_V230
    elif ctx.supports((2, 25)):
        schema = schemas.MIGRATE_LIVE_V225
    else:
        schema = schemas.MIGRATE_LIVE
    validate_body(schema, body)
    args = body["os-migrateLive"]
    host = args["host"]
    block_migration = args["block_migration"]
    if ctx.supports((2, 25)):
        block_migration = None if block_migration == "auto" else to_bool(block_migration, strict=True)
    else:
        block_migration = to_bool(block_migration, strict=True)
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _MS + ("migrate_live:host" if host else "migrate_live"))
        force = None
        if ctx.supports((2, 30)):
            force = to_bool(args.get("force", False), strict=True)
            if force and not host:
                raise APIError(400, FORCE_WITHOUT_HOST)
        # Nova only asks the scheduler to verify a named host when force is explicitly False (2.30+).
        bypass = bool(host) and force is not False
        try:
            cloud.compute.live_migrate(ctx.actor(), server, host, block_migration=block_migration, force=bypass,
                                       async_=ctx.supports((2, 34)))
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "os-migrateLive", server_id) from exc
    return Response(status_code=202)


def _confirm_resize(ctx, cloud, server_id, body):
    validate_body(schemas.any_value_action("confirmResize"), body)
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "servers:confirm_resize")
        try:
            cloud.compute.confirm_resize(ctx.actor(), server)
        except MigrationNotFoundByStatus as exc:
            raise APIError(400, "Instance has not been resized.") from exc
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "confirmResize", server_id) from exc
    return Response(status_code=204)


def _revert_resize(ctx, cloud, server_id, body):
    validate_body(schemas.any_value_action("revertResize"), body)
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "servers:revert_resize")
        try:
            cloud.compute.revert_resize(ctx.actor(), server)
        except MigrationNotFoundByStatus as exc:
            raise APIError(400, "Instance has not been resized.") from exc
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "revertResize", server_id) from exc
    return Response(status_code=202)


def _resize(ctx, cloud, server_id, body):
    validate_body(schemas.RESIZE, body)
    flavor_ref = str(body["resize"]["flavorRef"]).rstrip("/").rsplit("/", 1)[-1]
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "servers:resize")
        try:
            cloud.compute.resize(ctx.actor(), server, flavor_ref)
        except FlavorNotFound as exc:
            raise APIError(400, "Unable to locate requested flavor.") from exc
        except CannotResizeToSameFlavor as exc:
            raise APIError(400, exc.message) from exc
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "resize", server_id) from exc
    return Response(status_code=202)


def _evacuate(ctx, cloud, server_id, body):
    if ctx.supports((2, 68)):
        schema = schemas.EVACUATE_V268
    elif ctx.supports((2, 29)):
        schema = schemas.EVACUATE_V229
    elif ctx.supports((2, 14)):
        schema = schemas.EVACUATE_V214
    else:
        schema = schemas.EVACUATE
    validate_body(schema, body)
    args = body["evacuate"]
    host = args.get("host")
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "os-evacuate")
        on_shared_storage = None if ctx.supports((2, 14)) else to_bool(args["onSharedStorage"])
        force = None
        if ctx.supports((2, 29)):
            force = to_bool(args.get("force", False), strict=True)
            if force and not host:
                raise APIError(400, FORCE_WITHOUT_HOST)
        if on_shared_storage and "adminPass" in args:
            raise APIError(400, "admin password can't be changed on existing disk")
        try:
            cloud.compute.evacuate(ctx.actor(), server, host, force=bool(host) and force is not False,
                                   stop_at_dest=ctx.supports((2, 95)))
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "evacuate", server_id) from exc
    if not ctx.supports((2, 14)):
        return JSONResponse({"adminPass": args.get("adminPass", "mockPassw0rd")})
    return Response(status_code=200)


def _simple(action, rule, method_name, conflict_name):
    """Handlers for actions whose body value Nova ignores (os-stop, os-start, pause, unpause)."""

    def handler(ctx, cloud, server_id, body):
        validate_body(schemas.any_value_action(action), body)
        with cloud.locked():
            server = _lookup(ctx, cloud, server_id, rule)
            try:
                getattr(cloud.compute, method_name)(ctx.actor(), server)
            except InstanceInvalidState as exc:
                raise instance_state_conflict(exc, conflict_name, server_id) from exc
        return Response(status_code=202)

    return handler


def _lock(ctx, cloud, server_id, body):
    validate_body(schemas.LOCK_V273 if ctx.supports((2, 73)) else schemas.any_value_action("lock"), body)
    reason = None
    if ctx.supports((2, 73)) and isinstance(body["lock"], dict):
        reason = body["lock"].get("locked_reason")
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "os-lock-server:lock")
        cloud.compute.lock(ctx.actor(), server, reason)
    return Response(status_code=202)


def _unlock(ctx, cloud, server_id, body):
    validate_body(schemas.any_value_action("unlock"), body)
    with cloud.locked():
        server = _lookup(ctx, cloud, server_id, _P + "os-lock-server:unlock")
        if not cloud.compute.can_unlock(ctx.actor(), server):
            policy.enforce(ctx, _P + "os-lock-server:unlock:unlock_override", server.project_id)
        cloud.compute.unlock(ctx.actor(), server)
    return Response(status_code=202)


ACTIONS = {
    "migrate": _migrate,
    "os-migrateLive": _live_migrate,
    "confirmResize": _confirm_resize,
    "revertResize": _revert_resize,
    "resize": _resize,
    "evacuate": _evacuate,
    "os-stop": _simple("os-stop", _P + "servers:stop", "stop", "stop"),
    "os-start": _simple("os-start", _P + "servers:start", "start", "start"),
    "pause": _simple("pause", _P + "os-pause-server:pause", "pause", "pause"),
    "unpause": _simple("unpause", _P + "os-pause-server:unpause", "unpause", "unpause"),
    "lock": _lock,
    "unlock": _unlock,
}


@router.post("/v2.1/servers/{server_id}/action")
async def server_action(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes)
    action = _peek_action(body)
    handler = ACTIONS.get(action)
    if handler is None:
        raise APIError(400, "There is no such action: %s" % action)
    return handler(ctx, cloud, server_id, body)
