#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: migration_plan
short_description: Plan emptying an OpenStack compute host, or moving its servers back (read-only)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Read-only planning step of the P(novaops.migration.host_evacuation#role) and P(novaops.migration.host_restore#role) roles.
    Nothing is changed; the module runs normally in check mode.
  - "O(mode=evacuate): lists the servers on O(host) (exact match, all projects) and the host's migration records,
    then classifies each server: V(cold) or V(live) as O(strategy) decides from its status and its flavor, with
    the reason in C(reason) and C(mode_reason), V(resume) (a migration away from the host left unfinished by an
    interrupted run: in progress, or waiting in VERIFY_RESIZE) or V(skip) with a reason (ERROR, SHELVED, locked, a
    status or flavor the strategy cannot move, other statuses, excluded by O(server_filter))."
  - "What keeps a server from moving live is read from the C(extra_specs) of the flavor embedded in the server
    (compute API microversion 2.47 and later, visible to admins by default): PCI passthrough aliases, vGPU or
    physical GPU resources, Cyborg device profiles, encrypted memory (SEV) and a vTPM whose secret only the owner
    holds. When the extra specs are not visible, nothing is claimed and RV(plan.warnings) says so."
  - "Checks that other enabled hosts exist in the zones concerned and that their free capacity can absorb the servers
    (greedy placement per availability zone, biggest first); explicit O(target_hosts) must exist and be usable, and
    servers are spread over them. Problems are returned in RV(plan.errors) with the numbers; the module itself only
    fails on a malformed request (for example an invalid JMESPath expression)."
  - "Server groups (C(GET /os-server-groups?all_projects=True), the caller's own groups when the cloud refuses
    C(all_projects)) are read when the host holds servers, with the hosts of the members that are elsewhere (up to 5
    read one by one, more in one listing of all servers). The placement then keeps to what Nova's group filters
    accept: an C(anti-affinity) member never goes to a host that already holds C(max_server_per_host) members (1
    unless the group's rules say otherwise), counting those this plan sends there; an C(affinity) member only goes to
    a host of its other members, and one whose members are all on O(host) is skipped with the reason (Nova accepts
    only a host that already holds a member and a move never stays on its source, so the scheduler refuses it).
    C(soft-affinity), C(soft-anti-affinity) and a policy this collection does not know only give a warning. Groups
    that cannot be read are a warning, and Nova decides."
  - "O(mode=restore): takes the servers an evacuation report lists as moved away from O(host) and plans moving them
    back: servers already on O(host) are left alone, unfinished returns are resumed, the rest are classified as above
    with O(host) as the destination, and the free capacity of O(host) is checked."
  - Migrations created since O(since) that moved servers away from O(host) are returned in RV(plan.earlier), so a
    resumed evacuation can report what earlier runs did.
options:
  assume_enabled:
    description:
      - O(mode=restore) only. Plan as if O(host) were enabled when its disabled reason is an evacuation marker (the
        restore re-enables such a host before moving servers back; a host someone else disabled stays disabled).
    type: bool
    default: false
  allow_cold_for_running:
    description:
      - With O(strategy=auto), cold-migrate a running (ACTIVE) server that cannot move live, instead of skipping it.
        The server is shut down on the source and booted on the destination, so it is down for the whole move.
      - Contradicts O(strategy=live), which never moves a server cold; that combination fails before any request.
    type: bool
    default: false
  capacity_check:
    description:
      - Check that the free capacity of the candidate hosts can absorb the servers to move.
    type: bool
    default: true
  capacity_resources:
    description:
      - Resources the capacity check compares. Drop V(vcpus) when the hypervisor statistics (no Placement) hide
        CPU overcommit.
    type: list
    elements: str
    choices: [vcpus, memory_mb, disk_gb]
    default: [vcpus, memory_mb, disk_gb]
  fallback:
    description:
      - V(cold) marks each live move of an ACTIVE server with C(fallback=cold) in the plan, so that the caller may
        cold-migrate it when its live migration fails (the host roles pass it to
        M(novaops.migration.server_migrate_sequence), which does). V(none) marks nothing.
      - Contradicts O(strategy=cold) (nothing moves live); that combination fails before any request.
    type: str
    choices: [none, cold]
    default: none
  force:
    description:
      - The moves to named hosts will bypass the scheduler's checks (see M(novaops.migration.server_migrate)). The
        plan then checks what the cloud will refuse before any write, in RV(plan.errors) with what to do instead - a
        live migration with force needs microversions 2.30-2.67, and released Nova refuses force on a cold migration.
      - To learn the latter, the module sends a migrate action with force for a server id that does not exist; Nova
        validates the body first, so the answer (400 or 404) tells without changing anything.
    type: bool
    default: false
  host:
    description:
      - The compute host being emptied (O(mode=evacuate)) or restored (O(mode=restore)); exact name of its
        C(nova-compute) service.
    type: str
    required: true
  hosts:
    description:
      - Host facts, as returned in RV(novaops.migration.compute_host_info#module:hosts) (service, zone and capacity
        of every compute host).
      - When unset, the module reads them itself (as M(novaops.migration.compute_host_info) does; with
        O(capacity_check=false) only the compute services are read), and returns them in RV(hosts).
      - Each entry must name its host (C(host) or C(service.host)); C(service) and C(capacity) must be dicts (or null),
        with numbers for the free capacity. Other entries fail the task before any request.
    type: list
    elements: dict
  live_migrate_active:
    description:
      - The old spelling of O(strategy). V(true) is O(strategy=auto), V(false) is O(strategy=cold). Kept so that
        existing playbooks work unchanged; give O(strategy) instead. Giving both fails before any request.
      - "Unset (and O(strategy) unset): O(mode=evacuate) cold-migrates all; O(mode=restore) moves each server back the
        way it left (live if the evacuation report says it was live-migrated away, cold otherwise), and says so in
        C(mode_reason)."
    type: bool
  mode:
    description:
      - V(evacuate) plans emptying O(host); V(restore) plans moving the servers of O(report) back to O(host).
    type: str
    choices: [evacuate, restore]
    default: evacuate
  refresh_services:
    description:
      - With O(hosts), read the compute services again (one request) and plan with their current status and disabled
        reason, keeping the capacity figures of O(hosts).
    type: bool
    default: false
  report:
    description:
      - O(mode=restore) only. The JSON evacuation report written by the P(novaops.migration.host_evacuation#role) role
        (its C(servers) with outcome V(moved) or V(moved_earlier) are moved back).
      - C(servers) must be a list of dicts, each C(id) a server UUID; anything else fails before any request.
      - Unset with O(mode=restore), the plan moves nothing and only checks the host and its compute service.
    type: dict
  run_id:
    description:
      - Identifier of the run asking (the roles make one per run). RV(plan.ownership.activity) then tells this run's
        own evacuation marker from another run's.
    type: str
  server_filter:
    description:
      - JMESPath expression evaluated on each server document (keys C(id), C(name), C(status), C(project_id),
        C(user_id), C(locked), C(availability_zone), C(metadata), C(tags), C(flavor), C(key_name), C(host), ...).
        Servers for which it is false, null or empty are skipped with the reason "not selected by the server filter".
      - "Example: C(starts_with(name, 'web-') && metadata.drain != 'no')."
    type: str
  since:
    description:
      - Start time of the evacuation, an ISO 8601 date or date-time (UTC unless it has an offset), for example
        C(2026-01-31T12:00:00Z). Successful migrations away from O(host) created since then are returned in
        RV(plan.earlier). Any other text fails the task; an empty string counts as unset.
      - When unset and the host's compute service is disabled with an evacuation marker, the marker's time is used.
    type: str
  skip_error:
    description:
      - Skip servers in ERROR (Nova refuses to migrate them). V(false) attempts them, which fails unless the cloud
        accepts it.
    type: bool
    default: true
  skip_locked:
    description:
      - Skip locked servers.
    type: bool
    default: true
  skip_shelved:
    description:
      - Skip SHELVED servers. SHELVED_OFFLOADED servers run nowhere and are always skipped.
    type: bool
    default: true
  strategy:
    description:
      - How each server moves, decided per server from its status and its flavor.
      - V(cold) cold-migrates ACTIVE and SHUTOFF servers (an ACTIVE one is shut down and booted again on the
        destination) and skips PAUSED ones.
      - V(live) live-migrates ACTIVE and PAUSED servers and skips SHUTOFF ones and those that cannot move live.
      - "V(auto) keeps downtime lowest: ACTIVE and PAUSED servers move live, SHUTOFF servers cold; an ACTIVE server
        that cannot move live is skipped with the reason, or moved cold with O(allow_cold_for_running=true); a PAUSED
        one that cannot move live is skipped (a cold migration needs ACTIVE or SHUTOFF)."
      - "Unset: as O(live_migrate_active) says; with both unset, O(mode=evacuate) uses V(cold) and O(mode=restore) moves
        each server back the way it left."
    type: str
    choices: [cold, live, auto]
  target_hosts:
    description:
      - Destination hosts (exact names). Servers are spread over them; each must exist, be enabled and up.
      - A cold migration to a named host needs compute API microversion 2.56; below that the plan leaves cold
        migrations to the scheduler and says so in RV(plan.warnings).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Read-only module; runs normally in check mode.
    support: full
requirements:
  - jmespath (a dependency of openstacksdk)
'''

EXAMPLES = r'''
- name: Read the compute hosts
  novaops.migration.compute_host_info:
    cloud: mycloud
  register: hosts

- name: Plan emptying compute-1 onto compute-2 and compute-3
  novaops.migration.migration_plan:
    cloud: mycloud
    host: compute-1
    hosts: "{{ hosts.hosts }}"
    target_hosts: [compute-2, compute-3]
    server_filter: "project_id == '0b6d1c2e6f1c4a7e9a8f3f4f1b2c3d4e'"
  register: plan

- name: Stop when the plan is not feasible
  ansible.builtin.fail:
    msg: "{{ plan.plan.errors }}"
  when: plan.plan.errors | length > 0

- name: Plan moving the servers of an evacuation report back to compute-1
  novaops.migration.migration_plan:
    cloud: mycloud
    mode: restore
    host: compute-1
    hosts: "{{ hosts.hosts }}"
    report: "{{ lookup('ansible.builtin.file', '/var/tmp/novaops-evacuation-compute-1.json') | from_json }}"
'''

RETURN = r'''
check_mode:
  description:
    - Whether the task ran in check mode (also when set with the C(check_mode) keyword, which
      C(ansible_check_mode) does not reflect). The roles use it to show the plan and change nothing.
  returned: always
  type: bool
controller:
  description:
    - The controller this module ran on, C(pid) of its ansible-playbook process (null when not run by one) and
      C(node), its short host name. The roles write them into the evacuation marker.
  returned: always
  type: dict
  sample: {"pid": 4242, "node": "awx-task-1"}
compute_api:
  description: The compute API microversion range of the cloud.
  returned: always
  type: dict
  sample: {"min": "2.1", "max": "2.96"}
hosts:
  description:
    - The host facts the plan was made with, O(hosts) or those the module read (same keys as
      RV(novaops.migration.compute_host_info#module:hosts); only the service keys with O(capacity_check=false)).
      Pass them to the next plan of the same run to skip the reads.
  returned: always
  type: list
  elements: dict
plan:
  description: The plan.
  returned: always
  type: dict
  contains:
    host:
      description: The host planned for.
      type: str
    service:
      description: The host's compute service facts (status, state, zone, disabled_reason, forced_down, free capacity).
      type: dict
    ownership:
      description:
        - Who disabled the host's compute service. C(state) is V(enabled), V(ours) (the disabled reason is an
          evacuation marker, parsed into C(marker) with C(by), C(at), C(note), C(run), C(pid), C(node), C(until)
          and C(ended)) or V(other).
      type: dict
      contains:
        state:
          description: V(enabled), V(ours) or V(other).
          type: str
        reason:
          description: The current disabled reason.
          type: str
        marker:
          description: The parsed evacuation marker (V(ours) only).
          type: dict
        activity:
          description:
            - "For V(ours), what the run that set the marker is doing: V(this_run) (O(run_id)), V(running) (its
              ansible-playbook process runs on this controller, or its marker has not expired), V(ended), or
              V(interrupted) (its process is gone, its marker expired, or the marker has no run). Null otherwise."
          type: str
    candidates:
      description: Enabled, up hosts (other than O(host)) that can receive servers.
      type: list
      elements: str
    targets:
      description: The usable O(target_hosts).
      type: list
      elements: str
    cold_target_supported:
      description: Whether the cloud can cold-migrate to a named host (microversion 2.56).
      type: bool
    actions:
      description:
        - Servers to act on, in order (resumed migrations first), each with C(index), C(total), C(id), C(name),
          C(status), C(action) (V(cold), V(live) or V(resume)), C(live), C(resume) (V(confirm) or V(wait)),
          C(source_host), C(destination) (named destination or null for the scheduler), C(expected_destination),
          C(needs) (vcpus, memory_mb, disk_gb), C(reason) and C(plan_line).
        - "A V(cold) or V(live) entry says why it moves that way in C(mode_reason) (for example V(strategy auto),
          V(not running), V(as it left), or that it cannot move live and O(allow_cold_for_running) lets it move cold),
          carries C(fallback) (V(cold)) where O(fallback) applies, C(live_blockers) (what in its flavor keeps it from
          moving live) where its flavor has such specs, and C(extra_specs_visible) (false when the flavor's extra
          specs could not be read)."
        - "A member of a server group carries C(server_group): C(id), C(name), C(policy), C(rules), and for a V(cold)
          or V(live) entry C(forbidden_hosts) (hosts Nova's anti-affinity filter refuses, given where the other members
          are) and C(required_hosts) (null for any host; for an C(affinity) member the hosts of its other members)."
      type: list
      elements: dict
    batches:
      description:
        - The ids of RV(plan.actions), in order, split so that no batch holds two members of one C(anti-affinity) or
          C(soft-anti-affinity) group. One batch when no such members move together.
        - M(novaops.migration.server_migrate_sequence) and the host roles move one server at a time, so two members
          are never in flight together there; a caller that moves servers in parallel runs one batch after the other.
      type: list
      elements: list
    skipped:
      description:
        - "Servers left alone, same keys as RV(plan.actions) with C(action=skip) and the C(reason) (for a server the
          strategy cannot move: its status, what in its flavor keeps it from moving live, and which option to
          change; for a member of an C(affinity) group that Nova cannot move, C(needs a common target with server
          group ...) and why)."
      type: list
      elements: dict
    unchanged:
      description: O(mode=restore) servers already on O(host).
      type: list
      elements: dict
    earlier:
      description: Servers moved away from O(host) since O(since) (by an earlier run), with their migration record.
      type: list
      elements: dict
    counts:
      description: Numbers of servers per outcome (on_host, to_move, resume, cold, live, skipped, unchanged, moved_earlier).
      type: dict
    capacity:
      description: What the capacity check compared (needed, per zone free figures, unplaced servers).
      type: dict
    errors:
      description:
        - Reasons the plan must not be carried out (unknown host, unusable targets, capacity shortfall, a server group
          member that no usable host can take without breaking its group's policy).
      type: list
      elements: str
    warnings:
      description:
        - Things the operator should know (targets not honoured, capacity unknown, flavor extra specs not visible so
          that nothing is known to keep a server from moving live, server groups or their members' hosts that could
          not be read, soft or unknown group policies that the scheduler may or may not follow, ...).
      type: list
      elements: str
    notes:
      description: Informational remarks.
      type: list
      elements: str
    ok:
      description: True when RV(plan.errors) is empty.
      type: bool
'''

import datetime
import socket

from ansible_collections.novaops.migration.plugins.module_utils import controller_watch as cw
from ansible_collections.novaops.migration.plugins.module_utils import group_checks
from ansible_collections.novaops.migration.plugins.module_utils.planning import capacity
from ansible_collections.novaops.migration.plugins.module_utils.planning import classification
from ansible_collections.novaops.migration.plugins.module_utils.planning import evacuation_plan
from ansible_collections.novaops.migration.plugins.module_utils.planning import host_state
from ansible_collections.novaops.migration.plugins.module_utils.planning import marker
from ansible_collections.novaops.migration.plugins.module_utils.planning import records
from ansible_collections.novaops.migration.plugins.module_utils.planning import restore_plan
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_document
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_filter
from ansible_collections.novaops.migration.plugins.module_utils.planning import strategy
from ansible_collections.novaops.migration.plugins.module_utils import hosts as hst
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.cold_force import FORCE_REJECTED_HINT, cold_force_accepted
from ansible_collections.novaops.migration.plugins.module_utils.errors import NovaOpsError
from ansible_collections.novaops.migration.plugins.module_utils.host_facts import read_host_facts
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers


def refreshed_services(hosts, services):
    """Host facts with each entry's service replaced by the one just read (entries are matched by host name)."""
    fresh = dict((s.get('host'), s) for s in services)
    result = []
    for given in hosts:
        entry = dict(given)
        name = entry.get('host') or (entry.get('service') or {}).get('host')
        if name in fresh:
            if isinstance(entry.get('service'), dict):
                entry['service'] = fresh[name]
            else:
                entry.update(fresh[name])
        result.append(entry)
    return result


class MigrationPlanModule(NovaOpsModule):
    argument_spec = dict(
        allow_cold_for_running=dict(type='bool', default=False),
        assume_enabled=dict(type='bool', default=False),
        capacity_check=dict(type='bool', default=True),
        capacity_resources=dict(type='list', elements='str', choices=list(capacity.RESOURCES),
                                default=list(capacity.RESOURCES)),
        fallback=dict(type='str', choices=list(strategy.FALLBACKS), default='none'),
        force=dict(type='bool', default=False),
        host=dict(type='str', required=True),
        hosts=dict(type='list', elements='dict'),
        live_migrate_active=dict(type='bool'),
        mode=dict(type='str', choices=['evacuate', 'restore'], default='evacuate'),
        refresh_services=dict(type='bool', default=False),
        report=dict(type='dict'),
        run_id=dict(type='str'),
        server_filter=dict(type='str'),
        since=dict(type='str'),
        skip_error=dict(type='bool', default=True),
        skip_locked=dict(type='bool', default=True),
        skip_shelved=dict(type='bool', default=True),
        strategy=dict(type='str', choices=list(strategy.STRATEGIES)),
        target_hosts=dict(type='list', elements='str', default=[]),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        p = self.params
        self.validate_options()
        versions = self.versions
        read_version = mv.choose_server_read(versions)
        self.pinned_known = mv.parse(read_version) >= mv.V_PINNED_AZ
        self.read_version = read_version
        options = dict(
            target_hosts=p['target_hosts'],
            server_filter=p['server_filter'],
            live_migrate_active=p['live_migrate_active'],
            strategy=p['strategy'],
            allow_cold_for_running=p['allow_cold_for_running'],
            fallback=p['fallback'],
            skip_locked=p['skip_locked'],
            skip_error=p['skip_error'],
            skip_shelved=p['skip_shelved'],
            capacity_check=p['capacity_check'],
            capacity_resources=p['capacity_resources'],
            cold_target_supported=versions.max >= mv.V_COLD_HOST,
            max_microversion=mv.fmt(versions.max),
        )
        # Fail on a bad filter before any other request (a PlanError is a ValidationError).
        server_filter.compile_filter(p['server_filter'])

        hosts = p['hosts']
        if hosts is None:
            # Read here rather than in a compute_host_info task: one module start-up, one token less.
            hosts = (read_host_facts(self.compute, versions, self.placement_proxy, step=self.set_step) if p['capacity_check']
                     else hst.list_services(self.compute, versions))
        elif p['refresh_services']:
            # The capacity figures of an earlier read are good enough; the services' status and disabled reasons are
            # what may have changed since (one request).
            self.step = 'listing compute services'
            hosts = refreshed_services(hosts, hst.list_services(self.compute, versions))

        planner = self._restore if p['mode'] == 'restore' else self._evacuate
        plan = planner(p['host'], hosts, options)
        # Who holds the host: a marker of another run whose ansible-playbook still runs here, or whose marker has not
        # expired, belongs to a live run; this module runs on the controller, so it can look at the process itself.
        if p['force']:
            plan['errors'].extend(self._force_problems(plan))
            plan['ok'] = not plan['errors']
        controller = {'pid': cw.controller_pid(), 'node': socket.gethostname().split('.')[0]}
        if plan.get('service'):
            plan['ownership'] = marker.service_ownership(plan['service'], run_id=p['run_id'], node=controller['node'],
                                                         pid_alive=cw.ansible_playbook_alive)
        self.exit_json(plan=plan, hosts=hosts, compute_api={'min': mv.fmt(versions.min), 'max': mv.fmt(versions.max)},
                       check_mode=bool(self.check_mode), controller=controller)

    def validate_options(self):
        """Option checks that need no request; they fail before the first one."""
        p = self.params
        val.check_named('host', p['host'], 'Give the exact name of the compute host to %s.'
                        % ('empty' if p['mode'] == 'evacuate' else 'restore'))
        val.check_named_list('target_hosts', p['target_hosts'], 'Give exact compute host names, or an empty list to '
                             'let the scheduler choose.')
        val.check_host_facts(p['hosts'])
        if p['mode'] == 'restore' and p['report'] is not None:
            val.check_report(p['report'])
        # A restore without a strategy moves each server the way it left, so no strategy is in effect to contradict.
        val.check_strategy_options(p['strategy'], live_migrate_active=p['live_migrate_active'],
                                   allow_cold_for_running=p['allow_cold_for_running'], fallback=p['fallback'],
                                   default='cold' if p['mode'] == 'evacuate' else None)
        # An empty since is unset (the marker's time is used); anything else must be a time.
        self.since = None
        if p['since'] is not None and str(p['since']).strip():
            parsed = val.parse_iso8601(p['since'], 'since')
            self.since = parsed.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')

    def _force_problems(self, plan):
        """What the cloud will refuse about ``force`` on the planned moves to named hosts, found before any write."""
        named = [e for e in plan['actions'] if e.get('action') in (classification.COLD, classification.LIVE) and e.get('destination')]
        problems = []
        live = [e for e in named if e['action'] == classification.LIVE]
        if live:
            try:
                mv.choose_live_migrate(self.versions, live[0]['destination'], True, None)
            except NovaOpsError as exc:
                problems.append('%s (%d live migration(s) to named hosts).' % (exc.msg.rstrip('.'), len(live)))
        cold = [e for e in named if e['action'] == classification.COLD]
        if cold and self.versions.max >= mv.V_COLD_HOST:
            self.step = 'asking whether the cloud accepts force on a cold migration'
            if cold_force_accepted(self.api, self.versions, cold[0]['destination']) is False:
                problems.append('%s (%d cold migration(s) to named hosts.)' % (FORCE_REJECTED_HINT.replace(
                    ' Nothing was changed.', ''), len(cold)))
        return problems

    # ----- reads ------------------------------------------------------------
    def _servers_on(self, host):
        self.step = 'listing the servers on %s' % host
        servers = list_servers(self.compute, self.read_version, {'host': host})
        return [server_document.server_document(s, self.pinned_known) for s in servers
                if s.get('OS-EXT-SRV-ATTR:host') in (None, host)]

    def _server(self, server_id):
        self.step = 'reading server %s' % server_id
        try:
            # openstacksdk reads at min(2.100, the cloud's maximum), the version read_version names.
            body = nova_body(self.compute.get_server(server_id))
        except Exception as exc:  # pylint: disable=broad-except
            if getattr(exc, 'status_code', None) == 404:
                return None
            raise
        return server_document.server_document(body, self.pinned_known)

    def _migrations(self, host):
        self.step = 'listing the migrations of %s' % host
        version = mv.choose_migration_list(self.versions, {})
        records = [nova_body(r) for r in self.compute.migrations(microversion=version, host=host)]
        result = [mig.normalize(r) for r in records]
        # Clouds ignore unknown filters on some microversions: keep exact matches only.
        return [m for m in result if host in (m.get('source_compute'), m.get('dest_compute'))]

    def _server_groups(self, servers):
        """The server groups, the hosts of their members (``servers`` are known; the others are read, few requests)
        and the warnings of what could not be read. Nothing is read when there is no server to plan for."""
        if not servers:
            return None, {}, []
        self.step = 'listing the server groups'
        groups, warnings = group_checks.read_server_groups(self.compute)
        if not groups:
            return groups, {}, warnings
        known = dict((s['id'], s.get('host')) for s in servers)
        peers = group_checks.peers_to_locate(groups, sorted(known), known)
        self.step = 'reading the hosts of %d other server group member(s)' % len(peers)
        located, more = group_checks.member_hosts(self.compute, self.versions, peers)
        known.update(located)
        return groups, known, warnings + more

    # ----- modes --------------------------------------------------------------
    def _evacuate(self, host, hosts, options):
        known = set(host_state.normalize_host(h).get('host') for h in hosts)
        if host not in known:
            return evacuation_plan.plan_evacuation(host, hosts, [], options=options)
        since = self.since
        if not since:
            # A host disabled by an evacuation: what it moved since its marker time counts as "earlier".
            source = next(h for h in (host_state.normalize_host(e) for e in hosts) if h.get('host') == host)
            ownership = marker.service_ownership(source)
            if ownership['state'] == 'ours':
                since = ownership['marker']['at']
        servers = self._servers_on(host)
        migrations = self._migrations(host)
        on_host = set(s['id'] for s in servers)
        wanted = set(records.unfinished_from(migrations, host))
        if since:
            wanted |= set(records.moved_since(migrations, host, since))
        others = {}
        for server_id in sorted(wanted - on_host):
            others[server_id] = self._server(server_id)
        groups, host_of, warnings = self._server_groups(servers + [s for s in others.values() if s])
        plan = evacuation_plan.plan_evacuation(host, hosts, servers, migrations=migrations, resume_servers=others,
                                               options=options, since=since, groups=groups, host_of=host_of)
        plan['warnings'].extend(warnings)
        return plan

    def _restore(self, host, hosts, options):
        # Without a report only the host and its compute service are looked at (re-enable without moving back).
        moved = restore_plan.report_servers(self.params['report'], host) if self.params['report'] is not None else []
        known = set(host_state.normalize_host(h).get('host') for h in hosts)
        if host not in known or not moved:
            return restore_plan.plan_restore(host, hosts, moved, {}, options=options,
                                             assume_enabled=self.params['assume_enabled'])
        current = {}
        wanted = set(item.get('id') for item in moved)
        # One listing per host the servers went to (and the restored host itself), then single reads for the rest.
        for name in sorted(set(item.get('destination') for item in moved if item.get('destination')) | set([host])):
            if name not in known:
                continue
            for server in self._servers_on(name):
                if server['id'] in wanted:
                    current[server['id']] = server
        for server_id in sorted(wanted - set(current)):
            current[server_id] = self._server(server_id)
        migrations = self._migrations(host)
        groups, host_of, warnings = self._server_groups([s for s in current.values() if s])
        plan = restore_plan.plan_restore(host, hosts, moved, current, migrations=migrations, options=options,
                                         assume_enabled=self.params['assume_enabled'], groups=groups, host_of=host_of)
        plan['warnings'].extend(warnings)
        return plan


def main():
    module = MigrationPlanModule()
    module()


if __name__ == '__main__':
    main()
