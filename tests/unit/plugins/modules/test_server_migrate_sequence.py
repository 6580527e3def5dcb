# -*- coding: utf-8 -*-
"""server_migrate_sequence: many verified migrations on one connection, in order, with a failure policy."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.modules import server_migrate_sequence as sms
from ansible_collections.novaops.migration.tests.unit.sdk_fake import HttpError

IDS = ['aaaaaaaa-0000-0000-0000-00000000000%d' % i for i in range(1, 5)]


def drain(fake, count=3, **extra):
    for i in range(count):
        fake.add_server(IDS[i], 'web-%d' % (i + 1))
    args = {'servers': [{'server': IDS[i], 'source_host': 'compute-1'} for i in range(count)]}
    args.update(extra)
    return args


def posts(fake):
    return [c for c in fake.calls if c[0] == 'POST']


def test_every_server_migrated_in_order_and_verified(run, fake):
    result, failed = run(sms, drain(fake), fake)
    assert not failed, result['msg']
    assert [r['index'] for r in result['results']] == [0, 1, 2]
    assert all(r['server']['host'] != 'compute-1' and r['migration']['status'] == 'confirmed' for r in result['results'])
    assert result['pending'] == [] and result['stopped'] is None and result['failed_count'] == 0
    assert result['changed'] is True
    # Strictly one at a time: each migrate is confirmed before the next migrate is sent.
    kinds = [next(iter(c[4])) for c in posts(fake)]
    assert kinds == ['migrate', 'confirmResize'] * 3


def test_one_watermark_read_replaces_each_servers_history_read(run, fake):
    fake.add_migration(IDS[3], 'confirmed')  # an older record of another server: the watermark is its id
    result, failed = run(sms, drain(fake), fake)
    assert not failed, result['msg']
    before_first_write = fake.calls[:fake.calls.index(posts(fake)[0])]
    assert [c for c in before_first_write if c[1] == '/os-migrations'] == [before_first_write[0]]
    assert before_first_write[0][3] == {'limit': '1'}
    # The records reported are this run's, above the watermark.
    assert all(r['migration']['id'] > 100 for r in result['results'])


def test_earlier_records_of_the_server_are_not_taken_for_ours(run, fake):
    args = drain(fake, count=1)
    fake.add_migration(IDS[0], 'error', source='compute-1', dest='compute-3')
    result, failed = run(sms, args, fake)
    assert not failed, result['msg']
    assert result['results'][0]['migration']['status'] == 'confirmed'
    assert result['results'][0]['migration']['id'] != fake.migrations[0]['id']


def test_stops_at_the_first_failure_by_default(run, fake):
    args = drain(fake)
    original = fake._action

    def fail_second(server, body):
        if 'migrate' in body and server['id'] == IDS[1]:
            fake.fail_next = 'error'
        return original(server, body)

    fake._action = fail_second
    result, failed = run(sms, args, fake)
    assert failed
    assert [r['failed'] for r in result['results']] == [False, True]
    expected_item = dict(args['servers'][2], host=None, live_migration=None, strategy=None, allow_cold_for_running=None,
                         force=None, block_migration=None, on_stall=None, fallback=None)
    assert result['pending'] == [expected_item]
    assert result['stopped'] == 'max_failures' and result['failed_count'] == 1
    assert 'web-2' in result['msg'] and 'not attempted' in result['msg']
    # The failed server is back on its host, in its status, and no later migration was started.
    assert result['results'][1]['server']['host'] == 'compute-1'
    assert len([c for c in posts(fake) if 'migrate' in c[4]]) == 2


def test_max_failures_carries_on(run, fake):
    args = drain(fake, max_failures=1)
    fake.fail_next = 'no_valid_host'
    result, failed = run(sms, args, fake)
    assert failed and result['failed_count'] == 1
    assert [r['failed'] for r in result['results']] == [True, False, False]
    assert result['pending'] == [] and result['stopped'] is None


def test_time_budget_returns_the_rest_pending(run, fake):
    result, failed = run(sms, drain(fake, time_budget=1), fake)
    assert not failed, result['msg']
    assert len(result['results']) == 1 and result['stopped'] == 'time_budget'
    assert [p['server'] for p in result['pending']] == IDS[1:3]
    assert 'call again' in result['msg']


def test_invalid_item_fails_before_any_request(run, fake):
    args = drain(fake)
    args['servers'][1]['block_migration'] = 'true'  # cold migration
    result, failed = run(sms, args, fake)
    assert failed and 'servers[1]' in result['msg'] and 'Nothing was changed' in result['msg']
    assert fake.calls == []


def test_wait_false_is_refused(run, fake):
    result, failed = run(sms, drain(fake, wait=False), fake)
    assert failed and 'always waits' in result['msg']
    assert fake.calls == []


def test_force_applies_only_to_items_with_a_host():
    defaults = {'force': True, 'block_migration': 'auto', 'confirm': True, 'timeout': 60}
    with_host = sms.item_params({'server': 'a', 'host': 'compute-2', 'live_migration': True}, defaults)
    without = sms.item_params({'server': 'b', 'live_migration': False}, defaults)
    assert with_host['force'] is True and with_host['block_migration'] == 'auto'
    assert without['force'] is False and without['block_migration'] is None


def test_transient_error_is_retried_and_resumes(run, fake):
    args = drain(fake, count=1, retry_delay=1)
    original = fake.request
    state = {'failed': False}

    def flaky(method, path, microversion=None, params=None, json=None):
        if method == 'GET' and path == '/servers/' + IDS[0] and not state['failed']:
            state['failed'] = True
            raise HttpError(503, 'Service Unavailable')
        return original(method, path, microversion, params, json)

    fake.request = flaky
    result, failed = run(sms, args, fake)
    assert not failed, result['msg']
    assert result['results'][0]['attempts'] == 2
    assert len([c for c in posts(fake) if 'migrate' in c[4]]) == 1


def test_later_migrations_poll_around_the_learnt_duration(run, fake):
    fake.cold_seconds = 30
    result, failed = run(sms, drain(fake, count=2), fake)
    assert not failed, result['msg']
    gets = [c for c in fake.calls if c[0] == 'GET' and c[1].startswith('/servers/')]
    first = len([c for c in gets if c[1] == '/servers/' + IDS[0]])
    second = len([c for c in gets if c[1] == '/servers/' + IDS[1]])
    # The first 30 s migration is polled on the fixed schedule (every second at first); the second skips those
    # early polls, keeping one every 3 s (the cap) until near the expected end.
    assert second <= first - 8, (first, second)


def test_check_mode_predicts_each_server_and_writes_nothing(run, fake):
    result, failed = run(sms, drain(fake), fake, check_mode=True)
    assert not failed, result['msg']
    assert result['changed'] is True and all(r['action'] == 'migrate' for r in result['results'])
    assert posts(fake) == []


def test_an_interrupted_run_finishes_the_migration_in_progress_and_starts_no_other(run, fake, monkeypatch):
    checks = []

    class GoneAfterFirst(object):
        def gone(self):
            checks.append(1)
            return True

    monkeypatch.setattr(sms, 'ControllerWatch', GoneAfterFirst)
    result, failed = run(sms, drain(fake), fake)
    assert not failed, result['msg']
    assert len(result['results']) == 1 and result['results'][0]['migration']['status'] == 'confirmed'
    assert result['stopped'] == 'interrupted' and len(result['pending']) == 2 and checks == [1]
    assert 're-run to resume' in result['msg']


def test_a_long_learnt_duration_does_not_hide_a_quick_failure(run, fake):
    fake.cold_seconds = 300
    args = drain(fake, count=2, max_failures=1)
    original = fake._action

    def fail_second(server, body):
        if 'migrate' in body and server['id'] == IDS[1]:
            fake.fail_next = 'error'
        return original(server, body)

    fake._action = fail_second
    result, failed = run(sms, args, fake)
    assert failed and [r['failed'] for r in result['results']] == [False, True]
    # The first migration took 300 s; the second fails after 1 s and must be seen within a few seconds, not 270.
    assert result['results'][1]['elapsed'] <= 5, result['results'][1]['elapsed']


def test_time_budget_starts_no_migration_that_would_end_past_it(run, fake):
    # Each migration takes about 6 s on the fake clock: after the first, a second would end near 12 s, past 8 s.
    result, failed = run(sms, drain(fake, time_budget=8), fake)
    assert not failed, result['msg']
    assert len(result['results']) == 1 and result['stopped'] == 'time_budget'


def test_time_budget_still_runs_migrations_that_fit(run, fake):
    result, failed = run(sms, drain(fake, time_budget=20), fake)
    assert not failed, result['msg']
    assert len(result['results']) == 3 and result['stopped'] is None


def test_failed_servers_can_be_returned_without_failing_the_task(run, fake):
    args = drain(fake, max_failures=1, fail_on_failed_servers=False)
    fake.fail_next = 'no_valid_host'
    result, failed = run(sms, args, fake)
    assert not failed and result['failed_count'] == 1
    assert [r['failed'] for r in result['results']] == [True, False, False]
    assert 'web-1' in result['msg'] and '1 failed' in result['msg']


def test_a_timeout_below_one_second_never_starts_a_migration(run, fake):
    for timeout in (0, -5):
        result, failed = run(sms, drain(fake, timeout=timeout), fake)
        assert failed and 'timeout' in result['msg'] and posts(fake) == []


def test_the_compute_services_are_read_once_for_items_with_a_destination(run, fake):
    # Each item with a host needs the services to check its target: one read serves the whole call.
    args = drain(fake)
    for item in args['servers']:
        item['host'] = 'compute-2'
    result, failed = run(sms, args, fake)
    assert not failed, result['msg']
    assert all(r['server']['host'] == 'compute-2' for r in result['results'])
    assert fake.count('GET', '/os-services') == 1
