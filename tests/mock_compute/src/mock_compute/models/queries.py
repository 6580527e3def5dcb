"""Read-only queries over the cloud state (listing, filtering, paging).

Host- and project-scoped queries start from the secondary indexes, so their
cost depends on the size of the answer rather than on the size of the cloud.
Callers must hold the cloud lock.
"""

from mock_compute.models.exceptions import InvalidInput, InvalidNameFilter, MarkerNotFound
from mock_compute.models.hosts import INTERNAL_ZONE
from mock_compute.models.linear_regex import LinearRegex, PatternError
from mock_compute.models.migrations import IN_PROGRESS_BY_TYPE, LIVE_MIGRATION


def _newest_first(servers):
    return sorted(servers, key=lambda s: (s.created_at, s.internal_id), reverse=True)


def _name_matcher(pattern):
    """Nova filters names with a database REGEXP (an unanchored regex search), which never
    stalls the API; Python's backtracking ``re`` could, so the search runs in linear time."""
    try:
        regex = LinearRegex(pattern)
    except PatternError as exc:
        raise InvalidNameFilter(value=pattern, reason=exc) from exc

    def matches(name):
        try:
            return regex.search(name)
        except PatternError as exc:
            raise InvalidNameFilter(value=pattern, reason=exc) from exc
    return matches


class ServerFilters:
    """Filters accepted by ``list_servers``; ``None`` means "not filtered"."""

    def __init__(self, *, project_id=None, host=None, node=None, name=None, vm_states=None, task_states=None,
                 user_id=None, availability_zone=None, locked=None, flavor=None, image=None, uuids=None,
                 changes_since=None, changes_before=None):
        self.project_id = project_id
        self.host = host
        self.node = node
        self.name = _name_matcher(name) if name is not None else None
        self.vm_states = vm_states
        self.task_states = task_states
        self.user_id = user_id
        self.availability_zone = availability_zone
        self.locked = locked
        self.flavor = flavor
        self.image = image
        self.uuids = uuids
        self.changes_since = changes_since
        self.changes_before = changes_before

    def matches(self, server):  # pylint: disable=too-many-return-statements
        if self.project_id is not None and server.project_id != self.project_id:
            return False
        if self.host is not None and server.host != self.host:
            return False
        if self.node is not None and server.node != self.node:
            return False
        if self.name is not None and not self.name(server.name):
            return False
        if self.vm_states is not None and server.vm_state not in self.vm_states:
            return False
        if self.task_states is not None and server.task_state not in self.task_states:
            return False
        if self.user_id is not None and server.user_id != self.user_id:
            return False
        if self.availability_zone is not None and server.availability_zone != self.availability_zone:
            return False
        if self.locked is not None and server.locked != self.locked:
            return False
        if self.flavor is not None and server.flavor.flavorid != self.flavor:
            return False
        if self.image is not None and server.image_ref != self.image:
            return False
        if self.uuids is not None and server.uuid not in self.uuids:
            return False
        if self.changes_since is not None and server.updated_at < self.changes_since:
            return False
        return self.changes_before is None or server.updated_at <= self.changes_before


