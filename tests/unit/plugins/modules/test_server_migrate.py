# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.modules import server_migrate

SID = 'aaaaaaaa-0000-0000-0000-000000000001'


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


def test_cold_migrate_to_host_confirms_and_verifies(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is True and result['action'] == 'migrate'
    assert result['server_before']['host'] == 'compute-1'
    assert result['server']['host'] == 'compute-2' and result['server']['status'] == 'ACTIVE'
    assert result['migration']['status'] == 'confirmed' and result['migration']['type'] == 'cold-migration'
    posts = writes(fake)
    assert posts[0][1:] == ('/servers/%s/action' % SID, '2.96', None, {'migrate': {'host': 'compute-2'}})
    assert posts[1][4] == {'confirmResize': None}
    # a 5 s migration stays around a dozen compute requests
    # One read more than without a named host: the server's groups (2.71 show), which no group makes no more reads.
    assert len(fake.calls) <= 15, fake.calls


def test_cold_migrate_shutoff_server_stays_shutoff(run, fake):
    fake.add_server(SID, 'web', status='SHUTOFF')
    result, failed = run(server_migrate, {'server': SID, 'host': 'compute-3'}, fake)
    assert not failed, result['msg']
    assert result['server']['status'] == 'SHUTOFF' and result['server']['host'] == 'compute-3'


def test_poll_rate_is_bounded(run, fake):
    fake.cold_seconds = 120
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web'}, fake)
    assert not failed, result['msg']
    server_gets = fake.count('GET', '/servers/' + SID)
    # One poll a second for 20 s, then backing off: well under the 1 request/s budget over two minutes.
    assert server_gets <= 120 / 2


def test_already_on_host_is_unchanged_and_read_only(run, fake):
    fake.add_server(SID, 'web', host='compute-2')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed and result['changed'] is False and result['action'] == 'none'
    assert writes(fake) == []


def test_source_host_drain_idempotent(run, fake):
    fake.add_server(SID, 'web', host='compute-3')
    result, failed = run(server_migrate, {'server': 'web', 'source_host': 'compute-1', 'live_migration': True}, fake)
    assert not failed and result['changed'] is False
    assert writes(fake) == []


def test_unknown_host_fails_before_any_write_listing_hosts(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-9'}, fake)
    assert failed and 'compute-10' in result['msg'] and result['changed'] is False
    assert writes(fake) == []


def test_force_without_host_fails_before_any_api_call(run, fake):
    result, failed = run(server_migrate, {'server': 'web', 'force': True}, fake)
    assert failed and 'force requires host' in result['msg']
    assert fake.calls == []


def test_block_migration_on_cold_fails_before_any_api_call(run, fake):
    _result, failed = run(server_migrate, {'server': 'web', 'block_migration': 'auto'}, fake)
    assert failed and fake.calls == []


def test_disabled_target_refused(run, fake):
    fake.add_service('compute-7', status='disabled', reason='maint')
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-7'}, fake)
    assert failed and 'disabled' in result['msg'] and writes(fake) == []


def test_cloud_too_old_for_cold_host(run, fake):
    fake.versions = fake.versions._replace(max=(2, 55))
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert failed and '2.56' in result['msg'] and '2.55' in result['msg']
    assert writes(fake) == []


def test_below_2_96_a_move_into_another_zone_warns_that_the_pinning_was_not_checked(run, fake, monkeypatch):
    # Nova 2023.1 (2.95) does not show the pinned zone: the move goes ahead, Nova's scheduler applies the pinning.
    from ansible.module_utils import basic
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: seen.append(warning))
    fake.versions = fake.versions._replace(max=(2, 95))
    fake.add_service('az2-1', zone='az2')
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'az2-1'}, fake)
    assert not failed, result['msg']
    assert result['server']['host'] == 'az2-1' and result['server']['pinned_availability_zone'] is None
    assert len(seen) == 1 and 'microversion 2.96' in seen[0] and "this cloud's maximum is 2.95" in seen[0]
    seen[:] = []
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed and seen == []


def test_check_mode_predicts_without_writing(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake, check_mode=True)
    assert not failed and result['changed'] is True
    assert writes(fake) == []
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-9'}, fake, check_mode=True)
    assert failed


