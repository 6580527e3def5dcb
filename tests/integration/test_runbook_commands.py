"""docs/maintenance-runbook.md, run as written: every command of its ``console`` blocks, in order, against the mock.

The runbook's names work unchanged: the mock holds compute-17 (web-1, db-1, web-2 and the locked licence-1),
compute-18 and compute-19, and the clouds.yaml names it ``prod-admin``. A second entry, ``lab-admin``, points nowhere,
so a command that forgets its cloud fails instead of falling back on the only cloud of the file. The one placeholder
replaced is the report directory, which is moved under the test's temporary directory (``PATHS``).

Each command runs with bash (``mkdir -p``, ``\\`` continuations and comments work as in a terminal), with the checkout
on ANSIBLE_COLLECTIONS_PATH, OS_CLIENT_CONFIG_FILE set and USER=alice, and must succeed, unless ``EXPECTED_FAILURES``
says the runbook shows it failing, in which case it must fail with the words the runbook shows. A ``yaml`` block
starting with ``# vars.yml`` is written to vars.yml at its place in the runbook. Commands for a situation the runbook
describes (a second run alive, a server waiting in VERIFY_RESIZE, a live migration that never ends) get that situation
from ``SETUPS`` first. Every key of those tables must match exactly one command, so the test follows the runbook's
edits instead of going stale.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import environment as playbook_environment

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "docs" / "maintenance-runbook.md"
CLOUD = "prod-admin"
OPERATOR = "alice"

TOPOLOGY = {
    "name": "runbook",
    "zones": ["nova"],
    "host_defaults": {"vcpus": 16, "memory_mb": 32768, "disk_gb": 500},
    "flavors": [
        {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1},
        {"id": "2", "name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20},
        {"id": "3", "name": "m1.medium", "vcpus": 2, "ram": 4096, "disk": 40},
    ],
    "hosts": [
        {"name": "compute-17", "zone": "nova"},
        {"name": "compute-18", "zone": "nova"},
        {"name": "compute-19", "zone": "nova"},
    ],
    "servers": [
        {"name": "web-1", "host": "compute-17", "flavor": "m1.small", "status": "ACTIVE", "project": "demo",
         "user": "member"},
        {"name": "web-2", "host": "compute-17", "flavor": "m1.small", "status": "SHUTOFF", "project": "demo",
         "user": "member"},
        {"name": "db-1", "host": "compute-17", "flavor": "m1.medium", "status": "ACTIVE", "project": "admin"},
        {"name": "licence-1", "host": "compute-17", "flavor": "m1.small", "status": "ACTIVE", "project": "admin",
         "locked": "admin", "locked_reason": "licence bound to compute-17"},
        {"name": "app-1", "host": "compute-18", "flavor": "m1.small", "status": "ACTIVE", "project": "demo",
         "user": "member"},
    ],
}

# The runbook's paths, and where the test puts them.
PATHS = {"/var/lib/novaops": "{workdir}/var/lib/novaops"}


# ----- the situations some commands are written for --------------------------------------------------------------------

def _nova(mock, method, path, body=None, microversion="2.53"):
    status, _headers, parsed = mock.compute(method, path, body, microversion=microversion)
    assert status < 300, (method, path, status, parsed)
    return parsed


def _wait(what, predicate, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("the mock did not reach: %s" % what)


def another_run_is_alive(mock):
    """The cloud as the topology has it, with compute-17 disabled by a run of bob on controller ctl-2 that looks alive."""
    mock.reset()
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    marker = "novaops-evacuation by bob at %s run 0badc0de live 4242@ctl-2 until %s: CHG-4711 DIMM swap" % (
        (now - datetime.timedelta(minutes=5)).strftime(stamp), (now + datetime.timedelta(minutes=30)).strftime(stamp))
    service = _nova(mock, "GET", "/os-services?binary=nova-compute&host=compute-17")["services"][0]
    _nova(mock, "PUT", "/os-services/%s" % service["id"], {"status": "disabled", "disabled_reason": marker})


def web_1_waits_in_verify_resize(mock):
    """web-1 cold-migrated away from compute-17 and not confirmed."""
    mock.reset()
    server = mock.server_id("web-1")
    _nova(mock, "POST", "/servers/%s/action" % server, {"migrate": None}, microversion="2.56")
    _wait("web-1 in VERIFY_RESIZE",
          lambda: _nova(mock, "GET", "/servers/%s" % server)["server"]["status"] == "VERIFY_RESIZE")


def db_1_live_migration_never_ends(mock):
    """A live migration of db-1 that stays 'running'."""
    mock.reset()
    mock.add_fault("migration_stuck", server="db-1", phase="running")
    server = mock.server_id("db-1")
    _nova(mock, "POST", "/servers/%s/action" % server,
          {"os-migrateLive": {"host": None, "block_migration": "auto"}}, microversion="2.30")
    _wait("db-1's live migration running", lambda: any(
        m["status"] == "running" for m in _nova(mock, "GET", "/os-migrations?instance_uuid=%s" % server,
                                                microversion="2.59")["migrations"]))


# Keys: (start of the section heading, words of the command); each must match exactly one command.
SETUPS = {
    ("## 7.", "evacuate_host -e @vars.yml -e require_empty=false\n"): another_run_is_alive,
    ("## 8.", "action=confirm"): web_1_waits_in_verify_resize,
    ("## 8.", "action=revert"): web_1_waits_in_verify_resize,
    ("## 8.", "migrate_server -e server=web-1 -e source_host=compute-17"): web_1_waits_in_verify_resize,
    ("## 8.", "action=abort"): db_1_live_migration_never_ends,
    ("## 8.", "action=force_complete"): db_1_live_migration_never_ends,
}

# The commands the runbook shows failing, and the words it shows.
EXPECTED_FAILURES = {
    ("## 0.", '-e "note=CHG-4711 DIMM swap"'): "The words 'DIMM swap' belong to no key",
    ("## 1.", "evacuate_host -e @vars.yml --check\n"): "compute-17 would still hold 1 server(s) after the evacuation",
    ("## 7.", "evacuate_host -e @vars.yml -e require_empty=false\n"): "Another evacuation of compute-17 is running",
}


# ----- what the runbook says came out -----------------------------------------------------------------------------------

def _report(workdir, name):
    with open(Path(PATHS["/var/lib/novaops"].format(workdir=workdir)) / "reports" / name, encoding="utf-8") as handle:
        return json.load(handle)


def evacuation_is_partial(workdir, output):
    report = _report(workdir, "evacuation-compute-17.json")
    assert report["result"] == "partial" and report["host_empty"] is False, report["summary"]
    assert [server["name"] for server in report["remaining"]] == ["licence-1"]
    assert report["summary"][0].startswith("compute-17 still holds 1 server (skipped as allowed by require_empty=false)")
    assert report["operator"] == OPERATOR and " run %s ended" % report["run_id"] in report["service"]["disabled_reason"]


def restore_is_complete(workdir, output):
    report = _report(workdir, "restore-compute-17.json")
    assert report["result"] == "complete", report["summary"]
    assert {s["name"]: s["mode_reason"] for s in report["servers"] if s["outcome"] == "moved"} == {
        "db-1": "as it left", "web-2": "as it left"}
    assert report["previous_reports"], "the restore report of the re-enable should be kept beside the new one"


def takeover_resumed_the_evacuation(workdir, output):
    report = _report(workdir, "evacuation-compute-17.json")
    assert report["result"] == "partial" and report["counts"]["moved"] == 3, report["summary"]
    assert report["previous_reports"], "the report of section 2 should be kept beside the new one"
    assert "this run has taken over its marker" in output


CHECKS = {
    ("## 2.", "evacuate_host -e @vars.yml -e require_empty=false\n"): evacuation_is_partial,
    ("## 4.", "-e migrate_back=true"): restore_is_complete,
    ("## 7.", "-e takeover=true"): takeover_resumed_the_evacuation,
}


# ----- reading the runbook -------------------------------------------------------------------------------------------------

class Step:
    def __init__(self, section, kind, text, line):
        self.section = section
        self.kind = kind        # "command" or "vars.yml"
        self.text = text        # the command (continuations kept) or the file content
        self.line = line

    def matches(self, key):
        section, words = key
        return self.kind == "command" and self.section.startswith(section) and words in self.text + "\n"

    def __repr__(self):
        return "runbook line %d (%s): %s" % (self.line, self.section, self.text)


def commands_of(block):
    """``(offset, command)`` for each command of a console block: continuation lines joined, comment-only and blank
    lines left out."""
    commands, current, first = [], [], 0
    for offset, line in enumerate(block):
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if not current:
            first = offset
        current.append(line)
        if not line.rstrip().endswith("\\"):
            commands.append((first, "\n".join(current)))
            current = []
    assert not current, "a console block ends with a continuation: %s" % current
    return commands


def runbook_steps(text):
    steps, section = [], ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            section = line
        fence = re.match(r"^(\s*)```(\w*)\s*$", line)
        if not fence:
            index += 1
            continue
        indent, language = len(fence.group(1)), fence.group(2)
        start = index + 1
        index = start
        while not re.match(r"^\s*```\s*$", lines[index]):
            index += 1
        block = [body[indent:] if body[:indent].strip() == "" else body for body in lines[start:index]]
        if language == "console":
            for offset, command in commands_of(block):
                steps.append(Step(section, "command", command, start + offset + 1))
        elif language == "yaml" and block and block[0].strip() == "# vars.yml":
            steps.append(Step(section, "vars.yml", "\n".join(block) + "\n", start + 1))
        index += 1
    return steps


@pytest.fixture(scope="module")
def steps():
    return runbook_steps(RUNBOOK.read_text(encoding="utf-8"))


def only_step(steps, key):
    found = [step for step in steps if step.matches(key)]
    assert len(found) == 1, "%s should match exactly one runbook command, matches %s" % (key, found)
    return found[0]


# ----- the tests --------------------------------------------------------------------------------------------------------------

def test_the_runbook_tables_match_its_commands(steps):
    """Every setup, expected failure and check names exactly one command, and every command names its cloud."""
    commands = [step for step in steps if step.kind == "command"]
    assert len(commands) >= 15, commands
    for key in list(SETUPS) + list(EXPECTED_FAILURES) + list(CHECKS):
        only_step(steps, key)
    assert any(step.kind == "vars.yml" for step in steps), "the runbook no longer writes vars.yml"
    for step in commands:
        if step.text.startswith("ansible"):
            assert "cloud=%s" % CLOUD in step.text or "@vars.yml" in step.text, (
                "%r names no cloud: with several clouds in clouds.yaml it fails" % step)


def test_the_runbook_commands_work_as_written(tmp_path, steps):
    workdir = tmp_path / "operator"
    workdir.mkdir()
    paths = {old: new.format(workdir=workdir) for old, new in PATHS.items()}

    def localised(text):
        for old, new in paths.items():
            text = text.replace(old, new)
        return text

    setups = {id(only_step(steps, key)): setup for key, setup in SETUPS.items()}
    failures = {id(only_step(steps, key)): words for key, words in EXPECTED_FAILURES.items()}
    checks = {id(only_step(steps, key)): check for key, check in CHECKS.items()}

    with mock_cloud_in_process(TOPOLOGY, migration_seconds=0.3,
                               clouds_yaml=str(tmp_path / "mock-clouds.yaml")) as mock:
        with open(mock.clouds_yaml, encoding="utf-8") as handle:
            admin = yaml.safe_load(handle)["clouds"]["mock-admin"]
        nowhere = json.loads(json.dumps(admin))
        nowhere["auth"]["auth_url"] = "http://127.0.0.1:9/v3"
        clouds_yaml = workdir / "clouds.yaml"
        clouds_yaml.write_text(yaml.safe_dump({"clouds": {CLOUD: admin, "lab-admin": nowhere}}), encoding="utf-8")

        environment = playbook_environment(workdir, clouds_yaml)
        environment.update({
            "PATH": "%s%s%s" % (Path(sys.executable).parent, os.pathsep, os.environ.get("PATH", "")),
            "HOME": str(workdir),
            # The operator the runbook's runs record (the roles default to USER).
            "USER": OPERATOR,
            "LOGNAME": OPERATOR,
        })
        timings = []
        for step in steps:
            if step.kind == "vars.yml":
                (workdir / "vars.yml").write_text(localised(step.text), encoding="utf-8")
                continue
            if id(step) in setups:
                setups[id(step)](mock)
            command = localised(step.text)
            started = time.time()
            proc = subprocess.run(["bash", "-c", command], cwd=workdir, env=environment, capture_output=True,
                                  text=True, timeout=300, check=False)
            timings.append((round(time.time() - started, 1), step.line))
            output = proc.stdout + proc.stderr
            if id(step) in failures:
                assert proc.returncode != 0, "%r should fail as the runbook shows, but succeeded:\n%s" % (
                    step, output[-3000:])
                assert failures[id(step)] in output, "%r failed, but not with %r:\n%s" % (
                    step, failures[id(step)], output[-3000:])
            else:
                assert proc.returncode == 0, "%r failed (exit %d):\n%s" % (step, proc.returncode, output[-5000:])
            if id(step) in checks:
                checks[id(step)](workdir, output)
        print("seconds per runbook line:", timings)
