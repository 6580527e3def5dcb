# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan emptying a compute host: classify its servers, resume what an interrupted run left, check the targets and
the free capacity, and find what earlier runs moved."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning.capacity import fmt_resources, sum_needs, zone_summary, place
from ansible_collections.novaops.migration.plugins.module_utils.planning.classification import (
    COLD,
    LIVE,
    NONE,
    SKIP,
    classify,
    options_with_defaults,
    server_entry,
    specs_unseen_warnings,
)
from ansible_collections.novaops.migration.plugins.module_utils.planning import group_plan
from ansible_collections.novaops.migration.plugins.module_utils.planning.host_state import host_problems, normalize_host, source_down
from ansible_collections.novaops.migration.plugins.module_utils.planning.plan_entries import plan_result, resume_entry
from ansible_collections.novaops.migration.plugins.module_utils.planning.records import migration_brief, moved_since, unfinished_from
from ansible_collections.novaops.migration.plugins.module_utils.planning.server_filter import compile_filter, filter_matches, filter_warnings
from ansible_collections.novaops.migration.plugins.module_utils.host_checks import similar_host_names


def plan_evacuation(host, hosts, servers, *, migrations=None, resume_servers=None, options=None, since=None,
                    groups=None, host_of=None):
    """Plan the evacuation of ``host``.

    :param host: exact name of the compute host to empty.
    :param hosts: host facts (``compute_host_info`` entries or service dicts).
    :param servers: normalized server dicts currently on ``host`` (see ``server_document``).
    :param migrations: normalized migration records involving ``host``.
    :param resume_servers: dict server id -> normalized server (or None when gone) for servers with an
        unfinished migration away from ``host`` that are no longer listed on it.
    :param options: see :data:`DEFAULT_OPTIONS`.
    :param since: start of this evacuation (marker time); successful migrations away from ``host`` since
        then are listed as ``earlier``.
    :param groups: the server groups (``GET /os-server-groups``), or None when they are not known: then no entry
        shows a group and the placement ignores them.
    :param host_of: dict server id -> current host of the other members of those groups (the servers on ``host``
        are known already).
    :returns: the plan dict (``errors`` lists the reasons the evacuation must not start).
    """
    opts = options_with_defaults(options)
    resources = opts['capacity_resources']
    errors = []
    warnings = []
    notes = []
    facts = dict((h['host'], h) for h in (normalize_host(e) for e in hosts or []) if h.get('host'))
    source = facts.get(host)
    if source is None:
        similar = similar_host_names(host or '', sorted(facts))
        errors.append('Compute host %r does not exist (host names match exactly).%s Compute hosts: %s.'
                      % (host, ' Did you mean %s?' % ', '.join(similar) if similar else '',
                         ', '.join(sorted(facts)) or 'none'))
        return plan_result(host, None, [], earlier=[], candidates=[], targets={}, errors=errors, warnings=warnings,
                           notes=notes, opts=opts, capacity=None)

    compiled = compile_filter(opts['server_filter'])
    unfinished = unfinished_from(migrations, host)

    # Candidate destinations: enabled, up, not forced down, not the host itself.
    candidates = dict((name, h) for name, h in facts.items() if name != host and not host_problems(h))
    targets = {}
    for name in opts['target_hosts']:
        if name == host:
            errors.append('Target host %r is the host being emptied.' % name)
            continue
        h = facts.get(name)
        if h is None:
            errors.append('Target host %r does not exist (host names match exactly). Compute hosts: %s.'
                          % (name, ', '.join(sorted(facts))))
            continue
        problems = host_problems(h)
        if problems:
            errors.append('Target host %r is not usable: %s.' % (name, '; '.join(problems)))
            continue
        targets[name] = h

    entries = []
    seen = set()
    for server in sorted(servers or [], key=lambda s: ((s.get('name') or ''), s.get('id') or '')):
        if server.get('host') not in (None, host):
            continue  # never trust a server-side filter for exactness
        seen.add(server['id'])
        record = unfinished.get(server['id'])
        status = (server.get('status') or '').upper()
        if record is not None or status in ('RESIZE', 'MIGRATING'):
            entries.append(resume_entry(server, record, host))
            continue
        if not filter_matches(compiled, server):
            entries.append(server_entry(server, action=SKIP, reason='not selected by the server filter',
                                        source_host=host, destination=None, excluded=True))
            continue
        action, reason, details = classify(server, opts)
        entries.append(server_entry(server, action=action, reason=reason, source_host=host, destination=None,
                                    **details))

    # Servers that left the host but whose migration is unfinished (VERIFY_RESIZE on the destination, ...).
    for server_id, record in sorted(unfinished.items()):
        if server_id in seen:
            continue
        server = (resume_servers or {}).get(server_id)
        if server is None:
            notes.append('Migration %s of server %s (status %s) is unfinished but the server no longer exists.'
                         % (record.get('id'), server_id, record.get('status')))
            continue
        if server.get('host') not in (record.get('dest_compute'), host) and server.get('status') != 'VERIFY_RESIZE':
            continue  # the server moved on since; nothing to resume here
        entries.append(resume_entry(server, record, host))

    limits = {}
    if groups:
        limits, group_warnings = group_plan.annotate(entries, groups, host_of)
        warnings.extend(group_warnings)
    warnings.extend(filter_warnings(opts['server_filter'], entries))
    warnings.extend(specs_unseen_warnings(entries, opts))
    moving = [e for e in entries if e['action'] in (COLD, LIVE)]
    for entry in moving:
        entry['allowed_zone'] = entry.get('pinned_availability_zone')

    # Which actions can honour explicit targets: live migration with a host works at any
    # microversion this collection uses (2.30+), a cold migration needs 2.56.
    honour_cold = bool(opts['cold_target_supported'])
    if targets and not honour_cold:
        warnings.append('Target hosts cannot be honoured for cold migrations: the cloud supports compute API '
                        'microversion %s at most and a cold migration to a named host needs 2.56. The scheduler '
                        'chooses the destinations instead.' % (opts.get('max_microversion') or 'below 2.56'))

    targeted = [e for e in moving if targets and (e['action'] == LIVE or honour_cold)]
    scheduled = [e for e in moving if e not in targeted]

    capacity = {'checked': bool(opts['capacity_check']), 'resources': resources}
    down = source_down(source)
    if down and moving:
        errors.append('The nova-compute service of %s %s: Nova refuses to migrate servers off a host whose compute '
                      'service is not up (HTTP 409 "Service is unavailable"). Bring the service back and re-run, or, '
                      'if the host is dead, rebuild its servers elsewhere with Nova\'s evacuate instead.' % (host, down))
    if moving:
        zones_needed = sorted(set(e['allowed_zone'] for e in moving if e.get('allowed_zone')))
        if not candidates and not targets:
            errors.append('No other enabled compute host is available to receive the servers of %s (every other '
                          'host is disabled, down or forced down).' % host)
        zoneless = []
        for zone in zones_needed:
            stranded = [e for e in moving if e.get('allowed_zone') == zone
                        and not any(h.get('zone') == zone for h in (targets if e in targeted else candidates).values())]
            if stranded:
                zoneless.extend(stranded)
                errors.append('No enabled %s in availability zone %r can receive the servers pinned to it: %s.'
                              % ('target host' if all(e in targeted for e in stranded) else 'compute host', zone,
                                 ', '.join(sorted(e['name'] or e['id'] for e in stranded))))
        unknown = [e for e in moving if e.get('needs') is None]
        if unknown and opts['capacity_check']:
            warnings.append('The flavor of %d server(s) is not visible (compute API below 2.47), so their size is '
                            'not counted in the capacity check: %s.'
                            % (len(unknown), ', '.join(e['name'] or e['id'] for e in unknown)))
        # A hard-affinity member can only join its peers: when none of their hosts may receive it, say so once.
        group_stranded = []
        for entry in moving:
            problem = group_plan.unusable_required(
                entry, targets if entry in targeted else candidates,
                'is not among the usable target hosts' if entry in targeted
                else 'cannot receive servers (disabled, down or forced down)')
            if problem:
                errors.append(problem)
                group_stranded.append(entry)
        refused = {}
        free_after = dict((name, dict(h['free'])) for name, h in candidates.items())
        assignment = {}
        unplaced = []
        if targeted:
            assigned, missed, free_t = place(targeted, targets, resources if opts['capacity_check'] else [],
                                             spread_by_count=True, limits=limits, refused=refused)
            assignment.update(assigned)
            unplaced.extend(missed)
            for name, free in free_t.items():
                free_after[name] = free
        if scheduled:
            pool = dict((name, dict(candidates[name], free=free_after.get(name, candidates[name]['free'])))
                        for name in candidates)
            assigned, missed, free_s = place(scheduled, pool, resources if opts['capacity_check'] else [],
                                             limits=limits, refused=refused)
            assignment.update(assigned)
            unplaced.extend(missed)
            free_after.update(free_s)
        for entry in targeted:
            entry['destination'] = assignment.get(entry['id'])
        for entry in moving:
            entry['expected_destination'] = assignment.get(entry['id'])
        needed = sum_needs([e.get('needs') for e in moving], resources)
        pool_hosts = dict(candidates)
        pool_hosts.update(targets)
        capacity.update({
            'needed': needed,
            'servers': len(moving),
            'zones': zone_summary(pool_hosts, resources),
            'unplaced': [e['name'] or e['id'] for e in unplaced],
        })
        for entry in unplaced:
            if entry['id'] in refused and entry not in group_stranded and entry not in zoneless:
                errors.append(group_plan.refusal_error(entry, refused[entry['id']], limits,
                                                       'target host' if entry in targeted else 'enabled host'))
        unplaced = [e for e in unplaced if e not in zoneless and e not in group_stranded and e['id'] not in refused]
        if unplaced and opts['capacity_check']:
            per_zone = []
            for zone, info in sorted(capacity['zones'].items(), key=lambda kv: str(kv[0])):
                per_zone.append('zone %s (%s): free %s' % (zone, ', '.join(info['hosts']),
                                                           fmt_resources(info['free'], resources)))
            misfits = ['%s (%s%s)' % (e['name'] or e['id'], fmt_resources(e.get('needs') or {}, resources),
                                      ', zone %s' % e['allowed_zone'] if e.get('allowed_zone') else '')
                       for e in sorted(unplaced, key=lambda x: x.get('name') or '')]
            where = ('the target hosts %s' % ', '.join(sorted(targets))) if targeted else 'the enabled hosts'
            errors.append('Not enough free capacity on %s to absorb the servers of %s: %d servers need %s in total; '
                          '%s. Servers that do not fit: %s.'
                          % (where, host, len(moving), fmt_resources(needed, resources), '; '.join(per_zone),
                             ', '.join(misfits)))

    earlier = []
    for server_id, record in sorted(moved_since(migrations, host, since).items()):
        if server_id in seen or any(e['id'] == server_id for e in entries):
            continue
        server = (resume_servers or {}).get(server_id) or {}
        earlier.append({
            'id': server_id,
            'name': server.get('name'),
            'project_id': server.get('project_id'),
            'status': server.get('status'),
            'host': server.get('host'),
            'action': NONE,
            'outcome': 'moved_earlier',
            'reason': 'moved by an earlier run of this evacuation',
            'source_host': host,
            'destination': record.get('dest_compute'),
            'migration': migration_brief(record),
        })

    plan = plan_result(host, source, entries, earlier=earlier, candidates=sorted(candidates), targets=targets,
                       errors=errors, warnings=warnings, notes=notes, opts=opts, capacity=capacity)
    plan['batches'] = group_plan.batches(plan['actions'], groups)
    return plan
