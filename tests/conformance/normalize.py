"""Make two backends' answers comparable: ids become names, timestamps their format, URLs ``<url>``.

Nova assigns random ids; the mock derives them from names. Both name the same things the same way (servers, hosts,
projects and users come from one topology), so an id is replaced by what it names, e.g. ``server:cold-1``.
"""

import re

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
INSTANCE_NAME = re.compile(r"\binstance-[0-9a-f]{8}\b")
MIGRATION_URL = re.compile(r"/migrations/(\d+)")
ABSENT = "<absent>"

# Values that are per-deployment by nature (not by name): compared by shape only.
OPAQUE = {
    "OS-EXT-SRV-ATTR:reservation_id": "<reservation-id>",
    "request_id": "<request-id>",
    "audit_ids": "<audit-ids>",
    "traceback": "<traceback>",          # a real Python traceback against the mock's stand-in: presence counts
}


class Names:
    """Ids of one backend and their names; ``normalize`` applies them, ``expand`` does the reverse for paths."""

    def __init__(self, url):
        self.url = url
        self.labels = {}                       # str id -> name
        self.ints = {"service": {}, "hypervisor": {}, "migration": {}}
        self.ids = {}                          # name -> str id (the newest one learnt)

    def learn(self, raw, label, kind=None):
        if isinstance(raw, int):
            self.ints[kind][raw] = label
            self.ids.setdefault(label + "@int", str(raw))
        else:
            self.labels[str(raw)] = label
            self.ids[label] = str(raw)

    def label(self, raw):
        return self.labels.get(str(raw), "<unknown>")

    def id_of(self, label, integer=False):
        return self.ids[label + "@int" if integer else label]

    def expand(self, template):
        """Replace ``{server:cold-1}`` (uuid) and ``{#migration:live-1#1}`` (integer id) in a path."""
        def substitute(match):
            text = match.group(1)
            if text.startswith("#"):
                return self.id_of(text[1:], integer=True)
            return self.id_of(text)
        return re.sub(r"\{([^{}]+:[^{}]+)\}", substitute, template)

    # normalization ---------------------------------------------------------------------------------------------
    def normalize(self, value, key=None, parent=None):
        if isinstance(value, dict):     # keys too: Placement keys allocations by provider or consumer uuid
            return {self.text(k) if isinstance(k, str) else k: self.normalize(v, k, value) for k, v in value.items()}
        if isinstance(value, list):
            return [self.normalize(item, key, parent) for item in value]
        if key in OPAQUE and value is not None:
            return OPAQUE[key]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return self._integer_id(value, key, parent)
        if isinstance(value, str):
            return self.text(value)
        return value

    def _integer_id(self, value, key, parent):
        if key != "id" or not isinstance(parent, dict):
            return value
        if "binary" in parent or ("host" in parent and "disabled_reason" in parent):
            return "<%s>" % self.ints["service"].get(value, "service:?")
        if "hypervisor_hostname" in parent:
            return "<%s>" % self.ints["hypervisor"].get(value, "hypervisor:?")
        if "instance_uuid" in parent or "server_uuid" in parent:
            return "<%s>" % self.ints["migration"].get(value, "migration:?")
        return value

    def text(self, value):
        text = value.replace(self.url, "<url>")
        text = UUID.sub(lambda m: "<%s>" % self.labels.get(m.group(0), "uuid"), text)
        text = TIMESTAMP.sub(_time_shape, text)
        text = INSTANCE_NAME.sub("instance-<n>", text)
        return MIGRATION_URL.sub(lambda m: "/migrations/<%s>" % self.ints["migration"].get(int(m.group(1)), "?"), text)


def _time_shape(match):
    """A timestamp becomes its format: Nova's naive microseconds, ``Z`` or offsets must match, not the time."""
    return "<time%s%s>" % (".us" if match.group(1) else "", match.group(2) or "")


# comparing -------------------------------------------------------------------------------------------------------
def item_key(item):
    """How list items are matched between the backends (None: by position)."""
    if not isinstance(item, dict):
        return None
    if "binary" in item and "host" in item:
        return "%s/%s" % (item["host"], item["binary"])
    if isinstance(item.get("hypervisor_hostname"), str):
        return item["hypervisor_hostname"]
    if isinstance(item.get("uuid"), str) and isinstance(item.get("name"), str):   # a hypervisor's servers
        return item["uuid"]
    if isinstance(item.get("name"), str) and ("id" in item or "uuid" in item):
        return item["name"]
    return None


def diff(mock, nova, path=""):
    """Differences as ``(path, mock value, nova value)``, ``<absent>`` for a key only one side has."""
    if isinstance(mock, dict) and isinstance(nova, dict):
        out = []
        for key in sorted(set(mock) | set(nova), key=str):
            out += diff(mock.get(key, ABSENT), nova.get(key, ABSENT), "%s.%s" % (path, key) if path else str(key))
        return out
    if isinstance(mock, list) and isinstance(nova, list):
        mock_keys, nova_keys = [item_key(i) for i in mock], [item_key(i) for i in nova]
        keyed = all(mock_keys + nova_keys) and len(set(mock_keys)) == len(mock) and len(set(nova_keys)) == len(nova)
        if keyed and (mock or nova):
            by_mock, by_nova = dict(zip(mock_keys, mock, strict=True)), dict(zip(nova_keys, nova, strict=True))
            out = []
            for key in sorted(set(by_mock) | set(by_nova)):
                out += diff(by_mock.get(key, ABSENT), by_nova.get(key, ABSENT), "%s[%s]" % (path, key))
            return out
        out = []
        for index in range(max(len(mock), len(nova))):
            out += diff(mock[index] if index < len(mock) else ABSENT, nova[index] if index < len(nova) else ABSENT,
                        "%s[%d]" % (path, index))
        return out
    if mock != nova:
        return [(path, mock, nova)]
    return []


def matches(patterns, text):
    """Globs where only ``*`` is special, so that ``servers[cold-1]`` means itself."""
    return any(re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), text) for pattern in patterns)