def test_failed_migration_reports_status_and_location(run, fake):
    fake.add_server(SID, 'web', fault={'message': 'No valid host was found.'})
    fake.fail_next = 'error'
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert failed
    assert 'error' in result['msg'] and 'compute-1' in result['msg'] and 'No valid host' in result['msg']
    assert result['changed'] is True  # the request was accepted
    assert result['migration']['status'] == 'error'


def test_timeout_reports_last_state(run, fake):
    fake.cold_seconds = 100
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'timeout': 10}, fake)
    assert failed and 'Timed out' in result['msg'] and 'RESIZE' in result['msg']
    assert fake.now <= 10.5


def test_timeout_while_confirming_names_the_record(run, fake):
    # Nova marks the record confirmed before it saves the server: a server still VERIFY_RESIZE at the timeout has
    # a record that is no longer in progress, and the message must still name it
    fake.confirm_seconds = 100
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'timeout': 10}, fake)
    assert failed and 'waiting for the confirmation' in result['msg']
    assert 'status confirmed' in result['msg'] and 'not found yet' not in result['msg'], result['msg']
    assert result['migration']['status'] == 'confirmed'


def test_wait_false_returns_after_accept(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'wait': False}, fake)
    assert not failed and result['changed'] is True
    assert result['migration']['status'] == 'pre-migrating'
    assert len(writes(fake)) == 1


def test_wait_false_returns_the_record_the_conductor_creates_after_the_accept(run, fake):
    # Nova answers 202 before its conductor creates the migration record: the result must still name it
    fake.record_delay = 0.5
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'wait': False}, fake)
    assert not failed and result['changed'] is True
    assert result['migration'] is not None and result['migration']['status'] == 'pre-migrating', result
    assert len(writes(fake)) == 1


def test_verify_resize_from_earlier_run_is_confirmed(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is True and result['action'] == 'confirm'
    assert result['server']['status'] == 'ACTIVE' and result['migration']['status'] == 'confirmed'
    assert [c[4] for c in writes(fake)] == [{'confirmResize': None}]


def test_confirm_false_leaves_verify_resize(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'confirm': False}, fake)
    assert not failed, result['msg']
    assert result['server']['status'] == 'VERIFY_RESIZE' and result['migration']['status'] == 'finished'
    assert len(writes(fake)) == 1


def test_in_progress_migration_is_waited_for_not_duplicated(run, fake):
    fake.add_server(SID, 'web', status='MIGRATING', **{'OS-EXT-STS:task_state': 'migrating'})
    record = fake.add_migration(SID, 'running', 'live-migration', 'compute-1', 'compute-2')

    def complete():
        record['status'] = 'completed'
        fake._set(fake.servers[SID], 'ACTIVE', host='compute-2')
    fake.at(3, complete)
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'live_migration': True}, fake)
    assert not failed, result['msg']
    assert result['changed'] is False and result['action'] == 'wait'
    assert writes(fake) == []


def test_in_progress_elsewhere_fails(run, fake):
    fake.add_server(SID, 'web', status='MIGRATING', **{'OS-EXT-STS:task_state': 'migrating'})
    fake.add_migration(SID, 'running', 'live-migration', 'compute-1', 'compute-3')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'live_migration': True}, fake)
    assert failed and 'compute-3' in result['msg'] and writes(fake) == []


def test_live_migration_success(run, fake):
    fake.add_server(SID, 'db', status='PAUSED')
    result, failed = run(server_migrate, {'server': 'db', 'live_migration': True, 'host': 'compute-3'}, fake)
    assert not failed, result['msg']
    assert result['server']['status'] == 'PAUSED' and result['server']['host'] == 'compute-3'
    assert result['migration']['status'] == 'completed'
    assert writes(fake)[0][4] == {'os-migrateLive': {'host': 'compute-3', 'block_migration': 'auto'}}


def test_live_force_uses_267(run, fake):
    fake.add_server(SID, 'db')
    result, failed = run(server_migrate, {'server': 'db', 'live_migration': True, 'host': 'compute-3', 'force': True},
                         fake)
    assert not failed, result['msg']
    assert writes(fake)[0][2] == '2.67' and writes(fake)[0][4]['os-migrateLive']['force'] is True


