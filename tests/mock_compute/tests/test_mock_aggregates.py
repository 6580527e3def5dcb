"""Host aggregates: os-aggregates through openstacksdk and raw calls, Nova's refusals, the zones aggregates give
their hosts (os-availability-zone, services, servers, the scheduler) and the topology's ``aggregates`` key."""

import openstack
import pytest
from mock_cloud_helpers import nova_error, wait_for
from mock_compute.models.exceptions import InvalidTopology
from mock_compute.models.topology import normalize
from mock_compute.testing import mock_cloud_in_process

TOPOLOGY = {
    "name": "aggregates",
    "hosts": [{"name": "compute-1"}, {"name": "compute-2"}, {"name": "compute-3", "zone": "az2"},
              {"name": "spare-1"}, {"name": "spare-2"}],
    "aggregates": [{"name": "ssd", "hosts": ["compute-1", "compute-2"], "metadata": {"disk": "ssd"}},
                   {"name": "edge", "zone": "edge", "hosts": ["spare-2"]}],
    "servers": [{"name": "web-1", "host": "compute-1"}, {"name": "db-1", "host": "compute-3"}],
}


@pytest.fixture(scope="module")
def cloud():
    with mock_cloud_in_process(topology=TOPOLOGY, migration_seconds=0.2) as handle:
        yield handle


@pytest.fixture
def mock(cloud):
    cloud.reset()
    return cloud


@pytest.fixture
def conn(cloud):
    return cloud.connect("mock-admin")


def _zones(mock):
    body = mock.compute("GET", "/os-availability-zone/detail")[2]
    return {z["zoneName"]: sorted(z["hosts"] or ()) for z in body["availabilityZoneInfo"]}


def test_topology_aggregates_through_openstacksdk(mock, conn):
    aggregates = {a.name: a for a in conn.compute.aggregates()}
    # a host outside the default zone gets an aggregate named after its zone, listed first
    assert list(aggregates) == ["az2", "ssd", "edge"]
    assert aggregates["az2"].availability_zone == "az2" and aggregates["az2"].hosts == ["compute-3"]
    assert aggregates["ssd"].availability_zone is None and aggregates["ssd"].metadata == {"disk": "ssd"}
    assert aggregates["edge"].metadata == {"availability_zone": "edge"} and aggregates["edge"].uuid
    shown = conn.compute.get_aggregate(aggregates["ssd"].id)
    assert shown.hosts == ["compute-1", "compute-2"] and shown.is_deleted is False and shown.deleted_at is None
    assert conn.compute.find_aggregate("edge").id == aggregates["edge"].id
    assert _zones(mock) == {"nova": ["compute-1", "compute-2", "spare-1"], "az2": ["compute-3"],
                            "edge": ["spare-2"], "internal": ["controller"]}


def test_create_add_host_and_metadata_through_openstacksdk(mock, conn):
    made = conn.compute.create_aggregate(name="maintenance", availability_zone="maint")
    assert made.availability_zone == "maint" and made.hosts is None and made.metadata is None
    after = conn.compute.add_host_to_aggregate(made, "spare-1")
    assert after.hosts == ["spare-1"] and after.metadata == {"availability_zone": "maint"}
    after = conn.compute.set_aggregate_metadata(made, campaign="2026-12", wave="1")
    assert after.metadata == {"availability_zone": "maint", "campaign": "2026-12", "wave": "1"}
    assert conn.compute.set_aggregate_metadata(made, wave=None).metadata == {
        "availability_zone": "maint", "campaign": "2026-12"}
    # the host is in the aggregate's zone now, for every API that shows zones
    assert _zones(mock)["maint"] == ["spare-1"]
    service = next(iter(conn.compute.services(host="spare-1", binary="nova-compute")))
    assert service.availability_zone == "maint"
    conn.compute.remove_host_from_aggregate(made, "spare-1")
    assert "maint" not in _zones(mock) and "spare-1" in _zones(mock)["nova"]
    conn.compute.delete_aggregate(made)
    assert conn.compute.find_aggregate("maintenance") is None


def test_fields_per_microversion(mock):
    status, _headers, body = mock.compute("GET", "/os-aggregates", microversion="2.40")
    assert status == 200 and all("uuid" not in a for a in body["aggregates"])
    item = mock.compute("GET", "/os-aggregates", microversion="2.41")[2]["aggregates"][1]
    assert set(item) == {"availability_zone", "created_at", "deleted", "deleted_at", "hosts", "id", "metadata",
                         "name", "updated_at", "uuid"}
    status, _headers, body = mock.compute("POST", "/os-aggregates", {"aggregate": {"name": "x"}}, microversion="2.41")
    # 200, not 201, and no hosts or metadata in a create's answer
    assert status == 200 and set(body["aggregate"]) == {"availability_zone", "created_at", "deleted", "deleted_at",
                                                        "id", "name", "updated_at", "uuid"}
    assert mock.compute("GET", "/os-aggregates?x=1", microversion="2.101")[0] == 200
    assert mock.compute("GET", "/os-aggregates?x=1", microversion="2.102")[0] == 400


