# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.errors import CloudTooOld, ValidationError


def cloud(high, low='2.1'):
    return mv.ComputeVersions(mv.parse(low), mv.parse(high))


class EndpointData(object):
    def __init__(self, low, high):
        self.min_microversion = low
        self.max_microversion = high


def test_parse_and_format():
    assert mv.parse('2.56') == (2, 56)
    assert mv.parse((2, 5)) == (2, 5)
    assert mv.parse([2, 100]) == (2, 100)
    assert mv.fmt((2, 100)) == '2.100'
    # numeric, not lexical, comparison
    assert mv.parse('2.100') > mv.parse('2.56')
    with pytest.raises(ValueError):
        mv.parse('latest')


def test_from_endpoint_data():
    assert mv.from_endpoint_data(EndpointData((2, 1), (2, 96))) == ((2, 1), (2, 96))
    assert mv.from_endpoint_data(EndpointData(None, None)) == ((2, 1), (2, 1))
    assert mv.from_endpoint_data(None) == ((2, 1), (2, 1))


# ----- cold -----------------------------------------------------------------

def test_cold_with_host_uses_max_supported():
    assert mv.choose_cold_migrate(cloud('2.96'), host='compute-2') == ('2.96', {'migrate': {'host': 'compute-2'}})


def test_cold_with_host_at_exactly_256():
    assert mv.choose_cold_migrate(cloud('2.56'), host='c2')[0] == '2.56'


def test_cold_with_host_on_old_cloud_names_versions():
    with pytest.raises(CloudTooOld) as err:
        mv.choose_cold_migrate(cloud('2.55'), host='compute-2')
    assert '2.56' in err.value.msg and '2.55' in err.value.msg
    assert err.value.data['required_microversion'] == '2.56'
    assert err.value.data['max_microversion'] == '2.55'


def test_cold_capped_at_known_max():
    assert mv.choose_cold_migrate(cloud('2.150'), host='c2')[0] == mv.fmt(mv.KNOWN_MAX)


def test_cold_without_host_body_is_null():
    version, body = mv.choose_cold_migrate(cloud('2.20'))
    assert body == {'migrate': None}
    assert version == '2.20'


def test_cold_force_body_and_version():
    version, body = mv.choose_cold_migrate(cloud('2.100'), host='c2', force=True)
    assert body == {'migrate': {'host': 'c2', 'force': True}}
    assert mv.parse(version) >= mv.V_COLD_HOST


def test_cold_force_without_host_refused():
    with pytest.raises(ValidationError):
        mv.choose_cold_migrate(cloud('2.100'), force=True)


# ----- live -----------------------------------------------------------------

def test_live_force_pins_267_on_modern_cloud():
    version, body = mv.choose_live_migrate(cloud('2.100'), host='c2', force=True)
    assert version == '2.67'
    assert body == {'os-migrateLive': {'host': 'c2', 'block_migration': 'auto', 'force': True}}


def test_live_force_uses_highest_between_230_and_267():
    assert mv.choose_live_migrate(cloud('2.45'), host='c2', force=True)[0] == '2.45'
    assert mv.choose_live_migrate(cloud('2.30'), host='c2', force=True)[0] == '2.30'


def test_live_force_too_old():
    with pytest.raises(CloudTooOld) as err:
        mv.choose_live_migrate(cloud('2.29'), host='c2', force=True)
    assert '2.30' in err.value.msg and '2.29' in err.value.msg


def test_live_force_impossible_when_minimum_above_267():
    with pytest.raises(CloudTooOld):
        mv.choose_live_migrate(cloud('2.100', low='2.70'), host='c2', force=True)


def test_live_force_requires_host():
    with pytest.raises(ValidationError):
        mv.choose_live_migrate(cloud('2.60'), force=True)


def test_live_without_force_modern_never_sends_force():
    version, body = mv.choose_live_migrate(cloud('2.96'), host='c2')
    assert version == '2.96'
    assert body == {'os-migrateLive': {'host': 'c2', 'block_migration': 'auto'}}


def test_live_without_force_between_230_and_267():
    version, body = mv.choose_live_migrate(cloud('2.60'), host='c2', block_migration='false')
    assert version == '2.60'
    assert body == {'os-migrateLive': {'host': 'c2', 'block_migration': False}}
    assert 'force' not in body['os-migrateLive']


def test_live_host_below_230_refused_because_scheduler_is_bypassed():
    with pytest.raises(CloudTooOld) as err:
        mv.choose_live_migrate(cloud('2.29'), host='c2')
    assert '2.30' in err.value.msg


