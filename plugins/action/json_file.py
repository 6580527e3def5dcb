# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of novaops.migration.json_file: the write happens in the controller's own process.

A campaign writes its state file after every phase of every host. Through ansible.builtin.copy each write starts a
module (about 0.3 s); here it costs a few milliseconds, and the file is on the controller whatever host the task
runs for.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.novaops.migration.plugins.module_utils.json_file import write_atomically


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('path', 'content', 'mode'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        # ActionBase refuses options outside _VALID_ARGS.
        args = self._task.args
        path = args.get('path')
        if not isinstance(path, str) or not path.strip():
            raise AnsibleActionFail('json_file: path is required: the file to write on the controller.')
        if 'content' not in args or not isinstance(args['content'], (dict, list)):
            raise AnsibleActionFail('json_file: content is required and must be a dict or a list (got %s).'
                                    % type(args.get('content')).__name__)
        mode = args.get('mode', '0640')
        try:
            mode = int(str(mode), 8)
        except ValueError:
            raise AnsibleActionFail("json_file: mode must be octal, as '0640' (got %r)." % (mode,)) from None
        path = os.path.expanduser(path)
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise AnsibleActionFail('json_file: the directory of %s does not exist on the controller; create it first.'
                                    % path)
        result.update(path=path, changed=False)
        if self._task.check_mode:
            result['msg'] = 'check mode: %s not written' % path
            return result
        try:
            result['changed'] = write_atomically(path, args['content'], mode)
        except (IOError, OSError) as exc:
            raise AnsibleActionFail('json_file: could not write %s: %s' % (path, to_text(exc))) from exc
        return result
