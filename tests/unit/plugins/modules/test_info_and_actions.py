# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import hosts as hst
from ansible_collections.novaops.migration.plugins.module_utils import migration_action as actions
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.servers import ServerView
from ansible_collections.novaops.migration.plugins.modules import compute_host_info, compute_service
from ansible_collections.novaops.migration.plugins.modules import server_migration_action as sma
from ansible_collections.novaops.migration.plugins.modules import server_migration_info as smi
from ansible_collections.novaops.migration.tests.unit import sdk_fake

SID = 'aaaaaaaa-0000-0000-0000-000000000001'


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


# ----- server_migration_info: option validation ------------------------------------------

def params(**kw):
    base = dict((k, None) for k in ('migration_type', 'changes_since', 'changes_before', 'limit', 'host', 'status',
                                    'project_id', 'user_id', 'uuid', 'id'))
    base.update(kw)
    return base


def test_cold_migration_alias_maps_to_nova_name():
    assert smi.validate_filters(params(migration_type='cold-migration'))['migration_type'] == 'migration'


def test_unknown_type_rejected():
    with pytest.raises(ValidationError):
        smi.validate_filters(params(migration_type='teleport'))


@pytest.mark.parametrize('value', ['yesterday', '2026-13-01', '2026-01-01T25:00:00', ''])
def test_bad_dates_rejected(value):
    with pytest.raises(ValidationError):
        smi.validate_filters(params(changes_since=value))


def test_dates_normalized_to_utc_offsets():
    f = smi.validate_filters(params(changes_since='2026-01-31T12:00:00Z', changes_before='2026-02-01'))
    assert f['changes_since'] == '2026-01-31T12:00:00+00:00'
    assert f['changes_before'] == '2026-02-01T00:00:00+00:00'


def test_before_earlier_than_since_rejected():
    with pytest.raises(ValidationError) as err:
        smi.validate_filters(params(changes_since='2026-02-01T00:00:00Z', changes_before='2026-01-01T00:00:00+00:00'))
    assert 'earlier' in err.value.msg


def test_offsets_compared_as_instants():
    # 10:00+02:00 is 08:00Z, so before (09:00Z) is after since: valid, and each keeps its own offset.
    f = smi.validate_filters(params(changes_since='2026-01-01T10:00:00+02:00', changes_before='2026-01-01T09:00:00Z'))
    assert f == {'changes_since': '2026-01-01T10:00:00+02:00', 'changes_before': '2026-01-01T09:00:00+00:00'}
    assert smi.query_params(f) == {'changes-since': '2026-01-01T10:00:00+02:00',
                                   'changes-before': '2026-01-01T09:00:00+00:00'}
    # The same instant on both sides is not "earlier".
    f = smi.validate_filters(params(changes_since='2026-01-01T10:00:00+02:00', changes_before='2026-01-01T08:00:00Z'))
    assert f == {'changes_since': '2026-01-01T10:00:00+02:00', 'changes_before': '2026-01-01T08:00:00+00:00'}
    # 09:00+02:00 is 07:00Z, an hour before since (08:00Z), although its clock time reads later.
    with pytest.raises(ValidationError) as err:
        smi.validate_filters(params(changes_since='2026-01-01T08:00:00Z', changes_before='2026-01-01T09:00:00+02:00'))
    assert err.value.msg == ('changes_before (2026-01-01T09:00:00+02:00) is earlier than changes_since '
                             '(2026-01-01T08:00:00Z); nothing could match.')


def test_limit_must_be_positive():
    with pytest.raises(ValidationError):
        smi.validate_filters(params(limit=0))


def test_query_params_use_nova_names():
    q = smi.query_params({'changes_since': 'a', 'changes_before': 'b', 'migration_type': 'migration', 'id': 3,
                          'instance_uuid': 's'})
    assert q == {'changes-since': 'a', 'changes-before': 'b', 'migration_type': 'migration', 'instance_uuid': 's'}


