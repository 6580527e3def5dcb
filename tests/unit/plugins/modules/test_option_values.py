# -*- coding: utf-8 -*-
"""Option values that cannot work fail before any request, with a message that says what to pass instead.

Before, they surfaced as "Unexpected ...Error ... probably a bug" from deep inside openstacksdk or the planner,
or (since) were silently ignored.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import connection
from ansible_collections.novaops.migration.plugins.modules import compute_host_info, migration_plan, server_migrate

SID = 'aaaaaaaa-0000-0000-0000-000000000001'


def assert_refused_before_any_request(result, failed, fake, *words):
    assert failed, result
    assert 'probably a bug' not in result['msg'], result['msg']
    for word in words:
        assert word in result['msg'], result['msg']
    assert fake.calls == [] and fake.transport.discoveries == []
    assert result.get('changed') is False


# ----- connection options (every module) -----------------------------------------------------------------

@pytest.mark.parametrize('value', [0, -5])
def test_api_timeout_must_be_positive(run, fake, value):
    result, failed = run(compute_host_info, {'api_timeout': value}, fake)
    assert_refused_before_any_request(result, failed, fake, 'api_timeout', 'positive', 'leave it unset')


@pytest.mark.parametrize('value, kind', [(['mock-admin'], 'a list'), (5, 'a number'), (True, 'a boolean'),
                                         ([{'auth': {'password': 'x'}}], 'a list')])
def test_cloud_must_be_a_name_or_a_dictionary(run, fake, value, kind):
    result, failed = run(server_migrate, {'server': 'web', 'cloud': value}, fake)
    assert_refused_before_any_request(result, failed, fake, 'cloud', 'clouds.yaml', 'dictionary', kind)


def test_sdk_log_path_in_a_missing_directory(run, fake, tmp_path):
    path = str(tmp_path / 'missing' / 'sdk.log')
    result, failed = run(compute_host_info, {'sdk_log_path': path}, fake)
    assert_refused_before_any_request(result, failed, fake, 'sdk_log_path', str(tmp_path / 'missing'), 'does not exist')


def test_sdk_log_path_below_a_file(run, fake, tmp_path):
    (tmp_path / 'plain').write_text('x')
    result, failed = run(compute_host_info, {'sdk_log_path': str(tmp_path / 'plain' / 'sdk.log')}, fake)
    assert_refused_before_any_request(result, failed, fake, 'sdk_log_path', 'not a directory')


def test_sdk_log_path_that_is_a_directory(run, fake, tmp_path):
    result, failed = run(compute_host_info, {'sdk_log_path': str(tmp_path)}, fake)
    assert_refused_before_any_request(result, failed, fake, 'sdk_log_path', 'is a directory')


def test_sdk_log_path_not_writable(run, fake, tmp_path, monkeypatch):
    # Tests may run as root, who may write anywhere: ask os.access the way an unprivileged user would be answered.
    monkeypatch.setattr(connection.os, 'access', lambda path, mode: mode != os.W_OK)
    result, failed = run(compute_host_info, {'sdk_log_path': str(tmp_path / 'sdk.log')}, fake)
    assert_refused_before_any_request(result, failed, fake, 'sdk_log_path', 'not writable')


@pytest.mark.parametrize('option', ['ca_cert', 'client_cert', 'client_key'])
def test_missing_tls_files(run, fake, tmp_path, option):
    args = {option: str(tmp_path / 'nowhere.pem')}
    if option == 'client_key':
        args['client_cert'] = str(tmp_path / 'cert.pem')
        (tmp_path / 'cert.pem').write_text('cert')
    result, failed = run(compute_host_info, args, fake)
    assert_refused_before_any_request(result, failed, fake, option, 'does not exist')


def test_missing_tls_file_inside_a_cloud_dictionary(run, fake, tmp_path):
    cloud = {'auth': {'auth_url': 'https://keystone/v3'}, 'cacert': str(tmp_path / 'ca.pem')}
    result, failed = run(compute_host_info, {'cloud': cloud}, fake)
    assert_refused_before_any_request(result, failed, fake, 'cloud.cacert', 'does not exist')


def test_existing_tls_files_pass(run, fake, tmp_path):
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (tmp_path / name).write_text('x')
    params = {'ca_cert': str(tmp_path / 'ca.pem'), 'client_cert': str(tmp_path / 'cert.pem'),
              'client_key': str(tmp_path / 'key.pem'), 'sdk_log_path': str(tmp_path / 'sdk.log'), 'api_timeout': 30}
    connection.validate_connection_options(dict(params, cloud=None))
    connection.validate_connection_options({'cloud': 'mock-admin'})


# ----- migration_plan ----------------------------------------------------------------------------------

HOSTS = [{'host': 'compute-1', 'zone': 'nova', 'service': {'host': 'compute-1', 'status': 'enabled', 'state': 'up',
                                                           'zone': 'nova'}},
         {'host': 'compute-2', 'zone': 'nova', 'service': {'host': 'compute-2', 'status': 'enabled', 'state': 'up',
                                                           'zone': 'nova'}}]


@pytest.mark.parametrize('hosts, words', [
    ([{'host': 'compute-1', 'capacity': 'lots'}], ['hosts[0]', 'capacity']),
    ([{'host': 'compute-1', 'capacity': {'vcpus': 'many'}}], ['hosts[0]', 'capacity.vcpus']),
    ([HOSTS[0], {'service': 'compute-2'}], ['hosts[1]', 'service']),
    ([HOSTS[0], {'zone': 'nova'}], ['hosts[1]', 'host name']),
], ids=['capacity-not-a-dict', 'capacity-item', 'service-not-a-dict', 'no-host'])
def test_plan_host_facts_must_look_like_compute_host_info(run, fake, hosts, words):
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': hosts, 'capacity_check': False}, fake)
    assert_refused_before_any_request(result, failed, fake, 'compute_host_info', *words)


def test_plan_host_facts_of_strings_are_refused(run, fake):
    # Ansible's own element conversion refuses them, before the module runs.
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': ['compute-2']}, fake)
    assert failed and "option 'hosts'" in result['msg'] and fake.calls == []


@pytest.mark.parametrize('report, words', [
    ({'host': 'compute-1'}, ['report', 'servers', 'list']),
    ({'host': 'compute-1', 'servers': 'web-1'}, ['report', 'servers', 'list']),
    ({'host': 'compute-1', 'servers': ['web-1']}, ['report.servers[0]', 'dict']),
    ({'host': ['compute-1'], 'servers': []}, ['report.host']),
], ids=['no-servers', 'servers-not-a-list', 'entry-not-a-dict', 'host-not-a-string'])
def test_plan_restore_report_must_be_an_evacuation_report(run, fake, report, words):
    args = {'host': 'compute-1', 'mode': 'restore', 'hosts': HOSTS, 'capacity_check': False, 'report': report}
    result, failed = run(migration_plan, args, fake)
    assert_refused_before_any_request(result, failed, fake, *words)


@pytest.mark.parametrize('since', ['garbage', 'yesterday', '2026-13-01T00:00:00Z', '31.01.2026'])
def test_plan_since_must_be_iso_8601(run, fake, since):
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': HOSTS, 'capacity_check': False,
                                          'since': since}, fake)
    assert_refused_before_any_request(result, failed, fake, 'since', 'ISO 8601')


@pytest.mark.parametrize('since', ['2026-01-31', '2026-01-31T10:00:00+02:00', '2026-01-31T08:00:00Z'])
def test_plan_since_in_any_iso_8601_form_finds_earlier_moves(run, fake, since):
    moved = fake.add_migration(SID, 'confirmed', source='compute-1', dest='compute-2')
    moved['created_at'] = '2026-01-31T09:00:00'
    fake.add_server(SID, 'web', host='compute-2')
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': HOSTS, 'capacity_check': False,
                                          'since': since}, fake)
    assert not failed, result['msg']
    assert [e['id'] for e in result['plan']['earlier']] == [SID]


def test_plan_host_facts_with_a_non_numeric_free_capacity(run, fake):
    hosts = [dict(HOSTS[0], capacity={'memory_mb': {'total': 10, 'used': 2, 'free': 'lots'}, 'source': 'placement'})]
    result, failed = run(migration_plan, {'host': 'compute-1', 'hosts': hosts}, fake)
    assert_refused_before_any_request(result, failed, fake, 'hosts[0] (compute-1)', 'capacity.memory_mb', 'free')


def test_plan_host_facts_from_compute_host_info_pass():
    from ansible_collections.novaops.migration.plugins.module_utils import validation as val
    capacity = {'vcpus': {'total': 64, 'used': 4, 'free': 60, 'physical': 16, 'reserved': 0, 'allocation_ratio': 4.0},
                'memory_mb': None, 'disk_gb': {'total': 500, 'used': 20, 'free': 480}, 'source': 'placement'}
    val.check_host_facts([dict(HOSTS[0], capacity=capacity, hypervisor=None, server_count=3), HOSTS[1],
                          {'host': 'compute-3', 'status': 'enabled', 'state': 'up'}])
