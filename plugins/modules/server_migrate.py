#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: server_migrate
short_description: Cold or live migrate an OpenStack server to another compute host, safely
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Moves a server to another compute host with a cold migration (C(migrate) action, the server is
    stopped and restarted on the destination unless it was SHUTOFF) or a live migration (C(os-migrateLive)).
  - Validates the request before any write. It checks option combinations, the target host (it must exist as a
    C(nova-compute) service, match exactly, be enabled, up, not forced down, and lie in the server's
    pinned availability zone unless O(force=true)), the server state, and the cloud's microversion.
  - Success is verified, not assumed from the status alone. The server must be on another host (the
    requested one when O(host) is given), the migration record must reach C(confirmed) (cold,
    or C(finished) with O(confirm=false)) or C(completed) (live), and the status must be back to the
    original one (C(ACTIVE), C(SHUTOFF) or C(PAUSED)).
  - "Idempotent: a server already on O(host), or no longer on O(source_host), is left alone
    (C(changed=false)). A migration already in progress is waited for instead of started again; one
    heading to another host than O(host) fails the task. A server left in C(VERIFY_RESIZE) by an earlier
    cold migration to the wanted host (or away from O(source_host)) is confirmed."
  - Without O(host) and O(source_host) every run migrates the server again (the scheduler picks a host).
    Set O(source_host) to make host draining idempotent.
  - C(changed) is true when the module sent a write request (migrate, live migrate or confirm).
