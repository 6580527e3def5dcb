#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: server_migrate_sequence
short_description: Migrate several OpenStack servers, one after another or a few at a time, each verified like server_migrate
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Runs the migrations of O(servers) in the order given, on one connection to the cloud, one at a time by default.
    Each migration is exactly what M(novaops.migration.server_migrate) does (same validation, waiting, confirmation
    and verification that the host changed, the migration record says so and the status is back), so the
    per-server options mean the same.
  - With O(max_in_flight) above 1, up to that many migrations run at once (one thread each, sharing the connection),
    which empties several hosts together while one process keeps the limits. At most O(per_source) of them leave the
    same C(source_host) (a Nova compute host runs C(max_concurrent_live_migrations) live migrations at a time, 1 by
    default, and queues the others), and never two items with the same C(anti_affinity) key. An item that may not
    start yet waits, and later items that may start go first.
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
      anti_affinity:
        description:
          - Items with the same key are never in flight at the same time (see O(max_in_flight)). Give the id of the
            server's group for the V(anti-affinity) and V(soft-anti-affinity) policies. Nova's scheduler places a
            moving member without seeing where another member that is moving is going, so two members moved at once
            may be sent to one host (for V(anti-affinity) the destination's check of the group then fails one).
          - Has no effect with O(max_in_flight=1).
        type: str
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
        duration of the one that ended last); the servers not reached are returned in RV(pending). The first server is always
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
        check the migrations in progress are finished, but no new one is started (RV(stopped) is V(interrupted)).
      - The check reads the parent processes in C(/proc) (Linux) and whether the result pipe still has a reader.
        Set V(false) when running the module with C(async), where the module is detached on purpose.
    type: bool
    default: true
  max_in_flight:
    description:
      - How many migrations may be in flight at once, across all source hosts. V(1) runs them strictly one at a time,
        in the module's main thread; above 1 each runs in a thread of its own on the shared connection.
      - O(time_budget), O(max_failures) and O(stop_if_interrupted) then stop new starts only; the migrations in flight
        are finished before the module returns.
      - A cold migration is in flight until its server waits on the destination for its confirmation
        (C(VERIFY_RESIZE)); the confirmation then goes on beside the next migration, since the source host and the
        scheduler's view of the server (on its destination) are settled. This applies to O(per_source) and to the
        C(anti_affinity) item key as well.
    type: int
    default: 1
  per_source:
    description:
      - How many migrations may be in flight from one C(source_host) (items without C(source_host) are not counted).
        Keep it at or below the C(max_concurrent_live_migrations) of the compute service (1 by default in Nova), else
        the extra migrations only queue on the host.
    type: int
    default: 1
  timeout:
    description: Seconds to wait for each server's migration, its confirmation and checks (per server, not in total).
    type: int
    default: 1800
  list_hosts_after:
    description:
      - Compute hosts whose servers are listed once the migrations have ended (one request per host), in
        RV(hosts_after), so a drain proves that its source hosts are empty with the same call.
      - Names must be compute hosts of the cloud, exactly; an unknown one fails the task before any migration.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Every server is validated and its action predicted with read requests only; nothing is written.
    support: full
notes:
  - O(wait=false) is refused; a sequence that does not wait would start the migrations side by side, beyond any
    limit. Use O(max_in_flight) to run them side by side within limits.
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

- name: Drain compute-1 and compute-2 together, two migrations in flight, one per source host
  novaops.migration.server_migrate_sequence:
    cloud: mycloud
    max_in_flight: 2
    per_source: 1
    strategy: live
    servers:
      - {server: web-1, source_host: compute-1, anti_affinity: 5b2a6a7e-0f0c-4c55-9a0e-2d4b8f1c9e01}
      - {server: web-2, source_host: compute-1}
      - {server: web-3, source_host: compute-2, anti_affinity: 5b2a6a7e-0f0c-4c55-9a0e-2d4b8f1c9e01}
      - {server: db-1, source_host: compute-2}
  register: drained
# web-1 and web-3 (one anti-affinity group) never move together: web-3 waits for web-1 while db-1 goes first.

- name: Report how many migrations ran at once
  ansible.builtin.debug:
    msg: "{{ drained.results | length }} servers, at most {{ drained.peak_in_flight }} in flight at once"
'''

RETURN = r'''
results:
  description:
    - One entry per server attempted, in the order of O(servers) (whatever order they ended in). Each has the keys M(novaops.migration.server_migrate) returns
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
      description: Epoch seconds when the server's turn began (its migration started).
      type: float
    finished:
      description: Epoch seconds when it ended.
      type: float
pending:
  description:
    - Items of O(servers) that were not attempted (time budget used up, too many failures, or the run has gone),
      unchanged and in their order in O(servers).
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
peak_in_flight:
  description:
    - The most migrations that were in flight at once (at most O(max_in_flight)); V(1) when they ran one at a time,
      V(0) when none was attempted.
  returned: always
  type: int
