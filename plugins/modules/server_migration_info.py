#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: server_migration_info
short_description: List OpenStack server migrations (cold, resize, live, evacuation)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Lists migration records cloud-wide from C(GET /os-migrations), following the pages to the end unless O(limit) is set.
  - For one server (O(server)) every migration type is listed through C(/os-migrations?instance_uuid=), which works
    on released Nova, and live migrations in progress get their memory and disk progress counters from
    C(/servers/{id}/migrations).
  - Each record keeps Nova's field names and gains C(type) (Nova's C(migration) shown as C(cold-migration)),
    C(server_id), C(in_progress) and C(unfinished).
  - To ask whether anything is stuck, filter on O(unfinished), not O(in_progress). A cold migration or resize waiting
    for confirmation (record C(finished), server C(VERIFY_RESIZE)) is not in progress as Nova defines it, but it is
    not over either.
  - A O(server) that does not exist gives an empty list. A O(host) that is not the host of a C(nova-compute) service
    fails the task, with similar host names and the list of compute hosts, unless migration records name it (a
    host whose service was deleted since); a typo would otherwise read as a host without migrations.
  - Invalid filters (unknown type, malformed date, O(changes_before) earlier than O(changes_since)) fail before any API call.
  - The lowest microversion that supports the requested filters is used (2.59 for O(changes_since), O(limit) and
    O(uuid); 2.66 for O(changes_before); 2.80 for O(project_id) and O(user_id)); 2.59 is preferred when available
    because it sorts newest first, shows C(uuid) and pages. A cloud too old for a filter fails with a clear message.
options:
  changes_before:
    description:
      - Only migrations updated at or before this ISO 8601 time, for example C(2026-01-31T12:00:00Z). Needs microversion 2.66.
    type: str
  changes_since:
    description:
      - Only migrations updated at or after this ISO 8601 time. Needs microversion 2.59.
    type: str
  host:
    description:
      - Only migrations whose source or destination compute host is this host (exact match).
    type: str
  id:
    description:
      - Only the migration with this integer ID.
    type: int
  in_progress:
    description:
      - V(true) keeps only migrations in progress, V(false) only finished ones. Unset keeps both.
      - In progress means, per type, C(pre-migrating), C(migrating), C(post-migrating), C(confirming),
        C(reverting) (cold migration and resize); C(accepted), C(queued), C(preparing), C(running),
        C(post-migrating) (live migration); C(accepted), C(pre-migrating) (evacuation).
      - This is Nova's definition, which leaves out a cold migration or resize waiting for confirmation in
        C(finished); O(unfinished) includes it.
    type: bool
  limit:
    description:
      - Return at most this many records (newest first). Needs microversion 2.59.
    type: int
  migration_type:
    description:
      - Only migrations of this type. V(cold-migration) is accepted as an alias of Nova's V(migration).
    type: str
    choices: [migration, cold-migration, resize, live-migration, evacuation]
  project_id:
    description:
      - Only migrations of servers of this project. Needs microversion 2.80.
    type: str
  server:
    description:
      - Name or ID of a server; only its migrations are listed. A server that does not exist gives an empty list.
    type: str
  status:
    description:
      - Only migrations with this status, for example C(running), C(finished), C(confirmed), C(error).
    type: str
  unfinished:
    description:
      - V(true) keeps only unfinished migrations, V(false) only the others. Unset keeps both.
      - Unfinished means in progress (see O(in_progress)), or a cold migration or resize in C(finished) that waits
        for confirmation (the server is in C(VERIFY_RESIZE) and holds resources on both hosts).
    type: bool
  user_id:
    description:
      - Only migrations started by this user. Needs microversion 2.80.
    type: str
  uuid:
    description:
      - Only the migration with this UUID. Needs microversion 2.59.
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
- name: All migrations of one server
  novaops.migration.server_migration_info:
    cloud: mycloud
    server: web-1
  register: result

- name: Live migrations currently running on compute-1
  novaops.migration.server_migration_info:
    host: compute-1
    migration_type: live-migration
    in_progress: true

- name: Is anything on compute-1 not over yet (running, or waiting for confirmation)?
  novaops.migration.server_migration_info:
    host: compute-1
    unfinished: true
  register: unfinished

- name: Cold migrations of the last day that failed
  novaops.migration.server_migration_info:
    migration_type: cold-migration
    status: error
    changes_since: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400) }}"
