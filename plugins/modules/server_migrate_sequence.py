#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: server_migrate_sequence
short_description: Migrate several OpenStack servers one after another, each verified like server_migrate
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Runs the migrations of O(servers) strictly one at a time, in the order given, on one connection to the cloud.
    Each migration is exactly what M(novaops.migration.server_migrate) does (same validation, waiting, confirmation
    and verification that the host changed, the migration record says so and the status is back), so the
    per-server options mean the same.
  - A sequence module exists because a module call costs a process start-up, an openstacksdk import, a Keystone token and a
    microversion discovery (about a second and three requests). Host-draining roles pay that once per call rather
    than once per server, and one read of the newest migration id replaces each server's history read.
  - With O(time_budget) the module starts no migration that would probably end past that many seconds (it expects
    each to take as long as the one before) and returns the rest in RV(pending), so a caller can print progress and
    call again. A migration that has started is always finished (or failed) before returning.
  - A failure is recorded in RV(results) and counted against O(max_failures); once more servers failed than that,
    no new migration is started. The task fails when any server failed, with every result in the failure, unless
    O(fail_on_failed_servers=false).
  - All options of all items are validated before the first request.
options:
  servers:
    description:
      - The migrations to run, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      server:
        description: Name or ID of the server (exact name match, across all projects for admins).
        type: str
        required: true
      host:
        description: Destination compute host (exact name); unset, the scheduler chooses. See M(novaops.migration.server_migrate).
        type: str
      source_host:
        description:
          - Only act while the server is on this host (makes a drain idempotent and resumable, as in
            M(novaops.migration.server_migrate)).
        type: str
      live_migration:
        description:
          - V(true) for a live migration, V(false) for a cold one (the same as C(strategy) V(live) and V(cold)).
          - Unset, the item's C(strategy), else O(strategy), else a cold migration. Giving both C(live_migration)
            and C(strategy) in one item fails before any request.
        type: bool
      strategy:
        description:
          - How to move this server, V(cold), V(live) or V(auto), as O(novaops.migration.server_migrate#module:strategy)
            chooses it when the migration is to start. Overrides O(strategy).
        type: str
        choices: [cold, live, auto]
      allow_cold_for_running:
        description: Per-server override of O(allow_cold_for_running).
        type: bool
      force:
        description: Per-server override of O(force).
        type: bool
      block_migration:
        description: Per-server override of O(block_migration) (live migrations only).
        type: str
        choices: [auto, 'true', 'false']
      on_stall:
        description:
          - Per-server override of O(on_stall). Contradicts a cold migration (C(strategy=cold), or
            C(live_migration) false or unset without a strategy); that fails before any request.
        type: str
        choices: [wait, force_complete, abort]
      fallback:
        description:
          - Per-server override of O(fallback). Contradicts a cold migration, as C(on_stall) does.
        type: str
        choices: [none, cold]
  strategy:
    description:
      - How to move the items that give neither C(strategy) nor C(live_migration). V(cold), V(live) or V(auto), as in
        M(novaops.migration.server_migrate); unset, a cold migration.
      - A server that its strategy would not move fails with the reason, before any write for it, and counts
        against O(max_failures) like any other failure.
    type: str
    choices: [cold, live, auto]
  allow_cold_for_running:
    description:
      - With V(auto), cold-migrate an ACTIVE server that cannot move live instead of failing it (see
        M(novaops.migration.server_migrate)). Contradicts V(live).
    type: bool
    default: false
  on_stall:
    description:
      - What to do when a live migration's copy stalls, for every item that may move live (see
        O(novaops.migration.server_migrate#module:on_stall)), V(wait), V(force_complete) or V(abort). Items that move
        cold ignore it.
      - The cloud's microversion is checked for every item before the first write.
      - Acts only during a real run; check mode predicts the first migration of each server.
    type: str
    choices: [wait, force_complete, abort]
  stall_timeout:
    description: Seconds without progress after which a live migration counts as stalled (see O(on_stall)).
    type: float
    default: 120
  fallback:
    description:
      - V(cold) follows a live migration of an ACTIVE server that failed (refused by Nova, ended in error, or aborted
        after a stall) with a cold migration, for every item that may move live (see
        O(novaops.migration.server_migrate#module:fallback)). Items that move cold ignore it.
      - Acts only during a real run.
    type: str
    choices: [none, cold]
    default: none
  force:
    description:
      - Bypass the scheduler's checks of the named destination, for every item that has a C(host) (see
        M(novaops.migration.server_migrate) for what clouds accept). Ignored for items without C(host).
    type: bool
    default: false
  block_migration:
    description: Block migration setting for every live migration item (V(auto), V(true), V(false)); unset, as in server_migrate.
    type: str
    choices: [auto, 'true', 'false']
  confirm:
    description: Confirm each cold migration and verify the confirmation (V(false) leaves each server in C(VERIFY_RESIZE)).
    type: bool
    default: true
  max_failures:
    description:
      - How many servers may fail before the sequence stops starting new migrations. V(0) stops at the first failure.
    type: int
    default: 0
  time_budget:
    description:
      - Seconds after which no new migration is started, counting the expected duration of the next one (the
        duration of the one before); the servers not reached are returned in RV(pending). The first server is always
        attempted. V(0) runs the whole list.
    type: float
    default: 0
  retries:
    description:
      - How many times a server is tried again after a transient API error (HTTP 429 or 5xx, or a connection
        failure). A retry resumes the same migration instead of starting a second one, which is why retries
        are only made for items with C(source_host) or C(host), or before any write for the server was accepted.
    type: int
    default: 2
  retry_delay:
    description: Seconds between two tries of the same server.
    type: float
    default: 5
  fail_on_failed_servers:
    description:
      - Whether the task fails when a server's migration failed. V(false) returns the failures in RV(results) and
        RV(failed_count) with the task ok, for a caller that reports them itself (the host roles do, so a failure
        prints one line instead of the whole result).
    type: bool
    default: true
  stop_if_interrupted:
    description:
      - Before each new migration, check that the C(ansible-playbook) run that started the module is still there. Ansible
        runs modules in a session of their own, so a Ctrl-C or a killed run does not stop a running module; with this
        check the migration in progress is finished, but no new one is started (RV(stopped) is V(interrupted)).
      - The check reads the parent processes in C(/proc) (Linux) and whether the result pipe still has a reader.
        Set V(false) when running the module with C(async), where the module is detached on purpose.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each server's migration, its confirmation and checks (per server, not in total).
    type: int
    default: 1800
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Every server is validated and its action predicted with read requests only; nothing is written.
    support: full
notes:
  - O(wait=false) is refused; a sequence that does not wait would start the migrations side by side.
seealso:
  - module: novaops.migration.server_migrate
  - module: novaops.migration.migration_plan
'''

EXAMPLES = r'''
- name: Drain compute-1 of three servers, one at a time, stopping at the first failure
  novaops.migration.server_migrate_sequence:
    cloud: mycloud
    servers:
      - {server: web-1, source_host: compute-1}
      - {server: web-2, source_host: compute-1}
      - {server: db-1, source_host: compute-1, host: compute-3}

- name: Migrate for at most 60 seconds, then return the rest (progress reporting in a loop)
  novaops.migration.server_migrate_sequence:
    cloud: mycloud
    servers: "{{ plan.actions | map(attribute='request') }}"
    time_budget: 60
    max_failures: 2
  register: batch
'''

RETURN = r'''
results:
  description:
    - One entry per server attempted, in order. Each has the keys M(novaops.migration.server_migrate) returns
      (C(action), C(mode), C(mode_reason), C(live_blockers), C(msg), C(changed), C(server_before), C(server),
      C(migration), C(elapsed)) or fails with
      (then also C(http_status), C(error_type), C(fault), C(migration_status) where known), plus the keys below.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Position of the item in O(servers), from 0.
      type: int
    failed:
      description: Whether this server's migration failed.
      type: bool
    attempts:
      description: How many times the server was tried (more than 1 after transient API errors).
      type: int
    migration_attempts:
      description:
        - The migrations started for the server, what M(novaops.migration.server_migrate) returns as C(attempts)
          (here C(attempts) counts the tries), a list of dicts with C(mode), C(outcome) (V(succeeded), V(failed),
          V(aborted)), C(migration), C(msg) and C(elapsed). Two entries after a cold fallback.
      type: list
      elements: dict
    started:
      description: Epoch seconds when the server's turn began.
      type: float
    finished:
      description: Epoch seconds when it ended.
      type: float
pending:
  description: Items of O(servers) that were not attempted (time budget used up, or too many failures), unchanged.
  returned: always
  type: list
  elements: dict
stopped:
  description:
    - Why items are pending, V(time_budget), V(max_failures) or V(interrupted) (the run that started the module has
      gone, see O(stop_if_interrupted)), or null when every item was attempted.
  returned: always
  type: str
failed_count:
  description: Number of servers whose migration failed.
  returned: always
  type: int
elapsed:
  description: Seconds the whole call took.
  returned: always
  type: float
'''

import time

from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.controller_watch import ControllerWatch
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import FALLBACKS, ON_STALL, STRATEGIES, conflicts
from ansible_collections.novaops.migration.plugins.module_utils.server_migration import ServerMigration, check_options
from ansible_collections.novaops.migration.plugins.module_utils.waiter import TRANSIENT_HTTP_STATUSES

ITEM_SPEC = dict(
    server=dict(type='str', required=True),
    host=dict(type='str'),
    source_host=dict(type='str'),
    live_migration=dict(type='bool'),
    strategy=dict(type='str', choices=list(STRATEGIES)),
    allow_cold_for_running=dict(type='bool'),
    force=dict(type='bool'),
    block_migration=dict(type='str', choices=['auto', 'true', 'false']),
    on_stall=dict(type='str', choices=list(ON_STALL)),
    fallback=dict(type='str', choices=list(FALLBACKS)),
)


def item_params(item, defaults):
    """server_migrate options of one item: the item's own, then the sequence-wide ones where they apply.

    Raises ValidationError for options of the item that contradict each other (before any request). The
    sequence-wide allow_cold_for_running applies to the items that move with strategy auto only.
    """
    own_strategy, own_live = item.get('strategy'), item.get('live_migration')
    own_allow = item.get('allow_cold_for_running')
    val.check_strategy_options(own_strategy, live_migration=own_live, allow_cold_for_running=bool(own_allow),
                               default=None)
    strategy = own_strategy or (defaults.get('strategy') if own_live is None else None)
    allow_cold = own_allow if own_allow is not None else bool(defaults.get('allow_cold_for_running')) and strategy == 'auto'
    # With a strategy the mode is chosen when the server is read; it may move live until then.
    live = strategy != 'cold' if strategy else bool(own_live)
    force = item.get('force')
    if force is None:
        force = bool(defaults['force'] and item.get('host'))
    block = item.get('block_migration')
    if block is None and live:
        block = defaults['block_migration']
    # The sequence-wide on_stall and fallback apply to the items that may move live; an item's own always applies
    # (and fails when it contradicts the item's mode).
    on_stall = item.get('on_stall') or (defaults.get('on_stall') if live else None)
    fallback = item.get('fallback') or (defaults.get('fallback') or 'none' if live else 'none')
    params = dict(server=item['server'], host=item.get('host'), source_host=item.get('source_host'),
                  live_migration=live if not strategy else None, strategy=strategy,
                  allow_cold_for_running=bool(allow_cold), force=force, block_migration=block,
                  confirm=defaults['confirm'], wait=True, timeout=defaults['timeout'],
                  on_stall=on_stall, stall_timeout=defaults.get('stall_timeout') or 120, fallback=fallback)
    check_options(params)
    return params


def is_transient(result):
    """A failure worth another try: the cloud was briefly unavailable, not a refusal."""
    if result.get('http_status') in TRANSIENT_HTTP_STATUSES:
        return True
    return 'Connect' in (result.get('error_type') or '')


def stop_reason(index, started, now, failed_count, max_failures, time_budget, interrupted=False, expected=0.0):
    """Why the item at ``index`` is not started (None: start it).

    ``expected`` is how long the next migration will probably take (the last one's duration): a migration that
    would end past the time budget is not started, so the caller's progress lines come at least that often.
    """
    if interrupted:
        return 'interrupted'
    if failed_count > max_failures:
        return 'max_failures'
    if index > 0 and time_budget and now - started + expected >= time_budget:
        return 'time_budget'
    return None


class ServerMigrateSequenceModule(NovaOpsModule):
    argument_spec = dict(
        servers=dict(type='list', elements='dict', required=True, options=ITEM_SPEC),
        strategy=dict(type='str', choices=list(STRATEGIES)),
        allow_cold_for_running=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        block_migration=dict(type='str', choices=['auto', 'true', 'false']),
        on_stall=dict(type='str', choices=list(ON_STALL)),
        stall_timeout=dict(type='float', default=120),
        fallback=dict(type='str', default='none', choices=list(FALLBACKS)),
        confirm=dict(type='bool', default=True),
        max_failures=dict(type='int', default=0),
        time_budget=dict(type='float', default=0),
        retries=dict(type='int', default=2),
        retry_delay=dict(type='float', default=5),
        stop_if_interrupted=dict(type='bool', default=True),
        fail_on_failed_servers=dict(type='bool', default=True),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        p = self.params
        self.hints = {}
        if not p['wait']:
            self.fail_json(msg='server_migrate_sequence always waits for each migration (wait=false would run them side '
                               'by side); use novaops.migration.server_migrate with wait=false instead.')
        for name in ('max_failures', 'retries', 'time_budget', 'retry_delay'):
            if p[name] < 0:
                self.fail_json(msg='%s must be 0 or more, got %s.' % (name, p[name]))
        if p['timeout'] < 1:
            self.fail_json(msg='timeout must be at least 1 second per server, got %s: a migration that is given no time '
                               'to finish would be left half-done. Nothing was changed.' % p['timeout'])
        val.check_strategy_options(p['strategy'], allow_cold_for_running=p['allow_cold_for_running'], default=None)
        if p['strategy']:
            problems = conflicts(p['strategy'], fallback=p['fallback'], on_stall=p['on_stall'])
            if problems:
                self.fail_json(msg='Contradicting options: %s. Nothing was changed.' % '; '.join(problems))
        requests = []
        for index, item in enumerate(p['servers']):
            try:
                params = item_params(item, p)
                requests.append(params)
                may_live = params['strategy'] != 'cold' if params['strategy'] else params['live_migration']
                val.validate_migrate_options(may_live, params['host'], params['force'], params['block_migration'],
                                             params['source_host'], server=params['server'])
            except val.ValidationError as exc:
                said = exc.msg if exc.msg.endswith('Nothing was changed.') else exc.msg + ' Nothing was changed.'
                self.fail_json(msg='servers[%d] (%s): %s' % (index, item['server'], said),
                               results=[], pending=p['servers'], stopped=None, failed_count=0, changed=False,
                               elapsed=self.elapsed())
        if p['stall_timeout'] <= 0:
            self.fail_json(msg='stall_timeout must be more than 0 seconds, got %s. Nothing was changed.'
                               % p['stall_timeout'])
        self._check_stall_policies(requests)

        watch = ControllerWatch() if p['stop_if_interrupted'] else None
        watermark = self._watermark() if requests else None
        results = []
        failed_count = 0
        stopped = None
        index = 0
        took = 0.0
        for index, params in enumerate(requests):
            stopped = stop_reason(index, self.started, self.clock(), failed_count, p['max_failures'], p['time_budget'],
                                  interrupted=index > 0 and watch is not None and watch.gone(), expected=took)
            if stopped:
                break
            begun = self.clock()
            result = self._migrate(index, params, watermark)
            took = self.clock() - begun
            results.append(result)
            failed_count += int(result['failed'])
        else:
            index = len(requests)
        pending = p['servers'][index:]
        changed = any(r.get('changed') for r in results)
        summary = dict(results=results, pending=pending, stopped=stopped if pending else None,
                       failed_count=failed_count, changed=changed, elapsed=self.elapsed())
        msg = self._message(requests, results, failed_count, pending, summary['stopped'])
        if failed_count and p['fail_on_failed_servers']:
            self.ansible.fail_json(msg=msg, **summary)
        self.exit_json(msg=msg, **summary)

    def _check_stall_policies(self, requests):
        """What the items' on_stall needs of the cloud, checked before the first write (one version discovery)."""
        for index, params in enumerate(requests):
            if params['on_stall'] in (None, 'wait'):
                continue
            self.step = 'discovering the compute API microversions'
            try:
                mv.check_stall_policy(self.versions, params['on_stall'])
            except val.ValidationError as exc:
                self.fail_json(msg='servers[%d] (%s): %s' % (index, params['server'], exc.msg),
                               results=[], pending=self.params['servers'], stopped=None, failed_count=0,
                               changed=False, elapsed=self.elapsed(), **exc.data)
            self.step = None

    def _watermark(self):
        """Newest migration id before the first write; None (each server reads its history) if unknown."""
        try:
            return mig.newest_id(self.api, self.versions)
        except Exception:  # pylint: disable=broad-except
            # Not fatal: each migration reads its own history, and reports a connection problem itself.
            return None

    def _migrate(self, index, params, watermark):
        started = time.time()
        attempts = 0
        while True:
            attempts += 1
            migration = ServerMigration(self, params, watermark=watermark, hints=self.hints)
            ok, result = migration.execute()
            if ok and migration.timings:
                # Similar servers migrate in similar times: poll the next one around them.
                self.hints.update(migration.timings)
            for warning in migration.warnings:
                self.ansible.warn('%s: %s' % (params['server'], warning))
            resumable = params['source_host'] or params['host'] or not result.get('changed')
            if ok or attempts > self.params['retries'] or not resumable or not is_transient(result):
                break
            self.sleep(self.params['retry_delay'])
        # server_migrate's attempts (the live migration and its cold fallback) are migration_attempts here, where
        # attempts counts the tries after transient errors.
        result['migration_attempts'] = result.pop('attempts', [])
        result.update(index=index, failed=not ok, attempts=attempts, started=round(started, 3),
                      finished=round(time.time(), 3))
        return result

    @staticmethod
    def _message(requests, results, failed_count, pending, stopped):
        moved = len([r for r in results if not r['failed'] and r.get('changed')])
        text = '%d of %d servers attempted: %d changed, %d unchanged, %d failed.' % (
            len(results), len(results) + len(pending), moved, len(results) - moved - failed_count, failed_count)
        if pending:
            text += ' %d not attempted (%s).' % (len(pending), {
                'time_budget': 'time budget used up; call again with the pending items',
                'max_failures': 'more failures than max_failures',
                'interrupted': 'the run that started this module has gone; re-run to resume'}[stopped])
        failures = ['%s: %s' % ((r.get('server_before') or {}).get('name') or requests[r['index']]['server'], r.get('msg'))
                    for r in results if r['failed']]
        if failures:
            text += ' Failures: ' + ' | '.join(failures)
        return text


def main():
    module = ServerMigrateSequenceModule()
    module()


if __name__ == '__main__':
    main()
