# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One server's migration, from validation to a verified result.

The logic behind M(server_migrate), kept apart from the module so that
M(server_migrate_sequence) can run many of them on one connection (one
token, one microversion discovery) instead of paying a module start-up per
server.  Success means what Watcher means by it: the host changed, the
migration record says so, and the status is back to what it was.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils import group_checks
from ansible_collections.novaops.migration.plugins.module_utils import host_checks
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import sdk_action, url_path
from ansible_collections.novaops.migration.plugins.module_utils.migration_action import (
    BY_SOMEONE_ELSE,
)
from ansible_collections.novaops.migration.plugins.module_utils.error_report import describe_exception
from ansible_collections.novaops.migration.plugins.module_utils.cold_migration_steps import ColdMigrationSteps
from ansible_collections.novaops.migration.plugins.module_utils.cold_force import FORCE_REJECTED_HINT, cold_force_accepted
from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    MigrationFailed,
    NovaOpsError,
    ValidationError,
    WaitFailed,
    WaitTimeout,
)
from ansible_collections.novaops.migration.plugins.module_utils.hosts import list_services
from ansible_collections.novaops.migration.plugins.module_utils.live_migration_steps import LiveMigrationSteps
from ansible_collections.novaops.migration.plugins.module_utils.planning import strategy as strat
from ansible_collections.novaops.migration.plugins.module_utils.planning.live_blockers import cold_blockers, live_blockers
from ansible_collections.novaops.migration.plugins.module_utils.servers import action_failure_reason, find_server, get_server
from ansible_collections.novaops.migration.plugins.module_utils.waiter import learned_wait


# Options of one migration, with server_migrate's defaults.
DEFAULTS = dict(block_migration=None, confirm=True, force=False, host=None, live_migration=False,
                source_host=None, wait=True, timeout=1800, strategy=None, allow_cold_for_running=False,
                on_stall=None, stall_timeout=120, fallback='none')
# Nova's answers to os-migrateLive at 2.30 when its pre-checks refuse the move (NoValidHost, MigrationPreCheckError:
# HTTP 400; a server or host in a state that does not allow it: 409). Nothing runs then: a cold fallback may follow.
LIVE_REFUSED = (400, 409)


def check_options(params, versions=None):
    """Option combinations of one migration that contradict each other, and what on_stall needs of the cloud.

    Raises ValidationError (CloudTooOld for the microversion) before any request is written.  ``versions`` None
    leaves the microversion check for later (the module checks it before its first write).
    """
    on_stall, fallback = params.get('on_stall'), params.get('fallback') or 'none'
    strategy = params.get('strategy')
    if not strategy:
        strategy = strat.LIVE if params.get('live_migration') else strat.COLD
    problems = strat.conflicts(strategy, fallback=fallback, on_stall=on_stall,
                               allow_cold_for_running=bool(params.get('allow_cold_for_running')))
    if problems:
        if not params.get('strategy'):
            problems = [text.replace('strategy=%s' % strategy, 'live_migration=%s (strategy=%s)'
                                     % ('true' if strategy == strat.LIVE else 'false or unset', strategy), 1)
                        for text in problems]
        raise ValidationError('Contradicting options: %s. Nothing was changed.' % '; '.join(problems))
    if params.get('wait') is False and (on_stall not in (None, 'wait') or fallback != 'none'):
        raise ValidationError('on_stall=%s and fallback=%s act while the module waits for the live migration, but '
                              'wait=false: drop on_stall and fallback, or set wait=true. Nothing was changed.'
                              % (on_stall, fallback))
    stall_timeout = params.get('stall_timeout')
    if stall_timeout is not None and stall_timeout <= 0:
        raise ValidationError('stall_timeout must be more than 0 seconds, got %s. Nothing was changed.' % stall_timeout)
    if versions is not None and on_stall:
        mv.check_stall_policy(versions, on_stall)


