"""Migration records (Nova's ``migrations`` table)."""

import dataclasses

MIGRATION = "migration"
RESIZE = "resize"
LIVE_MIGRATION = "live-migration"
EVACUATION = "evacuation"
MIGRATION_TYPES = (EVACUATION, LIVE_MIGRATION, MIGRATION, RESIZE)

# Nova's own definition of "in progress" for live migrations
# (migration_get_in_progress_by_instance, server_migrations.show).
LIVE_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")

# Blueprint list-show-all-server-migration-types (extension all-migration-types): in-progress statuses per type.
IN_PROGRESS_BY_TYPE = {
    MIGRATION: ("pre-migrating", "migrating", "post-migrating", "confirming", "reverting"),
    RESIZE: ("pre-migrating", "migrating", "post-migrating", "confirming", "reverting"),
    EVACUATION: ("accepted", "pre-migrating"),
    LIVE_MIGRATION: LIVE_IN_PROGRESS,
}

# Statuses at which a workflow can be made to fail or stall (migration_error / migration_stuck faults).
FAULT_PHASES = ("accepted", "pre-migrating", "migrating", "post-migrating", "queued", "preparing", "running",
                "finished", "confirming", "reverting")


@dataclasses.dataclass
class Migration:
    id: int
    uuid: str
    instance_uuid: str
    migration_type: str
    status: str
    source_compute: str
    source_node: str
    old_instance_type_id: int
    new_instance_type_id: int
    user_id: str
    project_id: str
    created_at: object
    updated_at: object
    dest_compute: str = None
    dest_node: str = None
    dest_host: str = None
    hidden: bool = False
    cross_cell_move: bool = False
    memory_total: int = None
    memory_processed: int = None
    memory_remaining: int = None
    disk_total: int = None
    disk_processed: int = None
    disk_remaining: int = None

    def in_progress_live(self):
        return self.migration_type == LIVE_MIGRATION and self.status in LIVE_IN_PROGRESS

    def in_progress(self):
        return self.status in IN_PROGRESS_BY_TYPE.get(self.migration_type, ())
