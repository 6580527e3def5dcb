"""Host aggregates: the os-aggregates API per microversion, its refusals and default policy, and the availability
zone an aggregate gives its hosts. Every aggregate a test makes is gone again at its end.

Aggregate ids are integers both backends count on their own (Nova's database may reuse a deleted one), so each is
compared as the name of its aggregate, in bodies and in messages alike.
"""

import re

import pytest

NOVA_IDS = re.compile(r"\b(aggregate|Aggregate) (\d+)\b")


class Aggregates:
    """One backend's calls, with the ids of the aggregates made so far turned into their names."""

    def __init__(self, backend, cloud="mock-admin"):
        self.backend = backend
        self.cloud = cloud
        self.names = {}          # id -> name

    def call(self, method, path, body=None, mv="2.41", cloud=None):
        reply = self.backend.call(method, path, body, mv=mv, cloud=cloud or self.cloud)
        if isinstance(reply.body, dict) and isinstance(reply.body.get("aggregate"), dict):
            made = reply.body["aggregate"]
            if isinstance(made.get("id"), int) and made.get("name"):
                self.names[made["id"]] = made["name"]
        return [reply.status, self.normalize(reply.body)]

    def id_of(self, name):
        return next(str(key) for key, value in self.names.items() if value == name)

    def normalize(self, value, key=None):
        if isinstance(value, dict):
            return {k: self.normalize(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.normalize(item) for item in value]
        if key == "id" and isinstance(value, int) and value in self.names:
            return "<aggregate:%s>" % self.names[value]
        if isinstance(value, str):
            value = NOVA_IDS.sub(lambda m: "%s <%s>" % (m.group(1), self._label(m.group(2))), value)
        return self.backend.names.normalize(value, key)

    def _label(self, number):
        name = self.names.get(int(number))
        return "aggregate:%s" % name if name else number

    def cleanup(self):
        """Take every host out of the aggregates made here and delete them (whatever the probes left)."""
        listed = self.backend.call("GET", "/os-aggregates", mv="2.41").body["aggregates"]
        for aggregate in listed:
            if aggregate["id"] not in self.names:
                continue
            for host in aggregate["hosts"] or ():
                self.backend.call("POST", "/os-aggregates/%s/action" % aggregate["id"],
                                  {"remove_host": {"host": host}}, mv="2.41")
            reply = self.backend.call("DELETE", "/os-aggregates/%s" % aggregate["id"], mv="2.41")
            assert reply.status == 200, (self.backend.name, reply.status, reply.body)


def _scenario(conformance, name, steps, cloud="mock-admin"):
    """``steps(agg)`` makes calls through ``agg`` and returns what it saw; cleaned up on both backends."""
    def observe(backend):
        agg = Aggregates(backend, cloud)
        try:
            return steps(agg)
        finally:
            agg.cleanup()
    return conformance.compare(name, observe)


# listing and showing ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "path", "mv"), [
    ("list@2.1", "/os-aggregates", "2.1"),
    ("list@2.41", "/os-aggregates", "2.41"),
    ("list-query@2.101", "/os-aggregates?sort=name", "2.101"),
    ("list-query@2.102", "/os-aggregates?sort=name", "2.102"),
    ("show-unknown", "/os-aggregates/4242", "2.41"),
    ("show-not-an-integer", "/os-aggregates/first", "2.41"),
    ("show-float", "/os-aggregates/1.5", "2.41"),
    ("show-query@2.102", "/os-aggregates/4242?x=1", "2.102"),
])
def test_list_and_show(conformance, name, path, mv):
    conformance.request("aggregates." + name, "GET", path, mv=mv)


