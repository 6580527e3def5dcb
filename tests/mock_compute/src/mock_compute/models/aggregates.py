"""Host aggregates and the availability zones they give their hosts (Nova's AggregateAPI, no HTTP).

In Nova a compute host's availability zone is the ``availability_zone`` metadata of the aggregates it belongs to,
or ``[DEFAULT] default_availability_zone`` (``nova``) when none of them has one. The mock keeps each host's zone in
``ComputeHost.zone`` (and its service's and servers' copies) and recomputes it whenever an aggregate changes, so
everything that reads zones (os-availability-zone, the scheduler, ``OS-EXT-AZ:availability_zone``) follows.

A topology's hosts outside the default zone are put in an aggregate named after their zone, as an operator (and
nova-in-a-box) would have to create it; ``aggregates:`` in the topology declares more.

The checks follow ``nova.compute.api.AggregateAPI`` in Nova's order: a host cannot be in two zones, a zone cannot
be emptied with ``null``, and no change may move a host that has servers to another zone.
"""

import dataclasses
import uuid as uuidlib

from mock_compute.models import clock
from mock_compute.models.exceptions import (
    AggregateComputeHostNotFound,
    AggregateHostExists,
    AggregateHostNotFound,
    AggregateNameExists,
    AggregateNotFound,
    InvalidAggregateAction,
)

DEFAULT_ZONE = "nova"       # Nova's [DEFAULT] default_availability_zone
AZ_KEY = "availability_zone"

# the verbs of Nova's InvalidAggregateAction{Add,Delete,Update,UpdateMeta} messages
ADD = "Cannot add host to aggregate %s"
REMOVE = "Cannot remove host from aggregate %s"
UPDATE = "Cannot update aggregate %s"
UPDATE_META = "Cannot update metadata of aggregate %s"


@dataclasses.dataclass
class Aggregate:
    id: int
    uuid: str
    name: str
    created_at: object
    updated_at: object = None
    hosts: list = dataclasses.field(default_factory=list)
    metadata: dict = dataclasses.field(default_factory=dict)

    @property
    def availability_zone(self):
        return self.metadata.get(AZ_KEY)


def _invalid(verb, aggregate_id, reason):
    return InvalidAggregateAction("%s. Reason: %s." % (verb % aggregate_id, reason))


