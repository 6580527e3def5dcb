# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_failed
short_description: Whether a host failed in this run of a campaign
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - True when the campaign state records a failure for the host (it then stays where it is).
options:
  _input:
    description: The compute host name.
    type: str
    required: true
  state:
    description: The campaign state.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Hosts that have not failed
  ansible.builtin.debug:
    msg: "{{ hosts | reject('novaops.migration.campaign_failed', state) }}"
'''

RETURN = r'''
_value:
  description: Whether the host failed.
  type: bool
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_failed(host, state):
    return campaign_progress.failed(host, state)


class TestModule(object):
    def tests(self):
        return {'campaign_failed': campaign_failed}