options:
  block_migration:
    description:
      - Live migration only. V(auto) lets Nova choose (needs microversion 2.25), V(true) copies the disks,
        V(false) expects shared storage.
      - When unset, V(auto) is used on clouds that support it, V(false) on older ones.
    type: str
    choices: [auto, 'true', 'false']
  confirm:
    description:
      - Cold migration only. Confirm the migration once the server reached C(VERIFY_RESIZE), then wait until
        the migration record is C(confirmed) and the server is back to its original status.
      - With V(false) the server is left in C(VERIFY_RESIZE) for the caller to confirm or revert
        (see M(novaops.migration.server_migration_action)).
    type: bool
    default: true
  force:
    description:
      - Bypass the scheduler's checks of O(host). Requires O(host).
      - For a live migration it is sent with microversion 2.30 to 2.67 (removed in 2.68); on newer-only clouds the task fails.
      - For a cold migration released Nova has no such flag (the blueprint's C(force) was dropped before 2.56 merged) and
        answers HTTP 400; the module then fails and explains that. Only clouds with that extension honour it.
      - Also allows a target host that is disabled, down, forced down or outside the server's pinned
        availability zone (a warning is returned).
    type: bool
    default: false
  host:
    description:
      - Name of the destination compute host (the C(nova-compute) service host, exact match).
      - When unset the scheduler chooses.
      - Cold migration to a named host needs microversion 2.56.
    type: str
  live_migration:
    description:
      - V(true) for a live migration (server ACTIVE or PAUSED), V(false) for a cold migration (ACTIVE or SHUTOFF).
    type: bool
    default: false
  server:
    description:
      - Name or ID of the server. Names are looked up across all projects (own project for non-admins)
        and must match exactly one server.
    type: str
    required: true
    aliases: [name]
  source_host:
    description:
      - Only act while the server is on this host. When the server is elsewhere (already drained) nothing
        is done and C(changed=false).
    type: str
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Runs every validation with read requests only and predicts C(changed); nothing is written.
    support: full
'''

EXAMPLES = r'''
- name: Cold migrate a server to compute-2 and confirm it
  novaops.migration.server_migrate:
    cloud: mycloud
    server: web-1
    host: compute-2

- name: Drain compute-1 one server at a time, idempotent on re-runs
  novaops.migration.server_migrate:
    cloud: mycloud
    server: "{{ item }}"
    source_host: compute-1
    live_migration: true
    timeout: 900
  loop: "{{ servers_on_compute_1 }}"

- name: Cold migrate and leave the confirmation to a later step
  novaops.migration.server_migrate:
    server: 2f3c3c1e-6f43-4b6b-9a43-6f2a7c0b1c11
    confirm: false

- name: Start a live migration and do not wait
  novaops.migration.server_migrate:
    server: db-1
    live_migration: true
    block_migration: auto
    wait: false
  register: started
'''

RETURN = r'''
action:
  description:
    - What the module did. V(migrate) started a migration, V(confirm) confirmed one left in VERIFY_RESIZE,
      V(wait) only waited for a migration already in progress, V(none) found nothing to do.
  returned: always
  type: str
  sample: migrate
elapsed:
  description: Seconds the module ran.
  returned: always
  type: float
  sample: 6.4
migration:
  description: The migration record that was started, waited for or confirmed (null when none was found).
  returned: always
  type: dict
  contains:
    id:
      description: Integer ID of the migration record.
      type: int
    uuid:
      description: UUID of the migration record (microversion 2.59 and later).
      type: str
    type:
      description: Migration type, with Nova's C(migration) shown as C(cold-migration).
      type: str
    migration_type:
      description: Nova's migration type (C(migration), C(resize), C(live-migration), C(evacuation)).
      type: str
    status:
      description: Status of the migration record, for example C(confirmed), C(finished), C(completed), C(error).
      type: str
    in_progress:
      description: Whether the status counts as in progress for this migration type.
      type: bool
    source_compute:
      description: Source compute host.
      type: str
    dest_compute:
      description: Destination compute host.
      type: str
    created_at:
      description: Creation time of the record.
      type: str
    updated_at:
      description: Last update of the record.
      type: str
  sample: {"id": 7, "uuid": "5c6b...", "type": "cold-migration", "migration_type": "migration",
           "status": "confirmed", "in_progress": false, "source_compute": "compute-1", "dest_compute": "compute-2"}
msg:
  description: Human readable summary.
  returned: always
  type: str
  sample: Server web-1 cold-migrated from compute-1 to compute-2 and confirmed; status ACTIVE.
server:
  description: The server after the module ran.
  returned: always
  type: dict
  contains:
    id:
      description: Server ID.
      type: str
    name:
      description: Server name.
      type: str
    status:
      description: Server status.
      type: str
    host:
      description: Compute host (C(OS-EXT-SRV-ATTR:host)).
      type: str
    hypervisor_hostname:
      description: Hypervisor (node) name.
      type: str
    vm_state:
      description: Nova vm_state.
      type: str
    task_state:
      description: Nova task_state (null when idle).
      type: str
    power_state:
      description: Power state number (1 running, 3 paused, 4 shut down).
      type: int
    locked:
      description: Whether the server is locked.
      type: bool
    availability_zone:
      description: Current availability zone.
      type: str
    pinned_availability_zone:
      description: Availability zone the server is pinned to (microversion 2.96 and later), or null.
      type: str
    project_id:
      description: Project owning the server.
      type: str
    fault:
      description: Fault message Nova shows for the server (only for ERROR servers), or null.
      type: str
server_before:
  description: The server as found before any change, same keys as RV(server).
  returned: always
  type: dict
'''

import contextlib

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import sdk_action
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    MigrationFailed,
    ValidationError,
    WaitFailed,
    WaitTimeout,
)
from ansible_collections.novaops.migration.plugins.module_utils.hosts import list_services
from ansible_collections.novaops.migration.plugins.module_utils.servers import action_failure_reason, find_server, get_server
from ansible_collections.novaops.migration.plugins.module_utils.waiter import wait_until

# Released Nova's answer to a cold migrate with "force" (nova-api.md section 3.2).
FORCE_REJECTED_HINT = (
    'This cloud rejects force on cold migration: released Nova has no such flag (the blueprint '
    'cold-migration-with-target proposed it, but force was dropped before microversion 2.56 merged). '
    'Drop force to let the scheduler validate the host, or use a live migration with force on a cloud '
    'that still offers microversions 2.30-2.67. Nothing was changed.')


class ServerMigrateModule(NovaOpsModule):
    argument_spec = dict(
        block_migration=dict(type='str', choices=['auto', 'true', 'false']),
        confirm=dict(type='bool', default=True),
        force=dict(type='bool', default=False),
        host=dict(type='str'),
        live_migration=dict(type='bool', default=False),
        server=dict(type='str', required=True, aliases=['name']),
        source_host=dict(type='str'),
    )
    module_kwargs = dict(supports_check_mode=True)

    MAX_ROUNDS = 3

    def __init__(self):
        super(ServerMigrateModule, self).__init__()
        self.before = None
        self.current = None
        self.migration = None
        self.action = val.NOOP

    # ----- helpers --------------------------------------------------------
    def failure_context(self):
        return {
            'action': self.action,
            'server_before': self.before.summary() if self.before else None,
            'server': self.current.summary() if self.current else None,
            'migration': mig.summary(self.migration),
        }

    def _read_version(self):
        return mv.choose_server_read(self.versions)

    def _get(self):
        self.current = get_server(self.api, self.before.id, self._read_version())
        return self.current

    def _records(self, migration_type=None):
        return mig.list_for_server(self.api, self.versions, self.before.id, migration_type=migration_type)

    def _finish(self, msg, changed):
        self.exit_json(
            changed=changed,
            action=self.action,
            msg=msg,
            server_before=self.before.summary(),
            server=(self.current or self.before).summary(),
            migration=mig.summary(self.migration),
            elapsed=self.elapsed(),
        )

    def _wait(self, fetch, done, failed, what, delay_first=True):
        try:
            state, _polls = wait_until(fetch, done, failed, timeout=self.remaining(), clock=self.clock,
                                       sleep=self.sleep, what=what, delay_first=delay_first)
            return state
        except WaitTimeout as exc:
            if self.migration is None and self.changed_so_far:
                # Report the record too (read only now, to keep polling cheap).
                with contextlib.suppress(Exception):
                    self.migration = mig.newest([r for r in self._records() if r['in_progress']])
            raise WaitTimeout(
                'Timed out (timeout=%s s) waiting for %s. Last seen: server %s on %s in status %s%s; migration %s.' % (
                    self.params['timeout'], what, self.current.id if self.current else self.before.id,
                    self.current.host if self.current else '?', self.current.status if self.current else '?',
                    ' (task %s)' % self.current.task_state if self.current and self.current.task_state else '',
                    '%s status %s' % (self.migration.get('id'), self.migration.get('status')) if self.migration else 'not found yet'),
                last_state=None) from exc
        except WaitFailed as exc:
            raise self._failure(exc.msg) from exc

    def _failure(self, reason):
        where = self.current or self.before
        fault = where.fault
        if not fault and self.changed_so_far:
            actions = ('live-migration',) if self.params['live_migration'] else ('migrate', 'confirmResize')
            fault = action_failure_reason(self.api, self.versions, where.id, actions)
        fault_text = ' Server fault: %s.' % fault.rstrip('.') if fault else ''
        status = self.migration.get('status') if self.migration else 'unknown'
        return MigrationFailed(
            '%s Migration %s status: %s. The server is now on %s in status %s.%s' % (
                reason, self.migration.get('id') if self.migration else '?', status, where.host, where.status,
                fault_text),
            migration_status=status, fault=fault)

    # ----- main flow ------------------------------------------------------
    def run(self):
        p = self.params
        live = p['live_migration']
        host = p['host']
        source_host = p['source_host']
        val.validate_migrate_options(live, host, p['force'], p['block_migration'], source_host)

        self.step = 'looking up the server'
        self.before = find_server(self.api, p['server'], self._read_version())
        self.current = self.before
        if not self.before.host:
            # SHELVED_OFFLOADED servers have no host; otherwise the credentials cannot see it.
            val.check_server_state(self.before, live)

        services = None
        # The service list is needed to check a target, or to tell a wrong source_host name from a server
        # that has already left it; a server still on source_host needs neither.
        if host or (source_host and self.before.host != source_host):
            self.step = 'listing compute services'
            services = list_services(self.api, self.versions)
            if host and val.find_service(services, host) is None:
                # Unknown hosts fail even when nothing would be done (check_target raises).
                val.check_target(host, services, self.before, p['force'])
            if source_host and self.before.host != source_host and not val.find_service(services, source_host):
                hosts = val.compute_host_names(services)
                raise ValidationError('Unknown source_host %r (host names must match exactly). Compute hosts: %s.'
                                      % (source_host, ', '.join(hosts)), compute_hosts=hosts)

        self.step = 'looking up the migrations of the server'
        records = self._records()
        latest = records[0] if records else None
        known_ids = set(r['id'] for r in records)

        changed = False
        waited = False
        for _round in range(self.MAX_ROUNDS):
            server = self.current
            decision = val.decide_migrate(server, host, source_host, p['confirm'], latest)
            self.migration = decision.migration
            if decision.action == val.MIGRATE and waited and not host and not source_host \
                    and latest.get('status') in mig.SUCCESS.get(latest.get('migration_type'), ()):
                # The migration we waited for already moved the server: that is the requested outcome.
                decision = val.Decision(val.NOOP, 'migration %s moved the server to %s'
                                        % (latest.get('id'), server.host), latest)
            if decision.action == val.NOOP:
                if waited:
                    return self._after_wait_noop(decision, changed)
                return self._finish('Nothing to do: %s.' % decision.reason, changed)
            if decision.action == val.CONFIRM:
                self.action = val.CONFIRM
                if self.check_mode:
                    return self._finish('Would confirm: %s.' % decision.reason, True)
                if not p['wait']:
                    self._confirm_request()
                    return self._finish('Confirmation of migration %s requested; not waiting.' % decision.migration['id'], True)
                return self._confirm_and_verify(decision.migration, host, changed_before=changed,
                                                expected=val.original_status(server))
            if decision.action == val.WAIT:
                self.action = val.WAIT
                if self.check_mode:
                    predicted = decision.migration.get('migration_type') == mig.COLD and p['confirm']
                    return self._finish('Would wait for %s%s.' % (decision.reason, ' and confirm it' if predicted else ''),
                                        predicted)
                if not p['wait']:
                    return self._finish('Not waiting (wait=false): %s.' % decision.reason, changed)
                latest = self._wait_existing(decision.migration)
                waited = True
                continue
            # MIGRATE
            return self._migrate(live, host, services, known_ids)
        raise MigrationFailed('Server %s is still busy after waiting for %d migrations in a row; giving up.'
                              % (self.before.id, self.MAX_ROUNDS))

    def _after_wait_noop(self, decision, changed):
        """We waited for someone else's migration and the server is now where it should be."""
        host = self.params['host']
        if host and self.current.host != host:
            raise MigrationFailed('The migration that was in progress ended with server %s on %s, not on %s.'
                                  % (self.current.id, self.current.host, host))
        return self._finish('Waited for the migration already in progress: %s.' % decision.reason, changed)

    def _wait_existing(self, migration):
        """Wait until an in-progress migration we did not start leaves its in-progress states."""
        mid = migration['id']

        def fetch():
            self._get()
            self.migration = mig.by_id(self._records(), mid) or self.migration
            return self.migration

        self._wait(fetch, lambda m: not m.get('in_progress'), None,
                   'migration %s of server %s' % (mid, self.before.id))
        return self.migration

    # ----- writes ---------------------------------------------------------
    def _migrate(self, live, host, services, known_ids):
        p = self.params
        server = self.before
        val.check_server_state(server, live)
        warnings = []
        if host:
            warnings = val.check_target(host, services, server, force=p['force'])
        if live:
            version, body = mv.choose_live_migrate(self.versions, host, p['force'], p['block_migration'])
        else:
            version, body = mv.choose_cold_migrate(self.versions, host, p['force'])
            if not p['force']:
                # openstacksdk's migrate_server sends this body at min(2.100, cloud maximum).
                version = mv.choose_server_read(self.versions)
        for warning in warnings:
            self.ansible.warn('force=true: target host %s accepted although %s.' % (host, warning))
        kind = 'live migration' if live else 'cold migration'
        self.action = val.MIGRATE
        if self.check_mode:
            return self._finish('Would start a %s of server %s from %s to %s.'
                                % (kind, server.id, server.host, host or 'a host chosen by the scheduler'), True)

        self.step = 'starting the %s (microversion %s)' % (kind, version)
        try:
            if live:
                # Raw: the SDK's live_migrate_server pins 2.30, where Nova's pre-checks are synchronous (NoValidHost = HTTP 400; async from 2.34).
                self.api.post('/servers/%s/action' % server.id, json=body, microversion=version)
            elif p['force']:
                # Raw: the SDK's migrate_server has no force.
                self.api.post('/servers/%s/action' % server.id, json=body, microversion=version)
            else:
                sdk_action(self.compute.migrate_server, server.id, host=host)
        except Exception as exc:  # pylint: disable=broad-except
            details = str(getattr(exc, 'details', '') or exc)
            if (not live and p['force'] and getattr(exc, 'status_code', None) == 400
                    and 'force' in details):
                raise ValidationError('%s (Nova said: %s)' % (FORCE_REJECTED_HINT, details), http_status=400) from exc
            raise
        self.changed_so_far = True
        self.step = None
        # Until our own record is read, any record held is an earlier migration's: keeping it would let an old
        # error fail this run, or make the confirm check and report the old record.
        self.migration = None
        mtype = mig.LIVE if live else mig.COLD

        if not p['wait']:
            self._get()
            records = self._records(mtype)
            self.migration = mig.newest([r for r in records if r['id'] not in known_ids])
            return self._finish('%s of server %s from %s requested (microversion %s); not waiting.'
                                % (kind.capitalize(), server.id, server.host, version), True)
        if live:
            return self._wait_live(host, known_ids)
        return self._wait_cold(host, known_ids)

    def _ours(self, mtype, known_ids):
        return mig.newest([r for r in self._records(mtype) if r['id'] not in known_ids])

    def _wait_live(self, host, known_ids):
        expected = val.original_status(self.before)

        def fetch():
            server = self._get()
            if server.status != 'MIGRATING' and not server.task_state:
                self.migration = self._ours(mig.LIVE, known_ids) or self.migration
            return server

        def done(server):
            return (self.migration is not None and not self.migration.get('in_progress')
                    and server.status != 'MIGRATING' and not server.task_state)

        def failed(server):
            if server.status == 'ERROR':
                return 'Live migration of server %s failed: the server went to ERROR.' % server.id
            if self.migration and self.migration.get('status') in mig.FAILURE:
                return 'Live migration of server %s from %s failed.' % (server.id, self.before.host)
            return None

        self._wait(fetch, done, failed, 'the live migration of server %s' % self.before.id)
        problems = val.live_result_problems(self.before, self.current, self.migration, host, expected)
        if problems:
            raise self._failure('Live migration of server %s could not be verified: %s.'
                                % (self.before.id, '; '.join(problems)))
        return self._finish('Server %s live-migrated from %s to %s; status %s.'
                            % (self.before.id, self.before.host, self.current.host, self.current.status), True)

    def _wait_cold(self, host, known_ids):
        expected = val.original_status(self.before)

        def fetch():
            server = self._get()
            # While RESIZE/VERIFY_RESIZE the server itself tells the story; the
            # migration record is read only when the server looks settled
            # elsewhere (failure, or a cloud that auto-confirms).
            if server.status not in ('RESIZE', 'VERIFY_RESIZE') and not server.task_state:
                self.migration = self._ours(mig.COLD, known_ids) or self.migration
            return server

        def done(server):
            if server.task_state:
                return False
            if server.status == 'VERIFY_RESIZE':
                return True
            if self.migration is None or self.migration.get('in_progress'):
                return False
            if self.migration.get('status') == 'confirmed':
                return server.status == expected
            return self.migration.get('status') not in mig.AWAITING_CONFIRM

        def failed(server):
            if server.status == 'ERROR':
                return 'Cold migration of server %s failed: the server went to ERROR.' % server.id
            if self.migration and self.migration.get('status') in mig.FAILURE | mig.REVERTED:
                return 'Cold migration of server %s from %s failed.' % (server.id, self.before.host)
            return None

        self._wait(fetch, done, failed, 'the cold migration of server %s' % self.before.id)
        if self.current.status != 'VERIFY_RESIZE':
            # Auto-confirmed by the cloud (resize_confirm_window > 0) or ended without moving.
            return self._verify_cold(host, True, expected, 'cold-migrated (confirmed by the cloud)')
        if self.current.host == self.before.host or (host and self.current.host != host):
            self.migration = self._ours(mig.COLD, known_ids) or self.migration
            raise self._failure('Cold migration of server %s ended in VERIFY_RESIZE on %s, expected %s; not confirming.'
                                % (self.before.id, self.current.host, host or 'another host than %s' % self.before.host))
        if not self.params['confirm']:
            self.migration = self._ours(mig.COLD, known_ids) or self.migration
            problems = val.cold_result_problems(self.before, self.current, self.migration, host, confirmed=False,
                                                expected_status=expected)
            if problems:
                raise self._failure('Cold migration of server %s could not be verified: %s.'
                                    % (self.before.id, '; '.join(problems)))
            return self._finish('Server %s cold-migrated from %s to %s; left in %s for confirmation (confirm=false).'
                                % (self.before.id, self.before.host, self.current.host, self.current.status), True)
        return self._confirm_and_verify(self.migration, host, changed_before=True, expected=expected,
                                        known_ids=known_ids)

    def _confirm_request(self):
        self.step = 'confirming the migration'
        sdk_action(self.compute.confirm_server_resize, self.before.id)
        self.changed_so_far = True
        self.step = None

    def _confirm_and_verify(self, migration, host, changed_before, expected, known_ids=None):
        """Confirm the resize, then wait until the record is confirmed and the status is the original one.

        ``migration`` is the record being confirmed; when it is not known yet
        (our own migration, record not read), the newest cold migration
        record not in ``known_ids`` is used.
        """
        if not changed_before:
            self.action = val.CONFIRM
        self.migration = migration
        self._confirm_request()
        mid = migration['id'] if migration else None

        def fetch():
            server = self._get()
            if server.status != 'VERIFY_RESIZE' and not server.task_state:
                records = self._records(mig.COLD)
                if mid is not None:  # noqa: SIM108 - two different lookups read better apart
                    found = mig.by_id(records, mid)
                else:
                    found = mig.newest([r for r in records if r['id'] not in (known_ids or ())])
                self.migration = found or self.migration
            return server

        def done(server):
            return (self.migration is not None and self.migration.get('status') == 'confirmed'
                    and server.status == expected and not server.task_state)

        def failed(server):
            if server.status == 'ERROR':
                return 'Confirming the migration of server %s failed: the server went to ERROR.' % server.id
            if self.migration and self.migration.get('status') in mig.FAILURE | mig.REVERTED:
                return 'Confirming migration %s of server %s failed.' % (self.migration.get('id'), server.id)
            return None

        self._wait(fetch, done, failed, 'the confirmation of the migration of server %s' % self.before.id)
        return self._verify_cold(host, True, expected, 'cold-migrated and confirmed')

    def _verify_cold(self, host, confirmed, expected, what):
        # The "before" of a confirm-only run is already on the destination; compare with the record's source.
        reference = self.before
        if self.before.status == 'VERIFY_RESIZE' or self.before.host == self.current.host:
            source = self.migration.get('source_compute')
            if source and source != self.current.host:
                reference = self.before.__class__(id=self.before.id, host=source, status=expected)
        problems = val.cold_result_problems(reference, self.current, self.migration, host, confirmed=confirmed,
                                            expected_status=expected)
        if problems:
            raise self._failure('Cold migration of server %s could not be verified: %s.'
                                % (self.before.id, '; '.join(problems)))
        return self._finish('Server %s %s from %s to %s; status %s.'
                            % (self.before.id, what, reference.host, self.current.host, self.current.status), True)


def main():
    module = ServerMigrateModule()
    module()


if __name__ == '__main__':
    main()
