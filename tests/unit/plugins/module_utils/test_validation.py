# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import host_checks
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.migrations import normalize
from ansible_collections.novaops.migration.plugins.module_utils.servers import ServerView


def server(**kw):
    base = dict(id='s1', name='web', status='ACTIVE', host='compute-1', vm_state='active', power_state=1)
    base.update(kw)
    return ServerView(**base)


def svc(host, status='enabled', state='up', zone='nova', forced_down=False, reason=None, binary='nova-compute'):
    return dict(id='id-' + host, host=host, binary=binary, status=status, state=state, zone=zone,
                forced_down=forced_down, disabled_reason=reason)


SERVICES = [svc('compute-1'), svc('compute-2'), svc('compute-10'), svc('compute-3', status='disabled', reason='maint'),
            svc('compute-4', state='down'), svc('compute-5', forced_down=True, state='down'), svc('az2-1', zone='az2'),
            svc('controller', binary='nova-scheduler')]


def migration(status, mtype='migration', mid=5, source='compute-1', dest='compute-2'):
    return normalize(dict(id=mid, status=status, migration_type=mtype, source_compute=source, dest_compute=dest,
                          instance_uuid='s1', created_at='2026-01-01T00:00:0%d' % (mid % 10)))


# ----- options ------------------------------------------------------------------

def test_force_without_host_mirrors_nova_400():
    with pytest.raises(ValidationError) as err:
        val.validate_migrate_options(live=False, force=True)
    assert 'force requires host' in err.value.msg


def test_block_migration_on_cold_refused():
    with pytest.raises(ValidationError) as err:
        val.validate_migrate_options(live=False, block_migration='auto')
    assert 'live migration only' in err.value.msg


def test_host_equal_source_host_refused():
    with pytest.raises(ValidationError) as err:
        val.validate_migrate_options(live=True, host='compute-2', source_host='compute-2')
    assert err.value.msg == ("host and source_host are both 'compute-2': a server cannot be migrated onto the host it "
                             "is leaving.")


# Each valid combination sits next to a refused one: it passes only because of the option that differs.
@pytest.mark.parametrize('options', [
    dict(live=True, host='compute-2', force=True, block_migration='auto', source_host='compute-1'),
    dict(live=False),
    dict(live=False, host='compute-2', force=True),                     # force with a host, cold too
    dict(live=False, host='compute-2', source_host='compute-1'),        # different hosts
    dict(live=False, host='compute-1', source_host='compute-10'),       # compared exactly, not as prefixes
    dict(live=True, block_migration='false'),                           # any block_migration on a live migration
    dict(live=True, block_migration='true', source_host='compute-1'),
    dict(live=False, force=False, server='web-1'),                      # force=false needs no host
], ids=['live-all', 'cold-bare', 'cold-force-host', 'cold-host-source', 'prefix-hosts', 'live-block-false',
        'live-block-true', 'no-force'])
def test_valid_options_pass(options):
    assert val.validate_migrate_options(**options) is None


@pytest.mark.parametrize('options, message', [
    (dict(live=False, force=True, source_host='compute-1'),
     "force requires host: Nova refuses to bypass the scheduler without a named destination (HTTP 400 \"Can't "
     "force to a non-provided destination\")."),
    (dict(live=False, block_migration='false'),
     'block_migration applies to live migration only; set live_migration=true or drop block_migration.'),
    (dict(live=False, host='compute-1', source_host='compute-1'),
     "host and source_host are both 'compute-1': a server cannot be migrated onto the host it is leaving."),
    (dict(live=False, host=''),
     'host is empty: an empty value usually means a template rendered empty (an undefined or blank variable). '
     + val.TARGET_HINT + ' Nothing was changed.'),
    (dict(live=False, source_host='  '),
     "source_host is blank ('  '): an empty value usually means a template rendered empty (an undefined or blank "
     "variable). " + val.SOURCE_HINT + ' Nothing was changed.'),
    (dict(live=True, server=''),
     'server is empty: an empty value usually means a template rendered empty (an undefined or blank variable). '
     + val.SERVER_HINT + ' Nothing was changed.'),
], ids=['force-source-only', 'cold-block-false', 'same-host', 'empty-host', 'blank-source', 'empty-server'])
def test_invalid_options_next_to_the_valid_ones_are_refused(options, message):
    with pytest.raises(ValidationError) as err:
        val.validate_migrate_options(**options)
    assert err.value.msg == message


# ----- target host --------------------------------------------------------------

