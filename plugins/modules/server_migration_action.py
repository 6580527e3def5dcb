#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: server_migration_action
short_description: Finish an OpenStack server migration (confirm, revert, abort, force complete)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - V(confirm) and V(revert) act on a cold migration (or resize) waiting in C(VERIFY_RESIZE).
  - V(abort) cancels a live migration in progress; V(force_complete) asks a running live migration to finish
    (the guest is paused for the final copy).
  - Idempotent. An already confirmed migration is not confirmed again (C(changed=false)), nor is an already
    reverted one reverted or an already cancelled one aborted. Actions that can no longer apply fail with
    a clear message, for example reverting a confirmed migration or aborting a completed one.
  - With O(wait=true) the outcome is verified. Confirm needs the record C(confirmed), the server on the
    destination and back to its status before the migration. Revert needs the record C(reverted) and the server back
    on the source. Abort needs C(cancelled) and the server on the source. Force complete needs
    C(completed) and the server on the destination.
  - A confirm or revert that Nova refuses because the cloud (C(resize_confirm_window)) or someone else did it first
    is not a failure. The module reads the migration again, waits for and verifies the same end state, and returns
    C(changed=false).
options:
  action:
    description:
      - What to do with the migration.
    type: str
    required: true
    choices: [confirm, revert, abort, force_complete]
  migration_id:
    description:
      - Integer ID (or UUID) of the migration record.
      - Optional. By default V(confirm)/V(revert) use the server's newest cold migration or resize, and
        V(abort)/V(force_complete) use its live migration in progress (else its newest live migration).
    type: str
  server:
    description:
      - Name or ID of the server.
    type: str
    required: true
    aliases: [name]
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Reads the state and predicts C(changed); nothing is written.
    support: full
'''

EXAMPLES = r'''
- name: Confirm a cold migration left in VERIFY_RESIZE
  novaops.migration.server_migration_action:
    cloud: mycloud
    server: web-1
    action: confirm

- name: Revert it instead (the server goes back to the source host)
  novaops.migration.server_migration_action:
    server: web-1
    action: revert

- name: Abort the live migration in progress
  novaops.migration.server_migration_action:
    server: db-1
    action: abort
    timeout: 300
'''

RETURN = r'''
migration:
  description: The migration record acted on, after the action.
  returned: always
  type: dict
  contains:
    id:
      description: Integer ID of the record.
      type: int
    uuid:
      description: UUID of the record (microversion 2.59 and later).
      type: str
    type:
      description: Migration type (C(cold-migration), C(resize), C(live-migration), C(evacuation)).
      type: str
    migration_type:
      description: Nova's migration type.
      type: str
    status:
      description: Status of the record.
      type: str
    in_progress:
      description: Whether the status counts as in progress.
      type: bool
    source_compute:
      description: Source compute host.
      type: str
    dest_compute:
      description: Destination compute host.
      type: str
    created_at:
      description: Creation time.
      type: str
    updated_at:
      description: Time of the last update.
      type: str
msg:
  description: Human readable summary.
  returned: always
  type: str
server:
  description: The server after the action (id, name, status, host, vm_state, task_state, power_state, ...).
  returned: always
  type: dict
server_before:
  description: The server before the action, same keys as RV(server).
  returned: always
  type: dict
elapsed:
  description: Seconds the module ran.
  returned: always
  type: float
