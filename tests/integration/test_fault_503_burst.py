"""A burst of 503s, as a load balancer answers while an API restarts, must not fail a maintenance run.

One request in five, on every route (Keystone's token and version discovery included), is answered 503. The
evacuation and the restore must complete with nothing lost: every server moved once, verified, and reported.
"""

import json

import pytest
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook


@pytest.fixture(scope="module")
def bursty():
    with mock_cloud_in_process(migration_seconds=0.3) as handle:
        yield handle


def read(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_an_evacuation_and_a_restore_ride_out_one_503_in_five(tmp_path, bursty):
    bursty.add_fault("http_error", status=503, fraction=0.2, seed=7)
    evacuation, restore = tmp_path / "evacuation.json", tmp_path / "restore.json"
    result = run_collection_playbook(tmp_path, "evacuate_host", ["-e", "host=compute-1", "-e", "cloud=mock-admin",
                                                                 "-e", "report=%s" % evacuation],
                                     clouds_yaml=bursty.clouds_yaml)
    assert result.returncode == 0, result.output[-4000:]
    report = read(evacuation)
    assert report["result"] == "complete" and report["counts"]["moved"] == 3 and report["counts"]["failed"] == 0

    back = run_collection_playbook(tmp_path, "restore_host", ["-e", "host=compute-1", "-e", "cloud=mock-admin",
                                                              "-e", "migrate_back=true",
                                                              "-e", "evacuation_report=%s" % evacuation,
                                                              "-e", "report=%s" % restore],
                                   clouds_yaml=bursty.clouds_yaml)
    assert back.returncode == 0, back.output[-4000:]
    assert read(restore)["result"] == "complete"

    bursty.clear_faults()
    _status, _headers, body = bursty.compute("GET", "/os-migrations", microversion="2.59")
    away = [m for m in body["migrations"] if m["source_compute"] == "compute-1"]
    home = [m for m in body["migrations"] if m["dest_compute"] == "compute-1"]
    # Nothing lost and nothing doubled: one confirmed migration per server each way.
    assert sorted(m["status"] for m in away) == ["confirmed"] * 3
    assert sorted(m["status"] for m in home) == ["confirmed"] * 3
    assert len(set(m["instance_uuid"] for m in away)) == 3
