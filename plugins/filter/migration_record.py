# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: migration_record
short_description: Turn one server_migrate result into a report entry with its progress line
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the P(novaops.migration.host_evacuation#role) and P(novaops.migration.host_restore#role) roles after each
    M(novaops.migration.server_migrate) call. Works for a success (the registered result) and for a failure
    (C(ansible_failed_result)).
  - "The entry has the original host, the destination, the migration id and status, the start and end times, the
    elapsed seconds, the outcome (V(moved), V(already_moved) or V(failed)) with its reason, and C(progress), the line
    C([i/N] name: src -> dst (12.3 s))."
options:
  _input:
    description: The result of the M(novaops.migration.server_migrate) task.
    type: dict
    required: true
  server:
    description: The plan entry of the server (an item of C(plan.actions) from M(novaops.migration.migration_plan)).
    type: dict
    required: true
  started:
    description: Epoch seconds when the server's turn began.
    type: float
    required: true
  finished:
    description: Epoch seconds when it ended.
    type: float
    required: true
'''

EXAMPLES = r'''
- name: Record the migration
  ansible.builtin.set_fact:
    results: "{{ results + [migrated | novaops.migration.migration_record(server=item, started=clock, finished=now().timestamp())] }}"
'''

RETURN = r'''
_value:
  description: The report entry.
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.evacuation_report import migration_record as _record


def migration_record(result, server, started, finished):
    return _record(result, server, started, finished)


class FilterModule(object):
    def filters(self):
        return {'migration_record': migration_record}
