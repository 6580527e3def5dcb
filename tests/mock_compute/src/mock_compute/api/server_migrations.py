"""``/servers/{id}/migrations``: list/show in-progress migrations, force-complete and abort.

Released Nova lists and shows in-progress *live* migrations only; the
``all-migration-types`` extension implements the Nova blueprint
list-show-all-server-migration-types (every type, a ``type`` field instead of
``status``, an optional ``type`` filter).
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api import policy, schemas
from mock_compute.api.context import get_cloud, get_context
from mock_compute.api.errors import APIError, instance_state_conflict
from mock_compute.api.request import query_lists, read_json
from mock_compute.api.validation import validate_body, validate_query
from mock_compute.api.views import migrations as views
from mock_compute.models.exceptions import InstanceInvalidState, InvalidMigrationState, MigrationNotFoundForInstance
from mock_compute.models.migrations import LIVE_MIGRATION, MIGRATION_TYPES

router = APIRouter()
_SM = "os_compute_api:servers:migrations:"
ALL_TYPES = "all-migration-types"


def _type_query(ctx, request, extended):
    """Validate the query string; return the requested types (None = default)."""
    params = query_lists(request)
    if extended:
        schema = {"type": "object",
                  "properties": {"type": {"type": "array", "maxItems": 1,
                                          "items": {"type": "string", "enum": list(MIGRATION_TYPES)}}},
                  "additionalProperties": not ctx.supports((2, 102))}
        validate_query(schema, params)
        if params.get("type"):
            return (params["type"][-1],)
        return MIGRATION_TYPES
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, params)
    return None


@router.get("/v2.1/servers/{server_id}/migrations")
async def list_server_migrations(request: Request, server_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    ctx.require((2, 23))
    extended = cloud.config.has_extension(ALL_TYPES)
    types = _type_query(ctx, request, extended)
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _SM + "index", server.project_id)
        show_hosts = policy.allowed(ctx, _SM + "index:host", server.project_id)
        found = cloud.queries.server_migrations_in_progress(server, types)
        items = [views.server_migration(ctx, m, show_hosts, with_type=extended) for m in found]
    return JSONResponse({"migrations": items})


@router.get("/v2.1/servers/{server_id}/migrations/{migration_id}")
async def show_server_migration(request: Request, server_id: str, migration_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    ctx.require((2, 23))
    extended = cloud.config.has_extension(ALL_TYPES)
    if ctx.supports((2, 102)):
        validate_query(schemas.NO_QUERY, query_lists(request))
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _SM + "show", server.project_id)
        try:
            migration = cloud.compute.get_server_migration(server, migration_id)
        except MigrationNotFoundForInstance as exc:
            kind = "migration" if extended else "live migration"
            raise APIError(404, "In-progress %s %s is not found for server %s." % (kind, migration_id, server_id)) \
                from exc
        if extended:
            if not migration.in_progress():
                raise APIError(404, "Migration %s for server %s is not in progress." % (migration_id, server_id))
        else:
            if migration.migration_type != LIVE_MIGRATION:
                raise APIError(404, "Migration %s for server %s is not live-migration." % (migration_id, server_id))
            if not migration.in_progress_live():
                raise APIError(404, "Live migration %s for server %s is not in progress." % (migration_id, server_id))
        return JSONResponse({"migration": views.server_migration(ctx, migration, with_type=extended)})


@router.post("/v2.1/servers/{server_id}/migrations/{migration_id}/action")
async def server_migration_action(request: Request, server_id: str, migration_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    ctx.require((2, 22))
    body = await read_json(request, cloud.config.max_body_bytes)
    if not isinstance(body, dict) or len(body) != 1:
        raise APIError(400, "Malformed request body")
    if "force_complete" not in body:
        raise APIError(400, "There is no such action: %s" % next(iter(body)))
    validate_body(schemas.FORCE_COMPLETE, body)
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _SM + "force_complete", server.project_id)
        try:
            cloud.compute.force_complete(ctx.actor(), server, migration_id)
        except (InvalidMigrationState, MigrationNotFoundForInstance) as exc:
            raise APIError(400, exc.message) from exc
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "force_complete", server_id) from exc
    return Response(status_code=202)


@router.delete("/v2.1/servers/{server_id}/migrations/{migration_id}")
async def abort_server_migration(request: Request, server_id: str, migration_id: str):
    ctx, cloud = get_context(request), get_cloud(request)
    ctx.require((2, 24))
    with cloud.locked():
        server = cloud.compute.get_server(ctx.actor(), server_id)
        policy.enforce(ctx, _SM + "delete", server.project_id)
        try:
            cloud.compute.abort_live_migration(ctx.actor(), server, migration_id, allow_queued=ctx.supports((2, 65)))
        except InstanceInvalidState as exc:
            raise instance_state_conflict(exc, "abort live migration", server_id) from exc
        except MigrationNotFoundForInstance as exc:
            raise APIError(404, exc.message) from exc
    return Response(status_code=202)
