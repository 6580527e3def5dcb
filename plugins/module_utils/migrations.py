# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Nova migration records: normalization and lookup (the status vocabulary is in nova.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body

_COUNTERS = ('memory_total_bytes', 'memory_processed_bytes', 'memory_remaining_bytes',
             'disk_total_bytes', 'disk_processed_bytes', 'disk_remaining_bytes')


def derive_type(record):
    """Nova's ``migration_type``, or what can be derived without it (microversions below 2.23).

    Different flavors can only be a resize; equal flavors may be a cold
    migration, a live migration or an evacuation, so the type stays unknown.
    """
    value = record.get('migration_type')
    if value:
        return value
    old, new = record.get('old_instance_type_id'), record.get('new_instance_type_id')
    if old is not None and new is not None and old != new:
        return nova.RESIZE
    status = record.get('status')
    for mtype, statuses in nova.TYPE_ONLY_STATUSES:
        if status in statuses:
            return mtype
    return None


def normalize(record):
    """Normalize an ``/os-migrations`` or ``/servers/{id}/migrations`` item.

    Keeps Nova's field names (``migration_type`` keeps Nova's value) and adds
    ``type`` (``migration`` shown as ``cold-migration``), ``server_id``,
    ``in_progress`` and ``unfinished``.
    """
    record = record or {}
    mtype = derive_type(record)
    if mtype is None and 'server_uuid' in record:
        # /servers/{id}/migrations only ever lists live migrations.
        mtype = nova.LIVE
    status = record.get('status')
    result = {
        'id': record.get('id'),
        'uuid': record.get('uuid'),
        'migration_type': mtype,
        'type': nova.TYPE_NAMES.get(mtype, mtype),
        'status': status,
        'in_progress': nova.is_in_progress(mtype, status),
        'unfinished': nova.is_unfinished(mtype, status),
        'server_id': record.get('instance_uuid') or record.get('server_uuid'),
        'source_compute': record.get('source_compute'),
        'source_node': record.get('source_node'),
        'dest_compute': record.get('dest_compute'),
        'dest_node': record.get('dest_node'),
        'dest_host': record.get('dest_host'),
        'old_instance_type_id': record.get('old_instance_type_id'),
        'new_instance_type_id': record.get('new_instance_type_id'),
        'created_at': record.get('created_at'),
        'updated_at': record.get('updated_at'),
        'user_id': record.get('user_id'),
        'project_id': record.get('project_id'),
    }
    for counter in _COUNTERS:
        if counter in record:
            result[counter] = record.get(counter)
    return result


def summary(migration):
    """The short form modules return as ``migration``."""
    if not migration:
        return None
    keys = ('id', 'uuid', 'type', 'migration_type', 'status', 'in_progress', 'source_compute', 'dest_compute',
            'created_at', 'updated_at')
    return {k: migration.get(k) for k in keys}


def sort_key(migration):
    """Newest first: Nova's own order at >= 2.59 is created_at desc, id desc."""
    ident = migration.get('id')
    return (migration.get('created_at') or '', ident if isinstance(ident, int) else 0)


def newest(migrations, migration_type=None, statuses=None):
    """The newest record (optionally of one Nova type / with one of ``statuses``), or None."""
    candidates = [m for m in migrations
                  if (migration_type is None or m.get('migration_type') == migration_type)
                  and (statuses is None or m.get('status') in statuses)]
    if not candidates:
        return None
    return sorted(candidates, key=sort_key, reverse=True)[0]


def list_for_server(compute, versions, server_id, migration_type=None):
    """All migration records of one server via ``GET /os-migrations?instance_uuid=`` (released Nova).

    openstacksdk ``migrations`` (``server_id`` is sent as ``instance_uuid``),
    at the microversion :func:`~microversion.choose_migration_lookup` picks,
    following the pages to the end.
    """
    query = {'server_id': server_id}
    if migration_type:
        query['migration_type'] = migration_type
    version = mv.choose_migration_lookup(versions)
    records = [nova_body(m) for m in compute.migrations(microversion=version, **query)]
    if migration_type:
        # Nova filters on migration_type at every microversion but shows the
        # field only from 2.23: fill it in from the filter.
        records = [r if r.get('migration_type') else dict(r, migration_type=migration_type) for r in records]
    # Some clouds ignore unknown filters below 2.59; filter again client-side.
    result = [normalize(r) for r in records]
    result = [m for m in result if m['server_id'] in (None, server_id)]
    if migration_type:
        result = [m for m in result if m['migration_type'] in (None, migration_type)]
    return sorted(result, key=sort_key, reverse=True)


def live_in_progress(compute, versions, server_id):
    """In-progress live migrations from ``GET /servers/{id}/migrations`` (with progress counters).

    openstacksdk ``server_migrations`` (up to 2.80, the last version that
    changed this view); below 2.23 :class:`CloudTooOld` is raised first.
    """
    mv.choose_server_migrations(versions)
    return [normalize(nova_body(r)) for r in compute.server_migrations(server_id)]


def newest_id(api, versions):
    """Id of the newest migration record of the whole cloud (0 when there is none), or None below 2.59.

    One ``GET /os-migrations?limit=1`` at 2.59, which sorts newest first.  Raw on the SDK's session: the
    SDK's ``migrations()`` would follow the pages with an integer marker that Nova rejects.  Records created
    later have higher ids, so this is a watermark that tells a run's own records from earlier ones.
    """
    if versions.max < mv.V_MIGRATION_PAGING or versions.min > mv.V_MIGRATION_PAGING:
        return None
    body = api.get('/os-migrations', microversion=mv.fmt(mv.V_MIGRATION_PAGING), params={'limit': 1})
    records = (body or {}).get('migrations') or []
    ident = records[0].get('id') if records else 0
    return ident if isinstance(ident, int) else None


def by_id(migrations, migration_id):
    """Find a record by integer id or by uuid."""
    text = str(migration_id)
    for m in migrations:
        if str(m.get('id')) == text or (m.get('uuid') and m.get('uuid') == text):
            return m
    return None
