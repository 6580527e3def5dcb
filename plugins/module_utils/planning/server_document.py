# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Nova server body as the filter and the planner see it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def server_document(body, pinned_known=True):
    """Normalize a Nova server JSON object into the document the filter and the planner use."""
    body = body or {}
    flavor = body.get('flavor') if isinstance(body.get('flavor'), dict) else {}
    fault = body.get('fault') if isinstance(body.get('fault'), dict) else {}
    doc = {
        'id': body.get('id'),
        'name': body.get('name'),
        'status': (body.get('status') or '').upper() or None,
        'host': body.get('OS-EXT-SRV-ATTR:host'),
        'hypervisor_hostname': body.get('OS-EXT-SRV-ATTR:hypervisor_hostname'),
        'vm_state': body.get('OS-EXT-STS:vm_state'),
        'task_state': body.get('OS-EXT-STS:task_state'),
        'power_state': body.get('OS-EXT-STS:power_state'),
        'locked': bool(body.get('locked')),
        'locked_reason': body.get('locked_reason'),
        'availability_zone': body.get('OS-EXT-AZ:availability_zone'),
        'project_id': body.get('tenant_id') or body.get('project_id'),
        'user_id': body.get('user_id'),
        'metadata': body.get('metadata') or {},
        'tags': body.get('tags') or [],
        'key_name': body.get('key_name'),
        'created': body.get('created'),
        'fault': fault.get('message'),
        'flavor': {
            'name': flavor.get('original_name') or flavor.get('name'),
            'id': flavor.get('id'),
            'vcpus': flavor.get('vcpus'),
            'ram': flavor.get('ram'),
            'disk': flavor.get('disk'),
            'ephemeral': flavor.get('ephemeral'),
            'swap': flavor.get('swap'),
        },
    }
    if pinned_known:
        doc['pinned_availability_zone'] = body.get('pinned_availability_zone')
    return doc
