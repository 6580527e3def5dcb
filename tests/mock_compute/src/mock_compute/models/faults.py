"""Injected faults (the control API's ``/mock/faults``).

A fault is plain data plus a little matching logic; the workflows and the
HTTP pipeline ask the registry whether a fault applies at a given point.
Count-limited faults are consumed when they fire and disappear at zero.
"""

import dataclasses
import random

from mock_compute.models import clock
from mock_compute.models.exceptions import InvalidFault
from mock_compute.models.migrations import FAULT_PHASES

MIGRATION_ERROR = "migration_error"
NO_VALID_HOST = "no_valid_host"
HTTP_ERROR = "http_error"
MIGRATION_STUCK = "migration_stuck"
SERVICE_DOWN = "service_down"
LIVE_MIGRATION_STALL = "live_migration_stall"
STALL_MODES = ("freeze", "oscillate")

# kind -> {field: (python types, required)}
_FIELDS = {
    MIGRATION_ERROR: {"server": (str, False), "phase": (str, False), "message": (str, False), "count": (int, False)},
    NO_VALID_HOST: {"server": (str, False), "message": (str, False), "count": (int, False)},
    HTTP_ERROR: {"status": (int, True), "count": (int, False), "fraction": ((int, float), False), "seed": (int, False),
                 "method": (str, False), "route": (str, False), "message": (str, False)},
    MIGRATION_STUCK: {"server": (str, False), "phase": (str, False)},
    SERVICE_DOWN: {"host": (str, True)},
    LIVE_MIGRATION_STALL: {"server": (str, False), "mode": (str, False), "at_percent": (int, False)},
}
KINDS = tuple(_FIELDS)
_TYPE_NAMES = {str: "a string", int: "an integer", (int, float): "a number"}


@dataclasses.dataclass
class Fault:
    id: str
    kind: str
    created_at: object
    server: str = None
    phase: str = None
    message: str = None
    count: int = None          # remaining firings; None = unlimited
    status: int = None
    fraction: float = None
    seed: int = None
    method: str = None
    route: str = None
    host: str = None
    mode: str = None
    at_percent: int = None
    fired: int = 0
    rng: random.Random = dataclasses.field(default=None, repr=False)

    def to_dict(self):
        data = {"id": self.id, "kind": self.kind, "fired": self.fired,
                "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f")}
        for name in _FIELDS[self.kind]:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.kind in (MIGRATION_ERROR, NO_VALID_HOST, HTTP_ERROR):
            data["count"] = self.count
        return data

    def matches_server(self, server):
        return self.server is None or self.server in (server.uuid, server.name)


def _validate(spec):
    if not isinstance(spec, dict):
        raise InvalidFault("fault must be a JSON object")
    kind = spec.get("kind")
    # A list or an object is unhashable: test the type before looking it up.
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise InvalidFault("'kind' must be one of: %s" % ", ".join(KINDS))
    fields = _FIELDS[kind]
    unknown = sorted(set(spec) - set(fields) - {"kind"})
    if unknown:
        raise InvalidFault("unknown field(s) for %s: %s" % (kind, ", ".join(unknown)))
    for name, (types, required) in fields.items():
        value = spec.get(name)
        if value is None:
            if required:
                raise InvalidFault("%s requires '%s'" % (kind, name))
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            raise InvalidFault("'%s' must be %s" % (name, _TYPE_NAMES[types]))
    if spec.get("count") is not None and spec["count"] < 1:
        raise InvalidFault("'count' must be >= 1")
    if spec.get("phase") is not None and spec["phase"] not in FAULT_PHASES:
        raise InvalidFault("'phase' must be one of: %s" % ", ".join(FAULT_PHASES))
    if spec.get("mode") is not None and spec["mode"] not in STALL_MODES:
        raise InvalidFault("'mode' must be one of: %s" % ", ".join(STALL_MODES))
    if spec.get("at_percent") is not None and not 0 <= spec["at_percent"] <= 95:
        raise InvalidFault("'at_percent' must be between 0 and 95")
    if kind == HTTP_ERROR:
        if not 400 <= spec["status"] <= 599:
            raise InvalidFault("'status' must be between 400 and 599")
        if spec.get("fraction") is not None:
            if spec.get("count") is not None:
                raise InvalidFault("give either 'count' or 'fraction', not both")
            if not 0 < spec["fraction"] <= 1:
                raise InvalidFault("'fraction' must be in (0, 1]")
    return kind


class FaultRegistry:
    def __init__(self):
        self._faults = {}
        self._next = 1

    def add(self, spec):
        kind = _validate(spec)
        fault = Fault(id="fault-%d" % self._next, kind=kind, created_at=clock.utcnow(),
                      **{k: v for k, v in spec.items() if k != "kind"})
        self._next += 1
        if kind in (MIGRATION_ERROR, NO_VALID_HOST) and fault.count is None:
            fault.count = 1
        if kind == LIVE_MIGRATION_STALL:
            fault.mode = fault.mode or "freeze"
            fault.at_percent = fault.at_percent or 0
        if kind == HTTP_ERROR:
            if fault.fraction is None and fault.count is None:
                fault.count = 1
            if fault.fraction is not None:
                fault.fraction = float(fault.fraction)
                fault.rng = random.Random(fault.seed)
            if fault.method:
                fault.method = fault.method.upper()
        self._faults[fault.id] = fault
        return fault

    def list(self):
        return list(self._faults.values())

    def get(self, fault_id):
        return self._faults.get(fault_id)

    def remove(self, fault_id):
        return self._faults.pop(fault_id, None)

    def clear(self):
        self._faults.clear()

    def _fire(self, fault):
        fault.fired += 1
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self._faults.pop(fault.id, None)
        return fault

    # workflow hooks ------------------------------------------------------------
    def take_migration_error(self, server, phase):
        for fault in list(self._faults.values()):
            if (fault.kind == MIGRATION_ERROR and fault.matches_server(server)
                    and fault.phase in (None, phase)):
                return self._fire(fault)
        return None

    def take_no_valid_host(self, server):
        for fault in list(self._faults.values()):
            if fault.kind == NO_VALID_HOST and fault.matches_server(server):
                return self._fire(fault)
        return None

    def is_stuck(self, server, phase):
        return any(f.kind == MIGRATION_STUCK and f.matches_server(server) and f.phase in (None, phase)
                   for f in self._faults.values())

    def live_migration_stall(self, server):
        """(mode, at_percent) of the stall fault holding this server's running live migration, or None."""
        for fault in self._faults.values():
            if fault.kind == LIVE_MIGRATION_STALL and fault.matches_server(server):
                return fault.mode, fault.at_percent
        return None

    def down_hosts(self):
        return {f.host for f in self._faults.values() if f.kind == SERVICE_DOWN}

    # HTTP pipeline hook -------------------------------------------------------
    def take_http_error(self, method, path, route):
        for fault in list(self._faults.values()):
            if fault.kind != HTTP_ERROR:
                continue
            if fault.method and fault.method != method:
                continue
            if fault.route and not (fault.route == route or path.startswith(fault.route)
                                    or (route or "").startswith(fault.route)):
                continue
            if fault.fraction is not None and fault.rng.random() >= fault.fraction:
                continue
            return self._fire(fault)
        return None
