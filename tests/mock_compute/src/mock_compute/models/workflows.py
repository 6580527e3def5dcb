"""Asynchronous state machines (cold/live migration, evacuation, confirm, revert, power, build).

Each ``run()`` generator is one conductor/compute flow from Nova; the comments
name the Nova step each segment stands for.  A ``yield`` hands control back
to the engine: floats are fractions of ``migration_seconds``.  The part before
the first ``yield`` runs synchronously inside the API call.
"""

from mock_compute.models import clock
from mock_compute.models import servers as vm
from mock_compute.models.allocations import Resources
from mock_compute.models.engine import MigrationCancelled, MigrationFailure, Seconds
from mock_compute.models.exceptions import (
    ComputeServiceUnavailable,
    GroupAffinityViolation,
    MigrationPreCheckError,
    NoValidHost,
    UnableToMigrateToSelf,
)
from mock_compute.models.live_migratability import compute_refusal, conductor_refusal
from mock_compute.models.live_progress import MIB, SWING_PERIOD, CopyProgress, disk_bytes
from mock_compute.models.scheduler import NOT_ENOUGH_HOSTS
from mock_compute.models.servers import InstanceFault

_SCHEDULING_ERRORS = (NoValidHost, ComputeServiceUnavailable, UnableToMigrateToSelf, MigrationPreCheckError)


class Workflow:
    """Base class; subclasses implement ``run()``."""

    migration = None
    forced = False      # force_complete: skip stuck/error faults and finish promptly
    held = False        # a migration_stuck fault is holding this workflow

    def __init__(self, cloud, server, action=None):
        self.cloud = cloud
        self.state = cloud.state
        self.server = server
        self.action = action
        self.gen = None
        self.next_at = 0.0

    def __repr__(self):
        return "<%s server=%s>" % (type(self).__name__, self.server.uuid)

    def run(self):
        raise NotImplementedError

    def tick(self, now):
        """Called on every engine pass (used for progress counters)."""

    # helpers -----------------------------------------------------------------
    def touch(self):
        self.server.updated_at = clock.utcnow()

    def set_status(self, status):
        self.migration.status = status
        self.migration.updated_at = clock.utcnow()

    def event(self, name, host=None, error=None):
        if self.action is not None:
            self.action.record(name, clock.utcnow(), host=host, error=error)

    def conductor_host(self):
        """Where conductor events are recorded: the host of nova-conductor."""
        return next((s.host for s in self.state.services.values() if s.binary == "nova-conductor"), None)

    def record_fault(self, message, code=500):
        self.server.fault = InstanceFault(code=code, message=message, created_at=clock.utcnow(),
                                          details="Traceback (most recent call last):\n  ...\n%s" % message)

    def set_destination(self, host):
        self.migration.dest_compute = host.name
        self.migration.dest_node = host.node
        self.migration.dest_host = host.host_ip
        self.migration.updated_at = clock.utcnow()

    def check_no_valid_host_fault(self):
        fault = self.cloud.faults.take_no_valid_host(self.server)
        if fault is not None:
            raise NoValidHost(fault.message) if fault.message else NoValidHost(reason=NOT_ENOUGH_HOSTS)


