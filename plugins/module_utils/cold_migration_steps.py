# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of one server's cold migration after the migrate request: wait for VERIFY_RESIZE, confirm (or find that
the cloud or someone else confirmed), and verify that the host changed, the record is confirmed and the status is
back to what it was.  A mixin of ServerMigration (server_migration.py), whose state it uses."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.migration_action import (
    BY_SOMEONE_ELSE,
    action_failure,
    goal_reached,
    refused_because_done_elsewhere,
    send_action,
)


class ColdMigrationSteps(object):
    """Wait, confirm and verify; see ServerMigration for the attributes used."""

    def _wait_cold(self, host):
        expected = val.original_status(self.before)

        def fetch():
            server = self._get()
            # While RESIZE/VERIFY_RESIZE the server itself tells the story; the
            # migration record is read only when the server looks settled
            # elsewhere (failure, or a cloud that auto-confirms).
            if server.status not in ('RESIZE', 'VERIFY_RESIZE') and not server.task_state:
                self.migration = self._ours(nova.COLD) or self.migration
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
            return self.migration.get('status') not in nova.AWAITING_CONFIRM

        def failed(server):
            if server.status == 'ERROR':
                return 'Cold migration of server %s failed: the server went to ERROR.' % server.label
            if self.migration and self.migration.get('status') in nova.FAILURE | nova.REVERTED:
                return 'Cold migration of server %s from %s failed.' % (server.label, self.before.host)
            return None

        self._wait(fetch, done, failed, 'the cold migration of server %s' % self.before.label, phase='migrate')
        if self.current.status != 'VERIFY_RESIZE':
            # Auto-confirmed by the cloud (resize_confirm_window > 0) or ended without moving.
            return self._verify_cold(host, True, expected, 'cold-migrated (confirmed by the cloud)')
        if self.current.host == self.before.host or (host and self.current.host != host):
            self.migration = self._ours(nova.COLD) or self.migration
            raise self._failure('Cold migration of server %s ended in VERIFY_RESIZE on %s, expected %s; not confirming.'
                                % (self.before.label, self.current.host, host or 'another host than %s' % self.before.host))
        if not self.params['confirm']:
            self.migration = self._ours(nova.COLD) or self.migration
            problems = val.cold_result_problems(self.before, self.current, self.migration, host, confirmed=False,
                                                expected_status=expected)
            if problems:
                raise self._failure('Cold migration of server %s could not be verified: %s.'
                                    % (self.before.label, '; '.join(problems)))
            return self._finish('Server %s cold-migrated from %s to %s; left in %s for confirmation (confirm=false).'
                                % (self.before.label, self.before.host, self.current.host, self.current.status), True)
        if self.on_moved is not None:
            # The server waits on its destination: the source is done with it.
            self.on_moved(dict(self.timings))
        return self._confirm_and_verify(self.migration, host, changed_before=True, expected=expected,
                                        ours=True)

    def _cold_record(self, mid, ours):
        """The cold migration record ``mid`` or, when not known yet, the newest one (created by this run when ``ours``)."""
        records = self._records(nova.COLD)
        if mid is not None:
            return mig.by_id(records, mid)
        return mig.newest([r for r in records if not ours or self._is_new(r)])

    def _confirm_request(self, migration, ours=False):
        """POST confirmResize.  True when Nova accepted it; False when it refused because another confirm came first.

        On a refusal the server and its record are read again: a record that is ``confirming`` or ``confirmed``
        was confirmed by someone else (the caller then waits for and verifies the same end state).  Any other
        refusal is raised, with the fresh state in the failure.
        """
        self.step = 'confirming the migration'
        try:
            send_action(self.compute, self.versions, 'confirm', self.before.id)
        except Exception as exc:  # pylint: disable=broad-except
            if getattr(exc, 'status_code', None) not in nova.CONFIRM_REFUSED:
                raise
            self.step = 'reading the server after the refused confirmation'
            self._get()
            self.migration = self._cold_record(migration['id'] if migration else None, ours) or self.migration
            status = self.migration.get('status') if self.migration else None
            if refused_because_done_elsewhere('confirm', exc, self.migration):
                self.step = None
                return False
            if status in nova.REVERTED_ELSEWHERE:
                raise self._failure('Migration %s of server %s was %s by someone else before it could be confirmed; '
                                    'the server goes back to the source host.'
                                    % (self.migration.get('id'), self.before.label, status)) from exc
            self.step = 'confirming the migration'
            raise
        self.changed_so_far = True
        self.step = None
        return True

    def _confirm_and_verify(self, migration, host, changed_before, expected, ours=False):
        """Confirm the resize, then wait until the record is confirmed and the status is the original one.

        ``migration`` is the record being confirmed; when it is not known yet
        (our own migration, record not read), the newest cold migration
        record is used, among the records created by this run when ``ours``.
        """
        if not changed_before:
            self.action = val.CONFIRM
        self.migration = migration
        sent = self._confirm_request(migration, ours)
        if self.migration is not None and migration is None:
            migration = self.migration
        mid = migration['id'] if migration else None

        def fetch():
            server = self._get()
            # A confirm by someone else keeps VERIFY_RESIZE until it ends; read the record all along then.
            if (server.status != 'VERIFY_RESIZE' or not sent) and not server.task_state:
                self.migration = self._cold_record(mid, ours) or self.migration
            return server

        def done(server):
            return self.migration is not None and goal_reached('confirm', self.migration, server, expected)

        def failed(server):
            return action_failure('confirm', self.migration, server)

        if sent or not done(self.current):
            # Once the caller has moved on (on_moved), nothing waits on the confirmation but the result: one poll
            # where the last one was seen done is enough.
            self._wait(fetch, done, failed, 'the confirmation of the migration of server %s' % self.before.label,
                       phase='confirm' if sent else None, prompt=self.on_moved is None)
        if sent:
            return self._verify_cold(host, True, expected, 'cold-migrated and confirmed')
        return self._verify_cold(host, True, expected, 'cold-migrated (confirmed by %s)' % BY_SOMEONE_ELSE['confirm'],
                                 changed=changed_before)

    def _verify_cold(self, host, confirmed, expected, what, changed=True):
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
                                % (self.before.label, '; '.join(problems)))
        return self._finish('Server %s %s from %s to %s; status %s.'
                            % (self.before.label, what, reference.host, self.current.host, self.current.status), changed)
