"""The server-name filter is a regex search that can neither stall the mock nor answer 500."""

import concurrent.futures
import time
import urllib.parse

import pytest
from mock_cloud_helpers import nova_error
from mock_compute.models.exceptions import InvalidNameFilter
from mock_compute.models.queries import ServerFilters

LONG_NAME = "a" * 40 + "b"


def _create(mock_cloud, name):
    status, _ignored, body = mock_cloud.compute("POST", "/servers", {"server": {
        "name": name, "flavorRef": "1", "imageRef": "cirros", "networks": "none"}}, microversion="2.37")
    assert status == 202, body


def _list(mock_cloud, pattern):
    return mock_cloud.compute("GET", "/servers?all_tenants=1&name=" + urllib.parse.quote(pattern, safe=""))


def test_catastrophic_pattern_neither_stalls_the_request_nor_others(mock_cloud):
    _create(mock_cloud, LONG_NAME)
    mock_cloud.token()                                       # fetched before the clock starts
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        listing = pool.submit(_list, mock_cloud, "(a+)+$")
        other = pool.submit(mock_cloud.compute, "GET", "/flavors")
        assert other.result(timeout=10)[0] == 200
        other_done = time.monotonic() - started
        status, _ignored, body = listing.result(timeout=10)
        listing_done = time.monotonic() - started
    assert (status, body) == (200, {"servers": []})          # re.search finds no match either
    assert listing_done < 1.0 and other_done < 1.0, (listing_done, other_done)
    assert [s["name"] for s in _list(mock_cloud, "^(a+)+b$")[2]["servers"]] == [LONG_NAME]


@pytest.mark.parametrize(("pattern", "names"), [
    ("^web-", ["web-1", "web-2"]), ("web-1$", ["web-1"]), ("^(web|db)-1$", ["db-1", "web-1"]),
    ("b-[0-9]", ["db-1", "web-1", "web-2"]), ("^WEB-1$", []), ("(?i)^WEB-1$", ["web-1"])])
def test_name_filter_is_an_unanchored_regex_search(mock_cloud, pattern, names):
    status, _ignored, body = _list(mock_cloud, pattern)
    assert status == 200 and sorted(s["name"] for s in body["servers"]) == names


@pytest.mark.parametrize("pattern", ["(a", "[z-a]", "*", "a{2,1}", ""])
def test_invalid_regex_is_a_400_like_novas_query_schema(mock_cloud, pattern):
    status, _ignored, body = _list(mock_cloud, pattern)
    assert (status, nova_error(body)[2]) == (
        400, "Invalid input for query parameters name. Value: %s. %r is not a 'regex'" % (pattern, pattern))


@pytest.mark.parametrize(("pattern", "reason"), [
    ("(a)\\1", "back-references cannot be searched in linear time"), ("^(?!web)", "lookaround cannot be searched"),
    ("(?>a+)", "atomic groups"), ("a++", "possessive repeats"), ("(a{100}){100}", "the pattern is too large")])
def test_patterns_without_a_linear_search_are_refused(mock_cloud, pattern, reason):
    status, _ignored, body = _list(mock_cloud, pattern)
    message = nova_error(body)[2]
    assert status == 400 and message.startswith("Invalid input for query parameters name. Value: %s. " % pattern)
    assert reason in message


def test_a_search_over_its_work_bound_is_a_400():
    """On a large cloud a pattern whose automaton keeps growing gives up (400) instead of stalling."""
    matches = ServerFilters(name="a[ab]{20}$").name
    with pytest.raises(InvalidNameFilter) as raised:
        for number in range(100_000):
            matches(format(number * 2654435761 % 2 ** 32, "032b").replace("0", "a").replace("1", "b"))
    assert raised.value.code == 400
    assert raised.value.message.startswith("Invalid input for query parameters name. Value: a[ab]{20}$. the pattern "
                                           "is too costly")
