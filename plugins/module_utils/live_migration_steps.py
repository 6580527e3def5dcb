# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of one server's live migration after the request: wait until the record leaves its running states and
the server its task, then verify that the host changed, the record is completed and the status is what it was.
A mixin of ServerMigration (server_migration.py), whose state it uses.

With ``on_stall`` the wait also watches the copy's progress: Nova's libvirt driver saves the job's byte counters
into the migration record while it runs (``memory_*`` and ``disk_*``, shown by GET /servers/{id}/migrations/{id} from
microversion 2.23).  The copy progresses when the bytes remaining (memory plus disk) reach a new minimum.  A guest
that dirties memory as fast as it is sent makes the remaining bytes rise and fall again without ever getting lower:
that is not progress, and once no new minimum has been seen for ``stall_timeout`` seconds the migration is stalled.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import url_path
from ansible_collections.novaops.migration.plugins.module_utils.errors import MigrationFailed, WaitTimeout
from ansible_collections.novaops.migration.plugins.module_utils.migration_action import (
    action_failure,
    decide_action,
    end_problems,
    goal_reached,
    send_action,
)


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


class ProgressWatch(object):
    """Tells progress from a stall in the byte counters of one running live migration.

    :meth:`update` takes each read of the record (or None when it could not be read) and the time; :attr:`stalled`
    is true once no new minimum of the remaining bytes has been seen for ``stall_timeout`` seconds.  A change of the
    record's status (queued, preparing, running) counts as progress too, so the clock starts over when the copy
    starts.
    """

    def __init__(self, stall_timeout, now):
        self.stall_timeout = float(stall_timeout)
        self.since = now
        self.status = None
        self.lowest = None
        self.total = None
        self.remaining = None
        self.processed = None
        self.processed_at_lowest = None
        self.rises = 0

    def update(self, record, now):
        """Take one read; returns True while the migration is not stalled."""
        if not record:
            return not self.stalled_at(now)
        status = record.get('status')
        if status != self.status:
            self.status, self.since = status, now
        memory, disk = _number(record.get('memory_remaining_bytes')), _number(record.get('disk_remaining_bytes'))
        totals = [_number(record.get('memory_total_bytes')), _number(record.get('disk_total_bytes'))]
        if memory is None and disk is None:
            return not self.stalled_at(now)
        remaining = (memory or 0) + (disk or 0)
        total = sum(t for t in totals if t is not None)
        processed = _number(record.get('memory_processed_bytes'))
        if total:
            self.total = total
        if self.remaining is not None and remaining > self.remaining:
            self.rises += 1
        self.remaining, self.processed = remaining, processed
        if self.lowest is None or remaining < self.lowest:
            self.lowest, self.since, self.processed_at_lowest = remaining, now, processed
        return not self.stalled_at(now)

    def stalled_at(self, now):
        return now - self.since >= self.stall_timeout

    def percent(self):
        """How much of the copy is done, from the lowest remaining seen (None when unknown)."""
        if not self.total or self.lowest is None:
            return None
        return max(0, min(100, int(100 * (self.total - self.lowest) / self.total)))

    def describe(self, now):
        """``at 62% (no new low of the bytes remaining for 120 s; ...)`` for the messages."""
        percent = self.percent()
        how = []
        if self.processed is not None and self.processed_at_lowest is not None \
                and self.processed > self.processed_at_lowest:
            how.append('memory is being sent again as fast as the guest dirties it')
        elif self.rises:
            how.append('the bytes remaining rose and fell without getting lower')
        else:
            how.append('nothing was copied')
        return '%s(no new low of the bytes remaining for %d s: %s)' % (
            'at %d%% ' % percent if percent is not None else 'in status %s ' % self.status,
            int(now - self.since), how[0])


