"""Run ansible-playbook against the mock compute cloud, for behaviour only visible through Ansible.

Each test module starts one mock (a module-scoped fixture around ``mock_cloud_in_process``) and runs as few
playbooks as it can: starting ansible-playbook costs about a second.  ``run_playbook`` writes the playbook, runs it
with the checkout on the collections path and no ``OS_*`` variable of the caller, and returns what the play handed
back through ``results_path`` together with the whole output.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS = ROOT / ".venv" / "collections"


def ansible_playbook():
    candidate = Path(sys.executable).with_name("ansible-playbook")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("ansible-playbook")
    if not found:
        pytest.skip("ansible-playbook is not installed next to %s or on PATH" % sys.executable)
    return found


def collections_path():
    if (COLLECTIONS / "ansible_collections" / "novaops" / "migration").exists():
        return str(COLLECTIONS)
    configured = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if not configured:
        pytest.skip("novaops.migration is not on a collections path (run make venv)")
    return configured


class PlaybookRun:
    def __init__(self, returncode, output, results):
        self.returncode = returncode
        self.output = output
        self.results = results


def environment(workdir, clouds_yaml=None):
    """The caller's environment without its OS_* and ANSIBLE_* variables, with the checkout on the collections path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OS_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_LOCAL_TEMP": str(Path(workdir) / "ansible-tmp"),
        # Ansible expands the remote tmp with the user's home from passwd, or creates a literal '~user' directory
        # in the playbook's folder when USER names no such user: keep both in the work dir.
        "ANSIBLE_REMOTE_TMP": str(Path(workdir) / "remote-tmp"),
    })
    if clouds_yaml:
        env["OS_CLIENT_CONFIG_FILE"] = str(clouds_yaml)
    return env


def run_playbook(workdir, playbook, clouds_yaml=None, extra_vars=None, verbosity=0, timeout=180, env=None, args=()):
    """Run ``playbook`` (YAML text) in ``workdir``; the play may write its registered results to ``results_path``."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "playbook.yml"
    path.write_text(playbook, encoding="utf-8")
    results = workdir / "results.json"
    env = dict(environment(workdir, clouds_yaml), **(env or {}))
    command = [ansible_playbook(), str(path), "-e", json.dumps(dict(extra_vars or {}, results_path=str(results))),
               *args]
    if verbosity:
        command.append("-" + "v" * verbosity)
    proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    output = proc.stdout + proc.stderr
    data = json.loads(results.read_text(encoding="utf-8")) if results.exists() else None
    return PlaybookRun(proc.returncode, output, data)


def run_collection_playbook(workdir, name, args, clouds_yaml=None, env=None, timeout=300):
    """Run ``ansible-playbook novaops.migration.<name>`` with raw command-line ``args`` (``['-e', 'host=x']``), as an
    operator types them; returns the return code and the whole output."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    # HOME in the work dir: the playbooks' default report paths land there, not in the caller's home.
    full_env = dict(environment(workdir, clouds_yaml), HOME=str(workdir), **(env or {}))
    command = [ansible_playbook(), "novaops.migration.%s" % name, *args]
    proc = subprocess.run(command, cwd=workdir, env=full_env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr, None)


def write_requests(mock):
    """The write requests the mock has counted (token requests aside): empty means nothing was changed."""
    routes = mock.counters()["by_route"]
    return sorted(route for route, count in routes.items()
                  if count and route.split(" ", 1)[0] in ("POST", "PUT", "PATCH", "DELETE")
                  and route != "POST /v3/auth/tokens")
