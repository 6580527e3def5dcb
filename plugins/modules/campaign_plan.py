#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: campaign_plan
short_description: Plan a maintenance campaign over many OpenStack compute hosts (read-only)
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Read-only plan of a fleet-maintenance campaign, in which compute hosts are taken out in steps (disable, empty,
    patch or reboot, check, enable). Nothing is changed; the module runs normally in check mode.
  - "Selects the hosts from O(hosts), O(aggregates) and O(zone) (exact names; at least one of them), reads the host
    facts of the whole cloud once (compute services, hypervisors and the free capacity from Placement, as
    M(novaops.migration.compute_host_info) does), the servers of each selected host not in O(done_hosts), the
    migration records of the hosts disabled with an evacuation marker, and the server groups with the hosts of their
    members elsewhere, then plans the order of the hosts, where each server goes and what stays free after each
    step."
  - "Each host's servers are classified as M(novaops.migration.migration_plan) classifies them (O(strategy),
    O(server_filter), the skips). They go first to hosts the campaign has finished (they move once), then to enabled
    hosts outside the campaign, and only when nothing else has room to a host still queued in the campaign; such a
    server moves again when that host's turn comes, and its step warns."
  - "With O(order=capacity) the next host is the first one, in the order selected, whose servers all fit on finished
    and outside hosts; when none does, the one leaving the fewest servers for queued hosts. A step whose servers fit
    nowhere ends the plan with the figures (needed against free, per resource and availability zone) in
    RV(plan.errors)."
  - "Server groups are kept as Nova's group filters want them across the whole campaign: no two members of an
    anti-affinity group on one host (counting those earlier steps moved), and the moves of a step are cut into waves
    that never hold two members of one anti-affinity group."
  - "A selected host whose compute service is disabled with this run's evacuation marker (O(run_id)) is the host an
    interrupted run left in the middle: it goes first, its unfinished migrations (in progress or waiting in
    VERIFY_RESIZE) are resumed, and the servers that left it since the marker's time are listed in the step's
    C(earlier), not planned again. A host disabled with the marker of another run that ended or was interrupted
    goes first too, with its unfinished migrations resumed and a warning; one whose run is still running is an
    error of the plan."
  - "The module fails only on a malformed request (bad options, an invalid JMESPath expression) or when the cloud
    cannot be read; an unknown host or aggregate name and a plan that does not fit are returned in RV(plan.errors)
    with RV(plan.ok=false)."