def test_live_no_host_auto_on_225():
    assert mv.choose_live_migrate(cloud('2.25')) == ('2.25', {'os-migrateLive': {'host': None, 'block_migration': 'auto'}})


def test_live_auto_below_225_too_old():
    with pytest.raises(CloudTooOld) as err:
        mv.choose_live_migrate(cloud('2.24'), block_migration='auto')
    assert '2.25' in err.value.msg


def test_live_default_below_225_uses_false_and_disk_over_commit():
    assert mv.choose_live_migrate(cloud('2.20')) == (
        '2.20', {'os-migrateLive': {'host': None, 'block_migration': False, 'disk_over_commit': False}})


def test_live_block_true():
    assert mv.choose_live_migrate(cloud('2.90'), block_migration='true')[1]['os-migrateLive']['block_migration'] is True


def test_live_block_invalid():
    with pytest.raises(ValidationError):
        mv.choose_live_migrate(cloud('2.90'), block_migration='sometimes')


# ----- reads ------------------------------------------------------------------

def test_server_read_capped_at_2_100():
    assert mv.choose_server_read(cloud('2.104')) == '2.100'
    assert mv.choose_server_read(cloud('2.60')) == '2.60'


def test_services_prefers_253():
    assert mv.choose_services(cloud('2.96')) == '2.53'
    assert mv.choose_services(cloud('2.40')) == '2.40'


def test_hypervisors_capped_at_288():
    assert mv.choose_hypervisors(cloud('2.96')) == '2.88'
    assert mv.choose_hypervisors(cloud('2.87')) == '2.87'


def test_migration_list_lowest_for_filters():
    modern = cloud('2.96')
    assert mv.choose_migration_list(modern, {}) == '2.59'
    assert mv.choose_migration_list(modern, {'changes_since': 'x'}) == '2.59'
    assert mv.choose_migration_list(modern, {'changes_before': 'x'}) == '2.66'
    assert mv.choose_migration_list(modern, {'project_id': 'p', 'changes_before': 'x'}) == '2.80'
    assert mv.choose_migration_list(modern, {'user_id': 'u'}) == '2.80'
    assert mv.choose_migration_list(cloud('2.40'), {}) == '2.23'
    assert mv.choose_migration_list(cloud('2.10'), {}) == '2.10'


def test_migration_list_filter_too_old_names_filter():
    with pytest.raises(CloudTooOld) as err:
        mv.choose_migration_list(cloud('2.79'), {'project_id': 'p'})
    assert 'project_id' in err.value.msg and '2.80' in err.value.msg and '2.79' in err.value.msg
    with pytest.raises(CloudTooOld):
        mv.choose_migration_list(cloud('2.58'), {'limit': 5})


def test_migration_list_ignores_none_filters():
    assert mv.choose_migration_list(cloud('2.60'), {'project_id': None}) == '2.59'


def test_server_migrations_actions():
    assert mv.choose_server_migrations(cloud('2.90'), 'abort') == '2.90'
    with pytest.raises(CloudTooOld):
        mv.choose_server_migrations(cloud('2.23'), 'abort')
    with pytest.raises(CloudTooOld):
        mv.choose_server_migrations(cloud('2.21'), 'force_complete')
    assert mv.choose_server_migrations(cloud('2.22'), 'force_complete') == '2.22'


@pytest.mark.parametrize(('on_stall', 'cloud_max', 'lacking'), [
    ('force_complete', (2, 21), '2.22'),
    ('force_complete', (2, 22), '2.23'),     # the progress is read from 2.23
    ('abort', (2, 23), '2.24'),
])
def test_a_stall_policy_names_the_microversion_the_cloud_lacks(on_stall, cloud_max, lacking):
    versions = mv.ComputeVersions((2, 1), cloud_max)
    with pytest.raises(CloudTooOld) as exc:
        mv.check_stall_policy(versions, on_stall)
    assert 'on_stall=%s needs compute API microversion %s' % (on_stall, lacking) in exc.value.msg
    assert 'on_stall=wait' in exc.value.msg and exc.value.data['required_microversion'] == lacking


@pytest.mark.parametrize(('on_stall', 'cloud_max'), [
    ('wait', (2, 1)), (None, (2, 1)), ('force_complete', (2, 23)), ('abort', (2, 24)),
])
def test_a_stall_policy_the_cloud_supports(on_stall, cloud_max):
    mv.check_stall_policy(mv.ComputeVersions((2, 1), cloud_max), on_stall)
