# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compute host facts: services, hypervisors and capacity (pure assembly + small fetch helpers)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.planning.server_document import server_document

RESOURCE_CLASSES = (('vcpus', 'VCPU'), ('memory_mb', 'MEMORY_MB'), ('disk_gb', 'DISK_GB'))


def normalize_service(service):
    service = service or {}
    return {
        'id': service.get('id'),
        'host': service.get('host'),
        'binary': service.get('binary'),
        'status': service.get('status'),
        'state': service.get('state'),
        'zone': service.get('zone'),
        'disabled_reason': service.get('disabled_reason'),
        'forced_down': service.get('forced_down'),
        'updated_at': service.get('updated_at'),
    }


def normalize_hypervisor(hypervisor):
    hypervisor = hypervisor or {}
    service = hypervisor.get('service') or {}
    return {
        'id': hypervisor.get('id'),
        'hostname': hypervisor.get('hypervisor_hostname'),
        'host': service.get('host'),
        'state': hypervisor.get('state'),
        'status': hypervisor.get('status'),
        'type': hypervisor.get('hypervisor_type'),
        'host_ip': hypervisor.get('host_ip'),
    }


def capacity_from_placement(inventories, usages):
    """Capacity per resource from Placement inventories and usages.

    total = (inventory total - reserved) * allocation_ratio, as the
    scheduler sees it; free = total - used.
    """
    result = {}
    for key, rc in RESOURCE_CLASSES:
        inv = (inventories or {}).get(rc)
        if not inv:
            result[key] = None
            continue
        physical = inv.get('total') or 0
        reserved = inv.get('reserved') or 0
        ratio = inv.get('allocation_ratio')
        ratio = 1.0 if ratio is None else float(ratio)
        total = int((physical - reserved) * ratio)
        used = int((usages or {}).get(rc) or 0)
        result[key] = {
            'physical': physical,
            'reserved': reserved,
            'allocation_ratio': ratio,
            'total': total,
            'used': used,
            'free': total - used,
        }
    return result


def capacity_from_hypervisor(hypervisor):
    """Capacity from the hypervisor statistics fields (only present below microversion 2.88).

    Returns None when the fields are absent.  These numbers ignore
    allocation ratios and reserved amounts.
    """
    if hypervisor is None or hypervisor.get('vcpus') is None:
        return None
    pairs = (('vcpus', 'vcpus', 'vcpus_used'), ('memory_mb', 'memory_mb', 'memory_mb_used'),
             ('disk_gb', 'local_gb', 'local_gb_used'))
    result = {}
    for key, total_key, used_key in pairs:
        total = hypervisor.get(total_key)
        used = hypervisor.get(used_key) or 0
        if total is None:
            result[key] = None
            continue
        result[key] = {
            'physical': total,
            'reserved': None,
            'allocation_ratio': None,
            'total': total,
            'used': used,
            'free': total - used,
        }
    return result


def select_services(services, hosts=None, zone=None, enabled_only=False, binary='nova-compute'):
    """Filter services: exact host names, zone, enabled only."""
    wanted = set(hosts) if hosts else None
    result = []
    for service in services:
        if service.get('binary') != binary:
            continue
        if wanted is not None and service.get('host') not in wanted:
            continue
        if zone is not None and service.get('zone') != zone:
            continue
        if enabled_only and service.get('status') != 'enabled':
            continue
        result.append(service)
    return sorted(result, key=lambda s: s.get('host') or '')


def hypervisors_by_host(hypervisors):
    index = {}
    for hypervisor in hypervisors:
        host = (hypervisor.get('service') or {}).get('host')
        if host is None:
            continue
        index.setdefault(host, []).append(hypervisor)
    return index


def server_summary(server):
    """Short server entry for compute_host_info ``servers``, from the same reading as the planner's document."""
    doc = server_document(server)
    return {'id': doc['id'], 'name': doc['name'], 'status': doc['status'], 'project_id': doc['project_id'],
            'flavor': dict((key, doc['flavor'][key]) for key in ('name', 'id', 'vcpus', 'ram', 'disk'))}


def list_services(compute, versions, host=None, binary='nova-compute'):
    """Compute services (openstacksdk ``services``) at :func:`~microversion.choose_services`' version, normalized."""
    query = {'binary': binary}
    if host:
        query['host'] = host
    services = compute.services(microversion=mv.choose_services(versions), **query)
    return [normalize_service(nova_body(s)) for s in services]


def list_hypervisors(compute, versions, with_servers=False):
    """Hypervisors with details (openstacksdk ``hypervisors``) as Nova's JSON objects, every page.

    ``with_servers`` is sent only from 2.53, where Nova knows it.
    """
    query = {}
    if with_servers and versions.max >= mv.V_SERVICE_UUID:
        query['with_servers'] = True
    hypervisors = compute.hypervisors(details=True, microversion=mv.choose_hypervisors(versions), **query)
    return [nova_body(h) for h in hypervisors]