def test_live_refuses_shutoff(run, fake):
    fake.add_server(SID, 'db', status='SHUTOFF')
    result, failed = run(server_migrate, {'server': 'db', 'live_migration': True}, fake)
    assert failed and 'cold migration' in result['msg'] and writes(fake) == []


def test_cold_force_rejected_by_released_nova_is_explained(run, fake):
    fake.reject_force = True
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'force': True}, fake)
    assert failed
    assert 'dropped before microversion 2.56' in result['msg'] and 'Drop force' in result['msg']
    assert result['changed'] is False


def test_cold_force_honoured_by_extension(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'force': True}, fake)
    assert not failed, result['msg']
    assert writes(fake)[0][4] == {'migrate': {'host': 'compute-2', 'force': True}}


def test_locked_server_refused(run, fake):
    fake.add_server(SID, 'web', locked=True)
    result, failed = run(server_migrate, {'server': 'web'}, fake)
    assert failed and 'locked' in result['msg'] and writes(fake) == []


def test_missing_server_fails_clearly(run, fake):
    result, failed = run(server_migrate, {'server': 'ghost'}, fake)
    assert failed and "'ghost' not found" in result['msg']


def test_failure_reason_read_from_instance_actions(run, fake):
    fake.add_server(SID, 'web')
    fake.fail_next = 'error'
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert failed
    assert result['fault'] == 'NoValidHost: No valid host was found.'
    assert 'Server fault: NoValidHost: No valid host was found.' in result['msg']
    assert result['server']['host'] == 'compute-1'


def test_rerun_after_wait_false_confirms_without_new_migration(run, fake):
    fake.add_server(SID, 'web')
    run(server_migrate, {'server': 'web', 'host': 'compute-2', 'wait': False}, fake)
    posts_before = len(writes(fake))
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['action'] == 'confirm' and result['changed'] is True
    new_writes = writes(fake)[posts_before:]
    assert [w[4] for w in new_writes] == [{'confirmResize': None}]


def test_retry_after_an_earlier_failed_migration_moves_and_reports_the_new_record(run, fake):
    fake.add_server(SID, 'web')
    old = fake.add_migration(SID, 'error', source='compute-1', dest='compute-2')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-2'
    assert result['migration']['id'] != old['id']
    assert result['migration']['status'] == 'confirmed'


def test_second_migration_reports_its_own_record_not_the_first(run, fake):
    fake.add_server(SID, 'web', host='compute-2')
    first = fake.add_migration(SID, 'confirmed', source='compute-1', dest='compute-2')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-3'}, fake)
    assert not failed, result['msg']
    assert result['migration']['id'] != first['id']
    assert result['migration']['source_compute'] == 'compute-2'
    assert result['migration']['dest_compute'] == 'compute-3'


def test_a_drain_of_a_server_on_source_host_does_not_list_services(run, fake):
    fake.add_server(SID, 'web', host='compute-1')
    result, failed = run(server_migrate, {'server': 'web', 'source_host': 'compute-1'}, fake)
    assert not failed, result['msg']
    assert fake.count('GET', '/os-services') == 0


def test_messages_name_the_server_by_name_and_id(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': SID, 'host': 'compute-2'}, fake)
    assert not failed and 'web (%s)' % SID in result['msg']
    fake.add_server(SID, 'web', host='compute-2', locked=True)
    result, failed = run(server_migrate, {'server': SID, 'host': 'compute-3'}, fake)
    assert failed and 'web (%s) is locked' % SID in result['msg']


def test_check_mode_predicts_that_released_nova_refuses_cold_force(run, fake):
    fake.reject_force = True
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'force': True}, fake, check_mode=True)
    assert failed and 'dropped before microversion 2.56' in result['msg']
    # One probe for a server that does not exist; the real server was never touched.
    assert [c[1] for c in writes(fake)] != [] and all(SID not in c[1] for c in writes(fake))


def test_check_mode_predicts_cold_force_on_a_cloud_that_accepts_it(run, fake):
    fake.add_server(SID, 'web')
    result, failed = run(server_migrate, {'server': 'web', 'host': 'compute-2', 'force': True}, fake, check_mode=True)
    assert not failed and result['changed'] is True and 'Would start' in result['msg']
