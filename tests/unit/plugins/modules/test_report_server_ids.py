# -*- coding: utf-8 -*-
"""Server ids taken from an evacuation report are UUIDs before they go into a URL; path segments are quoted."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import api
from ansible_collections.novaops.migration.plugins.modules import migration_plan

SID = 'aaaaaaaa-0000-0000-0000-000000000001'
HOSTS = [{'host': name, 'zone': 'nova', 'service': {'host': name, 'status': 'enabled', 'state': 'up', 'zone': 'nova'}}
         for name in ('compute-1', 'compute-2')]


def restore(report_servers):
    return {'host': 'compute-1', 'mode': 'restore', 'hosts': HOSTS, 'capacity_check': False,
            'report': {'report': 'novaops.migration.host_evacuation', 'host': 'compute-1', 'servers': report_servers}}


@pytest.mark.parametrize('server_id', ['../../os-services', SID + '/action', 'web-1', SID + '?all_tenants=1', 42, ''])
def test_a_report_server_id_that_is_not_a_uuid_is_refused(run, fake, server_id):
    entries = [{'id': SID, 'name': 'ok', 'outcome': 'moved', 'destination': 'compute-2'},
               {'id': server_id, 'name': 'odd', 'outcome': 'moved', 'destination': 'compute-2'}]
    result, failed = run(migration_plan, restore(entries), fake)
    assert failed
    assert 'report.servers[1]' in result['msg'] and "'odd'" in result['msg'] and 'UUID' in result['msg']
    assert fake.calls == [] and fake.transport.discoveries == []


def test_a_moved_entry_without_id_is_refused(run, fake):
    result, failed = run(migration_plan, restore([{'name': 'odd', 'outcome': 'moved', 'destination': 'compute-2'}]),
                         fake)
    assert failed and 'report.servers[0]' in result['msg'] and 'id' in result['msg'] and fake.calls == []


def test_report_servers_with_uuids_are_read_by_id(run, fake):
    fake.add_server(SID, 'web', host='compute-3')
    entry = {'id': SID, 'name': 'web', 'outcome': 'moved', 'destination': 'compute-2'}
    result, failed = run(migration_plan, restore([entry]), fake)
    assert not failed, result['msg']
    assert ('GET', '/servers/%s' % SID) in [c[:2] for c in fake.calls]


@pytest.mark.parametrize('segments, expected', [
    (('abc',), '/servers/abc'),
    (('a/b',), '/servers/a%2Fb'),
    (('../x?y=1#z',), '/servers/..%2Fx%3Fy%3D1%23z'),
    ((' sp ace',), '/servers/%20sp%20ace'),
])
def test_url_path_quotes_every_segment(segments, expected):
    assert api.url_path('/servers/%s', *segments) == expected


def test_url_path_quotes_several_segments():
    assert api.url_path('/servers/%s/migrations/%s', 's/1', 7) == '/servers/s%2F1/migrations/7'
