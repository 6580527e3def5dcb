"""What a run says must be true, and what it does must be what was asked: the playbooks as an operator runs them.

One mock (the demo topology: compute-1 holds db-1, web-1 and web-2) serves the whole module and is reset before each
test. Each test runs ``ansible-playbook novaops.migration.<playbook>`` with the extra vars an operator would type,
including the usual mistakes, and checks the verdict, the report and, through the mock's request counters, that a
refused run changed nothing.
"""

import json
import os
import threading
import time

import pytest
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, write_requests


@pytest.fixture(scope="module")
def mock():
    with mock_cloud_in_process(migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture(autouse=True)
def fresh(mock):
    mock.reset()
    mock.clear_faults()
    mock.reset_counters()


def run(tmp_path, mock, name, *args, env=None):
    return run_collection_playbook(tmp_path, name, ["-e", "cloud=mock-admin", *args], clouds_yaml=mock.clouds_yaml,
                                   env=env)


def nova(mock, method, path, body=None):
    status, _headers, parsed = mock.compute(method, path, body, microversion="2.53")
    assert status < 300, (status, parsed)
    return parsed


def service(mock, host):
    return nova(mock, "GET", "/os-services?binary=nova-compute&host=%s" % host)["services"][0]


def set_service(mock, host, **fields):
    nova(mock, "PUT", "/os-services/%s" % service(mock, host)["id"], fields)


def host_of(mock, name):
    return nova(mock, "GET", "/servers/%s" % mock.server_id(name))["server"]["OS-EXT-SRV-ATTR:host"]


def report(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# ----- bad input fails before any change, naming the -e key -------------------------------------------------------

def test_bad_extra_vars_are_refused_before_any_change_and_named(tmp_path, mock):
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "timeout=30m", "-e", "max_failures=abc",
                 "-e", "live=maybe")
    assert result.returncode != 0
    for words in ("-e timeout=30m: expected a whole number", "-e max_failures=abc", "-e live=maybe: expected true or false",
                  "Nothing was changed"):
        assert words in result.output
    assert write_requests(mock) == []
    assert service(mock, "compute-1")["status"] == "enabled"


def test_a_value_cut_at_a_space_is_refused(tmp_path, mock):
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "note=CHG-4711 DIMM swap")
    assert result.returncode != 0 and "'DIMM swap' belong to no key" in result.output and "JSON" in result.output
    assert write_requests(mock) == []


@pytest.mark.parametrize("playbook, args, meant", [
    ("evacuate_host", ["-e", "host=compute-1", "-e", "target_hosts=compute-3"], "targets"),
    ("evacuate_host", ["-e", "host=compute-1", "-e", "timout=60"], "timeout"),
    ("restore_host", ["-e", "host=compute-1", "-e", "server_filter=name == 'x'"], "filter"),
    ("migrate_server", ["-e", "server=web-1", "-e", "target_host=compute-3"], "host"),
], ids=["role-name-without-prefix", "typo", "restore-role-name", "migrate-server-target"])
def test_an_extra_var_that_would_be_ignored_is_refused_naming_the_input_meant(tmp_path, mock, playbook, args, meant):
    # Ignored silently, -e target_hosts let the scheduler send the servers to hosts the operator meant to avoid.
    result = run(tmp_path, mock, playbook, *args)
    wrong = args[-1].split("=")[0]
    assert result.returncode != 0
    assert "-e %s is not an input of this playbook and would be ignored: did you mean -e %s?" % (wrong, meant) \
        in result.output
    assert write_requests(mock) == [] and service(mock, "compute-1")["status"] == "enabled"


@pytest.mark.parametrize("args, words", [
    (["-e", "host=compute-1", "-e", "timeout=0"], "-e timeout=0: must be at least 1"),
    (["-e", "host=compute-1", "-e", "host_evacuation_timeout=0"], "host_evacuation_timeout=0: must be at least 1"),
    (["-e", "host=compute-1", "-e", "host_evacuation_max_failures=-1"], "host_evacuation_max_failures=-1"),
    (["-e", "host=compute-1", "-e", "host_evacuation_progress_interval=-5"], "host_evacuation_progress_interval=-5"),
], ids=["timeout", "role-timeout", "role-max-failures", "role-progress-interval"])
def test_out_of_range_values_never_start_a_migration(tmp_path, mock, args, words):
    result = run(tmp_path, mock, "evacuate_host", *args)
    assert result.returncode != 0 and words in result.output
    assert write_requests(mock) == [] and service(mock, "compute-1")["status"] == "enabled"