hosts_after:
  description:
    - The servers on each host of O(list_hosts_after), read after the last migration ended (also when some failed),
      in the order given. A host that could not be read is left out, with a warning, as it is not known to be empty.
  returned: when O(list_hosts_after) is given
  type: list
  elements: dict
  contains:
    host:
      description: The compute host.
      type: str
    servers:
      description: The servers still on it, each with C(id), C(name), C(status), C(project_id) and C(flavor).
      type: list
      elements: dict
elapsed:
  description: Seconds the whole call took.
  returned: always
  type: float
'''

import concurrent.futures
import queue
import threading
import time

from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import parallel_dispatch as pd
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.controller_watch import ControllerWatch
from ansible_collections.novaops.migration.plugins.module_utils import host_checks
from ansible_collections.novaops.migration.plugins.module_utils.hosts import list_services, server_summary
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import FALLBACKS, ON_STALL, STRATEGIES, conflicts
from ansible_collections.novaops.migration.plugins.module_utils.server_migration import ServerMigration, check_options
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers
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
    anti_affinity=dict(type='str'),
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


class WorkerSession(object):
    """What one migration sees of the module while others run beside it.

    Its own ``step``, so a failure names what this migration was doing and not what another one is doing; all the
    rest (connection, token, microversions, clock, check mode) is the module's, shared.
    """

    def __init__(self, module):
        self._module = module
        self.step = None

    def __getattr__(self, name):
        return getattr(self._module, name)


def done_future(value):
    """A future that already holds ``value``: a migration run in the main thread (one in flight at a time)."""
    future = concurrent.futures.Future()
    future.set_result(value)
    return future


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
        max_in_flight=dict(type='int', default=1),
        per_source=dict(type='int', default=1),
        list_hosts_after=dict(type='list', elements='str', default=[]),
    )
    module_kwargs = dict(supports_check_mode=True)

    # Seconds one read of the compute services serves the items that check a destination; a target that changed
    # since is still checked by Nova's scheduler (and the read is renewed for the items after).
    SERVICES_MAX_AGE = 30.0

    def compute_services(self):
        """The compute services, read once for several items (ServerMigration asks its session for them)."""
        with self._services_lock:
            now = self.clock()
            if self._services is None or now - self._services_at > self.SERVICES_MAX_AGE:
                self._services = list_services(self.compute, self.versions)
                self._services_at = now
            return self._services

    def run(self):
        p = self.params
        self.hints = {}
        self._services_lock = threading.Lock()
        self._services = None
        self._services_at = 0.0
        if not p['wait']:
            self.fail_json(msg='server_migrate_sequence always waits for each migration (wait=false would run them side '
                               'by side); use novaops.migration.server_migrate with wait=false instead.')
        for name in ('max_failures', 'retries', 'time_budget', 'retry_delay'):
            if p[name] < 0:
                self.fail_json(msg='%s must be 0 or more, got %s.' % (name, p[name]))
        problem = pd.check_limits(p['max_in_flight'], p['per_source'])
        if problem:
            self.fail_json(msg=problem)
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
                               results=[], pending=[self._as_given(i) for i in p['servers']], stopped=None,
                               failed_count=0, changed=False, peak_in_flight=0, elapsed=self.elapsed())
        if p['stall_timeout'] <= 0:
            self.fail_json(msg='stall_timeout must be more than 0 seconds, got %s. Nothing was changed.'
                               % p['stall_timeout'])
        self._check_stall_policies(requests)
        if p['list_hosts_after']:
            try:
                host_checks.check_hosts_exist(p['list_hosts_after'], self.compute_services(),
                                              label='host in list_hosts_after')
            except val.ValidationError as exc:
                self.fail_json(msg=exc.msg + ' Nothing was changed.', **exc.data)

        watch = ControllerWatch() if p['stop_if_interrupted'] else None
        parallel = p['max_in_flight'] > 1 and len(requests) > 1
        if parallel:
            self._share_connection()
        watermark = self._watermark() if requests else None
        # What the dispatch limits look at, per item.
        slots = [dict(source_host=params['source_host'], anti_affinity=p['servers'][index].get('anti_affinity'))
                 for index, params in enumerate(requests)]
        results = []
        failed_count = 0
        stopped = None
        took = 0.0
        waiting = list(range(len(requests)))
        running = {}
        # Running items whose server waits on its destination for its confirmation: they no longer count against
        # the limits (the source is done with them), but still hold a worker until they end.
        arrived = set()
        events = queue.Queue()
        peak = 0
        workers = min(2 * p['max_in_flight'], len(requests))
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers) if parallel else None
        try:
            while True:
                while waiting and not stopped and len(running) < max(workers, 1):
                    moving = [slots[i] for i in running.values() if i not in arrived]
                    position = pd.first_startable([slots[i] for i in waiting], moving,
                                                  p['max_in_flight'], p['per_source'])
                    if position is None:
                        break
                    count = len(results) + len(running)
                    stopped = stop_reason(count, self.started, self.clock(), failed_count, p['max_failures'],
                                          p['time_budget'], interrupted=count > 0 and watch is not None and watch.gone(),
                                          expected=took)
                    if stopped:
                        break
                    index = waiting.pop(position)
                    future = self._start(executor, index, requests[index], watermark, events)
                    running[future] = index
                    future.add_done_callback(events.put)
                    peak = max(peak, len([i for i in running.values() if i not in arrived]))
                if not running:
                    break
                # The next event: a server that arrived on its destination (its index), or a migration that ended.
                event = events.get()
                if not isinstance(event, concurrent.futures.Future):
                    index, timings = event
                    arrived.add(index)
                    # The next one from its source starts now: let it poll its arrival around this one's.
                    self.hints.update(timings)
                    continue
                arrived.discard(running.pop(event))
                result, warnings, timings, took = event.result()
                # Warnings from the main thread only, in the order the migrations ended.
                for warning in warnings:
                    self.ansible.warn(warning)
                if timings:
                    # Similar servers migrate in similar times: poll the next ones around them.
                    self.hints.update(timings)
                results.append(result)
                failed_count += int(result['failed'])
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
        results.sort(key=lambda r: r['index'])
        pending = [self._as_given(p['servers'][i]) for i in waiting]
        changed = any(r.get('changed') for r in results)
        summary = dict(results=results, pending=pending, stopped=stopped if pending else None,
                       failed_count=failed_count, changed=changed, peak_in_flight=peak)
        if p['list_hosts_after']:
            summary['hosts_after'] = self._hosts_after(p['list_hosts_after'])
        summary['elapsed'] = self.elapsed()
        msg = self._message(requests, results, failed_count, pending, summary['stopped'])
        if failed_count and p['fail_on_failed_servers']:
            self.ansible.fail_json(msg=msg, **summary)
        self.exit_json(msg=msg, **summary)

    def _hosts_after(self, hosts):
        """The servers left on each of ``hosts``; a host whose read failed is left out, with a warning."""
        entries = []
        for host in hosts:
            try:
                servers = list_servers(self.compute, mv.choose_server_read(self.versions), {'host': host})
            except Exception as exc:  # pylint: disable=broad-except
                self.ansible.warn('The servers on %s could not be listed after the migrations, so it is not known to '
                                  'be empty: %s' % (host, exc))
                continue
            entries.append({'host': host, 'servers': [server_summary(s) for s in servers]})
        return entries

    @staticmethod
    def _as_given(item):
        """A pending item as it came; one given without anti_affinity comes back without it (as before the key)."""
        if item.get('anti_affinity') is None:
            item = dict((k, v) for k, v in item.items() if k != 'anti_affinity')
        return item

    def _share_connection(self):
        """Connect, authenticate and discover the microversions once, before the workers share the connection
        (else each would fetch a token and the version document at the same moment); returns what they share."""
        conn = self.connect()
        self.step = 'authenticating to the cloud'
        conn.authorize()
        self.step = None
        # The properties keep what they read.
        return self.versions, self.api

    def _start(self, executor, index, params, watermark, events):
        """Start one item's migration: in a worker thread, or (one in flight at a time) here in the main thread.
        A worker puts ``(index, timings so far)`` on ``events`` once its server waits on the destination."""
        hints = dict(self.hints)
        if executor is None:
            return done_future(self._migrate(self, index, params, watermark, hints))
        return executor.submit(self._migrate, WorkerSession(self), index, params, watermark, hints,
                               lambda timings: events.put((index, timings)))

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
                               results=[], pending=[self._as_given(i) for i in self.params['servers']],
                               stopped=None, failed_count=0, changed=False, peak_in_flight=0,
                               elapsed=self.elapsed(), **exc.data)
            self.step = None

    def _watermark(self):
        """Newest migration id before the first write; None (each server reads its history) if unknown."""
        try:
            return mig.newest_id(self.api, self.versions)
        except Exception:  # pylint: disable=broad-except
            # Not fatal: each migration reads its own history, and reports a connection problem itself.
            return None

    def _migrate(self, session, index, params, watermark, hints, on_moved=None):
        """One item, retried after transient errors: ``(result, warnings, timings, seconds)``; never raises.

        Runs in a worker thread when several are in flight, so it only reads the module's options and talks to the
        cloud through ``session``; the caller emits the warnings and learns the timings.
        """
        started = time.time()
        begun = self.clock()
        attempts = 0
        warnings = []
        timings = {}
        while True:
            attempts += 1
            migration = ServerMigration(session, params, watermark=watermark, hints=hints, on_moved=on_moved)
            ok, result = migration.execute()
            if ok and migration.timings:
                timings = dict(migration.timings)
            warnings.extend('%s: %s' % (params['server'], warning) for warning in migration.warnings)
            resumable = params['source_host'] or params['host'] or not result.get('changed')
            if ok or attempts > self.params['retries'] or not resumable or not is_transient(result):
                break
            self.sleep(self.params['retry_delay'])
        # server_migrate's attempts (the live migration and its cold fallback) are migration_attempts here, where
        # attempts counts the tries after transient errors.
        result['migration_attempts'] = result.pop('attempts', [])
        result.update(index=index, failed=not ok, attempts=attempts, started=round(started, 3),
                      finished=round(time.time(), 3))
        return result, warnings, timings, self.clock() - begun

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
