"""A small filter scheduler.

Filters mirror the ones that decide where a moved server may land in Nova:
ComputeFilter (service enabled and up), AvailabilityZoneFilter (the server's
pinned AZ), Placement capacity (allocation candidates) and "not the source".
The weigher spreads by free RAM, like Nova's default RAMWeigher.
"""

from mock_compute.models.allocations import Resources
from mock_compute.models.exceptions import NoValidHost

NOT_ENOUGH_HOSTS = "There are not enough hosts available."


class Scheduler:
    def __init__(self, state, is_service_up):
        self._state = state
        self._is_service_up = is_service_up

    def rejection(self, host, server, resources, exclude=()):
        """Why ``host`` cannot take ``resources`` for ``server`` (None if it can)."""
        if host.name in exclude:
            return "host %s is the current host" % host.name
        service = host.service
        if service.disabled:
            return "compute service on %s is disabled" % host.name
        if not self._is_service_up(service):
            return "compute service on %s is down" % host.name
        pinned = server.pinned_availability_zone
        if pinned and host.zone != pinned:
            return "host %s is not in availability zone %s" % (host.name, pinned)
        if not resources.fits_within(self._state.free_capacity(host)):
            return "host %s does not have enough free capacity" % host.name
        return None

    def select(self, server, flavor, requested_host=None, exclude=()):
        """Return the ComputeHost to use or raise ``NoValidHost``."""
        resources = Resources.for_flavor(flavor)
        if requested_host is not None:
            host = self._state.hosts.get(requested_host)
            if host is None or self.rejection(host, server, resources, exclude) is not None:
                raise NoValidHost(reason=NOT_ENOUGH_HOSTS)
            return host
        best, best_free = None, None
        for host in self._state.hosts.values():
            if self.rejection(host, server, resources, exclude) is not None:
                continue
            free = self._state.free_capacity(host).memory_mb
            if best is None or free > best_free:
                best, best_free = host, free
        if best is None:
            raise NoValidHost(reason=NOT_ENOUGH_HOSTS)
        return best