class ColdMigration(Workflow):
    """Cold migration or resize (nova.conductor.tasks.migrate + compute prep/resize/finish_resize).

    Before the first yield the API has set task_state ``resize_prep``; a moment
    later the conductor creates the migration, ``pre-migrating``, and moves the
    source allocation to the migration consumer.
    """

    def __init__(self, cloud, server, migration, *, new_flavor, requested_host=None, force=False, action=None):
        super().__init__(cloud, server, action)
        self.migration = migration
        self.new_flavor = new_flavor
        self.old_flavor = server.flavor
        self.requested_host = requested_host
        self.force = force
        self.source = server.host
        self.old_vm_state = server.vm_state

    def run(self):
        server, migration = self.server, self.migration
        try:
            # the API answered with the server in resize_prep and no migration record yet
            yield 0.05
            # conductor _preallocate_migration: the record exists, the source allocation now belongs to it
            self.state.register_migration(migration, clock.utcnow())
            self.state.allocations.move(server.uuid, migration.uuid, self.source)
            yield 0.15
            # conductor migrate_server and its cold_migrate task select a destination; dest prep_resize claims
            try:
                self.check_no_valid_host_fault()
                if self.force:
                    dest = self.state.hosts[self.requested_host]
                else:
                    dest = self.cloud.scheduler.select(server, self.new_flavor, self.requested_host,
                                                       exclude={self.source})
            except NoValidHost as exc:
                # the migrate task's rollback marks the record first, then the conductor resets the server;
                # the instance fault keeps the scheduler's error, the events the conductor's own
                self.set_status("error")
                yield 0.05
                kind = "cold migrate" if self.new_flavor.flavorid == self.old_flavor.flavorid else "resize"
                self.rollback(str(exc), "No valid host was found. No valid host found for %s" % kind)
                return
            conductor = self.conductor_host()
            self.event("conductor_migrate_server", host=conductor)
            self.event("cold_migrate", host=conductor)
            self.state.allocations.claim(server.uuid, dest.name, Resources.for_flavor(self.new_flavor))
            self.set_destination(dest)
            self.event("compute_prep_resize", host=dest.name)
            self.step = ("compute_resize_instance", self.source)
            yield 0.2
            # source resize_instance
            server.task_state = vm.RESIZE_MIGRATING
            self.set_status("migrating")
            self.touch()
            yield 0.3
            # source migrate_disk_and_power_off: guest off, instance handed to the destination
            server.power_state = vm.SHUTDOWN
            server.task_state = vm.RESIZE_MIGRATED
            self.set_status("post-migrating")
            self.state.set_server_host(server, dest.name)
            self.event("compute_resize_instance", host=self.source)
            self.step = ("compute_finish_resize", dest.name)
            self.touch()
            yield 0.15
            # dest finish_resize
            server.task_state = vm.RESIZE_FINISH
            self.touch()
            yield 0.15
            # dest finish_migration(power_on = old_vm_state != stopped)
            server.flavor = self.new_flavor
            server.vm_state = vm.RESIZED
            server.task_state = None
            server.power_state = vm.SHUTDOWN if self.old_vm_state == vm.STOPPED else vm.RUNNING
            self.set_status("finished")
            self.event("compute_finish_resize", host=dest.name)
            self.touch()
        except (MigrationFailure, *_SCHEDULING_ERRORS) as exc:
            self.rollback(str(exc))
            return
        window = self.cloud.config.resize_confirm_window
        if window > 0:
            self.cloud.engine.start(AutoConfirm(self.cloud, server, migration, window), clock.monotonic())

    step = None     # the compute step under way once the destination is chosen: (event, host)

    def rollback(self, message, details=None):
        """Conductor/compute rollback: server back on the source in its original state.

        Before a destination is chosen the conductor's two events fail; after, the compute step under way."""
        server, migration = self.server, self.migration
        allocations = self.state.allocations
        if migration.dest_compute:
            allocations.release(server.uuid, migration.dest_compute)
        allocations.move(migration.uuid, server.uuid, self.source)
        if server.host != self.source:
            self.state.set_server_host(server, self.source)
        server.flavor = self.old_flavor
        server.old_flavor = None
        server.vm_state = self.old_vm_state
        server.task_state = None
        server.power_state = vm.SHUTDOWN if self.old_vm_state == vm.STOPPED else vm.RUNNING
        self.set_status("error")
        self.record_fault(message)
        if self.step is None:
            for name in ("conductor_migrate_server", "cold_migrate"):
                self.event(name, host=self.conductor_host(), error=details or message)
        else:
            self.event(self.step[0], host=self.step[1], error=message)
        self.touch()


