"""The control API answers hostile input with a 400 that names the problem, and keeps its state."""

import pytest
from mock_cloud_helpers import raw_request
from mock_compute.config import MockConfig

NUMERIC_KEYS = ("migration_seconds", "resize_confirm_window", "max_limit")
# JSON text as a client may send it: Python's parser reads 1e400 as infinity and accepts NaN/Infinity.
BAD_NUMBERS = ("1e400", "-1e400", "NaN", "Infinity", "-Infinity", "-1", "-0.5")
BAD_CASES = [(key, number) for key in NUMERIC_KEYS for number in BAD_NUMBERS]
# An integer beyond float range is a fine max_limit but no duration.
BAD_CASES += [(key, "1" + "0" * 400) for key in NUMERIC_KEYS[:2]]


def _error(body):
    assert isinstance(body, dict) and set(body) == {"error"}, body
    return body["error"]["message"]


@pytest.mark.parametrize(("key", "number"), BAD_CASES, ids=lambda value: value[:12])
def test_config_rejects_non_finite_and_negative_numbers(mock_cloud, key, number):
    before = mock_cloud.config()
    status, body = raw_request(mock_cloud, "PATCH", "/mock/config", '{"%s": %s}' % (key, number))
    assert status == 400 and key in _error(body), body
    assert mock_cloud.config() == before
    assert mock_cloud.state()["config"] == before          # /mock/state still renders


@pytest.mark.parametrize("key", NUMERIC_KEYS[:2])
def test_config_rejects_non_finite_numbers_at_startup(key):
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match=key):
            MockConfig(**{key: value})


@pytest.mark.parametrize("changes", [{"extensions": [1]}, {"extensions": [["cold-migration-force"]]},
                                     {"extensions": [{}]}, {"extensions": [None]}, {"max_microversion": 2.5},
                                     {"max_microversion": "banana"}, {"max_microversion": "2.1" + "0" * 5000}])
def test_config_wrong_types_name_the_key(mock_cloud, changes):
    before = mock_cloud.config()
    status, _ignored, body = mock_cloud.request("PATCH", "/mock/config", changes)
    assert status == 400 and next(iter(changes)) in _error(body), body
    assert mock_cloud.config() == before


@pytest.mark.parametrize("kind", [1, 1.5, True, None, [], ["http_error"], {}, {"kind": "http_error"}])
def test_fault_kind_of_wrong_type(mock_cloud, kind):
    status, _ignored, body = mock_cloud.request("POST", "/mock/faults", {"kind": kind, "status": 503})
    assert status == 400 and "'kind'" in _error(body), body
    assert mock_cloud.faults() == []


# Every field of every kind, each with values of the wrong JSON type.
_WRONG = {"string": [1, 1.5, True, [], ["x"], {}, {"a": "b"}],
          "integer": ["1", 1.5, True, [], [1], {}, {"a": 1}],
          "number": ["0.5", True, [], [0.5], {}, {"a": 0.5}]}
_FIELDS = {
    "migration_error": {"server": "string", "phase": "string", "message": "string", "count": "integer"},
    "no_valid_host": {"server": "string", "message": "string", "count": "integer"},
    "http_error": {"status": "integer", "count": "integer", "fraction": "number", "seed": "integer",
                   "method": "string", "route": "string", "message": "string"},
    "migration_stuck": {"server": "string", "phase": "string"},
    "service_down": {"host": "string"},
}
_BASE = {"http_error": {"status": 503}, "service_down": {"host": "compute-1"}}


@pytest.mark.parametrize(("kind", "field"), [(k, f) for k, fields in _FIELDS.items() for f in fields])
def test_fault_fields_of_wrong_type(mock_cloud, kind, field):
    for value in _WRONG[_FIELDS[kind][field]]:
        spec = dict(_BASE.get(kind, {}), kind=kind, **{field: value})
        status, _ignored, body = mock_cloud.request("POST", "/mock/faults", spec)
        assert status == 400 and field in _error(body), (spec, body)
    assert mock_cloud.faults() == []


@pytest.mark.parametrize("text", ['{"kind": "http_error", "status": 503, "route": "\\ud800"}',
                                  '{"kind": "migration_error", "message": "x\\udfff"}',
                                  '{"kind": "no_valid_host", "\\ud800": 1}',
                                  '{"\\ud800": 1}'])
@pytest.mark.parametrize("path", ["/mock/faults", "/mock/config"])
def test_lone_surrogates_are_refused(mock_cloud, path, text):
    """JSON may escape half a UTF-16 pair; stored or echoed, it cannot be written back as UTF-8."""
    method = "POST" if path == "/mock/faults" else "PATCH"
    status, body = raw_request(mock_cloud, method, path, text)
    assert status == 400 and "surrogate" in _error(body), body
    assert mock_cloud.faults() == [] and mock_cloud.state()["faults"] == []


@pytest.mark.parametrize("data", [b"{", b"\xff\xfe", b"[]", b"null", b'"x"', b"1e400", b"NaN", b"[" * 5000 + b"]" * 5000,
                                  b'{"a": ' * 3000 + b"1" + b"}" * 3000, b"1" * 5000])
@pytest.mark.parametrize(("method", "path"), [("POST", "/mock/reset"), ("POST", "/mock/faults"), ("GET", "/mock/faults"),
                                              ("DELETE", "/mock/faults"), ("DELETE", "/mock/faults/fault-1"),
                                              ("GET", "/mock/config"), ("PATCH", "/mock/config"), ("GET", "/mock/state"),
                                              ("GET", "/mock/counters"), ("POST", "/mock/counters/reset"),
                                              ("POST", "/mock/hosts/compute-1/restart")])
def test_control_api_never_answers_500(mock_cloud, method, path, data):
    status, body = raw_request(mock_cloud, method, path, data)
    assert status < 500, (status, body)
    if status >= 400:
        assert _error(body)
    assert raw_request(mock_cloud, "GET", "/mock/state")[0] == 200