def test_migrate_server_with_a_zero_timeout_never_starts(tmp_path, mock):
    result = run(tmp_path, mock, "migrate_server", "-e", "server=web-1", "-e", "timeout=0")
    assert result.returncode != 0 and "-e timeout=0" in result.output and write_requests(mock) == []


# ----- the report path is checked before any change -------------------------------------------------------------------

def test_a_directory_as_the_report_path_is_refused_before_any_change(tmp_path, mock):
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % tmp_path)
    assert result.returncode != 0 and "is a directory" in result.output
    assert write_requests(mock) == []


def test_a_report_path_ending_with_a_slash_is_the_directory_of_the_reports(tmp_path, mock):
    # An AWX survey cannot template the host into its answer: a directory answer gets the report's default name.
    reports = tmp_path / "reports"
    reports.mkdir()
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s/" % reports)
    assert result.returncode == 0, result.output[-3000:]
    assert report(reports / "novaops-evacuation-compute-1.json")["host"] == "compute-1"
    back = run(tmp_path, mock, "restore_host", "-e", "host=compute-1", "-e", "migrate_back=true",
               "-e", "evacuation_report=%s/" % reports, "-e", "report=%s/" % reports)
    assert back.returncode == 0, back.output[-3000:]
    assert report(reports / "novaops-restore-compute-1.json")["host"] == "compute-1"
    assert host_of(mock, "web-1") == "compute-1"


def test_an_unrelated_file_at_the_report_path_is_never_overwritten(tmp_path, mock):
    precious = tmp_path / "notes.txt"
    precious.write_text("not a report\n")
    os.chmod(precious, 0o644)
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % precious)
    assert result.returncode != 0 and "not a report of this collection" in result.output
    assert precious.read_text() == "not a report\n" and oct(precious.stat().st_mode & 0o777) == "0o644"
    assert write_requests(mock) == []


def test_a_report_directory_that_does_not_exist_is_refused(tmp_path, mock):
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s/missing/r.json" % tmp_path)
    assert result.returncode != 0 and "not an existing directory" in result.output and write_requests(mock) == []


# ----- the verdict is about the host ------------------------------------------------------------------------------------

def test_a_filter_typo_is_refused_before_the_host_is_disabled(tmp_path, mock):
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", '{"filter": "metadata.drain != no"}')
    assert result.returncode != 0
    assert "reads 'no', which is not a field of a server" in result.output
    assert "excludes all 3 servers" in result.output
    assert "compute-1 would still hold 3 server(s)" in result.output and "Nothing was changed" in result.output
    assert write_requests(mock) == [] and service(mock, "compute-1")["status"] == "enabled"


def test_servers_left_on_purpose_make_the_run_partial_never_complete(tmp_path, mock):
    path = tmp_path / "evacuation.json"
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", '{"filter": "name != \'db-1\'"}',
                 "-e", "require_empty=false", "-e", "report=%s" % path)
    assert result.returncode == 0, result.output
    evacuation = report(path)
    assert evacuation["result"] == "partial" and evacuation["host_empty"] is False
    assert evacuation["summary"][0].startswith("compute-1 still holds 1 server")
    assert [s["name"] for s in evacuation["remaining"]] == ["db-1"]
    assert host_of(mock, "db-1") == "compute-1" and host_of(mock, "web-1") != "compute-1"


def test_a_host_whose_compute_service_is_down_is_refused_in_check_mode_and_for_real(tmp_path, mock):
    mock.add_fault("service_down", host="compute-1")
    for extra in (["--check"], []):
        result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", *extra)
        assert result.returncode != 0 and "nova-compute service of compute-1 is down" in result.output
        assert "HTTP 409" in result.output
    assert write_requests(mock) == []


def test_failures_name_the_servers_and_print_no_raw_results(tmp_path, mock):
    mock.add_fault("no_valid_host", server="web-1")
    path = tmp_path / "evacuation.json"
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % path,
                 "-e", "max_failures=1")
    assert result.returncode != 0
    web1 = mock.server_id("web-1")
    final = [line for line in result.output.splitlines() if line.startswith("fatal:")][-1]
    assert "web-1 (%s) failed" % web1 in final and "{'" not in final
    assert "This run disabled the compute service of compute-1" in final
    assert "Nothing was changed" not in final
    # A failed migration is one progress line, not a fatal block with the whole module result.
    assert len([line for line in result.output.splitlines() if line.startswith("fatal:")]) == 1
    evacuation = report(path)
    assert evacuation["summary"][0].startswith("compute-1 still holds 1 server: evacuation INCOMPLETE")


