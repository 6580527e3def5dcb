"""The states a server went through while workflows moved it (``GET /mock/history``).

The engine runs every step that is due whenever a request comes in, so a client polling the API sees only the
states that happen to be current at its requests; on a busy machine short ones are missed. The history records the
state after every step instead: ``(status, task_state, newest migration status)``, the triple a poller samples, so
a test can ask which states the mock went through, not which ones it happened to see.
"""

import collections

from mock_compute.models.servers import status_from_state

MAX_PER_SERVER = 500


class StateHistory:
    def __init__(self):
        self._entries = collections.defaultdict(lambda: collections.deque(maxlen=MAX_PER_SERVER))
        self._sequence = 0

    def clear(self):
        self._entries.clear()

    def record(self, workflow):
        server = workflow.server
        records = workflow.state.migrations_by_instance.get(server.uuid) or []
        triple = (status_from_state(server.vm_state, server.task_state), server.task_state,
                  records[-1].status if records else None)
        entries = self._entries[server.uuid]
        if entries and entries[-1]["state"] == triple:
            return
        self._sequence += 1
        entries.append({"sequence": self._sequence, "state": triple})

    def of(self, server_uuid, after=0):
        """The recorded states of a server with a sequence number above ``after``, oldest first."""
        return [{"sequence": e["sequence"], "status": e["state"][0], "task_state": e["state"][1],
                 "migration_status": e["state"][2]}
                for e in self._entries.get(server_uuid, ()) if e["sequence"] > after]

    @property
    def last_sequence(self):
        return self._sequence
