# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""strategy_options: the strategy a host role runs with, and contradicting options named as the caller knows them."""

import pytest
from ansible_collections.novaops.migration.plugins.filter.strategy_options import strategy_options

EXTRA_VARS = {'strategy': '-e strategy', 'live_migrate_active': '-e live',
              'allow_cold_for_running': '-e allow_cold_for_running', 'fallback': '-e fallback'}
ROLE = {'strategy': 'host_evacuation_strategy', 'live_migrate_active': 'host_evacuation_live_migrate_active',
        'allow_cold_for_running': 'host_evacuation_allow_cold_for_running', 'fallback': 'host_evacuation_fallback'}


def given(strategy=None, live=None, allow=None, fallback=None):
    return {'strategy': strategy, 'live_migrate_active': live, 'allow_cold_for_running': allow, 'fallback': fallback}


@pytest.mark.parametrize(('values', 'default', 'expected'), [
    (given(), 'cold', 'cold'),
    (given(), None, None),                    # a restore: each server the way it left
    (given('auto'), 'cold', 'auto'),
    (given(live=True), 'cold', 'auto'),       # the old spelling
    (given(live='false'), 'cold', 'cold'),
    (given(live=''), None, None),             # blank is unset, as AWX sends it
    (given('live', fallback='cold'), 'cold', 'live'),
    (given('auto', allow='true', fallback='cold'), 'cold', 'auto'),
])
def test_the_strategy_in_effect(values, default, expected):
    assert strategy_options(values, EXTRA_VARS, default=default) == {'strategy': expected, 'errors': []}


@pytest.mark.parametrize(('values', 'names', 'message'), [
    (given('auto', live=True), EXTRA_VARS,
     '-e strategy=auto and -e live=true are both given, but -e live is the old spelling of -e strategy (true is auto, '
     'false is cold): drop -e live.'),
    (given(fallback='cold'), EXTRA_VARS,
     '-e fallback=cold has no effect with -e strategy=cold (nothing moves live): drop -e fallback or use '
     '-e strategy=auto.'),
    (given('live', allow=True), ROLE,
     'host_evacuation_allow_cold_for_running=true contradicts host_evacuation_strategy=live (which never moves a '
     'server cold): drop host_evacuation_allow_cold_for_running or use host_evacuation_strategy=auto.'),
    (given(live=False, fallback='cold'), ROLE,
     'host_evacuation_fallback=cold has no effect with host_evacuation_strategy=cold (nothing moves live): drop '
     'host_evacuation_fallback or use host_evacuation_strategy=auto.'),
])
def test_contradictions_name_the_options_and_what_to_drop(values, names, message):
    assert strategy_options(values, names, default='cold')['errors'] == [message]


def test_a_restore_without_a_strategy_takes_any_fallback():
    assert strategy_options(given(fallback='cold', allow=True), ROLE)['errors'] == []


def test_on_stall_contradicts_the_strategy_cold_under_the_callers_name():
    names = dict(EXTRA_VARS, on_stall='-e on_stall')
    values = dict(given(), on_stall='abort')
    assert strategy_options(values, names, default='cold')['errors'] == [
        '-e on_stall=abort has no effect with -e strategy=cold (only live migrations stall): drop -e on_stall or use '
        '-e strategy=live or auto.']
    assert strategy_options(dict(given('auto'), on_stall='force_complete'), names, default='cold')['errors'] == []
    # blank is unset, as a survey sends it
    assert strategy_options(dict(given(), on_stall=''), names, default='cold')['errors'] == []