def test_invalid_filter_fails_before_any_api_call(run, fake):
    _result, failed = run(smi, {'changes_since': 'not-a-date'}, fake)
    assert failed and fake.calls == []


def test_info_for_server_lists_all_types_with_in_progress(run, fake):
    fake.add_server(SID, 'web')
    fake.add_migration(SID, 'confirmed', 'migration')
    fake.add_migration(SID, 'running', 'live-migration')
    fake.add_migration('other', 'error', 'migration')
    result, failed = run(smi, {'server': 'web'}, fake)
    assert not failed
    assert [(m['type'], m['in_progress']) for m in result['migrations']] == [
        ('live-migration', True), ('cold-migration', False)]
    # progress counters merged from GET /servers/{id}/migrations (openstacksdk server_migrations)
    assert result['migrations'][0]['memory_total_bytes'] == 1024
    assert ('GET', '/servers/%s/migrations' % SID) in [c[:2] for c in fake.calls]
    result, failed = run(smi, {'server': 'web', 'in_progress': False}, fake)
    assert [m['status'] for m in result['migrations']] == ['confirmed']


def test_info_listing_sends_novas_filter_names_and_follows_pages(run, fake):
    fake.add_server(SID, 'web')
    fake.add_migration(SID, 'confirmed', 'migration')
    result, failed = run(smi, {'server': SID, 'migration_type': 'cold-migration', 'status': 'confirmed',
                               'changes_since': '2026-01-01T00:00:00Z'}, fake)
    assert not failed, result['msg']
    assert [m['status'] for m in result['migrations']] == ['confirmed'] and result['microversion'] == '2.59'
    listing = [c for c in fake.calls if c[1] == '/os-migrations']
    assert listing == [('GET', '/os-migrations', '2.59', {
        'instance_uuid': SID, 'migration_type': 'migration', 'status': 'confirmed',
        'changes-since': '2026-01-01T00:00:00+00:00'}, None)]


def test_info_limit_stops_after_n(run, fake):
    for status in ('confirmed', 'error', 'confirmed'):
        fake.add_migration(SID, status, 'migration')
    result, failed = run(smi, {'limit': 2}, fake)
    assert not failed and len(result['migrations']) == 2
    listing = [c for c in fake.calls if c[1] == '/os-migrations']
    assert listing == [('GET', '/os-migrations', '2.59', {'limit': '2'}, None)]


def test_info_missing_server_is_empty_not_failure(run, fake):
    result, failed = run(smi, {'server': 'ghost'}, fake)
    assert not failed and result['migrations'] == []


def test_info_too_old_for_filter(run, fake):
    fake.versions = fake.versions._replace(max=(2, 70))
    result, failed = run(smi, {'project_id': 'p1'}, fake)
    assert failed and '2.80' in result['msg'] and fake.calls == []


# ----- server_migration_action -------------------------------------------------------------

def test_decide_action_tables():
    assert actions.decide_action('confirm', 'finished') == 'act'
    assert actions.decide_action('confirm', 'confirmed') == 'done'
    assert actions.decide_action('confirm', 'migrating') == 'wait'
    assert 'reverted' in actions.decide_action('confirm', 'reverted')
    assert actions.decide_action('revert', 'reverted') == 'done'
    assert 'confirmed' in actions.decide_action('revert', 'confirmed')
    assert actions.decide_action('abort', 'cancelled') == 'done'
    assert 'completed' in actions.decide_action('abort', 'completed')
    assert actions.decide_action('abort', 'accepted') == 'wait'
    assert actions.decide_action('force_complete', 'queued') == 'wait'
    assert actions.decide_action('force_complete', 'completed') == 'done'
    assert 'cancelled' in actions.decide_action('force_complete', 'cancelled')
    assert 'weird' in actions.decide_action('confirm', 'weird')


def test_abort_of_queued_waits_below_265():
    from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions
    assert actions.decide_action('abort', 'queued', ComputeVersions((2, 1), (2, 64))) == 'wait'
    assert actions.decide_action('abort', 'queued', ComputeVersions((2, 1), (2, 65))) == 'act'


