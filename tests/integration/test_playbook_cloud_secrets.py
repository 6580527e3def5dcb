"""A ``cloud`` dictionary's secrets never reach the output, not even at -vvv, on success or on failure.

The mock's admin password and application credential secret are replaced by values unique to this run, the
dictionaries come from a vars file (so only the modules could print them), and the whole ansible-playbook output
and the registered results are searched for every secret.  A plain cloud name is not a secret and stays visible.
"""

import importlib.resources
import textwrap
import uuid

import pytest
import yaml
from mock_compute.testing import mock_cloud_in_process

RUN = uuid.uuid4().hex[:12]
SECRETS = {
    "password": "pw-%s-right" % RUN,
    "wrong_password": "pw-%s-wrong" % RUN,
    "appcred_secret": "appcred-%s" % RUN,
    "token": "tok-%s" % RUN,
    "passcode": "otp-%s" % RUN,
    "nested": "nested-%s" % RUN,
}

PLAYBOOK = textwrap.dedent("""\
    - name: Modules given a cloud dictionary with secrets
      hosts: localhost
      connection: local
      gather_facts: false
      vars_files:
        - clouds.yml
      tasks:
        - name: Success with a password in the dictionary
          novaops.migration.compute_host_info:
            cloud: "{{ password_cloud }}"
            host: compute-1
          register: password_ok

        - name: Success with an application credential secret
          novaops.migration.server_migration_info:
            cloud: "{{ appcred_cloud }}"
            host: compute-1
          register: appcred_ok

        - name: A failure after connecting (no such server)
          novaops.migration.server_migrate:
            cloud: "{{ password_cloud }}"
            server: no-such-server
            host: compute-2
          register: server_missing
          ignore_errors: true

        - name: A failed authentication
          novaops.migration.compute_host_info:
            cloud: "{{ wrong_password_cloud }}"
          register: wrong_password
          ignore_errors: true

        - name: A token and a passcode the cloud refuses
          novaops.migration.compute_host_info:
            cloud: "{{ token_cloud }}"
          register: token_refused
          ignore_errors: true

        - name: An argument error (required option missing), refused before the module runs
          novaops.migration.server_migrate:
            cloud: "{{ password_cloud }}"
          register: bad_arguments
          ignore_errors: true

        - name: A plain cloud name is not a secret
          novaops.migration.compute_host_info:
            cloud: mock-admin
            host: compute-1
          register: named

        - name: Hand the results to pytest
          ansible.builtin.copy:
            dest: "{{ results_path }}"
            mode: "0600"
            content: >-
              {{ {'password_ok': password_ok, 'appcred_ok': appcred_ok, 'server_missing': server_missing,
                  'wrong_password': wrong_password, 'token_refused': token_refused,
                  'bad_arguments': bad_arguments, 'named': named} | to_json }}
    """)


def topology():
    """The demo topology with this run's admin password and application credential secret."""
    text = importlib.resources.files("mock_compute").joinpath("topologies/demo.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    for user in doc["users"]:
        if user["name"] == "admin":
            user["password"] = SECRETS["password"]
    for cred in doc["application_credentials"]:
        cred["secret"] = SECRETS["appcred_secret"]
    return doc


def cloud_dicts(url):
    auth_url = url + "/v3"
    password_auth = {"auth_url": auth_url, "username": "admin", "password": SECRETS["password"],
                     "project_name": "admin", "user_domain_name": "Default", "project_domain_name": "Default"}
    return {
        "password_cloud": {"auth": password_auth, "region_name": "RegionOne", "identity_api_version": 3,
                           # An unused nested secret (a vendor extension); masked like the others.
                           "extra": {"profile": {"client_secret": SECRETS["nested"]}}},
        "appcred_cloud": {"auth_type": "v3applicationcredential", "region_name": "RegionOne",
                          "auth": {"auth_url": auth_url, "application_credential_id": "mock-admin-appcred",
                                   "application_credential_secret": SECRETS["appcred_secret"]}},
        "wrong_password_cloud": {"auth": dict(password_auth, password=SECRETS["wrong_password"]),
                                 "region_name": "RegionOne"},
        "token_cloud": {"auth_type": "v3multifactor", "region_name": "RegionOne",
                        "auth": {"auth_url": auth_url, "auth_methods": ["v3token", "v3totp"],
                                 "token": SECRETS["token"], "passcode": SECRETS["passcode"],
                                 "username": "admin", "user_domain_name": "Default", "project_name": "admin",
                                 "project_domain_name": "Default"}},
    }


@pytest.fixture(scope="module")
def secrets_run(tmp_path_factory, ansible_run):
    with mock_cloud_in_process(topology=topology(), migration_seconds=0.3) as mock:
        workdir = tmp_path_factory.mktemp("cloud-secrets")
        (workdir / "clouds.yml").write_text(yaml.safe_dump(cloud_dicts(mock.url)), encoding="utf-8")
        yield ansible_run(workdir, PLAYBOOK, clouds_yaml=mock.clouds_yaml, verbosity=3)


def test_the_play_ran_every_case(secrets_run):
    assert secrets_run.returncode == 0, secrets_run.output
    results = secrets_run.results
    assert not results["password_ok"].get("failed"), results["password_ok"]
    assert [h["host"] for h in results["password_ok"]["hosts"]] == ["compute-1"]
    assert not results["appcred_ok"].get("failed"), results["appcred_ok"]
    assert results["server_missing"]["failed"] and "no-such-server" in results["server_missing"]["msg"]
    assert results["wrong_password"]["failed"]
    assert results["token_refused"]["failed"]
    assert results["bad_arguments"]["failed"] and "server" in results["bad_arguments"]["msg"]


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_no_secret_in_the_output_or_the_results(secrets_run, name):
    secret = SECRETS[name]
    assert secret not in secrets_run.output, "%s leaked into the -vvv output" % name
    assert secret not in yaml.safe_dump(secrets_run.results), "%s leaked into the registered results" % name


def test_the_dictionary_is_shown_with_its_secrets_masked(secrets_run):
    # Ansible prints module_args at -vvv (it keeps them out of registered results).
    assert '"username": "admin"' in secrets_run.output
    assert '"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in secrets_run.output


def test_a_cloud_name_is_not_masked(secrets_run):
    named = secrets_run.results["named"]
    assert not named.get("failed"), named
    assert '"cloud": "mock-admin"' in secrets_run.output
