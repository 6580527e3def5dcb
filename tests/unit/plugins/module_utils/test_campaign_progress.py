# -*- coding: utf-8 -*-
"""Where the hosts of a campaign stand, what a drain and a return did to them, and the campaign report's verdict."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress as cp
from ansible_collections.novaops.migration.plugins.module_utils.report import campaign


def moves():
    return [
        {'id': 's1', 'name': 'web-1', 'from': 'compute-1', 'to': 'compute-5', 'mode': 'cold', 'anti_affinity': None},
        {'id': 's2', 'name': 'db-a', 'from': 'compute-2', 'to': 'compute-5', 'mode': 'live', 'anti_affinity': 'g1'},
        {'id': 's3', 'name': 'db-b', 'from': 'compute-1', 'to': 'compute-6', 'mode': 'live', 'anti_affinity': 'g1'},
    ]


def result(index, sid, before, after, failed=False, mode='cold', changed=True, msg='ok'):
    return {'index': index, 'failed': failed, 'changed': changed, 'mode': mode, 'msg': msg,
            'server_before': {'id': sid, 'host': before}, 'server': {'id': sid, 'host': after},
            'migration': {'id': 7 + index}}


def test_phases_are_ordered_and_failures_hold_a_host():
    state = {'hosts': {'compute-1': {'phase': 'drained'}, 'compute-2': {'phase': 'disabled', 'failed': {'phase': 'x'}}}}
    assert cp.phase_before('compute-1', state, 'maintained')
    assert not cp.phase_before('compute-1', state, 'drained')
    assert not cp.phase_before('compute-1', state, 'disabled')
    assert cp.phase_before('compute-9', state, 'disabled')
    assert cp.failed('compute-2', state) and not cp.failed('compute-1', state)


def test_sequence_items_name_source_destination_and_group_key():
    items = cp.sequence_items(moves())
    assert items[0] == {'server': 's1', 'source_host': 'compute-1', 'host': 'compute-5'}
    assert items[1] == {'server': 's2', 'source_host': 'compute-2', 'host': 'compute-5', 'anti_affinity': 'g1'}


def test_drain_outcome_empty_hosts_are_drained():
    draining = ['compute-1', 'compute-2']
    ordered = [m for m in moves() if m['from'] in draining]
    results = [result(i, m['id'], m['from'], m['to'], mode=m['mode']) for i, m in enumerate(ordered)]
    after = [{'host': 'compute-1', 'servers': []}, {'host': 'compute-2', 'servers': []}]
    outcome = cp.drain_outcome(draining, moves(), [], results, after)
    assert outcome['compute-1']['problem'] is None and outcome['compute-2']['problem'] is None
    assert [s['name'] for s in outcome['compute-1']['servers']] == ['db-b', 'web-1']
    assert all(s['moved'] for s in outcome['compute-1']['servers'])
    assert {s['to'] for s in outcome['compute-1']['servers']} == {'compute-5', 'compute-6'}


def test_a_server_left_on_the_host_means_not_drained_even_without_a_failed_migration():
    # The worst report a campaign could write is "empty" for a host that is not: the host is read again.
    outcome = cp.drain_outcome(['compute-2'], moves(), [], [result(0, 's2', 'compute-2', 'compute-5')],
                               [{'host': 'compute-2', 'servers': [{'id': 'sX', 'name': 'late-arrival'}]}])
    assert 'late-arrival' in outcome['compute-2']['problem']
    assert outcome['compute-2']['remaining'] == ['late-arrival']


def test_a_failed_migration_fails_its_host_only():
    draining = ['compute-1', 'compute-2']
    ordered = [m for m in moves() if m['from'] in draining]
    results = [result(0, 's1', 'compute-1', 'compute-1', failed=True, msg='No valid host'),
               result(1, 's2', 'compute-2', 'compute-5'), result(2, 's3', 'compute-1', 'compute-6')]
    assert [m['id'] for m in ordered] == ['s1', 's2', 's3']
    after = [{'host': 'compute-1', 'servers': [{'id': 's1', 'name': 'web-1'}]}, {'host': 'compute-2', 'servers': []}]
    outcome = cp.drain_outcome(draining, moves(), [], results, after)
    assert 'No valid host' in outcome['compute-1']['problem'] and 'web-1' in outcome['compute-1']['problem']
    assert outcome['compute-2']['problem'] is None


def test_skipped_servers_may_stay_only_without_require_empty():
    after = [{'host': 'compute-3', 'servers': [{'id': 'L', 'name': 'locked-1'}]}]
    skipped = [{'id': 'L', 'name': 'locked-1', 'host': 'compute-3', 'reason': 'locked'}]
    assert cp.drain_outcome(['compute-3'], [], skipped, [], after, require_empty=True)['compute-3']['problem']
    assert cp.drain_outcome(['compute-3'], [], skipped, [], after, require_empty=False)['compute-3']['problem'] is None


def test_a_host_not_read_again_is_not_called_empty():
    outcome = cp.drain_outcome(['compute-1'], [], [], [], [])
    assert 'not known to be empty' in outcome['compute-1']['problem']


def test_a_rerun_keeps_where_the_earlier_run_sent_a_server():
    state = {'hosts': {'compute-2': {'servers': [{'id': 's2', 'name': 'db-a', 'to': 'compute-5', 'mode': 'live',
                                                  'moved': True}]}}}
    # The rerun's item finds the server gone from compute-2 (it is on compute-5): no change, but moved.
    again = result(0, 's2', 'compute-5', 'compute-5', changed=False, mode='live')
    outcome = cp.drain_outcome(['compute-2'], moves(), [], [again], [{'host': 'compute-2', 'servers': []}], state=state)
    assert outcome['compute-2']['servers'][0]['to'] == 'compute-5' and outcome['compute-2']['servers'][0]['moved']


def test_return_items_and_outcome():
    state = {'hosts': {'compute-1': {'servers': [
        {'id': 's1', 'name': 'web-1', 'to': 'compute-5', 'mode': 'cold', 'moved': True},
        {'id': 's3', 'name': 'db-b', 'to': 'compute-6', 'mode': 'live', 'moved': True},
        {'id': 's4', 'name': 'never-left', 'to': 'compute-6', 'mode': 'cold', 'moved': False}]}}}
    items = cp.return_items(['compute-1'], state)
    assert items == [{'server': 's1', 'source_host': 'compute-5', 'host': 'compute-1', 'strategy': 'cold'},
                     {'server': 's3', 'source_host': 'compute-6', 'host': 'compute-1', 'strategy': 'live'}]
    results = [result(0, 's1', 'compute-5', 'compute-1'), result(1, 's3', 'compute-6', 'compute-6', failed=True,
                                                                 msg='refused')]
    outcome = cp.return_outcome('compute-1', state, results)
    assert outcome['returned'] == ['web-1']
    assert 'db-b: refused' in outcome['problem']


def test_report_verdicts():
    plan = {'order': ['compute-1', 'compute-2'], 'steps': [{'index': 1, 'hosts': ['compute-1']},
                                                           {'index': 2, 'hosts': ['compute-2']}], 'done_hosts': []}
    done = {'campaign': 'c', 'hosts': {'compute-1': {'phase': 'done'}, 'compute-2': {'phase': 'done'}}}
    assert campaign.campaign_report(done, plan)['verdict'] == 'COMPLETE'
    half = {'campaign': 'c', 'hosts': {'compute-1': {'phase': 'done'}, 'compute-2': {'phase': 'drained'}}}
    report = campaign.campaign_report(half, plan)
    assert report['verdict'] == 'INCOMPLETE' and 'compute-2 (drained)' in report['summary']
    failed = {'campaign': 'c', 'hosts': {'compute-1': {'phase': 'done'}, 'compute-2': {
        'phase': 'maintained', 'failed': {'phase': 'healthy', 'reason': 'the health gate timed out'}}}}
    report = campaign.campaign_report(failed, plan)
    assert report['verdict'] == 'FAILED' and 'compute-2 in healthy' in report['summary']
    assert 'FAILED in healthy: the health gate timed out' in report['lines'][1]
    assert campaign.campaign_report({}, plan, {'check_mode': True})['verdict'] == 'PLANNED'
    # A campaign whose hosts never started is not complete.
    assert campaign.campaign_report({'hosts': {}}, plan)['verdict'] == 'INCOMPLETE'


def test_the_summary_says_which_failed_hosts_stay_disabled_and_which_were_never_disabled():
    plan = {'order': ['compute-2', 'compute-3'], 'steps': [{'index': 1, 'hosts': ['compute-2', 'compute-3']}],
            'done_hosts': []}
    state = {'campaign': 'c', 'hosts': {
        'compute-2': {'phase': 'healthy', 'marker': 'novaops-evacuation ... run 1',
                      'failed': {'phase': 'enabled', 'reason': 'its compute service could not be enabled'}},
        'compute-3': {'phase': 'queued', 'marker': None,
                      'failed': {'phase': 'disabled', 'reason': 'its compute service could not be disabled'}},
        'compute-4': {'phase': 'enabled', 'failed': {'phase': 'done', 'reason': 'the post hook failed'}}}}
    plan['order'].append('compute-4')
    report = campaign.campaign_report(state, plan)
    assert report['verdict'] == 'FAILED'
    assert 'failed, left disabled: compute-2 in enabled' in report['summary']
    assert 'failed after the campaign enabled them again: compute-4 in done' in report['summary']
    assert 'left as it was' not in report['lines'][0] and 'enabled again' not in report['lines'][0]
    assert report['lines'][2].endswith('It was enabled again before this failure.')
    assert 'failed before the campaign disabled them, left as they were: compute-3 in disabled' in report['summary']
    assert 'staying as they are' not in report['summary']
    assert report['lines'][1].endswith('The campaign did not disable it: it is left as it was.')


def test_plan_lines_name_steps_targets_and_errors():
    plan = {'counts': {'hosts': 2, 'steps': 1, 'moves': 2, 'moves_again': 1}, 'steps': [
        {'index': 1, 'hosts': ['compute-1', 'compute-2'], 'waves': [['a'], ['b']],
         'moves': [{'to': 'compute-5'}, {'to': 'compute-5'}],
         'free_after': {'compute-5': {'vcpus': 1, 'memory_mb': 2, 'disk_gb': 3}}}],
        'errors': ['Step 2 cannot fit'], 'unplanned': ['compute-3']}
    lines = campaign.plan_lines(plan)
    assert '1 of them twice' in lines[0]
    assert 'Step 1: compute-1, compute-2 - 2 move(s) (2 to compute-5) in 2 wave(s)' in lines[1]
    assert 'compute-5 1/2/3' in lines[1]
    assert lines[-2] == 'ERROR: Step 2 cannot fit' and 'compute-3' in lines[-1]


def test_servers_an_interrupted_run_moved_count_as_sent_away_and_come_home():
    # The run was killed after big-1 left compute-1 but before the state recorded it: the plan lists it as earlier.
    earlier = [{'id': 'b1', 'name': 'big-1', 'from': 'compute-1', 'to': 'compute-2', 'host': 'compute-2',
                'mode': 'cold', 'migration': 3}]
    outcome = cp.drain_outcome(['compute-1'], [], [], [], [{'host': 'compute-1', 'servers': []}], earlier=earlier)
    assert outcome['compute-1']['problem'] is None
    server = outcome['compute-1']['servers'][0]
    assert (server['name'], server['to'], server['moved'], server['mode']) == ('big-1', 'compute-2', True, 'cold')
    state = {'hosts': {'compute-1': {'servers': outcome['compute-1']['servers']}}}
    assert cp.return_items(['compute-1'], state) == [
        {'server': 'b1', 'source_host': 'compute-2', 'host': 'compute-1', 'strategy': 'cold'}]


def test_servers_that_came_home_are_marked_and_not_moved_again():
    state = {'hosts': {'compute-2': {'phase': 'done', 'at': {'done': '2026-11-30T10:00:00Z'}, 'servers': [
        {'id': 'a', 'name': 'web-2', 'to': 'compute-5', 'mode': 'cold', 'moved': True},
        {'id': 'b', 'name': 'spread-a', 'to': 'compute-6', 'mode': 'cold', 'moved': True}]},
        'compute-1': {'phase': 'done', 'at': {'done': '2026-11-30T10:05:00Z'}, 'servers': [
            {'id': 'c', 'name': 'big-1', 'to': 'compute-2', 'mode': 'cold', 'moved': True}]},
        'compute-4': {'phase': 'done', 'at': {'done': '2026-11-30T10:06:00Z'}, 'servers': []}}}
    # compute-1 was finished last: its server sits on compute-2 and must leave before compute-2 takes its own back.
    assert cp.hosts_to_return(state) == ['compute-1', 'compute-2']
    results = [result(0, 'a', 'compute-5', 'compute-2'), result(1, 'b', 'compute-6', 'compute-6', failed=True,
                                                                msg='No valid host')]
    outcome = cp.return_outcome('compute-2', state, results)
    assert outcome['returned'] == ['web-2'] and 'spread-a: No valid host' in outcome['problem']
    state['hosts']['compute-2']['servers'] = outcome['servers']
    # Only spread-a is still to come home: a rerun moves it alone.
    assert cp.return_items(['compute-2'], state) == [
        {'server': 'b', 'source_host': 'compute-6', 'host': 'compute-2', 'strategy': 'cold'}]
    again = cp.return_outcome('compute-2', state, [result(0, 'b', 'compute-6', 'compute-2')])
    assert again['returned'] == ['spread-a', 'web-2'] and again['problem'] is None


def test_records_complete_or_fail_a_phase_and_keep_the_times():
    state = {'campaign': 'c', 'hosts': {'compute-1': {'step': 1, 'phase': 'drained', 'at': {'drained': 't1'}}}}
    new = cp.record_phases(state, [
        {'host': 'compute-1', 'phase': 'maintained'},
        {'host': 'compute-2', 'phase': 'disabled', 'step': 2, 'data': {'marker': 'm'}},
        {'host': 'compute-3', 'phase': 'disabled', 'step': 2, 'failure': 'someone else disabled it'},
    ], 't2')
    assert state['hosts']['compute-1']['phase'] == 'drained'
    assert new['updated_at'] == 't2' and new['campaign'] == 'c'
    assert new['hosts']['compute-1'] == {'step': 1, 'phase': 'maintained', 'at': {'drained': 't1', 'maintained': 't2'},
                                         'failed': None}
    assert new['hosts']['compute-2']['marker'] == 'm' and new['hosts']['compute-2']['phase'] == 'disabled'
    assert new['hosts']['compute-3']['phase'] == 'queued'
    assert new['hosts']['compute-3']['failed'] == {'phase': 'disabled', 'reason': 'someone else disabled it', 'at': 't2'}
    kept = cp.record_phases(new, [{'host': 'compute-1', 'phase': 'returned', 'keep': True, 'data': {'returned': ['a']}}],
                            't3')
    assert kept['hosts']['compute-1']['phase'] == 'maintained' and kept['hosts']['compute-1']['returned'] == ['a']


def test_an_expected_host_without_its_record_fails_the_phase_and_stale_records_do_not_count():
    state = {'hosts': {'compute-1': {'phase': 'drained'}, 'compute-2': {'phase': 'drained'}}}
    outcomes = [
        {'host': 'compute-1', 'phase': 'maintained', 'step': 2},
        # compute-2 went unreachable in its hook: what it holds is the record of its disable.
        {'host': 'compute-2', 'phase': 'disabled', 'step': 2},
        # A record of another step does not count either.
        {'host': 'compute-2', 'phase': 'maintained', 'step': 1},
        None,
    ]
    new = cp.record_phases(state, outcomes, 't', expected=['compute-1', 'compute-2'], phase='maintained', step=2)
    assert new['hosts']['compute-1']['phase'] == 'maintained' and not new['hosts']['compute-1']['failed']
    assert new['hosts']['compute-2']['phase'] == 'drained'
    assert 'did not finish' in new['hosts']['compute-2']['failed']['reason']
    assert cp.failed('compute-2', new) and not cp.failed('compute-1', new)


def test_outcomes_by_host_record_their_problem_as_the_failure_and_the_rest_as_data():
    state = {'hosts': {'compute-1': {'phase': 'disabled'}, 'compute-2': {'phase': 'disabled'}}}
    new = cp.record_phases(state, {'compute-1': {'servers': [{'id': 'a'}], 'remaining': [], 'problem': None},
                                   'compute-2': {'servers': [], 'remaining': ['b'], 'problem': '1 server left'}},
                           't', phase='drained', step=1)
    assert new['hosts']['compute-1']['phase'] == 'drained' and new['hosts']['compute-1']['servers'] == [{'id': 'a'}]
    assert new['hosts']['compute-2']['phase'] == 'disabled' and new['hosts']['compute-2']['remaining'] == ['b']
    assert new['hosts']['compute-2']['failed']['reason'] == '1 server left'
    hook = cp.record_phases(new, [{'host': 'compute-1', 'phase': 'maintained', 'failure': 'reboot failed',
                                   'failed_phase': 'hook'}], 't2')
    assert hook['hosts']['compute-1']['failed']['phase'] == 'hook' and hook['hosts']['compute-1']['at']['hook'] == 't2'
    assert hook['hosts']['compute-1']['phase'] == 'drained'
