"""The modules read the cloud exactly as an AWX/AAP OpenStack credential provides it.

The credential type's injector writes a clouds.yaml holding a single cloud named ``devstack`` into the job's
private data directory and exports ``OS_CLIENT_CONFIG_FILE`` pointing at it; it sets no ``OS_CLOUD``.  These
tests write that file for the mock cloud, clear every ``OS_*`` variable, set ``OS_CLIENT_CONFIG_FILE`` and run
``ansible-playbook`` on a small playbook, as an AWX job would:

* ``cloud: devstack`` on the task, ``OS_CLOUD=devstack`` without ``cloud``, neither (the file's only cloud),
  and ``module_defaults`` for ``group/novaops.migration.openstack`` all reach the mock and return its data;
* a cloud name the file does not define fails with a message naming the cloud and where clouds are read from,
  not a traceback;
* the credential's "Domain Name" field (written as ``auth.domain_name``) works as well.
"""

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import ansible_playbook, collections_path

ROOT = Path(__file__).resolve().parents[2]
AWX_CLOUD = "devstack"

PLAYBOOK = textwrap.dedent("""\
    - name: The modules with the clouds.yaml of an AWX OpenStack credential
      hosts: localhost
      connection: local
      gather_facts: false
      vars:
        ansible_pipelining: true    # as the collection's playbooks: no temporary module file per task
      tasks:
        - name: compute_host_info with cloud=devstack
          novaops.migration.compute_host_info:
            cloud: devstack
            host: compute-1
            with_servers: true
          register: named_hosts

        - name: server_migration_info with cloud=devstack
          novaops.migration.server_migration_info:
            cloud: devstack
            server: api-1
          register: named_migrations

        - name: server_migration_info without cloud, OS_CLOUD=devstack
          novaops.migration.server_migration_info:
            host: compute-4
          environment:
            OS_CLOUD: devstack
          register: env_migrations

        - name: compute_host_info without cloud and without OS_CLOUD (the only cloud of the file)
          novaops.migration.compute_host_info:
            host: compute-1
          register: default_hosts

        - name: server_migration_info with cloud from module_defaults
          module_defaults:
            group/novaops.migration.openstack:
              cloud: devstack
          novaops.migration.server_migration_info:
            host: compute-4
          register: group_migrations

        - name: The credential's Domain Name field (auth.domain_name), in another clouds.yaml
          novaops.migration.compute_host_info:
            cloud: devstack
            host: compute-1
          environment:
            OS_CLIENT_CONFIG_FILE: "{{ domain_clouds_yaml }}"
          register: domain_hosts

        - name: A cloud the clouds.yaml does not define
          novaops.migration.compute_host_info:
            cloud: not-in-clouds-yaml
          register: unknown_cloud
          ignore_errors: true

        - name: Hand the results to pytest
          ansible.builtin.copy:
            dest: "{{ results_path }}"
            mode: "0600"
            content: >-
              {{ {'named_hosts': named_hosts, 'named_migrations': named_migrations,
                  'env_migrations': env_migrations, 'default_hosts': default_hosts,
                  'group_migrations': group_migrations, 'domain_hosts': domain_hosts,
                  'unknown_cloud': unknown_cloud} | to_json }}
    """)


def awx_clouds_yaml(auth_url, domain_field=False):
    """The document AWX's OpenStack credential injector writes (awx/main/models/credential/injectors.py)."""
    auth = {"auth_url": auth_url, "username": "admin", "password": "secret", "project_name": "admin"}
    if domain_field:
        # The credential's "Domain Name" field; openstacksdk uses it for the user and the project domain.
        auth["domain_name"] = "Default"
    else:
        auth.update({"user_domain_name": "Default", "project_domain_name": "Default"})
    return {"clouds": {AWX_CLOUD: {"auth": auth, "verify": False}}}


@pytest.fixture(scope="module")
def mock():
    with mock_cloud_in_process(migration_seconds=0.3) as handle:
        # One cold migration of api-1 from compute-4 to compute-3, so the migration listings have a record to
        # return; compute-1 keeps its servers.
        status, _headers, body = handle.compute("POST", "/servers/%s/action" % handle.server_id("api-1"),
                                                {"migrate": {"host": "compute-3"}}, microversion="2.56")
        assert status == 202, body
        yield handle


