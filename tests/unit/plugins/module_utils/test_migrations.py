# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.api import RestClient
from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions
from ansible_collections.novaops.migration.tests.unit import sdk_fake


def rec(**kw):
    base = dict(id=1, uuid='u1', status='running', migration_type='live-migration', instance_uuid='s1',
                source_compute='compute-1', dest_compute='compute-2', created_at='2026-01-01T00:00:00.000000')
    base.update(kw)
    return base


def test_type_keeps_nova_name_and_adds_friendly_type():
    m = mig.normalize(rec(migration_type='migration', status='finished'))
    assert m['migration_type'] == 'migration'
    assert m['type'] == 'cold-migration'
    assert mig.normalize(rec())['type'] == 'live-migration'


def test_type_derived_from_flavor_ids_for_old_microversions():
    same = rec(old_instance_type_id=3, new_instance_type_id=3, status='migrating')
    same.pop('migration_type')
    other = dict(same, new_instance_type_id=4)
    assert mig.normalize(same)['migration_type'] == 'migration'
    assert mig.normalize(other)['migration_type'] == 'resize'


def test_server_migrations_items_are_live():
    item = {'id': 3, 'server_uuid': 's1', 'status': 'running', 'memory_total_bytes': 10}
    m = mig.normalize(item)
    assert m['migration_type'] == 'live-migration' and m['server_id'] == 's1'
    assert m['memory_total_bytes'] == 10
    assert 'memory_total_bytes' not in mig.normalize(rec())


# Nova's in-progress sets, plus accepted for live (the conductor creates the record so) and confirming/reverting.
@pytest.mark.parametrize('mtype,status,expected', [
    ('migration', 'pre-migrating', True), ('migration', 'migrating', True), ('migration', 'post-migrating', True),
    ('migration', 'confirming', True), ('migration', 'reverting', True), ('migration', 'finished', False),
    ('migration', 'confirmed', False), ('migration', 'reverted', False), ('migration', 'error', False),
    ('resize', 'migrating', True), ('resize', 'finished', False),
    ('evacuation', 'accepted', True), ('evacuation', 'pre-migrating', True), ('evacuation', 'done', False),
    ('evacuation', 'completed', False),
    ('live-migration', 'accepted', True), ('live-migration', 'queued', True), ('live-migration', 'preparing', True),
    ('live-migration', 'running', True), ('live-migration', 'post-migrating', True),
    ('live-migration', 'completed', False), ('live-migration', 'cancelled', False), ('live-migration', 'failed', False),
    ('live-migration', 'error', False), ('live-migration', 'migrating', False),
])
def test_in_progress_sets(mtype, status, expected):
    assert nova.is_in_progress(mtype, status) is expected
    assert mig.normalize(rec(migration_type=mtype, status=status))['in_progress'] is expected


def test_unknown_type_uses_union():
    assert nova.is_in_progress(None, 'queued') is True
    assert nova.is_in_progress(None, 'finished') is False


def test_nova_type_aliases():
    assert nova.nova_type('cold-migration') == 'migration'
    assert nova.nova_type('Live-Migration') == 'live-migration'
    assert nova.nova_type('migration') == 'migration'
    assert nova.nova_type('teleport') is None
    assert nova.nova_type(None) is None


def test_newest_by_created_at_then_id():
    records = [mig.normalize(rec(id=1, created_at='2026-01-02T00:00:00')),
               mig.normalize(rec(id=3, created_at='2026-01-01T00:00:00')),
               mig.normalize(rec(id=2, created_at='2026-01-02T00:00:00', migration_type='migration'))]
    assert mig.newest(records)['id'] == 2
    assert mig.newest(records, migration_type='live-migration')['id'] == 1
    assert mig.newest(records, statuses=('nothing',)) is None
    assert mig.newest([]) is None


def test_by_id_matches_int_string_and_uuid():
    records = [mig.normalize(rec(id=12, uuid='abc'))]
    assert mig.by_id(records, 12)['id'] == 12
    assert mig.by_id(records, '12')['id'] == 12
    assert mig.by_id(records, 'abc')['id'] == 12
    assert mig.by_id(records, 1) is None