'''

RETURN = r'''
migrations:
  description: Migration records, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Integer ID of the record.
      type: int
    uuid:
      description: UUID of the record (microversion 2.59 and later, else null).
      type: str
    type:
      description: Migration type with Nova's C(migration) shown as C(cold-migration).
      type: str
    migration_type:
      description: Nova's migration type (C(migration), C(resize), C(live-migration), C(evacuation)).
      type: str
    status:
      description: Status of the record.
      type: str
    in_progress:
      description: Whether the status counts as in progress for this migration type (Nova's definition).
      type: bool
    unfinished:
      description:
        - Whether the migration is not over. In progress, or a cold migration or resize in C(finished) that waits
          for confirmation (server in C(VERIFY_RESIZE)).
      type: bool
    server_id:
      description: ID of the migrated server.
      type: str
    source_compute:
      description: Source compute host.
      type: str
    source_node:
      description: Source hypervisor node.
      type: str
    dest_compute:
      description: Destination compute host.
      type: str
    dest_node:
      description: Destination hypervisor node.
      type: str
    dest_host:
      description: IP address of the destination host.
      type: str
    old_instance_type_id:
      description: Internal ID of the flavor before the migration.
      type: int
    new_instance_type_id:
      description: Internal ID of the flavor after the migration.
      type: int
    created_at:
      description: Creation time.
      type: str
    updated_at:
      description: Time of the last update.
      type: str
    user_id:
      description: User who started the migration (microversion 2.80, else null).
      type: str
    project_id:
      description: Project of the server (microversion 2.80, else null).
      type: str
    memory_total_bytes:
      description: Live migrations in progress of one O(server) only, memory to copy.
      type: int
      returned: when available
    memory_processed_bytes:
      description: Memory copied so far.
      type: int
      returned: when available
    memory_remaining_bytes:
      description: Memory left to copy.
      type: int
      returned: when available
    disk_total_bytes:
      description: Disk to copy.
      type: int
      returned: when available
    disk_processed_bytes:
      description: Disk copied so far.
      type: int
      returned: when available
    disk_remaining_bytes:
      description: Disk left to copy.
      type: int
      returned: when available
microversion:
  description: Compute API microversion used for the listing.
  returned: always
  type: str
  sample: '2.59'
'''

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import host_checks
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.hosts import list_services
from ansible_collections.novaops.migration.plugins.module_utils.servers import find_server


def validate_filters(params):
    """Check the filters without any API call; returns the normalized filters."""
    val.check_named('host', params.get('host'), 'Give the exact compute host name, or leave host out (omit) to list '
                    'the migrations of every host.')
    val.check_named('server', params.get('server'), 'Name the server (exact name or ID), or leave server out (omit) '
                    'to list the migrations of every server.')
    filters = {}
    mtype = params.get('migration_type')
    if mtype is not None:
        filters['migration_type'] = nova.nova_type(mtype)
        if filters['migration_type'] is None:
            raise ValidationError('Unknown migration_type %r; use one of %s.'
                                  % (mtype, ', '.join([*nova.NOVA_TYPES, 'cold-migration'])))
    since = before = None
    if params.get('changes_since') is not None:
        since = val.parse_iso8601(params['changes_since'], 'changes_since')
        filters['changes_since'] = since.isoformat()
    if params.get('changes_before') is not None:
        before = val.parse_iso8601(params['changes_before'], 'changes_before')
        filters['changes_before'] = before.isoformat()
    if since is not None and before is not None and before < since:
        raise ValidationError('changes_before (%s) is earlier than changes_since (%s); nothing could match.'
                              % (params['changes_before'], params['changes_since']))
    if params.get('limit') is not None and params['limit'] < 1:
        raise ValidationError('limit must be 1 or more, not %s.' % params['limit'])
    for key in ('host', 'status', 'project_id', 'user_id', 'uuid', 'limit', 'id'):
        if params.get(key) is not None:
            filters[key] = params[key]
    return filters


def query_params(filters):
    """Nova query parameters for /os-migrations from normalized filters."""
    mapping = (('host', 'host'), ('status', 'status'), ('migration_type', 'migration_type'),
               ('project_id', 'project_id'), ('user_id', 'user_id'),
               ('changes_since', 'changes-since'), ('changes_before', 'changes-before'),
               ('instance_uuid', 'instance_uuid'))
    return dict((api_name, filters[name]) for name, api_name in mapping if filters.get(name) is not None)


# Normalized filter name -> openstacksdk Migration query name (the SDK sends Nova's names).
SDK_QUERY_NAMES = (('host', 'host'), ('status', 'status'), ('migration_type', 'migration_type'),
                   ('project_id', 'project_id'), ('user_id', 'user_id'),
                   ('changes_since', 'changes_since'), ('changes_before', 'changes_before'),
                   ('instance_uuid', 'server_id'))


def sdk_query(filters):
    """openstacksdk ``migrations()`` arguments from normalized filters (same request as :func:`query_params`)."""
    return dict((sdk_name, filters[name]) for name, sdk_name in SDK_QUERY_NAMES if filters.get(name) is not None)


def select(records, filters, in_progress=None, unfinished=None):
    """Client-side filtering (id, uuid, in_progress, unfinished, and re-checks for clouds that ignore a filter)."""
    result = []
    for record in records:
        if filters.get('id') is not None and record.get('id') != filters['id']:
            continue
        if filters.get('uuid') is not None and record.get('uuid') != filters['uuid']:
            continue
        if filters.get('status') is not None and record.get('status') != filters['status']:
            continue
        if filters.get('migration_type') is not None and record.get('migration_type') not in (None, filters['migration_type']):
            continue
        if filters.get('host') is not None and filters['host'] not in (record.get('source_compute'), record.get('dest_compute')):
            continue
        if in_progress is not None and bool(record.get('in_progress')) != in_progress:
            continue
        if unfinished is not None and bool(record.get('unfinished')) != unfinished:
            continue
        result.append(record)
    return result


class ServerMigrationInfoModule(NovaOpsModule):
    argument_spec = dict(
        changes_before=dict(type='str'),
        changes_since=dict(type='str'),
        host=dict(type='str'),
        id=dict(type='int'),
        in_progress=dict(type='bool'),
        limit=dict(type='int'),
        migration_type=dict(type='str', choices=['migration', 'cold-migration', 'resize', 'live-migration', 'evacuation']),
        project_id=dict(type='str'),
        server=dict(type='str'),
        status=dict(type='str'),
        unfinished=dict(type='bool'),
        user_id=dict(type='str'),
        uuid=dict(type='str'),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        filters = validate_filters(self.params)
        version = mv.choose_migration_list(self.versions, filters)

        server = None
        if self.params.get('server'):
            self.step = 'looking up the server'
            server = find_server(self.compute, self.params['server'], mv.choose_server_read(self.versions),
                                 ignore_missing=True)
            if server is None:
                return self.exit_json(migrations=[], microversion=version)
            filters['instance_uuid'] = server.id

        self.step = 'listing migrations'
        # Client-side filters (id/uuid/in_progress) must see every page, so the
        # API limit is only used when nothing is filtered client-side.
        client_side = (any(filters.get(k) is not None for k in ('id', 'uuid'))
                       or self.params.get('in_progress') is not None or self.params.get('unfinished') is not None)
        api_limit = filters.get('limit') if not client_side else None
        if api_limit is None:
            raw = [nova_body(m) for m in self.compute.migrations(microversion=version, **sdk_query(filters))]
        else:
            # Raw: the SDK's migrations(limit=N) re-asks after a short page with the integer id as marker (Nova wants the uuid: HTTP 400).
            raw = self.api.get_all('/os-migrations', 'migrations', microversion=version,
                                   params=query_params(filters), limit=api_limit)
        if filters.get('migration_type'):
            # Nova filters on the type at every microversion but shows it only from 2.23.
            raw = [r if r.get('migration_type') else dict(r, migration_type=filters['migration_type']) for r in raw]
        records = sorted((mig.normalize(r) for r in raw), key=mig.sort_key, reverse=True)
        if server is not None:
            records = [r for r in records if r.get('server_id') in (None, server.id)]
            self._add_progress(server, records)
        host = filters.get('host')
        # A host named in migration records is known, even when its compute service has been deleted since.
        host_in_records = any(host in (r.get('source_compute'), r.get('dest_compute')) for r in records)
        records = select(records, filters, self.params.get('in_progress'), self.params.get('unfinished'))
        if filters.get('limit') is not None:
            records = records[:filters['limit']]
        if host is not None and not host_in_records:
            # Nothing there: make sure the host exists, or a typo would read as "no migration on this host".
            self.step = 'listing compute services'
            host_checks.check_hosts_exist([host], list_services(self.compute, self.versions))
        self.exit_json(migrations=records, microversion=version)

    def _add_progress(self, server, records):
        """Merge live-migration progress counters from /servers/{id}/migrations."""
        live = [r for r in records if r.get('migration_type') == nova.LIVE and r.get('status') in nova.LIVE_LISTED]
        if not live or self.versions.max < mv.V_SERVER_MIGRATIONS:
            return
        try:
            progress = mig.live_in_progress(self.compute, self.versions, server.id)
        except Exception:  # pylint: disable=broad-except
            # Progress is a bonus (policy may forbid it); the listing stands without it.
            return
        for record in live:
            match = mig.by_id(progress, record.get('id'))
            if not match:
                continue
            for key, value in match.items():
                if key.startswith('memory_') or key.startswith('disk_'):
                    record[key] = value


def main():
    module = ServerMigrationInfoModule()
    module()


if __name__ == '__main__':
    main()
