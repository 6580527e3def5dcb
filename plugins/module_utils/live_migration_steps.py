# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of one server's live migration after the request: wait until the record leaves its running states and
the server its task, then verify that the host changed, the record is completed and the status is what it was.
A mixin of ServerMigration (server_migration.py), whose state it uses."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import validation as val


class LiveMigrationSteps(object):
    """Wait and verify; see ServerMigration for the attributes used."""

    def _wait_live(self, host):
        expected = val.original_status(self.before)

        def fetch():
            server = self._get()
            if server.status != 'MIGRATING' and not server.task_state:
                self.migration = self._ours(nova.LIVE) or self.migration
            return server

        def done(server):
            return (self.migration is not None and not self.migration.get('in_progress')
                    and server.status != 'MIGRATING' and not server.task_state)

        def failed(server):
            if server.status == 'ERROR':
                return 'Live migration of server %s failed: the server went to ERROR.' % server.label
            if self.migration and self.migration.get('status') in nova.FAILURE:
                return 'Live migration of server %s from %s failed.' % (server.label, self.before.host)
            return None

        self._wait(fetch, done, failed, 'the live migration of server %s' % self.before.label, phase='live')
        problems = val.live_result_problems(self.before, self.current, self.migration, host, expected)
        if problems:
            raise self._failure('Live migration of server %s could not be verified: %s.'
                                % (self.before.label, '; '.join(problems)))
        return self._finish('Server %s live-migrated from %s to %s; status %s.'
                            % (self.before.label, self.before.host, self.current.host, self.current.status), True)
