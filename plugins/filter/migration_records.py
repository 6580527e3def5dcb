# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: migration_records
short_description: Turn one server_migrate_sequence result into report entries with their progress lines
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the P(novaops.migration.host_evacuation#role) and P(novaops.migration.host_restore#role) roles after each
    M(novaops.migration.server_migrate_sequence) call, on its registered result or on C(ansible_failed_result).
  - "Each server the call attempted becomes an entry, matched to its plan entry by position, with the original host,
    the destination, the migration id and status, the start and end times, the elapsed seconds, the outcome
    (V(moved), V(already_moved) or V(failed)) with its reason, and C(progress), the line
    C([i/N] name: src -> dst (12.3 s))."
  - A call that failed before attempting any server (no or empty C(results)) becomes one failed entry for the first planned
    server, with the call's error as the reason, so the failure is reported and counted, never lost.
options:
  _input:
    description: The result of the M(novaops.migration.server_migrate_sequence) task.
    type: dict
    required: true
  plan:
    description: The plan entries given to the call, in the same order (items of C(plan.actions) from M(novaops.migration.migration_plan)).
    type: list
    elements: dict
    required: true
  started:
    description: Epoch seconds when the call began (used only for a call that failed before attempting a server).
    type: float
    required: true
'''

EXAMPLES = r'''
- name: Record the servers the call attempted
  ansible.builtin.set_fact:
    results: "{{ results + (batch | novaops.migration.migration_records(plan=pending, started=clock)) }}"
'''

RETURN = r'''
_value:
  description: The report entries, one per attempted server, in order.
  type: list
  elements: dict
'''

import time

from ansible_collections.novaops.migration.plugins.module_utils.report.entries import migration_records as _records


def migration_records(result, plan, started):
    return _records(result, plan, started, time.time())


class FilterModule(object):
    def filters(self):
        return {'migration_records': migration_records}