def choose_mode(server, strategy, allow_cold_for_running=False, fallback='none'):
    """``(live, reason, blockers)`` for ``server`` (a ServerView) under ``strategy``, at the moment it is to move.

    Raises ValidationError (nothing is changed) for a server the strategy would skip, with the reason and what to
    change.  A status no migration accepts is left to check_server_state, which says what to do about it.
    """
    flavor = server.flavor if isinstance(server.flavor, dict) else None
    blockers = live_blockers(flavor)
    if server.status not in ('ACTIVE', 'PAUSED', 'SHUTOFF'):
        return strategy != strat.COLD, 'strategy %s' % strategy, blockers
    action, reason, _fallback = strat.decide(server.status, strategy, blockers=blockers,
                                             allow_cold_for_running=allow_cold_for_running, fallback=fallback or 'none',
                                             cold_blockers=cold_blockers(flavor))
    if action == strat.SKIP:
        raise ValidationError('Server %s is not migrated with strategy %s: %s. Nothing was changed.'
                              % (server.label, strategy, reason), mode_reason=reason, live_blockers=blockers)
    return action == strat.LIVE, reason, blockers


class ServerMigration(ColdMigrationSteps, LiveMigrationSteps):
    """Migrate one server, or find that nothing needs doing.

    :param session: the module that runs it (a NovaOpsModule): its ``api``,
        ``compute``, ``versions``, ``clock``, ``sleep`` and ``check_mode``.
    :param params: ``server`` plus the keys of :data:`DEFAULTS`.
    :param watermark: optional id of the newest migration record of the
        whole cloud before this run (``GET /os-migrations?limit=1``).  Any
        record of the server above it is ours, so a settled server needs no
        read of its migration history before the write.
    :param hints: optional ``{'migrate': bracket, 'confirm': bracket}``,
        where the previous migration's waits ended (its :attr:`timings`, see
        :func:`learned_wait`): polling then starts around the expected end
        instead of on the fixed schedule.
    :param on_moved: optional callable, called once with the timings so far
        when a cold migration has brought the server to its destination and
        only its confirmation is left (VERIFY_RESIZE): the source host is no
        longer involved, so a caller that limits migrations per source may
        start the next one, and poll it around this one's arrival.

    :meth:`execute` never raises: it returns ``(ok, result)``, where result
    holds the keys server_migrate returns (or fails with).
    """

    MAX_ROUNDS = 3
    # Seconds a wait=false run looks for the record of the migration it requested (see _record_after_accept).
    RECORD_WAIT = 15

    def __init__(self, session, params, watermark=None, hints=None, on_moved=None):
        self.session = session
        self.on_moved = on_moved
        self.params = dict(DEFAULTS)
        self.params.update((k, v) for k, v in params.items() if v is not None or k not in DEFAULTS)
        self.watermark = watermark
        self.started = session.clock()
        self.step = None
        self.changed_so_far = False
        self.warnings = []
        self.before = None
        self.current = None
        self.migration = None
        self.action = val.NOOP
        # The kind of migration and why: live_migration as given, or what strategy chose for this server.
        self.mode = None
        self.mode_reason = None
        self.live_blockers = None
        self._known_ids = None
        # Where the waits ended (migrate, confirm; see learned_wait): the next migration of a sequence polls there.
        self.hints = dict(hints or {})
        self.timings = {}
        # Each migration started (a live one, then its cold fallback): mode, outcome, migration, msg, elapsed.
        self.attempts = []
        self._attempt = None
        self.budget_started = self.started
        # Set by the live steps: the stall seen (text), the last progress read, and whether an abort was verified.
        self.stall = None
        self.progress = None
        self.aborted = False
        self._live_id = None
        self._sent = False
        self._fallback_why = None

    # ----- session ----------------------------------------------------------
    @property
    def api(self):
        return self.session.api

    @property
    def compute(self):
        return self.session.compute

    @property
    def versions(self):
        return self.session.versions

    def elapsed(self):
        return round(self.session.clock() - self.started, 2)

    def remaining(self):
        """Seconds left of this migration's ``timeout`` budget (never negative)."""
        return max(0.0, self.budget_started + float(self.params.get('timeout') or 0) - self.session.clock())

    # ----- entry point ------------------------------------------------------
    def execute(self):
        """Run the migration; ``(True, result)`` on success, ``(False, failure)`` otherwise."""
        # A connection attempt that failed for an earlier migration of a sequence leaves its step on the session.
        self.session.step = None
        try:
            return True, self.run()
        except Exception as exc:  # pylint: disable=broad-except
            self._close_attempt('aborted' if self.aborted else 'failed', exc)
            return False, self.failure_result(exc)

    # ----- attempts ---------------------------------------------------------
    def _open_attempt(self, mode):
        self._attempt = dict(mode=mode, started=self.session.clock())

    def _close_attempt(self, outcome, exc=None, msg=None):
        """Record the attempt in progress (if any) with its outcome."""
        attempt, self._attempt = self._attempt, None
        if attempt is None:
            return
        if exc is not None:
            msg = describe_exception(exc, None if isinstance(exc, NovaOpsError) else self.step)[0]
        self.attempts.append(dict(mode=attempt['mode'], outcome=outcome, migration=mig.summary(self.migration),
                                  msg=msg, elapsed=round(self.session.clock() - attempt['started'], 2)))

    def failure_result(self, exc):
        # The session's step is set only while it connects or discovers versions, and names the finer failure.
        step = self.session.step or self.step
        msg, data = describe_exception(exc, None if isinstance(exc, NovaOpsError) else step)
        data.setdefault('elapsed', self.elapsed())
        data.setdefault('changed', bool(self.changed_so_far))
        for key, value in self.context().items():
            data.setdefault(key, value)
        data['msg'] = msg
        return data

    def context(self):
        """What every failure reports besides the message."""
        return {
            'action': self.action,
            'mode': self.mode,
            'mode_reason': self.mode_reason,
            'live_blockers': self.live_blockers,
            'server_before': self.before.summary() if self.before else None,
            'server': self.current.summary() if self.current else None,
            'migration': mig.summary(self.migration),
            'attempts': list(self.attempts),
        }

    # ----- helpers ----------------------------------------------------------
    def _read_version(self):
        return mv.choose_server_read(self.versions)

    def _get(self):
        self.current = get_server(self.compute, self.before.id, self._read_version())
        return self.current

    def _records(self, migration_type=None):
        return mig.list_for_server(self.compute, self.versions, self.before.id, migration_type=migration_type)

    def _is_new(self, record):
        """True for a record created after this run began (ours, once we have written)."""
        if self._known_ids is not None:
            return record['id'] not in self._known_ids
        ident = record.get('id')
        return isinstance(ident, int) and ident > self.watermark

    def _finish(self, msg, changed):
        return dict(
            changed=changed,
            action=self.action,
            mode=self.mode,
            mode_reason=self.mode_reason,
            live_blockers=self.live_blockers,
            msg=msg,
            server_before=self.before.summary(),
            server=(self.current or self.before).summary(),
            migration=mig.summary(self.migration),
            attempts=list(self.attempts),
            elapsed=self.elapsed(),
        )

    def _wait(self, fetch, done, failed, what, phase=None, prompt=True):
        """Poll until done; ``phase`` (migrate, confirm) names a wait whose duration is learnt and hinted, and
        ``prompt=False`` one whose end nothing waits on (see learned_wait)."""
        try:
            state, bracket = learned_wait(fetch, done, failed, hint=self.hints.get(phase), prompt=prompt,
                                          timeout=self.remaining(), clock=self.session.clock,
                                          sleep=self.session.sleep, what=what, delay_first=True)
            if phase:
                self.timings[phase] = bracket
            return state
        except WaitTimeout as exc:
            if self.migration is None and self.changed_so_far:
                # Report the record too (read only now, to keep polling cheap): the one this run created, which
                # may be past in progress already (Nova marks it confirmed before it saves the server), else the
                # newest one in progress.
                with contextlib.suppress(Exception):
                    self.migration = (self._ours(nova.LIVE if self.params['live_migration'] else nova.COLD)
                                      or mig.newest([r for r in self._records() if r['in_progress']]))
            raise WaitTimeout(
                'Timed out (timeout=%s s) waiting for %s. Last seen: server %s on %s in status %s%s; migration %s.' % (
                    self.params['timeout'], what, self.current.label if self.current else self.before.label,
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
            fault = action_failure_reason(self.compute, self.versions, where.id, actions)
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
        # With a strategy the mode is chosen once the server is read; until then "live" means "may move live".
        live = p['live_migration'] if not p['strategy'] else p['strategy'] != strat.COLD
        host = p['host']
        source_host = p['source_host']
        val.validate_migrate_options(live, host, p['force'], p['block_migration'], source_host, server=p['server'])
        check_options(p)
        if live and p['on_stall']:
            self.step = 'discovering the compute API microversions'
            check_options(p, self.versions)
        if live and p['fallback'] == strat.COLD and host:
            # The cold fallback goes to the same host: below 2.56 Nova would ignore it, so say so before any write.
            self.step = 'discovering the compute API microversions'
            try:
                mv.choose_cold_migrate(self.versions, host)
            except ValidationError as exc:
                raise exc.__class__('fallback=cold: %s Nothing was changed.' % exc.msg, **exc.data) from None
        self.step = None

        self.step = 'looking up the server'
        self.before = find_server(self.compute, p['server'], self._read_version())
        self.current = self.before
        if not p['strategy']:
            self.mode = 'live' if live else 'cold'
            self.mode_reason = 'live_migration=%s' % ('true' if live else 'false')
        if not self.before.host:
            # SHELVED_OFFLOADED servers have no host; otherwise the credentials cannot see it.
            val.check_server_state(self.before, live)

        services = None
        # The service list is needed to check a target, or to tell a wrong source_host name from a server
        # that has already left it; a server still on source_host needs neither.
        if host or (source_host and self.before.host != source_host):
            self.step = 'listing compute services'
            # A caller that migrates several servers may serve one read to all of them.
            shared = getattr(self.session, 'compute_services', None)
            services = shared() if shared else list_services(self.compute, self.versions)
            if host and host_checks.find_service(services, host) is None:
                # Unknown hosts fail even when nothing would be done (check_target raises).
                host_checks.check_target(host, services, self.before, p['force'])
            if source_host and self.before.host != source_host:
                host_checks.check_hosts_exist([source_host], services, label='source_host')

        if self._history_unneeded():
            latest = None
        else:
            self.step = 'looking up the migrations of the server'
            records = self._records()
            latest = records[0] if records else None
            self._known_ids = set(r['id'] for r in records)

        changed = False
        waited = False
        for _round in range(self.MAX_ROUNDS):
            server = self.current
            decision = val.decide_migrate(server, host, source_host, p['confirm'], latest)
            self.migration = decision.migration
            if decision.action == val.MIGRATE and waited and not host and not source_host \
                    and latest.get('status') in nova.SUCCESS.get(latest.get('migration_type'), ()):
                # The migration we waited for already moved the server: that is the requested outcome.
                decision = val.Decision(val.NOOP, 'migration %s moved the server to %s'
                                        % (latest.get('id'), server.host), latest)
            if decision.action == val.NOOP:
                if waited:
                    return self._after_wait_noop(decision, changed)
                return self._finish('Nothing to do: %s.' % decision.reason, changed)
            if decision.action == val.CONFIRM:
                self.action = val.CONFIRM
                if self.session.check_mode:
                    return self._finish('Would confirm: %s.' % decision.reason, True)
                if not p['wait']:
                    if self._confirm_request(decision.migration):
                        return self._finish('Confirmation of migration %s requested; not waiting.'
                                            % decision.migration['id'], True)
                    return self._finish('Migration %s was already confirmed by %s (status %s); not waiting.'
                                        % (decision.migration['id'], BY_SOMEONE_ELSE['confirm'], self.migration.get('status')),
                                        changed)
                return self._confirm_and_verify(decision.migration, host, changed_before=changed,
                                                expected=val.original_status(server))
            if decision.action == val.WAIT:
                self.action = val.WAIT
                if self.session.check_mode:
                    predicted = decision.migration.get('migration_type') == nova.COLD and p['confirm']
                    return self._finish('Would wait for %s%s.' % (decision.reason, ' and confirm it' if predicted else ''),
                                        predicted)
                if not p['wait']:
                    return self._finish('Not waiting (wait=false): %s.' % decision.reason, changed)
                latest = self._wait_existing(decision.migration)
                waited = True
                continue
            # MIGRATE
            return self._migrate(live, host, services)
        raise MigrationFailed('Server %s is still busy after waiting for %d migrations in a row; giving up.'
                              % (self.before.label, self.MAX_ROUNDS))

    def _history_unneeded(self):
        """True when the server's migration history cannot change the decision: it is to be migrated.

        That is a settled server (no task, so nothing in progress; not VERIFY_RESIZE, so nothing to
        confirm) that is still where it should leave from.  With a watermark, the records above it will
        be ours, so the read before the write is saved.  A server that has already moved keeps the read,
        so the result names the migration that moved it.
        """
        server, host, source_host = self.before, self.params['host'], self.params['source_host']
        return (self.watermark is not None and server.settled
                and server.status in nova.COLD_MIGRATABLE + nova.LIVE_MIGRATABLE
                and (not source_host or server.host == source_host)
                and (not host or server.host != host))

    def _after_wait_noop(self, decision, changed):
        """We waited for someone else's migration and the server is now where it should be."""
        host = self.params['host']
        if host and self.current.host != host:
            raise MigrationFailed('The migration that was in progress ended with server %s on %s, not on %s.'
                                  % (self.current.label, self.current.host, host))
        return self._finish('Waited for the migration already in progress: %s.' % decision.reason, changed)

    def _wait_existing(self, migration):
        """Wait until an in-progress migration we did not start leaves its in-progress states."""
        mid = migration['id']

        def fetch():
            self._get()
            self.migration = mig.by_id(self._records(), mid) or self.migration
            return self.migration

        self._wait(fetch, lambda m: not m.get('in_progress'), None,
                   'migration %s of server %s' % (mid, self.before.label))
        return self.migration

    # ----- writes ---------------------------------------------------------
    def _migrate(self, live, host, services):
        p = self.params
        server = self.before
        if p['strategy']:
            # Chosen here, where a migration is to start: a server already moved or migrating needs no mode.
            live, self.mode_reason, self.live_blockers = choose_mode(server, p['strategy'],
                                                                     bool(p['allow_cold_for_running']), p['fallback'])
            self.mode = 'live' if live else 'cold'
            p['live_migration'] = live
            if not live:
                p['block_migration'] = None
        # The cold fallback is for an ACTIVE server only: a cold migration needs ACTIVE or SHUTOFF, and a PAUSED
        # one would come back ACTIVE or not at all.
        fallback = live and p['fallback'] == strat.COLD and server.status == 'ACTIVE'
        if live and p['fallback'] == strat.COLD and not p['strategy']:
            self.mode_reason += (', cold migration if it fails' if fallback else
                                 '; no cold fallback for a %s server (a cold migration needs ACTIVE or SHUTOFF)'
                                 % server.status)
        if not fallback or self.session.check_mode:
            return self._start(live, host, services)
        try:
            return self._start(True, host, services)
        except Exception as exc:  # pylint: disable=broad-except
            why = self._fallback_reason(exc)
            if why is None:
                raise
            self._close_attempt('aborted' if self.aborted else 'failed', exc)
        return self._cold_fallback(why, host, services)

    def _fallback_reason(self, exc):
        """Why the live attempt failed in a way a cold migration may follow (None: it may not)."""
        if isinstance(exc, WaitTimeout) or self._attempt is None:
            # Still running (or nothing was started): a second migration must not be started beside it.
            return None
        status = getattr(exc, 'status_code', None)
        if not self._sent:
            if status in LIVE_REFUSED:
                details = str(getattr(exc, 'details', '') or exc)
                return 'Nova refused it with HTTP %s: %s' % (status, details.rstrip('.'))
            return None
        if self.aborted:
            return 'aborted after the copy stalled %s' % self.stall
        status = self.migration.get('status') if self.migration else None
        if isinstance(exc, MigrationFailed) and (status in nova.FAILURE or (self.current and self.current.status == 'ERROR')):
            return 'migration %s ended in status %s' % ((self.migration or {}).get('id'), status or 'unknown')
        return None

    def _cold_fallback(self, why, host, services):
        """After a live attempt that failed: verify the server is settled ACTIVE on its source, then move it cold."""
        self.step = 'checking that the server is back on its source before the cold fallback'
        live_record = self.migration

        def fetch():
            return self._get()

        def settled(server):
            return server.status != 'MIGRATING' and not server.task_state

        self._wait(fetch, settled, None, 'server %s to settle after its failed live migration' % self.before.label)
        server = self.current
        problems = []
        if server.status != 'ACTIVE':
            problems.append('it is in status %s, not ACTIVE%s' % (
                server.status, ' (fault: %s)' % server.fault.rstrip('.') if server.fault else ''))
        if server.host != self.before.host:
            problems.append('it is on %s, not on its source %s' % (server.host, self.before.host))
        if problems:
            self.migration = live_record
            raise MigrationFailed('The live migration of server %s failed (%s) and left the server where no cold '
                                  'fallback may start: %s. Nothing more was changed; look at the server (and its '
                                  'migration %s) before moving it again.'
                                  % (self.before.label, why, '; '.join(problems), (live_record or {}).get('id')))
        self.step = None
        self.mode = 'cold'
        self._fallback_why = why
        self.mode_reason = 'live failed (%s): cold fallback' % why
        self.params['live_migration'] = False
        self.params['block_migration'] = None
        self.migration = None
        self.budget_started = self.session.clock()
        return self._start(False, host, services, fallback_of=live_record)

    def _check_group(self, host):
        """Refuse a named ``host`` that the server's group policy rules out (Nova would answer No valid host), unless
        force; reads only, so a refusal changes nothing, in check mode too."""
        self.step = 'checking the server group of %s against %s' % (self.before.label, host)
        warnings = []
        refusal = group_checks.group_target_problem(self.compute, self.versions, self.before, host,
                                                    self.params['force'], warnings)
        self.warnings.extend(warnings)
        self.step = None
        if refusal:
            raise ValidationError('Target host %r cannot receive server %s: %s. Nothing was changed.'
                                  % (host, self.before.label, refusal))

    def _start(self, live, host, services, fallback_of=None):
        """Start one migration (after its own checks) and wait for and verify it; the result of _finish."""
        p = self.params
        server = self.before
        val.check_server_state(server, live)
        unmovable = cold_blockers(server.flavor if isinstance(server.flavor, dict) else None)
        if unmovable:
            # Nova's migrate and os-migrateLive both answer HTTP 400 for it: say so before sending either.
            raise ValidationError('Server %s cannot be migrated: %s. Nothing was changed.'
                                  % (server.label, '; '.join(unmovable)))
        warnings = []
        if host:
            warnings = host_checks.check_target(host, services, server, force=p['force'])
            unchecked = host_checks.unchecked_pinned_zone(host, services, server, self.versions.max)
            if unchecked:
                self.warnings.append(unchecked)
            if fallback_of is None:
                # A cold fallback goes to the host the live attempt was checked against: the group allowed it.
                self._check_group(host)
        if live:
            version, body = mv.choose_live_migrate(self.versions, host, p['force'], p['block_migration'])
        else:
            version, body = mv.choose_cold_migrate(self.versions, host, p['force'])
            if not p['force']:
                # openstacksdk's migrate_server sends this body at min(2.100, cloud maximum).
                version = mv.choose_server_read(self.versions)
        for warning in warnings:
            self.warnings.append('force=true: target host %s accepted although %s.' % (host, warning))
        kind = 'live migration' if live else 'cold migration'
        self.action = val.MIGRATE
        if self.session.check_mode and not live and p['force']:
            self.step = 'asking whether the cloud accepts force on a cold migration'
            if cold_force_accepted(self.api, self.versions, host) is False:
                raise ValidationError(FORCE_REJECTED_HINT + ' (Found in check mode.)', http_status=400)
        if self.session.check_mode:
            acts = []
            if live and p['on_stall']:
                acts.append('on_stall=%s' % p['on_stall'])
            if live and p['fallback'] == strat.COLD:
                acts.append('fallback=cold')
            return self._finish('Would start a %s of server %s from %s to %s.%s'
                                % (kind, server.label, server.host, host or 'a host chosen by the scheduler',
                                   ' %s act only during a real run.' % ' and '.join(acts) if acts else ''), True)

        self.step = 'starting the %s (microversion %s)' % (kind, version)
        self._open_attempt('live' if live else 'cold')
        self._sent = False
        try:
            if live:
                # Raw: the SDK's live_migrate_server pins 2.30, where Nova's pre-checks are synchronous (NoValidHost = HTTP 400; async from 2.34).
                self.api.post(url_path('/servers/%s/action', server.id), json=body, microversion=version)
            elif p['force']:
                # Raw: the SDK's migrate_server has no force.
                self.api.post(url_path('/servers/%s/action', server.id), json=body, microversion=version)
            else:
                sdk_action(self.compute.migrate_server, server.id, host=host)
        except Exception as exc:  # pylint: disable=broad-except
            details = str(getattr(exc, 'details', '') or exc)
            if (not live and p['force'] and getattr(exc, 'status_code', None) == 400
                    and 'force' in details):
                raise ValidationError('%s (Nova said: %s)' % (FORCE_REJECTED_HINT, details), http_status=400) from exc
            raise
        self._sent = True
        self.changed_so_far = True
        self.step = None
        # Until our own record is read, any record held is an earlier migration's: keeping it would let an old
        # error fail this run, or make the confirm check and report the old record.
        self.migration = None
        mtype = nova.LIVE if live else nova.COLD

        if not p['wait']:
            self._get()
            self.migration = self._record_after_accept(mtype)
            result = self._finish('%s of server %s from %s requested (microversion %s); not waiting.%s'
                                  % (kind.capitalize(), server.label, server.host, version,
                                     '' if self.migration else ' Its migration record was not visible yet; '
                                     'novaops.migration.server_migration_info lists it once Nova has created it.'),
                                  True)
        elif live:
            result = self._wait_live(host)
        else:
            result = self._wait_cold(host)
        self._close_attempt('succeeded', msg=result['msg'])
        result['attempts'] = list(self.attempts)
        if fallback_of is not None:
            result['changed'] = True
            result['msg'] = 'Live migration of server %s failed (%s), so it moved cold: %s' % (
                server.label, self._fallback_why, result['msg'])
        return result

    def _record_after_accept(self, mtype):
        """Our migration record, read until it shows: Nova answers 202 to a cold migrate before its conductor has
        created the record, so a read right after the request may find nothing. Gives up after RECORD_WAIT seconds
        (or the timeout) with None."""
        self.step = 'looking up the migration record Nova created'
        limit = min(self.RECORD_WAIT, self.remaining())
        begun = self.session.clock()
        delay = 0.1
        while True:
            record = self._ours(mtype)
            if record is not None or self.session.clock() - begun >= limit:
                self.step = None
                return record
            self.session.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _ours(self, mtype):
        return mig.newest([r for r in self._records(mtype) if self._is_new(r)])
