"""Property-based fuzzing: bad input never yields a 5xx, always a Nova-format error, and never changes state."""

import json
import os
import string
import tempfile
import urllib.parse
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from mock_compute.api.app import create_app
from mock_compute.config import MockConfig
from mock_compute.models import topology
from mock_compute.models.cloud import Cloud

# Hypothesis caches data in ./.hypothesis; keep the checkout clean (database=None below keeps no examples).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "mock-compute-hypothesis"))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ACTIONS = ["migrate", "os-migrateLive", "confirmResize", "revertResize", "evacuate", "resize", "os-stop", "os-start",
           "pause", "unpause", "lock", "unlock", "force_complete", "reboot"]
KEYS = ["host", "force", "block_migration", "disk_over_commit", "onSharedStorage", "adminPass", "status",
        "disabled_reason", "forced_down", "binary", "flavorRef", "name", "locked_reason", "server", "x"]
HOSTS = ["compute-1", "compute-2", "compute-10", "compute-az2-1", "controller", "nope", ""]
VERSIONS = ["2.1", "2.11", "2.22", "2.24", "2.25", "2.30", "2.33", "2.34", "2.53", "2.56", "2.59", "2.65", "2.66",
            "2.68", "2.80", "2.88", "2.95", "2.102", "2.103", "latest", "2.104", "2.x", "", "3.0", "compute"]
QUERY_NAMES = ["host", "source_compute", "status", "instance_uuid", "migration_type", "hidden", "changes-since",
               "changes-before", "user_id", "project_id", "limit", "marker", "all_tenants", "name", "node", "binary",
               "tenant_id", "locked", "_secret", "type", "with_servers", "hypervisor_hostname_pattern", "foo"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 40, 2 ** 40), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from([*HOSTS, "auto", "true", "0", "enabled", "disabled"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)
plausible_values = st.sampled_from([*HOSTS, None, True, False, "auto", "true", "yes", "enabled", "disabled", "2", "x"])
action_bodies = st.one_of(
    st.builds(lambda a, v: {a: v}, st.sampled_from(ACTIONS),
              st.none() | st.dictionaries(st.sampled_from(KEYS), plausible_values, max_size=3)),
    st.dictionaries(st.sampled_from(KEYS), plausible_values, max_size=3),
    st.dictionaries(st.sampled_from(ACTIONS), json_values, min_size=1, max_size=2),
    st.builds(lambda a, v: {a: v}, st.sampled_from(ACTIONS),
              st.dictionaries(st.sampled_from(KEYS), json_values, max_size=4) | st.none()),
    json_values)
raw_bodies = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"{", b"[]", b"null", b'{"migrate": }', b"\xff\xfe", b'{"a": 1' * 3, b"[" * 5000 + b"]" * 5000]))
ids = st.one_of(st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=40),
                st.uuids().map(str), st.sampled_from(["1", "0", "-1", "999", "detail"]))
queries = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), st.text(max_size=12) | st.sampled_from(HOSTS)),
                   max_size=4)


@pytest.fixture(scope="module")
def fuzz_env():
    cloud = Cloud(topology.load_demo(), MockConfig(migration_seconds=0.05))
    client = TestClient(create_app(cloud, run_ticker=False))
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"name": "Default"}, "password": "secret"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
    token = client.post("/v3/auth/tokens", json=body).headers["X-Subject-Token"]
    servers = [s.uuid for s in cloud.state.servers.values()]
    services = [s.uuid for s in cloud.state.services.values()]
    # The expected state: recomputed only after a successful mutation forces a reset.
    baseline = {"state": _comparable(cloud)}
    return cloud, client, token, servers, services, baseline


def _comparable(cloud):
    snapshot = cloud.snapshot()
    snapshot.pop("active_workflows")
    return json.dumps(snapshot, sort_keys=True, default=str)


