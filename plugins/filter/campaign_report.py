# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_report
short_description: The report of a maintenance campaign
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - The verdict (V(COMPLETE) only when every host is done and none failed; V(FAILED), V(INCOMPLETE), or
    V(PLANNED) in check mode), a summary, a line per host, a final table, and per host its phase, failure,
    timings and every server the campaign moved.
options:
  _input:
    description: The campaign state kept by the P(novaops.migration.compute_maintenance#role) role.
    type: dict
    required: true
  plan:
    description: The C(plan) of M(novaops.migration.campaign_plan).
    type: dict
    required: true
  context:
    description: Facts of the run carried into the report (times, operator, check mode, the error that stopped it).
    type: dict
'''

EXAMPLES = r'''
- name: Build the report
  ansible.builtin.set_fact:
    report: "{{ state | novaops.migration.campaign_report(plan=planned.plan, context={'check_mode': false}) }}"
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.report import campaign


def campaign_report(state, plan, context=None):
    return campaign.campaign_report(state, plan, context)


class FilterModule(object):
    def filters(self):
        return {'campaign_report': campaign_report}
