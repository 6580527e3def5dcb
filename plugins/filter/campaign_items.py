# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_items
short_description: server_migrate_sequence items for the planned moves of a campaign step
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Each item names the server by id, its source host (so a rerun never moves a server twice), the planned
    destination, and the anti-affinity key of its server group (members are never in flight together).
  - Used by the P(novaops.migration.compute_maintenance#role) role.
options:
  _input:
    description: The C(moves) of a step of M(novaops.migration.campaign_plan)'s plan.
    type: list
    elements: dict
    required: true
'''

EXAMPLES = r'''
- name: Empty the hosts of a step
  novaops.migration.server_migrate_sequence:
    servers: "{{ step.moves | novaops.migration.campaign_items }}"
'''

RETURN = r'''
_value:
  description: The items, in the order of the moves.
  type: list
  elements: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_items(moves):
    return campaign_progress.sequence_items(moves)


class FilterModule(object):
    def filters(self):
        return {'campaign_items': campaign_items}