def test_errors_like_nova(mock):
    ssd = 2
    cases = [
        ("POST", "/os-aggregates", {"aggregate": {"name": "ssd"}}, 409, "Aggregate ssd already exists."),
        ("POST", "/os-aggregates", {"aggregate": {"name": "x", "availability_zone": "a:b"}}, 400,
         "Invalid input for field/attribute availability_zone. Value: a:b. 'a:b' is not valid under any of the "
         "given schemas"),
        ("GET", "/os-aggregates/99", None, 404, "Aggregate 99 could not be found."),
        ("GET", "/os-aggregates/ssd", None, 400, "Invalid input received: id must be an integer"),
        ("POST", "/os-aggregates/%d/action" % ssd, {"add_host": {"host": "compute-1"}}, 409,
         "Aggregate 2 already has host compute-1."),
        ("POST", "/os-aggregates/%d/action" % ssd, {"add_host": {"host": "nowhere"}}, 404,
         "Compute host nowhere could not be found."),
        ("POST", "/os-aggregates/%d/action" % ssd, {"add_host": {"host": "controller"}}, 404,
         "Compute host controller could not be found."),
        ("POST", "/os-aggregates/%d/action" % ssd, {"remove_host": {"host": "spare-1"}}, 404,
         "Cannot remove host spare-1 in aggregate 2"),
        ("DELETE", "/os-aggregates/%d" % ssd, None, 400,
         "Cannot remove host from aggregate 2. Reason: Host aggregate is not empty."),
        ("POST", "/os-aggregates/%d/action" % ssd, {"set_metadata": {"metadata": {"availability_zone": None}}},
         400, "Cannot update metadata of aggregate 2. Reason: Aggregate ssd does not support empty named "
              "availability zone."),
        ("PUT", "/os-aggregates/%d" % ssd, {"aggregate": {}}, 400,
         "Invalid input for field/attribute aggregate. Value: {}. {} is not valid under any of the given schemas"),
        ("POST", "/os-aggregates/%d/action" % ssd, {"set_metadata": {"metadata": {"a/b": "x"}}}, 400,
         "Invalid input for field/attribute metadata. Value: {'a/b': 'x'}. 'a/b' does not match any of the "
         "regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
        ("POST", "/os-aggregates/%d/action" % ssd, {"set_metadata": {"metadata": {"n": 1}}}, 400,
         "Invalid input for field/attribute n. Value: 1. 1 is not of type 'string', 'null'"),
        ("POST", "/os-aggregates/%d/action" % ssd, {"add_hosts": {"host": "x"}}, 400,
         "There is no such action: add_hosts"),
    ]
    for method, path, body, status, message in cases:
        got, _headers, reply = mock.compute(method, path, body, microversion="2.41")
        assert (got, nova_error(reply)[2]) == (status, message), (method, path, body)


def test_zone_changes_that_would_move_servers_are_refused(mock):
    agg = mock.compute("POST", "/os-aggregates", {"aggregate": {"name": "maint", "availability_zone": "maint"}})[2]
    action = "/os-aggregates/%d/action" % agg["aggregate"]["id"]
    status, _headers, body = mock.compute("POST", action, {"add_host": {"host": "compute-1"}})
    assert status == 409 and nova_error(body)[2].startswith(
        "Cannot add host to aggregate 4. Reason: The host cannot be added to the aggregate as the availability "
        "zone of the host would change from 'None' to 'maint' but the host already has 1 instance(s).")
    # Nova asks whether the servers would move before it looks for the host in the aggregate
    status, _headers, body = mock.compute("POST", action, {"remove_host": {"host": "compute-1"}})
    assert status == 409 and "would change from 'maint' to 'None'" in nova_error(body)[2]
    # a host of another zone cannot join
    status, _headers, body = mock.compute("POST", "/os-aggregates/3/action", {"add_host": {"host": "compute-3"}})
    assert status == 409 and nova_error(body)[2] == (
        "Cannot add host to aggregate 3. Reason: One or more hosts already in availability zone(s) ['az2'].")
    # the ssd aggregate's hosts have servers: it cannot get a zone
    for method, path, body in [("POST", "/os-aggregates/2/action",
                                {"set_metadata": {"metadata": {"availability_zone": "fast"}}}),
                               ("PUT", "/os-aggregates/2", {"aggregate": {"availability_zone": "fast"}})]:
        status, _headers, reply = mock.compute(method, path, body)
        assert status == 400 and nova_error(reply)[2].endswith("Reason: One or more hosts contain instances in this zone.")
    # the rename of a refused PUT is kept, as Nova saves it first
    rename = {"aggregate": {"name": "fast", "availability_zone": None}}
    status, _headers, reply = mock.compute("PUT", "/os-aggregates/2", rename)
    assert status == 400
    assert mock.compute("GET", "/os-aggregates/2")[2]["aggregate"]["name"] == "fast"


def test_an_empty_host_changes_zone_and_the_scheduler_follows(mock):
    agg = mock.compute("POST", "/os-aggregates", {"aggregate": {"name": "far", "availability_zone": "far"}})[2]
    boot = {"server": {"name": "far-1", "flavorRef": "1", "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b",
                       "availability_zone": "far", "networks": "none"}}
    # no host, no zone
    status, _headers, body = mock.compute("POST", "/servers", boot, microversion="2.37")
    assert (status, nova_error(body)[2]) == (400, "The requested availability zone is not available")
    assert mock.compute("POST", "/os-aggregates/%d/action" % agg["aggregate"]["id"],
                        {"add_host": {"host": "spare-1"}})[0] == 200
    # a server booted into the new zone lands on its only host and shows the zone
    status, _headers, body = mock.compute("POST", "/servers", boot, microversion="2.37")
    assert status == 202

    def placed():
        server = mock.compute("GET", "/servers/%s" % body["server"]["id"])[2]["server"]
        return server if server["status"] == "ACTIVE" else None
    server = wait_for(placed, message="far-1 to build")
    assert server["OS-EXT-SRV-ATTR:host"] == "spare-1" and server["OS-EXT-AZ:availability_zone"] == "far"
    # the zone's host now has a server: taking it out would move it, so Nova refuses
    status, _headers, _reply = mock.compute("POST", "/os-aggregates/%d/action" % agg["aggregate"]["id"],
                                            {"remove_host": {"host": "spare-1"}})
    assert status == 409


def test_admin_only(cloud, mock):
    member = cloud.connect("mock-member")
    with pytest.raises(openstack.exceptions.ForbiddenException, match="os-aggregates:index"):
        list(member.compute.aggregates())
    status, _headers, body = mock.compute("POST", "/os-aggregates/2/action", {"add_host": {}}, user="member")
    assert status == 400    # the schema is checked before the policy
    status, _headers, body = mock.compute("DELETE", "/os-aggregates/2", user="member")
    assert (status, nova_error(body)[2]) == (403, "Policy doesn't allow os_compute_api:os-aggregates:delete to be "
                                                  "performed.")


def test_reset_restores_the_topology_aggregates(mock):
    mock.compute("POST", "/os-aggregates/2/action", {"remove_host": {"host": "compute-2"}})
    mock.compute("POST", "/os-aggregates", {"aggregate": {"name": "gone-after-reset"}})
    assert [a["name"] for a in mock.state()["aggregates"]] == ["az2", "ssd", "edge", "gone-after-reset"]
    mock.reset()
    state = mock.state()
    assert [(a["name"], a["hosts"]) for a in state["aggregates"]] == [
        ("az2", ["compute-3"]), ("ssd", ["compute-1", "compute-2"]), ("edge", ["spare-2"])]


@pytest.mark.parametrize(("doc", "message"), [
    ({"hosts": [{"name": "a"}], "aggregates": [{"name": "x", "hosts": ["b"]}]}, "hosts must be distinct names"),
    ({"hosts": [{"name": "a"}], "aggregates": [{"name": "x", "zone": "z1", "hosts": ["a"]},
                                               {"name": "y", "zone": "z2", "hosts": ["a"]}]}, "zones z1, z2"),
    ({"hosts": [{"name": "a", "zone": "z1"}], "aggregates": [{"name": "x", "zone": "z2", "hosts": ["a"]}]},
     "zone z1, but its aggregates put it in z2"),
    ({"hosts": [{"name": "a", "zone": "z1"}], "aggregates": [{"name": "z1", "hosts": []}]},
     "need it to have that zone"),
    ({"hosts": [{"name": "a"}], "aggregates": [{"name": "x", "zone": "a:b"}]}, "without ':'"),
    ({"hosts": [{"name": "a"}], "aggregates": [{"name": "x"}, {"name": "x"}]}, "unique names"),
])
def test_topology_refuses_what_nova_refuses(doc, message):
    with pytest.raises(InvalidTopology, match=message):
        normalize(doc)


def test_topology_zone_from_aggregate():
    topology = normalize({"hosts": [{"name": "a"}, {"name": "b", "zone": "z"}],
                          "aggregates": [{"name": "zone-z", "metadata": {"availability_zone": "z"}, "hosts": ["a"]}]})
    assert [(h["name"], h["zone"]) for h in topology["hosts"]] == [("a", "z"), ("b", "z")]
    # b's zone needs an aggregate of that zone: it joins one made after its zone's name
    assert [(a["name"], a["zone"], a["hosts"]) for a in topology["aggregates"]] == [
        ("z", "z", ["b"]), ("zone-z", "z", ["a"])]
