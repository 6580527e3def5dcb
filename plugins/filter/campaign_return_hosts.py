# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_return_hosts
short_description: The hosts of a campaign whose servers are still to come home
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Hosts that are done but whose servers are not all home (an earlier run finished them without bringing them back,
    or bringing some back failed), the host finished last first, because the servers of later hosts may sit on
    earlier ones and must leave before those take their own back.
options:
  _input:
    description: The campaign state (its record of each host's servers).
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Bring home the servers an earlier run left away, one host at a time
  ansible.builtin.debug:
    msg: "{{ state | novaops.migration.campaign_return_hosts }}"
'''

RETURN = r'''
_value:
  description: The host names, in the order their servers should come home.
  type: list
  elements: str
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_return_hosts(state):
    return campaign_progress.hosts_to_return(state)


class FilterModule(object):
    def filters(self):
        return {'campaign_return_hosts': campaign_return_hosts}
