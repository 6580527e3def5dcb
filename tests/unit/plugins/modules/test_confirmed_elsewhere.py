# -*- coding: utf-8 -*-
"""A resize confirmed by someone else first (Nova's resize_confirm_window, another run) is still a success.

Nova refuses the module's own confirmResize then: HTTP 409 once the server is ACTIVE again ("Cannot
'confirmResize' instance ... while it is in vm_state active"), HTTP 400 "Instance has not been resized." while
the other confirm runs (the record is no longer ``finished``).  What counts is the end state: the record
confirmed, the server on the destination in its original status.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.modules import server_migrate, server_migration_action
from ansible_collections.novaops.migration.tests.unit.sdk_fake import HttpError

SID = 'aaaaaaaa-0000-0000-0000-000000000001'


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


def someone_else_acts_first(fake, action='confirmResize', answer=409, outcome='confirmed'):
    """Just before the module's ``action`` arrives, another party has done it (``answer`` 409) or is doing it (400)."""
    original = fake._action

    def racing(server, body):
        if action not in body:
            return original(server, body)
        record = [r for r in fake.migrations if r['instance_uuid'] == server['id'] and r['status'] == 'finished'][-1]
        final = 'SHUTOFF' if server['OS-EXT-STS:power_state'] == 4 else 'ACTIVE'

        def end():
            record['status'] = outcome
            host = record['source_compute'] if outcome == 'reverted' else None
            fake._set(server, final, 'stopped' if final == 'SHUTOFF' else 'active', host=host)
        if answer == 409:
            end()
            raise HttpError(409, "Cannot '%s' instance %s while it is in vm_state %s"
                            % (action, server['id'], server['OS-EXT-STS:vm_state']))
        record['status'] = {'confirmed': 'confirming', 'reverted': 'reverting'}[outcome]
        fake.at(0.5, end)
        raise HttpError(400, 'Instance has not been resized.')
    fake._action = racing


def test_migration_confirmed_by_the_cloud_before_our_confirm_is_a_success(run, fake):
    fake.add_server(SID, 'web')
    someone_else_acts_first(fake, answer=409)
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is True and result['action'] == 'migrate'
    assert 'confirmed by the cloud or someone else' in result['msg']
    assert result['migration']['status'] == 'confirmed'
    assert result['server']['host'] == 'compute-2' and result['server']['status'] == 'ACTIVE'


def test_confirm_refused_while_another_confirm_runs_waits_for_it(run, fake):
    fake.add_server(SID, 'web', status='SHUTOFF')
    someone_else_acts_first(fake, answer=400)
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-3'}, fake)
    assert not failed, result['msg']
    assert 'confirmed by the cloud or someone else' in result['msg']
    assert result['migration']['status'] == 'confirmed'
    assert result['server']['host'] == 'compute-3' and result['server']['status'] == 'SHUTOFF'


def test_leftover_verify_resize_confirmed_by_someone_else_changes_nothing(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    someone_else_acts_first(fake, answer=409)
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False and result['action'] == 'confirm'
    assert 'confirmed by the cloud or someone else' in result['msg']
    assert result['server']['status'] == 'ACTIVE' and result['migration']['status'] == 'confirmed'


def test_confirm_without_wait_refused_because_already_confirmed(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    someone_else_acts_first(fake, answer=409)
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'wait': False}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False
    assert 'already confirmed by the cloud or someone else (status confirmed)' in result['msg']
    assert result['migration']['status'] == 'confirmed'


def test_confirm_refused_for_another_reason_still_fails(run, fake):
    fake.add_server(SID, 'web')
    original = fake._action

    def locked(server, body):
        if 'confirmResize' in body:
            raise HttpError(409, 'Instance %s is locked' % server['id'])
        return original(server, body)
    fake._action = locked
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert failed and 'HTTP 409' in result['msg'] and 'locked' in result['msg']
    # The failure shows the server as it is after the refusal, not as it was before the confirm.
    assert result['server']['status'] == 'VERIFY_RESIZE' and result['migration']['status'] == 'finished'


def test_reverted_by_someone_else_fails_and_says_so(run, fake):
    fake.add_server(SID, 'web')
    someone_else_acts_first(fake, answer=409, outcome='reverted')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert failed
    assert 'reverted' in result['msg'] and 'someone else' in result['msg']
    assert result['server']['host'] == 'compute-1'


def test_action_confirm_refused_because_the_cloud_confirmed_is_unchanged_success(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    someone_else_acts_first(fake, answer=400)
    result, failed = run(server_migration_action, {'server': 'web', 'action': 'confirm'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False and 'confirmed by the cloud or someone else' in result['msg']
    assert result['migration']['status'] == 'confirmed' and result['server']['status'] == 'ACTIVE'
    assert [w[4] for w in writes(fake)] == [{'confirmResize': None}]


def test_action_revert_refused_because_someone_else_reverted_is_unchanged_success(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    someone_else_acts_first(fake, action='revertResize', answer=409, outcome='reverted')
    result, failed = run(server_migration_action, {'server': 'web', 'action': 'revert'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False and 'reverted by someone else' in result['msg']
    assert result['server']['host'] == 'compute-1'
