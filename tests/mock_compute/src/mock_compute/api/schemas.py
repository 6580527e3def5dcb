"""Request schemas per microversion, transcribed from nova/api/openstack/compute/schemas.

Key order matters: errors are reported in keyword order, like jsonschema.
"""

import copy

from mock_compute.api.validation import (
    COMMON_QUERY_PARAM,
    COMMON_QUERY_REGEX_PARAM,
    NON_NEGATIVE_INTEGER,
    boolean,
    fqdn,
    multi_params,
    single_param,
    string,
)

# --- server actions ------------------------------------------------------------
MIGRATE_V256 = {
    "type": "object",
    "properties": {"migrate": {"type": ["object", "null"], "properties": {"host": fqdn(nullable=True)},
                               "additionalProperties": False}},
    "required": ["migrate"],
    "additionalProperties": False,
}
# Blueprint cold-migration-with-target (extension cold-migration-force): "force" next to "host".
MIGRATE_V256_FORCE = copy.deepcopy(MIGRATE_V256)
MIGRATE_V256_FORCE["properties"]["migrate"]["properties"]["force"] = boolean()

MIGRATE_LIVE = {
    "type": "object",
    "properties": {"os-migrateLive": {
        "type": "object",
        "properties": {"block_migration": boolean(), "disk_over_commit": boolean(), "host": fqdn(nullable=True)},
        "required": ["block_migration", "disk_over_commit", "host"],
        "additionalProperties": False}},
    "required": ["os-migrateLive"],
    "additionalProperties": False,
}
MIGRATE_LIVE_V225 = copy.deepcopy(MIGRATE_LIVE)
del MIGRATE_LIVE_V225["properties"]["os-migrateLive"]["properties"]["disk_over_commit"]
MIGRATE_LIVE_V225["properties"]["os-migrateLive"]["properties"]["block_migration"]["enum"].append("auto")
MIGRATE_LIVE_V225["properties"]["os-migrateLive"]["required"] = ["block_migration", "host"]
MIGRATE_LIVE_V230 = copy.deepcopy(MIGRATE_LIVE_V225)
MIGRATE_LIVE_V230["properties"]["os-migrateLive"]["properties"]["force"] = boolean()
MIGRATE_LIVE_V268 = copy.deepcopy(MIGRATE_LIVE_V225)

EVACUATE = {
    "type": "object",
    "properties": {"evacuate": {
        "type": "object",
        "properties": {"host": fqdn(), "onSharedStorage": boolean(), "adminPass": string()},
        "required": ["onSharedStorage"],
        "additionalProperties": False}},
    "required": ["evacuate"],
    "additionalProperties": False,
}
EVACUATE_V214 = copy.deepcopy(EVACUATE)
del EVACUATE_V214["properties"]["evacuate"]["properties"]["onSharedStorage"]
del EVACUATE_V214["properties"]["evacuate"]["required"]
EVACUATE_V229 = copy.deepcopy(EVACUATE_V214)
EVACUATE_V229["properties"]["evacuate"]["properties"]["force"] = boolean()
EVACUATE_V268 = copy.deepcopy(EVACUATE_V214)


def any_value_action(name):
    """Actions whose value Nova does not check (confirmResize, os-stop, lock < 2.73, ...)."""
    return {"type": "object", "properties": {name: {}}, "required": [name], "additionalProperties": False}


