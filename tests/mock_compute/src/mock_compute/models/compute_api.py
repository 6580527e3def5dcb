"""Synchronous part of every mutating operation (the role of nova.compute.api.API).

Methods check preconditions in the same order as Nova (lock, vm/task state,
host, destination) and raise the same domain errors, then start a workflow.
Callers must hold the cloud lock (``with cloud.locked():``).
"""

import dataclasses
import uuid

from mock_compute.models import clock
from mock_compute.models import instance_actions as acts
from mock_compute.models import servers as vm
from mock_compute.models.engine import MigrationCancelled
from mock_compute.models.exceptions import (
    AvailabilityZoneNotAvailable,
    CannotMigrateToSameHost,
    CannotResizeToSameFlavor,
    ComputeError,
    ComputeHostNotFound,
    ComputeServiceInUse,
    FlavorNotFound,
    GroupAffinityViolation,
    HostBinaryNotFound,
    HostMappingNotFound,
    InstanceGroupNotFound,
    InstanceInvalidState,
    InstanceIsLocked,
    InstanceNotFound,
    InstanceNotReady,
    InvalidInput,
    InvalidMigrationState,
    MigrationNotFoundByStatus,
    MigrationNotFoundForInstance,
    NotFound,
    ServiceUnavailable,
)
from mock_compute.models.hosts import COMPUTE_BINARY
from mock_compute.models.live_migratability import check_api as check_movable
from mock_compute.models.migrations import EVACUATION, LIVE_MIGRATION, MIGRATION, RESIZE
from mock_compute.models.server_groups import ServerGroup
from mock_compute.models.servers import Server
from mock_compute.models.state import fixed_address
from mock_compute.models.workflows import BuildServer, ColdMigration, ConfirmResize, Evacuation, LiveMigration, PowerAction, RevertResize


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who is calling: enough of Nova's RequestContext for the models."""

    user_id: str
    project_id: str
    is_admin: bool = False
    request_id: str = ""
    roles: tuple = ()


class EvacuateHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s not found."


class UnexpectedMigrationError(ComputeError):
    """Below 2.34 a server group violation reaches the API as the conductor's MigrationError, which it does not
    expect: webob's 500 names the class."""

    msg_fmt = "Unexpected API Error. Please contact the administrator\n<class 'nova.exception.MigrationError'>"
    code = 500


