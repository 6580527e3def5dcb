"""Request counters are keyed by route template, so a client cannot make them grow without bound."""

import uuid

from mock_cloud_helpers import raw_request


def test_unknown_paths_share_one_counter(mock_cloud):
    mock_cloud.reset_counters()
    prefixes = ("/v2.1/no-such-", "/v2.1/servers/x/y/", "/v3/nope-", "/placement/nope-", "/nope-")
    for prefix in prefixes:
        for _ignored in range(20):
            mock_cloud.request("GET", prefix + uuid.uuid4().hex)
            mock_cloud.request("DELETE", prefix + uuid.uuid4().hex)
    counters = mock_cloud.counters()
    assert counters["by_route"] == {"GET (unmatched)": 100, "DELETE (unmatched)": 100}
    assert counters["total"] == 200


def test_unknown_methods_share_one_counter(mock_cloud):
    mock_cloud.reset_counters()
    for number in range(30):
        raw_request(mock_cloud, "X-METHOD-%d" % number, "/v2.1/servers")
        raw_request(mock_cloud, "X-METHOD-%d" % number, "/nope-%d" % number)
    assert mock_cloud.counters()["by_route"] == {"OTHER /v2.1/servers": 30, "OTHER (unmatched)": 30}


def test_known_routes_keep_their_template(mock_cloud):
    mock_cloud.token()                                                  # cached: not counted below
    mock_cloud.reset_counters()
    for _ignored in range(3):
        mock_cloud.compute("GET", "/servers/%s" % uuid.uuid4())
    mock_cloud.compute("PUT", "/servers")                               # known path, method not allowed
    assert mock_cloud.counters()["by_route"] == {"GET /v2.1/servers/{server_id}": 3, "PUT /v2.1/servers": 1}
