# -*- coding: utf-8 -*-
""""Is anything stuck?" must not be answered with a false "no".

A cold migration waiting for confirmation (record ``finished``, server VERIFY_RESIZE) is not in progress as Nova
defines it, but it is not over either; and a host name that does not exist must not look like a quiet host.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.modules import compute_host_info
from ansible_collections.novaops.migration.plugins.modules import server_migration_info as smi

SID = 'aaaaaaaa-0000-0000-0000-000000000001'
OTHER = 'aaaaaaaa-0000-0000-0000-000000000002'


def waiting_for_confirmation(fake):
    fake.add_server(SID, 'web', host='compute-2', status='VERIFY_RESIZE')
    waiting = fake.add_migration(SID, 'finished', source='compute-1', dest='compute-2')
    fake.add_server(OTHER, 'db', host='compute-3')
    done = fake.add_migration(OTHER, 'confirmed', source='compute-1', dest='compute-3')
    return waiting, done


def test_every_record_says_whether_it_is_unfinished(run, fake):
    waiting, done = waiting_for_confirmation(fake)
    result, failed = run(smi, {}, fake)
    assert not failed, result['msg']
    flags = dict((m['id'], (m['in_progress'], m['unfinished'])) for m in result['migrations'])
    assert flags == {waiting['id']: (False, True), done['id']: (False, False)}


def test_unfinished_filter_finds_a_migration_waiting_for_confirmation(run, fake):
    waiting, _done = waiting_for_confirmation(fake)
    result, failed = run(smi, {'unfinished': True, 'host': 'compute-1'}, fake)
    assert not failed, result['msg']
    assert [m['id'] for m in result['migrations']] == [waiting['id']]
    # in_progress keeps Nova's meaning: the migration waiting for confirmation is not in progress.
    result, failed = run(smi, {'in_progress': True, 'host': 'compute-1'}, fake)
    assert not failed and result['migrations'] == []


def test_unfinished_false_keeps_the_others(run, fake):
    _waiting, done = waiting_for_confirmation(fake)
    result, failed = run(smi, {'unfinished': False}, fake)
    assert not failed and [m['id'] for m in result['migrations']] == [done['id']]


def test_info_for_an_unknown_host_fails_with_suggestions(run, fake):
    waiting_for_confirmation(fake)
    result, failed = run(smi, {'host': 'compute-01', 'unfinished': True}, fake)
    assert failed
    assert "Unknown compute host 'compute-01'" in result['msg']
    assert 'Did you mean compute-1, compute-10?' in result['msg'] and 'Compute hosts: ' in result['msg']
    assert not result['changed']


def test_info_for_a_known_host_without_migrations_is_an_empty_success(run, fake):
    result, failed = run(smi, {'host': 'compute-10'}, fake)
    assert not failed and result['migrations'] == []


def test_info_for_a_removed_host_still_lists_its_records(run, fake):
    # The host's compute service was deleted, its migration records remain: the host is known from them.
    fake.add_migration(SID, 'confirmed', source='compute-old', dest='compute-2')
    result, failed = run(smi, {'host': 'compute-old'}, fake)
    assert not failed, result['msg']
    assert [m['source_compute'] for m in result['migrations']] == ['compute-old']


def test_host_info_for_an_unknown_host_fails_with_suggestions(run, fake):
    result, failed = run(compute_host_info, {'host': ['compute-2', 'compute-02']}, fake)
    assert failed
    assert "Unknown compute host 'compute-02'" in result['msg'] and 'Did you mean compute-2' in result['msg']
    assert 'compute-10' in result['msg']
    assert fake.count('GET', '/os-hypervisors') == 0


def test_host_info_for_a_known_host(run, fake):
    result, failed = run(compute_host_info, {'host': 'compute-2'}, fake)
    assert not failed, result['msg']
    assert [h['host'] for h in result['hosts']] == ['compute-2']


def test_host_info_filters_that_match_nothing_are_an_empty_success(run, fake):
    result, failed = run(compute_host_info, {'host': 'compute-2', 'zone': 'az9'}, fake)
    assert not failed and result['hosts'] == []


def test_info_for_a_removed_host_whose_records_do_not_match_the_filters(run, fake):
    fake.add_migration(SID, 'confirmed', source='compute-old', dest='compute-2')
    result, failed = run(smi, {'host': 'compute-old', 'unfinished': True}, fake)
    assert not failed, result['msg']
    assert result['migrations'] == []