def test_summary_keys():
    s = mig.summary(mig.normalize(rec()))
    assert set(s) >= {'id', 'uuid', 'type', 'status', 'source_compute', 'dest_compute'}
    assert mig.summary(None) is None


V296 = ComputeVersions((2, 1), (2, 96))


class FakeNova(object):
    """Answers GET /os-migrations with the same records whatever the filters (like a cloud ignoring them)."""

    def __init__(self, records, versions=V296):
        self.records = records
        self.versions = versions
        self.calls = []

    def request(self, method, path, microversion=None, params=None, json=None):
        assert (method, path) == ('GET', '/os-migrations')
        self.calls.append((path, microversion, dict(params or {})))
        return {'migrations': list(self.records)}


def fake_api(records, versions=V296):
    """The RestClient the modules pass around, over a real openstacksdk proxy talking to :class:`FakeNova`."""
    nova = FakeNova(records, versions)
    api = RestClient(sdk_fake.connect(nova).compute)
    api.calls = nova.calls
    return api


def test_list_for_server_uses_os_migrations_and_refilters():
    api = fake_api([rec(id=1, instance_uuid='s1', created_at='2026-01-01T00:00:01'),
                   rec(id=2, instance_uuid='other'),
                   rec(id=3, instance_uuid='s1', migration_type='migration', created_at='2026-01-01T00:00:02')])
    versions = ComputeVersions((2, 1), (2, 96))
    records = mig.list_for_server(api.adapter, versions, 's1')
    assert [r['id'] for r in records] == [3, 1]
    assert api.calls[0] == ('/os-migrations', '2.59', {'instance_uuid': 's1'})
    latest = mig.list_for_server(api.adapter, versions, 's1', migration_type='live-migration')[0]
    assert latest['id'] == 1
    assert api.calls[-1][2] == {'instance_uuid': 's1', 'migration_type': 'live-migration'}


@pytest.mark.parametrize('status,expected', [
    ('running', 'live-migration'), ('cancelled', 'live-migration'), ('finished', 'migration'),
    ('confirmed', 'migration'), ('done', 'evacuation'), ('completed', None), ('error', None), ('accepted', None),
])
def test_type_without_migration_type_field_uses_type_only_statuses(status, expected):
    record = rec(status=status, old_instance_type_id=2, new_instance_type_id=2)
    record.pop('migration_type')
    assert mig.normalize(record)['migration_type'] == expected


def test_list_for_server_fills_type_from_filter_below_2_23():
    record = rec(id=7, status='completed', old_instance_type_id=2, new_instance_type_id=2)
    record.pop('migration_type')
    versions = ComputeVersions((2, 1), (2, 20))
    api = fake_api([record], versions)
    latest = mig.list_for_server(api.adapter, versions, 's1', migration_type='live-migration')[0]
    assert latest['id'] == 7 and latest['migration_type'] == 'live-migration'
    assert latest['in_progress'] is False
    assert api.calls[0][1] == '2.20'


@pytest.mark.parametrize('mtype, status, in_progress, unfinished', [
    ('migration', 'finished', False, True),      # VERIFY_RESIZE: waits for a confirm, holds both hosts
    ('resize', 'finished', False, True),
    ('migration', 'migrating', True, True),
    ('migration', 'confirming', True, True),
    ('migration', 'confirmed', False, False),
    ('migration', 'reverted', False, False),
    ('migration', 'error', False, False),
    ('live-migration', 'running', True, True),
    ('live-migration', 'completed', False, False),
    ('evacuation', 'done', False, False),
    ('evacuation', 'pre-migrating', True, True),
])
def test_unfinished_adds_the_wait_for_confirmation_to_in_progress(mtype, status, in_progress, unfinished):
    record = mig.normalize(rec(migration_type=mtype, status=status))
    assert (record['in_progress'], record['unfinished']) == (in_progress, unfinished)


def test_unfinished_without_migration_type_field():
    record = rec(status='finished')
    record.pop('migration_type')
    assert mig.normalize(record)['unfinished'] is True
