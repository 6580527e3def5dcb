"""Every documented way of choosing the cloud reaches both roles and the playbooks.

The quick start promises: the role variable (host_evacuation_cloud / host_restore_cloud, or -e cloud=...),
play-level module_defaults for the action group group/novaops.migration.openstack, OS_CLOUD, and AWX's OpenStack
credential (a clouds.yaml holding one cloud named devstack, OS_CLIENT_CONFIG_FILE set, no OS_CLOUD). Each case runs
the roles in check mode, which reads the cloud (host facts, servers, migration records) and changes nothing.
"""

import textwrap

import pytest
import yaml
from mock_compute.testing import mock_cloud_in_process
from playbook_runner import run_collection_playbook, run_playbook, write_requests

ROLES_PLAY = textwrap.dedent("""\
    - name: Both roles, choosing the cloud one way
      hosts: localhost
      connection: local
      gather_facts: false
      {module_defaults}
      vars:
        ansible_pipelining: true
      tasks:
        - name: Plan the evacuation of compute-1
          ansible.builtin.include_role:
            name: novaops.migration.host_evacuation
          vars:
            host_evacuation_host: compute-1
            host_evacuation_report_path: "{{{{ results_path | dirname }}}}/evacuation.json"
            {evacuation_cloud}

        - name: Plan the restore of compute-1
          ansible.builtin.include_role:
            name: novaops.migration.host_restore
          vars:
            host_restore_host: compute-1
            host_restore_report_path: "{{{{ results_path | dirname }}}}/restore.json"
            {restore_cloud}

        - name: Hand the verdicts to pytest
          check_mode: false
          ansible.builtin.copy:
            dest: "{{{{ results_path }}}}"
            mode: "0600"
            content: "{{{{ {{'evacuation': host_evacuation_report.summary, 'restore': host_restore_report.summary}} | to_json }}}}"
    """)


@pytest.fixture(scope="module")
def mock():
    with mock_cloud_in_process(migration_seconds=0.3) as handle:
        yield handle


@pytest.fixture(scope="module")
def clouds(mock, tmp_path_factory):
    """The mock's clouds.yaml (mock-admin, mock-member, and a decoy that points nowhere), and AWX's (devstack only)."""
    with open(mock.clouds_yaml, encoding="utf-8") as handle:
        admin = yaml.safe_load(handle)["clouds"]["mock-admin"]
    folder = tmp_path_factory.mktemp("clouds")
    decoy = dict(admin, auth=dict(admin["auth"], auth_url="http://127.0.0.1:9/v3"))
    regular = folder / "clouds.yaml"
    regular.write_text(yaml.safe_dump({"clouds": {"mock-admin": admin, "elsewhere": decoy}}), encoding="utf-8")
    awx = folder / "awx-clouds.yaml"
    awx.write_text(yaml.safe_dump({"clouds": {"devstack": admin}}), encoding="utf-8")
    return {"regular": regular, "awx": awx}


def check_roles(tmp_path, clouds_yaml, module_defaults="", evacuation_cloud="", restore_cloud="", env=None):
    playbook = ROLES_PLAY.format(module_defaults=module_defaults, evacuation_cloud=evacuation_cloud,
                                 restore_cloud=restore_cloud)
    result = run_playbook(tmp_path, playbook, clouds_yaml=clouds_yaml, env=env, args=["--check"])
    assert result.returncode == 0, result.output[-4000:]
    assert result.results["evacuation"][0].startswith("CHECK MODE"), result.results
    assert "would be empty" in result.results["evacuation"][0]
    return result


@pytest.mark.parametrize("how", ["role-variable", "module-defaults", "os-cloud"])
def test_the_roles_reach_the_cloud_chosen_any_documented_way(tmp_path, mock, clouds, how):
    mock.reset_counters()
    if how == "role-variable":
        check_roles(tmp_path, clouds["regular"], evacuation_cloud="host_evacuation_cloud: mock-admin",
                    restore_cloud="host_restore_cloud: mock-admin")
    elif how == "module-defaults":
        check_roles(tmp_path, clouds["regular"],
                    module_defaults="module_defaults: {group/novaops.migration.openstack: {cloud: mock-admin}}")
    else:
        check_roles(tmp_path, clouds["regular"], env={"OS_CLOUD": "mock-admin"})
    assert write_requests(mock) == []


def test_the_role_variable_wins_over_module_defaults(tmp_path, mock, clouds):
    playbook = ROLES_PLAY.format(
        module_defaults="module_defaults: {group/novaops.migration.openstack: {cloud: elsewhere}}",
        evacuation_cloud="host_evacuation_cloud: mock-admin", restore_cloud="host_restore_cloud: mock-admin")
    result = run_playbook(tmp_path, playbook, clouds_yaml=clouds["regular"], args=["--check"])
    assert result.returncode == 0, result.output[-4000:]


def test_the_roles_reach_the_cloud_of_an_awx_credential(tmp_path, mock, clouds):
    check_roles(tmp_path, clouds["awx"])


@pytest.mark.parametrize("how", ["extra-var", "os-cloud", "awx-credential"])
def test_the_playbooks_reach_the_cloud_chosen_any_documented_way(tmp_path, mock, clouds, how):
    cloud, env, clouds_yaml = [], {}, clouds["regular"]
    if how == "extra-var":
        cloud = ["-e", "cloud=mock-admin"]
    elif how == "os-cloud":
        env["OS_CLOUD"] = "mock-admin"
    else:
        clouds_yaml = clouds["awx"]
    for playbook in ("evacuate_host", "restore_host"):
        result = run_collection_playbook(tmp_path / playbook, playbook, ["-e", "host=compute-1", "--check", *cloud],
                                         clouds_yaml=clouds_yaml, env=env)
        assert result.returncode == 0, result.output[-4000:]
    listing = run_collection_playbook(tmp_path / "list", "list_migrations", ["-e", "host=compute-1", *cloud],
                                      clouds_yaml=clouds_yaml, env=env)
    assert listing.returncode == 0 and "migration(s)" in listing.output
