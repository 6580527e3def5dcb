# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_plan_lines
short_description: A campaign plan as lines an operator reads before approving it
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - One line per step (its hosts, how many servers move where, the waves, the free capacity after), then the
    warnings and errors of the plan.
options:
  _input:
    description: The C(plan) of M(novaops.migration.campaign_plan).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Show the plan
  ansible.builtin.debug:
    msg: "{{ planned.plan | novaops.migration.campaign_plan_lines }}"
'''

RETURN = r'''
_value:
  description: The lines.
  type: list
  elements: str
'''

from ansible_collections.novaops.migration.plugins.module_utils.report import campaign


def campaign_plan_lines(plan):
    return campaign.plan_lines(plan)


class FilterModule(object):
    def filters(self):
        return {'campaign_plan_lines': campaign_plan_lines}