LOCK_V273 = {
    "type": "object",
    "properties": {"lock": {"type": ["object", "null"], "properties": {"locked_reason": string(1, 255)},
                            "additionalProperties": False}},
    "required": ["lock"],
    "additionalProperties": False,
}
RESIZE = {
    "type": "object",
    "properties": {"resize": {
        "type": "object",
        "properties": {"flavorRef": {"type": ["string", "integer"], "minLength": 1},
                       "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]}},
        "required": ["flavorRef"],
        "additionalProperties": False}},
    "required": ["resize"],
    "additionalProperties": False,
}
FORCE_COMPLETE = {
    "type": "object",
    "properties": {"force_complete": {"type": "null"}},
    "required": ["force_complete"],
    "additionalProperties": False,
}

# --- servers -----------------------------------------------------------------------
# the scheduler hints the mock reads (others pass unchecked): a server group by uuid, alone or in a list
SCHEDULER_HINTS = {"type": "object", "properties": {"group": {"oneOf": [
    {"type": "array", "items": {"type": "string", "format": "uuid"}},
    {"type": "string", "format": "uuid"},
]}}}
CREATE_SERVER = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": string(1, 255),
                "imageRef": {"type": ["string", "null"]},
                "flavorRef": {"type": ["string", "integer"], "minLength": 1},
                "availability_zone": string(1, 255),
                "host": fqdn(),
                "hypervisor_hostname": fqdn(),
                "metadata": {"type": "object"},
                "key_name": {"type": ["string", "null"]},
                "description": {"type": ["string", "null"], "maxLength": 255},
                "networks": {"type": ["string", "array"]},
                "security_groups": {"type": "array"},
                "user_data": {"type": "string"},
                "config_drive": boolean(),
                "min_count": {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1},
                "max_count": {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1},
                "return_reservation_id": boolean(),
                "adminPass": {"type": "string"},
                "block_device_mapping_v2": {"type": "array"},
                "tags": {"type": "array"},
                "hostname": {"type": "string"},
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
                "accessIPv4": {"type": "string"},
                "accessIPv6": {"type": "string"},
                "trusted_image_certificates": {"type": ["array", "null"]},
            },
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        },
        "os:scheduler_hints": SCHEDULER_HINTS,
        "OS-SCH-HNT:scheduler_hints": SCHEDULER_HINTS,
    },
    "required": ["server"],
    "additionalProperties": False,
}

# --- os-server-groups --------------------------------------------------------------
_NAME = {"type": "string", "format": "name", "minLength": 1, "maxLength": 255}
SERVER_GROUP_CREATE = {
    "type": "object",
    "properties": {"server_group": {
        "type": "object",
        "properties": {"name": _NAME, "policies": {
            # one policy in a list; the soft ones join the enum at 2.15, the list becomes "policy" at 2.64
            "type": "array", "prefixItems": [{"type": "string", "enum": ["anti-affinity", "affinity"]}],
            "uniqueItems": True, "minItems": 1, "maxItems": 1}},
        "required": ["name", "policies"],
        "additionalProperties": False}},
    "required": ["server_group"],
    "additionalProperties": False,
}
SERVER_GROUP_CREATE_V215 = copy.deepcopy(SERVER_GROUP_CREATE)
SERVER_GROUP_CREATE_V215["properties"]["server_group"]["properties"]["policies"]["prefixItems"][0]["enum"].extend(
    ["soft-anti-affinity", "soft-affinity"])
SERVER_GROUP_CREATE_V264 = copy.deepcopy(SERVER_GROUP_CREATE_V215)
_GROUP_V264 = SERVER_GROUP_CREATE_V264["properties"]["server_group"]
del _GROUP_V264["properties"]["policies"]
_GROUP_V264["required"] = ["name", "policy"]
_GROUP_V264["properties"]["policy"] = {"type": "string", "enum": ["anti-affinity", "affinity", "soft-anti-affinity",
                                                                  "soft-affinity"]}
_GROUP_V264["properties"]["rules"] = {
    "type": "object",
    "properties": {"max_server_per_host": {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1,
                                           "minLength": 1}},
    "additionalProperties": False}
SERVER_GROUPS_QUERY = {
    "type": "object",
    "properties": {"all_projects": COMMON_QUERY_PARAM, "limit": multi_params(NON_NEGATIVE_INTEGER),
                   "offset": multi_params(NON_NEGATIVE_INTEGER)},
    "additionalProperties": True,
}
SERVER_GROUPS_QUERY_V275 = dict(SERVER_GROUPS_QUERY, additionalProperties=False)

