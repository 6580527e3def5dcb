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
                                     {"extensions": [{}]}, {"extensions": [None]}, {"max_microversion": 2.5}])
def test_config_wrong_types_name_the_key(mock_cloud, changes):
    before = mock_cloud.config()
    status, _ignored, body = mock_cloud.request("PATCH", "/mock/config", changes)
    assert status == 400 and next(iter(changes)) in _error(body), body
    assert mock_cloud.config() == before
