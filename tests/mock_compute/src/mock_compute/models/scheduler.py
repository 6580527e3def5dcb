"""A small filter scheduler.

Filters mirror the ones that decide where a moved server may land in Nova:
ComputeFilter (service enabled and up), AvailabilityZoneFilter (the server's
pinned AZ), Placement capacity (allocation candidates) and "not the source".
The weigher spreads by free RAM, like Nova's default RAMWeigher.

Nova asks Placement first: a disabled compute (its provider carries
COMPUTE_STATUS_DISABLED), a host outside the pinned zone and a full one are no
allocation candidate at all, and no candidate is ``NoValidHost`` with an empty
reason. Hosts Placement offers but the filters drop (a down service, the
source) leave "There are not enough hosts available.".
"""

from mock_compute.models.allocations import Resources
from mock_compute.models.exceptions import NoValidHost

NOT_ENOUGH_HOSTS = "There are not enough hosts available."
NO_CANDIDATES = ""


class Scheduler:
    def __init__(self, state, is_service_up):
        self._state = state
        self._is_service_up = is_service_up

    def rejection(self, host, server, resources, exclude=()):
        """(placement-level?, why) or None: Placement's own exclusions first, then the filters'."""
        service = host.service
        if service.disabled:
            return True, "compute service on %s is disabled" % host.name
        pinned = server.pinned_availability_zone
        if pinned and host.zone != pinned:
            return True, "host %s is not in availability zone %s" % (host.name, pinned)
        if not resources.fits_within(self._state.free_capacity(host)):
            return True, "host %s does not have enough free capacity" % host.name
        if host.name in exclude:
            return False, "host %s is the current host" % host.name
        if not self._is_service_up(service):
            return False, "compute service on %s is down" % host.name
        return None

    def select(self, server, flavor, requested_host=None, exclude=()):
        """Return the ComputeHost to use or raise ``NoValidHost``."""
        resources = Resources.for_flavor(flavor)
        if requested_host is not None:
            host = self._state.hosts.get(requested_host)
            found = (True, "unknown host") if host is None else self.rejection(host, server, resources, exclude)
            if found is not None:
                raise NoValidHost(reason=NO_CANDIDATES if found[0] else NOT_ENOUGH_HOSTS)
            return host
        best, best_free, candidates = None, None, False
        for host in self._state.hosts.values():
            found = self.rejection(host, server, resources, exclude)
            candidates = candidates or found is None or not found[0]
            if found is not None:
                continue
            free = self._state.free_capacity(host).memory_mb
            if best is None or free > best_free:
                best, best_free = host, free
        if best is None:
            raise NoValidHost(reason=NOT_ENOUGH_HOSTS if candidates else NO_CANDIDATES)
        return best
