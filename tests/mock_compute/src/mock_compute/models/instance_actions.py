"""Instance action records (``os-instance-actions``), where Nova reports why an async operation failed."""

import dataclasses

# Nova's action names (nova.compute.instance_actions)
CREATE = "create"
DELETE = "delete"
STOP = "stop"
START = "start"
PAUSE = "pause"
UNPAUSE = "unpause"
LOCK = "lock"
UNLOCK = "unlock"
MIGRATE = "migrate"
RESIZE = "resize"
CONFIRM_RESIZE = "confirmResize"
REVERT_RESIZE = "revertResize"
LIVE_MIGRATION = "live-migration"
LIVE_MIGRATION_CANCEL = "live_migration_cancel"
LIVE_MIGRATION_FORCE_COMPLETE = "live_migration_force_complete"
EVACUATE = "evacuate"


@dataclasses.dataclass
class ActionEvent:
    event: str
    start_time: object
    finish_time: object = None
    result: str = None
    host: str = None
    traceback: str = None
    details: str = None


@dataclasses.dataclass
class InstanceAction:
    action: str
    instance_uuid: str
    request_id: str
    user_id: str
    project_id: str
    start_time: object
    updated_at: object
    message: str = None
    events: list = dataclasses.field(default_factory=list)

    def start_event(self, name, now, host=None):
        event = ActionEvent(event=name, start_time=now, host=host)
        self.events.append(event)
        self.updated_at = now
        return event

    def finish_event(self, event, now, error=None):
        event.finish_time = now
        event.result = "Error" if error else "Success"
        if error:
            event.traceback = "Traceback (most recent call last):\n  ...\n%s" % error
            event.details = error
            self.message = "Error"
        self.updated_at = now

    def record(self, name, now, host=None, error=None):
        """Start and finish an event in one go."""
        self.finish_event(self.start_event(name, now, host), now, error)
