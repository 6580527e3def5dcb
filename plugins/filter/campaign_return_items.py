# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_return_items
short_description: server_migrate_sequence items that bring the servers of maintained hosts home
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Each server the campaign moved off one of the hosts goes back from where the campaign put it, the way it
    left. A server that has moved on since is left alone (its item names the host it should be on).
options:
  _input:
    description: The hosts whose servers come home.
    type: list
    elements: str
    required: true
  state:
    description: The campaign state (its record of each host's servers).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Bring the servers home
  novaops.migration.server_migrate_sequence:
    servers: "{{ hosts | novaops.migration.campaign_return_items(state) }}"
'''

RETURN = r'''
_value:
  description: The items.
  type: list
  elements: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_return_items(hosts, state):
    return campaign_progress.return_items(hosts, state)


class FilterModule(object):
    def filters(self):
        return {'campaign_return_items': campaign_return_items}
