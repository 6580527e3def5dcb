# -*- coding: utf-8 -*-
"""ServerMigration on its own: what it reports when the session cannot even connect."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.server_migration import ServerMigration


class ConnectFailure(Exception):
    """Looks like keystoneauth's, which describe_exception recognises by module and name."""


ConnectFailure.__module__ = 'keystoneauth1.exceptions.connection'


class UnreachableCloud(object):
    check_mode = False
    step = None

    @staticmethod
    def clock():
        return 0.0

    @property
    def compute(self):
        self.step = 'connecting to the cloud'
        raise ConnectFailure('Unable to establish connection to https://keystone.example.com:5000/v3')

    api = compute


def test_a_connection_failure_names_the_connection_step_and_changes_nothing():
    ok, result = ServerMigration(UnreachableCloud(), {'server': 'web-1', 'source_host': 'compute-1'}).execute()
    assert not ok and result['changed'] is False
    assert result['msg'].startswith('Failed while connecting to the cloud: ConnectFailure')
    assert 'check auth_url' in result['msg'] and result['error_type'] == 'ConnectFailure'
    assert result['server_before'] is None and result['action'] == 'none'


class FlakyThenBrokenServer(UnreachableCloud):
    """Connects on the second try; then the server lookup fails with a plain API error."""

    tries = 0

    @property
    def compute(self):
        FlakyThenBrokenServer.tries += 1
        if FlakyThenBrokenServer.tries == 1:
            return UnreachableCloud.compute.fget(self)
        raise ValueError('unexpected body')

    api = compute


def test_a_failed_connection_does_not_label_the_next_migrations_failure():
    session = FlakyThenBrokenServer()
    first_ok, first = ServerMigration(session, {'server': 'web-1'}).execute()
    second_ok, second = ServerMigration(session, {'server': 'web-2'}).execute()
    assert not first_ok and 'connecting to the cloud' in first['msg']
    assert not second_ok and second['msg'].startswith('Failed while looking up the server: Unexpected ValueError')
