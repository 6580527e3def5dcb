# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a report says must be true: the verdict is about the host, and every line names the server and the mode."""

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.errors import PlanError
from ansible_collections.novaops.migration.plugins.module_utils.planning import evacuation_plan, restore_plan, server_filter
from ansible_collections.novaops.migration.plugins.module_utils.report import build as report_build
from ansible_collections.novaops.migration.plugins.module_utils.report import entries as report_entries
from ansible_collections.novaops.migration.plugins.module_utils.report import verdict as report_verdict
from test_evacuation import HOSTS, server


def moved(entry, dest='compute-2'):
    return report_entries.migration_record({'action': 'migrate', 'server': {'host': dest, 'status': entry['status']},
                                            'migration': {'id': entry['index'], 'status': 'confirmed'}}, entry, 0, 1)


def evacuate(servers, after_servers, *, require_empty=None, server_filter=None, migrated=None):
    options = {'server_filter': server_filter}
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options=options)
    after = evacuation_plan.plan_evacuation('compute-1', HOSTS, after_servers, options=options)
    results = [moved(e) for e in plan['actions']] if migrated is None else migrated(plan)
    context = {'host': 'compute-1', 'kind': 'evacuation'}
    if require_empty is not None:
        context['require_empty'] = require_empty
    return report_build.build_report(results, plan, after=after, context=context)


def test_a_filter_that_skips_every_server_is_not_complete():
    servers = [server('web-1'), server('web-2'), server('db-1')]
    report = evacuate(servers, servers, server_filter='metadata.drain != no')
    assert report['result'] == 'incomplete'
    assert report['host_empty'] is False
    assert report['summary'][0].startswith('compute-1 still holds 3 servers')
    assert [s['name'] for s in report['remaining']] == ['db-1', 'web-1', 'web-2']
    assert all(s['excluded'] for s in report['remaining'])


def test_skipped_servers_fail_the_run_unless_require_empty_is_false():
    servers = [server('web-1'), server('locked-1', locked=True)]
    after = [server('locked-1', locked=True)]
    strict = evacuate(servers, after)
    assert strict['result'] == 'incomplete'
    assert strict['summary'][0].startswith('compute-1 still holds 1 server:')
    assert any('locked-1 (id-locked-1)' in p for p in strict['problems'])
    lenient = evacuate(servers, after, require_empty=False)
    assert lenient['result'] == 'partial'
    assert lenient['problems'] == []
    assert lenient['summary'][0].startswith('compute-1 still holds 1 server')
    assert 'PARTIAL' in lenient['summary'][0]


def test_only_an_empty_host_is_complete():
    servers = [server('web-1'), server('web-2', 'SHUTOFF')]
    report = evacuate(servers, [])
    assert report['result'] == 'complete' and report['host_empty'] is True and report['remaining'] == []
    assert report['summary'][0].startswith('compute-1 is empty: evacuation COMPLETE')
    assert '2 moved (2 cold)' in report['summary'][0]


def test_a_server_that_appeared_during_the_run_keeps_the_host_from_being_empty():
    report = evacuate([server('web-1')], [server('new-1')], require_empty=False)
    assert report['host_empty'] is False and report['result'] != 'complete'
    assert [s['name'] for s in report['remaining']] == ['new-1']


def test_summary_lines_say_live_or_cold_and_name_the_server_with_its_id():
    servers = [server('web-1'), server('web-2', 'SHUTOFF')]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options={'live_migrate_active': True})
    results = [moved(e) for e in plan['actions']]
    report = report_build.build_report(results, plan, after=evacuation_plan.plan_evacuation('compute-1', HOSTS, []),
                                       context={'host': 'compute-1'})
    lines = '\n'.join(report['summary'])
    # Each line says the mode and why (live_migrate_active=true is the old spelling of strategy auto).
    assert 'web-1 (id-web-1): compute-1 -> compute-2, live (strategy auto)' in lines
    assert 'web-2 (id-web-2): compute-1 -> compute-2, cold (not running)' in lines
    assert '1 live, 1 cold' in report['summary'][0]
    assert [e['progress'] for e in results] == ['[1/2] web-1: compute-1 -> compute-2 (live (strategy auto), 1.0 s)',
                                                '[2/2] web-2: compute-1 -> compute-2 (cold (not running), 1.0 s)']