options:
  aggregates:
    description:
      - Host aggregates (exact names) whose hosts are maintained, in the order Nova lists their hosts. Read with
        C(GET /os-aggregates), which Nova allows admins only by default.
      - An unknown name is an error of the plan that lists the known names.
    type: list
    elements: str
  allow_cold_for_running:
    description:
      - With O(strategy=auto), cold-migrate a running (ACTIVE) server that cannot move live, instead of skipping it.
      - Contradicts O(strategy=live); that combination fails before any request.
    type: bool
    default: false
  capacity_check:
    description:
      - Place the servers by the free capacity of the receiving hosts (read from Placement, or the hypervisor
        statistics). V(false) reads only the compute services and places servers without counting their size.
    type: bool
    default: true
  capacity_resources:
    description:
      - Resources the placement compares. Drop V(vcpus) when the hypervisor statistics (no Placement) hide CPU
        overcommit.
    type: list
    elements: str
    choices: [vcpus, memory_mb, disk_gb]
    default: [vcpus, memory_mb, disk_gb]
  done_hosts:
    description:
      - Hosts an earlier run of the same campaign already finished (exact names). They are not planned again, also
        when the selection holds them, and receive servers from the first step on, if their compute service is
        enabled and up.
      - Each must be a known compute host; an unknown name is an error of the plan.
    type: list
    elements: str
    default: []
  fallback:
    description:
      - V(cold) marks each live move of an ACTIVE server so that the caller may cold-migrate it when its live
        migration fails. V(none) marks nothing. Contradicts O(strategy=cold).
    type: str
    choices: [none, cold]
    default: none
  hosts:
    description:
      - Compute hosts to maintain, exact names of their C(nova-compute) services (for example the names of an
        inventory group), in the preferred order.
    type: list
    elements: str
  live_migrate_active:
    description:
      - The old spelling of O(strategy). V(true) is O(strategy=auto), V(false) is O(strategy=cold). Giving both fails
        before any request.
    type: bool
  max_in_flight:
    description:
      - At most this many moves in one wave of a step. Unset, O(parallel_hosts) times O(per_source).
    type: int
  order:
    description:
      - V(capacity) chooses the order of the hosts so that their servers move once where capacity allows (see the
        description); V(given) keeps the order selected.
    type: str
    choices: [capacity, given]
    default: capacity
  parallel_hosts:
    description:
      - Hosts taken out together in one step. A server never goes to a host of its own step.
    type: int
    default: 1
  per_source:
    description:
      - At most this many moves from one host in one wave. Nova's compute service runs
        C(max_concurrent_live_migrations) live migrations per host at a time (one by default).
    type: int
    default: 1
  run_id:
    description:
      - Identifier of this campaign run, as the host roles write it into the evacuation marker. A selected host
        disabled with a marker of this run is resumed (see the description).
    type: str
  server_filter:
    description:
      - JMESPath expression evaluated on each server document (keys C(id), C(name), C(status), C(project_id),
        C(metadata), C(flavor), ...). Servers for which it is false, null or empty are skipped with the reason.
    type: str
  skip_error:
    description:
      - Skip servers in ERROR (Nova refuses to migrate them).
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
      - How each server moves, decided per server from its status and its flavor, as in
        M(novaops.migration.migration_plan). V(cold) cold-migrates ACTIVE and SHUTOFF servers; V(live) live-migrates
        ACTIVE and PAUSED servers; V(auto) moves running servers live and the others cold.
      - Unset, as O(live_migrate_active) says; with both unset, V(cold).
    type: str
    choices: [cold, live, auto]
  zone:
    description:
      - An availability zone whose compute hosts are all maintained, in name order.
    type: str
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
- name: Plan patching the hosts of an aggregate, two at a time
  novaops.migration.campaign_plan:
    cloud: mycloud
    aggregates: [patch-wave-1]
    parallel_hosts: 2
    strategy: auto
    run_id: "{{ campaign_run_id }}"
  register: campaign

- name: Stop when the campaign does not fit
  ansible.builtin.fail:
    msg: "{{ campaign.plan.errors }}"
  when: not campaign.plan.ok

- name: Resume a campaign over an inventory group; these hosts are finished already
  novaops.migration.campaign_plan:
    cloud: mycloud
    hosts: "{{ groups['compute'] }}"
    done_hosts: [compute-1, compute-2]
    run_id: "{{ campaign_run_id }}"
  register: campaign

- name: Show each step
  ansible.builtin.debug:
    msg: >-
      Step {{ item.index }}: {{ item.hosts | join(', ') }}, {{ item.moves | length }} moves in
      {{ item.waves | length }} waves, {{ item.moves_again }} to hosts still queued
  loop: "{{ campaign.plan.steps }}"
'''

RETURN = r'''
msg:
  description: One line, for example C(3 hosts in 2 steps, 12 moves, 0 move again), or the first errors of the plan.
  returned: always
  type: str
selected:
  description:
    - The hosts the selection found (O(hosts), then the hosts of O(aggregates), then those of O(zone)), each once;
      empty when the selection has errors.
  returned: always
  type: list
  elements: str
resumed:
  description: Selected hosts disabled with this run's evacuation marker (O(run_id)), taken up where they were left.
  returned: always
  type: list
  elements: str
