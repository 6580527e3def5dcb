# -*- coding: utf-8 -*-
"""Report entries and progress lines of a server with a live attempt and its cold fallback."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.report.entries import attempts_text, migration_records

PLAN = [{'id': 's1', 'name': 'web-1', 'index': 1, 'total': 1, 'action': 'live', 'live': True,
         'source_host': 'compute-1', 'mode_reason': 'status ACTIVE: live migration (strategy auto), cold migration if '
                                                  'it fails'}]
ABORTED = {'mode': 'live', 'outcome': 'aborted', 'migration': {'id': 7, 'status': 'cancelled'}, 'elapsed': 130.0,
           'msg': 'Live migration of server web-1 (s1) was aborted after the copy stalled at 62% (no new low ...'}
COLD = {'mode': 'cold', 'outcome': 'succeeded', 'migration': {'id': 8, 'status': 'confirmed'}, 'elapsed': 40.0,
        'msg': 'Server web-1 cold-migrated and confirmed'}


def sequence_result(**item):
    base = dict(index=0, failed=False, attempts=1, started=100.0, finished=300.0, changed=True, action='migrate',
                server={'host': 'compute-3', 'status': 'ACTIVE'}, migration={'id': 8, 'status': 'confirmed'})
    base.update(item)
    return {'results': [base]}


def test_a_cold_fallback_after_an_abort_shows_both_attempts():
    result = sequence_result(mode='cold', mode_reason='live failed (aborted after ...): cold fallback',
                             migration_attempts=[ABORTED, COLD])
    entry = migration_records(result, PLAN, 100.0, 300.0)[0]
    assert entry['outcome'] == 'moved' and entry['mode'] == 'cold' and entry['planned_mode'] == 'live'
    # how it left: a restore as it left sends it back cold
    assert entry['live'] is False
    assert entry['attempts'] == 1 and entry['migration_attempts'] == [ABORTED, COLD]
    assert entry['attempts_summary'] == 'live aborted after a stall at 62%, then cold: moved to compute-3'
    assert 'live aborted after a stall at 62%, then cold: moved to compute-3' in entry['progress']


def test_an_abort_without_fallback_is_a_failure_that_says_so():
    result = sequence_result(failed=True, mode='live', migration_attempts=[ABORTED], msg=ABORTED['msg'],
                             server={'host': 'compute-1', 'status': 'ACTIVE'})
    entry = migration_records(result, PLAN, 100.0, 300.0)[0]
    assert entry['outcome'] == 'failed' and entry['mode'] == 'live'
    assert entry['attempts_summary'] == 'live aborted after a stall at 62%'
    assert 'FAILED, now on compute-1 in ACTIVE' in entry['progress'] and 'live aborted after a stall at 62%' in entry['progress']


def test_one_successful_attempt_adds_nothing_to_the_line():
    entry = migration_records(sequence_result(mode='live', migration_attempts=[dict(COLD, mode='live')]), PLAN,
                              100.0, 300.0)[0]
    assert entry['attempts_summary'] is None and entry['progress'].endswith('s)')


def test_a_refused_live_migration_then_a_failed_cold_one():
    refused = {'mode': 'live', 'outcome': 'failed', 'migration': None, 'msg': 'HTTP 400 from POST ...: No valid host'}
    errored = {'mode': 'cold', 'outcome': 'failed', 'migration': {'status': 'error'}, 'msg': 'Cold migration failed'}
    assert attempts_text([refused, errored], {'host': 'compute-1'}, True) == \
        'live failed (refused, HTTP 400), then cold failed (migration error)'


GROUP = {'id': 'g1', 'name': 'db-pair', 'policy': 'anti-affinity', 'rules': {}, 'forbidden_hosts': ['compute-3'],
         'required_hosts': None}


def test_report_entries_name_the_server_group_moved_or_skipped():
    from ansible_collections.novaops.migration.plugins.module_utils.report.entries import brief
    plan = [dict(PLAN[0], server_group=GROUP)]
    entry = migration_records(sequence_result(mode='live'), plan, 100.0, 300.0)[0]
    assert entry['server_group'] == GROUP
    skipped = brief({'id': 's2', 'name': 'app-a', 'action': 'skip', 'server_group': dict(GROUP, policy='affinity'),
                     'reason': "needs a common target with server group 'app' (affinity): ..."})
    assert skipped['server_group']['policy'] == 'affinity'