def test_a_failure_reason_does_not_claim_the_run_changed_nothing():
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('web-1')])
    failed = report_entries.migration_record({'failed': True, 'msg': 'servers[0] (web-1): host must not be empty. Nothing was changed.',
                                              'server': {'host': 'compute-1', 'status': 'ACTIVE'}}, plan['actions'][0], 0, 1)
    assert 'Nothing was changed' not in failed['reason']
    assert 'this server was not changed' in failed['reason']


def test_failure_problems_name_the_servers_left_behind():
    servers = [server('web-1'), server('db-1')]

    def one_failed(plan):
        first, second = plan['actions']
        return [report_entries.migration_record({'failed': True, 'msg': 'No valid host was found.',
                                                 'server': {'host': 'compute-1', 'status': 'ACTIVE'}}, first, 0, 1),
                moved(second)]

    report = evacuate(servers, [server('db-1')], migrated=one_failed)
    assert report['result'] == 'incomplete'
    text = ' '.join(report['problems'])
    assert 'db-1 (id-db-1)' in text and 'No valid host' in text and "{'" not in text


def test_check_mode_says_whether_the_host_would_end_empty():
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('web-1'), server('locked-1', locked=True)])
    report = report_build.build_report([], plan, context={'host': 'compute-1', 'check_mode': True})
    assert report['summary'][0].startswith('CHECK MODE')
    assert 'would still hold 1 server' in report['summary'][0]
    assert report['host_empty'] is None


# ----- restore: a server goes home the way it left -------------------------------------------------------------------

EVACUATION = {'report': 'novaops.migration.host_evacuation', 'host': 'compute-1', 'servers': [
    {'id': 'id-live', 'name': 'live', 'outcome': 'moved', 'live': True, 'original_host': 'compute-1',
     'destination': 'compute-2'},
    {'id': 'id-cold', 'name': 'cold', 'outcome': 'moved', 'live': False, 'original_host': 'compute-1',
     'destination': 'compute-2'},
    {'id': 'id-early', 'name': 'early', 'outcome': 'moved_earlier', 'live': False, 'original_host': 'compute-1',
     'destination': 'compute-2', 'migration': {'id': 4, 'type': 'live-migration', 'status': 'completed'}},
]}


def planned_restore(**options):
    moved_away = restore_plan.report_servers(EVACUATION, 'compute-1')
    current = {'id-live': server('live', on='compute-2'), 'id-cold': server('cold', on='compute-2'),
               'id-early': server('early', on='compute-2')}
    return restore_plan.plan_restore('compute-1', HOSTS, moved_away, current, options=options)


def test_restore_moves_each_server_back_the_way_it_left():
    plan = planned_restore()
    modes = dict((e['name'], e['action']) for e in plan['actions'])
    assert modes == {'live': 'live', 'cold': 'cold', 'early': 'live'}
    assert 'as it left' in next(e for e in plan['actions'] if e['name'] == 'live')['plan_line']


def test_restore_mode_can_be_forced_either_way():
    assert set(e['action'] for e in planned_restore(live_migrate_active=False)['actions']) == {'cold'}
    assert set(e['action'] for e in planned_restore(live_migrate_active=True)['actions']) == {'live'}


def test_a_server_that_left_live_but_is_now_shut_off_goes_back_cold():
    moved_away = restore_plan.report_servers(EVACUATION, 'compute-1')[:1]
    plan = restore_plan.plan_restore('compute-1', HOSTS, moved_away, {'id-live': server('live', 'SHUTOFF', on='compute-2')})
    assert plan['actions'][0]['action'] == 'cold'


@pytest.mark.parametrize('report, message', [
    (dict(EVACUATION, report='novaops.migration.host_restore'), 'restore report'),
    ({'host': 'compute-1', 'servers': []}, 'not an evacuation report'),
    (dict(EVACUATION, host='compute-2'), "is about host 'compute-2'"),
    ({'report': 'novaops.migration.host_evacuation', 'servers': []}, 'names no host'),
])
def test_restore_refuses_anything_but_the_evacuation_report_of_the_host(report, message):
    with pytest.raises(PlanError, match=message):
        restore_plan.report_servers(report, 'compute-1')


# ----- a filter that keeps every server on the host is worth a warning ------------------------------------------------

def test_a_filter_that_excludes_every_server_warns_and_names_the_unknown_field():
    servers = [server('web-1'), server('db-1', metadata={'owner': 'ops'})]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options={'server_filter': 'metadata.drain != no'})
    text = ' '.join(plan['warnings'])
    assert 'excludes all 2 servers' in text
    assert "reads 'no', which is not a field of a server" in text and 'quote' in text