class Aggregates:
    """The aggregates of one cloud; callers hold the cloud lock."""

    def __init__(self, state):
        self.state = state
        self.by_id = {}          # id -> Aggregate, in id order
        self.next_id = 1

    # lookups ------------------------------------------------------------------------------------------------
    def list(self):
        return list(self.by_id.values())

    def get(self, aggregate_id):
        """By the id as the URL gave it (already checked to be an integer); 404 in its own spelling."""
        aggregate = self.by_id.get(int(aggregate_id))
        if aggregate is None:
            raise AggregateNotFound(aggregate_id=aggregate_id)
        return aggregate

    def of_host(self, host_name):
        return [a for a in self.by_id.values() if host_name in a.hosts]

    def zone_of(self, host_name, exclude=None):
        """The zone the host's aggregates give it (None: no aggregate with a zone), leaving ``exclude`` out."""
        zones = [a.availability_zone for a in self.of_host(host_name) if a is not exclude and a.availability_zone]
        return zones[0] if zones else None

    def _compute_host(self, host_name):
        """``_get_service_in_cell_by_host``: only a nova-compute's host counts."""
        host = self.state.hosts.get(host_name)
        if host is None:
            raise AggregateComputeHostNotFound(host=host_name)
        return host

    def _servers_on(self, host_names):
        return sum(len(self.state.servers_by_host.get(name, {})) for name in host_names)

    # changes ------------------------------------------------------------------------------------------------
    def create(self, name, availability_zone=None, *, uuid=None, now=None):
        if any(a.name == name for a in self.by_id.values()):
            raise AggregateNameExists(aggregate_name=name)
        now = now or clock.utcnow()
        aggregate = Aggregate(id=self.next_id, uuid=uuid or str(uuidlib.uuid4()), name=name, created_at=now,
                              metadata={AZ_KEY: availability_zone} if availability_zone else {})
        self.next_id += 1
        self.by_id[aggregate.id] = aggregate
        return aggregate

    def update(self, aggregate_id, name=None, availability_zone=None, set_zone=False):
        """PUT: the name is saved before the zone is checked, as in Nova (a refused zone keeps the new name).

        Returns ``(aggregate, shown_updated_at)``: Nova answers with the time of a zone change that its
        database row does not keep (only a rename touches the row).
        """
        aggregate = self.get(aggregate_id)
        shown = None
        if name is not None:
            if any(a.name == name and a is not aggregate for a in self.by_id.values()):
                raise AggregateNameExists(aggregate_name=name)
            if name != aggregate.name:
                aggregate.name = name
                aggregate.updated_at = clock.utcnow()
        if set_zone:
            self._check_zone_change(aggregate, {AZ_KEY: availability_zone}, UPDATE)
            aggregate.metadata[AZ_KEY] = availability_zone
            shown = clock.utcnow()
            self._refresh_hosts(aggregate.hosts)
        return aggregate, shown

    def set_metadata(self, aggregate_id, metadata):
        """``set_metadata``: merged into the metadata, a null value removes its key; returns ``(aggregate, shown)``."""
        aggregate = self.get(aggregate_id)
        self._check_zone_change(aggregate, metadata, UPDATE_META)
        for key, value in metadata.items():
            if value is None:
                aggregate.metadata.pop(key, None)
            else:
                aggregate.metadata[key] = value
        if AZ_KEY in metadata:
            self._refresh_hosts(aggregate.hosts)
        return aggregate, clock.utcnow()

    def delete(self, aggregate_id):
        aggregate = self.get(aggregate_id)
        if aggregate.hosts:
            raise _invalid(REMOVE, aggregate_id, "Host aggregate is not empty")
        del self.by_id[aggregate.id]

    def add_host(self, aggregate_id, host_name):
        self._compute_host(host_name)
        aggregate = self.get(aggregate_id)
        self._check_zone_change(aggregate, aggregate.metadata, ADD, hosts=[host_name], check_instances=False)
        new_zone = aggregate.availability_zone
        servers = self._servers_on([host_name])
        if servers and new_zone:
            old_zone = self.zone_of(host_name)
            if old_zone != new_zone:
                raise _moves_servers(ADD % aggregate.id, "added to", old_zone, new_zone, servers)
        if host_name in aggregate.hosts:
            raise AggregateHostExists(aggregate_id=aggregate.id, host=host_name)
        aggregate.hosts.append(host_name)
        self._refresh_hosts([host_name])
        return aggregate

    def remove_host(self, aggregate_id, host_name):
        self._compute_host(host_name)
        aggregate = self.get(aggregate_id)
        servers = self._servers_on([host_name])
        current = aggregate.availability_zone
        if servers and current:
            # Nova asks before it looks for the host in the aggregate
            new_zone = self.zone_of(host_name, exclude=aggregate)
            if new_zone != current:
                raise _moves_servers(REMOVE % aggregate.id, "removed from", current, new_zone, servers)
        if host_name not in aggregate.hosts:
            raise AggregateHostNotFound(aggregate_id=aggregate.id, host=host_name)
        aggregate.hosts.remove(host_name)
        self._refresh_hosts([host_name])
        return aggregate

    # zones --------------------------------------------------------------------------------------------------
    def _check_zone_change(self, aggregate, metadata, verb, hosts=None, check_instances=True):
        """``is_safe_to_update_az``."""
        if AZ_KEY not in metadata:
            return
        zone = metadata[AZ_KEY]
        if not zone:
            raise _invalid(verb, aggregate.id, "Aggregate %s does not support empty named availability zone"
                           % aggregate.name)
        hosts = hosts or aggregate.hosts
        conflicting = [other.availability_zone for other in self.by_id.values()
                       if other is not aggregate and other.availability_zone is not None
                       and other.availability_zone != zone and any(h in other.hosts for h in hosts)]
        if conflicting:
            raise _invalid(verb, aggregate.id, "One or more hosts already in availability zone(s) %s"
                           % _py_list(conflicting))
        if check_instances and aggregate.availability_zone != zone and self._servers_on(hosts):
            raise _invalid(verb, aggregate.id, "One or more hosts contain instances in this zone")

    def _refresh_hosts(self, host_names):
        """Give each host (its service and its servers) the zone its aggregates now say."""
        for name in host_names:
            host = self.state.hosts.get(name)
            if host is None:
                continue
            zone = self.zone_of(name) or DEFAULT_ZONE
            host.zone = zone
            host.service.zone = zone
            if zone not in self.state.zones:     # a zone exists once a host is in it (a boot may ask for it)
                self.state.zones.append(zone)
            for server in self.state.servers_by_host.get(name, {}).values():
                server.availability_zone = zone


def _moves_servers(verb, how, old_zone, new_zone, servers):
    return InvalidAggregateAction(
        "%s. Reason: The host cannot be %s the aggregate as the availability zone of the host would change from "
        "'%s' to '%s' but the host already has %d instance(s). Changing the AZ of an existing instance is not "
        "supported by this action. Move the instances away from this host then try again. If you need to move "
        "the instances between AZs then you can use shelve_offload and unshelve to achieve this.."
        % (verb, how, old_zone, new_zone, servers))


def _py_list(items):
    """How Python prints a list of strings (Nova formats the list itself into the message)."""
    return "[%s]" % ", ".join(repr(item) for item in items)