def test_unknown_host_lists_compute_hosts_only():
    with pytest.raises(ValidationError) as err:
        host_checks.check_target('compute-9', SERVICES)
    assert "'compute-9'" in err.value.msg
    hosts = err.value.data['compute_hosts']
    assert 'compute-10' in hosts and 'controller' not in hosts
    assert hosts == sorted(hosts)


def test_exact_match_never_substring():
    services = [svc('compute-10')]
    with pytest.raises(ValidationError):
        host_checks.check_target('compute-1', services)
    assert host_checks.find_service([svc('compute-10'), svc('compute-1')], 'compute-1')['host'] == 'compute-1'
    assert host_checks.find_service(services, 'compute-1') is None


def test_non_compute_binary_is_not_a_target():
    with pytest.raises(ValidationError):
        host_checks.check_target('controller', SERVICES)


def test_healthy_target_has_no_problems():
    assert host_checks.check_target('compute-2', SERVICES, server()) == []


@pytest.mark.parametrize('host,fragment', [
    ('compute-3', 'disabled (reason: maint)'),
    ('compute-4', 'is down'),
    ('compute-5', 'forced down'),
])
def test_unhealthy_target_refused_without_force(host, fragment):
    with pytest.raises(ValidationError) as err:
        host_checks.check_target(host, SERVICES, server())
    assert fragment in err.value.msg
    assert 'Nothing was changed' in err.value.msg


def test_unhealthy_target_allowed_with_force_returns_problems():
    problems = host_checks.check_target('compute-3', SERVICES, server(), force=True)
    assert len(problems) == 1 and 'disabled' in problems[0]


def test_pinned_az_outside_refused_unless_forced():
    pinned = server(pinned_availability_zone='nova')
    with pytest.raises(ValidationError) as err:
        host_checks.check_target('az2-1', SERVICES, pinned)
    assert "pinned to 'nova'" in err.value.msg
    assert host_checks.check_target('az2-1', SERVICES, pinned, force=True)
    # same AZ is fine, unpinned server may cross AZs
    assert host_checks.check_target('compute-2', SERVICES, pinned) == []
    assert host_checks.check_target('az2-1', SERVICES, server()) == []


def test_a_cloud_below_2_96_says_the_pinned_zone_of_a_move_across_zones_was_not_checked():
    # Below 2.96 Nova does not show the pinned zone: a move into another zone gets a note, not a guess.
    in_nova = server(availability_zone='nova')
    note = host_checks.unchecked_pinned_zone('az2-1', SERVICES, in_nova, (2, 95))
    assert "availability zone 'az2'" in note and "in 'nova'" in note
    assert 'microversion 2.96' in note and '2.95' in note and "Nova's scheduler" in note
    # A move within the zone cannot break a pinning, and from 2.96 the check itself runs.
    assert host_checks.unchecked_pinned_zone('compute-2', SERVICES, in_nova, (2, 95)) is None
    assert host_checks.unchecked_pinned_zone('az2-1', SERVICES, in_nova, (2, 96)) is None


# ----- server state -------------------------------------------------------------

NOVA_STATUSES = ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'RESCUE', 'VERIFY_RESIZE', 'RESIZE', 'MIGRATING',
                 'REVERT_RESIZE', 'REBUILD', 'REBOOT', 'HARD_REBOOT', 'BUILD', 'SHELVED', 'SOFT_DELETED', 'UNKNOWN')


@pytest.mark.parametrize('live,status', [(False, 'ACTIVE'), (False, 'SHUTOFF'), (True, 'ACTIVE'), (True, 'PAUSED')])
def test_migratable_states(live, status):
    assert val.check_server_state(server(status=status), live) is None
    # The status is all that let it through: the other guards still apply to a server in that status.
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status=status, task_state='powering-off'), live)
    assert err.value.msg == 'Server web (s1) is busy (task_state powering-off); wait until the task has finished.'
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status=status, locked=True), live)
    assert err.value.msg == 'Server web (s1) is locked; unlock it before migrating.'
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status=status, host=None), live)
    assert err.value.msg == ('The compute host of server web (s1) is not visible; migrations need admin credentials '
                             '(OS-EXT-SRV-ATTR:host).')


@pytest.mark.parametrize('live', [False, True], ids=['cold', 'live'])
@pytest.mark.parametrize('status', NOVA_STATUSES)
def test_only_the_statuses_nova_migrates_pass(live, status):
    allowed = ('ACTIVE', 'PAUSED') if live else ('ACTIVE', 'SHUTOFF')
    if status in allowed:
        assert val.check_server_state(server(status=status), live) is None
        return
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status=status), live)
    assert err.value.msg.startswith('Cannot %s server web (s1) in status %s (allowed: %s).'
                                    % ('live-migrate' if live else 'cold-migrate', status, ', '.join(allowed)))