def test_a_filter_that_selects_some_servers_does_not_warn():
    servers = [server('web-1', metadata={'drain': 'no'}), server('db-1')]
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, servers, options={'server_filter': "metadata.drain != 'no'"})
    assert plan['warnings'] == []
    assert [e['name'] for e in plan['actions']] == ['db-1']


@pytest.mark.parametrize('expression', ["starts_with(name, 'web-')", "tags[?@ == 'x'] | length(@) > `0`",
                                        "flavor.vcpus > `2` && status == 'ACTIVE'", "!locked",
                                        "contains(keys(metadata), 'drain')"])
def test_known_fields_and_element_references_are_not_reported(expression):
    assert server_filter.unknown_filter_fields(expression) == []


def test_unknown_top_level_fields_are_reported():
    assert server_filter.unknown_filter_fields('metadata.drain != no && nmae == `1`') == ['nmae', 'no']


# ----- the service state is read again before the verdict ---------------------------------------------------------------

MARKER = 'novaops-evacuation by alice at 2026-11-30T11:00:00Z run a1b2 ended'


@pytest.mark.parametrize('after, disabled_by_run, words', [
    ({'status': 'disabled', 'disabled_reason': MARKER}, True, ['is disabled by this run', 'stays disabled']),
    ({'status': 'enabled', 'disabled_reason': None}, True, ['re-enabled', 'ENABLED now']),
    ({'status': 'disabled', 'disabled_reason': 'DIMM swap'}, True, ["changed during the run", "'DIMM swap'"]),
    ({'status': 'disabled', 'disabled_reason': 'DIMM swap'}, False, ['someone else', 'host_restore will not']),
])
def test_the_service_note_says_the_state_read_after_the_run(after, disabled_by_run, words):
    note = report_verdict.service_note('evacuation', 'compute-1', {'state': 'enabled' if disabled_by_run else 'other',
                                                                   'reason': None if disabled_by_run else 'DIMM swap'},
                                       after, run_id='a1b2', check_mode=False)
    for word in words:
        assert word in note


def test_a_rerun_keeps_the_migration_ids_of_the_earlier_report():
    previous = {'report': 'novaops.migration.host_restore', 'host': 'compute-1', 'servers': [
        {'id': 'id-a', 'name': 'a', 'outcome': 'moved', 'migration_id': 7, 'migration': {'id': 7},
         'finished_at': '2026-11-30T10:00:00Z'}]}
    plan = {'host': 'compute-1', 'actions': [], 'skipped': [], 'earlier': [],
            'unchanged': [{'id': 'id-a', 'name': 'a', 'action': 'none', 'status': 'ACTIVE', 'host': 'compute-1'}]}
    report = report_build.build_report([], plan, after={'actions': [], 'skipped': [], 'unchanged': plan['unchanged']},
                                       context={'kind': 'restore', 'host': 'compute-1', 'previous': previous})
    entry = report['servers'][0]
    assert entry['outcome'] == 'already_restored' and entry['migration_id'] == 7
    assert 'an earlier run' in entry['reason']


def test_a_rerun_that_took_nothing_says_the_earlier_marker_is_unchanged():
    earlier = 'novaops-evacuation by alice at 2026-11-30T11:00:00Z run 0ld1d ended'
    note = report_verdict.service_note('evacuation', 'compute-1', {'state': 'ours', 'reason': earlier},
                                       {'status': 'disabled', 'disabled_reason': earlier}, run_id='n3wr', check_mode=False)
    assert 'changed during the run' not in note
    assert 'stays disabled' in note and 'earlier evacuation' in note


def test_restore_of_an_unknown_host_suggests_what_was_meant():
    plan = restore_plan.plan_restore('compute2', HOSTS, [], {})
    assert 'Did you mean compute-2?' in plan['errors'][0]


def test_a_context_rendered_by_ansible_core_before_2_19_reads_like_the_native_one():
    # Before 2.19 a template that yields None renders as an empty string: the report must read '' as "not known".
    plan = evacuation_plan.plan_evacuation('compute-1', HOSTS, [server('web-1')])
    native = {'host': 'compute-1', 'ownership': None, 'service_after': None, 'since': None, 'compute_api': None,
              'error': None, 'run_id': 'a1b2', 'disabled_by_run': True}
    rendered = dict(native, ownership='', service_after='', since='', compute_api='', error='')
    reports = [report_build.build_report([], plan, after=after, context=context)
               for after, context in ((None, native), ('', rendered))]
    assert reports[0]['service'] == reports[1]['service']
    assert reports[1]['since'] is None and reports[1]['compute_api'] is None and reports[1]['error'] is None
