# -*- coding: utf-8 -*-
"""An empty (or blank) host, server or migration is refused before any request.

An empty string usually comes from a template that rendered empty; treated as unset it would send a server
wherever the scheduler chooses, or drop the source_host guard.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.modules import (
    compute_host_info,
    compute_service,
    migration_plan,
    server_migrate,
    server_migrate_sequence,
    server_migration_action,
    server_migration_info,
)

CASES = [
    (server_migrate, {'server': ''}, 'server'),
    (server_migrate, {'server': 'web', 'host': ''}, 'host'),
    (server_migrate, {'server': 'web', 'host': '  '}, 'host'),
    (server_migrate, {'server': 'web', 'source_host': ''}, 'source_host'),
    (server_migrate, {'server': 'web', 'host': '', 'force': True}, 'host'),
    (server_migrate_sequence, {'servers': [{'server': 'web', 'source_host': 'compute-1'},
                                           {'server': 'db', 'host': ''}]}, 'servers[1] (db): host'),
    (server_migrate_sequence, {'servers': [{'server': ' ', 'host': 'compute-2'}]}, 'servers[0]'),
    (server_migrate_sequence, {'servers': [{'server': 'web', 'source_host': ''}]}, 'source_host'),
    (server_migration_action, {'server': '', 'action': 'confirm'}, 'server'),
    (server_migration_action, {'server': 'web', 'action': 'revert', 'migration_id': ''}, 'migration_id'),
    (server_migration_info, {'host': ''}, 'host'),
    (server_migration_info, {'server': '\t'}, 'server'),
    (compute_service, {'host': '', 'state': 'disabled'}, 'host'),
    (compute_host_info, {'host': ['compute-1', '']}, 'host[1]'),
    (compute_host_info, {'host': ''}, 'host'),
    (migration_plan, {'host': ''}, 'host'),
    (migration_plan, {'host': 'compute-1', 'target_hosts': ['compute-2', ' ']}, 'target_hosts[1]'),
]


@pytest.mark.parametrize('module, args, option', CASES,
                         ids=['%s-%s' % (c[0].__name__.rsplit('.', 1)[-1], c[2]) for c in CASES])
def test_an_empty_name_is_refused_before_any_request(run, fake, module, args, option):
    result, failed = run(module, args, fake)
    assert failed, result
    assert option in result['msg'] and 'template rendered empty' in result['msg'], result['msg']
    assert fake.calls == [] and fake.transport.discoveries == []
    assert not result.get('changed')