_SERVER_QUERY_NAMES = (
    "user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image", "kernel_id", "ramdisk_id",
    "hostname", "key_name", "power_state", "vm_state", "task_state", "host", "node", "flavor", "reservation_id",
    "launched_at", "terminated_at", "availability_zone", "name", "display_name", "description",
    "display_description", "locked_by", "uuid", "root_device_name", "config_drive", "access_ip_v4", "access_ip_v6",
    "auto_disk_config", "progress", "sort_key", "sort_dir", "all_tenants", "soft_deleted", "deleted", "status",
    "ip", "ip6", "created_at", "block_device_mapping", "services", "metadata", "pci_devices",
    "security_groups", "info_cache", "fault", "marker",
)
# Nova checks these with its "regex" format (the database matches them as patterns).
_SERVER_QUERY_REGEX_NAMES = (
    "kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "node", "flavor", "reservation_id",
    "launched_at", "terminated_at", "availability_zone", "name", "display_name", "description",
    "display_description", "locked_by", "root_device_name", "config_drive", "access_ip_v4", "access_ip_v6",
    "auto_disk_config", "progress", "ip", "ip6", "created_at",
)
_DATE_TIMES = multi_params({"type": "string", "format": "date-time"})
# Until 2.75 a parameter the version's schema does not name is dropped before the filters are read
# (Nova's query_schema strips additional properties), so a newer filter is silently ignored below its version.
SERVERS_QUERY = {
    "type": "object",
    "properties": dict(dict.fromkeys(_SERVER_QUERY_NAMES, COMMON_QUERY_PARAM),
                       **dict.fromkeys(_SERVER_QUERY_REGEX_NAMES, COMMON_QUERY_REGEX_PARAM),
                       limit=multi_params(NON_NEGATIVE_INTEGER), **{"changes-since": _DATE_TIMES}),
    "additionalProperties": True,
    "patternProperties": {"^_": COMMON_QUERY_PARAM},
}
SERVERS_QUERY_V226 = copy.deepcopy(SERVERS_QUERY)
SERVERS_QUERY_V226["properties"].update(dict.fromkeys(("tags", "tags-any", "not-tags", "not-tags-any"),
                                                      COMMON_QUERY_REGEX_PARAM))
SERVERS_QUERY_V266 = copy.deepcopy(SERVERS_QUERY_V226)
SERVERS_QUERY_V266["properties"]["changes-before"] = _DATE_TIMES
SERVERS_QUERY_V273 = copy.deepcopy(SERVERS_QUERY_V266)
SERVERS_QUERY_V273["properties"]["locked"] = COMMON_QUERY_PARAM
SERVERS_QUERY_V275 = dict(SERVERS_QUERY_V273, additionalProperties=False)
SERVERS_QUERIES = ((2, 75), SERVERS_QUERY_V275), ((2, 73), SERVERS_QUERY_V273), ((2, 66), SERVERS_QUERY_V266), \
    ((2, 26), SERVERS_QUERY_V226), ((2, 1), SERVERS_QUERY)
NO_QUERY = {"type": "object", "properties": {}, "additionalProperties": False}

# --- os-migrations --------------------------------------------------------------------------
_MIGRATIONS_V20 = dict.fromkeys(("hidden", "host", "instance_uuid", "source_compute", "status", "migration_type"),
                                COMMON_QUERY_PARAM)
MIGRATIONS_QUERY_V20 = {"type": "object", "properties": _MIGRATIONS_V20, "additionalProperties": True}
MIGRATIONS_QUERY_V259 = {
    "type": "object",
    "properties": dict(_MIGRATIONS_V20, **{
        "limit": single_param(NON_NEGATIVE_INTEGER), "marker": single_param({"type": "string"}),
        "changes-since": single_param({"type": "string", "format": "date-time"})}),
    "additionalProperties": False,
}
MIGRATIONS_QUERY_V266 = copy.deepcopy(MIGRATIONS_QUERY_V259)
MIGRATIONS_QUERY_V266["properties"]["changes-before"] = single_param({"type": "string", "format": "date-time"})
MIGRATIONS_QUERY_V280 = copy.deepcopy(MIGRATIONS_QUERY_V266)
MIGRATIONS_QUERY_V280["properties"]["user_id"] = single_param({"type": "string"})
MIGRATIONS_QUERY_V280["properties"]["project_id"] = single_param({"type": "string"})

