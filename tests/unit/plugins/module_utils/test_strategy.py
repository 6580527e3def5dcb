# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-server strategy: the decision table, what blocks a live move, and options that contradict each other."""

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.planning.live_blockers import cold_blockers, live_blockers
from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import conflicts, decide

PCI = ['its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)']

# status, strategy, blocked, allow_cold_for_running -> action
TABLE = [
    ('ACTIVE', 'cold', False, False, 'cold'),
    ('ACTIVE', 'cold', True, False, 'cold'),
    ('PAUSED', 'cold', False, False, 'skip'),
    ('SHUTOFF', 'cold', False, False, 'cold'),
    ('ACTIVE', 'live', False, False, 'live'),
    ('ACTIVE', 'live', True, False, 'skip'),
    ('PAUSED', 'live', False, False, 'live'),
    ('PAUSED', 'live', True, False, 'skip'),
    ('SHUTOFF', 'live', False, False, 'skip'),
    ('ACTIVE', 'auto', False, False, 'live'),
    ('ACTIVE', 'auto', False, True, 'live'),
    ('ACTIVE', 'auto', True, False, 'skip'),
    ('ACTIVE', 'auto', True, True, 'cold'),
    ('PAUSED', 'auto', False, False, 'live'),
    ('PAUSED', 'auto', True, True, 'skip'),
    ('SHUTOFF', 'auto', False, False, 'cold'),
    ('SHUTOFF', 'auto', True, False, 'cold'),
    ('SHUTOFF', 'auto', True, True, 'cold'),
]


@pytest.mark.parametrize(('status', 'strategy', 'blocked', 'allow_cold', 'action'), TABLE)
def test_decision_table(status, strategy, blocked, allow_cold, action):
    got, reason, _fallback = decide(status, strategy, blockers=PCI if blocked else (),
                                    allow_cold_for_running=allow_cold)
    assert got == action, reason
    assert reason.startswith('status %s' % status)
    if blocked and status != 'SHUTOFF' and strategy != 'cold':
        assert 'pci_passthrough:alias=a1:1' in reason


def test_skip_reasons_say_what_to_change():
    assert 'set allow_cold_for_running' in decide('ACTIVE', 'auto', blockers=PCI)[1]
    assert 'strategy auto with allow_cold_for_running' in decide('ACTIVE', 'live', blockers=PCI)[1]
    assert 'unpause or stop it' in decide('PAUSED', 'auto', blockers=PCI, allow_cold_for_running=True)[1]
    assert 'use strategy live or auto' in decide('PAUSED', 'cold')[1]
    assert 'use strategy auto or cold' in decide('SHUTOFF', 'live')[1]


@pytest.mark.parametrize(('status', 'strategy', 'fallback', 'expected'), [
    ('ACTIVE', 'auto', 'cold', 'cold'),
    ('ACTIVE', 'live', 'cold', 'cold'),
    ('ACTIVE', 'auto', 'none', None),
    ('PAUSED', 'auto', 'cold', None),      # a cold migration needs ACTIVE or SHUTOFF
    ('SHUTOFF', 'auto', 'cold', None),     # already cold
])
def test_fallback_only_where_a_cold_move_is_possible(status, strategy, fallback, expected):
    _action, reason, got = decide(status, strategy, fallback=fallback)
    assert got == expected
    if status == 'PAUSED':
        assert 'no cold fallback' in reason


@pytest.mark.parametrize('status', ['ERROR', 'SHELVED_OFFLOADED', 'VERIFY_RESIZE', '', None])
def test_other_statuses_never_move(status):
    assert decide(status, 'auto')[0] == 'skip'


@pytest.mark.parametrize(('kwargs', 'words'), [
    (dict(strategy='cold', fallback='cold'), 'drop fallback'),
    (dict(strategy='cold', on_stall='abort'), 'drop on_stall'),
    (dict(strategy='live', allow_cold_for_running=True), 'drop allow_cold_for_running'),
    (dict(strategy='auto', on_stall='later'), 'on_stall must be one of wait, force_complete, abort'),
    (dict(strategy='auto', fallback='warm'), 'fallback must be one of none, cold'),
    (dict(strategy='sideways'), 'strategy must be one of cold, live, auto'),
])
def test_contradicting_options(kwargs, words):
    strategy = kwargs.pop('strategy')
    assert any(words in problem for problem in conflicts(strategy, **kwargs))