class AutoConfirm(Workflow):
    """The dest compute's ``_poll_unconfirmed_resizes`` periodic task (resize_confirm_window > 0)."""

    def __init__(self, cloud, server, target, window):
        super().__init__(cloud, server)
        self.target = target
        self.window = window

    def run(self):
        yield Seconds(self.window)
        server, migration = self.server, self.target
        if (migration.status == "finished" and server.vm_state == vm.RESIZED and server.task_state is None
                and server.uuid in self.state.servers):
            self.cloud.compute.start_confirm(server, migration, action=None)


class ConfirmResize(Workflow):
    """Source compute confirm_resize: drop the source claim, keep the guest where it is."""

    def __init__(self, cloud, server, migration, action=None):
        super().__init__(cloud, server, action)
        self.migration = migration

    def run(self):
        server, migration = self.server, self.migration
        try:
            yield 0.1
            # the source drops its move claim, which marks the record confirmed, before the instance is saved
            self.state.allocations.release(migration.uuid)
            self.set_status("confirmed")
            yield 0.05
            server.vm_state = vm.STOPPED if server.power_state == vm.SHUTDOWN else vm.ACTIVE
            server.task_state = None
            server.old_flavor = None
            server.old_vm_state = None
            self.event("compute_confirm_resize", host=migration.source_compute)
            self.touch()
        except MigrationFailure as exc:
            self.set_status("error")
            server.vm_state = vm.ERROR
            server.task_state = None
            self.record_fault(str(exc))
            self.event("compute_confirm_resize", error=str(exc))
            self.touch()


class RevertResize(Workflow):
    """Dest revert_resize (drop dest claim, ``reverted``) then source finish_revert_resize."""

    def __init__(self, cloud, server, migration, action=None):
        super().__init__(cloud, server, action)
        self.migration = migration

    def run(self):
        server, migration = self.server, self.migration
        try:
            yield 0.05
            self.state.allocations.release(server.uuid, migration.dest_compute)
            self.set_status("reverted")
            self.event("compute_revert_resize", host=migration.dest_compute)
            yield 0.1
            self.state.allocations.move(migration.uuid, server.uuid, migration.source_compute)
            self.state.set_server_host(server, migration.source_compute)
            if server.old_flavor is not None:
                server.flavor = server.old_flavor
            old_vm_state = server.old_vm_state or vm.ACTIVE
            server.old_flavor = None
            server.old_vm_state = None
            self.event("compute_finish_revert_resize", host=migration.source_compute)
            if old_vm_state == vm.STOPPED:
                # the guest stays off and Nova stops the server again: still resized while powering-off
                server.power_state, server.task_state = vm.SHUTDOWN, vm.POWERING_OFF
                self.touch()
                yield 0.05
                server.vm_state, server.task_state = vm.STOPPED, None
                self.event("compute_stop_instance", host=migration.source_compute)
            else:
                server.vm_state, server.power_state, server.task_state = old_vm_state, vm.RUNNING, None
            self.touch()
        except MigrationFailure as exc:
            self.set_status("error")
            server.vm_state = vm.ERROR
            server.task_state = None
            self.record_fault(str(exc))
            self.event("compute_revert_resize", error=str(exc))
            self.touch()


