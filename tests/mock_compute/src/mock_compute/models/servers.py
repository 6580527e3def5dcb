"""Servers (Nova instances) and the vm_state/task_state -> status mapping."""

import dataclasses
import hashlib

# vm_state values (nova.objects.fields.InstanceState)
ACTIVE = "active"
BUILDING = "building"
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"
RESCUED = "rescued"
RESIZED = "resized"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"
DELETED = "deleted"
SOFT_DELETED = "soft-delete"

# task_state values used by the workflows
SCHEDULING = "scheduling"
SPAWNING = "spawning"
RESIZE_PREP = "resize_prep"
RESIZE_MIGRATING = "resize_migrating"
RESIZE_MIGRATED = "resize_migrated"
RESIZE_FINISH = "resize_finish"
RESIZE_REVERTING = "resize_reverting"
MIGRATING = "migrating"
REBUILDING = "rebuilding"
POWERING_OFF = "powering-off"
POWERING_ON = "powering-on"
PAUSING = "pausing"
UNPAUSING = "unpausing"
DELETING = "deleting"

# OS-EXT-STS:power_state integers (nova.objects.fields.InstancePowerState)
NOSTATE = 0
RUNNING = 1
POWER_PAUSED = 3
SHUTDOWN = 4
CRASHED = 6
POWER_SUSPENDED = 7

_RESIZING = {RESIZE_PREP: "RESIZE", RESIZE_MIGRATING: "RESIZE", RESIZE_MIGRATED: "RESIZE", RESIZE_FINISH: "RESIZE"}
_REBUILDING = {REBUILDING: "REBUILD", "rebuild_block_device_mapping": "REBUILD", "rebuild_spawning": "REBUILD"}

# Same shape as nova.api.openstack.common._STATE_MAP: vm_state -> {task_state|"default": status}
STATE_MAP = {
    ACTIVE: {"default": "ACTIVE", "rebooting": "REBOOT", "reboot_pending": "REBOOT", "reboot_started": "REBOOT",
             "rebooting_hard": "HARD_REBOOT", "reboot_pending_hard": "HARD_REBOOT", "reboot_started_hard": "HARD_REBOOT",
             "updating_password": "PASSWORD", MIGRATING: "MIGRATING", **_REBUILDING, **_RESIZING},
    BUILDING: {"default": "BUILD"},
    STOPPED: {"default": "SHUTOFF", **_RESIZING, **_REBUILDING},
    RESIZED: {"default": "VERIFY_RESIZE", RESIZE_REVERTING: "REVERT_RESIZE"},
    PAUSED: {"default": "PAUSED", MIGRATING: "MIGRATING"},
    SUSPENDED: {"default": "SUSPENDED"},
    RESCUED: {"default": "RESCUE"},
    ERROR: {"default": "ERROR", **_REBUILDING},
    DELETED: {"default": "DELETED"},
    SOFT_DELETED: {"default": "SOFT_DELETED"},
    SHELVED: {"default": "SHELVED"},
    SHELVED_OFFLOADED: {"default": "SHELVED_OFFLOADED"},
}

# Topology status -> (vm_state, power_state)
STATUS_TO_STATE = {
    "ACTIVE": (ACTIVE, RUNNING),
    "SHUTOFF": (STOPPED, SHUTDOWN),
    "PAUSED": (PAUSED, POWER_PAUSED),
    "SUSPENDED": (SUSPENDED, POWER_SUSPENDED),
    "RESCUE": (RESCUED, RUNNING),
    "ERROR": (ERROR, NOSTATE),
    "SHELVED": (SHELVED, SHUTDOWN),
    "SHELVED_OFFLOADED": (SHELVED_OFFLOADED, SHUTDOWN),
}


def status_from_state(vm_state, task_state=None):
    task_map = STATE_MAP.get(vm_state, {"default": "UNKNOWN"})
    return task_map.get(task_state, task_map["default"])


def states_for_statuses(statuses):
    """Map API status strings to (vm_states, task_states) like Nova's ``task_and_vm_state_from_status``.

    ``task_states`` may contain ``"default"`` meaning "any task state whose own mapping
    does not override the status"; callers treat that as no task-state filter.
    """
    wanted = {status.lower() for status in statuses}
    vm_states, task_states = set(), set()
    for vm_state, task_map in STATE_MAP.items():
        for task_state, status in task_map.items():
            if status.lower() in wanted:
                vm_states.add(vm_state)
                task_states.add(task_state)
    return vm_states, task_states


def host_id(project_id, host):
    """``hostId``: sha224(project_id + host), empty when the server has no host."""
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode("utf-8")).hexdigest()


@dataclasses.dataclass
class InstanceFault:
    code: int
    message: str
    details: str
    created_at: object


@dataclasses.dataclass
class Server:
    uuid: str
    internal_id: int
    name: str
    project_id: str
    user_id: str
    flavor: object                  # Flavor (copied so later flavor edits do not leak in)
    image_ref: str
    host: str
    node: str
    availability_zone: str          # AZ of the host the server was scheduled to
    pinned_availability_zone: str   # AZ requested at create time (None = unpinned)
    vm_state: str
    power_state: int
    created_at: object
    updated_at: object
    launched_at: object = None
    task_state: str = None
    locked_by: str = None           # "admin" / "owner" / None
    locked_reason: str = None
    key_name: str = None
    description: str = None
    metadata: dict = dataclasses.field(default_factory=dict)
    addresses: dict = dataclasses.field(default_factory=dict)
    fault: InstanceFault = None
    old_vm_state: str = None        # system_metadata['old_vm_state'] during a resize/migration
    old_flavor: object = None       # kept during a resize until confirm/revert
    progress: int = 0
    deleted: bool = False
    scheduler_hints: dict = dataclasses.field(default_factory=dict)   # as the request spec keeps them: lists

    @property
    def status(self):
        if self.deleted:
            return "DELETED"
        return status_from_state(self.vm_state, self.task_state)

    @property
    def locked(self):
        return self.locked_by is not None

    @property
    def instance_name(self):
        return "instance-%08x" % self.internal_id

    @property
    def hostname(self):
        return "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in self.name.lower()).strip("-")[:63] or "server"
