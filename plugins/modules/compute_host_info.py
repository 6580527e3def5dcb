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
  - Never fails because a host was not found; the result is then an empty list.
options:
  enabled_only:
    description:
      - Only hosts whose compute service is enabled.
    type: bool
    default: false
  host:
    description:
      - Only these hosts (exact names). A single name or a list.
    type: list
    elements: str
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
      description: The hypervisor of the host (id, hostname, state, status, type, host_ip), null if none is reported.
      type: dict
    capacity:
      description:
        - Capacity with keys C(vcpus), C(memory_mb) and C(disk_gb), each a dict with C(total), C(used), C(free),
          C(physical), C(reserved) and C(allocation_ratio); plus C(source) (V(placement) or V(hypervisor)).
        - Null when neither Placement nor hypervisor statistics are available.
      type: dict
    server_count:
      description: Number of servers on the host (null when unknown).
      type: int
    servers:
      description: Servers on the host (id, name, status, project_id, flavor with vcpus/ram/disk).
      returned: when O(with_servers=true)
      type: list
      elements: dict
'''

from ansible_collections.novaops.migration.plugins.module_utils import hosts as hst
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers, looks_like_uuid


class ComputeHostInfoModule(NovaOpsModule):
    argument_spec = dict(
        enabled_only=dict(type='bool', default=False),
        host=dict(type='list', elements='str'),
        with_servers=dict(type='bool', default=False),
        zone=dict(type='str'),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        p = self.params
        self.step = 'listing compute services'
        services = hst.list_services(self.api, self.versions)
        selected = hst.select_services(services, p['host'], p['zone'], p['enabled_only'])
        if not selected:
            return self.exit_json(hosts=[])

        self.step = 'listing hypervisors'
        hypervisors = hst.hypervisors_by_host(hst.list_hypervisors(self.api, self.versions, with_servers=True))
        placement = None
        placement_broken = False
        result = []
        for service in selected:
            host = service['host']
            hypervisor = (hypervisors.get(host) or [None])[0]
            capacity = None
            if hypervisor is not None and not placement_broken:
                if placement is None:
                    placement = self.placement_proxy()
                    placement_broken = placement is None
                if placement is not None:
                    self.step = 'reading Placement for %s' % host
                    capacity, placement_broken = self._placement_capacity(placement, hypervisor)
            if capacity is None:
                capacity = hst.capacity_from_hypervisor(hypervisor)
                if capacity is not None:
                    capacity['source'] = 'hypervisor'
            entry = {
                'host': host,
                'zone': service.get('zone'),
                'service': service,
                'hypervisor': hst.normalize_hypervisor(hypervisor) if hypervisor is not None else None,
                'capacity': capacity,
                'server_count': self._count(hypervisor, self.versions.max >= mv.V_SERVICE_UUID),
            }
            if p['with_servers']:
                self.step = 'listing the servers of %s' % host
                servers = list_servers(self.api, mv.choose_server_read(self.versions), {'host': host})
                entry['servers'] = [hst.server_summary(s) for s in servers]
                entry['server_count'] = len(entry['servers'])
            result.append(entry)
        self.exit_json(hosts=result)

    @staticmethod
    def _count(hypervisor, asked_for_servers):
        """Servers on the hypervisor: the ``servers`` list (with_servers, >= 2.53; absent means none
        before 2.75), else ``running_vms`` (below 2.88)."""
        if hypervisor is None:
            return None
        if isinstance(hypervisor.get('servers'), list):
            return len(hypervisor['servers'])
        if hypervisor.get('running_vms') is not None:
            return hypervisor['running_vms']
        return 0 if asked_for_servers else None

    @staticmethod
    def _placement_capacity(placement, hypervisor):
        """Returns ``(capacity or None, placement_unusable)`` from the openstacksdk placement proxy.

        The resource provider UUID is the hypervisor ID from microversion 2.53;
        with older (integer) IDs the provider is looked up by the node name.
        """
        try:
            provider = str(hypervisor.get('id'))
            if not looks_like_uuid(provider):
                providers = list(placement.resource_providers(name=hypervisor.get('hypervisor_hostname')))
                if len(providers) != 1:
                    return None, False
                provider = providers[0].id
            inventories = dict((inv.resource_class, nova_body(inv))
                               for inv in placement.resource_provider_inventories(provider))
            usages = placement.fetch_resource_provider_usages(provider).usages
        except Exception as exc:  # pylint: disable=broad-except
            status = getattr(exc, 'status_code', None)
            # 404: this provider is unknown, other hosts may still work; anything else: stop using Placement.
            return None, status != 404
        capacity = hst.capacity_from_placement(inventories, usages)
        capacity['source'] = 'placement'
        return capacity, False


def main():
    module = ComputeHostInfoModule()
    module()


if __name__ == '__main__':
    main()
