# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: evacuation_marker
short_description: The disabled reason host_evacuation sets on a compute service (its ownership marker)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - "Builds C(novaops-evacuation by <who> at <time>[ run <id>[ live <pid>@<node> until <time>| ended]][: <note>]),
    cut to Nova's 255 characters (the note is cut first). M(novaops.migration.migration_plan) parses it back into
    C(plan.ownership)."
  - A live run names its ansible-playbook process and the time until which it promises to refresh the marker; a
    second run of the same host refuses to start while the first is alive, and resumes it once it has ended or was
    interrupted.
options:
  _input:
    description:
      - C(by) (who), C(at) (start of the evacuation, UTC), C(note), C(run) (run id), C(pid) and C(node) (the
        controller), C(alive_for) (seconds from now the run promises to refresh the marker within) and C(ended).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: The marker of a live run
  ansible.builtin.set_fact:
    marker: "{{ {'by': 'alice', 'at': '2026-11-30T10:00:00Z', 'run': 'a1b2c3d4', 'pid': 4242, 'node': 'ctl-1',
                 'alive_for': 1950, 'note': 'CHG-1'} | novaops.migration.evacuation_marker }}"
'''

RETURN = r'''
_value:
  description: The marker text.
  type: str
'''

import datetime

from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import make_marker


def evacuation_marker(fields):
    fields = dict(fields or {})
    until = None
    if fields.get('alive_for') is not None:
        until = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0) + \
            datetime.timedelta(seconds=float(fields['alive_for']))
    return make_marker(fields.get('by'), fields.get('at'), fields.get('note'), run=fields.get('run'),
                       pid=fields.get('pid'), node=fields.get('node'), until=until, ended=bool(fields.get('ended')))


class FilterModule(object):
    def filters(self):
        return {'evacuation_marker': evacuation_marker}
