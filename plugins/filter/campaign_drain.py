# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaign_drain
short_description: What the drain of a campaign step did to each of its hosts
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - For each host, the servers the campaign sent away (with where they went and how), the servers still on it,
    and why it is not drained. A host is drained only when, read again after the drain, it holds no server but
    those the plan leaves there, and none of its migrations failed.
options:
  _input:
    description: The hosts being drained.
    type: list
    elements: str
    required: true
  moves:
    description: The step's planned moves (the sequence items were built from those of the draining hosts).
    type: list
    elements: dict
    required: true
  skipped:
    description: The step's skipped servers (they may stay when O(require_empty=false)).
    type: list
    elements: dict
  results:
    description: The results of M(novaops.migration.server_migrate_sequence).
    type: list
    elements: dict
  hosts_after:
    description: M(novaops.migration.compute_host_info) entries of the hosts, read with servers after the drain.
    type: list
    elements: dict
  require_empty:
    description: Whether a skipped server on the host makes it not drained.
    type: bool
    default: true
  state:
    description: The campaign state, whose earlier record of each host's servers is merged in.
    type: dict
  earlier:
    description: The step's C(earlier) servers (moved off its hosts by an interrupted run before it recorded them).
    type: list
    elements: dict
'''

EXAMPLES = r'''
- name: Work out which hosts are empty
  ansible.builtin.set_fact:
    drained: "{{ hosts | novaops.migration.campaign_drain(moves=step.moves, results=drain.results, hosts_after=after.hosts) }}"
'''

RETURN = r'''
_value:
  description: Per host, C(servers), C(remaining) and C(problem) (null when drained).
  type: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_progress


def campaign_drain(draining, moves, skipped=None, results=None, hosts_after=None, require_empty=True, state=None,
                   earlier=None):
    return campaign_progress.drain_outcome(draining, moves, skipped, results, hosts_after, require_empty=require_empty,
                                           state=state, earlier=earlier)


class FilterModule(object):
    def filters(self):
        return {'campaign_drain': campaign_drain}
