# -*- coding: utf-8 -*-
"""server_migrate and server_migrate_sequence: on_stall (wait, force_complete, abort) and fallback=cold.

The fake's live migrations show libvirt's byte counters (GET /servers/{id}/migrations/{id}) and can stall
(``live_stall``) or fail (``live_fail_next``); the fake clock makes every wait instant.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions
from ansible_collections.novaops.migration.plugins.modules import server_migrate
from ansible_collections.novaops.migration.plugins.modules import server_migrate_sequence as sms
from ansible_collections.novaops.migration.tests.unit.sdk_fake import HttpError

SID = 'aaaaaaaa-0000-0000-0000-000000000001'
SID2 = 'aaaaaaaa-0000-0000-0000-000000000002'


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


def live_actions(fake):
    """The force complete and abort requests sent."""
    return [(c[0], c[1]) for c in fake.calls if '/migrations/' in c[1] and c[0] in ('POST', 'DELETE')]


def migrate(run, fake, **args):
    params = dict(server='web', live_migration=True, timeout=600, stall_timeout=20)
    params.update(args)
    return run(server_migrate, params, fake)


def test_a_stalled_live_migration_is_force_completed_once(run, fake):
    fake.add_server(SID, 'web')
    fake.live_stall = ('freeze', 40, None)
    result, failed = migrate(run, fake, on_stall='force_complete')
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-2' and result['server']['status'] == 'ACTIVE'
    assert result['migration']['status'] == 'completed'
    assert 'force-completed after the copy stalled at 40%' in result['msg']
    assert len(live_actions(fake)) == 1 and live_actions(fake)[0][0] == 'POST'
    assert [(a['mode'], a['outcome']) for a in result['attempts']] == [('live', 'succeeded')]
    # One migration read per poll at most: never more than the server reads.
    assert fake.count('GET', '/servers/%s/migrations' % SID) <= fake.count('GET', '/servers/%s' % SID) // 2 + 1


def test_a_stalled_live_migration_is_aborted_and_verified_on_its_source(run, fake):
    fake.add_server(SID, 'web')
    fake.live_stall = ('freeze', 62, None)
    result, failed = migrate(run, fake, on_stall='abort')
    assert failed
    assert 'aborted after the copy stalled at 62%' in result['msg']
    assert 'verified back on its source compute-1 in status ACTIVE' in result['msg']
    assert result['server']['host'] == 'compute-1' and result['server']['status'] == 'ACTIVE'
    assert result['migration']['status'] == 'cancelled'
    assert result['changed'] is True
    assert live_actions(fake) == [('DELETE', '/servers/%s/migrations/%d' % (SID, result['migration']['id']))]
    assert [(a['mode'], a['outcome']) for a in result['attempts']] == [('live', 'aborted')]


def test_an_aborted_paused_server_stays_paused(run, fake):
    fake.add_server(SID, 'web', status='PAUSED')
    fake.live_stall = ('freeze', 30, None)
    result, failed = migrate(run, fake, on_stall='abort', strategy='auto', live_migration=None, fallback='cold')
    assert failed
    assert result['server']['status'] == 'PAUSED' and result['server']['host'] == 'compute-1'
    # No cold fallback for a PAUSED server: one attempt, and the reason says so.
    assert [(a['mode'], a['outcome']) for a in result['attempts']] == [('live', 'aborted')]
    assert 'no cold fallback for a PAUSED server' in result['mode_reason']
    assert not [c for c in writes(fake) if 'migrate' in (c[4] or {})]


def test_wait_keeps_waiting_and_names_the_stall_at_the_timeout(run, fake):
    fake.add_server(SID, 'web')
    fake.live_stall = ('freeze', 50, None)
    result, failed = migrate(run, fake, on_stall='wait', timeout=120)
    assert failed
    assert 'Timed out' in result['msg'] and 'The copy stalled at 50%' in result['msg']
    assert 'on_stall=wait kept waiting' in result['msg']
    assert live_actions(fake) == []


def test_an_oscillation_that_converges_is_not_a_stall(run, fake):
    fake.add_server(SID, 'web')
    # rises and falls for 15 s without a new low, then the copy goes on: shorter than stall_timeout
    fake.live_stall = ('oscillate', 40, 15)
    result, failed = migrate(run, fake, on_stall='abort', stall_timeout=30)
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-2' and live_actions(fake) == []


def test_an_oscillation_without_a_new_low_is_a_stall(run, fake):
    fake.add_server(SID, 'web')
    fake.live_stall = ('oscillate', 40, None)
    result, failed = migrate(run, fake, on_stall='abort', stall_timeout=30)
    assert failed and 'aborted after the copy stalled at 3' in result['msg']
    assert 'memory is being sent again' in result['msg']


def test_force_complete_below_2_22_fails_before_any_write(run, fake):
    fake.versions = ComputeVersions((2, 1), (2, 21))
    fake.add_server(SID, 'web')
    result, failed = migrate(run, fake, on_stall='force_complete')
    assert failed
    assert '2.22' in result['msg'] and 'at most 2.21' in result['msg'] and 'on_stall=wait' in result['msg']
    assert writes(fake) == []


def test_abort_below_2_24_fails_before_any_write(run, fake):
    fake.versions = ComputeVersions((2, 1), (2, 23))
    fake.add_server(SID, 'web')
    result, failed = migrate(run, fake, on_stall='abort')
    assert failed
    assert '2.24' in result['msg'] and 'at most 2.23' in result['msg']
    assert writes(fake) == []


def test_cold_fallback_after_a_pre_check_refusal(run, fake):
    fake.add_server(SID, 'web')
    fake.live_fail_next = 'precheck'
    result, failed = migrate(run, fake, fallback='cold')
    assert not failed, result['msg']
    assert result['changed'] is True and result['mode'] == 'cold'
    assert result['mode_reason'].startswith('live failed (Nova refused it with HTTP 400: No valid host')
    assert result['mode_reason'].endswith('): cold fallback')
    assert result['server']['host'] == 'compute-2' and result['migration']['status'] == 'confirmed'
    assert [(a['mode'], a['outcome']) for a in result['attempts']] == [('live', 'failed'), ('cold', 'succeeded')]
    assert result['attempts'][0]['msg'] and result['attempts'][1]['migration']['type'] == 'cold-migration'


def test_cold_fallback_after_an_error_record(run, fake):
    fake.add_server(SID, 'web')
    fake.live_fail_next = 'error'
    result, failed = migrate(run, fake, fallback='cold', strategy='auto', live_migration=None)
    assert not failed, result['msg']
    assert result['mode'] == 'cold' and 'ended in status error' in result['mode_reason']
    assert result['attempts'][0]['migration']['status'] == 'error'
    assert result['server']['host'] == 'compute-2'


def test_cold_fallback_after_an_abort(run, fake):
    fake.add_server(SID, 'web')
    fake.live_stall = ('freeze', 62, None)
    result, failed = migrate(run, fake, on_stall='abort', fallback='cold')
    assert not failed, result['msg']
    assert [(a['mode'], a['outcome']) for a in result['attempts']] == [('live', 'aborted'), ('cold', 'succeeded')]
    assert result['attempts'][0]['migration']['status'] == 'cancelled'
    assert 'aborted after the copy stalled at 62%' in result['mode_reason']
    assert result['server']['host'] == 'compute-2' and result['server']['status'] == 'ACTIVE'


def test_no_fallback_when_the_live_failure_left_the_server_in_error(run, fake):
    fake.add_server(SID, 'web')
    fake.live_fail_next = 'server_error'
    result, failed = migrate(run, fake, fallback='cold')
    assert failed
    assert 'no cold fallback may start' in result['msg'] and 'ERROR' in result['msg']
    assert not [c for c in writes(fake) if 'migrate' in (c[4] or {})]


def test_contradictions_fail_before_any_request(run, fake):
    fake.add_server(SID, 'web')
    for args, words in ((dict(strategy='cold', on_stall='abort', live_migration=None), 'drop on_stall'),
                        (dict(strategy='cold', fallback='cold', live_migration=None), 'drop fallback'),
                        (dict(live_migration=None, fallback='cold'), 'live_migration=false or unset'),
                        (dict(allow_cold_for_running=True), 'drop allow_cold_for_running'),
                        (dict(on_stall='abort', wait=False), 'set wait=true')):
        fake.calls = []
        result, failed = migrate(run, fake, **args)
        assert failed and words in result['msg'] and 'Nothing was changed' in result['msg'], (args, result['msg'])
        assert writes(fake) == []


def test_check_mode_predicts_and_says_the_policies_act_only_in_a_real_run(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, dict(server='web', live_migration=True, on_stall='abort', fallback='cold'),
                         fake, check_mode=True)
    assert not failed and result['changed'] is True
    assert 'on_stall=abort and fallback=cold act only during a real run' in result['msg']
    assert writes(fake) == []


def test_sequence_per_item_fallback_and_attempts(run, fake):
    fake.add_server(SID, 'web')
    fake.add_server(SID2, 'db')
    original = fake._action

    def refuse_db(server, body):
        if 'os-migrateLive' in body and server['id'] == SID2:
            fake.live_fail_next = 'precheck'
        return original(server, body)

    fake._action = refuse_db
    result, failed = run(sms, dict(servers=[dict(server='web', source_host='compute-1'),
                                            dict(server='db', source_host='compute-1', fallback='cold')],
                                   strategy='live', stall_timeout=20, on_stall='abort'), fake)
    assert not failed, result['msg']
    web, db = result['results']
    assert web['attempts'] == 1 and [a['outcome'] for a in web['migration_attempts']] == ['succeeded']
    assert [(a['mode'], a['outcome']) for a in db['migration_attempts']] == [('live', 'failed'), ('cold', 'succeeded')]
    assert db['mode'] == 'cold' and db['server']['host'] == 'compute-2'


def test_sequence_checks_the_microversion_before_the_first_write(run, fake):
    fake.versions = ComputeVersions((2, 1), (2, 23))
    fake.add_server(SID, 'web')
    fake.add_server(SID2, 'db')
    result, failed = run(sms, dict(servers=[dict(server='web'), dict(server='db', on_stall='abort')],
                                   strategy='live'), fake)
    assert failed and 'servers[1] (db)' in result['msg'] and '2.24' in result['msg']
    assert writes(fake) == []


def test_a_cold_fallback_to_a_named_host_below_2_56_fails_before_any_write(run, fake):
    fake.versions = ComputeVersions((2, 1), (2, 55))
    fake.add_server(SID, 'web')
    result, failed = migrate(run, fake, fallback='cold', host='compute-3')
    assert failed and result['msg'].startswith('fallback=cold: ') and '2.56' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert writes(fake) == []


def test_progress_hidden_by_policy_warns_and_waits(run, fake):
    fake.add_server(SID, 'web')
    original = fake.request

    def forbid_progress(method, path, microversion=None, params=None, json=None):
        if method == 'GET' and path.startswith('/servers/%s/migrations' % SID):
            fake.calls.append((method, path, microversion, params, json))
            raise HttpError(403, 'Policy does not allow os_compute_api:servers:migrations:index to be performed.')
        return original(method, path, microversion, params, json)

    fake.request = forbid_progress
    result, failed = migrate(run, fake, on_stall='abort')
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-2' and live_actions(fake) == []
    assert fake.count('GET', '/servers/%s/migrations' % SID) == 1
