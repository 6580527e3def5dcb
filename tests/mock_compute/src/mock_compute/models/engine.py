"""Drives asynchronous workflows in real time.

A workflow is an object whose ``run()`` generator performs one step per
resumption and yields how long to wait before the next one: a float is a
fraction of ``migration_seconds`` (so retuning the config retunes every
workflow), a ``Seconds`` is absolute.  Before resuming a workflow that owns a
migration, the engine consults the fault registry: a ``migration_stuck``
fault holds it, a ``migration_error`` fault is thrown into the generator as
``MigrationFailure`` so the workflow's own rollback code runs.
"""

import logging

from mock_compute.models.state_history import StateHistory

LOG = logging.getLogger(__name__)


class Seconds(float):
    """An absolute delay (as opposed to a fraction of migration_seconds)."""


class MigrationFailure(Exception):
    """Thrown into a workflow to make it fail and roll back."""


class MigrationCancelled(Exception):
    """Thrown into a live-migration workflow when it is aborted."""


class Engine:
    def __init__(self, faults, config_getter):
        self._faults = faults
        self._config = config_getter
        self._workflows = []
        self.history = StateHistory()

    def __len__(self):
        return len(self._workflows)

    def clear(self):
        self._workflows = []
        self.history.clear()

    def _delay(self, value):
        if isinstance(value, Seconds):
            return float(value)
        return float(value or 0) * self._config().migration_seconds

    def start(self, workflow, now):
        """Run the workflow's first step synchronously and schedule the rest."""
        workflow.gen = workflow.run()
        workflow.next_at = now
        if self._step(workflow, now):
            self._workflows.append(workflow)

    def _step(self, workflow, now, throw=None, base=None):
        """Resume once; return True while the workflow is still running.

        The next step is scheduled from ``base`` (when this one was due) so that
        infrequent ticks do not stretch a workflow; after a hold it is ``now``.
        """
        try:
            delay = workflow.gen.throw(throw) if throw is not None else workflow.gen.send(None)
        except StopIteration:
            self.history.record(workflow)
            return False
        except Exception:  # a bug in a workflow must not take the API down
            LOG.exception("workflow %r crashed", workflow)
            return False
        self.history.record(workflow)
        workflow.next_at = (now if base is None else base) + self._delay(delay)
        return True

    def workflows_for(self, server_uuid):
        return [w for w in self._workflows if w.server.uuid == server_uuid]

    def busy_on_host(self, host):
        """The running workflows that involve ``host`` (their server is there or their migration goes from or to it)."""
        busy = []
        for workflow in self._workflows:
            migration = workflow.migration
            hosts = {workflow.server.host, getattr(workflow, "requested_host", None)}
            if migration is not None:
                hosts |= {migration.source_compute, migration.dest_compute}
            if host in hosts:
                busy.append("%s of %s" % (type(workflow).__name__, workflow.server.uuid))
        return busy

    def workflow_for_migration(self, migration):
        return next((w for w in self._workflows if getattr(w, "migration", None) is migration), None)

    def interrupt(self, workflow, exc, now):
        """Throw ``exc`` into a running workflow (abort); drop it if it finishes."""
        if workflow not in self._workflows:
            return
        if not self._step(workflow, now, throw=exc):
            self._workflows.remove(workflow)

    def discard_server(self, server_uuid):
        """Forget workflows of a deleted server without running their rollback."""
        self._workflows = [w for w in self._workflows if w.server.uuid != server_uuid]

    def advance(self, now):
        """Run every step that is due by ``now``, in due order."""
        progressed = True
        while progressed and self._workflows:
            progressed = False
            for workflow in sorted(self._workflows, key=lambda w: w.next_at):
                workflow.tick(now)
                if workflow.next_at > now or workflow not in self._workflows:
                    continue
                migration = getattr(workflow, "migration", None)
                throw = None
                # faults act on a record the conductor has created (a cold migration's comes a moment late)
                if migration is not None and migration.id is not None and not workflow.forced:
                    if self._faults.is_stuck(workflow.server, migration.status):
                        workflow.held = True
                        continue
                    fault = self._faults.take_migration_error(workflow.server, migration.status)
                    if fault is not None:
                        throw = MigrationFailure(fault.message or "Injected failure during %s" % migration.status)
                base = now if workflow.held else workflow.next_at
                workflow.held = False
                if self._step(workflow, now, throw=throw, base=base):
                    progressed = progressed or workflow.next_at <= now
                else:
                    self._workflows.remove(workflow)
                    progressed = True