'''

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.migration_action import (
    BY_SOMEONE_ELSE,
    PAST,
    action_failure,
    action_name,
    decide_action,
    end_problems,
    goal_reached,
    refused_because_done_elsewhere,
    send_action,
)
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    MigrationFailed,
    ResourceNotFound,
    ValidationError,
    WaitFailed,
    WaitTimeout,
)
from ansible_collections.novaops.migration.plugins.module_utils.servers import find_server, get_server
from ansible_collections.novaops.migration.plugins.module_utils.waiter import wait_until


class ServerMigrationActionModule(NovaOpsModule):
    argument_spec = dict(
        action=dict(type='str', required=True, choices=['confirm', 'revert', 'abort', 'force_complete']),
        migration_id=dict(type='str'),
        server=dict(type='str', required=True, aliases=['name']),
    )
    module_kwargs = dict(supports_check_mode=True)

    def __init__(self):
        super(ServerMigrationActionModule, self).__init__()
        self.before = None
        self.current = None
        self.migration = None

    def failure_context(self):
        return {
            'server_before': self.before.summary() if self.before else None,
            'server': self.current.summary() if self.current else None,
            'migration': mig.summary(self.migration),
        }

    def _finish(self, msg, changed):
        self.exit_json(changed=changed, msg=msg, migration=mig.summary(self.migration),
                       server_before=self.before.summary(), server=self.current.summary(), elapsed=self.elapsed())

    def _get(self):
        self.current = get_server(self.compute, self.before.id, mv.choose_server_read(self.versions))
        return self.current

    def _reload_migration(self):
        records = mig.list_for_server(self.compute, self.versions, self.before.id)
        found = mig.by_id(records, self.migration['id'])
        if found is not None:
            self.migration = found
        return self.migration

    def _find_migration(self, action):
        records = mig.list_for_server(self.compute, self.versions, self.before.id)
        wanted = self.params.get('migration_id')
        if wanted:
            found = mig.by_id(records, wanted)
            if found is None:
                raise ResourceNotFound('Migration %s not found for server %s.' % (wanted, self.before.id),
                                       migration_id=wanted)
            kinds = (nova.COLD, nova.RESIZE) if action in ('confirm', 'revert') else (nova.LIVE,)
            if found.get('migration_type') not in kinds:
                raise ValidationError('Migration %s is a %s; %s applies to %s only.'
                                      % (wanted, found.get('migration_type'), action, ' or '.join(kinds)),
                                      migration=found)
            return found
        if action in ('confirm', 'revert'):
            cold = [r for r in records if r.get('migration_type') in (nova.COLD, nova.RESIZE)]
            found = mig.newest(cold)
            if found is None:
                raise ResourceNotFound('Server %s has no cold migration or resize to %s.' % (self.before.id, action))
            return found
        live = [r for r in records if r.get('migration_type') == nova.LIVE]
        found = mig.newest([r for r in live if r.get('in_progress')]) or mig.newest(live)
        if found is None:
            raise ResourceNotFound('Server %s has no live migration to %s.' % (self.before.id, action_name(action)))
        return found

    def _wait(self, fetch, done, failed, what):
        try:
            wait_until(fetch, done, failed, timeout=self.remaining(), clock=self.clock, sleep=self.sleep,
                       what=what, delay_first=True)
        except WaitTimeout as exc:
            raise WaitTimeout('%s Last seen: migration %s status %s; server on %s in status %s.'
                              % (exc.msg, self.migration.get('id'), self.migration.get('status'),
                                 self.current.host, self.current.status)) from exc
        except WaitFailed as exc:
            raise MigrationFailed('%s Server %s is on %s in status %s.%s'
                                  % (exc.msg, self.current.id, self.current.host, self.current.status,
                                     ' Fault: %s.' % self.current.fault if self.current.fault else ''),
                                  migration_status=self.migration.get('status')) from exc

    def _wait_until_actionable(self, action):
        """Wait until the record leaves the statuses where ``action`` has to wait (a transition in progress)."""
        def fetch():
            self._get()
            return self._reload_migration()
        self._wait(fetch, lambda m: decide_action(action, m.get('status'), self.versions) != 'wait', None,
                   'migration %s to leave status %s' % (self.migration.get('id'), self.migration.get('status')))

    def run(self):
        action = self.params['action']
        val.check_named('server', self.params['server'], val.SERVER_HINT)
        val.check_named('migration_id', self.params.get('migration_id'),
                        'Give the migration ID, or leave migration_id out (omit) to act on the newest matching one.')
        self.step = 'looking up the server'
        self.before = find_server(self.compute, self.params['server'], mv.choose_server_read(self.versions))
        self.current = self.before
        self.step = 'looking up the migration'
        self.migration = self._find_migration(action)

        for _round in range(3):
            outcome = decide_action(action, self.migration.get('status'), self.versions)
            if outcome == 'done':
                return self._finish('Nothing to do: migration %s is already %s.'
                                    % (self.migration.get('id'), self.migration.get('status')), False)
            if outcome == 'wait':
                if self.check_mode or not self.params['wait']:
                    return self._finish('Migration %s is in status %s; %s would follow once it leaves that status.'
                                        % (self.migration.get('id'), self.migration.get('status'), action),
                                        self.check_mode)
                self._wait_until_actionable(action)
                continue
            if outcome != 'act':
                raise ValidationError('Cannot %s migration %s of server %s: %s.'
                                      % (action_name(action), self.migration.get('id'), self.before.id, outcome),
                                      migration=mig.summary(self.migration))
            return self._act(action)
        raise MigrationFailed('Migration %s kept changing status; giving up.' % self.migration.get('id'))

    def _expected_status(self):
        server = self.current
        if server.status in ('ACTIVE', 'SHUTOFF', 'PAUSED'):
            return server.status
        # VERIFY_RESIZE / MIGRATING: derive from the power state (preserved by Nova).
        return val.original_status(server)

    def _act(self, action):
        expected = self._expected_status()
        mid = self.migration.get('id')
        if self.check_mode:
            return self._finish('Would %s migration %s of server %s.' % (action_name(action), mid, self.before.id), True)
        self.step = '%s of migration %s' % (action_name(action), mid)
        sent = self._send(action, mid)
        self.changed_so_far = sent
        self.step = None
        if not sent and not self.params['wait']:
            return self._finish('Migration %s was already %s by %s (status %s); not waiting.'
                                % (mid, PAST[action], BY_SOMEONE_ELSE[action], self.migration.get('status')), False)
        if not self.params['wait']:
            return self._finish('%s of migration %s requested; not waiting.' % (action_name(action).capitalize(), mid), True)

        def fetch():
            server = self._get()
            if not server.task_state and server.status not in ('MIGRATING', 'RESIZE', 'REVERT_RESIZE'):
                self._reload_migration()
            return server

        def failed(server):
            return action_failure(action, self.migration, server)

        if sent or not goal_reached(action, self.migration, self.current, expected):
            self._wait(fetch, lambda server: goal_reached(action, self.migration, server, expected), failed,
                       '%s of migration %s' % (action_name(action), mid))
        problems = end_problems(action, self.migration, self.current)
        if problems:
            raise MigrationFailed('%s of migration %s could not be verified: %s.'
                                  % (action_name(action).capitalize(), mid, '; '.join(problems)))
        return self._finish('Migration %s %s%s: status %s; server on %s in status %s.'
                            % (mid, PAST[action], '' if sent else ' by %s' % BY_SOMEONE_ELSE[action],
                               self.migration.get('status'), self.current.host, self.current.status), sent)

    def _send(self, action, mid):
        """Send the action.  True when Nova accepted it; False when a confirm or revert was refused because
        someone else did it first (the server and record are read again to tell); other refusals are raised."""
        try:
            send_action(self.compute, self.versions, action, self.before.id, mid)
        except Exception as exc:  # pylint: disable=broad-except
            if action not in ('confirm', 'revert'):
                raise
            step, self.step = self.step, 'reading the migration after the refused %s' % action
            self._get()
            self._reload_migration()
            self.step = step
            if not refused_because_done_elsewhere(action, exc, self.migration):
                raise
            return False
        return True


def main():
    module = ServerMigrationActionModule()
    module()


if __name__ == '__main__':
    main()
