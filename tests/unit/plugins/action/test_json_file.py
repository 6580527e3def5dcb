# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""json_file writes a campaign's state on the controller: whole or not at all, never half a file."""

import json
import os
import stat
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext
from ansible_collections.novaops.migration.plugins.action.json_file import ActionModule
from ansible_collections.novaops.migration.plugins.module_utils import json_file


def run_action(args, check_mode=False):
    task = mock.MagicMock(args=args, check_mode=check_mode, async_val=0, action='novaops.migration.json_file')
    action = ActionModule(task, mock.MagicMock(), PlayContext(), loader=None, templar=None, shared_loader_obj=None)
    return action.run(task_vars={})


def test_the_document_is_written_in_its_own_key_order_with_the_mode(tmp_path):
    path = tmp_path / 'c.state.json'
    result = run_action({'path': str(path), 'content': {'campaign': 'c', 'hosts': {'b': 1, 'a': 2}}})
    assert result['changed'] is True
    assert path.read_text() == '{\n    "campaign": "c",\n    "hosts": {\n        "b": 1,\n        "a": 2\n    }\n}\n'
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


def test_an_unchanged_document_is_not_rewritten(tmp_path):
    path = tmp_path / 'c.state.json'
    run_action({'path': str(path), 'content': {'a': 1}})
    before = os.stat(str(path)).st_ino
    assert run_action({'path': str(path), 'content': {'a': 1}, 'mode': '0600'})['changed'] is False
    assert os.stat(str(path)).st_ino == before
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600


def test_a_write_that_fails_leaves_the_previous_file_whole_and_no_temporary_file(tmp_path):
    path = tmp_path / 'c.state.json'
    json_file.write_atomically(str(path), {'phase': 'drained'})
    failing_rename = mock.patch.object(json_file.os, 'rename', side_effect=OSError('disk full'))
    with failing_rename, pytest.raises(AnsibleActionFail, match=r'could not write .*disk full'):
        run_action({'path': str(path), 'content': {'phase': 'maintained'}})
    assert json.loads(path.read_text()) == {'phase': 'drained'}
    assert os.listdir(str(tmp_path)) == ['c.state.json']


def test_check_mode_writes_nothing(tmp_path):
    path = tmp_path / 'c.state.json'
    result = run_action({'path': str(path), 'content': {'a': 1}}, check_mode=True)
    assert result['changed'] is False and 'not written' in result['msg']
    assert not path.exists()


@pytest.mark.parametrize('args, message', [
    ({'content': {}}, 'path is required'),
    ({'path': 'x.json', 'content': 'text'}, 'must be a dict or a list'),
    ({'path': 'x.json', 'content': {}, 'mode': 'rw'}, 'mode must be octal'),
    ({'path': '/no/such/dir/x.json', 'content': {}}, 'does not exist on the controller'),
    ({'path': 'x.json', 'content': {}, 'dest': 'y'}, 'Invalid options'),
])
def test_bad_arguments_fail_with_what_to_do(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run_action(args)