class LiveMigrationSteps(object):
    """Wait and verify; see ServerMigration for the attributes used."""

    def _watching(self):
        """Whether this live migration's progress is read: on_stall is given and the cloud can show it (2.23)."""
        return bool(self.params.get('on_stall')) and self.versions.max >= mv.V_SERVER_MIGRATIONS

    def _read_progress(self):
        """The running live migration of the server with its counters (one GET), or None once it is not running.

        Until its id is known, the in-progress list of the server (GET /servers/{id}/migrations); then that one
        record.  Nova shows only in-progress live migrations there: a 404 means it has ended.
        """
        version = mv.choose_server_migration_show(self.versions)
        if self._live_id is None:
            body = self.api.get(url_path('/servers/%s/migrations', self.before.id), microversion=version) or {}
            records = [mig.normalize(r) for r in body.get('migrations') or []]
            records = [r for r in records if r.get('id') is not None and self._is_new(r)] or records
            found = mig.newest(records)
            if found is not None:
                self._live_id = found['id']
            return found
        try:
            body = self.api.get(url_path('/servers/%s/migrations/%s', self.before.id, self._live_id),
                                microversion=version) or {}
        except Exception as exc:  # pylint: disable=broad-except
            if getattr(exc, 'status_code', None) == 404:
                return None
            raise
        return mig.normalize(body.get('migration') or {})

    def _wait_live(self, host):
        expected = val.original_status(self.before)
        watch = ProgressWatch(self.params.get('stall_timeout') or 120, self.session.clock()) if self._watching() else None
        self._live_id = None
        self.stall = None       # where and how the copy stalled, once it did (for the messages)
        acted = []

        def fetch():
            server = self._get()
            if watch is not None and not acted and (server.status == 'MIGRATING' or server.task_state):
                try:
                    record = self._read_progress()
                except Exception as exc:  # pylint: disable=broad-except
                    if getattr(exc, 'status_code', None) != 403:
                        raise
                    # Nova's policy lets only admins read a migration's progress by default.
                    self.warnings.append('on_stall=%s: the progress of live migration %s cannot be read (HTTP 403: '
                                         '%s), so a stall is not detected; waiting until the timeout.'
                                         % (self.params.get('on_stall'), self._live_id or '?',
                                            str(getattr(exc, 'details', '') or exc)))
                    acted.append('unreadable')
                    return server
                if record is not None:
                    self.progress = record
                now = self.session.clock()
                if not watch.update(record, now) and record is not None:
                    outcome = self._on_stall(watch, record, now)
                    if outcome:
                        acted.append(outcome)
            if server.status != 'MIGRATING' and not server.task_state:
                self.migration = self._ours(nova.LIVE) or self.migration
            return server

        def done(server):
            return (self.migration is not None and not self.migration.get('in_progress')
                    and server.status != 'MIGRATING' and not server.task_state)

        def failed(server):
            if server.status == 'ERROR':
                return 'Live migration of server %s failed: the server went to ERROR.' % server.label
            if acted and acted[0] == 'abort' and self.migration and self.migration.get('status') == 'cancelled':
                return None
            if self.migration and self.migration.get('status') in nova.FAILURE:
                return 'Live migration of server %s from %s failed.' % (server.label, self.before.host)
            return None

        try:
            self._wait(fetch, done, failed, 'the live migration of server %s' % self.before.label, phase='live')
        except WaitTimeout as exc:
            if watch is not None and watch.stalled_at(self.session.clock()) and not acted:
                policy = self.params.get('on_stall')
                raise WaitTimeout('%s The copy stalled %s; on_stall=%s %s. Abort it with '
                                  'novaops.migration.server_migration_action (action=abort) or force it to complete '
                                  '(action=force_complete)%s.'
                                  % (exc.msg, watch.describe(self.session.clock()), policy,
                                     'kept waiting' if policy == 'wait' else
                                     'could not act on it in status %s' % (self.progress or {}).get('status'),
                                     ', or set on_stall to force_complete or abort' if policy == 'wait' else '')) from exc
            raise
        if acted:
            # A wait that a stall made long is no guide to how long the next live migration takes.
            self.timings.pop('live', None)
        if acted and acted[0] == 'abort':
            return self._verify_aborted(expected)
        problems = val.live_result_problems(self.before, self.current, self.migration, host, expected)
        if problems:
            raise self._failure('Live migration of server %s could not be verified: %s.'
                                % (self.before.label, '; '.join(problems)))
        forced = ''
        if acted and acted[0] == 'force_complete':
            forced = ' (force-completed after the copy stalled %s)' % self.stall
        return self._finish('Server %s live-migrated from %s to %s%s; status %s.'
                            % (self.before.label, self.before.host, self.current.host, forced, self.current.status),
                            True)

    def _on_stall(self, watch, record, now):
        """Apply on_stall to the stalled ``record``; returns what was done (wait, force_complete, abort, none)."""
        policy = self.params.get('on_stall') or 'wait'
        self.stall = watch.describe(now)
        if policy == 'wait':
            # Keep waiting (and watching: the timeout's message says whether it is still stalled).
            return None
        # The rules server_migration_action follows: abort takes a running migration (and from 2.65 a queued or
        # preparing one), force complete a running one; otherwise watch on until the record gets there.
        if decide_action(policy, record.get('status'), self.versions) != 'act':
            watch.since = now
            return None
        self.step = '%s of live migration %s after a stall' % (policy.replace('_', ' '), record.get('id'))
        try:
            send_action(self.compute, self.versions, policy, self.before.id, record.get('id'))
        except Exception as exc:  # pylint: disable=broad-except
            # Nova refuses (400/409) once the record has left the status read a moment ago: the migration is
            # ending on its own, and the wait sees how.
            # 403: the policy does not allow it (force complete and abort are admin-only by default).
            if getattr(exc, 'status_code', None) not in (400, 403, 404, 409):
                raise
            self.warnings.append('on_stall=%s: Nova refused to %s live migration %s (%s); waiting for it to end.'
                                 % (policy, policy.replace('_', ' '), record.get('id'),
                                    str(getattr(exc, 'details', '') or exc)))
            self.step = None
            return 'refused'
        self.step = None
        self.changed_so_far = True
        return policy

    def _verify_aborted(self, expected):
        """After the abort: the record cancelled, the server settled in its status on its source.  Then raise."""
        server = self.current
        problems = []
        if not self.migration or not goal_reached('abort', self.migration, server, expected):
            reason = action_failure('abort', self.migration, server)
            problems.append(reason or 'migration %s is %s and the server is %s'
                            % ((self.migration or {}).get('id'), (self.migration or {}).get('status'), server.status))
        if self.migration:
            problems.extend(end_problems('abort', self.migration, server))
        if server.host != self.before.host:
            problems.append('server is on %s, not on its source %s' % (server.host, self.before.host))
        if problems:
            raise self._failure('Live migration of server %s was aborted after the copy stalled %s, but the server '
                                'could not be verified back on its source: %s.'
                                % (self.before.label, self.stall, '; '.join(problems)))
        self.aborted = True
        raise MigrationFailed(
            'Live migration of server %s was aborted after the copy stalled %s (on_stall=abort): migration %s is '
            'cancelled and the server is verified back on its source %s in status %s. It did not move.'
            % (self.before.label, self.stall, self.migration.get('id'), server.host, server.status),
            migration_status='cancelled')
