# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about compute hosts: service, hypervisor, capacity (Placement, else hypervisor stats), server count.

Shared by M(compute_host_info), which returns them, and M(migration_plan), which checks capacity with them
without a module call of its own.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import hosts as hst
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import host_checks
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers, looks_like_uuid


def _unnamed(_step):
    return None


def read_host_facts(compute, versions, placement=None, hosts=None, zone=None, enabled_only=False, with_servers=False,
                    step=_unnamed, with_capacity=True):
    """One entry per selected nova-compute service.

    :param compute: the openstacksdk compute proxy; ``versions``: the cloud's microversion range.
    :param placement: a callable returning the placement proxy, or None when the cloud has none (asked once, only
        when a hypervisor is found); without it capacity comes from the hypervisor statistics.
    :param step: called with the name of each step, so that a failure says what was being read.
    :param with_capacity: False reads neither the hypervisors nor Placement (``hypervisor``, ``capacity`` and, without
        ``with_servers``, ``server_count`` are None): a caller that polls a service needs one request, not several.
    """
    step('listing compute services')
    services = hst.list_services(compute, versions)
    # A host name that exists nowhere would otherwise look like a host with nothing on it.
    host_checks.check_hosts_exist(hosts, services)
    selected = hst.select_services(services, hosts, zone, enabled_only)
    if not selected:
        return []

    hypervisors = {}
    if with_capacity:
        step('listing hypervisors')
        hypervisors = hst.hypervisors_by_host(hst.list_hypervisors(compute, versions, with_servers=True))
    proxy = None
    placement_broken = False
    result = []
    for service in selected:
        host = service['host']
        hypervisor = (hypervisors.get(host) or [None])[0]
        capacity = None
        if hypervisor is not None and not placement_broken:
            if proxy is None:
                proxy = placement() if placement is not None else None
                placement_broken = proxy is None
            if proxy is not None:
                step('reading Placement for %s' % host)
                capacity, placement_broken = placement_capacity(proxy, hypervisor)
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
            'server_count': server_count(hypervisor, versions.max >= mv.V_SERVICE_UUID) if with_capacity else None,
        }
        if with_servers:
            step('listing the servers of %s' % host)
            servers = list_servers(compute, mv.choose_server_read(versions), {'host': host})
            entry['servers'] = [hst.server_summary(s) for s in servers]
            entry['server_count'] = len(entry['servers'])
        result.append(entry)
    step(None)
    return result


def server_count(hypervisor, asked_for_servers):
    """Servers on the hypervisor: the ``servers`` list (with_servers, >= 2.53; absent means none
    before 2.75), else ``running_vms`` (below 2.88)."""
    if hypervisor is None:
        return None
    if isinstance(hypervisor.get('servers'), list):
        return len(hypervisor['servers'])
    if hypervisor.get('running_vms') is not None:
        return hypervisor['running_vms']
    return 0 if asked_for_servers else None


def placement_capacity(placement, hypervisor):
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