def write_clouds_yaml(directory, name, document):
    """Write ``document`` like the injector does (safe_dump, block style, mode 0600) and return its path."""
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump(document, default_flow_style=False, allow_unicode=True), encoding="utf-8")
    path.chmod(0o600)
    return path


def run_playbook(tmp_path, clouds_file, extra_vars):
    """Run PLAYBOOK the way an AWX job runs it: OS_CLIENT_CONFIG_FILE set, no other OS_* variable."""
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    results = tmp_path / "results.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("OS_")}
    env.update({
        "OS_CLIENT_CONFIG_FILE": str(clouds_file),
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
    })
    extra = dict(extra_vars, results_path=str(results))
    proc = subprocess.run([ansible_playbook(), str(playbook), "-e", json.dumps(extra)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, "ansible-playbook failed (rc %s):\n%s" % (proc.returncode, output)
    assert "Traceback" not in output, output
    return json.loads(results.read_text(encoding="utf-8")), output


@pytest.fixture(scope="module")
def awx_run(tmp_path_factory, mock):
    """One ansible-playbook run for all the checks (each module call costs about a second)."""
    tmp_path = tmp_path_factory.mktemp("awx-credential")
    auth_url = mock.url + "/v3"
    # AWX writes the file under a mkstemp() name in the job's env directory.
    clouds_file = write_clouds_yaml(tmp_path / "env", "tmpclouds", awx_clouds_yaml(auth_url))
    domain_file = write_clouds_yaml(tmp_path / "env-domain", "tmpclouds", awx_clouds_yaml(auth_url, domain_field=True))
    return run_playbook(tmp_path, clouds_file, {"domain_clouds_yaml": str(domain_file)})


def assert_ok(result, what):
    assert not result.get("failed"), "%s failed: %s" % (what, result.get("msg"))


def assert_seeded_migration(result, mock, what):
    assert_ok(result, what)
    server_id = mock.server_id("api-1")
    ours = [m for m in result["migrations"] if m["server_id"] == server_id]
    assert ours, "%s returned no migration of api-1: %s" % (what, result["migrations"])
    assert (ours[0]["source_compute"], ours[0]["dest_compute"]) == ("compute-4", "compute-3")
    assert ours[0]["type"] == "cold-migration"


def test_cloud_option_names_the_awx_cloud(awx_run, mock):
    results, _output = awx_run
    hosts = results["named_hosts"]
    assert_ok(hosts, "compute_host_info with cloud=devstack")
    assert [h["host"] for h in hosts["hosts"]] == ["compute-1"]
    names = sorted(s["name"] for s in hosts["hosts"][0]["servers"])
    assert names == ["db-1", "web-1", "web-2"]
    assert hosts["hosts"][0]["service"]["status"] == "enabled"
    assert_seeded_migration(results["named_migrations"], mock, "server_migration_info with cloud=devstack")


def test_os_cloud_environment_variable_selects_the_cloud(awx_run, mock):
    results, _output = awx_run
    assert_seeded_migration(results["env_migrations"], mock, "server_migration_info with OS_CLOUD=devstack")


def test_the_only_cloud_of_the_file_is_used_without_cloud_and_os_cloud(awx_run):
    results, _output = awx_run
    hosts = results["default_hosts"]
    assert_ok(hosts, "compute_host_info without cloud")
    assert [h["host"] for h in hosts["hosts"]] == ["compute-1"]
    assert hosts["hosts"][0]["server_count"] == 3


def test_module_defaults_for_the_action_group_set_the_cloud(awx_run, mock):
    results, _output = awx_run
    assert_seeded_migration(results["group_migrations"], mock, "server_migration_info with module_defaults")


def test_unknown_cloud_fails_with_a_clear_message(awx_run):
    results, output = awx_run
    failure = results["unknown_cloud"]
    assert failure.get("failed") is True
    message = failure["msg"]
    assert "not-in-clouds-yaml" in message and "not found" in message, message
    assert "OS_CLIENT_CONFIG_FILE" in message, message
    assert "Traceback" not in message
    # Handled by the module (not a crash): the error class is reported, there is no module stderr.
    assert failure.get("error_type") == "ConfigException", failure
    assert "module_stderr" not in failure and "MODULE FAILURE" not in message, failure
    assert "Traceback" not in output


def test_credential_domain_name_field(awx_run):
    results, _output = awx_run
    hosts = results["domain_hosts"]
    assert_ok(hosts, "compute_host_info with auth.domain_name")
    assert [h["host"] for h in hosts["hosts"]] == ["compute-1"]
