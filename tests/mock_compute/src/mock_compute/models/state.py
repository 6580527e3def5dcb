"""The cloud's mutable state and its secondary indexes.

Everything a request may need to find quickly is indexed (servers by host and
by project, migrations by id, uuid and instance) so that a 1,000-host,
20,000-server topology answers host-filtered queries without full scans.
All mutation goes through the helpers here so the indexes cannot drift.
"""

import datetime
import uuid

from mock_compute.models.aggregates import Aggregates
from mock_compute.models.allocations import AllocationLedger, Resources
from mock_compute.models.flavors import Flavor
from mock_compute.models.hosts import COMPUTE_BINARY, CONTROLLER_BINARIES, INTERNAL_ZONE, ComputeHost, Service
from mock_compute.models.identity import ApplicationCredential, Project, User, stable_hex_id
from mock_compute.models.instance_actions import CREATE, InstanceAction
from mock_compute.models.migrations import Migration
from mock_compute.models.server_groups import ServerGroup
from mock_compute.models.servers import ERROR, SHELVED_OFFLOADED, STATUS_TO_STATE, InstanceFault, Server

_NAMESPACE = uuid.UUID("0f6c3b0e-8d8e-4c47-8f7e-4a6f0c5d9b21")


def stable_uuid(kind, name):
    return str(uuid.uuid5(_NAMESPACE, "%s:%s" % (kind, name)))


def _mac(number):
    return "fa:16:3e:%02x:%02x:%02x" % ((number >> 16) & 255, (number >> 8) & 255, number & 255)


def fixed_address(number):
    """A private IPv4 address for the server with internal id ``number``."""
    return {"private": [{"addr": "10.0.%d.%d" % ((number >> 8) & 255, number & 255 or 1), "version": 4,
                         "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": _mac(number)}]}


class CloudState:
    def __init__(self):
        self.zones = []
        self.flavors = {}                # flavorid -> Flavor
        self.hosts = {}                  # name -> ComputeHost
        self.hosts_by_node_uuid = {}
        self.hosts_by_node_id = {}
        self.services = {}               # uuid -> Service, in id order
        self.services_by_id = {}
        self.servers = {}                # uuid -> Server, in creation order
        self.servers_by_host = {}        # host -> {uuid: Server}
        self.servers_by_project = {}     # project id -> {uuid: Server}
        self.migrations = {}             # id -> Migration, in creation order
        self.migrations_by_uuid = {}
        self.migrations_by_instance = {}
        self.instance_actions = {}       # server uuid -> [InstanceAction]
        self.server_groups = {}          # uuid -> ServerGroup, in creation order
        self.group_of_server = {}        # server uuid -> its ServerGroup (a server joins at most one, at boot)
        self.allocations = AllocationLedger()
        self.aggregates = Aggregates(self)
        self.next_server_id = 1
        self.next_migration_id = 1

    # flavors ---------------------------------------------------------------
    def find_flavor(self, ref):
        """Look a flavor up by id, then by name."""
        ref = str(ref)
        flavor = self.flavors.get(ref)
        if flavor is None:
            flavor = next((f for f in self.flavors.values() if f.name == ref), None)
        return flavor

    # servers ---------------------------------------------------------------
    def add_server(self, server):
        self.servers[server.uuid] = server
        self.servers_by_project.setdefault(server.project_id, {})[server.uuid] = server
        if server.host:
            self.servers_by_host.setdefault(server.host, {})[server.uuid] = server
        self.next_server_id = max(self.next_server_id, server.internal_id + 1)

    def remove_server(self, server):
        self.servers.pop(server.uuid, None)
        group = self.group_of_server.pop(server.uuid, None)
        if group is not None and server.uuid in group.members:
            group.members.remove(server.uuid)
        self.servers_by_project.get(server.project_id, {}).pop(server.uuid, None)
        if server.host:
            self.servers_by_host.get(server.host, {}).pop(server.uuid, None)

    def set_server_host(self, server, host_name):
        """Move a server to another host (or to none), keeping the host index and AZ in step."""
        if server.host:
            self.servers_by_host.get(server.host, {}).pop(server.uuid, None)
        server.host = host_name
        if host_name:
            host = self.hosts[host_name]
            server.node = host.node
            server.availability_zone = host.zone
            self.servers_by_host.setdefault(host_name, {})[server.uuid] = server
        else:
            server.node = None

    # server groups -----------------------------------------------------------
    def add_server_group(self, group):
        self.server_groups[group.uuid] = group

    def delete_server_group(self, group):
        """Nova lets a group with members go: they simply belong to no group any more."""
        self.server_groups.pop(group.uuid, None)
        for member in group.members:
            if self.group_of_server.get(member) is group:
                del self.group_of_server[member]

    def add_group_member(self, group, server):
        group.members.append(server.uuid)
        self.group_of_server[server.uuid] = group

    def group_members_on(self, group, host_name, exclude=None):
        """Members of ``group`` whose host is ``host_name`` (the scheduler's view of the host's instances)."""
        on_host = self.servers_by_host.get(host_name, {})
        return [member for member in group.members if member in on_host and member != exclude]

    def group_hosts(self, group, exclude=None):
        """Hosts of the group's members (InstanceGroup.get_hosts), optionally leaving one server out."""
        hosts = set()
        for member in group.members:
            server = self.servers.get(member)
            if server is not None and server.host and member != exclude:
                hosts.add(server.host)
        return hosts

    # migrations --------------------------------------------------------------
    def new_migration(self, server, migration_type, status, *, now, user_id, project_id, new_flavor=None,
                      register=True):
        """A migration record; ``register=False`` leaves it out of every listing until ``register_migration``."""
        migration = Migration(
            id=None, uuid=str(uuid.uuid4()), instance_uuid=server.uuid,
            migration_type=migration_type, status=status, source_compute=server.host, source_node=server.node,
            old_instance_type_id=server.flavor.internal_id,
            new_instance_type_id=(new_flavor or server.flavor).internal_id,
            user_id=user_id, project_id=project_id, created_at=now, updated_at=now,
        )
        if register:
            self.register_migration(migration, now)
        return migration

    def register_migration(self, migration, now):
        """The record is created in the database now: it gets its id and shows in the listings."""
        migration.id = self.next_migration_id
        migration.created_at = migration.updated_at = now
        self.next_migration_id += 1
        self.migrations[migration.id] = migration
        self.migrations_by_uuid[migration.uuid] = migration
        self.migrations_by_instance.setdefault(migration.instance_uuid, []).append(migration)

    # instance actions ----------------------------------------------------------
    def new_action(self, server, action, actor, now):
        record = InstanceAction(action=action, instance_uuid=server.uuid, request_id=actor.request_id,
                                user_id=actor.user_id, project_id=actor.project_id, start_time=now, updated_at=now)
        self.instance_actions.setdefault(server.uuid, []).append(record)
        return record

    # resources -------------------------------------------------------------------
    def free_capacity(self, host):
        return host.capacity() - self.allocations.usage(host.name)