class ComputeAPI:
    def __init__(self, cloud):
        self.cloud = cloud

    @property
    def state(self):
        return self.cloud.state

    def _start(self, workflow):
        self.cloud.engine.start(workflow, clock.monotonic())

    # lookups -------------------------------------------------------------------
    def get_server(self, actor, server_id):
        """Nova's ``common.get_instance``: other projects' servers do not exist for non-admins."""
        server = self.state.servers.get(server_id) if isinstance(server_id, str) else None
        if server is None or (not actor.is_admin and server.project_id != actor.project_id):
            raise InstanceNotFound(instance_id=server_id)
        return server

    @staticmethod
    def check_lock(actor, server):
        # nova.compute.api.check_instance_lock: admins are not stopped by locks.
        if server.locked and not actor.is_admin:
            raise InstanceIsLocked(instance_uuid=server.uuid)

    @staticmethod
    def check_state(server, vm_states, method, task_states=(None,), must_have_launched=True):
        if vm_states is not None and server.vm_state not in vm_states:
            raise InstanceInvalidState(attr="vm_state", instance_uuid=server.uuid, state=server.vm_state, method=method)
        if task_states is not None and server.task_state not in task_states:
            raise InstanceInvalidState(attr="task_state", instance_uuid=server.uuid, state=server.task_state,
                                       method=method)
        if must_have_launched and server.launched_at is None:
            raise InstanceInvalidState(attr="launched_at", instance_uuid=server.uuid, state=None, method=method)

    def _check_host_up(self, server):
        """check_instance_host(check_is_up=True)."""
        if not server.host:
            raise InstanceNotReady(instance_id=server.uuid)
        if not self.cloud.is_service_up(self.state.hosts[server.host].service):
            raise ServiceUnavailable()

    # create / delete -----------------------------------------------------------
    def create_server(self, actor, name, flavor_ref, *, image_ref=None, availability_zone=None, forced_host=None,
                      metadata=None, key_name=None, description=None, scheduler_hints=None):
        flavor = self.state.find_flavor(flavor_ref)
        if flavor is None or flavor.flavorid != str(flavor_ref):
            raise FlavorNotFound(flavor_id=flavor_ref)
        if availability_zone is not None and availability_zone not in self.state.zones:
            raise AvailabilityZoneNotAvailable()
        if forced_host is not None:
            host = self.state.hosts.get(forced_host)
            if host is None:
                raise ComputeHostNotFound(host=forced_host)
            if availability_zone is not None and host.zone != availability_zone:
                raise AvailabilityZoneNotAvailable()
        # the request spec keeps every hint as a list of strings
        hints = {key: [str(v) for v in value] if isinstance(value, list) else [str(value)]
                 for key, value in (scheduler_hints or {}).items()}
        group = self.get_server_group(actor, hints["group"][0]) if hints.get("group") else None
        now = clock.utcnow()
        number = self.state.next_server_id
        server = Server(
            uuid=str(uuid.uuid4()), internal_id=number, name=name, project_id=actor.project_id,
            user_id=actor.user_id, flavor=flavor, image_ref=image_ref or "", host=None, node=None,
            availability_zone=availability_zone, pinned_availability_zone=availability_zone,
            vm_state=vm.BUILDING, power_state=vm.NOSTATE, task_state=vm.SCHEDULING, created_at=now,
            updated_at=now, key_name=key_name, description=description, metadata=dict(metadata or {}),
            addresses=fixed_address(number), scheduler_hints=hints)
        self.state.add_server(server)
        if group is not None:
            # the API adds the member before the server is scheduled
            self.state.add_group_member(group, server)
        action = self.state.new_action(server, acts.CREATE, actor, now)
        self._start(BuildServer(self.cloud, server, forced_host=forced_host, action=action))
        return server

    # server groups ----------------------------------------------------------------
    def get_server_group(self, actor, group_id):
        """InstanceGroup.get_by_uuid: a non-admin only finds their own project's groups."""
        group = self.state.server_groups.get(group_id) if isinstance(group_id, str) else None
        if group is None or (not actor.is_admin and group.project_id != actor.project_id):
            raise InstanceGroupNotFound(group_uuid=group_id)
        return group

    def list_server_groups(self, actor, all_projects):
        groups = self.state.server_groups.values()
        return [g for g in groups if all_projects or g.project_id == actor.project_id]

    def create_server_group(self, actor, name, policy, rules):
        group = ServerGroup(uuid=str(uuid.uuid4()), name=name, policy=policy, rules=dict(rules or {}),
                            project_id=actor.project_id, user_id=actor.user_id, created_at=clock.utcnow())
        self.state.add_server_group(group)
        return group

    def delete_server_group(self, group):
        self.state.delete_server_group(group)

    def group_members(self, actor, group):
        """The members the API shows: servers that still exist (and, for a non-admin, are in their project)."""
        servers = self.state.servers
        return [m for m in group.members
                if m in servers and (actor.is_admin or servers[m].project_id == actor.project_id)]

    def server_group_of(self, server):
        group = self.state.group_of_server.get(server.uuid)
        return group.uuid if group is not None else None

    def delete_server(self, actor, server):
        self.check_lock(actor, server)
        now = clock.utcnow()
        self.cloud.engine.discard_server(server.uuid)
        allocations = self.state.allocations
        for migration in self.state.migrations_by_instance.get(server.uuid, ()):
            allocations.release(migration.uuid)
            if migration.in_progress() or migration.status in ("accepted", "finished"):
                migration.status = "error"
                migration.updated_at = now
        allocations.release(server.uuid)
        self.state.new_action(server, acts.DELETE, actor, now)
        self.state.remove_server(server)
        server.deleted = True
        server.vm_state = vm.DELETED
        server.task_state = None
        server.updated_at = now

    # power and lock -------------------------------------------------------------
    def _power(self, actor, server, *, vm_states, method, task_state, action_name, check_host=True):
        self.check_lock(actor, server)
        if check_host and not server.host:
            raise InstanceNotReady(instance_id=server.uuid)
        self.check_state(server, vm_states, method)
        action = self.state.new_action(server, action_name, actor, clock.utcnow())
        self._start(PowerAction(self.cloud, server, task_state, action=action))

    def stop(self, actor, server):
        self._power(actor, server, vm_states=(vm.ACTIVE, vm.ERROR), method="stop", task_state=vm.POWERING_OFF,
                    action_name=acts.STOP)

    def start(self, actor, server):
        self._power(actor, server, vm_states=(vm.STOPPED,), method="start", task_state=vm.POWERING_ON,
                    action_name=acts.START)

    def pause(self, actor, server):
        self._power(actor, server, vm_states=(vm.ACTIVE,), method="pause", task_state=vm.PAUSING,
                    action_name=acts.PAUSE, check_host=False)

    def unpause(self, actor, server):
        self._power(actor, server, vm_states=(vm.PAUSED,), method="unpause", task_state=vm.UNPAUSING,
                    action_name=acts.UNPAUSE, check_host=False)

    def lock(self, actor, server, reason=None):
        now = clock.utcnow()
        action = self.state.new_action(server, acts.LOCK, actor, now)
        action.record("api_lock", now)
        if server.locked_by is None:
            server.locked_by = "owner" if actor.project_id == server.project_id else "admin"
        if reason is not None:
            server.locked_reason = reason
        server.updated_at = now

    def can_unlock(self, actor, server):
        """Nova's ``is_expected_locked_by``: a non-owner lock needs unlock_override."""
        expected = "owner" if actor.project_id == server.project_id else "admin"
        return not server.locked_by or server.locked_by == expected

    def unlock(self, actor, server):
        now = clock.utcnow()
        action = self.state.new_action(server, acts.UNLOCK, actor, now)
        action.record("api_unlock", now)
        server.locked_by = None
        server.locked_reason = None
        server.updated_at = now

    # cold migration and resize ------------------------------------------------
    def migrate(self, actor, server, host=None, force=False):
        """``migrate`` action; ``force`` only reaches here with the cold-migration-force extension."""
        check_movable(server, live=False)
        self.check_lock(actor, server)
        self.check_state(server, (vm.ACTIVE, vm.STOPPED), "resize")
        self._check_host_up(server)
        if host is not None:
            if host == server.host:
                raise CannotMigrateToSameHost()
            if host not in self.state.hosts:
                raise ComputeHostNotFound(host=host)
        return self._start_cold(actor, server, migration_type=MIGRATION, new_flavor=server.flavor, host=host,
                                force=force, action_name=acts.MIGRATE)

    def resize(self, actor, server, flavor_ref):
        check_movable(server, live=False)
        self.check_lock(actor, server)
        self.check_state(server, (vm.ACTIVE, vm.STOPPED), "resize")
        self._check_host_up(server)
        flavor = self.state.flavors.get(str(flavor_ref))
        if flavor is None or flavor.disabled:
            raise FlavorNotFound(flavor_id=flavor_ref)
        if flavor.flavorid == server.flavor.flavorid:
            raise CannotResizeToSameFlavor()
        return self._start_cold(actor, server, migration_type=RESIZE, new_flavor=flavor, host=None, force=False,
                                action_name=acts.RESIZE)

    def _start_cold(self, actor, server, *, migration_type, new_flavor, host, force, action_name):
        now = clock.utcnow()
        server.task_state = vm.RESIZE_PREP
        server.old_vm_state = server.vm_state
        server.old_flavor = server.flavor
        server.updated_at = now
        # the conductor's migrate task creates the record, a moment after the API answered
        migration = self.state.new_migration(server, migration_type, "pre-migrating", now=now, user_id=actor.user_id,
                                             project_id=actor.project_id, new_flavor=new_flavor, register=False)
        action = self.state.new_action(server, action_name, actor, now)
        self._start(ColdMigration(self.cloud, server, migration, new_flavor=new_flavor, requested_host=host,
                                  force=force, action=action))
        return migration

    def _finished_migration(self, server):
        for migration in reversed(self.state.migrations_by_instance.get(server.uuid, ())):
            if migration.status == "finished":
                return migration
        raise MigrationNotFoundByStatus(instance_id=server.uuid, status="finished")

    def confirm_resize(self, actor, server):
        self.check_lock(actor, server)
        self.check_state(server, (vm.RESIZED,), "confirm_resize")
        migration = self._finished_migration(server)
        source = self.state.hosts.get(migration.source_compute)
        if source is None or not self.cloud.is_service_up(source.service):
            raise ServiceUnavailable()
        action = self.state.new_action(server, acts.CONFIRM_RESIZE, actor, clock.utcnow())
        self.start_confirm(server, migration, action)

    def start_confirm(self, server, migration, action):
        migration.status = "confirming"
        migration.updated_at = clock.utcnow()
        self._start(ConfirmResize(self.cloud, server, migration, action))

    def revert_resize(self, actor, server):
        self.check_lock(actor, server)
        self.check_state(server, (vm.RESIZED,), "revert_resize")
        migration = self._finished_migration(server)
        now = clock.utcnow()
        server.task_state = vm.RESIZE_REVERTING
        server.updated_at = now
        migration.status = "reverting"
        migration.updated_at = now
        action = self.state.new_action(server, acts.REVERT_RESIZE, actor, now)
        self._start(RevertResize(self.cloud, server, migration, action))

    # live migration ----------------------------------------------------------
    def live_migrate(self, actor, server, host, *, block_migration=None, force=False, async_=True):
        """``os-migrateLive``; below 2.34 (``async_`` False) the pre-checks raise synchronously."""
        check_movable(server)
        self.check_lock(actor, server)
        self.check_state(server, (vm.ACTIVE, vm.PAUSED), "live_migrate")
        if host and host not in self.state.hosts:
            raise ComputeHostNotFound(host=host)
        now = clock.utcnow()
        migration = self.state.new_migration(server, LIVE_MIGRATION, "accepted", now=now, user_id=actor.user_id,
                                             project_id=actor.project_id)
        # the conductor's record names the source host only; the nodes come with the destination
        migration.source_node = None
        if host and force:
            # a host the scheduler is to check travels in the request spec, not in the record
            migration.dest_compute = host
        action = self.state.new_action(server, acts.LIVE_MIGRATION, actor, now)
        workflow = LiveMigration(self.cloud, server, migration, requested_host=host or None, force=force,
                                 block_migration=block_migration, action=action)
        if not async_:
            try:
                workflow.precheck()
            except InvalidInput as exc:
                # the conductor has failed the record, the fault and its event before the API answers 400
                workflow.scheduling_failed(exc.message)
                raise
            except GroupAffinityViolation as exc:
                workflow.group_violated(exc.message)
                raise UnexpectedMigrationError() from exc
        server.task_state = vm.MIGRATING
        server.updated_at = now
        self._start(workflow)
        return migration

    def _migration_of(self, server, migration_id):
        """Migration by integer id for this server (ids that are not integers simply do not match)."""
        try:
            number = int(str(migration_id), 10)
        except ValueError:
            number = None
        migration = self.state.migrations.get(number)
        if migration is None or migration.instance_uuid != server.uuid:
            raise MigrationNotFoundForInstance(migration_id=migration_id, instance_id=server.uuid)
        return migration

    def get_server_migration(self, server, migration_id):
        return self._migration_of(server, migration_id)

    def force_complete(self, actor, server, migration_id):
        self.check_lock(actor, server)
        self.check_state(server, (vm.ACTIVE,), "live_migrate_force_complete", task_states=(vm.MIGRATING,))
        migration = self._migration_of(server, migration_id)
        if migration.status != "running":
            raise InvalidMigrationState(migration_id=migration_id, instance_uuid=server.uuid,
                                        state=migration.status, method="force complete")
        workflow = self.cloud.engine.workflow_for_migration(migration)
        now = clock.utcnow()
        self.state.new_action(server, acts.LIVE_MIGRATION_FORCE_COMPLETE, actor, now).record(
            "compute_live_migration_force_complete", now, host=server.host)
        if workflow is not None:
            # The guest is paused so memory converges: finish promptly, even if stuck.
            workflow.forced = True
            workflow.next_at = min(workflow.next_at, clock.monotonic() + 0.05 * self.cloud.config.migration_seconds)

    def abort_live_migration(self, actor, server, migration_id, allow_queued):
        self.check_lock(actor, server)
        self.check_state(server, None, "live_migrate_abort", task_states=(vm.MIGRATING,))
        migration = self._migration_of(server, migration_id)
        allowed = ("running", "queued", "preparing") if allow_queued else ("running",)
        if migration.migration_type != LIVE_MIGRATION or migration.status not in allowed:
            raise InvalidMigrationState(migration_id=migration_id, instance_uuid=server.uuid,
                                        state=migration.status, method="abort live migration")
        now = clock.utcnow()
        self.state.new_action(server, acts.LIVE_MIGRATION_CANCEL, actor, now).record(
            "compute_live_migration_abort", now, host=server.host)
        workflow = self.cloud.engine.workflow_for_migration(migration)
        if workflow is not None:
            self.cloud.engine.interrupt(workflow, MigrationCancelled(), clock.monotonic())

    # evacuation ---------------------------------------------------------------
    def evacuate(self, actor, server, host=None, *, force=False, stop_at_dest=False):
        if host is not None and host not in self.state.hosts:
            raise EvacuateHostNotFound(host=host)
        if server.host == host:
            raise InvalidInput("The target host can't be the same one.")
        self.check_state(server, (vm.ACTIVE, vm.STOPPED, vm.ERROR), "evacuate", task_states=None)
        if server.task_state is not None:
            raise InstanceInvalidState(attr="task_state", instance_uuid=server.uuid, state=server.task_state,
                                       method="evacuate")
        if not server.host:
            raise InstanceNotReady(instance_id=server.uuid)
        if self.cloud.is_service_up(self.state.hosts[server.host].service):
            raise ComputeServiceInUse(host=server.host)
        now = clock.utcnow()
        server.task_state = vm.REBUILDING
        server.updated_at = now
        migration = self.state.new_migration(server, EVACUATION, "accepted", now=now, user_id=actor.user_id,
                                             project_id=actor.project_id)
        # the API's evacuation record names no flavors
        migration.old_instance_type_id = migration.new_instance_type_id = None
        if host:
            migration.dest_compute = host
        action = self.state.new_action(server, acts.EVACUATE, actor, now)
        self._start(Evacuation(self.cloud, server, migration, requested_host=host, force=force,
                               stop_at_dest=stop_at_dest, action=action))
        return migration

    # services ---------------------------------------------------------------------
    def compute_service(self, host, binary):
        # Nova finds the host's cell first: only compute hosts are mapped to one
        if host not in self.state.hosts:
            raise HostMappingNotFound(name=host)
        for service in self.state.services.values():
            if service.host == host and service.binary == binary:
                return service
        raise HostBinaryNotFound(host=host, binary=binary)

    def update_service(self, service, *, disabled=None, disabled_reason=None, forced_down=None):
        """Apply an admin update; returns the service.  ``disabled_reason`` is only used when disabling."""
        now = clock.utcnow()
        if disabled is True:
            service.disabled = True
            service.disabled_reason = disabled_reason
        elif disabled is False:
            service.disabled = False
            service.disabled_reason = None
        if forced_down is not None:
            was_up = self.cloud.is_service_up(service)
            service.forced_down = bool(forced_down)
            if not was_up and self.cloud.is_service_up(service):
                self.cloud.complete_evacuations(service.host)
        service.updated_at = now
        return service

    def has_done_evacuations(self, host):
        return any(m.migration_type == EVACUATION and m.status == "done" and m.source_compute == host
                   for m in self.state.migrations.values())

    @staticmethod
    def is_compute(service):
        return service.binary == COMPUTE_BINARY