class LiveMigration(Workflow):
    """conductor LiveMigrationTask + source compute live_migration / _post_live_migration."""

    def __init__(self, cloud, server, migration, *, requested_host=None, force=False, block_migration=None,
                 action=None):
        super().__init__(cloud, server, action)
        self.migration = migration
        self.requested_host = requested_host
        self.force = force
        self.block_migration = block_migration
        self.source = server.host
        self.prechecked = False
        self.copy = None
        self.running_fraction = 0.6     # of migration_seconds: the copy while the record is running

    def precheck(self):
        """Conductor pre-checks and scheduling; synchronous below 2.34, asynchronous from 2.34."""
        server, cloud = self.server, self.cloud
        source = self.state.hosts[self.source]
        if not cloud.is_service_up(source.service):
            raise ComputeServiceUnavailable(host=self.source)
        self.check_no_valid_host_fault()
        if self.requested_host and self.force:
            # only a forced host is compared with the source; the scheduler never offers the source anyway
            if self.requested_host == self.source:
                raise UnableToMigrateToSelf(instance_id=server.uuid, host=self.source)
            dest = self.state.hosts[self.requested_host]
            if not cloud.is_service_up(dest.service):
                raise ComputeServiceUnavailable(host=dest.name)
            self.check_live_migratable(dest)
        else:
            dest = self.schedule_live_migratable()
        allocations = self.state.allocations
        allocations.move(server.uuid, self.migration.uuid, self.source)
        allocations.claim(server.uuid, dest.name, Resources.for_flavor(server.flavor))
        self.migration.source_node = server.node
        self.set_destination(dest)
        self.event("conductor_live_migrate_instance", host=self.conductor_host())
        self.event("compute_check_can_live_migrate_destination", host=dest.name)
        self.event("compute_check_can_live_migrate_source", host=self.source)
        self.prechecked = True

    def check_live_migratable(self, dest):
        """LiveMigrationTask._call_livem_checks_on_host: the conductor's PCI check, then the computes' checks
        (the destination asks the source, whose libvirt driver refuses what it cannot move)."""
        reason = conductor_refusal(self.server, self.cloud.topology)
        if reason:
            raise MigrationPreCheckError(reason=reason)
        try:
            # the destination first checks the server group itself, which a forced host met nowhere else
            self.cloud.scheduler.check_group_policy(self.server, dest.name)
        except GroupAffinityViolation as exc:
            # the conductor's event, begun first, fails with it (wrapped in a MigrationError)
            self.event("conductor_live_migrate_instance", host=self.conductor_host(),
                       error="Migration error: " + exc.message)
            self.event("compute_check_can_live_migrate_destination", host=dest.name, error=exc.message)
            raise
        reason = compute_refusal(self.server, self.cloud.topology)
        if reason:
            error = MigrationPreCheckError(reason=reason).message
            self.event("compute_check_can_live_migrate_destination", host=dest.name, error=error)
            self.event("compute_check_can_live_migrate_source", host=self.source, error=error)
            raise MigrationPreCheckError(reason=reason)

    def schedule_live_migratable(self):
        """LiveMigrationTask._find_destination: a host whose checks fail is skipped and the scheduler asked
        again without it ([DEFAULT] migrate_max_retries -1), until it has no host left (NoValidHost)."""
        attempted = {self.source}
        while True:
            dest = self.cloud.scheduler.select(self.server, self.server.flavor, self.requested_host,
                                               exclude=attempted)
            try:
                self.check_live_migratable(dest)
            except MigrationPreCheckError:
                attempted.add(dest.name)
                continue
            return dest

    def run(self):
        server = self.server
        try:
            yield 0.1
            if not self.prechecked:
                try:
                    self.precheck()
                except _SCHEDULING_ERRORS as exc:
                    self.scheduling_failed(str(exc))
                    return
                except GroupAffinityViolation as exc:
                    self.group_violated(exc.message)
                    return
            self.set_status("queued")
            # the source's live_migration returns once it has queued the job, so its event ends at once
            self.event("compute_live_migration", host=self.source)
            yield 0.1
            self.set_status("preparing")
            self.event("compute_pre_live_migration", host=self.migration.dest_compute)
            yield 0.1
            self.start_running()
            # libvirt's job runs until everything is copied: a stall holds it, a force complete ends it
            while not (self.forced or self.copy.done()):
                yield self.copy.left() * self.running_fraction if self.copy_moving() else 0.05
            self.post_at_destination()
            yield 0.1
            self.complete()
        except MigrationCancelled:
            self.rollback("cancelled", None)
        except MigrationFailure as exc:
            self.rollback("failed" if self.migration.status == "running" else "error", str(exc))
        except _SCHEDULING_ERRORS as exc:
            self.rollback("error", str(exc))
        else:
            server.progress = 0

    def start_running(self):
        flavor = self.server.flavor
        block = self.block_migration in (True, "auto", None)
        self.copy = CopyProgress(flavor.ram * MIB, disk_bytes(flavor) if block else 0, clock.monotonic())
        self.server.progress = self.copy.save(self.migration)
        self.set_status("running")

    def stall(self):
        """The live_migration_stall fault's (mode, at_percent) for this server; a forced one converges."""
        return None if self.forced else self.cloud.faults.live_migration_stall(self.server)

    def copy_moving(self):
        stall = self.stall()
        return stall is None or self.copy.copied < stall[1] / 100.0

    def tick(self, now):
        """The source's migration monitor saves libvirt's job statistics while the record is running."""
        if self.migration.status != "running" or self.copy is None:
            return
        seconds = self.cloud.config.migration_seconds
        self.copy.advance(now, self.running_fraction * seconds, SWING_PERIOD * seconds, self.stall())
        self.server.progress = self.copy.save(self.migration)

    def post_at_destination(self):
        """Dest post_live_migration_at_destination: the server is there, settled, while the record still runs."""
        server, migration = self.server, self.migration
        self.copy.finish()
        self.copy.save(migration)
        self.state.set_server_host(server, migration.dest_compute)
        server.task_state = None
        self.event("compute_post_live_migration_at_destination", host=migration.dest_compute)
        self.touch()

    def complete(self):
        """Back on the source, _post_live_migration marks the record completed, then frees the source."""
        self.set_status("completed")
        self.state.allocations.release(self.migration.uuid)

    def scheduling_failed(self, message):
        """The conductor's checks or the scheduler said no (asynchronously, from 2.34)."""
        server = self.server
        server.task_state = None
        server.progress = 0
        # the record keeps the destination the request forced (the conductor created it with it)
        self.set_status("error")
        self.record_fault(message)
        self.event("conductor_live_migrate_instance", host=self.conductor_host(), error=message)
        self.touch()

    def group_violated(self, message):
        """An error the conductor does not expect (GroupAffinityViolation): it puts the server in ERROR."""
        server = self.server
        server.vm_state, server.task_state, server.progress = vm.ERROR, None, 0
        self.set_status("error")
        self.record_fault(message)
        self.touch()

    def rollback(self, status, message):
        server, migration = self.server, self.migration
        if self.prechecked and migration.dest_compute:
            self.state.allocations.release(server.uuid, migration.dest_compute)
            self.state.allocations.move(migration.uuid, server.uuid, self.source)
        server.task_state = None
        server.progress = 0
        self.set_status(status)
        if message:
            self.record_fault(message)
            self.event("compute_live_migration", error=message)
        self.touch()