def test_goal_reached_checks_host_status_and_record():
    mig = {'status': 'reverted', 'source_compute': 'compute-1', 'dest_compute': 'compute-2'}
    assert actions.goal_reached('revert', mig, ServerView(id='s', status='ACTIVE', host='compute-1'), 'ACTIVE')
    assert not actions.goal_reached('revert', mig, ServerView(id='s', status='ACTIVE', host='compute-2'), 'ACTIVE')
    assert not actions.goal_reached('revert', mig, ServerView(id='s', status='ACTIVE', host='compute-1',
                                                              task_state='resize_reverting'), 'ACTIVE')
    assert not actions.goal_reached('confirm', {'status': 'confirming'}, ServerView(id='s', status='ACTIVE'), 'ACTIVE')
    assert actions.end_problems('abort', {'source_compute': 'compute-1'}, ServerView(id='s', host='compute-2'))


def test_confirm_then_idempotent(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished')
    result, failed = run(sma, {'server': 'web', 'action': 'confirm'}, fake)
    assert not failed, result['msg']
    assert result['changed'] is True and result['migration']['status'] == 'confirmed'
    assert result['server']['host'] == 'compute-2' and result['server']['status'] == 'ACTIVE'
    result, failed = run(sma, {'server': 'web', 'action': 'confirm'}, fake)
    assert not failed and result['changed'] is False
    result, failed = run(sma, {'server': 'web', 'action': 'revert'}, fake)
    assert failed and 'already confirmed' in result['msg']


def test_revert_returns_to_source(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished')
    result, failed = run(sma, {'server': 'web', 'action': 'revert'}, fake)
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-1' and result['migration']['status'] == 'reverted'
    result, failed = run(sma, {'server': 'web', 'action': 'revert'}, fake)
    assert not failed and result['changed'] is False


def test_check_mode_confirm_predicts(run, fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    fake.add_migration(SID, 'finished')
    result, failed = run(sma, {'server': 'web', 'action': 'confirm'}, fake, check_mode=True)
    assert not failed and result['changed'] is True and writes(fake) == []


def test_abort_running_live_migration(run, fake):
    fake.add_server(SID, 'db', status='MIGRATING', **{'OS-EXT-STS:task_state': 'migrating'})
    record = fake.add_migration(SID, 'running', 'live-migration', 'compute-1', 'compute-2')
    result, failed = run(sma, {'server': 'db', 'action': 'abort'}, fake)
    assert not failed, result['msg']
    assert result['migration']['status'] == 'cancelled' and result['server']['host'] == 'compute-1'
    assert writes(fake)[0][:2] == ('DELETE', '/servers/%s/migrations/%d' % (SID, record['id']))
    result, failed = run(sma, {'server': 'db', 'action': 'abort'}, fake)
    assert not failed and result['changed'] is False


def test_force_complete_running_live_migration(run, fake):
    fake.add_server(SID, 'db', status='MIGRATING', **{'OS-EXT-STS:task_state': 'migrating'})
    record = fake.add_migration(SID, 'running', 'live-migration', 'compute-1', 'compute-2')
    result, failed = run(sma, {'server': 'db', 'action': 'force_complete'}, fake)
    assert not failed, result['msg']
    assert result['migration']['status'] == 'completed' and result['server']['host'] == 'compute-2'
    assert writes(fake) == [('POST', '/servers/%s/migrations/%d/action' % (SID, record['id']), '2.80', None,
                             {'force_complete': None})]


def test_abort_of_vanished_migration_fails_with_404(run, fake):
    fake.add_server(SID, 'db', status='MIGRATING', **{'OS-EXT-STS:task_state': 'migrating'})
    record = fake.add_migration(SID, 'running', 'live-migration', 'compute-1', 'compute-2')

    def vanished(sid, mid):
        raise sdk_fake.HttpError(404, 'Migration %d not found' % mid)
    fake._abort = vanished
    result, failed = run(sma, {'server': 'db', 'action': 'abort'}, fake)
    assert failed and result['http_status'] == 404 and 'Migration %d not found' % record['id'] in result['msg']
    assert result['msg'].startswith('Failed while abort of migration %d: HTTP 404 from DELETE ' % record['id'])


def test_abort_completed_fails_clearly(run, fake):
    fake.add_server(SID, 'db', host='compute-2')
    fake.add_migration(SID, 'completed', 'live-migration')
    result, failed = run(sma, {'server': 'db', 'action': 'abort'}, fake)
    assert failed and 'already completed' in result['msg'] and writes(fake) == []


def test_migration_id_of_wrong_type_refused(run, fake):
    fake.add_server(SID, 'db')
    record = fake.add_migration(SID, 'completed', 'live-migration')
    result, failed = run(sma, {'server': 'db', 'action': 'confirm', 'migration_id': str(record['id'])}, fake)
    assert failed and 'live-migration' in result['msg']


# ----- compute_service -----------------------------------------------------------------------

def svc(**kw):
    base = dict(id='x', host='compute-1', binary='nova-compute', status='enabled', state='up', disabled_reason=None,
                forced_down=False)
    base.update(kw)
    return base


def test_plan_disable_and_idempotent():
    assert compute_service.plan_service_change(svc(), 'disabled', 'maint')['changes'] == \
        {'status': 'disabled', 'disabled_reason': 'maint'}
    assert compute_service.plan_service_change(svc(status='disabled', disabled_reason='maint'), 'disabled', 'maint')['changes'] == {}


def test_plan_keeps_foreign_reason():
    plan = compute_service.plan_service_change(svc(status='disabled', disabled_reason='theirs'), 'disabled', 'mine')
    assert plan['changes'] == {} and 'theirs' in plan['notes'][0]


def test_plan_enable_guard():
    plan = compute_service.plan_service_change(svc(status='disabled', disabled_reason='theirs'), 'enabled',
                                               only_if_disabled_reason='mine')
    assert plan['blocked'] and plan['changes'] == {}
    plan = compute_service.plan_service_change(svc(status='disabled', disabled_reason='mine'), 'enabled',
                                               only_if_disabled_reason='mine')
    assert plan['changes'] == {'status': 'enabled'} and not plan['blocked']
    # already enabled: nothing to guard
    assert compute_service.plan_service_change(svc(), 'enabled', only_if_disabled_reason='mine')['blocked'] is None


def test_plan_forced_down_and_option_errors():
    assert compute_service.plan_service_change(svc(), forced_down=True)['changes'] == {'forced_down': True}
    assert compute_service.plan_service_change(svc(forced_down=True), forced_down=True)['changes'] == {}
    with pytest.raises(ValidationError):
        compute_service.plan_service_change(svc(), 'enabled', disabled_reason='x')
    with pytest.raises(ValidationError):
        compute_service.plan_service_change(svc(), 'disabled', only_if_disabled_reason='x')
    with pytest.raises(ValidationError):
        compute_service.plan_service_change(svc(), None, only_if_disabled_reason='x')


def test_plan_replaces_a_disabled_reason_only_if_it_is_still_the_expected_one():
    # An evacuation refreshes its own marker: compare and set, so another run's marker is never overwritten.
    plan = compute_service.plan_service_change(svc(status='disabled', disabled_reason='mine v1'), 'disabled',
                                               'mine v2', only_if_disabled_reason='mine v1')
    assert plan['changes'] == {'status': 'disabled', 'disabled_reason': 'mine v2'} and not plan['blocked']
    plan = compute_service.plan_service_change(svc(status='disabled', disabled_reason='theirs'), 'disabled',
                                               'mine v2', only_if_disabled_reason='mine v1')
    assert plan['changes'] == {} and "'theirs'" in plan['blocked']
    plan = compute_service.plan_service_change(svc(), 'disabled', 'mine v2', only_if_disabled_reason='mine v1')
    assert plan['changes'] == {} and 'enabled' in plan['blocked']
    assert compute_service.plan_service_change(svc(status='disabled', disabled_reason='mine v2'), 'disabled',
                                               'mine v2', only_if_disabled_reason='mine v1')['changes'] == {}


def test_service_disable_enable_flow(run, fake):
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'disabled', 'disabled_reason': 'maint'}, fake)
    assert not failed and result['changed'] is True
    assert result['service']['status'] == 'disabled' and result['previous']['status'] == 'enabled'
    # openstacksdk update_service: one PUT by id, at the Service resource's 2.69 (the 2.53 schema)
    assert writes(fake)[0][1:] == ('/os-services/svc-compute-1', '2.69', None,
                                   {'status': 'disabled', 'disabled_reason': 'maint'})
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'enabled',
                                           'only_if_disabled_reason': 'other', 'reason_mismatch': 'skip'}, fake)
    assert not failed and result['changed'] is False and result['blocked'] is True
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'enabled',
                                           'only_if_disabled_reason': 'other'}, fake)
    assert failed
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'enabled',
                                           'only_if_disabled_reason': 'maint'}, fake)
    assert not failed and result['changed'] is True and result['service']['disabled_reason'] is None


