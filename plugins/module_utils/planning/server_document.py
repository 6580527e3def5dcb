# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Nova server body as the filter and the planner see it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.servers import view_from_api


def server_document(body, pinned_known=True):
    """The document the filter and the planner use: the server as :func:`~servers.view_from_api` reads Nova's body,
    plus the keys an operator filters on (metadata, tags, key_name, created) and the flavor's sizes."""
    body = body or {}
    view = view_from_api(body)
    flavor = body.get('flavor') if isinstance(body.get('flavor'), dict) else {}
    doc = {
        'id': view.id,
        'name': view.name,
        'status': view.status,
        'host': view.host,
        'hypervisor_hostname': view.hypervisor_hostname,
        'vm_state': view.vm_state,
        'task_state': view.task_state,
        'power_state': view.power_state,
        'locked': view.locked,
        'locked_reason': view.locked_reason,
        'availability_zone': view.availability_zone,
        'project_id': view.project_id,
        'user_id': view.user_id,
        'metadata': body.get('metadata') or {},
        'tags': body.get('tags') or [],
        'key_name': body.get('key_name'),
        'created': body.get('created'),
        'fault': view.fault,
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
    # Shown from microversion 2.47 to those the flavor-extra-specs policy lets read them (admin by default); absent
    # otherwise, which the planner reports instead of claiming that nothing blocks a live migration.
    if isinstance(flavor.get('extra_specs'), dict):
        doc['flavor']['extra_specs'] = dict(flavor['extra_specs'])
    if pinned_known:
        doc['pinned_availability_zone'] = view.pinned_availability_zone
    return doc