class Evacuation(Workflow):
    """conductor rebuild_instance(recreate=True) + dest rebuild: ``accepted`` -> ``pre-migrating`` -> ``done``."""

    def __init__(self, cloud, server, migration, *, requested_host=None, force=False, stop_at_dest=False,
                 action=None):
        super().__init__(cloud, server, action)
        self.migration = migration
        self.requested_host = requested_host
        self.force = force
        self.stop_at_dest = stop_at_dest
        self.source = server.host
        self.old_vm_state = server.vm_state

    def run(self):
        server, migration = self.server, self.migration
        try:
            yield 0.3
            # conductor schedules; dest rebuild_claim
            self.check_no_valid_host_fault()
            if self.requested_host and self.force:
                dest = self.state.hosts[self.requested_host]
            else:
                dest = self.cloud.scheduler.select(server, server.flavor, self.requested_host, exclude={self.source})
            # The instance consumer holds both hosts until the source compute restarts.
            self.state.allocations.claim(server.uuid, dest.name, Resources.for_flavor(server.flavor))
            self.set_destination(dest)
            self.set_status("pre-migrating")
            self.event("rebuild_server", host=self.conductor_host())
            yield 0.1
            try:
                # the destination's late check of the server group (a forced host skipped the scheduler's)
                self.cloud.scheduler.check_group_policy(server, dest.name)
            except GroupAffinityViolation as exc:
                # the compute fails the record, then its error handler puts the server in ERROR
                self.state.allocations.release(server.uuid, dest.name)
                self.set_status("failed")
                yield 0.05
                self.group_violated(exc.message, dest)
                return
            self.event("compute_rebuild_instance", host=dest.name)
            yield 0.6
            # dest finish_evacuation
            self.state.set_server_host(server, dest.name)
            stopped = self.stop_at_dest or self.old_vm_state == vm.STOPPED
            server.vm_state = vm.STOPPED if stopped else vm.ACTIVE
            server.power_state = vm.SHUTDOWN if stopped else vm.RUNNING
            server.task_state = None
            if self.old_vm_state == vm.ERROR:
                server.fault = None
            self.set_status("done")
            self.touch()
            if self.cloud.is_service_up(self.state.hosts[self.source].service):
                self.cloud.complete_evacuations(self.source)
        except (MigrationFailure, *_SCHEDULING_ERRORS) as exc:
            if migration.dest_compute and migration.status != "accepted":
                self.state.allocations.release(server.uuid, migration.dest_compute)
            server.task_state = None
            server.vm_state = self.old_vm_state
            self.set_status("error")
            self.record_fault(str(exc))
            self.event("rebuild_server", host=self.conductor_host(), error=str(exc))
            self.touch()

    def group_violated(self, message, dest):
        """The rebuild failed on the destination (its claim dropped, the record failed): the server is in ERROR."""
        server = self.server
        server.vm_state, server.task_state = vm.ERROR, None
        self.record_fault(message)
        self.event("compute_rebuild_instance", host=dest.name, error=message)
        self.touch()


