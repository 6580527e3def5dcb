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
from mock_compute.models.compute_api import Actor, ComputeAPI
from mock_compute.models.counters import RequestCounters
from mock_compute.models.engine import Engine
from mock_compute.models.exceptions import Conflict, InvalidFault, NotFound
from mock_compute.models.faults import SERVICE_DOWN, FaultRegistry
from mock_compute.models.host_reboots import SERVERS_CHOICES, STOP, HostReboots, new_reboot
from mock_compute.models.hosts import COMPUTE_BINARY
from mock_compute.models.identity import IdentityStore
from mock_compute.models.instance_actions import STOP as STOP_ACTION
from mock_compute.models.migrations import EVACUATION
from mock_compute.models.queries import Queries
from mock_compute.models.scheduler import Scheduler
from mock_compute.models.servers import ACTIVE, PAUSED, POWERING_OFF
from mock_compute.models.state import build_identity, build_state
from mock_compute.models.workflows import PowerAction


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
        self.reboots = HostReboots()
        self._load()

    def _load(self):
        self.identity.load(*build_identity(self._topology))
        self.state = build_state(self._topology, self.identity, clock.utcnow())
        self.scheduler = Scheduler(self.state, self.is_service_up)
        self.engine.clear()
        self.reboots.clear()

    # locking and time -----------------------------------------------------------
    @contextlib.contextmanager
    def locked(self):
        with self._lock:
            self._advance(clock.monotonic())
            yield self

    def tick(self):
        with self._lock:
            self._advance(clock.monotonic())

    def _advance(self, now):
        for reboot in self.reboots.due(now):
            self._host_booted(reboot)
        self.engine.advance(now)

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
        """servicegroup ``service_is_up``: heartbeat present (or younger than service_down_time during a reboot)
        and not forced down."""
        if service.forced_down or service.heartbeat_down:
            return False
        reboot = self.reboots.active.get(service.host) if service.binary == COMPUTE_BINARY else None
        if reboot is not None and reboot.reported_down_at(clock.monotonic()):
            return False
        return service.host not in self.faults.down_hosts()

    def last_heartbeat(self, service):
        """What the service's ``updated_at`` shows: now while it heartbeats, else its last heartbeat."""
        reboot = self.reboots.active.get(service.host) if service.binary == COMPUTE_BINARY else None
        if reboot is not None:
            return reboot.last_heartbeat
        if self.is_service_up(service):
            return clock.utcnow()
        return service.last_seen_at or service.updated_at

    # host reboots (control API) ------------------------------------------------------
    def reboot_host(self, host_name, down_seconds, servers=STOP, service_down_time=0.0):
        """Stop the host's nova-compute heartbeats for ``down_seconds``; see ``models/host_reboots.py``."""
        if servers not in SERVERS_CHOICES:
            raise ValueError("servers must be one of %s" % ", ".join(SERVERS_CHOICES))
        with self.locked():
            host = self.state.hosts.get(host_name)
            if host is None:
                raise NotFound("host %s not found" % host_name)
            if host_name in self.reboots.active:
                raise Conflict("host %s is already rebooting" % host_name)
            busy = self.engine.busy_on_host(host_name)
            if busy:
                raise Conflict("host %s has operations in progress (%s): the mock does not model a reboot under "
                               "them" % (host_name, ", ".join(busy)))
            service = host.service
            up = self.is_service_up(service)
            if up:
                service.last_seen_at = clock.utcnow()
            reboot = new_reboot(host_name, up, service.last_seen_at, down_seconds, service_down_time, servers)
            self.reboots.start(reboot)
            if down_seconds <= 0:
                self._advance(clock.monotonic())
            return reboot.to_dict()

    def _host_booted(self, reboot):
        """nova-compute is back: heartbeats, ``init_host`` (evacuations), and the power sync of its guests."""
        host = self.state.hosts.get(reboot.host)
        if host is None:
            return
        host.service.heartbeat_down = False
        self.complete_evacuations(reboot.host)
        if reboot.servers != STOP:
            return
        actor = Actor(user_id=None, project_id=None, is_admin=True)
        for server in list(self.state.servers_by_host.get(reboot.host, {}).values()):
            if server.vm_state in (ACTIVE, PAUSED) and server.task_state is None:
                action = self.state.new_action(server, STOP_ACTION, dataclasses.replace(
                    actor, request_id="req-power-sync-%s" % server.uuid), clock.utcnow())
                self.engine.start(PowerAction(self, server, POWERING_OFF, action=action), clock.monotonic())

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
                reboot = self.reboots.active.get(host.name)
                item["reboot"] = reboot.to_dict() if reboot else None
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
