# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compute API microversion negotiation.

The cloud's range is discovered once per connection; each request then picks
its own microversion with the pure chooser functions below.  The versions
come from Nova's REST API version history (the compute API reference's
microversion notes for each action and list).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections

from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    CloudTooOld,
    ValidationError,
)

# Highest microversion whose request/response semantics this collection
# knows.  Requests never go above it, so a future microversion that changes
# a schema cannot break us.
KNOWN_MAX = (2, 104)

V_FORCED_DOWN = (2, 11)
V_FORCE_COMPLETE = (2, 22)
V_SERVER_MIGRATIONS = (2, 23)
V_ABORT = (2, 24)
V_BLOCK_AUTO = (2, 25)
V_LIVE_FORCE_MIN = (2, 30)
V_HYPERVISOR_PAGING = (2, 33)
V_EMBEDDED_FLAVOR = (2, 47)
V_SERVICE_UUID = (2, 53)
V_COLD_HOST = (2, 56)
V_MIGRATION_PAGING = (2, 59)
V_ABORT_QUEUED = (2, 65)
V_CHANGES_BEFORE = (2, 66)
V_LIVE_FORCE_MAX = (2, 67)
V_NO_FORCE = (2, 68)
V_MIGRATION_USER_PROJECT = (2, 80)
V_NO_HYPERVISOR_STATS = (2, 88)
V_PINNED_AZ = (2, 96)
V_SERVER_READ_MAX = (2, 100)

ComputeVersions = collections.namedtuple('ComputeVersions', ['min', 'max'])


def parse(version):
    """Turn ``'2.56'``, ``(2, 56)`` or ``[2, 56]`` into the tuple ``(2, 56)``."""
    if version is None:
        return None
    if isinstance(version, (tuple, list)):
        return (int(version[0]), int(version[1]))
    text = str(version).strip()
    try:
        major, minor = text.split('.', 1)
        return (int(major), int(minor))
    except ValueError:
        raise ValueError('Invalid microversion %r: expected "<major>.<minor>"' % (version,)) from None


def fmt(version):
    """Turn ``(2, 56)`` into ``'2.56'``."""
    version = parse(version)
    return '%d.%d' % version


def from_endpoint_data(data):
    """Build :class:`ComputeVersions` from keystoneauth ``EndpointData``.

    A compute endpoint that advertises no microversions (legacy v2.0) is
    treated as ``2.1``-only.
    """
    low = parse(getattr(data, 'min_microversion', None)) if data is not None else None
    high = parse(getattr(data, 'max_microversion', None)) if data is not None else None
    low = low or (2, 1)
    high = high or low
    return ComputeVersions(low, high)


def too_old(needed, versions, feature, hint=None):
    """Return the :class:`CloudTooOld` error for ``feature``."""
    msg = ('%s needs compute API microversion %s or later, but this cloud supports at most %s.'
           % (feature, fmt(needed), fmt(versions.max)))
    if hint:
        msg += ' ' + hint
    return CloudTooOld(msg, required_microversion=fmt(needed), max_microversion=fmt(versions.max))


def require(versions, needed, feature, hint=None):
    """Raise :class:`CloudTooOld` unless the cloud supports ``needed``."""
    needed = parse(needed)
    if versions.max < needed:
        raise too_old(needed, versions, feature, hint)
    return needed


def best(versions, cap=KNOWN_MAX, floor=None):
    """Highest version the cloud supports, capped at ``cap`` (default :data:`KNOWN_MAX`)."""
    chosen = min(versions.max, parse(cap))
    if floor is not None:
        chosen = max(chosen, parse(floor))
    return max(chosen, versions.min)


def lowest(versions, needed, preferred=None):
    """Lowest version that satisfies ``needed``, raised to ``preferred`` when the cloud has it."""
    chosen = parse(needed)
    if preferred is not None and versions.max >= parse(preferred):
        chosen = max(chosen, parse(preferred))
    return max(chosen, versions.min)


# --------------------------------------------------------------------------
# Cold migration (the migrate server action)
# --------------------------------------------------------------------------

