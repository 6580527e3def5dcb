"""Simulated reboots of compute hosts (control API ``POST /mock/hosts/{host}/reboot``).

While a host reboots its nova-compute sends no heartbeat: the service's ``updated_at`` stays at the last one and,
as Nova's servicegroup driver computes it, the service is reported ``down`` once that heartbeat is older than
``service_down_time`` (Nova's default is 60 s; the mock's default 0 reports it at once, as a ``service_down``
fault does). After ``down_seconds`` nova-compute is back: it heartbeats again (``up``), finishes the evacuations
from the host (``init_host``) and finds its guests powered off by the reboot:

* ``servers: stop`` (default, Nova's ``resume_guests_state_on_host_boot = False``): ACTIVE and PAUSED servers on the
  host are found shut down and Nova's power-state sync calls the stop API for them: each gets a ``stop`` instance
  action, passes ``powering-off`` and ends SHUTOFF (Nova does it within ``sync_power_state_interval``, the mock at
  once). Until then the API still shows them in their old state, as Nova's database does.
* ``servers: keep`` (``resume_guests_state_on_host_boot = True``): the guests are resumed, nothing changes.

A host that is expected to be empty during maintenance is unaffected either way; ``stop`` is what a default Nova
does to anything left on it. Every transition is kept in a history (``GET /mock/history?host=NAME``) with the time
it happened on the mock's clock, so a test can read when the host came back without timing it itself.
"""

import collections
import dataclasses
import datetime

from mock_compute.models import clock

KEEP, STOP = "keep", "stop"
SERVERS_CHOICES = (KEEP, STOP)
REBOOTING, DOWN, UP = "rebooting", "down", "up"
MAX_HISTORY = 1000


@dataclasses.dataclass
class HostReboot:
    host: str
    began: datetime.datetime             # wall clock: when the reboot began
    last_heartbeat: datetime.datetime    # wall clock: what the service's updated_at shows while it reboots
    started: float                       # monotonic: when the reboot began
    down_seconds: float
    service_down_time: float
    servers: str
    reported_down: bool = False

    def to_dict(self):
        return {"host": self.host, "down_seconds": self.down_seconds, "service_down_time": self.service_down_time,
                "servers": self.servers, "began": _iso(self.began), "last_heartbeat": _iso(self.last_heartbeat),
                "back_at": _iso(self.at(self.down_seconds))}

    def at(self, offset):
        """Wall-clock time ``offset`` seconds after the reboot began."""
        return self.began + datetime.timedelta(seconds=offset)

    def reported_down_at(self, now):
        """Whether the servicegroup driver reports the service down at monotonic time ``now``."""
        return self.reported_down or now - self.started >= self.service_down_time


class HostReboots:
    """The hosts rebooting now and the history of every reboot since the last reset."""

    def __init__(self):
        self.active = {}                  # host -> HostReboot
        self._history = collections.deque(maxlen=MAX_HISTORY)
        self._sequence = 0

    def clear(self):
        self.active.clear()
        self._history.clear()

    def start(self, reboot):
        self.active[reboot.host] = reboot
        self._record(reboot, REBOOTING, 0.0)
        if (reboot.service_down_time <= 0 or reboot.reported_down) and reboot.down_seconds > 0:
            reboot.reported_down = True
            self._record(reboot, DOWN, 0.0)

    def due(self, now):
        """Reboots whose service is reported down by now (recorded) and those that are over by now (returned)."""
        finished = []
        for reboot in list(self.active.values()):
            if (not reboot.reported_down and reboot.service_down_time < reboot.down_seconds
                    and reboot.reported_down_at(now)):
                reboot.reported_down = True
                self._record(reboot, DOWN, reboot.service_down_time)
            if now - reboot.started >= reboot.down_seconds:
                del self.active[reboot.host]
                self._record(reboot, UP, reboot.down_seconds)
                finished.append(reboot)
        return finished

    def _record(self, reboot, event, offset):
        self._sequence += 1
        self._history.append({"sequence": self._sequence, "host": reboot.host, "event": event,
                              "at": _iso(reboot.at(offset)), "servers": reboot.servers})

    def history(self, host, after=0):
        return [dict(e) for e in self._history if e["host"] == host and e["sequence"] > after]

    @property
    def last_sequence(self):
        return self._sequence


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def new_reboot(host, service_up, last_seen_at, down_seconds, service_down_time, servers):
    """The reboot of ``host`` from now; a service already down stays down and keeps its last heartbeat."""
    now = clock.utcnow()
    return HostReboot(host=host, began=now, last_heartbeat=now if service_up or last_seen_at is None else last_seen_at,
                      started=clock.monotonic(), down_seconds=down_seconds, service_down_time=service_down_time,
                      servers=servers, reported_down=not service_up)