@pytest.mark.parametrize('live,status,hint', [
    (True, 'SHUTOFF', 'cold migration'),
    (False, 'PAUSED', 'live migration'),
    (False, 'SUSPENDED', ''),
    (True, 'VERIFY_RESIZE', ''),
    (False, 'RESCUE', ''),
])
def test_not_migratable_states(live, status, hint):
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status=status), live)
    assert status in err.value.msg
    assert hint in err.value.msg


def test_locked_refused():
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(locked=True, locked_reason='audit'), False)
    assert 'locked' in err.value.msg and 'audit' in err.value.msg


def test_error_refused_with_fault():
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status='ERROR', fault='disk gone'), False)
    assert 'ERROR' in err.value.msg and 'disk gone' in err.value.msg


def test_shelved_offloaded_refused():
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(status='SHELVED_OFFLOADED', host=None), True)
    assert 'unshelve' in err.value.msg


def test_busy_task_state_refused():
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(task_state='powering-off'), False)
    assert 'powering-off' in err.value.msg


def test_invisible_host_refused():
    with pytest.raises(ValidationError) as err:
        val.check_server_state(server(host=None), False)
    assert 'admin' in err.value.msg


# ----- decisions ------------------------------------------------------------------

def test_already_on_host_is_noop():
    d = val.decide_migrate(server(host='compute-2'), host='compute-2')
    assert d.action == val.NOOP


def test_not_on_source_host_is_noop():
    d = val.decide_migrate(server(host='compute-2'), source_host='compute-1')
    assert d.action == val.NOOP


def test_on_source_host_migrates():
    assert val.decide_migrate(server(), source_host='compute-1').action == val.MIGRATE
    assert val.decide_migrate(server(), host='compute-2').action == val.MIGRATE


def test_no_host_no_source_always_migrates():
    old = migration('confirmed')
    assert val.decide_migrate(server(), latest=old).action == val.MIGRATE


def test_in_progress_same_destination_is_waited_for():
    d = val.decide_migrate(server(status='RESIZE', task_state='resize_migrating'), host='compute-2',
                           latest=migration('migrating'))
    assert d.action == val.WAIT and d.migration['id'] == 5


def test_in_progress_unknown_destination_is_waited_for():
    d = val.decide_migrate(server(status='MIGRATING'), host='compute-2',
                           latest=migration('accepted', mtype='live-migration', dest=None))
    assert d.action == val.WAIT


def test_in_progress_elsewhere_fails():
    with pytest.raises(ValidationError) as err:
        val.decide_migrate(server(status='MIGRATING'), host='compute-3',
                           latest=migration('running', mtype='live-migration'))
    assert 'compute-2' in err.value.msg and 'compute-3' in err.value.msg


def test_in_progress_resize_or_evacuation_not_touched():
    for mtype in ('resize', 'evacuation'):
        status = 'migrating' if mtype == 'resize' else 'accepted'
        with pytest.raises(ValidationError):
            val.decide_migrate(server(status='RESIZE'), latest=migration(status, mtype=mtype))


def test_in_progress_from_other_source_with_source_host_is_noop():
    d = val.decide_migrate(server(status='MIGRATING', host='compute-3'), source_host='compute-1',
                           latest=migration('running', mtype='live-migration', source='compute-3'))
    assert d.action == val.NOOP


def test_finished_cold_migration_is_not_in_progress():
    assert migration('finished')['in_progress'] is False


def test_verify_resize_on_wanted_host_is_confirmed():
    d = val.decide_migrate(server(status='VERIFY_RESIZE', host='compute-2'), host='compute-2',
                           latest=migration('finished'))
    assert d.action == val.CONFIRM


def test_verify_resize_off_source_host_is_confirmed():
    d = val.decide_migrate(server(status='VERIFY_RESIZE', host='compute-2'), source_host='compute-1',
                           latest=migration('finished'))
    assert d.action == val.CONFIRM


def test_verify_resize_with_confirm_false_is_noop():
    d = val.decide_migrate(server(status='VERIFY_RESIZE', host='compute-2'), host='compute-2', confirm=False,
                           latest=migration('finished'))
    assert d.action == val.NOOP