@pytest.mark.parametrize("mv", ["2.1", "2.40", "2.41", "2.81"])
def test_lifecycle_per_microversion(conformance, mv):
    def steps(agg):
        seen = {"create": agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-agg"}}, mv=mv)}
        ident = agg.id_of("conf-agg")
        seen["show"] = agg.call("GET", "/os-aggregates/" + ident, mv=mv)
        seen["list"] = agg.call("GET", "/os-aggregates", mv=mv)
        seen["add"] = agg.call("POST", "/os-aggregates/%s/action" % ident, {"add_host": {"host": "compute-1"}}, mv=mv)
        seen["metadata"] = agg.call("POST", "/os-aggregates/%s/action" % ident,
                                    {"set_metadata": {"metadata": {"ssd": "true", "rack": "r1"}}}, mv=mv)
        seen["rename"] = agg.call("PUT", "/os-aggregates/" + ident, {"aggregate": {"name": "conf-renamed"}}, mv=mv)
        seen["remove"] = agg.call("POST", "/os-aggregates/%s/action" % ident, {"remove_host": {"host": "compute-1"}},
                                  mv=mv)
        seen["delete"] = agg.call("DELETE", "/os-aggregates/" + ident, mv=mv)
        seen["gone"] = agg.call("GET", "/os-aggregates/" + ident, mv=mv)
        seen["delete-again"] = agg.call("DELETE", "/os-aggregates/" + ident, mv=mv)
        return seen
    _scenario(conformance, "aggregates.lifecycle@" + mv, steps)


# creating and updating -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "body"), [
    ("no-body", None),
    ("not-an-object", {"aggregate": "conf"}),
    ("no-name", {"aggregate": {"availability_zone": "conf-az"}}),
    ("empty-name", {"aggregate": {"name": ""}}),
    ("name-spaces", {"aggregate": {"name": " conf"}}),
    ("name-too-long", {"aggregate": {"name": "x" * 256}}),
    ("name-not-text", {"aggregate": {"name": 5}}),
    ("zone-colon", {"aggregate": {"name": "conf", "availability_zone": "az:1"}}),
    ("zone-empty", {"aggregate": {"name": "conf", "availability_zone": ""}}),
    ("zone-spaces", {"aggregate": {"name": "conf", "availability_zone": "az "}}),
    ("extra-key", {"aggregate": {"name": "conf", "hosts": ["compute-1"]}}),
    ("extra-top-key", {"aggregate": {"name": "conf"}, "x": 1}),
])
def test_create_refused(conformance, name, body):
    conformance.request("aggregates.create." + name, "POST", "/os-aggregates", body, mv="2.41")


def test_create_variants(conformance):
    def steps(agg):
        seen = {}
        for label, body in [("zone-null", {"name": "conf-null", "availability_zone": None}),
                            ("zone", {"name": "conf-zoned", "availability_zone": "conf-az"}),
                            ("unicode", {"name": "conf-\u00e9t\u00e9"})]:
            seen[label] = agg.call("POST", "/os-aggregates", {"aggregate": body})
        seen["twice"] = agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-null"}})
        seen["list"] = agg.call("GET", "/os-aggregates")
        # a zone without hosts is no zone at all: not listed, and no server may ask for it
        seen["zones"] = agg.call("GET", "/os-availability-zone", mv="2.1")
        boot = {"server": {"name": "conf-zoned-1", "flavorRef": "1", "networks": "none",
                           "imageRef": "a440c04b-79fa-479c-bed1-0b816eaec379", "availability_zone": "conf-az"}}
        reply = agg.backend.call("POST", "/servers", boot, mv="2.37")
        if reply.status == 202:
            agg.backend.call("DELETE", "/servers/%s" % reply.body["server"]["id"])
        seen["boot-into-zone"] = [reply.status, agg.normalize(reply.body) if reply.status != 202 else None]
        return seen
    _scenario(conformance, "aggregates.create-variants", steps)


def test_update(conformance):
    def steps(agg):
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-one"}})
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-two", "availability_zone": "conf-az"}})
        one, two = agg.id_of("conf-one"), agg.id_of("conf-two")
        seen = {}
        for label, ident, body in [
                ("empty", one, {"aggregate": {}}),
                ("no-body", one, None),
                ("extra-key", one, {"aggregate": {"name": "x", "metadata": {}}}),
                ("name-blank", one, {"aggregate": {"name": "   "}}),
                ("name-padded", one, {"aggregate": {"name": "  conf-padded  "}}),
                ("same-name", one, {"aggregate": {"name": "conf-padded"}}),
                ("taken-name", one, {"aggregate": {"name": "conf-two"}}),
                ("zone", one, {"aggregate": {"availability_zone": "conf-az1"}}),
                ("zone-colon", one, {"aggregate": {"availability_zone": "a:b"}}),
                # the name is saved before the zone is refused
                ("name-and-null-zone", one, {"aggregate": {"name": "conf-renamed", "availability_zone": None}}),
                ("zone-other", two, {"aggregate": {"availability_zone": "conf-az2"}}),
                ("unknown", "4242", {"aggregate": {"name": "x"}}),
                ("not-an-integer", "x", {"aggregate": {"name": "x"}})]:
            seen[label] = agg.call("PUT", "/os-aggregates/" + ident, body)
        seen["shown"] = agg.call("GET", "/os-aggregates/" + one)
        return seen
    _scenario(conformance, "aggregates.update", steps)


