# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_record
short_description: A campaign state with the phases its hosts completed or failed in
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Applies records to the state of a P(novaops.migration.compute_maintenance#role) campaign. Each record says that
    a host completed a phase (its data merged into the host's entry, the time kept), failed in it (the host keeps its
    phase and the failure says why), or with C(keep) completed it without moving on.
  - With O(expected) and O(phase), the records are those the hosts of a step left in their own facts. Only the
    records of that phase (and step) count, and an expected host without one is recorded as failed in the phase, so a
    host that went unreachable in its hook never passes as maintained.
options:
  _input:
    description: The campaign state.
    type: dict
    required: true
  records:
    description:
      - The records, each a dict with C(host), C(phase) and optionally C(step), C(data), C(failure), C(failed_phase)
        and C(keep).
      - Or a dict of host to outcome (as the C(campaign_drain) and C(campaign_return_outcome) filters give), all in
        O(phase); an outcome's C(problem) is the failure and the rest is data.
    type: raw
    required: true
  now:
    description: The time to record, as an ISO 8601 UTC text.
    type: str
    required: true
  expected:
    description: The hosts that were to record O(phase).
    type: list
    elements: str
  phase:
    description: The phase the hosts in O(expected) were to record.
    type: str
  step:
    description: The step the records must come from (with O(expected)).
    type: int
  keep:
    description: With a dict of outcomes, the hosts keep their phase (servers brought home to a host already done).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Record the hook's outcome on each host of the step
  ansible.builtin.set_fact:
    state: >-
      {{ state | novaops.migration.campaign_record(ansible_play_hosts_all | map('extract', hostvars, 'outcome')
           | select('defined') | list, now=now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ'),
           expected=['compute-1', 'compute-2'], phase='maintained', step=1) }}
'''

RETURN = r'''
_value:
  description: The new state (the input is not changed).
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_record(state, records, now, expected=None, phase=None, step=None, keep=False):
    return campaign_progress.record_phases(state, records, now, expected=expected, phase=phase,
                                           step=None if step is None else int(step), keep=bool(keep))


class FilterModule(object):
    def filters(self):
        return {'campaign_record': campaign_record}
