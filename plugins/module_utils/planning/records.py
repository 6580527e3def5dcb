# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a host's migration records say: migrations left unfinished (to resume) and servers moved away since a time."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.planning.timestamps import parse_time


# Clock margin when comparing the controller's marker time with the cloud's timestamps.
CLOCK_MARGIN = datetime.timedelta(seconds=60)


def is_running_migration(record):
    mtype = record.get('migration_type')
    status = record.get('status')
    if mtype in (nova.COLD,):
        return status in nova.IN_PROGRESS[nova.COLD]
    if mtype in (nova.LIVE,):
        return status in nova.IN_PROGRESS[nova.LIVE]
    return False


def _unfinished(records, wanted):
    """Cold/live migrations for which ``wanted(record)`` holds, still running or waiting in VERIFY_RESIZE.

    One record per server, the newest.
    """
    result = {}
    for record in sorted(records or [], key=_record_key, reverse=True):
        if record.get('migration_type') not in (nova.COLD, nova.LIVE) or not wanted(record):
            continue
        awaiting = record.get('migration_type') in (nova.COLD,) and record.get('status') in nova.AWAITING_CONFIRM
        if not (awaiting or is_running_migration(record)):
            continue
        server_id = record.get('server_id') or record.get('instance_uuid')
        if server_id and server_id not in result:
            result[server_id] = record
    return result


def unfinished_from(records, host):
    """Unfinished cold/live migrations away from ``host`` (see :func:`_unfinished`)."""
    return _unfinished(records, lambda record: record.get('source_compute') == host)


def unfinished_to(records, host):
    """Unfinished cold/live migrations onto ``host`` from another host (see :func:`_unfinished`)."""
    return _unfinished(records, lambda record: record.get('dest_compute') == host
                       and record.get('source_compute') != host)


def _record_key(record):
    ident = record.get('id')
    return (record.get('created_at') or '', ident if isinstance(ident, int) else 0)


def moved_since(records, host, since):
    """Successful cold/live migrations away from ``host`` created at or after ``since`` (the newest per server)."""
    since_time = parse_time(since)
    if since_time is None:
        return {}
    since_time -= CLOCK_MARGIN
    result = {}
    for record in sorted(records or [], key=_record_key, reverse=True):
        if record.get('source_compute') != host or record.get('status') not in nova.ANY_SUCCESS:
            continue
        if record.get('migration_type') not in (nova.COLD, nova.LIVE):
            continue
        created = parse_time(record.get('created_at'))
        if created is None or created < since_time:
            continue
        server_id = record.get('server_id') or record.get('instance_uuid')
        if server_id and server_id not in result:
            result[server_id] = record
    return result


def migration_brief(record):
    if not record:
        return None
    return {
        'id': record.get('id'),
        'uuid': record.get('uuid'),
        'type': record.get('migration_type'),
        'status': record.get('status'),
        'source_compute': record.get('source_compute'),
        'dest_compute': record.get('dest_compute'),
        'created_at': record.get('created_at'),
        'updated_at': record.get('updated_at'),
    }
