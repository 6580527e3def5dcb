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
  - Nova shows a server's pinned availability zone from compute API microversion 2.96 (Nova 2024.1). On an older
    cloud a move into another zone than the server's gets a warning that the pinning could not be checked, and Nova's
    scheduler decides.
  - A named O(host) must also suit the server's group (C(os-server-groups)). A host that already holds another member
    of its C(anti-affinity) group, or that is not the host of its C(affinity) group, is refused before any write
    unless O(force=true), as Nova's scheduler would only answer C(No valid host). A group that cannot be read is a
    warning, and Nova decides.
  - A server whose flavor asks for accelerators (C(accel:device_profile)) is refused before any write, because Nova
    migrates it neither cold nor live.
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
  - When the cloud confirms resizes itself (Nova's C(resize_confirm_window)) or another run confirms first, Nova
    refuses the module's own confirmation; the module then reads the migration again and, when it is confirmed (or
    being confirmed), waits for and verifies the same end state, and says in RV(msg) who confirmed it.
  - "With O(strategy) the module chooses the kind of migration when it is about to start one, from the server's
    status and the C(extra_specs) of its flavor (shown from compute API microversion 2.47): see O(strategy). RV(mode)
    and RV(mode_reason) say which kind it chose and why. A server the strategy would not move fails the task with the
    reason before any write, in check mode too."
  - "While a live migration runs, O(on_stall) watches the copy's progress and says what to do when it stalls, and
    O(fallback=cold) follows a live migration that failed with a cold migration of the same server. RV(attempts) shows
    each migration started and how it ended. Both act only during a real run: check mode predicts the first
    migration and says so."
  - C(changed) is true when the module sent a write request (migrate, live migrate, confirm, force complete or abort)
    that Nova accepted.
options:
  allow_cold_for_running:
    description:
      - With O(strategy=auto), cold-migrate an ACTIVE server that cannot move live (its flavor asks for PCI
        passthrough devices, vGPUs, accelerators, encrypted memory or an owner-held vTPM) instead of failing. The
        server is shut down and booted again on the destination.
      - Contradicts O(strategy=live) and O(live_migration=true); either combination fails before any request.
    type: bool
    default: false
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
  fallback:
    description:
      - V(cold) follows a live migration of an ACTIVE server that failed with a cold migration of the same server (the
        server is shut down and booted again on the destination), with the same O(host) and O(force) and the same
        verification.
      - A live migration counts as failed when Nova refuses it (HTTP 400, for example C(No valid host was found), or
        409), when its migration record ends in C(error) or C(failed), or when O(on_stall=abort) aborted it. Before the
        cold migration the server must be settled C(ACTIVE) on its source host; a live failure that left it in
        C(ERROR) or elsewhere fails the task with the reason and moves nothing more. A timeout never falls back (the
        live migration may still be running).
      - Never for a C(PAUSED) server (a cold migration needs C(ACTIVE) or C(SHUTOFF)); RV(mode_reason) says so.
      - After a fallback RV(mode) is V(cold), RV(mode_reason) starts with C(live failed) and ends with
        C(cold fallback), and RV(attempts) holds both migrations.
      - Needs a migration that may move live (O(live_migration=true) or O(strategy) V(live) or V(auto)) and
        O(wait=true); otherwise the task fails before any request, naming the option to drop.
    type: str
    choices: [none, cold]
    default: none
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
      - When unset the scheduler chooses. An empty or blank string is refused, not taken as unset (it usually comes
        from a template that rendered empty); omit the option instead.
      - Cold migration to a named host needs microversion 2.56.
    type: str
  live_migration:
    description:
      - V(true) for a live migration (server ACTIVE or PAUSED), V(false) for a cold migration (ACTIVE or SHUTOFF).
        The same as O(strategy=live) and O(strategy=cold).
      - Unset, and O(strategy) unset, a cold migration. Giving both O(live_migration) and O(strategy) fails before any
        request.
    type: bool
  on_stall:
    description:
      - "What to do when a live migration's copy stalls. The progress is read once per poll from
        C(GET /servers/{id}/migrations/{id}) (compute API microversion 2.23 or later), as the bytes Nova's libvirt
        driver still has to copy (C(memory_remaining_bytes) plus C(disk_remaining_bytes)). The copy progresses when
        they reach a new low; a guest that dirties memory as fast as it is sent makes them rise and fall back without
        a new low, which is no progress. No new low for O(stall_timeout) seconds is a stall."
      - V(wait) keeps waiting until O(timeout), whose message then says that the copy stalled and where.
      - V(force_complete) asks Nova once to force the migration to complete (it pauses the guest so the copy
        converges; microversion 2.22), then waits for and verifies the migration as usual; RV(msg) says it was
        force-completed.
      - V(abort) aborts the migration (microversion 2.24; 2.65 while it is still queued or preparing, below that
        it waits until it runs), then verifies that the record is C(cancelled) and the server back on its source
        host in its original status. The migration did not happen, so the task fails and says so, unless
        O(fallback=cold) moves the server cold.
      - Unset, the module waits as with V(wait) but does not read the progress (no extra request).
      - The cloud's microversion is checked before any write; V(force_complete) below 2.22 (or 2.23 to read the
        progress) and V(abort) below 2.24 fail the task, naming what to use instead.
      - Contradicts O(strategy=cold) and a cold migration without O(strategy) (nothing moves live).
    type: str
    choices: [wait, force_complete, abort]
  server:
    description:
      - Name or ID of the server. Names are looked up across all projects (own project for non-admins)
        and must match exactly one server.
    type: str
    required: true
    aliases: [name]
  strategy:
    description:
      - How to move the server, an alternative to O(live_migration).
      - V(cold) is O(live_migration=false); V(live) is O(live_migration=true), and fails for a SHUTOFF server or one
        whose flavor keeps it from moving live.
      - "V(auto) chooses when the migration is to start: an ACTIVE or PAUSED server moves live, a SHUTOFF server cold.
        An ACTIVE server that cannot move live fails the task with the reason, unless O(allow_cold_for_running=true)
        lets it move cold; a PAUSED one that cannot move live fails (a cold migration needs ACTIVE or SHUTOFF)."
      - Below compute API microversion 2.47 the flavor's extra specs are not visible, so nothing is known to keep a
        server from moving live, and Nova's own checks decide.
    type: str
    choices: [cold, live, auto]
  stall_timeout:
    description:
      - Seconds without a new low of the bytes remaining after which a live migration counts as stalled (see
        O(on_stall)). Must be more than 0.
    type: float
    default: 120
  source_host:
    description:
      - Only act while the server is on this host. When the server is elsewhere (already drained) nothing
        is done and C(changed=false).
      - An empty or blank string is refused, as for O(host).
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