def choose_cold_migrate(versions, host=None, force=False):
    """Return ``(microversion, body)`` for a cold migration.

    * a target host needs 2.56 (below, Nova silently ignores the host);
    * ``force`` is not part of released Nova; it is sent at >= 2.56 as the
      Ocata/Pike spec proposed it, and released Nova answers 400;
    * otherwise the highest known version is used (the schema has not
      changed since 2.56).
    """
    if force and not host:
        raise ValidationError('force requires host: Nova cannot bypass the scheduler without a named destination.')
    if host:
        require(versions, V_COLD_HOST, 'Cold migration to a named host (host=%s)' % host,
                hint='Below 2.56 Nova ignores the host and lets the scheduler choose; drop host or upgrade the cloud.')
        body = {'host': host}
        if force:
            body['force'] = True
        return fmt(best(versions)), {'migrate': body}
    return fmt(best(versions)), {'migrate': None}


# --------------------------------------------------------------------------
# Live migration (the os-migrateLive server action)
# --------------------------------------------------------------------------

def _block_value(block_migration):
    if block_migration is None:
        return None
    if isinstance(block_migration, bool):
        return block_migration
    text = str(block_migration).lower()
    if text == 'auto':
        return 'auto'
    if text in ('true', 'yes', 'on', '1'):
        return True
    if text in ('false', 'no', 'off', '0'):
        return False
    raise ValidationError('block_migration must be auto, true or false, not %r.' % (block_migration,))


def choose_live_migrate(versions, host=None, force=False, block_migration=None):
    """Return ``(microversion, body)`` for ``os-migrateLive``.

    * ``force`` exists only in 2.30-2.67: pin 2.67 when available, else the
      highest version >= 2.30;
    * without ``force``: the highest known version (>= 2.68 semantics) when
      available, else the cloud maximum if >= 2.30 (the host is then checked
      by the scheduler);
    * below 2.30 a named host bypasses the scheduler, so a host is refused;
    * ``block_migration: auto`` needs 2.25; below 2.25 the body also needs
      ``disk_over_commit``.
    """
    block = _block_value(block_migration)
    if force:
        if not host:
            raise ValidationError("force requires host (Nova answers 400 \"Can't force to a non-provided destination\").")
        require(versions, V_LIVE_FORCE_MIN, 'Live migration with force',
                hint='Forcing a live migration exists only in microversions 2.30-2.67.')
        if versions.min > V_LIVE_FORCE_MAX:
            raise CloudTooOld('Live migration with force exists only in microversions 2.30-2.67, but this cloud '
                              'supports %s-%s. Drop force.' % (fmt(versions.min), fmt(versions.max)),
                              required_microversion='2.30-2.67', max_microversion=fmt(versions.max))
        version = min(versions.max, V_LIVE_FORCE_MAX)
        body = {'host': host, 'block_migration': 'auto' if block is None else block, 'force': True}
        return fmt(version), {'os-migrateLive': body}

    if versions.max >= V_LIVE_FORCE_MIN:
        version = best(versions)
        body = {'host': host or None, 'block_migration': 'auto' if block is None else block}
        return fmt(version), {'os-migrateLive': body}

    if host:
        raise too_old(V_LIVE_FORCE_MIN, versions, 'Live migration to a named host with scheduler checks',
                      hint='Below 2.30 Nova bypasses the scheduler for a named host; omit host to let the scheduler choose.')
    if block == 'auto' or block is None:
        if versions.max >= V_BLOCK_AUTO:
            return fmt(versions.max), {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}
        if block == 'auto':
            raise too_old(V_BLOCK_AUTO, versions, 'block_migration=auto',
                          hint='Set block_migration to true or false explicitly.')
        block = False
    body = {'host': None, 'block_migration': block}
    if versions.max < V_BLOCK_AUTO:
        body['disk_over_commit'] = False
    return fmt(versions.max), {'os-migrateLive': body}


# --------------------------------------------------------------------------
# Reads and other actions
# --------------------------------------------------------------------------

def choose_server_read(versions):
    """Server GET/list: embedded flavor (2.47) and pinned AZ (2.96) when available."""
    return fmt(best(versions, cap=V_SERVER_READ_MAX))


def choose_services(versions):
    """os-services: 2.53 (UUID ids, PUT by id) when available, else the cloud maximum."""
    return fmt(min(versions.max, V_SERVICE_UUID) if versions.max >= V_SERVICE_UUID else versions.max)


