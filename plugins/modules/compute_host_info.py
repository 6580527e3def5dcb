#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: compute_host_info
short_description: Facts about OpenStack compute hosts (service, hypervisor, capacity, servers)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Returns one entry per compute host (C(nova-compute) service) with its service status, its hypervisor,
    its capacity and how many servers it runs, optionally with the list of those servers.
  - Capacity comes from Placement (resource provider UUID = hypervisor ID at microversion 2.53 and later), where
    C(total) is C((inventory - reserved) * allocation_ratio) as the scheduler sees it. On clouds without a reachable
    Placement endpoint the hypervisor statistics are used, which exist only below microversion 2.88 and ignore
    allocation ratios; otherwise capacity is null.
  - A name in O(host) that is not the host of a C(nova-compute) service fails the task, with similar host names and
    the list of compute hosts (a typo would otherwise look like a host with nothing on it). Filters that match no
    host (O(zone), O(enabled_only)) give an empty list.
options:
  enabled_only:
    description:
      - Only hosts whose compute service is enabled.
    type: bool
    default: false
  host:
    description:
      - Only these hosts (exact names). A single name or a list. Each must be a compute host.
    type: list
    elements: str
  with_capacity:
    description:
      - Read the hypervisors and Placement for each host's capacity and server count.
      - V(false) reads the compute services only (and the servers with O(with_servers=true)), in one request instead
        of two plus several per host, for example to poll a service until it is back after a reboot.
    type: bool
    default: true
  with_servers:
    description:
      - Also list the servers of each host (one extra request per host).
    type: bool
    default: false
  zone:
    description:
      - Only hosts in this availability zone.
    type: str
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Read-only module; runs normally in check mode.
    support: full
'''

EXAMPLES = r'''
- name: Facts of all enabled compute hosts in zone nova
  novaops.migration.compute_host_info:
    cloud: mycloud
    zone: nova
    enabled_only: true
  register: hosts

- name: Pick the enabled host with the most free RAM
  ansible.builtin.set_fact:
    target_host: "{{ (hosts.hosts | selectattr('capacity', 'truthy') | sort(attribute='capacity.memory_mb.free') | last).host }}"

- name: Servers on compute-1
  novaops.migration.compute_host_info:
    host: compute-1
    with_servers: true
'''

RETURN = r'''
hosts:
  description: One entry per compute host, sorted by host name.
  returned: always
  type: list
  elements: dict
  contains:
    host:
      description: Host name of the compute service.
      type: str
    zone:
      description: Availability zone.
      type: str
    service:
      description: The nova-compute service (id, status, state, disabled_reason, forced_down, zone, updated_at).
      type: dict
    hypervisor:
      description:
        - The hypervisor of the host (id, hostname, state, status, type, host_ip), null if none is reported or with
          O(with_capacity=false).
      type: dict
    capacity:
      description:
        - Capacity with keys C(vcpus), C(memory_mb) and C(disk_gb), each a dict with C(total), C(used), C(free),
          C(physical), C(reserved) and C(allocation_ratio); plus C(source) (V(placement) or V(hypervisor)).
        - Null when neither Placement nor hypervisor statistics are available, and with O(with_capacity=false).
      type: dict
    server_count:
      description: Number of servers on the host (null when unknown, or with O(with_capacity=false) and no O(with_servers)).
      type: int
    servers:
      description: Servers on the host (id, name, status, project_id, flavor with vcpus/ram/disk).
      returned: when O(with_servers=true)
      type: list
      elements: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.host_facts import read_host_facts


class ComputeHostInfoModule(NovaOpsModule):
    argument_spec = dict(
        enabled_only=dict(type='bool', default=False),
        host=dict(type='list', elements='str'),
        with_capacity=dict(type='bool', default=True),
        with_servers=dict(type='bool', default=False),
        zone=dict(type='str'),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        p = self.params
        val.check_named_list('host', p['host'], 'Give exact compute host names, or leave host out (omit) to describe '
                             'every host.')
        self.exit_json(hosts=read_host_facts(self.compute, self.versions, self.placement_proxy, p['host'], p['zone'],
                                             p['enabled_only'], p['with_servers'], step=self.set_step,
                                             with_capacity=p['with_capacity']))


def main():
    module = ComputeHostInfoModule()
    module()


if __name__ == '__main__':
    main()