def test_service_state_and_forced_down_in_one_request(run, fake):
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'disabled', 'forced_down': True}, fake)
    assert not failed and result['service']['forced_down'] is True and result['service']['status'] == 'disabled'
    assert [w[4] for w in writes(fake)] == [{'status': 'disabled', 'forced_down': True}]


def test_service_legacy_actions_below_253(run, fake):
    fake.versions = fake.versions._replace(max=(2, 50))
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'disabled', 'disabled_reason': 'maint',
                                           'forced_down': True}, fake)
    assert not failed, result['msg']
    assert result['service']['status'] == 'disabled' and result['service']['disabled_reason'] == 'maint'
    assert [w[:3] for w in writes(fake)] == [('PUT', '/os-services/disable-log-reason', None),
                                             ('PUT', '/os-services/force-down', '2.11')]
    assert writes(fake)[0][4] == {'host': 'compute-1', 'binary': 'nova-compute', 'disabled_reason': 'maint'}
    assert writes(fake)[1][4] == {'host': 'compute-1', 'binary': 'nova-compute', 'forced_down': True}
    result, failed = run(compute_service, {'host': 'compute-1', 'state': 'enabled', 'only_if_disabled_reason': 'maint'},
                         fake)
    assert not failed and result['changed'] is True and result['service']['disabled_reason'] is None
    assert writes(fake)[-1][:2] == ('PUT', '/os-services/enable')


