"""The mock cloud: one object owning all state, behind one lock.

Every reader and writer enters through ``locked()``, which first advances
the workflow engine to "now"; a background ticker calls ``tick()`` so state
machines also progress while nobody is asking.
"""

import contextlib
import dataclasses
import threading

from mock_compute.config import MockConfig
from mock_compute.models import clock
from mock_compute.models.compute_api import ComputeAPI
from mock_compute.models.counters import RequestCounters
from mock_compute.models.engine import Engine
from mock_compute.models.exceptions import InvalidFault
from mock_compute.models.faults import SERVICE_DOWN, FaultRegistry
from mock_compute.models.identity import IdentityStore
from mock_compute.models.migrations import EVACUATION
from mock_compute.models.queries import Queries
from mock_compute.models.scheduler import Scheduler
from mock_compute.models.state import build_identity, build_state


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value is not None else None


def _plain(obj):
    """dataclass -> JSON-friendly dict (datetimes as ISO strings, nested flavors by id)."""
    data = {}
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if hasattr(value, "strftime"):
            value = _iso(value)
        elif dataclasses.is_dataclass(value):
            value = value.flavorid if hasattr(value, "flavorid") else _plain(value)
        data[field.name] = value
    return data


class Cloud:
    def __init__(self, topology, config=None):
        self._lock = threading.RLock()
        self._topology = topology
        self._initial_config = config or MockConfig()
        self.config = dataclasses.replace(self._initial_config)
        self.identity = IdentityStore()
        self.faults = FaultRegistry()
        self.counters = RequestCounters()
        self.engine = Engine(self.faults, lambda: self.config)
        self.compute = ComputeAPI(self)
        self.queries = Queries(self)
        self.state = None
        self.scheduler = None
        self._load()

    def _load(self):
        self.identity.load(*build_identity(self._topology))
        self.state = build_state(self._topology, self.identity, clock.utcnow())
        self.scheduler = Scheduler(self.state, self.is_service_up)
        self.engine.clear()

    # locking and time -----------------------------------------------------------
    @contextlib.contextmanager
    def locked(self):
        with self._lock:
            self.engine.advance(clock.monotonic())
            yield self

    def tick(self):
        with self._lock:
            self.engine.advance(clock.monotonic())

    @property
    def topology(self):
        return self._topology

    # control --------------------------------------------------------------------
    def reset(self):
        """Back to the loaded topology and the startup config; faults and counters cleared, tokens kept."""
        with self._lock:
            self.faults.clear()
            self.counters.reset()
            self.config = dataclasses.replace(self._initial_config)
            self._load()

    def update_config(self, changes):
        with self._lock:
            self.config = self.config.updated(changes)
            return self.config

    def is_service_up(self, service):
        """servicegroup ``service_is_up``: heartbeat present and not forced down."""
        if service.forced_down or service.heartbeat_down:
            return False
        return service.host not in self.faults.down_hosts()

    def add_fault(self, spec):
        with self.locked():
            if isinstance(spec, dict) and spec.get("kind") == SERVICE_DOWN:
                host = self.state.hosts.get(spec.get("host")) if isinstance(spec.get("host"), str) else None
                if host is None:
                    raise InvalidFault("service_down needs the name of an existing compute host")
                if self.is_service_up(host.service):
                    host.service.last_seen_at = clock.utcnow()
            return self.faults.add(spec)

    def remove_fault(self, fault_id):
        with self.locked():
            before = self._liveness()
            removed = self.faults.remove(fault_id)
            self._restart_recovered(before)
            return removed

    def clear_faults(self):
        with self.locked():
            before = self._liveness()
            self.faults.clear()
            self._restart_recovered(before)

    def _liveness(self):
        return {name: self.is_service_up(host.service) for name, host in self.state.hosts.items()
                if name in self.faults.down_hosts()}

    def _restart_recovered(self, before):
        """A host whose heartbeat returns has restarted nova-compute: finish its evacuations."""
        for name, was_up in before.items():
            if not was_up and self.is_service_up(self.state.hosts[name].service):
                self.complete_evacuations(name)

    def complete_evacuations(self, host):
        """nova-compute ``_destroy_evacuated_instances`` at start-up: ``done`` -> ``completed``."""
        now = clock.utcnow()
        for migration in self.state.migrations.values():
            if migration.migration_type == EVACUATION and migration.status == "done" and migration.source_compute == host:
                self.state.allocations.release(migration.instance_uuid, host)
                migration.status = "completed"
                migration.updated_at = now

    def restart_compute(self, host_name):
        """Control API: simulate a nova-compute restart on ``host_name``; False if unknown."""
        with self.locked():
            host = self.state.hosts.get(host_name)
            if host is None:
                return False
            # init_host cleans up evacuated guests whatever the service's forced_down flag says.
            self.complete_evacuations(host_name)
            return True

    # introspection ----------------------------------------------------------------
    def snapshot(self):
        """The whole state as plain JSON data (``GET /mock/state``)."""
        with self.locked():
            state = self.state
            hosts = []
            for host in state.hosts.values():
                item = _plain(host)
                item["service"] = _plain(host.service)
                item["service"]["up"] = self.is_service_up(host.service)
                item["usage"] = dataclasses.asdict(state.allocations.usage(host.name))
                item["servers"] = list(state.servers_by_host.get(host.name, {}))
                hosts.append(item)
            servers = []
            for server in state.servers.values():
                item = _plain(server)
                item["status"] = server.status
                item["old_flavor"] = server.old_flavor.flavorid if server.old_flavor else None
                servers.append(item)
            return {
                "config": self.config.to_dict(),
                "topology": self._topology["name"],
                "zones": list(state.zones),
                "flavors": [_plain(f) for f in state.flavors.values()],
                "hosts": hosts,
                "services": [_plain(s) for s in state.services.values() if s.zone == "internal"],
                "servers": servers,
                "migrations": [_plain(m) for m in state.migrations.values()],
                "server_groups": [_plain(g) for g in state.server_groups.values()],
                "aggregates": [_plain(a) for a in state.aggregates.list()],
                "allocations": state.allocations.snapshot(),
                "faults": [f.to_dict() for f in self.faults.list()],
                "identity": self.identity.snapshot(),
                "active_workflows": len(self.engine),
            }
