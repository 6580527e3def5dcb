"""A small filter scheduler.

Filters mirror the ones that decide where a moved server may land in Nova:
ComputeFilter (service enabled and up), AvailabilityZoneFilter (the server's
pinned AZ), Placement capacity (allocation candidates), "not the source", and
ServerGroupAntiAffinityFilter / ServerGroupAffinityFilter for a server in a
hard server group. The weigher spreads by free RAM, like Nova's default
RAMWeigher, plus the ServerGroupSoft(Anti)AffinityWeigher of a soft group.

Nova asks Placement first: a disabled compute (its provider carries
COMPUTE_STATUS_DISABLED), a host outside the pinned zone and a full one are no
allocation candidate at all, and no candidate is ``NoValidHost`` with an empty
reason. Hosts Placement offers but the filters drop (a down service, the
source, a host the server group rules out) leave "There are not enough hosts
available.".
"""

from mock_compute.models.allocations import Resources
from mock_compute.models.exceptions import GroupAffinityViolation, NoValidHost
from mock_compute.models.server_groups import AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY

NOT_ENOUGH_HOSTS = "There are not enough hosts available."
NO_CANDIDATES = ""


def _normalized(values):
    """Nova's weights.normalize: onto 0..1 between the lowest and the highest, all 0 when they are equal."""
    low, high = min(values), max(values)
    if low == high:
        return [0.0] * len(values)
    return [(value - low) / (high - low) for value in values]


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
        why = self._group_rejection(host, server)
        if why:
            return False, why
        return None

    def _group_rejection(self, host, server):
        """The server group filters. For a move the group's hosts include the moving server's own host."""
        group = self._state.group_of_server.get(server.uuid)
        if group is None:
            return None
        if group.policy == ANTI_AFFINITY and server.host != host.name:
            if len(self._state.group_members_on(group, host.name)) >= group.max_server_per_host:
                return "host %s already runs %d member(s) of anti-affinity group %s" % (
                    host.name, group.max_server_per_host, group.name)
        elif group.policy == AFFINITY:
            hosts = self._state.group_hosts(group)
            if hosts and host.name not in hosts:
                return "host %s is not where affinity group %s runs" % (host.name, group.name)
        return None

    def _group_weights(self, server, hosts):
        """ServerGroupSoftAffinityWeigher / ServerGroupSoftAntiAffinityWeigher: members already on each host."""
        group = self._state.group_of_server.get(server.uuid)
        if group is None or group.policy not in (SOFT_AFFINITY, SOFT_ANTI_AFFINITY):
            return [0] * len(hosts)
        sign = 1 if group.policy == SOFT_AFFINITY else -1
        return [sign * len(self._state.group_members_on(group, host.name)) for host in hosts]

    def check_group_policy(self, server, host_name):
        """The destination compute's late check of a hard group (_validate_instance_group_policy), which a forced
        move meets although it skipped the scheduler: members on the host or on their way to it count."""
        group = self._state.group_of_server.get(server.uuid)
        if group is None:
            return
        if group.policy == ANTI_AFFINITY:
            arriving = {m.instance_uuid for m in self._state.migrations.values()
                        if m.dest_compute == host_name and m.in_progress()}
            members = set(self._state.group_members_on(group, host_name, exclude=server.uuid))
            members |= {member for member in arriving if member in group.members and member != server.uuid}
            if len(members) >= group.max_server_per_host:
                raise GroupAffinityViolation(policy="Anti-affinity")
        elif group.policy == AFFINITY:
            hosts = self._state.group_hosts(group, exclude=server.uuid)
            if hosts and host_name not in hosts:
                raise GroupAffinityViolation(policy="Affinity")

    def select(self, server, flavor, requested_host=None, exclude=()):
        """Return the ComputeHost to use or raise ``NoValidHost``."""
        resources = Resources.for_flavor(flavor)
        if requested_host is not None:
            host = self._state.hosts.get(requested_host)
            found = (True, "unknown host") if host is None else self.rejection(host, server, resources, exclude)
            if found is not None:
                raise NoValidHost(reason=NO_CANDIDATES if found[0] else NOT_ENOUGH_HOSTS)
            return host
        passing, candidates = [], False
        for host in self._state.hosts.values():
            found = self.rejection(host, server, resources, exclude)
            candidates = candidates or found is None or not found[0]
            if found is None:
                passing.append(host)
        if not passing:
            raise NoValidHost(reason=NOT_ENOUGH_HOSTS if candidates else NO_CANDIDATES)
        ram = _normalized([self._state.free_capacity(host).memory_mb for host in passing])
        group = _normalized(self._group_weights(server, passing))
        # weights add up (multipliers 1.0); the first host wins a tie, as the RAM-only weigher did
        scores = [(r + g, g) for r, g in zip(ram, group, strict=True)]
        best = max(range(len(passing)), key=lambda index: (scores[index], -index))
        return passing[best]