# actions ---------------------------------------------------------------------------------------------------------
def test_hosts(conformance):
    def steps(agg):
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-hosts"}})
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-other"}})
        ident, other = agg.id_of("conf-hosts"), agg.id_of("conf-other")
        path = "/os-aggregates/%s/action" % ident
        seen = {}
        for label, target, body in [
                ("add", path, {"add_host": {"host": "compute-1"}}),
                ("add-second", path, {"add_host": {"host": "compute-2"}}),
                ("add-again", path, {"add_host": {"host": "compute-1"}}),
                ("add-to-another", "/os-aggregates/%s/action" % other, {"add_host": {"host": "compute-1"}}),
                ("add-unknown-host", path, {"add_host": {"host": "compute-99"}}),
                ("add-controller", path, {"add_host": {"host": "controller"}}),
                ("add-unknown-aggregate", "/os-aggregates/4242/action", {"add_host": {"host": "compute-1"}}),
                ("add-unknown-both", "/os-aggregates/4242/action", {"add_host": {"host": "compute-99"}}),
                ("add-bad-host", path, {"add_host": {"host": "compute 1"}}),
                ("add-no-host", path, {"add_host": {}}),
                ("add-extra", path, {"add_host": {"host": "compute-1", "force": True}}),
                ("add-not-an-integer", "/os-aggregates/x/action", {"add_host": {"host": "compute-1"}}),
                ("delete-not-empty", None, None),
                ("remove-absent", path, {"remove_host": {"host": "compute-3"}}),
                ("remove-unknown-host", path, {"remove_host": {"host": "compute-99"}}),
                ("remove-unknown-aggregate", "/os-aggregates/4242/action", {"remove_host": {"host": "compute-1"}}),
                ("remove", path, {"remove_host": {"host": "compute-2"}}),
                ("unknown-action", path, {"add_hosts": {"host": "compute-1"}}),
                ("two-actions", path, {"add_host": {"host": "compute-1"}, "remove_host": {"host": "compute-1"}}),
                ("no-body", path, None)]:
            if target is None:
                seen[label] = agg.call("DELETE", "/os-aggregates/" + ident)
            else:
                seen[label] = agg.call("POST", target, body)
        seen["shown"] = agg.call("GET", "/os-aggregates/" + ident)
        seen["other"] = agg.call("GET", "/os-aggregates/" + other)
        return seen
    _scenario(conformance, "aggregates.hosts", steps)


def test_metadata(conformance):
    def steps(agg):
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-meta"}})
        ident = agg.id_of("conf-meta")
        path = "/os-aggregates/%s/action" % ident
        seen = {}
        for label, body in [
                ("set", {"metadata": {"ssd": "true", "rack": "r1", "note": "patch window"}}),
                ("merge", {"metadata": {"rack": "r2", "gpu": "no"}}),
                ("remove", {"metadata": {"gpu": None, "absent": None}}),
                ("empty", {"metadata": {}}),
                ("zone-null", {"metadata": {"availability_zone": None}}),
                ("not-text", {"metadata": {"count": 3}}),
                ("bad-key", {"metadata": {"a/b": "x"}}),
                ("long-value", {"metadata": {"k": "v" * 256}}),
                ("no-metadata", {}),
                ("extra", {"metadata": {}, "x": 1})]:
            seen[label] = agg.call("POST", path, {"set_metadata": body})
        seen["unknown"] = agg.call("POST", "/os-aggregates/4242/action", {"set_metadata": {"metadata": {"a": "b"}}})
        seen["shown"] = agg.call("GET", "/os-aggregates/" + ident)
        return seen
    _scenario(conformance, "aggregates.metadata", steps)


