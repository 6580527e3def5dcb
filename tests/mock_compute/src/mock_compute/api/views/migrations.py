"""Migration representations: ``/os-migrations`` and ``/servers/{id}/migrations``."""

from mock_compute.api.views.common import db_time
from mock_compute.models.migrations import LIVE_IN_PROGRESS, LIVE_MIGRATION

_HOST_FIELDS = ("dest_compute", "dest_host", "dest_node", "source_compute", "source_node")


def os_migration(ctx, links, migration, show_hosts=True):
    """One ``GET /os-migrations`` item (nova MigrationsController._output)."""
    data = {
        "created_at": db_time(migration.created_at),
        "dest_compute": migration.dest_compute,
        "dest_host": migration.dest_host,
        "dest_node": migration.dest_node,
        "id": migration.id,
        "instance_uuid": migration.instance_uuid,
        "new_instance_type_id": migration.new_instance_type_id,
        "old_instance_type_id": migration.old_instance_type_id,
        "source_compute": migration.source_compute,
        "source_node": migration.source_node,
        "status": migration.status,
        "updated_at": db_time(migration.updated_at),
    }
    if not show_hosts:
        data.update(dict.fromkeys(_HOST_FIELDS))
    if ctx.supports((2, 23)):
        data["migration_type"] = migration.migration_type
        if migration.migration_type == LIVE_MIGRATION and migration.status in LIVE_IN_PROGRESS:
            data["links"] = links.resource("servers/%s/migrations" % migration.instance_uuid, migration.id)
    if ctx.supports((2, 59)):
        data["uuid"] = migration.uuid
    if ctx.supports((2, 80)):
        data["user_id"] = migration.user_id
        data["project_id"] = migration.project_id
    return data


def server_migration(ctx, migration, show_hosts=True, with_type=False):
    """One ``GET /servers/{id}/migrations[/{mid}]`` item; ``with_type``: the extension's shape (type, no status)."""
    data = {
        "created_at": db_time(migration.created_at),
        "dest_compute": migration.dest_compute,
        "dest_host": migration.dest_host,
        "dest_node": migration.dest_node,
        "disk_processed_bytes": migration.disk_processed,
        "disk_remaining_bytes": migration.disk_remaining,
        "disk_total_bytes": migration.disk_total,
        "id": migration.id,
        "memory_processed_bytes": migration.memory_processed,
        "memory_remaining_bytes": migration.memory_remaining,
        "memory_total_bytes": migration.memory_total,
        "server_uuid": migration.instance_uuid,
        "source_compute": migration.source_compute,
        "source_node": migration.source_node,
        "status": migration.status,
        "updated_at": db_time(migration.updated_at),
    }
    if not show_hosts:
        data.update(dict.fromkeys(_HOST_FIELDS))
    if with_type:
        del data["status"]
        data["type"] = migration.migration_type
    if ctx.supports((2, 59)):
        data["uuid"] = migration.uuid
    if ctx.supports((2, 80)):
        data["user_id"] = migration.user_id
        data["project_id"] = migration.project_id
    return data