class Queries:
    def __init__(self, cloud):
        self.cloud = cloud

    @property
    def state(self):
        return self.cloud.state

    # servers ---------------------------------------------------------------
    def _server_candidates(self, filters):
        state = self.state
        if filters.host is not None:
            return _newest_first(state.servers_by_host.get(filters.host, {}).values())
        if filters.project_id is not None:
            return _newest_first(state.servers_by_project.get(filters.project_id, {}).values())
        return reversed(state.servers.values())   # insertion order is creation order

    def list_servers(self, filters, limit=None, marker=None):
        """Servers newest first (Nova's default ``created_at desc``), after ``marker``, at most ``limit``."""
        if limit == 0:
            return []
        after = None
        if marker is not None:
            marked = self.state.servers.get(marker)
            if marked is None:
                raise MarkerNotFound(marker=marker)
            after = (marked.created_at, marked.internal_id)
        result = []
        for server in self._server_candidates(filters):
            if after is not None and (server.created_at, server.internal_id) >= after:
                continue
            if filters.matches(server):
                result.append(server)
                if limit is not None and len(result) >= limit:
                    break
        return result

    # migrations ---------------------------------------------------------------
    def list_migrations(self, *, host=None, source_compute=None, statuses=None, instance_uuid=None,
                        migration_type=None, hidden=None, changes_since=None, changes_before=None,
                        user_id=None, project_id=None, limit=None, marker=None, sort=False):
        """``GET /os-migrations`` filtering; newest first when ``sort`` (created_at desc, id desc)."""
        if limit == 0:
            return []
        # The per-instance index avoids a full scan when filtering on one server.
        source = (self.state.migrations_by_instance.get(instance_uuid, ()) if instance_uuid is not None
                  else self.state.migrations.values())
        candidates = list(source)
        if sort or limit is not None or marker is not None:
            candidates.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        if marker is not None:
            marked = self.state.migrations_by_uuid.get(marker)
            if marked is None:
                raise MarkerNotFound(marker=marker)
            after = (marked.created_at, marked.id)
            candidates = [m for m in candidates if (m.created_at, m.id) < after]
        result = []
        for migration in candidates:
            if migration.hidden:
                continue
            if hidden is not None and migration.hidden != hidden:
                continue
            if statuses is not None and migration.status not in statuses:
                continue
            if host is not None:
                if host not in (migration.source_compute, migration.dest_compute):
                    continue
            elif source_compute is not None and migration.source_compute != source_compute:
                continue
            if migration_type is not None and migration.migration_type != migration_type:
                continue
            if user_id is not None and migration.user_id != user_id:
                continue
            if project_id is not None and migration.project_id != project_id:
                continue
            if changes_since is not None and migration.updated_at < changes_since:
                continue
            if changes_before is not None and migration.updated_at > changes_before:
                continue
            result.append(migration)
            if limit is not None and len(result) >= limit:
                break
        return result

    def server_migrations_in_progress(self, server, types=None):
        """In-progress migrations of a server: live ones only unless ``types`` widens it (all-migration-types)."""
        types = types or (LIVE_MIGRATION,)
        return [m for m in self.state.migrations_by_instance.get(server.uuid, ())
                if m.migration_type in types and m.status in IN_PROGRESS_BY_TYPE[m.migration_type]]

    # hosts -------------------------------------------------------------------------
    def list_services(self, host=None, binary=None):
        return [s for s in self.state.services.values()
                if (not host or s.host == host) and (not binary or s.binary == binary)]

    def list_hypervisors(self, *, limit=None, marker=None, pattern=None, uuid_ids=True):
        hosts = list(self.state.hosts.values())
        if pattern is not None:
            return [h for h in hosts if pattern in h.node]
        if marker is not None:
            if uuid_ids:
                marked = self.state.hosts_by_node_uuid.get(marker)
            else:
                try:
                    marked = self.state.hosts_by_node_id.get(int(marker))
                except ValueError:
                    marked = None
            if marked is None:
                raise InvalidInput("marker [%s] not found" % marker)
            hosts = [h for h in hosts if h.node_id > marked.node_id]
        if limit is not None:
            hosts = hosts[:limit]
        return hosts

    def hypervisor(self, hypervisor_id, uuid_ids):
        if uuid_ids:
            return self.state.hosts_by_node_uuid.get(hypervisor_id)
        try:
            return self.state.hosts_by_node_id.get(int(hypervisor_id))
        except ValueError:
            return None

    def availability_zones(self):
        """{zone: [hosts]} for compute zones plus the ``internal`` zone of the controllers."""
        zones = {zone: [] for zone in self.state.zones}
        for host in self.state.hosts.values():
            zones.setdefault(host.zone, []).append(host.name)
        internal = sorted({s.host for s in self.state.services.values() if s.zone == INTERNAL_ZONE})
        return zones, internal