@st.composite
def requests(draw, servers, services):
    """(method, path, body bytes or None, extra headers)."""
    server = draw(st.one_of(st.sampled_from(servers), ids))
    service = draw(st.one_of(st.sampled_from(services), ids, st.sampled_from(["enable", "disable", "force-down",
                                                                              "disable-log-reason"])))
    migration = draw(st.sampled_from(["1", "2", "abc", "00000000-0000-4000-8000-000000000000"]))
    choice = draw(st.sampled_from(["action", "action", "action", "service", "migrations", "servers", "show",
                                   "create", "server_migrations", "migration_action", "abort", "hypervisors"]))
    body = json.dumps(draw(action_bodies)).encode() if draw(st.booleans()) else draw(raw_bodies)
    query = "?" + urllib.parse.urlencode(draw(queries))
    routes = {
        "action": ("POST", "/v2.1/servers/%s/action" % server, body),
        "service": ("PUT", "/v2.1/os-services/%s" % service, body),
        "migrations": ("GET", "/v2.1/os-migrations" + query, None),
        "servers": ("GET", draw(st.sampled_from(["/v2.1/servers", "/v2.1/servers/detail"])) + query, None),
        "show": ("GET", "/v2.1/servers/%s%s" % (server, query), None),
        "create": ("POST", "/v2.1/servers", body),
        "server_migrations": ("GET", "/v2.1/servers/%s/migrations%s" % (server, query), None),
        "migration_action": ("POST", "/v2.1/servers/%s/migrations/%s/action" % (server, migration), body),
        "abort": ("DELETE", "/v2.1/servers/%s/migrations/%s" % (server, migration), None),
        "hypervisors": ("GET", draw(st.sampled_from(["/v2.1/os-hypervisors", "/v2.1/os-hypervisors/detail",
                                                     "/v2.1/os-hypervisors/%s" % server])) + query, None),
    }
    method, path, payload = routes[choice]
    headers = {}
    version = draw(st.sampled_from(VERSIONS) | st.text(max_size=6))
    header = draw(st.sampled_from(["OpenStack-API-Version", "X-OpenStack-Nova-API-Version", None]))
    if header == "OpenStack-API-Version":
        headers[header] = "compute " + version
    elif header:
        headers[header] = version
    if payload is not None and draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(["application/json", "text/plain", "application/xml", ""]))
    return method, path, payload, headers


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bad_input_is_rejected_cleanly(fuzz_env, data):
    cloud, client, token, servers, services, baseline = fuzz_env
    method, path, body, headers = data.draw(requests(servers, services))
    headers = {"X-Auth-Token": token, **{k: v for k, v in headers.items() if all(ord(c) < 128 for c in v)}}
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code < 500, (method, path, body, headers, response.text)
    if response.status_code >= 400:
        payload = response.json()
        assert len(payload) == 1, payload
        name, fault = next(iter(payload.items()))
        assert name in ("badRequest", "forbidden", "itemNotFound", "badMethod", "conflictingRequest", "overLimit",
                        "badMediaType", "computeFault"), payload
        assert fault["code"] == response.status_code and isinstance(fault["message"], str)
        assert _comparable(cloud) == baseline["state"], (method, path, body, headers, response.text)
    elif method != "GET":
        cloud.reset()
        baseline["state"] = _comparable(cloud)


def test_oversized_body_gets_413(fuzz_env):
    cloud, client, token, servers, _services, _baseline = fuzz_env
    before = _comparable(cloud)
    response = client.post("/v2.1/servers/%s/action" % servers[0], content=b'{"migrate": "' + b"x" * (2 * 1024 * 1024)
                           + b'"}', headers={"X-Auth-Token": token, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["overLimit"]["code"] == 413
    assert _comparable(cloud) == before


@pytest.mark.parametrize(("action", "version"), [({"migrate": {"host": "\ud800"}}, "2.56"),
                                                 ({"lock": {"locked_reason": "x\udfff"}}, "2.73"),
                                                 ({"os-migrateLive": {"host": "\ud800", "block_migration": "auto"}}, "2.30")])
def test_lone_surrogates_are_a_400_and_change_nothing(fuzz_env, action, version):
    """JSON may escape half a UTF-16 pair; Nova's patterns refuse it, and stored it could never be rendered."""
    cloud, client, token, servers, _services, _baseline = fuzz_env
    before = _comparable(cloud)
    response = client.post("/v2.1/servers/%s/action" % servers[0], content=json.dumps(action),
                           headers={"X-Auth-Token": token, "Content-Type": "application/json",
                                    "OpenStack-API-Version": "compute %s" % version})
    assert response.status_code == 400 and response.json()["badRequest"]["code"] == 400
    assert _comparable(cloud) == before


@pytest.mark.parametrize("path", ["/v2.1/servers", "/v2.1/servers/detail", "/v2.1/flavors", "/v2.1/os-migrations",
                                  "/v2.1/os-hypervisors"])
def test_limit_beyond_int_conversion_is_a_400(fuzz_env, path):
    """int() refuses more than 4300 digits; Nova's limit check answers 400 'limit param must be an integer'."""
    _cloud, client, token, _servers, _services, _baseline = fuzz_env
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.80"}
    response = client.get(path + "?limit=" + "9" * 5000, headers=headers)
    assert (response.status_code, response.json()) == (
        400, {"badRequest": {"code": 400, "message": "limit param must be an integer"}})