def test_a_host_re_enabled_during_the_run_is_reported_as_enabled(tmp_path, mock):
    mock.config(migration_seconds=1.5)
    path = tmp_path / "evacuation.json"

    def re_enable():
        deadline = time.time() + 60
        while time.time() < deadline:
            current = service(mock, "compute-1")
            if current["status"] == "disabled":
                time.sleep(1.0)
                set_service(mock, "compute-1", status="enabled")
                return
            time.sleep(0.1)

    helper = threading.Thread(target=re_enable, daemon=True)
    helper.start()
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % path)
    helper.join(timeout=5)
    evacuation = report(path)
    assert "re-enabled during the run by someone else: it is ENABLED now" in "\n".join(evacuation["summary"]), \
        result.output
    assert evacuation["service"]["status"] == "enabled"


# ----- two runs of the same host exclude each other ----------------------------------------------------------------------

def live_marker_of_another_controller():
    return ("novaops-evacuation by bob at 2026-11-30T10:00:00Z run 0badc0de live 4242@other-controller "
            "until 2999-01-01T00:00:00Z: CHG-1")


def test_a_second_run_is_refused_while_the_first_is_alive_unless_it_takes_over(tmp_path, mock):
    set_service(mock, "compute-1", status="disabled", disabled_reason=live_marker_of_another_controller())
    mock.reset_counters()
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1")
    assert result.returncode != 0 and "Another evacuation of compute-1 is running" in result.output
    assert "takeover=true" in result.output and write_requests(mock) == []
    restore = run(tmp_path, mock, "restore_host", "-e", "host=compute-1")
    assert restore.returncode != 0 and "still running" in restore.output
    assert service(mock, "compute-1")["status"] == "disabled"

    path = tmp_path / "evacuation.json"
    taken = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "takeover=true", "-e", "report=%s" % path)
    assert taken.returncode == 0, taken.output
    evacuation = report(path)
    assert evacuation["result"] == "complete" and evacuation["since"] == "2026-11-30T10:00:00Z"
    assert " run %s ended" % evacuation["run_id"] in service(mock, "compute-1")["disabled_reason"]


# ----- restore ------------------------------------------------------------------------------------------------------------

def test_restore_refuses_a_restore_report_as_the_evacuation_report(tmp_path, mock):
    evacuation = tmp_path / "evacuation.json"
    restore = tmp_path / "restore.json"
    assert run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % evacuation).returncode == 0
    first = run(tmp_path, mock, "restore_host", "-e", "host=compute-1", "-e", "report=%s" % restore)
    assert first.returncode == 0, first.output
    # Disable again as an evacuation would, then hand the restore report to the next restore.
    assert run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % evacuation).returncode == 0
    mock.reset_counters()
    wrong = run(tmp_path, mock, "restore_host", "-e", "host=compute-1", "-e", "migrate_back=true",
                "-e", "evacuation_report=%s" % restore, "-e", "report=%s" % (tmp_path / "restore2.json"))
    assert wrong.returncode != 0 and "a restore report, not an evacuation report" in wrong.output
    assert write_requests(mock) == [] and service(mock, "compute-1")["status"] == "disabled"


def test_a_restore_rerun_keeps_the_migration_ids_and_records_the_awx_user(tmp_path, mock):
    evacuation = tmp_path / "evacuation.json"
    restore = tmp_path / "restore.json"
    assert run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % evacuation).returncode == 0
    args = ["-e", "host=compute-1", "-e", "migrate_back=true", "-e", "evacuation_report=%s" % evacuation,
            "-e", "report=%s" % restore, "-e", "awx_user_name=alice"]
    assert run(tmp_path, mock, "restore_host", *args).returncode == 0
    first = report(restore)
    ids = dict((s["name"], s["migration_id"]) for s in first["servers"] if s["outcome"] == "moved")
    assert len(ids) == 3 and first["operator"] == "alice"
    assert run(tmp_path, mock, "restore_host", *args).returncode == 0
    again = report(restore)
    assert dict((s["name"], s["migration_id"]) for s in again["servers"]) == ids
    assert set(s["outcome"] for s in again["servers"]) == {"already_restored"}


# ----- progress ------------------------------------------------------------------------------------------------------------