# availability zones ----------------------------------------------------------------------------------------------
def test_zones(conformance):
    """compute-1 has servers, so no zone may come to it; compute-4 has none unless earlier modules moved some there
    (both backends agree on which)."""
    def steps(agg):
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-zone", "availability_zone": "conf-az"}})
        agg.call("POST", "/os-aggregates", {"aggregate": {"name": "conf-plain"}})
        zoned, plain = agg.id_of("conf-zone"), agg.id_of("conf-plain")
        seen = {}
        seen["add-with-servers"] = agg.call("POST", "/os-aggregates/%s/action" % zoned,
                                            {"add_host": {"host": "compute-1"}})
        seen["remove-not-member-with-servers"] = agg.call("POST", "/os-aggregates/%s/action" % zoned,
                                                          {"remove_host": {"host": "compute-1"}})
        seen["add-plain"] = agg.call("POST", "/os-aggregates/%s/action" % plain, {"add_host": {"host": "compute-1"}})
        seen["zone-to-plain"] = agg.call("POST", "/os-aggregates/%s/action" % plain,
                                         {"set_metadata": {"metadata": {"availability_zone": "conf-az2"}}})
        seen["put-zone-to-plain"] = agg.call("PUT", "/os-aggregates/" + plain,
                                             {"aggregate": {"availability_zone": "conf-az2"}})
        seen["add-empty-host"] = agg.call("POST", "/os-aggregates/%s/action" % zoned,
                                          {"add_host": {"host": "compute-4"}})
        seen["zones"] = agg.call("GET", "/os-availability-zone", mv="2.1")
        seen["zones-detail"] = agg.call("GET", "/os-availability-zone/detail", mv="2.1")
        seen["service"] = agg.call("GET", "/os-services?host=compute-4&binary=nova-compute", mv="2.53")
        seen["rename-zone"] = agg.call("PUT", "/os-aggregates/" + zoned, {"aggregate": {"availability_zone": "conf-az3"}})
        seen["other-zone-for-member"] = agg.call("POST", "/os-aggregates", {
            "aggregate": {"name": "conf-third", "availability_zone": "conf-az4"}})
        third = agg.id_of("conf-third")
        seen["add-member-to-other-zone"] = agg.call("POST", "/os-aggregates/%s/action" % third,
                                                    {"add_host": {"host": "compute-4"}})
        seen["remove-empty-host"] = agg.call("POST", "/os-aggregates/%s/action" % zoned,
                                             {"remove_host": {"host": "compute-4"}})
        seen["zones-after"] = agg.call("GET", "/os-availability-zone", mv="2.1")
        return seen
    _scenario(conformance, "aggregates.zones", steps)


# policy ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "method", "path", "body"), [
    ("list", "GET", "/os-aggregates", None),
    ("show", "GET", "/os-aggregates/4242", None),
    ("show-not-an-integer", "GET", "/os-aggregates/x", None),
    ("create", "POST", "/os-aggregates", {"aggregate": {"name": "conf-member"}}),
    ("create-invalid", "POST", "/os-aggregates", {"aggregate": {}}),
    ("update", "PUT", "/os-aggregates/4242", {"aggregate": {"name": "x"}}),
    ("delete", "DELETE", "/os-aggregates/4242", None),
    ("add-host", "POST", "/os-aggregates/4242/action", {"add_host": {"host": "compute-1"}}),
    ("add-host-invalid", "POST", "/os-aggregates/4242/action", {"add_host": {}}),
    ("remove-host", "POST", "/os-aggregates/4242/action", {"remove_host": {"host": "compute-1"}}),
    ("set-metadata", "POST", "/os-aggregates/4242/action", {"set_metadata": {"metadata": {}}}),
])
@pytest.mark.parametrize("cloud", ["mock-member", "mock-manager"])
def test_policy(conformance, cloud, name, method, path, body):
    role = cloud.split("-", 1)[1]
    conformance.request("aggregates.policy.%s.%s" % (role, name), method, path, body, mv="2.41", cloud=cloud)
