# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: evacuation_report
short_description: Build the report of a host evacuation or restore
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the P(novaops.migration.host_evacuation#role) and P(novaops.migration.host_restore#role) roles. Combines the
    per-server results recorded after each migration with the plan of M(novaops.migration.migration_plan) made
    before the run and the one made after it (the post-condition), and returns the report that the roles write as
    JSON, including the lines of the human summary.
options:
  _input:
    description: Per-server results recorded by the role (one dict per migrated server).
    type: list
    elements: dict
    required: true
  plan:
    description: The C(plan) returned by M(novaops.migration.migration_plan) before the run.
    type: dict
    required: true
  after:
    description: The C(plan) returned by M(novaops.migration.migration_plan) after the run (omit in check mode).
    type: dict
  context:
    description:
      - Run context, keys C(kind) (V(evacuation) or V(restore)), C(host), C(check_mode), C(started_at),
        C(finished_at), C(duration), C(operator), C(service), C(since), C(options), C(compute_api),
        C(failed_count), C(max_failures), C(report_path).
    type: dict
'''

EXAMPLES = r'''
- name: Build the report
  ansible.builtin.set_fact:
    report: "{{ results | novaops.migration.evacuation_report(plan=plan, after=after, context={'host': 'compute-1'}) }}"
'''

RETURN = r'''
_value:
  description:
    - The report, with C(result) (V(complete), V(incomplete) or V(planned)), C(counts), C(servers) (one entry per
      server with C(outcome) V(moved), V(already_moved), V(moved_earlier), V(already_restored), V(skipped),
      V(failed), V(not_attempted) or V(planned)), C(postcondition) and C(summary) (lines).
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.report.build import build_report


def evacuation_report(results, plan, after=None, context=None):
    return build_report(results, plan, after=after, context=context)


class FilterModule(object):
    def filters(self):
        return {'evacuation_report': evacuation_report}