def test_service_unknown_host_lists_hosts(run, fake):
    result, failed = run(compute_service, {'host': 'compute-9', 'state': 'disabled'}, fake)
    assert failed and 'compute-10' in result['msg']


# ----- compute_host_info pure parts --------------------------------------------------------------

def test_capacity_from_placement_applies_ratio_and_reserved():
    inv = {'VCPU': {'total': 8, 'reserved': 0, 'allocation_ratio': 4.0},
           'MEMORY_MB': {'total': 16384, 'reserved': 512, 'allocation_ratio': 1.0},
           'DISK_GB': {'total': 100, 'reserved': 0, 'allocation_ratio': 1.0}}
    cap = hst.capacity_from_placement(inv, {'VCPU': 6, 'MEMORY_MB': 4096})
    assert cap['vcpus'] == {'physical': 8, 'reserved': 0, 'allocation_ratio': 4.0, 'total': 32, 'used': 6, 'free': 26}
    assert cap['memory_mb']['total'] == 15872 and cap['memory_mb']['free'] == 11776
    assert cap['disk_gb']['used'] == 0


def test_capacity_from_hypervisor_only_below_288():
    assert hst.capacity_from_hypervisor({'id': 'x'}) is None
    cap = hst.capacity_from_hypervisor({'vcpus': 4, 'vcpus_used': 1, 'memory_mb': 100, 'memory_mb_used': 50,
                                        'local_gb': 10, 'local_gb_used': 2})
    assert cap['vcpus']['free'] == 3 and cap['disk_gb']['free'] == 8


