# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_phase_before
short_description: Whether a host of a campaign has still to complete a phase
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - True while the host's last completed phase (in the campaign state) comes before the phase given. Phases in
    order are queued, disabled, drained, maintained, healthy, enabled, returned, done.
options:
  _input:
    description: The compute host name.
    type: str
    required: true
  state:
    description: The campaign state.
    type: dict
    required: true
  phase:
    description: The phase.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Hosts still to disable
  ansible.builtin.debug:
    msg: "{{ hosts | select('novaops.migration.campaign_phase_before', state, 'disabled') }}"
'''

RETURN = r'''
_value:
  description: Whether the phase is still to run.
  type: bool
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_phase_before(host, state, phase):
    return campaign_progress.phase_before(host, state, phase)


class TestModule(object):
    def tests(self):
        return {'campaign_phase_before': campaign_phase_before}