- name: Move a server with the least downtime, live if it can, cold if it is stopped
  novaops.migration.server_migrate:
    server: app-1
    source_host: compute-1
    strategy: auto
  register: moved   # moved.mode is live or cold, moved.mode_reason says why

- name: Move live, abort a copy that makes no progress for 2 minutes and then move it cold
  novaops.migration.server_migrate:
    server: app-2
    source_host: compute-1
    strategy: auto
    on_stall: abort
    stall_timeout: 120
    fallback: cold
  register: moved   # moved.attempts lists the live attempt and the cold one

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
attempts:
  description:
    - The migrations the module started, in order (empty when it started none). One entry, or two after
      O(fallback=cold) followed a live migration that failed.
  returned: always
  type: list
  elements: dict
  contains:
    mode:
      description: V(live) or V(cold).
      type: str
    outcome:
      description: V(succeeded), V(failed), or V(aborted) (after a stall, see O(on_stall)).
      type: str
    migration:
      description: The migration record of that attempt (the keys of RV(migration)), or null when none was found.
      type: dict
    msg:
      description: What happened to that attempt.
      type: str
    elapsed:
      description: Seconds the attempt took.
      type: float
  sample: [{"mode": "live", "outcome": "aborted", "msg": "Live migration of server web-1 was aborted after ...",
            "elapsed": 130.2},
           {"mode": "cold", "outcome": "succeeded", "msg": "Server web-1 cold-migrated and confirmed ...",
            "elapsed": 41.0}]
mode:
  description:
    - The kind of migration, V(cold) or V(live). Without O(strategy), the kind O(live_migration) asks for. With
      O(strategy), the kind it chose for the migration the module started (or would start in check mode), or null
      when no migration was to start (the server had left, or a migration in progress was waited for or confirmed).
      After a cold fallback (O(fallback=cold)), V(cold).
  returned: always
  type: str
  sample: live
mode_reason:
  description:
    - "Why that kind, from O(strategy) (for example C(status ACTIVE: live migration (strategy auto))), or
      C(live_migration=true) or C(live_migration=false) without a strategy. When the strategy would not move the
      server, the task fails and this is the reason. After a cold fallback, C(live failed (why): cold fallback)."
  returned: always
  type: str
  sample: "status SHUTOFF: cold migration (nothing running to interrupt)"
live_blockers:
  description:
    - With O(strategy), what in the server's flavor keeps it from moving live (empty when nothing does or the extra
      specs are not visible); null without a strategy, or when no migration was to start.
  returned: always
  type: list
  elements: str
  sample: ["its flavor asks for PCI passthrough devices (pci_passthrough:alias=a1:1)"]
elapsed:
  description: Seconds the module ran.
  returned: always
  type: float
  sample: 6.4
migration:
  description:
    - The migration record that was started, waited for or confirmed (null when none was found).
    - With O(wait=false) the module reads the record of the migration it requested until Nova has created it (Nova
      answers before its conductor creates the record), for up to 15 seconds.
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

from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import FALLBACKS, ON_STALL, STRATEGIES
from ansible_collections.novaops.migration.plugins.module_utils.server_migration import DEFAULTS, ServerMigration, check_options


class ServerMigrateModule(NovaOpsModule):
    argument_spec = dict(
        allow_cold_for_running=dict(type='bool', default=False),
        block_migration=dict(type='str', choices=['auto', 'true', 'false']),
        confirm=dict(type='bool', default=True),
        force=dict(type='bool', default=False),
        host=dict(type='str'),
        live_migration=dict(type='bool'),
        server=dict(type='str', required=True, aliases=['name']),
        source_host=dict(type='str'),
        strategy=dict(type='str', choices=list(STRATEGIES)),
        on_stall=dict(type='str', choices=list(ON_STALL)),
        stall_timeout=dict(type='float', default=120),
        fallback=dict(type='str', default='none', choices=list(FALLBACKS)),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        val.check_strategy_options(self.params['strategy'], live_migration=self.params['live_migration'],
                                   allow_cold_for_running=self.params['allow_cold_for_running'])
        params = dict((key, self.params[key]) for key in [*DEFAULTS, 'server'])
        check_options(params)
        migration = ServerMigration(self, params)
        ok, result = migration.execute()
        for warning in migration.warnings:
            self.ansible.warn(warning)
        if ok:
            self.exit_json(**result)
        self.ansible.fail_json(**result)


def main():
    module = ServerMigrateModule()
    module()


if __name__ == '__main__':
    main()