def test_select_services_exact_hosts_zone_enabled():
    services = [svc(host='compute-1'), svc(host='compute-10', zone='nova'), svc(host='az2-1', zone='az2'),
                svc(host='compute-3', status='disabled'), svc(host='ctl', binary='nova-scheduler')]
    for s in services:
        s.setdefault('zone', 'nova')
    assert [s['host'] for s in hst.select_services(services, ['compute-1'])] == ['compute-1']
    assert [s['host'] for s in hst.select_services(services, zone='az2')] == ['az2-1']
    assert 'compute-3' not in [s['host'] for s in hst.select_services(services, enabled_only=True)]
    assert 'ctl' not in [s['host'] for s in hst.select_services(services)]


RP = '7385be6e-d1b9-5fa9-8513-3c6f6f4cbeba'


def placement_proxy(answers):
    """openstacksdk's placement proxy over scripted Placement answers (``{path: body or HttpError}``)."""
    fake = sdk_fake.Scripted(answers)
    return sdk_fake.connect(placement=fake).placement, fake


def test_placement_capacity_by_uuid_and_by_name():
    from ansible_collections.novaops.migration.plugins.module_utils.host_facts import placement_capacity
    answers = {
        '/resource_providers': {'resource_providers': [{'uuid': RP, 'name': 'compute-1', 'generation': 1}]},
        '/resource_providers/%s/inventories' % RP: {
            'resource_provider_generation': 1,
            'inventories': {'VCPU': {'total': 4, 'allocation_ratio': 2.0, 'reserved': 0}}},
        '/resource_providers/%s/usages' % RP: {'resource_provider_generation': 1, 'usages': {'VCPU': 3}},
    }
    placement, fake = placement_proxy(answers)
    cap, broken = placement_capacity(placement, {'id': RP})
    assert not broken and cap['vcpus']['total'] == 8 and cap['vcpus']['free'] == 5 and cap['source'] == 'placement'
    assert cap['memory_mb'] is None
    assert [c[1] for c in fake.calls] == ['/resource_providers/%s/inventories' % RP, '/resource_providers/%s/usages' % RP]
    placement, fake = placement_proxy(answers)
    cap, broken = placement_capacity(placement, {'id': 3, 'hypervisor_hostname': 'compute-1'})
    assert cap['vcpus']['used'] == 3
    assert fake.calls[0][1:4:2] == ('/resource_providers', {'name': 'compute-1'})


def test_placement_errors_fall_back():
    from ansible_collections.novaops.migration.plugins.module_utils.host_facts import placement_capacity
    placement, _fake = placement_proxy({'/resource_providers/%s/inventories' % RP: sdk_fake.HttpError(404)})
    cap, broken = placement_capacity(placement, {'id': RP})
    assert cap is None and broken is False  # unknown provider: try the next host
    placement, _fake = placement_proxy({'/resource_providers/%s/inventories' % RP: sdk_fake.HttpError(503)})
    cap, broken = placement_capacity(placement, {'id': RP})
    assert cap is None and broken is True  # placement unusable: stop asking


def test_host_info_without_capacity_reads_the_services_only(run, fake):
    # A health gate polls a service after a reboot: one request per try, no hypervisor or Placement read.
    result, failed = run(compute_host_info, {'host': ['compute-1'], 'with_capacity': False}, fake)
    assert not failed, result.get('msg')
    assert [h['host'] for h in result['hosts']] == ['compute-1']
    assert result['hosts'][0]['service']['status'] == 'enabled'
    assert result['hosts'][0]['capacity'] is None and result['hosts'][0]['hypervisor'] is None
    assert fake.count('GET', '/os-hypervisors') == 0 and fake.count('GET', '/os-services') == 1
