"""Topology documents: what the mock cloud looks like after load/reset.

A topology is a plain mapping (usually YAML, see ``topologies/demo.yaml`` and
README.md for the format).  ``normalize`` checks it and fills defaults, so the
rest of the models can trust every field; ``generate`` builds a synthetic one
for scale testing.
"""

import copy
import importlib.resources

import yaml

from mock_compute.models.aggregates import DEFAULT_ZONE
from mock_compute.models.exceptions import InvalidTopology
from mock_compute.models.flavors import DEFAULT_FLAVORS
from mock_compute.models.server_groups import ANTI_AFFINITY, MAX_SERVER_PER_HOST, POLICIES
from mock_compute.models.servers import STATUS_TO_STATE

DEFAULT_PROJECTS = ({"name": "admin"}, {"name": "demo"})
DEFAULT_USERS = (
    {"name": "admin", "password": "secret", "project": "admin", "roles": ["admin", "member", "reader"]},
    {"name": "member", "password": "secret", "project": "demo", "roles": ["member", "reader"]},
    {"name": "manager", "password": "secret", "project": "demo", "roles": ["manager", "member", "reader"]},
)
DEFAULT_APP_CREDENTIALS = (
    {"id": "mock-admin-appcred", "name": "mock-admin-appcred", "secret": "appcred-secret", "user": "admin"},
)
HOST_DEFAULTS = {
    "vcpus": 32, "memory_mb": 131072, "disk_gb": 2000,
    "cpu_allocation_ratio": 4.0, "ram_allocation_ratio": 1.0, "disk_allocation_ratio": 1.0,
    "reserved_vcpus": 0, "reserved_memory_mb": 512, "reserved_disk_gb": 0,
}
_HOST_KEYS = set(HOST_DEFAULTS) | {"name", "zone", "node", "host_ip", "status", "disabled_reason", "state",
                                   "forced_down", "hypervisor_type", "hypervisor_version"}
_SERVER_KEYS = {"name", "id", "host", "flavor", "status", "project", "user", "availability_zone", "locked",
                "locked_reason", "image", "fault", "metadata", "key_name", "description", "group"}
_TOP_KEYS = {"name", "description", "zones", "controllers", "host_defaults", "projects", "users",
             "application_credentials", "flavors", "hosts", "servers", "server_groups",
             "pci_aliases", "vgpu_live_migration", "aggregates"}
DEFAULT_IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"


def _fail(message):
    raise InvalidTopology(message)


def _check_keys(item, allowed, where):
    if not isinstance(item, dict):
        _fail("%s must be a mapping" % where)
    unknown = sorted(set(item) - allowed)
    if unknown:
        _fail("%s: unknown key(s) %s" % (where, ", ".join(unknown)))