def test_a_progress_line_comes_after_each_server_when_the_next_would_end_past_the_interval(tmp_path, mock):
    mock.config(migration_seconds=3)
    result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "progress_interval=5")
    assert result.returncode == 0, result.output
    calls = result.output.count("TASK [novaops.migration.migration_steps : Progress]")
    assert calls == 3, result.output


# ----- secrets ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [["-e", "timeout=x"], ["-e", "host_evacuation_timeout=0"], []],
                         ids=["bad-extra-var", "bad-role-variable", "failed-login"])
def test_a_cloud_dictionary_never_shows_its_password_at_vvv(tmp_path, mock, extra):
    password = "Pw-7f3c9a1e-never-printed"
    cloud = {"auth": {"auth_url": mock.url + "/v3", "username": "admin", "password": password,
                      "project_name": "admin", "user_domain_name": "Default", "project_domain_name": "Default"},
             "region_name": "RegionOne"}
    result = run_collection_playbook(tmp_path, "evacuate_host",
                                     ["-vvv", "-e", "host=compute-1", "-e", json.dumps({"cloud": cloud}), *extra],
                                     clouds_yaml=mock.clouds_yaml)
    assert result.returncode != 0
    assert password not in result.output


def test_check_mode_predicts_that_released_nova_refuses_force_on_cold_migrations(tmp_path, mock):
    for extra in (["--check"], []):
        result = run(tmp_path, mock, "evacuate_host", "-e", "host=compute-1", "-e", "targets=compute-2",
                     "-e", "force=true", *extra)
        assert result.returncode != 0 and "dropped before microversion 2.56" in result.output
        assert "nothing was changed" in result.output
    assert [route for route in write_requests(mock) if route != "POST /v2.1/servers/{server_id}/action"] == []
    assert service(mock, "compute-1")["status"] == "enabled" and host_of(mock, "web-1") == "compute-1"


def test_a_second_run_on_the_same_controller_is_refused_while_the_first_is_migrating(tmp_path, mock):
    # The marker names the first run's ansible-playbook process; the worker Ansible forks for each task has the same
    # command line but ends with its task, so naming it made the first run look interrupted once its plan was done.
    # The first run's migrations are held until the second run has answered, however slow the machine is.
    for name in ("db-1", "web-1", "web-2"):
        mock.add_fault("migration_stuck", server=name, phase="migrating")
    path = tmp_path / "evacuation.json"
    first = {}

    def evacuate():
        first["result"] = run(tmp_path / "first", mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % path)

    helper = threading.Thread(target=evacuate, daemon=True)
    helper.start()
    deadline = time.time() + 300
    while time.time() < deadline and not any(m["source_compute"] == "compute-1" for m in
                                             nova(mock, "GET", "/os-migrations")["migrations"]):
        time.sleep(0.2)
    assert helper.is_alive(), first["result"].output[-3000:]
    second = run(tmp_path / "second", mock, "evacuate_host", "-e", "host=compute-1")
    mock.clear_faults()
    helper.join(timeout=300)
    assert second.returncode != 0 and "Another evacuation of compute-1 is running" in second.output, second.output[-3000:]
    assert first["result"].returncode == 0, first["result"].output[-3000:]
    evacuation = report(path)
    assert evacuation["result"] == "complete" and evacuation["counts"]["moved"] == 3


def test_two_runs_started_together_never_both_move_servers(tmp_path, mock):
    import concurrent.futures  # pylint: disable=import-outside-toplevel
    mock.config(migration_seconds=1.0)
    path = tmp_path / "evacuation.json"

    def evacuate(name):
        return run(tmp_path / name, mock, "evacuate_host", "-e", "host=compute-1", "-e", "report=%s" % path)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(evacuate, ["first", "second"]))
    assert sorted(r.returncode == 0 for r in results) == [False, True], [r.output[-3000:] for r in results]
    loser = next(r for r in results if r.returncode != 0)
    assert "Another evacuation" in loser.output
    evacuation = report(path)
    assert evacuation["result"] == "complete" and evacuation["counts"]["moved"] == 3
    body = nova(mock, "GET", "/os-migrations")
    moves = [m for m in body["migrations"] if m["source_compute"] == "compute-1"]
    assert len(moves) == 3 and set(m["status"] for m in moves) == {"confirmed"}
    assert " run %s ended" % evacuation["run_id"] in service(mock, "compute-1")["disabled_reason"]