@pytest.mark.parametrize('kwargs', [
    dict(strategy='cold'), dict(strategy='live', fallback='cold', on_stall='abort'),
    dict(strategy='auto', fallback='cold', on_stall='force_complete', allow_cold_for_running=True),
])
def test_options_that_fit(kwargs):
    strategy = kwargs.pop('strategy')
    assert conflicts(strategy, **kwargs) == []


@pytest.mark.parametrize(('specs', 'words'), [
    ({'pci_passthrough:alias': 'a1:2'}, 'PCI passthrough devices (pci_passthrough:alias=a1:2)'),
    ({'resources:VGPU': '1'}, 'vGPU resources (resources:VGPU=1)'),
    ({'resources:PGPU': '2'}, 'physical GPU resources'),
    ({'accel:device_profile': 'fpga'}, 'accelerators'),
    ({'hw:mem_encryption': 'True'}, 'encrypted memory'),
    ({'hw:tpm_version': '2.0', 'hw:tpm_model': 'tpm-crb'}, 'vTPM'),
    ({'hw:tpm_version': '2.0', 'hw:tpm_secret_security': 'deployment'}, 'vTPM'),
])
def test_live_blockers(specs, words):
    reasons = live_blockers({'original_name': 'f', 'extra_specs': specs})
    assert len(reasons) == 1 and words in reasons[0]


@pytest.mark.parametrize('flavor', [
    None, {}, {'extra_specs': None}, {'extra_specs': {}}, {'extra_specs': {'resources:VGPU': '0'}},
    {'extra_specs': {'hw:cpu_policy': 'dedicated', 'hw:mem_encryption': 'false'}},
    {'extra_specs': {'hw:tpm_version': '2.0', 'hw:tpm_secret_security': 'host'}},
    {'extra_specs': {'hw:tpm_model': 'tpm-crb'}},          # no vTPM without a version
    {'extra_specs': {'resources:VGPU': 'many'}},
])
def test_nothing_claimed_without_evidence(flavor):
    assert live_blockers(flavor) == []


ACCEL = {'original_name': 'fpga', 'extra_specs': {'accel:device_profile': 'fpga'}}


@pytest.mark.parametrize(('status', 'strategy', 'allow_cold'), [
    ('ACTIVE', 'cold', False), ('SHUTOFF', 'cold', False), ('SHUTOFF', 'auto', False),
    ('ACTIVE', 'auto', True), ('ACTIVE', 'live', False), ('PAUSED', 'auto', False),
])
def test_accelerator_servers_move_neither_live_nor_cold(status, strategy, allow_cold):
    # Nova's compute API refuses both migrate and os-migrateLive for a server with accelerators (HTTP 400).
    action, reason, fallback = decide(status, strategy, blockers=live_blockers(ACCEL),
                                      cold_blockers=cold_blockers(ACCEL), allow_cold_for_running=allow_cold,
                                      fallback='cold')
    assert (action, fallback) == ('skip', None), reason
    assert 'accel:device_profile=fpga' in reason


def test_cold_blockers_only_for_accelerators():
    assert cold_blockers({'extra_specs': {'pci_passthrough:alias': 'a1:1', 'resources:VGPU': '1'}}) == []
    assert cold_blockers(None) == []


# A hard-affinity member whose whole group is on the source: Nova's scheduler refuses every move of it.
GROUP_BLOCKED = "server group 'db' (affinity): every member is on compute-1"


@pytest.mark.parametrize('status', ['ACTIVE', 'PAUSED', 'SHUTOFF'])
@pytest.mark.parametrize('strategy', ['cold', 'live', 'auto'])
def test_a_group_that_refuses_every_move_wins(status, strategy):
    action, reason, fallback = decide(status, strategy, group_blocked=GROUP_BLOCKED, allow_cold_for_running=True,
                                      fallback='cold')
    assert (action, fallback) == ('skip', None)
    assert GROUP_BLOCKED in reason and reason.startswith('status %s' % status)