def _number(value, where, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        _fail("%s must be a number >= %s" % (where, minimum))
    return value


def _normalize_identity(doc):
    projects = []
    for raw in doc.get("projects") or DEFAULT_PROJECTS:
        item = {"name": raw} if isinstance(raw, str) else dict(raw)
        _check_keys(item, {"name", "id"}, "project")
        if not isinstance(item.get("name"), str):
            _fail("project needs a name")
        projects.append(item)
    project_names = {p["name"] for p in projects}
    users = []
    for raw in doc.get("users") or DEFAULT_USERS:
        item = dict(raw)
        _check_keys(item, {"name", "id", "password", "project", "roles"}, "user")
        if not isinstance(item.get("name"), str) or item.get("project") not in project_names:
            _fail("user %r needs a name and an existing project" % item.get("name"))
        item.setdefault("password", "secret")
        item["roles"] = list(item.get("roles") or ["member", "reader"])
        users.append(item)
    user_names = {u["name"] for u in users}
    creds = []
    creds_spec = doc.get("application_credentials")
    if creds_spec is None:
        creds_spec = DEFAULT_APP_CREDENTIALS if "admin" in user_names else ()
    for raw in creds_spec:
        item = dict(raw)
        _check_keys(item, {"id", "name", "secret", "user", "roles"}, "application credential")
        if item.get("user") not in user_names or not isinstance(item.get("secret"), str):
            _fail("application credential %r needs an existing user and a secret" % item.get("name"))
        item.setdefault("name", item.get("id"))
        item.setdefault("id", item["name"])
        creds.append(item)
    return projects, users, creds


def _normalize_flavors(doc):
    flavors = []
    for raw in doc.get("flavors") or DEFAULT_FLAVORS:
        item = dict(raw)
        _check_keys(item, {"id", "name", "vcpus", "ram", "disk", "ephemeral", "swap", "extra_specs", "is_public",
                           "description"}, "flavor")
        if not isinstance(item.get("name"), str):
            _fail("flavor needs a name")
        item["id"] = str(item.get("id", item["name"]))
        for key in ("vcpus", "ram", "disk", "ephemeral", "swap"):
            item[key] = int(_number(item.get(key, 0), "flavor %s %s" % (item["name"], key)))
        specs = item.get("extra_specs") or {}
        if not isinstance(specs, dict):
            _fail("flavor %s: extra_specs must be a mapping" % item["name"])
        # Nova stores every extra spec as a string
        item["extra_specs"] = {str(key): str(value) for key, value in specs.items()}
        flavors.append(item)
    return flavors


def _normalize_pci_aliases(doc):
    """nova.conf ``[pci] alias`` as far as live migration cares: which aliases are ``live_migratable``."""
    aliases = []
    for raw in doc.get("pci_aliases") or ():
        _check_keys(raw, {"name", "live_migratable"}, "pci alias")
        if not isinstance(raw.get("name"), str) or not isinstance(raw.get("live_migratable", False), bool):
            _fail("pci alias needs a name and a boolean live_migratable")
        aliases.append({"name": raw["name"], "live_migratable": raw.get("live_migratable", False)})
    return aliases


def _normalize_hosts(doc):
    defaults = dict(HOST_DEFAULTS)
    defaults.update(doc.get("host_defaults") or {})
    hosts, seen = [], set()
    for item in doc.get("hosts") or ():
        _check_keys(item, _HOST_KEYS, "host")
        host = dict(defaults)
        host.update(item)
        name = host.get("name")
        if not isinstance(name, str) or not name or name in seen:
            _fail("hosts need unique names (got %r)" % name)
        seen.add(name)
        host.setdefault("zone", "nova")
        host.setdefault("node", name)
        host.setdefault("status", "enabled")
        host.setdefault("state", "up")
        host.setdefault("forced_down", False)
        host.setdefault("disabled_reason", None)
        if host["status"] not in ("enabled", "disabled") or host["state"] not in ("up", "down"):
            _fail("host %s: status must be enabled|disabled and state up|down" % name)
        for key in HOST_DEFAULTS:
            _number(host[key], "host %s %s" % (name, key))
        hosts.append(host)
    if not hosts:
        _fail("a topology needs at least one host")
    return hosts


def _normalize_servers(doc, hosts, flavors, projects, users):
    host_names = {h["name"] for h in hosts}
    zones = {h["zone"] for h in hosts}
    flavor_keys = {f["id"] for f in flavors} | {f["name"] for f in flavors}
    project_names = {p["name"] for p in projects}
    user_names = {u["name"] for u in users}
    servers = []
    for item in doc.get("servers") or ():
        _check_keys(item, _SERVER_KEYS, "server")
        server = dict(item)
        name = server.get("name")
        if not isinstance(name, str) or not name:
            _fail("servers need a name")
        server["status"] = str(server.get("status", "ACTIVE")).upper()
        if server["status"] not in STATUS_TO_STATE:
            _fail("server %s: status must be one of %s" % (name, ", ".join(STATUS_TO_STATE)))
        if server["status"] == "SHELVED_OFFLOADED":
            server["host"] = None
        elif server.get("host") not in host_names:
            _fail("server %s: unknown host %r" % (name, server.get("host")))
        server["flavor"] = str(server.get("flavor", flavors[0]["id"]))
        if server["flavor"] not in flavor_keys:
            _fail("server %s: unknown flavor %r" % (name, server["flavor"]))
        server.setdefault("project", "demo" if "demo" in project_names else projects[0]["name"])
        if server["project"] not in project_names:
            _fail("server %s: unknown project %r" % (name, server["project"]))
        if server.get("user") is not None and server["user"] not in user_names:
            _fail("server %s: unknown user %r" % (name, server["user"]))
        if server.get("availability_zone") is not None and server["availability_zone"] not in zones:
            _fail("server %s: unknown availability zone %r" % (name, server["availability_zone"]))
        locked = server.get("locked", False)
        if locked is True:
            server["locked"] = "admin"
        elif locked in (False, None):
            server["locked"] = None
        elif locked not in ("admin", "owner"):
            _fail("server %s: locked must be a boolean, 'admin' or 'owner'" % name)
        server.setdefault("image", DEFAULT_IMAGE)
        servers.append(server)
    return servers


def _normalize_server_groups(doc, projects, users):
    """``server_groups``: name (unique), policy, optional rules (anti-affinity only), project and user."""
    project_names = [p["name"] for p in projects]
    user_names = {u["name"] for u in users}
    groups, seen = [], set()
    for raw in doc.get("server_groups") or ():
        _check_keys(raw, {"name", "id", "policy", "rules", "project", "user"}, "server group")
        group = dict(raw)
        name = group.get("name")
        if not isinstance(name, str) or not name or name in seen:
            _fail("server groups need unique names (got %r)" % name)
        seen.add(name)
        if group.get("policy") not in POLICIES:
            _fail("server group %s: policy must be one of %s" % (name, ", ".join(POLICIES)))
        rules = group.get("rules") or {}
        _check_keys(rules, {MAX_SERVER_PER_HOST}, "server group %s rules" % name)
        if rules and group["policy"] != ANTI_AFFINITY:
            _fail("server group %s: only the anti-affinity policy takes rules" % name)
        if rules:
            _number(rules[MAX_SERVER_PER_HOST], "server group %s max_server_per_host" % name, minimum=1)
            rules = {MAX_SERVER_PER_HOST: int(rules[MAX_SERVER_PER_HOST])}
        group["rules"] = rules
        group.setdefault("project", "demo" if "demo" in project_names else project_names[0])
        if group["project"] not in project_names:
            _fail("server group %s: unknown project %r" % (name, group["project"]))
        if group.get("user") is not None and group["user"] not in user_names:
            _fail("server group %s: unknown user %r" % (name, group["user"]))
        groups.append(group)
    return groups


def _normalize_aggregates(doc, hosts):
    """``aggregates``: the declared ones, after one per zone other than the default for the hosts no declared
    aggregate puts in their zone (an operator has to create those in Nova). A host's zone comes from its
    aggregates when it gives none itself; a host in two zones is refused, as Nova refuses it."""
    declared, seen = [], set()
    host_names = [h["name"] for h in hosts]
    for raw in doc.get("aggregates") or ():
        _check_keys(raw, {"name", "uuid", "zone", "hosts", "metadata"}, "aggregate")
        item = dict(raw)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name in seen:
            _fail("aggregates need unique names (got %r)" % name)
        seen.add(name)
        metadata = item.get("metadata") or {}
        if not isinstance(metadata, dict):
            _fail("aggregate %s: metadata must be a mapping" % name)
        metadata = {str(key): str(value) for key, value in metadata.items()}
        meta_zone = metadata.pop("availability_zone", None)
        zone = item.get("zone", meta_zone)
        if meta_zone is not None and meta_zone != zone:
            _fail("aggregate %s: zone and metadata availability_zone differ" % name)
        if zone is not None and (not isinstance(zone, str) or not zone or ":" in zone):
            _fail("aggregate %s: zone must be a non-empty name without ':'" % name)
        members = item.get("hosts") or []
        if not isinstance(members, list) or len(set(members)) != len(members) or not set(members) <= set(host_names):
            _fail("aggregate %s: hosts must be distinct names of hosts" % name)
        declared.append({"name": name, "zone": zone, "hosts": list(members), "metadata": metadata,
                         **({"uuid": item["uuid"]} if item.get("uuid") else {})})
    explicit = {raw.get("name"): raw.get("zone") for raw in doc.get("hosts") or () if isinstance(raw, dict)}
    for host in hosts:
        zones = {a["zone"] for a in declared if a["zone"] and host["name"] in a["hosts"]}
        if len(zones) > 1:
            _fail("host %s: its aggregates put it in zones %s" % (host["name"], ", ".join(sorted(zones))))
        if zones:
            zone = zones.pop()
            if explicit.get(host["name"]) not in (None, zone):
                _fail("host %s: zone %s, but its aggregates put it in %s" % (host["name"], host["zone"], zone))
            host["zone"] = zone
    by_name = {a["name"]: a for a in declared}
    made = []
    for host in hosts:
        zone = host["zone"]
        if zone == DEFAULT_ZONE or any(a["zone"] == zone and host["name"] in a["hosts"] for a in declared):
            continue
        aggregate = by_name.get(zone)
        if aggregate is None:
            aggregate = by_name[zone] = {"name": zone, "zone": zone, "hosts": [], "metadata": {}}
            made.append(aggregate)
        elif aggregate["zone"] != zone:
            _fail("aggregate %s: hosts in zone %s need it to have that zone" % (zone, zone))
        aggregate["hosts"].append(host["name"])
    return made + declared


def _check_group_members(servers, groups):
    names = {g["name"] for g in groups}
    for server in servers:
        if server.get("group") is not None and server["group"] not in names:
            _fail("server %s: unknown server group %r" % (server["name"], server["group"]))


def _flag(doc, key):
    value = doc.get(key, False)
    if not isinstance(value, bool):
        _fail("%s must be a boolean" % key)
    return value


def normalize(doc):
    """Validate a topology mapping and return a normalized deep copy."""
    if not isinstance(doc, dict):
        _fail("a topology must be a mapping")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        _fail("unknown top-level key(s): %s" % ", ".join(unknown))
    doc = copy.deepcopy(doc)
    projects, users, creds = _normalize_identity(doc)
    flavors = _normalize_flavors(doc)
    hosts = _normalize_hosts(doc)
    aggregates = _normalize_aggregates(doc, hosts)
    servers = _normalize_servers(doc, hosts, flavors, projects, users)
    server_groups = _normalize_server_groups(doc, projects, users)
    _check_group_members(servers, server_groups)
    controllers = doc.get("controllers")
    if controllers is None:
        controllers = ["controller"]
    if not isinstance(controllers, list) or not all(isinstance(c, str) for c in controllers):
        _fail("controllers must be a list of host names")
    zones = list(doc.get("zones") or [])
    for host in hosts:
        if host["zone"] not in zones:
            zones.append(host["zone"])
    return {"name": doc.get("name", "custom"), "zones": zones, "controllers": controllers, "projects": projects,
            "users": users, "application_credentials": creds, "flavors": flavors, "hosts": hosts,
            "servers": servers, "server_groups": server_groups, "pci_aliases": _normalize_pci_aliases(doc),
            "vgpu_live_migration": _flag(doc, "vgpu_live_migration"), "aggregates": aggregates}


def load_file(path):
    with open(path, encoding="utf-8") as handle:
        return normalize(yaml.safe_load(handle))


def load_demo():
    text = importlib.resources.files("mock_compute").joinpath("topologies/demo.yaml").read_text(encoding="utf-8")
    return normalize(yaml.safe_load(text))


def generate(hosts=10, servers_per_host=5, az2_every=10):
    """A synthetic topology: ``hosts`` computes, every ``az2_every``-th one in ``az2``.

    Servers alternate between the ``demo`` and ``admin`` projects; every fifth one is
    SHUTOFF.  Capacity is sized so that each host could take all of another host's servers.
    """
    if hosts < 1 or servers_per_host < 0:
        _fail("hosts must be >= 1 and servers_per_host >= 0")
    width = max(4, len(str(hosts)))
    host_list, server_list = [], []
    for index in range(1, hosts + 1):
        name = "compute-%0*d" % (width, index)
        zone = "az2" if az2_every and index % az2_every == 0 else "nova"
        host_list.append({"name": name, "zone": zone, "host_ip": "10.%d.%d.%d" % (
            (index >> 16) & 255, (index >> 8) & 255, index & 255)})
        for slot in range(servers_per_host):
            number = (index - 1) * servers_per_host + slot
            server_list.append({
                "name": "vm-%s-%02d" % (name, slot), "host": name, "flavor": "2",
                "project": "demo" if number % 2 == 0 else "admin",
                "status": "SHUTOFF" if number % 5 == 4 else "ACTIVE",
            })
    doc = {"name": "generated-%dx%d" % (hosts, servers_per_host), "zones": ["nova", "az2"],
           "host_defaults": {"vcpus": 64, "memory_mb": 262144, "disk_gb": 4000},
           "hosts": host_list, "servers": server_list}
    return normalize(doc)
