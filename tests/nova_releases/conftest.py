"""One Nova release under test (NOVA_RELEASE, a series of tests/nova_in_a_box/releases/releases.yaml; default: the
release .venv-nova holds), served by nova-in-a-box from NOVA_IN_A_BOX_PYTHON (.ci/nova_release_venv.py SERIES).

Each test's outcome, with what it observed (``observed`` fixture), goes to NOVA_RELEASE_RESULTS (default
.cache/nova-releases/<series>.json), from which .ci/nova_support_table.py writes the support table in the docs.
"""

import json
import os
import platform
import subprocess
import sys
import time

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
NOVA_SRC = os.path.join(REPO_ROOT, "tests", "nova_in_a_box", "src")
RELEASES = os.path.join(REPO_ROOT, "tests", "nova_in_a_box", "releases", "releases.yaml")
if NOVA_SRC not in sys.path:
    sys.path.insert(0, NOVA_SRC)

from nova_in_a_box import launcher  # noqa: E402 - the package is not installed in this interpreter

_RESULTS = {"tests": {}}


def load_release():
    with open(RELEASES, encoding="utf-8") as handle:
        releases = yaml.safe_load(handle)
    wanted = os.environ.get("NOVA_RELEASE")
    for release in releases:
        if release["series"] == wanted or (not wanted and release.get("default")):
            return release
    raise pytest.UsageError("NOVA_RELEASE=%s is not in %s" % (wanted, RELEASES))


@pytest.fixture(scope="session")
def release():
    return load_release()


@pytest.fixture(scope="session")
def nova_box(release):
    python = launcher.find_python(REPO_ROOT)
    if python is None:
        pytest.fail("no Python with Nova %s: set NOVA_IN_A_BOX_PYTHON (.ci/nova_release_venv.py %s) or run make nova-venv"
                    % (release["series"], release["series"]))
    version = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('nova'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == release["nova"], "%s holds Nova %s, not %s" % (python, version, release["nova"])
    started = time.monotonic()
    box = launcher.start(python, ["--migration-seconds", "0.3", "--topology", os.path.join(HERE, "topology.yaml")])
    _RESULTS["start_seconds"] = round(time.monotonic() - started, 1)
    yield box
    box.stop()


@pytest.fixture
def observed(request):
    """A dict whose content is recorded with this test's outcome (what the release answered)."""
    data = {}
    _RESULTS["tests"].setdefault(request.node.name, {})["observed"] = data
    return data


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    entry = _RESULTS["tests"].setdefault(item.name, {})
    entry["doc"] = " ".join((item.function.__doc__ or item.name).split())
    if report.when == "call" or report.outcome != "passed":
        entry["outcome"] = report.outcome
        if report.outcome == "failed":
            entry["error"] = str(report.longrepr)[-1500:]


def pytest_sessionfinish(session, exitstatus):
    release = load_release()
    default = os.path.join(REPO_ROOT, ".cache", "nova-releases", "%s.json" % release["series"])
    path = os.environ.get("NOVA_RELEASE_RESULTS") or default
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _RESULTS.update(series=release["series"], nova=release["nova"], placement=release["placement"],
                    python=release["python"], controller_python=platform.python_version(), exitstatus=int(exitstatus))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(_RESULTS, handle, indent=1, sort_keys=True)
