# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure validation and decision logic for migrations (no I/O).

Everything here takes observed facts (a ServerView, normalized service and
migration dicts) and returns a decision or raises ValidationError before
any write request is sent.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import datetime

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import (
    AUTO as AUTO_STRATEGY,
    COLD as COLD_STRATEGY,
    LIVE as LIVE_STRATEGY,
    conflicts,
)
from ansible_collections.novaops.migration.plugins.module_utils.servers import looks_like_uuid


# Actions decided by decide_migrate().
NOOP = 'none'
WAIT = 'wait'
CONFIRM = 'confirm'
MIGRATE = 'migrate'

Decision = collections.namedtuple('Decision', ['action', 'reason', 'migration'])


def check_named(option, value, what_to_do):
    """Refuse an empty or blank string where a host, server or migration is named (before any request).

    Such a value usually comes from a template that rendered empty; taken as unset it would widen the
    request (any host the scheduler picks, no source_host guard, the newest migration ...).
    """
    if isinstance(value, str) and not value.strip():
        raise ValidationError('%s is %s: an empty value usually means a template rendered empty (an undefined or '
                              'blank variable). %s Nothing was changed.'
                              % (option, 'empty' if value == '' else 'blank (%r)' % value, what_to_do))


def check_named_list(option, values, what_to_do):
    for index, value in enumerate(values or []):
        check_named('%s[%d]' % (option, index), value, what_to_do)


