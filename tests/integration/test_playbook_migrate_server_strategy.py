"""The migrate_server playbook with -e migration_strategy: a PAUSED server moves live under auto, a stopped one cold,
a rerun with the same host changes nothing, and -e live with -e migration_strategy is refused before any change."""

import pytest
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook


@pytest.fixture(scope="module")
def demo():
    with mock_cloud_in_process(migration_seconds=0.2) as handle:
        yield handle


def run(tmp_path, mock, *args):
    return run_collection_playbook(tmp_path, "migrate_server", ["-e", "cloud=mock-admin", *args],
                                   clouds_yaml=mock.clouds_yaml)


def server(mock, name):
    status, _headers, parsed = mock.compute("GET", "/servers/detail?name=^%s$&all_tenants=1" % name, None,
                                            microversion="2.53")
    assert status == 200, parsed
    (body,) = parsed["servers"]
    return body["OS-EXT-SRV-ATTR:host"], body["status"]


def test_auto_moves_a_paused_server_live_and_a_rerun_changes_nothing(tmp_path, demo):
    assert server(demo, "cache-1") == ("compute-2", "PAUSED")
    first = run(tmp_path, demo, "-e", "server=cache-1", "-e", "migration_strategy=auto", "-e", "host=compute-4")
    assert first.returncode == 0, first.output
    assert "live-migrated from compute-2 to compute-4" in first.output
    assert "live: status PAUSED: live migration (strategy auto)" in first.output
    assert server(demo, "cache-1") == ("compute-4", "PAUSED")
    again = run(tmp_path, demo, "-e", "server=cache-1", "-e", "migration_strategy=auto", "-e", "host=compute-4")
    assert again.returncode == 0 and "changed=0" in again.output
    assert "Nothing to do: server is already on compute-4" in again.output


def test_auto_moves_a_stopped_server_cold(tmp_path, demo):
    result = run(tmp_path, demo, "-e", "server=batch-1", "-e", "migration_strategy=auto", "-e", "fallback=cold")
    assert result.returncode == 0, result.output
    assert "cold: status SHUTOFF: cold migration (nothing running to interrupt)" in result.output
    host, status = server(demo, "batch-1")
    assert host != "compute-3" and status == "SHUTOFF"


@pytest.mark.parametrize(("args", "words"), [
    (["-e", "live=true", "-e", "migration_strategy=auto"], "-e live and -e migration_strategy both say"),
    (["-e", "migration_strategy=cold", "-e", "on_stall=abort"], "drop on_stall"),
    (["-e", "migration_strategy=sideways"], "migration_strategy"),
])
def test_contradictions_are_refused_before_any_change(tmp_path, demo, args, words):
    before = server(demo, "db-1")
    result = run(tmp_path, demo, "-e", "server=db-1", *args)
    assert result.returncode != 0
    assert words in result.output and "Nothing was changed" in result.output
    assert server(demo, "db-1") == before