hosts:
  description:
    - The host facts the plan was made with (same keys as RV(novaops.migration.compute_host_info#module:hosts); only
      the service keys with O(capacity_check=false)). Pass them on to M(novaops.migration.migration_plan) to skip the
      reads.
  returned: always
  type: list
  elements: dict
compute_api:
  description: The compute API microversion range of the cloud.
  returned: always
  type: dict
  sample: {"min": "2.1", "max": "2.96"}
check_mode:
  description:
    - Whether the task ran in check mode (also when set with the C(check_mode) keyword, which C(ansible_check_mode)
      does not reflect).
  returned: always
  type: bool
controller:
  description:
    - The controller this module ran on, C(pid) of its ansible-playbook process (null when not run by one) and
      C(node), its short host name, for the evacuation marker a campaign writes.
  returned: always
  type: dict
  sample: {"pid": 4242, "node": "awx-task-1"}
plan:
  description: The campaign's plan.
  returned: always
  type: dict
  contains:
    ok:
      description: True when RV(plan.errors) is empty.
      type: bool
    errors:
      description:
        - Reasons the campaign must not start (unknown host or aggregate names, a step whose servers fit nowhere with
          the figures, a server group member no host may take). Nothing after a failing step is planned.
      type: list
      elements: str
    warnings:
      description:
        - Things the operator should know (servers that move again, soft group policies, server groups or their
          members' hosts that could not be read, selected hosts disabled by someone else, ...).
      type: list
      elements: str
    options:
      description: The campaign options in effect (C(parallel_hosts), C(per_source), C(max_in_flight), C(order)).
      type: dict
    hosts:
      description: The hosts planned (the selection without O(done_hosts)).
      type: list
      elements: str
    done_hosts:
      description: O(done_hosts) as the plan took them.
      type: list
      elements: str
    order:
      description: The hosts in the order of the steps.
      type: list
      elements: str
    steps:
      description: The steps, in order.
      type: list
      elements: dict
      contains:
        index:
          description: Number of the step, from 1.
          type: int
        hosts:
          description: The hosts taken out in this step.
          type: list
          elements: str
        moves:
          description: The servers leaving the step's hosts, taking one from each host in turn.
          type: list
          elements: dict
          contains:
            id:
              description: Server id.
              type: str
            name:
              description: Server name.
              type: str
            from:
              description: The host it leaves.
              type: str
            to:
              description:
                - The host the plan sends it to; for a resumed migration the destination of the migration under way.
              type: str
            mode:
              description: V(cold), V(live) or V(resume) (a migration an earlier run started, to finish or confirm).
              type: str
            why:
              description: Why it moves that way (the strategy's reason, or what is resumed).
              type: str
            zone:
              description: The availability zone it is pinned to, or null.
              type: str
            tier:
              description: V(done), V(outside) or V(queued) (the kind of host it goes to); null for V(resume).
              type: str
            moves_again:
              description: True when it goes to a host still queued in the campaign, so it moves once more later.
              type: bool
            anti_affinity:
              description:
                - The id of its C(anti-affinity) or C(soft-anti-affinity) server group, else null. Moves with the same
                  key must never be in flight together (the item key C(anti_affinity) of
                  M(novaops.migration.server_migrate_sequence)).
              type: str
            server_group:
              description: The name (or id) of its server group, or null.
              type: str
            needs:
              description: What it takes on its destination (vcpus, memory_mb, disk_gb), null when unknown.
              type: dict
        skipped:
          description: Servers left on the step's hosts, each with C(id), C(name), C(host) and C(reason).
          type: list
          elements: dict
        earlier:
          description:
            - Servers that left a resumed host since its marker's time (C(id), C(name), C(from), C(to), C(host)); not
              planned again.
          type: list
          elements: dict
        waves:
          description:
            - The ids of RV(plan.steps[].moves) in waves of at most O(max_in_flight), at most O(per_source) from one
              host, never two members of one anti-affinity group in a wave.
          type: list
          elements: list
        moves_again:
          description: How many of the step's moves go to queued hosts.
          type: int
        needed:
          description: What the step's moves need in total, per resource.
          type: dict
        free_after:
          description:
            - Free figures after the step of the hosts it changed (its own hosts, emptied, and those that received
              servers).
          type: dict
        warnings:
          description: The step's warnings.
          type: list
          elements: str
        errors:
          description: Why the step cannot be carried out (then it also has C(shortfall) with the figures).
          type: list
          elements: str
    unplanned:
      description: Hosts after a failing step (all of them when nothing could be planned).
      type: list
      elements: str
    counts:
      description: C(hosts), C(steps), C(servers_on_hosts), C(moves), C(moves_again), C(skipped) and C(waves).
      type: dict
    free_final:
      description: Free figures of every host that can receive servers once the campaign is over.
      type: dict
'''

import socket

from ansible_collections.novaops.migration.plugins.module_utils import controller_watch as cw
from ansible_collections.novaops.migration.plugins.module_utils import group_checks
from ansible_collections.novaops.migration.plugins.module_utils import hosts as hst
from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import migrations as mig
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.host_facts import read_host_facts
from ansible_collections.novaops.migration.plugins.module_utils.planning import campaign_plan
from ansible_collections.novaops.migration.plugins.module_utils.planning import capacity
from ansible_collections.novaops.migration.plugins.module_utils.planning import classification
from ansible_collections.novaops.migration.plugins.module_utils.planning import host_state
from ansible_collections.novaops.migration.plugins.module_utils.planning import marker
from ansible_collections.novaops.migration.plugins.module_utils.planning import records
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_document
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_filter
from ansible_collections.novaops.migration.plugins.module_utils.planning import strategy
from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_hosts import select_hosts
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers

# Up to this many servers are read one by one; more are found in one listing of all servers.
SINGLE_READS = 5


class CampaignPlanModule(NovaOpsModule):
    argument_spec = dict(
        aggregates=dict(type='list', elements='str'),
        allow_cold_for_running=dict(type='bool', default=False),
        capacity_check=dict(type='bool', default=True),
        capacity_resources=dict(type='list', elements='str', choices=list(capacity.RESOURCES),
                                default=list(capacity.RESOURCES)),
        done_hosts=dict(type='list', elements='str', default=[]),
        fallback=dict(type='str', choices=list(strategy.FALLBACKS), default='none'),
        hosts=dict(type='list', elements='str'),
        live_migrate_active=dict(type='bool'),
        max_in_flight=dict(type='int'),
        order=dict(type='str', choices=list(campaign_plan.ORDERS), default='capacity'),
        parallel_hosts=dict(type='int', default=1),
        per_source=dict(type='int', default=1),
        run_id=dict(type='str'),
        server_filter=dict(type='str'),
        skip_error=dict(type='bool', default=True),
        skip_locked=dict(type='bool', default=True),
        skip_shelved=dict(type='bool', default=True),
        strategy=dict(type='str', choices=list(strategy.STRATEGIES)),
        zone=dict(type='str'),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        p = self.params
        self.validate_options()
        versions = self.versions
        self.read_version = mv.choose_server_read(versions)
        self.pinned_known = mv.parse(self.read_version) >= mv.V_PINNED_AZ
        options = dict(
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
            parallel_hosts=p['parallel_hosts'],
            per_source=p['per_source'],
            max_in_flight=p['max_in_flight'],
            order=p['order'],
        )
        # One read of the host facts for the whole cloud: the selection, the receivers and the capacity all need it.
        hosts = (read_host_facts(self.compute, versions, self.placement_proxy, step=self.set_step) if p['capacity_check']
                 else hst.list_services(self.compute, versions))
        selected, errors = self._select(hosts)
        resumed = []
        if errors:
            plan = campaign_plan.failed_plan(selected, errors)
        else:
            plan, resumed = self._plan(selected, hosts, options)
        self.exit_json(plan=plan, selected=selected, resumed=resumed, hosts=hosts, msg=summary(plan),
                       compute_api={'min': mv.fmt(versions.min), 'max': mv.fmt(versions.max)},
                       check_mode=bool(self.check_mode), controller=self.controller())

    @staticmethod
    def controller():
        return {'pid': cw.controller_pid(), 'node': socket.gethostname().split('.')[0]}

    def validate_options(self):
        """Option checks that need no request; they fail before the first one."""
        p = self.params
        if p['hosts'] is None and p['aggregates'] is None and p['zone'] is None:
            raise ValidationError('Select the hosts of the campaign: give hosts (exact compute host names), aggregates '
                                  '(host aggregate names) or zone (an availability zone). Nothing was changed.')
        val.check_named_list('hosts', p['hosts'], 'Give exact compute host names.')
        val.check_named_list('aggregates', p['aggregates'], 'Give exact host aggregate names.')
        val.check_named_list('done_hosts', p['done_hosts'], 'Give the exact names of the hosts already finished.')
        val.check_named('zone', p['zone'], 'Give the name of an availability zone, or leave zone unset.')
        for name in ('parallel_hosts', 'per_source', 'max_in_flight'):
            if p[name] is not None and p[name] < 1:
                raise ValidationError('%s=%d: give 1 or more%s. Nothing was changed.'
                                      % (name, p[name], ', or leave it unset' if name == 'max_in_flight' else ''))
        val.check_strategy_options(p['strategy'], live_migrate_active=p['live_migrate_active'],
                                   allow_cold_for_running=p['allow_cold_for_running'], fallback=p['fallback'])
        # A bad filter fails before any request.
        try:
            server_filter.compile_filter(p['server_filter'])
        except ValidationError as exc:
            raise ValidationError('%s Give a valid JMESPath expression in server_filter. Nothing was changed.'
                                  % str(exc.msg).rstrip('.')) from None

    # ----- reads ------------------------------------------------------------
    def _select(self, hosts):
        """The campaign's hosts and the selection errors (unknown names, an unknown aggregate, an empty zone)."""
        p = self.params
        errors = []
        aggregates = None
        if p['aggregates'] is not None:
            self.step = 'listing the host aggregates'
            known = dict((a.get('name'), a) for a in (nova_body(a) for a in self.compute.aggregates()))
            aggregates = []
            for name in p['aggregates']:
                if name in known:
                    aggregates.append({'name': name, 'hosts': list(known[name].get('hosts') or [])})
                else:
                    errors.append('Host aggregate %r does not exist (names match exactly; host aggregates: %s).'
                                  % (name, ', '.join(sorted(str(n) for n in known)) or 'none'))
        if aggregates or p['hosts'] is not None or p['zone'] is not None:
            selected, more = select_hosts(p['hosts'], hosts, aggregates=aggregates, zone=p['zone'])
            errors.extend(more)
        else:
            selected = []
        return (selected if not errors else []), errors

    def _servers_on(self, host):
        self.step = 'listing the servers on %s' % host
        servers = list_servers(self.compute, self.read_version, {'host': host})
        # Exact matches only: a cloud may match the host filter loosely.
        return [server_document.server_document(s, self.pinned_known) for s in servers
                if s.get('OS-EXT-SRV-ATTR:host') in (None, host)]

    def _migrations(self, host):
        self.step = 'listing the migrations of %s' % host
        version = mv.choose_migration_list(self.versions, {})
        result = [mig.normalize(nova_body(r)) for r in self.compute.migrations(microversion=version, host=host)]
        return [m for m in result if host in (m.get('source_compute'), m.get('dest_compute'))]

    def _servers(self, server_ids):
        """Servers by id (None when gone): a few read one by one, more in one listing of all servers."""
        wanted = sorted(set(server_ids))
        if not wanted:
            return {}
        if len(wanted) > SINGLE_READS:
            self.step = 'listing all servers'
            listed = dict((s.get('id'), s) for s in list_servers(self.compute, self.read_version, {}))
            return dict((i, server_document.server_document(listed[i], self.pinned_known) if i in listed else None)
                        for i in wanted)
        result = {}
        for server_id in wanted:
            self.step = 'reading server %s' % server_id
            try:
                body = nova_body(self.compute.get_server(server_id))
            except Exception as exc:  # pylint: disable=broad-except
                if getattr(exc, 'status_code', None) != 404:
                    raise
                body = None
            result[server_id] = server_document.server_document(body, self.pinned_known) if body else None
        return result

    def _server_groups(self, servers):
        """The server groups and the hosts of their members (the campaign's servers are known; members elsewhere are
        read, few requests), with the warnings of what could not be read. Nothing is read without a server."""
        if not servers:
            return None, {}, []
        self.step = 'listing the server groups'
        groups, warnings = group_checks.read_server_groups(self.compute)
        known = dict((s['id'], s.get('host')) for s in servers)
        if not groups:
            return groups, known, warnings
        peers = group_checks.peers_to_locate(groups, sorted(known), known)
        self.step = 'reading the hosts of %d other server group member(s)' % len(peers)
        located, more = group_checks.member_hosts(self.compute, self.versions, peers)
        known.update(located)
        return groups, known, warnings + more

    # ----- plan -------------------------------------------------------------
    def _plan(self, selected, hosts, options):
        p = self.params
        facts = dict((h['host'], h) for h in (host_state.normalize_host(e) for e in hosts) if h.get('host'))
        done = set(p['done_hosts'])
        to_plan = [name for name in selected if name not in done]
        warnings = []
        marked = {}
        # A marker written on this controller is judged by its ansible-playbook process, as migration_plan does.
        node = self.controller()['node']
        for name in to_plan:
            ownership = marker.service_ownership(facts[name], run_id=p['run_id'], node=node,
                                                 pid_alive=cw.ansible_playbook_alive)
            if ownership['state'] == 'ours':
                marked[name] = ownership
            elif ownership['state'] == 'other':
                warnings.append('%s is disabled by someone else (%s); the campaign will enable it at the end of its '
                                'step.' % (name, ownership['reason']))
        servers_by_host = dict((name, self._servers_on(name)) for name in to_plan)
        listed = dict((s['id'], s) for servers in servers_by_host.values() for s in servers)

        # A host disabled with an evacuation marker: its records say what is unfinished; with this run's marker also
        # what already left it since the marker's time.
        resume, resumed, held = {}, [], []
        for name, ownership in sorted(marked.items()):
            migrations = self._migrations(name)
            since = None
            if ownership['activity'] == 'this_run':
                since = ownership['marker']['at']
                resumed.append(name)
            elif ownership['activity'] == 'running':
                held.append('%s is being emptied by another run (%s, by %s): leave it out of this campaign or wait '
                            'for that run to end. Nothing was changed.'
                            % (name, ownership['marker'].get('run'), ownership['marker'].get('by')))
                continue
            else:
                warnings.append('%s is disabled by another evacuation run (%s, %s); it goes first and its unfinished '
                                'migrations are resumed.' % (name, ownership['marker'].get('run') or 'no run id',
                                                             ownership['activity']))
            resume[name] = {'since': since, 'migrations': migrations,
                            'wanted': set(records.unfinished_from(migrations, name))
                            | set(records.moved_since(migrations, name, since))}
        others = set(i for value in resume.values() for i in value['wanted']) - set(listed)
        read = self._servers(others)
        for value in resume.values():
            value['servers'] = dict((i, listed.get(i) or read.get(i)) for i in value.pop('wanted'))

        moving = list(listed.values()) + [s for s in read.values() if s]
        groups, host_of, group_warnings = self._server_groups(moving)
        plan = campaign_plan.plan_campaign(selected, hosts, servers_by_host, options=options, groups=groups,
                                           host_of=host_of, done_hosts=p['done_hosts'], resume=resume)
        plan['warnings'].extend(warnings + group_warnings)
        if held:
            plan['errors'] = held + plan['errors']
            plan['ok'] = False
        if not options['cold_target_supported'] and any(m['mode'] == classification.COLD
                                                        for s in plan['steps'] for m in s['moves']):
            plan['warnings'].append('The cloud supports compute API microversion %s at most and a cold migration to a '
                                    'named host needs 2.56: the destinations of cold moves are what the plan expects, '
                                    'the scheduler chooses.' % options['max_microversion'])
        return plan, resumed


def summary(plan):
    """The one-line message: the plan's size, or its first errors."""
    if not plan['ok']:
        errors = plan['errors']
        more = ' (%d more errors)' % (len(errors) - 2) if len(errors) > 2 else ''
        return 'The campaign cannot be planned: %s%s' % (' '.join(errors[:2]), more)
    counts = plan['counts']
    figures = (counts['hosts'], counts['steps'], counts['moves'], counts['moves_again'])
    return '%d hosts in %d steps, %d moves, %d move again' % figures


def main():
    module = CampaignPlanModule()
    module()


if __name__ == '__main__':
    main()