def parse_iso8601(value, name):
    """Parse an ISO 8601 date or date-time; naive values are taken as UTC.  Raises ValidationError."""
    text = str(value if value is not None else '').strip()
    if not text:
        raise ValidationError('%s is empty; give an ISO 8601 time such as 2026-01-31T12:00:00Z.' % name)
    candidate = text[:-1] + '+00:00' if text[-1] in 'zZ' else text
    if 't' in candidate:
        candidate = candidate.replace('t', 'T')
    try:
        parsed = datetime.datetime.fromisoformat(candidate)
    except ValueError:
        raise ValidationError('%s=%r is not an ISO 8601 time; use for example 2026-01-31T12:00:00Z.' % (name, value)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def _kind(value):
    return 'a list' if isinstance(value, list) else 'a %s' % type(value).__name__


HOST_FACTS_HINT = ('Pass the hosts list returned by novaops.migration.compute_host_info (register it and give '
                   '"{{ result.hosts }}"), or leave hosts out to let the module read them; destination host names go '
                   'into target_hosts.')


def check_host_facts(hosts):
    """migration_plan's ``hosts``: entries shaped like compute_host_info's (a host name, dict service and capacity)."""
    for index, entry in enumerate(hosts or []):
        where = 'hosts[%d]' % index
        if not isinstance(entry, dict):
            raise ValidationError('%s is %s, not a dict. %s' % (where, _kind(entry), HOST_FACTS_HINT))
        service = entry.get('service')
        if service is not None and not isinstance(service, dict):
            raise ValidationError('%s.service is %s, not a dict. %s' % (where, _kind(service), HOST_FACTS_HINT))
        name = entry.get('host') or (service or {}).get('host')
        if not isinstance(name, str) or not name.strip():
            raise ValidationError('%s has no host name (host, or service.host). %s' % (where, HOST_FACTS_HINT))
        capacity = entry.get('capacity')
        if capacity is None:
            continue
        if not isinstance(capacity, dict):
            raise ValidationError('%s (%s): capacity is %s, not a dict (or null). %s'
                                  % (where, name, _kind(capacity), HOST_FACTS_HINT))
        for resource, item in capacity.items():
            free = item.get('free') if isinstance(item, dict) else item
            if resource == 'source' or free is None or (isinstance(free, (int, float)) and not isinstance(free, bool)):
                continue
            raise ValidationError('%s (%s): capacity.%s is %s; expected a dict with numbers for total, used and free. %s'
                                  % (where, name, resource, _kind(item) if free is item else 'a dict whose free is %s'
                                     % _kind(free), HOST_FACTS_HINT))


REPORT_HINT = ('Pass the evacuation report the host_evacuation role wrote (the JSON file, read with '
               '"{{ lookup(\'ansible.builtin.file\', path) | from_json }}").')


def check_report(report):
    """migration_plan's ``report``: a host name and a list of server entries (dicts)."""
    host = report.get('host')
    if host is not None and not isinstance(host, str):
        raise ValidationError('report.host is %s, not a host name. %s' % (_kind(host), REPORT_HINT))
    servers = report.get('servers')
    if not isinstance(servers, list):
        raise ValidationError('report has %s: its servers must be a list of the servers the evacuation handled. %s'
                              % ('no servers' if servers is None else 'servers as %s' % _kind(servers), REPORT_HINT))
    for index, entry in enumerate(servers):
        if not isinstance(entry, dict):
            raise ValidationError('report.servers[%d] is %s, not a dict with the id, name and outcome of a server. %s'
                                  % (index, _kind(entry), REPORT_HINT))
        # The ids are read back with GET /servers/{id}: only a UUID may go into that path.
        ident = entry.get('id')
        where = 'report.servers[%d]%s' % (index, ' (%r)' % entry['name'] if entry.get('name') else '')
        if ident is None and entry.get('outcome') in ('moved', 'moved_earlier'):
            raise ValidationError('%s has no id, so the server cannot be found. %s' % (where, REPORT_HINT))
        if ident is not None and not (isinstance(ident, str) and looks_like_uuid(ident)):
            raise ValidationError('%s: id %r is not a server UUID. %s' % (where, ident, REPORT_HINT))


SERVER_HINT = 'Name the server (exact name or ID).'
TARGET_HINT = 'Give the exact name of the destination compute host, or leave host out (omit) to let the scheduler choose.'
SOURCE_HINT = 'Give the exact name of the compute host the server must leave, or leave source_host out (omit).'


def validate_migrate_options(live, host=None, force=False, block_migration=None, source_host=None, server=None):
    """Option combinations that can never work (checked before any API call)."""
    check_named('server', server, SERVER_HINT)
    check_named('host', host, TARGET_HINT)
    check_named('source_host', source_host, SOURCE_HINT)
    if force and not host:
        raise ValidationError("force requires host: Nova refuses to bypass the scheduler without a named "
                              "destination (HTTP 400 \"Can't force to a non-provided destination\").")
    if block_migration is not None and not live:
        raise ValidationError('block_migration applies to live migration only; set live_migration=true or drop block_migration.')
    if host and source_host and host == source_host:
        raise ValidationError('host and source_host are both %r: a server cannot be migrated onto the host it is '
                              'leaving.' % host)


def check_server_state(server, live):
    """Refuse servers Nova would refuse (409) or that cannot move at all."""
    kind = 'live-migrate' if live else 'cold-migrate'
    if server.locked:
        raise ValidationError(
            'Server %s is locked%s; unlock it before migrating.'
            % (server.label, ' (reason: %s)' % server.locked_reason if server.locked_reason else ''))
    if server.status == 'ERROR':
        raise ValidationError('Server %s is in ERROR%s; fix or reset its state before migrating.'
                              % (server.label, ' (fault: %s)' % server.fault if server.fault else ''))
    if server.status == 'SHELVED_OFFLOADED':
        raise ValidationError('Server %s is SHELVED_OFFLOADED and runs on no host; unshelve it instead of migrating.'
                              % server.label)
    allowed = nova.LIVE_MIGRATABLE if live else nova.COLD_MIGRATABLE
    if server.status not in allowed:
        hint = ''
        if live and server.status == 'SHUTOFF':
            hint = ' Use a cold migration (live_migration=false) for stopped servers.'
        elif not live and server.status == 'PAUSED':
            hint = ' Use a live migration (live_migration=true) or unpause the server.'
        raise ValidationError('Cannot %s server %s in status %s (allowed: %s).%s'
                              % (kind, server.label, server.status, ', '.join(allowed), hint))
    if server.task_state:
        raise ValidationError('Server %s is busy (task_state %s); wait until the task has finished.'
                              % (server.label, server.task_state))
    if not server.host:
        raise ValidationError('The compute host of server %s is not visible; migrations need admin credentials '
                              '(OS-EXT-SRV-ATTR:host).' % server.label)


def original_status(server):
    """The status a migrated server must come back to (power state preserved)."""
    if server.status in ('ACTIVE', 'SHUTOFF', 'PAUSED'):
        return server.status
    if server.power_state == 4:
        return 'SHUTOFF'
    if server.power_state == 3:
        return 'PAUSED'
    return 'ACTIVE'


def decide_migrate(server, host=None, source_host=None, confirm=True, latest=None):
    """Decide what server_migrate must do.

    :param server: ServerView before any change.
    :param latest: the server's newest migration record (normalized), or None.
    :returns: :class:`Decision` with action NOOP, WAIT, CONFIRM or MIGRATE.
    """
    if latest is not None and latest.get('in_progress'):
        mtype = latest.get('migration_type')
        if mtype in (nova.RESIZE, nova.EVACUATION):
            raise ValidationError(
                'Server %s has a %s in progress (migration %s, status %s); not touching it.'
                % (server.label, mtype, latest.get('id'), latest.get('status')), migration=latest)
        dest = latest.get('dest_compute')
        source = latest.get('source_compute')
        if latest.get('status') == 'reverting':
            return Decision(WAIT, 'a revert of migration %s is in progress' % latest.get('id'), latest)
        if source_host and source and source != source_host:
            return Decision(NOOP, 'server is not on source_host %s (it is migrating away from %s)'
                            % (source_host, source), latest)
        if host and dest and dest != host:
            raise ValidationError(
                'Server %s is already being migrated to %s (migration %s, status %s), not to the requested host %s.'
                % (server.label, dest, latest.get('id'), latest.get('status'), host), migration=latest)
        return Decision(WAIT, 'migration %s is already in progress (status %s)'
                        % (latest.get('id'), latest.get('status')), latest)

    if server.status == 'VERIFY_RESIZE':
        if latest is None or latest.get('migration_type') != nova.COLD or latest.get('status') not in nova.AWAITING_CONFIRM:
            raise ValidationError(
                'Server %s is in VERIFY_RESIZE after a resize, not a cold migration; confirm or revert that resize '
                'first.' % server.label, migration=latest)
        here = server.host
        on_target = ((host and here == host)
                     or (not host and source_host and here != source_host)
                     or (not host and not source_host))
        if not on_target:
            raise ValidationError(
                'Server %s waits for confirmation of an earlier cold migration to %s, which is not the requested '
                'host; confirm or revert it first (novaops.migration.server_migration_action).'
                % (server.label, here), migration=latest)
        if confirm:
            return Decision(CONFIRM, 'an earlier cold migration to %s waits for confirmation' % here, latest)
        return Decision(NOOP, 'server already migrated to %s, confirmation left to the caller (confirm=false)' % here,
                        latest)

    if host and server.host == host:
        return Decision(NOOP, 'server is already on %s' % host, latest)
    if source_host and server.host != source_host:
        return Decision(NOOP, 'server is not on source_host %s (it is on %s)' % (source_host, server.host), latest)
    return Decision(MIGRATE, 'server is on %s' % server.host, latest)


def cold_result_problems(before, after, migration, host=None, confirmed=True, expected_status=None):
    """Why a finished cold migration does not count as success ([] when it does).

    Success: host changed (== host when given), migration confirmed (or
    finished with confirm=false), status back to the original.
    """
    problems = []
    status = migration.get('status') if migration else None
    wanted = ('confirmed',) if confirmed else ('finished', 'confirmed')
    if status not in wanted:
        problems.append('migration status is %s, expected %s' % (status, ' or '.join(wanted)))
    if after.host == before.host:
        problems.append('server is still on %s' % after.host)
    elif host and after.host != host:
        problems.append('server is on %s, not on the requested host %s' % (after.host, host))
    if confirmed:
        expected = expected_status or original_status(before)
        if after.status != expected or after.task_state:
            problems.append('server status is %s%s, expected %s'
                            % (after.status, ' (task %s)' % after.task_state if after.task_state else '', expected))
    elif after.status not in ('VERIFY_RESIZE', expected_status or original_status(before)):
        problems.append('server status is %s, expected VERIFY_RESIZE' % after.status)
    return problems


def live_result_problems(before, after, migration, host=None, expected_status=None):
    """Why a finished live migration does not count as success ([] when it does)."""
    problems = []
    status = migration.get('status') if migration else None
    if status != 'completed':
        problems.append('migration status is %s, expected completed' % status)
    if after.host == before.host:
        problems.append('server is still on %s' % after.host)
    elif host and after.host != host:
        problems.append('server is on %s, not on the requested host %s' % (after.host, host))
    expected = expected_status or original_status(before)
    if after.status != expected or after.task_state:
        problems.append('server status is %s%s, expected %s'
                        % (after.status, ' (task %s)' % after.task_state if after.task_state else '', expected))
    return problems


def check_strategy_options(strategy, *, live_migrate_active=None, live_migration=None, allow_cold_for_running=False,
                           fallback='none', default=COLD_STRATEGY):
    """The per-server strategy options: one spelling of the mode at a time, and no options that contradict it.

    ``live_migrate_active`` (migration_plan, the roles) and ``live_migration`` (server_migrate) are the old
    spellings: ``true`` is ``auto`` or ``live``, ``false`` is ``cold``.  ``default`` is the strategy that applies
    when none is given (None: each server moves the way it left, a restore).  Returns the strategy in effect.
    """
    for old, value, meaning in (('live_migrate_active', live_migrate_active, 'true is auto, false is cold'),
                                ('live_migration', live_migration, 'true is live, false is cold')):
        if value is not None and strategy:
            raise ValidationError('strategy=%s and %s=%s are both given, but %s is the old spelling of strategy (%s): '
                                  'drop %s. Nothing was changed.' % (strategy, old, str(value).lower(), old, meaning,
                                                                     old))
    if not strategy:
        if live_migrate_active is not None:
            strategy = AUTO_STRATEGY if live_migrate_active else COLD_STRATEGY
        elif live_migration is not None:
            strategy = LIVE_STRATEGY if live_migration else COLD_STRATEGY
        else:
            strategy = default
    if strategy is None:
        return None
    problems = conflicts(strategy, fallback=fallback or 'none', allow_cold_for_running=bool(allow_cold_for_running))
    if problems:
        raise ValidationError('Contradicting options: %s. Nothing was changed.' % '; '.join(problems))
    return strategy