def test_verify_resize_on_other_host_fails():
    with pytest.raises(ValidationError) as err:
        val.decide_migrate(server(status='VERIFY_RESIZE', host='compute-2'), host='compute-3',
                           latest=migration('finished'))
    assert 'confirm or revert' in err.value.msg


def test_verify_resize_from_a_resize_is_never_confirmed():
    with pytest.raises(ValidationError) as err:
        val.decide_migrate(server(status='VERIFY_RESIZE', host='compute-2'), host='compute-2',
                           latest=migration('finished', mtype='resize'))
    assert 'resize' in err.value.msg


# ----- verification ---------------------------------------------------------------

def test_original_status():
    assert val.original_status(server(status='SHUTOFF')) == 'SHUTOFF'
    assert val.original_status(server(status='VERIFY_RESIZE', power_state=4)) == 'SHUTOFF'
    assert val.original_status(server(status='VERIFY_RESIZE', power_state=1)) == 'ACTIVE'
    assert val.original_status(server(status='MIGRATING', power_state=3)) == 'PAUSED'


def test_cold_success_requires_confirmed_moved_and_original_status():
    before = server(status='SHUTOFF', power_state=4)
    after = server(status='SHUTOFF', host='compute-2', power_state=4)
    assert val.cold_result_problems(before, after, migration('confirmed'), host='compute-2') == []


def test_cold_bare_active_is_not_success():
    before = server()
    after = server()  # ACTIVE on the same host: the OSC --wait trap
    problems = val.cold_result_problems(before, after, migration('error'))
    assert any('still on compute-1' in p for p in problems)
    assert any('error' in p for p in problems)


def test_cold_wrong_host_and_power_state_detected():
    before = server(status='SHUTOFF', power_state=4)
    after = server(status='ACTIVE', host='compute-3')
    problems = val.cold_result_problems(before, after, migration('confirmed', dest='compute-3'), host='compute-2')
    assert any('not on the requested host compute-2' in p for p in problems)
    assert any('expected SHUTOFF' in p for p in problems)


def test_cold_unconfirmed_accepts_finished_and_verify_resize():
    before = server()
    after = server(status='VERIFY_RESIZE', host='compute-2')
    assert val.cold_result_problems(before, after, migration('finished'), confirmed=False) == []
    assert val.cold_result_problems(before, after, migration('finished'), confirmed=True)


def test_live_success_and_failures():
    before = server(status='PAUSED', power_state=3)
    ok = server(status='PAUSED', host='compute-2', power_state=3)
    live = migration('completed', mtype='live-migration')
    assert val.live_result_problems(before, ok, live, host='compute-2') == []
    assert val.live_result_problems(before, server(status='ACTIVE', host='compute-2'), live)
    assert val.live_result_problems(before, ok, migration('running', mtype='live-migration'))
    still_migrating = server(status='PAUSED', host='compute-2', task_state='migrating')
    assert val.live_result_problems(before, still_migrating, live)


# ----- unknown hosts: similar names first ----------------------------------------

@pytest.mark.parametrize('host, similar', [
    ('compute-01', 'compute-1, compute-10'),
    ('Compute-2', 'compute-2'),
    ('compute-2.example.com', 'compute-2'),
    ('az2_1', 'az2-1'),
])
def test_unknown_host_suggests_similar_names_then_lists_the_hosts(host, similar):
    with pytest.raises(ValidationError) as err:
        host_checks.check_hosts_exist([host], SERVICES)
    msg = err.value.msg
    assert ('Unknown compute host %r' % host) in msg
    assert ('Did you mean %s?' % similar) in msg, msg
    assert 'Compute hosts: az2-1, compute-1, compute-10, compute-2, compute-3, compute-4, compute-5.' in msg
    assert err.value.data['unknown_hosts'] == [host]


def test_unknown_hosts_are_named_together():
    with pytest.raises(ValidationError) as err:
        host_checks.check_hosts_exist(['compute-1', 'nope', 'compute-11'], SERVICES)
    assert "Unknown compute hosts 'nope', 'compute-11'" in err.value.msg
    assert err.value.data['unknown_hosts'] == ['nope', 'compute-11']


def test_known_hosts_pass():
    host_checks.check_hosts_exist(['compute-1', 'compute-10'], SERVICES)
    host_checks.check_hosts_exist([], SERVICES)


def test_unknown_target_suggests_similar_names():
    with pytest.raises(ValidationError) as err:
        host_checks.check_target('compute-01', SERVICES)
    assert 'Did you mean compute-1, compute-10?' in err.value.msg