class PowerAction(Workflow):
    """stop / start / pause / unpause: a task_state for a moment, then the new vm/power state."""

    _RESULTS = {
        vm.POWERING_OFF: (vm.STOPPED, vm.SHUTDOWN, "compute_stop_instance"),
        vm.POWERING_ON: (vm.ACTIVE, vm.RUNNING, "compute_start_instance"),
        vm.PAUSING: (vm.PAUSED, vm.POWER_PAUSED, "compute_pause_instance"),
        vm.UNPAUSING: (vm.ACTIVE, vm.RUNNING, "compute_unpause_instance"),
    }

    def __init__(self, cloud, server, task_state, action=None):
        super().__init__(cloud, server, action)
        self.task_state = task_state

    def run(self):
        server = self.server
        server.task_state = self.task_state
        self.touch()
        yield 0.05
        vm_state, power_state, event = self._RESULTS[self.task_state]
        server.vm_state, server.power_state, server.task_state = vm_state, power_state, None
        self.event(event, host=server.host)
        self.touch()


class BuildServer(Workflow):
    """Scheduling and spawning of a server created through ``POST /servers``."""

    def __init__(self, cloud, server, forced_host=None, action=None):
        super().__init__(cloud, server, action)
        self.forced_host = forced_host

    def run(self):
        server = self.server
        yield 0.1
        try:
            host = (self.state.hosts[self.forced_host] if self.forced_host
                    else self.cloud.scheduler.select(server, server.flavor))
        except NoValidHost as exc:
            server.vm_state, server.task_state, server.power_state = vm.ERROR, None, vm.NOSTATE
            self.record_fault(str(exc))
            self.event("conductor_schedule_and_build_instances", error=str(exc))
            self.touch()
            return
        self.state.allocations.claim(server.uuid, host.name, Resources.for_flavor(server.flavor))
        self.state.set_server_host(server, host.name)
        server.task_state = vm.SPAWNING
        self.touch()
        yield 0.1
        server.vm_state, server.task_state, server.power_state = vm.ACTIVE, None, vm.RUNNING
        server.launched_at = clock.utcnow()
        self.event("compute__do_build_and_run_instance", host=host.name)
        self.touch()