# --- os-instance-actions (index) -------------------------------------------------------------
INSTANCE_ACTIONS_QUERY_V258 = {
    "type": "object",
    "properties": {"limit": single_param(NON_NEGATIVE_INTEGER), "marker": single_param({"type": "string"}),
                   "changes-since": single_param({"type": "string", "format": "date-time"})},
    "additionalProperties": False,
}
INSTANCE_ACTIONS_QUERY_V266 = copy.deepcopy(INSTANCE_ACTIONS_QUERY_V258)
INSTANCE_ACTIONS_QUERY_V266["properties"]["changes-before"] = single_param({"type": "string", "format": "date-time"})

# --- os-services ---------------------------------------------------------------------------
SERVICES_QUERY_V275 = {"type": "object", "properties": {"host": COMMON_QUERY_PARAM, "binary": COMMON_QUERY_PARAM},
                       "additionalProperties": False}
SERVICE_UPDATE = {
    "type": "object",
    "properties": {"host": fqdn(), "binary": string(1, 255), "disabled_reason": string(1, 255)},
    "required": ["host", "binary"],
    "additionalProperties": False,
}
SERVICE_UPDATE_V211 = copy.deepcopy(SERVICE_UPDATE)
SERVICE_UPDATE_V211["properties"]["forced_down"] = boolean()
SERVICE_UPDATE_V253 = {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": ["enabled", "disabled"]},
                   "disabled_reason": string(1, 255), "forced_down": boolean()},
    "additionalProperties": False,
}

# --- os-hypervisors ---------------------------------------------------------------------------
HYPERVISORS_QUERY_V253 = {
    "type": "object",
    "properties": {"limit": single_param(NON_NEGATIVE_INTEGER), "marker": single_param({"type": "string"}),
                   "hypervisor_hostname_pattern": single_param(fqdn()), "with_servers": single_param(boolean())},
    "additionalProperties": False,
}
HYPERVISOR_SHOW_QUERY_V253 = {"type": "object", "properties": {"with_servers": single_param(boolean())},
                              "additionalProperties": False}
PAGINATION_QUERY = {"type": "object",
                    "properties": {"limit": multi_params(NON_NEGATIVE_INTEGER), "marker": COMMON_QUERY_PARAM},
                    "additionalProperties": True}

# --- os-aggregates ------------------------------------------------------------------------------
_AGGREGATE_ZONE = {"oneOf": [{"type": "string", "format": "az_name", "minLength": 1, "maxLength": 255},
                             {"type": "null"}]}
AGGREGATE_CREATE = {
    "type": "object",
    "properties": {"aggregate": {
        "type": "object",
        "properties": {"name": _NAME, "availability_zone": _AGGREGATE_ZONE},
        "required": ["name"],
        "additionalProperties": False}},
    "required": ["aggregate"],
    "additionalProperties": False,
}
AGGREGATE_UPDATE = {
    "type": "object",
    "properties": {"aggregate": {
        "type": "object",
        "properties": {"name": {"type": "string", "format": "name_with_leading_trailing_spaces", "minLength": 1,
                                "maxLength": 255},
                       "availability_zone": _AGGREGATE_ZONE},
        "additionalProperties": False,
        "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}]}},
    "required": ["aggregate"],
    "additionalProperties": False,
}


def _aggregate_host_action(action):
    return {
        "type": "object",
        "properties": {action: {"type": "object", "properties": {"host": fqdn()}, "required": ["host"],
                                "additionalProperties": False}},
        "required": [action],
        "additionalProperties": False,
    }


AGGREGATE_ADD_HOST = _aggregate_host_action("add_host")
AGGREGATE_REMOVE_HOST = _aggregate_host_action("remove_host")
AGGREGATE_SET_METADATA = {
    "type": "object",
    "properties": {"set_metadata": {
        "type": "object",
        "properties": {"metadata": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "null"], "maxLength": 255}},
            "additionalProperties": False}},
        "required": ["metadata"],
        "additionalProperties": False}},
    "required": ["set_metadata"],
    "additionalProperties": False,
}
