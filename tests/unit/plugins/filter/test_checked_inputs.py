# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks' extra vars are checked, never coerced: a bad value fails before any change and names its key."""

import pytest
from ansible_collections.novaops.migration.plugins.filter.checked_inputs import checked_inputs

SPEC = {
    'host': {'type': 'str', 'required': True, 'example': 'compute-1'},
    'targets': {'type': 'list', 'example': 'compute-2,compute-3'},
    'live': {'type': 'bool'},
    'max_failures': {'type': 'int', 'min': 0},
    'timeout': {'type': 'int', 'min': 1, 'example': '1800', 'expect': 'seconds per server'},
    'report': {'type': 'path'},
    'cloud': {'type': 'cloud'},
}


def check(given, spec=None, option_format='-e %s'):
    return checked_inputs(given, SPEC if spec is None else spec, option_format=option_format)


def test_good_values_are_converted():
    result = check({'host': 'compute-1', 'targets': 'compute-2, compute-3', 'live': 'yes', 'max_failures': '2',
                    'timeout': 60, 'report': '/tmp/x.json', 'cloud': 'prod'})
    assert result['errors'] == []
    assert result['values'] == {'host': 'compute-1', 'targets': ['compute-2', 'compute-3'], 'live': True,
                                'max_failures': 2, 'timeout': 60, 'report': '/tmp/x.json', 'cloud': 'prod'}


def test_blank_and_null_values_are_unset_as_an_awx_survey_sends_them():
    result = check({'host': 'compute-1', 'targets': '', 'live': None, 'max_failures': '', 'timeout': None})
    assert result['errors'] == []
    assert result['values'] == {'host': 'compute-1', 'targets': None, 'live': None, 'max_failures': None,
                                'timeout': None, 'report': None, 'cloud': None}


@pytest.mark.parametrize('key, value, words', [
    ('timeout', '30m', ['-e timeout=30m', 'whole number', 'seconds per server', '-e timeout=1800']),
    ('timeout', '0', ['-e timeout=0', 'at least 1']),
    ('timeout', '-5', ['at least 1']),
    ('max_failures', 'abc', ['-e max_failures=abc', 'whole number']),
    ('max_failures', '-1', ['at least 0']),
    ('max_failures', 1.5, ['whole number']),
    ('live', 'maybe', ['-e live=maybe', 'true or false']),
    ('targets', 'compute-2,', ['empty name', 'JSON']),
    ('targets', 'compute-2,,compute-3', ['empty name']),
    ('cloud', ['a'], ['cloud name', 'dictionary']),
    ('host', ['compute-1'], ['-e host=', 'text']),
])
def test_bad_values_name_the_key_and_what_it_expects(key, value, words):
    given = {'host': 'compute-1'}
    given[key] = value
    errors = check(given)['errors']
    assert len(errors) == 1, errors
    for word in words:
        assert word in errors[0]


def test_a_missing_required_value_is_an_error():
    assert check({})['errors'] == ['-e host is required, for example -e host=compute-1.']
    assert check({'host': ' '})['errors'] == ['-e host is required, for example -e host=compute-1.']


def test_words_cut_off_at_a_space_fail_loudly():
    errors = check({'host': 'compute-1', '_raw_params': 'DIMM swap'})['errors']
    assert len(errors) == 1 and "'DIMM swap'" in errors[0] and 'JSON' in errors[0]


def test_role_variables_are_named_as_they_are():
    errors = check({'host_evacuation_timeout': 'x'}, {'host_evacuation_timeout': {'type': 'int', 'min': 1}},
                   option_format='%s')['errors']
    assert errors[0].startswith('host_evacuation_timeout=x:')


# What varnames shows at the start of a play run with -e target_hosts=... and -e timeuot=60: the extra vars among
# Ansible's own variables and the play's.
DEFINED = ['ansible_connection', 'inventory_hostname', 'groups', 'vars', 'hostvars', 'environment', 'play_hosts',
           'playbook_dir', 'role_names', 'evacuate_host_inputs', 'host', 'target_hosts', 'timeuot']


def test_an_extra_var_that_is_no_input_but_looks_like_one_is_refused():
    # Ignored silently, -e target_hosts let the scheduler choose the hosts the operator meant to exclude.
    spec = dict(SPEC, targets=dict(SPEC['targets'], mistaken_for=['target_hosts']))
    result = checked_inputs({'host': 'compute-1'}, spec, defined=DEFINED)
    assert result['errors'] == [
        '-e target_hosts is not an input of this playbook and would be ignored: did you mean -e targets?',
        '-e timeuot is not an input of this playbook and would be ignored: did you mean -e timeout?',
    ]


def test_ansible_and_play_variables_are_not_taken_for_mistakes():
    result = checked_inputs({'host': 'compute-1'}, SPEC, defined=[n for n in DEFINED if n not in ('target_hosts', 'timeuot')])
    assert result['errors'] == []


def test_role_variables_are_not_checked_for_mistakes():
    result = checked_inputs({'host': 'compute-1'}, SPEC, option_format='%s', defined=DEFINED)
    assert result['errors'] == []