def build_identity(topology):
    projects = [Project(id=p.get("id") or stable_hex_id("project", p["name"]), name=p["name"])
                for p in topology["projects"]]
    by_name = {p.name: p for p in projects}
    users = [User(id=u.get("id") or stable_hex_id("user", u["name"]), name=u["name"], password=u["password"],
                  project_id=by_name[u["project"]].id, roles=tuple(u["roles"])) for u in topology["users"]]
    users_by_name = {u.name: u for u in users}
    creds = []
    for item in topology["application_credentials"]:
        user = users_by_name[item["user"]]
        creds.append(ApplicationCredential(id=item["id"], name=item["name"], secret=item["secret"], user_id=user.id,
                                           project_id=user.project_id, roles=tuple(item.get("roles") or user.roles)))
    return projects, users, creds


def build_state(topology, identity, now):
    """Materialise a normalized topology into a fresh ``CloudState``."""
    state = CloudState()
    state.zones = list(topology["zones"])
    for index, spec in enumerate(topology["flavors"], start=1):
        state.flavors[spec["id"]] = Flavor(
            flavorid=spec["id"], internal_id=index, name=spec["name"], vcpus=spec["vcpus"], ram=spec["ram"],
            disk=spec["disk"], ephemeral=spec.get("ephemeral", 0), swap=spec.get("swap", 0),
            is_public=spec.get("is_public", True), description=spec.get("description"),
            extra_specs=dict(spec.get("extra_specs") or {}))

    service_id = 1
    for controller in topology["controllers"]:
        for binary in CONTROLLER_BINARIES:
            service = Service(id=service_id, uuid=stable_uuid("service", "%s/%s" % (controller, binary)),
                              binary=binary, host=controller, zone=INTERNAL_ZONE, updated_at=now)
            state.services[service.uuid] = service
            state.services_by_id[service.id] = service
            service_id += 1
    for node_id, spec in enumerate(topology["hosts"], start=1):
        service = Service(id=service_id, uuid=stable_uuid("service", "%s/%s" % (spec["name"], COMPUTE_BINARY)),
                          binary=COMPUTE_BINARY, host=spec["name"], zone=spec["zone"],
                          disabled=spec["status"] == "disabled", disabled_reason=spec.get("disabled_reason"),
                          forced_down=bool(spec.get("forced_down")), heartbeat_down=spec["state"] == "down",
                          last_seen_at=now - datetime.timedelta(minutes=5) if spec["state"] == "down" else None,
                          updated_at=now)
        service_id += 1
        host = ComputeHost(
            name=spec["name"], zone=spec["zone"], node=spec["node"], node_id=node_id,
            node_uuid=stable_uuid("node", spec["name"]),
            host_ip=spec.get("host_ip") or "192.168.%d.%d" % ((node_id >> 8) & 255, node_id & 255),
            vcpus=int(spec["vcpus"]), memory_mb=int(spec["memory_mb"]), disk_gb=int(spec["disk_gb"]),
            cpu_allocation_ratio=float(spec["cpu_allocation_ratio"]),
            ram_allocation_ratio=float(spec["ram_allocation_ratio"]),
            disk_allocation_ratio=float(spec["disk_allocation_ratio"]),
            reserved_vcpus=int(spec["reserved_vcpus"]), reserved_memory_mb=int(spec["reserved_memory_mb"]),
            reserved_disk_gb=int(spec["reserved_disk_gb"]),
            hypervisor_type=spec.get("hypervisor_type", "QEMU"),
            hypervisor_version=int(spec.get("hypervisor_version", 8002002)), service=service)
        state.services[service.uuid] = service
        state.services_by_id[service.id] = service
        state.hosts[host.name] = host
        state.hosts_by_node_uuid[host.node_uuid] = host
        state.hosts_by_node_id[host.node_id] = host

    projects = {p.name: p for p in identity.projects.values()}
    users = {u.name: u for u in identity.users.values()}
    first_user_of = {}
    for user in identity.users.values():
        first_user_of.setdefault(user.project_id, user)
    created_base = now - datetime.timedelta(days=1)
    seen_names = {}
    for number, spec in enumerate(topology["servers"], start=1):
        project = projects[spec["project"]]
        user = users.get(spec.get("user")) or first_user_of.get(project.id)
        occurrence = seen_names.get(spec["name"], 0)
        seen_names[spec["name"]] = occurrence + 1
        server_uuid = spec.get("id") or stable_uuid("server", spec["name"] if not occurrence
                                                    else "%s#%d" % (spec["name"], occurrence))
        vm_state, power_state = STATUS_TO_STATE[spec["status"]]
        flavor = state.find_flavor(spec["flavor"])
        created = created_base + datetime.timedelta(seconds=number)
        host = state.hosts.get(spec.get("host")) if spec.get("host") else None
        server = Server(
            uuid=server_uuid, internal_id=number, name=spec["name"], project_id=project.id,
            user_id=user.id if user else "", flavor=flavor, image_ref=spec.get("image") or "",
            host=None, node=None, availability_zone=host.zone if host else spec.get("availability_zone"),
            pinned_availability_zone=spec.get("availability_zone"), vm_state=vm_state, power_state=power_state,
            created_at=created, updated_at=created, launched_at=created + datetime.timedelta(seconds=5),
            locked_by=spec.get("locked"), locked_reason=spec.get("locked_reason"), key_name=spec.get("key_name"),
            description=spec.get("description"), metadata=dict(spec.get("metadata") or {}),
            addresses=fixed_address(number))
        if vm_state == ERROR:
            server.fault = InstanceFault(code=500, message=spec.get("fault") or "Unexpected error while running command.",
                                         details="Traceback (most recent call last):\n  ...", created_at=created)
        state.add_server(server)
        if host is not None:
            state.set_server_host(server, host.name)
            if vm_state != SHELVED_OFFLOADED:
                state.allocations.claim(server.uuid, host.name, Resources.for_flavor(flavor))
        action = InstanceAction(action=CREATE, instance_uuid=server.uuid, request_id="req-%s" % server.uuid,
                                user_id=server.user_id, project_id=server.project_id, start_time=created,
                                updated_at=created)
        action.record("compute__do_build_and_run_instance", created, host=server.host)
        state.instance_actions[server.uuid] = [action]
    _build_server_groups(state, topology, projects, users, first_user_of, created_base)
    for number, spec in enumerate(topology.get("aggregates") or (), start=1):
        aggregate = state.aggregates.create(spec["name"], spec.get("zone"), now=created_base - datetime.timedelta(
            minutes=number), uuid=spec.get("uuid") or stable_uuid("aggregate", spec["name"]))
        aggregate.hosts.extend(spec["hosts"])
        aggregate.metadata.update(spec.get("metadata") or {})
    return state


def _build_server_groups(state, topology, projects, users, first_user_of, created_base):
    """The topology's groups, their members in the order of the servers list."""
    groups = {}
    for number, spec in enumerate(topology.get("server_groups") or (), start=1):
        project = projects[spec["project"]]
        user = users.get(spec.get("user")) or first_user_of.get(project.id)
        group = ServerGroup(uuid=spec.get("id") or stable_uuid("server_group", spec["name"]), name=spec["name"],
                            policy=spec["policy"], rules=dict(spec.get("rules") or {}), project_id=project.id,
                            user_id=user.id if user else "", created_at=created_base + datetime.timedelta(seconds=-number))
        state.add_server_group(group)
        groups[group.name] = group
    for server, spec in zip(state.servers.values(), topology["servers"], strict=True):
        if spec.get("group"):
            state.add_group_member(groups[spec["group"]], server)
            server.scheduler_hints = {"group": [groups[spec["group"]].uuid]}
