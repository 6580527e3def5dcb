# -*- coding: utf-8 -*-
"""The secrets of a dict ``cloud`` become no_log values; a cloud name does not."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.novaops.migration.plugins.module_utils import base, connection


def test_secrets_at_any_depth_are_found():
    cloud = {
        'auth': {'auth_url': 'https://keystone:5000/v3', 'username': 'admin', 'password': 'pw1',
                 'application_credential_id': 'id-1', 'application_credential_secret': 'acs1',
                 'token': 'tok1', 'passcode': '123456'},
        'region_name': 'RegionOne',
        'key': '/etc/ssl/private/client.key',
        'verify': True,
        'profiles': [{'oidc': {'client_secret': 'cs1', 'client_id': 'cid'}}],
        'api_key': {'value': 'ak1', 'spare': ['ak2']},
    }
    assert connection.cloud_secrets(cloud) == {'pw1', 'acs1', 'tok1', '123456', '/etc/ssl/private/client.key', 'cs1',
                                               'ak1', 'ak2'}


@pytest.mark.parametrize('cloud', ['mock-admin', None, ['mock-admin'], 5])
def test_anything_but_a_dict_holds_no_secret(cloud):
    assert connection.cloud_secrets(cloud) == set()


def test_empty_and_boolean_values_are_not_masked():
    # Masking '' or 'True' would scrub unrelated text from every message.
    assert connection.cloud_secrets({'auth': {'password': '', 'token': None}, 'secret_enabled': True}) == set()


class Probe(base.NovaOpsModule):
    argument_spec = dict(server=dict(type='str', required=True))

    def run(self):
        self.exit_json(msg='ok')


def test_the_module_knows_the_secrets_and_not_the_cloud_name():
    with patch_module_args({'cloud': {'auth': {'username': 'admin', 'password': 'pw-unit-1'}}, 'server': 'x'}):
        module = Probe()
    assert 'pw-unit-1' in module.ansible.no_log_values and 'admin' not in module.ansible.no_log_values
    with patch_module_args({'cloud': 'mock-admin', 'server': 'x'}):
        module = Probe()
    assert 'mock-admin' not in module.ansible.no_log_values


def test_an_argument_error_does_not_print_the_password(capsys):
    # 'server' is missing: AnsibleModule fails while validating, before it logs the invocation.
    with patch_module_args({'cloud': {'auth': {'username': 'admin', 'password': 'pw-unit-2'}}}), \
            pytest.raises(SystemExit):
        Probe()
    out = capsys.readouterr().out
    result = json.loads(out.strip().splitlines()[-1])
    assert result['failed'] and 'server' in result['msg']
    assert 'pw-unit-2' not in out
    assert result['invocation']['module_args']['cloud']['auth']['username'] == 'admin'