def choose_hypervisors(versions):
    """os-hypervisors detail: up to 2.88 (UUID ids at >= 2.53; statistics fields below 2.88)."""
    return fmt(best(versions, cap=V_NO_HYPERVISOR_STATS))


def choose_migration_lookup(versions):
    """/os-migrations for one server: 2.59 (sorted newest first, uuid) when available, else >= 2.23."""
    if versions.max >= V_MIGRATION_PAGING:
        return fmt(V_MIGRATION_PAGING if versions.min <= V_MIGRATION_PAGING else versions.min)
    if versions.max >= V_SERVER_MIGRATIONS:
        return fmt(versions.max)
    return fmt(versions.max)


MIGRATION_FILTER_VERSIONS = (
    ('changes_since', V_MIGRATION_PAGING),
    ('limit', V_MIGRATION_PAGING),
    ('uuid', V_MIGRATION_PAGING),
    ('changes_before', V_CHANGES_BEFORE),
    ('project_id', V_MIGRATION_USER_PROJECT),
    ('user_id', V_MIGRATION_USER_PROJECT),
)


def choose_migration_list(versions, filters):
    """Lowest microversion that supports every filter in ``filters`` (a dict; None values are unused).

    2.59 is preferred when available even without such filters, because it
    sorts newest first, shows ``uuid`` and pages with a marker.
    """
    needed = (2, 1)
    needed_by = None
    for name, version in MIGRATION_FILTER_VERSIONS:
        if filters.get(name) is not None and version > needed:
            needed, needed_by = version, name
    if needed_by is not None:
        require(versions, needed, 'The migration filter %r' % needed_by)
    preferred = V_MIGRATION_PAGING if versions.max >= V_MIGRATION_PAGING else min(versions.max, V_SERVER_MIGRATIONS)
    return fmt(lowest(versions, needed, preferred))


def choose_server_migrations(versions, action=None):
    """/servers/{id}/migrations: index needs 2.23, force_complete 2.22, abort 2.24 (2.65 for queued/preparing)."""
    if action == 'force_complete':
        require(versions, V_FORCE_COMPLETE, 'Forcing a live migration to complete')
    elif action == 'abort':
        require(versions, V_ABORT, 'Aborting a live migration')
    else:
        require(versions, V_SERVER_MIGRATIONS, 'Listing the live migrations of a server')
    return fmt(best(versions))


# What each stall policy needs: reading one live migration's progress (GET /servers/{id}/migrations/{id}), and the
# action it takes once the copy stalls.
STALL_POLICY_NEEDS = {
    'wait': (),
    'force_complete': ((V_FORCE_COMPLETE, 'to force a live migration to complete '
                                          '(POST /servers/{id}/migrations/{id}/action)'),
                       (V_SERVER_MIGRATIONS, 'to read the progress of a live migration '
                                             '(GET /servers/{id}/migrations/{id})')),
    'abort': ((V_ABORT, 'to abort a live migration (DELETE /servers/{id}/migrations/{id})'),),
}


def check_stall_policy(versions, on_stall):
    """Raise :class:`CloudTooOld` (before any write) unless the cloud has what ``on_stall`` needs.

    ``wait`` needs nothing: below 2.23 the progress cannot be read, so a stall is not seen and the timeout decides.
    """
    for needed, why in STALL_POLICY_NEEDS.get(on_stall or 'wait', ()):
        if versions.max < needed:
            raise CloudTooOld(
                'on_stall=%s needs compute API microversion %s %s, but this cloud supports at most %s. Use '
                'on_stall=wait (the timeout still ends the wait) or drop on_stall. Nothing was changed.'
                % (on_stall, fmt(needed), why, fmt(versions.max)),
                required_microversion=fmt(needed), max_microversion=fmt(versions.max))


def choose_server_migration_show(versions):
    """GET /servers/{id}/migrations/{id}: 2.23 or later, up to 2.80 (the last microversion that changed the view)."""
    require(versions, V_SERVER_MIGRATIONS, 'Reading the progress of a live migration')
    return fmt(best(versions, cap=V_MIGRATION_USER_PROJECT))
