# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_return_outcome
short_description: Which servers of a maintained host came home
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - The names of the servers that are back on the host, and why the others are not.
options:
  _input:
    description: The host.
    type: str
    required: true
  state:
    description: The campaign state.
    type: dict
    required: true
  results:
    description: The results of the M(novaops.migration.server_migrate_sequence) call that brought them home.
    type: list
    elements: dict
    required: true
'''

EXAMPLES = r'''
- name: What came home
  ansible.builtin.set_fact:
    outcome: "{{ 'compute-1' | novaops.migration.campaign_return_outcome(state, back.results) }}"
'''

RETURN = r'''
_value:
  description: C(returned) (names) and C(problem) (null when every server is back).
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_return_outcome(host, state, results):
    return campaign_progress.return_outcome(host, state, results)


class FilterModule(object):
    def filters(self):
        return {'campaign_return_outcome': campaign_return_outcome}
