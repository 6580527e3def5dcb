"""Topologies: the mock's YAML format, checked, with what real Nova can reproduce sorted out.

``load_file`` reads the format of ``mock-compute`` (see tests/mock_compute/README.md) and ``generate`` builds the
default one (compute-1..compute-N, servers named after the mock's demo). ``normalize`` returns a plain mapping plus
the list of warnings for the parts that real Nova cannot reproduce; errors raise ``TopologyError``.
No Nova import here: the CLI checks its arguments before the slow start-up.
"""

import copy
import uuid

import yaml

ID_NAMESPACE = uuid.UUID("6b1d2c1a-6d1e-4c52-9a61-2f0c3e5f6a70")   # same derivation as the mock: same ids
DEFAULT_IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"             # an image of Nova's Glance fixture
DEFAULT_PROJECTS = ({"name": "admin"}, {"name": "demo"})
DEFAULT_USERS = (
    {"name": "admin", "password": "secret", "project": "admin", "roles": ["admin", "member", "reader"]},
    {"name": "member", "password": "secret", "project": "demo", "roles": ["member", "reader"]},
    {"name": "manager", "password": "secret", "project": "demo", "roles": ["manager", "member", "reader"]},
)
DEFAULT_APP_CREDENTIALS = (
    {"id": "mock-admin-appcred", "name": "mock-admin-appcred", "secret": "appcred-secret", "user": "admin"},
)
DEFAULT_FLAVORS = (
    {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1},
    {"id": "2", "name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20},
    {"id": "3", "name": "m1.medium", "vcpus": 2, "ram": 4096, "disk": 40},
    {"id": "4", "name": "m1.large", "vcpus": 4, "ram": 8192, "disk": 80},
    {"id": "5", "name": "m1.xlarge", "vcpus": 8, "ram": 16384, "disk": 160},
)
HOST_DEFAULTS = {
    "vcpus": 16, "memory_mb": 32768, "disk_gb": 500,
    "cpu_allocation_ratio": 4.0, "ram_allocation_ratio": 1.0, "disk_allocation_ratio": 1.0,
    "reserved_vcpus": 0, "reserved_memory_mb": 512, "reserved_disk_gb": 0,
}
# The mock's demo servers, in its order; the default topology takes those whose host exists.
DEMO_SERVERS = (
    {"name": "web-1", "host": "compute-1", "flavor": "m1.small", "status": "ACTIVE", "project": "demo",
     "user": "member"},
    {"name": "web-2", "host": "compute-1", "flavor": "m1.small", "status": "SHUTOFF", "project": "demo",
     "user": "member"},
    {"name": "db-1", "host": "compute-1", "flavor": "m1.medium", "status": "ACTIVE", "project": "admin",
     "availability_zone": "nova"},
    {"name": "cache-1", "host": "compute-2", "flavor": "m1.tiny", "status": "PAUSED", "project": "demo",
     "user": "member"},
    {"name": "app-locked", "host": "compute-2", "flavor": "m1.small", "status": "ACTIVE", "project": "demo",
     "locked": "admin", "locked_reason": "do not touch: licence bound"},
    {"name": "owner-locked", "host": "compute-4", "flavor": "m1.tiny", "status": "ACTIVE", "project": "demo",
     "user": "member", "locked": "owner"},
    {"name": "broken-1", "host": "compute-3", "flavor": "m1.small", "status": "ERROR", "project": "demo",
     "fault": "Unexpected error while running command."},
    {"name": "batch-1", "host": "compute-3", "flavor": "m1.medium", "status": "SHUTOFF", "project": "admin"},
    {"name": "api-1", "host": "compute-4", "flavor": "m1.small", "status": "ACTIVE", "project": "admin"},
)

# Statuses real Nova reaches through its API (ERROR through os-resetState, SHELVED_OFFLOADED through shelve).
STATUSES = ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED", "RESCUE", "ERROR", "SHELVED_OFFLOADED")
_HOST_KEYS = set(HOST_DEFAULTS) | {"name", "zone", "node", "host_ip", "status", "disabled_reason", "state",
                                   "forced_down", "hypervisor_type", "hypervisor_version"}
_SERVER_KEYS = {"name", "id", "host", "flavor", "status", "project", "user", "availability_zone", "locked",
                "locked_reason", "image", "fault", "metadata", "key_name", "description", "group"}
_TOP_KEYS = {"name", "description", "zones", "controllers", "host_defaults", "projects", "users",
             "application_credentials", "flavors", "hosts", "servers", "server_groups", "aggregates"}
# Nova's server group policies (2.64 names); only anti-affinity takes a rule
GROUP_POLICIES = ("anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity")
MAX_COMPUTES = 64


class TopologyError(ValueError):
    """The topology cannot be loaded or asks for something nova-in-a-box refuses."""


def stable_id(kind, name):
    """Keystone-style 32-hex id derived from a name (the mock derives its ids the same way)."""
    return uuid.uuid5(ID_NAMESPACE, "%s:%s" % (kind, name)).hex


def _fail(message):
    raise TopologyError(message)


def _mapping(item, allowed, where):
    if not isinstance(item, dict):
        _fail("%s must be a mapping" % where)
    unknown = sorted(set(item) - allowed)
    if unknown:
        _fail("%s: unknown key(s) %s" % (where, ", ".join(unknown)))
    return dict(item)


def _number(value, where, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        _fail("%s must be a number >= %s" % (where, minimum))
    return value


def _identity(doc):
    projects = []
    for raw in doc.get("projects") or DEFAULT_PROJECTS:
        item = _mapping({"name": raw} if isinstance(raw, str) else raw, {"name", "id"}, "project")
        if not isinstance(item.get("name"), str) or not item["name"]:
            _fail("projects need a name")
        item.setdefault("id", stable_id("project", item["name"]))
        projects.append(item)
    project_names = [p["name"] for p in projects]
    if len(set(project_names)) != len(project_names):
        _fail("project names must be unique")
    users = []
    for raw in doc.get("users") or DEFAULT_USERS:
        item = _mapping(raw, {"name", "id", "password", "project", "roles"}, "user")
        if not isinstance(item.get("name"), str) or item.get("project") not in project_names:
            _fail("user %r needs a name and an existing project" % item.get("name"))
        item.setdefault("id", stable_id("user", item["name"]))
        item.setdefault("password", "secret")
        item["roles"] = [str(role) for role in (item.get("roles") or ["member", "reader"])]
        users.append(item)
    user_names = {u["name"] for u in users}
    if len(user_names) != len(users):
        _fail("user names must be unique")
    creds = []
    spec = doc.get("application_credentials")
    if spec is None:
        spec = DEFAULT_APP_CREDENTIALS if "admin" in user_names else ()
    for raw in spec:
        item = _mapping(raw, {"id", "name", "secret", "user", "roles"}, "application credential")
        if item.get("user") not in user_names or not isinstance(item.get("secret"), str):
            _fail("application credential %r needs an existing user and a secret" % item.get("name"))
        item.setdefault("name", item.get("id"))
        item.setdefault("id", item["name"])
        creds.append(item)
    return projects, users, creds


def _flavors(doc, warnings):
    flavors = []
    for raw in doc.get("flavors") or DEFAULT_FLAVORS:
        item = _mapping(raw, {"id", "name", "vcpus", "ram", "disk", "ephemeral", "swap", "extra_specs", "is_public",
                              "description"}, "flavor")
        if not isinstance(item.get("name"), str) or not item["name"]:
            _fail("flavors need a name")
        item["id"] = str(item.get("id", item["name"]))
        for key in ("vcpus", "ram", "disk", "ephemeral", "swap"):
            item[key] = int(_number(item.get(key, 0), "flavor %s %s" % (item["name"], key)))
        if item["vcpus"] < 1 or item["ram"] < 1:
            _fail("flavor %s: vcpus and ram must be >= 1" % item["name"])
        item["extra_specs"] = {str(k): str(v) for k, v in (item.get("extra_specs") or {}).items()}
        item["is_public"] = bool(item.get("is_public", True))
        if not item["is_public"]:
            warnings.append("flavor %s: private flavors are created public (no flavor access lists)" % item["name"])
            item["is_public"] = True
        flavors.append(item)
    if len({f["id"] for f in flavors}) != len(flavors) or len({f["name"] for f in flavors}) != len(flavors):
        _fail("flavor ids and names must be unique")
    return flavors


def _hosts(doc, warnings):
    defaults = dict(HOST_DEFAULTS)
    defaults.update(_mapping(doc.get("host_defaults") or {}, set(HOST_DEFAULTS), "host_defaults"))
    hosts, seen, ignored = [], set(), set()
    for raw in doc.get("hosts") or ():
        item = _mapping(raw, _HOST_KEYS, "host")
        host = dict(defaults)
        host.update(item)
        name = host.get("name")
        if not isinstance(name, str) or not name or name in seen:
            _fail("hosts need unique names (got %r)" % name)
        if name.strip() != name or "/" in name or ":" in name:
            _fail("host %r: names must not contain spaces, '/' or ':'" % name)
        seen.add(name)
        host.setdefault("zone", "nova")
        host.setdefault("status", "enabled")
        host.setdefault("state", "up")
        host.setdefault("forced_down", False)
        host.setdefault("disabled_reason", None)
        if host["status"] not in ("enabled", "disabled") or host["state"] not in ("up", "down"):
            _fail("host %s: status must be enabled|disabled and state up|down" % name)
        if host.get("node", name) != name:
            _fail("host %s: the node name must equal the host name (one fake node per nova-compute)" % name)
        for key in HOST_DEFAULTS:
            _number(host[key], "host %s %s" % (name, key))
        if host["vcpus"] < 1 or host["memory_mb"] < 1 or host["disk_gb"] < 1:
            _fail("host %s: vcpus, memory_mb and disk_gb must be >= 1" % name)
        ignored.update(key for key in ("host_ip", "hypervisor_type", "hypervisor_version") if key in item)
        hosts.append(host)
    if not hosts:
        _fail("a topology needs at least one host")
    if len(hosts) > MAX_COMPUTES:
        _fail("%d hosts: nova-in-a-box runs at most %d nova-compute services in one process" % (len(hosts), MAX_COMPUTES))
    if ignored:
        warnings.append("hosts: %s ignored (every fake hypervisor reports type 'fake' and Nova's my_ip)"
                        % ", ".join(sorted(ignored)))
    return hosts


def _aggregates(doc, hosts, warnings):
    """``aggregates`` as the mock reads them: the declared ones, after one per zone other than ``nova`` for the hosts
    no declared aggregate puts in their zone; a host without ``zone`` takes its aggregates' zone."""
    declared, seen = [], set()
    host_names = [h["name"] for h in hosts]
    for raw in doc.get("aggregates") or ():
        item = _mapping(raw, {"name", "uuid", "zone", "hosts", "metadata"}, "aggregate")
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
        if item.get("uuid"):
            warnings.append("aggregate %s: uuid ignored (Nova assigns it)" % name)
        declared.append({"name": name, "zone": zone, "hosts": list(members), "metadata": metadata})
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
        if zone == "nova" or any(a["zone"] == zone and host["name"] in a["hosts"] for a in declared):
            continue
        aggregate = by_name.get(zone)
        if aggregate is None:
            aggregate = by_name[zone] = {"name": zone, "zone": zone, "hosts": [], "metadata": {}}
            made.append(aggregate)
        elif aggregate["zone"] != zone:
            _fail("aggregate %s: hosts in zone %s need it to have that zone" % (zone, zone))
        aggregate["hosts"].append(host["name"])
    return made + declared


def _servers(doc, hosts, flavors, projects, users, warnings):
    host_names = {h["name"] for h in hosts}
    zones = {h["zone"] for h in hosts}
    flavor_ids = {f["id"]: f for f in flavors}
    flavor_ids.update({f["name"]: f for f in flavors})
    project_names = [p["name"] for p in projects]
    users_by_name = {u["name"]: u for u in users}
    servers, seen = [], set()
    for raw in doc.get("servers") or ():
        server = _mapping(raw, _SERVER_KEYS, "server")
        name = server.get("name")
        if not isinstance(name, str) or not name:
            _fail("servers need a name")
        if name in seen:
            _fail("server %s: names must be unique (servers are looked up by name)" % name)
        seen.add(name)
        server["status"] = str(server.get("status", "ACTIVE")).upper()
        if server["status"] == "SHELVED":
            _fail("server %s: SHELVED cannot be reproduced: Nova's default shelved_offload_time (0) offloads a "
                  "shelved server at once (use SHELVED_OFFLOADED)" % name)
        if server["status"] not in STATUSES:
            _fail("server %s: status must be one of %s" % (name, ", ".join(STATUSES)))
        if server["status"] == "SHELVED_OFFLOADED":
            server["host"] = server.get("host") or sorted(host_names)[0]   # booted there, then offloaded
        elif server.get("host") not in host_names:
            _fail("server %s: unknown host %r" % (name, server.get("host")))
        flavor = flavor_ids.get(str(server.get("flavor", flavors[0]["id"])))
        if flavor is None:
            _fail("server %s: unknown flavor %r" % (name, server.get("flavor")))
        server["flavor"] = flavor["id"]
        server.setdefault("project", "demo" if "demo" in project_names else project_names[0])
        if server["project"] not in project_names:
            _fail("server %s: unknown project %r" % (name, server["project"]))
        if server.get("user") is None:
            in_project = [u for u in users if u["project"] == server["project"]]
            server["user"] = (in_project or users)[0]["name"]
        elif server["user"] not in users_by_name:
            _fail("server %s: unknown user %r" % (name, server["user"]))
        zone = server.get("availability_zone")
        if zone is not None and zone not in zones:
            _fail("server %s: unknown availability zone %r" % (name, zone))
        host_zone = next((h["zone"] for h in hosts if h["name"] == server["host"]), None)
        if zone is not None and zone != host_zone:
            _fail("server %s: pinned to zone %s but its host %s is in %s" % (name, zone, server["host"], host_zone))
        locked = server.get("locked", False)
        if locked is True:
            server["locked"] = "admin"
        elif locked in (False, None):
            server["locked"] = None
        elif locked not in ("admin", "owner"):
            _fail("server %s: locked must be a boolean, 'admin' or 'owner'" % name)
        server["metadata"] = {str(k): str(v) for k, v in (server.get("metadata") or {}).items()}
        server.setdefault("image", DEFAULT_IMAGE)
        if server.get("id") is not None:
            warnings.append("server %s: id ignored (Nova assigns server ids)" % name)
        if server.get("key_name") is not None:
            warnings.append("server %s: key_name ignored (no keypairs are created)" % name)
        if server["status"] == "ERROR":
            warnings.append("server %s: ERROR is reached through os-resetState, without an instance fault%s"
                            % (name, " (fault %r not reproduced)" % server["fault"] if server.get("fault") else ""))
        elif server.get("fault"):
            warnings.append("server %s: fault ignored (only servers in ERROR have one)" % name)
        if server["status"] == "SHELVED_OFFLOADED" and not raw.get("host"):
            warnings.append("server %s: SHELVED_OFFLOADED is reached by booting on %s, then shelve and offload"
                            % (name, server["host"]))
        servers.append(server)
    return servers


def _server_groups(doc, projects, users):
    """``server_groups``: created through the API by their user before the servers that name them boot."""
    project_names = [p["name"] for p in projects]
    groups, seen = [], set()
    for raw in doc.get("server_groups") or ():
        group = _mapping(raw, {"name", "id", "policy", "rules", "project", "user"}, "server group")
        name = group.get("name")
        if not isinstance(name, str) or not name or name in seen:
            _fail("server groups need unique names (got %r)" % name)
        seen.add(name)
        if group.get("policy") not in GROUP_POLICIES:
            _fail("server group %s: policy must be one of %s" % (name, ", ".join(GROUP_POLICIES)))
        rules = _mapping(group.get("rules") or {}, {"max_server_per_host"}, "server group %s rules" % name)
        if rules and group["policy"] != "anti-affinity":
            _fail("server group %s: only the anti-affinity policy takes rules" % name)
        if rules:
            rules = {"max_server_per_host": int(_number(rules["max_server_per_host"],
                                                        "server group %s max_server_per_host" % name, minimum=1))}
        group["rules"] = rules
        group.setdefault("project", "demo" if "demo" in project_names else project_names[0])
        if group["project"] not in project_names:
            _fail("server group %s: unknown project %r" % (name, group["project"]))
        if group.get("user") is None:
            in_project = [u for u in users if u["project"] == group["project"]]
            group["user"] = (in_project or users)[0]["name"]
        elif group["user"] not in {u["name"] for u in users}:
            _fail("server group %s: unknown user %r" % (name, group["user"]))
        groups.append(group)
    return groups


def _check_group_members(servers, groups, warnings):
    """Members are booted onto their host through the scheduler, whose group filters refuse a hard policy broken."""
    by_name = {g["name"]: g for g in groups}
    for group in groups:
        if group.get("id") is not None:
            warnings.append("server group %s: id ignored (Nova assigns server group ids)" % group["name"])
    hosts_of = {}
    for server in servers:
        if server.get("group") is None:
            continue
        if server["group"] not in by_name:
            _fail("server %s: unknown server group %r" % (server["name"], server["group"]))
        if server["status"] != "SHELVED_OFFLOADED":
            hosts_of.setdefault(server["group"], []).append(server["host"])
    for name, hosts in hosts_of.items():
        group = by_name[name]
        if group["policy"] == "affinity" and len(set(hosts)) > 1:
            _fail("server group %s: affinity members on %s cannot be booted (Nova's scheduler keeps them on one "
                  "host)" % (name, ", ".join(sorted(set(hosts)))))
        limit = group["rules"].get("max_server_per_host", 1)
        if group["policy"] == "anti-affinity" and any(hosts.count(h) > limit for h in hosts):
            _fail("server group %s: more than %d anti-affinity member(s) on one host cannot be booted" % (name, limit))


def normalize(doc):
    """Return ``(topology, warnings)``: a checked deep copy with defaults filled, and what is not reproduced."""
    if not isinstance(doc, dict):
        _fail("a topology must be a mapping")
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        _fail("unknown top-level key(s): %s" % ", ".join(unknown))
    doc = copy.deepcopy(doc)
    warnings = []
    projects, users, creds = _identity(doc)
    flavors = _flavors(doc, warnings)
    hosts = _hosts(doc, warnings)
    aggregates = _aggregates(doc, hosts, warnings)
    servers = _servers(doc, hosts, flavors, projects, users, warnings)
    server_groups = _server_groups(doc, projects, users)
    _check_group_members(servers, server_groups, warnings)
    controllers = doc.get("controllers")
    if controllers is None:
        controllers = ["controller"]
    if not isinstance(controllers, list) or not controllers or not all(isinstance(c, str) and c for c in controllers):
        _fail("controllers must be a non-empty list of host names")
    if set(controllers) & {h["name"] for h in hosts}:
        _fail("a controller cannot also be a compute host")
    if len(controllers) > 1:
        warnings.append("controllers: one nova-conductor and one nova-scheduler run, on %s" % controllers[0])
    zones = list(doc.get("zones") or [])
    host_zones = []
    for host in hosts:
        if host["zone"] not in host_zones:
            host_zones.append(host["zone"])
    empty = [z for z in zones if z not in host_zones]
    if empty:
        warnings.append("zones without hosts do not exist in Nova: %s" % ", ".join(empty))
    topology = {"name": doc.get("name", "custom"), "zones": host_zones, "controllers": controllers[:1],
                "projects": projects, "users": users, "application_credentials": creds, "flavors": flavors,
                "hosts": hosts, "servers": servers, "server_groups": server_groups, "aggregates": aggregates}
    return topology, warnings


def load_file(path):
    try:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
    except OSError as exc:
        raise TopologyError("cannot read topology %s: %s" % (path, exc.strerror or exc)) from exc
    except yaml.YAMLError as exc:
        raise TopologyError("topology %s is not valid YAML: %s" % (path, exc)) from exc
    return normalize(doc)


def generate(computes=4, servers=None):
    """compute-1..compute-N in zone ``nova``; servers: the mock demo's that fit, then ``vm-NN`` round-robin.

    ``servers=None`` takes every demo server whose host exists (9 with four computes).
    """
    if isinstance(computes, bool) or not isinstance(computes, int) or computes < 1:
        _fail("--computes must be >= 1")
    if servers is not None and (isinstance(servers, bool) or not isinstance(servers, int) or servers < 0):
        _fail("--servers must be >= 0")
    hosts = [{"name": "compute-%d" % index, "zone": "nova"} for index in range(1, computes + 1)]
    names = {h["name"] for h in hosts}
    chosen = [dict(s) for s in DEMO_SERVERS if s["host"] in names]
    if servers is not None:
        chosen = chosen[:servers]
        for index in range(len(chosen), servers):
            chosen.append({"name": "vm-%02d" % (index + 1), "host": hosts[index % computes]["name"],
                           "flavor": "m1.tiny", "status": "ACTIVE",
                           "project": "demo" if index % 2 == 0 else "admin"})
    doc = {"name": "generated-%d" % computes, "controllers": ["controller"], "hosts": hosts, "servers": chosen}
    return normalize(doc)
