# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan bringing the servers of an evacuation report back to their host, each the way it left."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.errors import PlanError
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
from ansible_collections.novaops.migration.plugins.module_utils.planning.host_state import host_problems, normalize_host
from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import service_ownership
from ansible_collections.novaops.migration.plugins.module_utils.planning.plan_entries import plan_result, resume_entry
from ansible_collections.novaops.migration.plugins.module_utils.planning.records import unfinished_to
from ansible_collections.novaops.migration.plugins.module_utils.planning.server_filter import compile_filter, filter_matches
from ansible_collections.novaops.migration.plugins.module_utils.host_checks import similar_host_names


EVACUATION_REPORT = 'novaops.migration.host_evacuation'
RESTORE_REPORT = 'novaops.migration.host_restore'


def report_servers(report, host):
    """Servers an evacuation report says were moved away from ``host`` (outcome moved or moved_earlier).

    Raises PlanError for anything but the evacuation report of ``host``: a restore report, another host's
    report or a file of another kind would otherwise plan nothing and let the restore claim success.
    """
    report = report if isinstance(report, dict) else {}
    kind = report.get('report')
    if kind == RESTORE_REPORT:
        raise PlanError('The report given as the evacuation report is a restore report (of host %r); give the '
                        'report host_evacuation wrote (novaops-evacuation-<host>.json by default).' % report.get('host'))
    if kind != EVACUATION_REPORT:
        raise PlanError('The report given as the evacuation report is not an evacuation report of this collection '
                        '(its "report" field is %r, expected %r).' % (kind, EVACUATION_REPORT))
    if not report.get('host'):
        raise PlanError('The evacuation report names no host, so it cannot be checked against %r.' % host)
    if report.get('host') != host:
        raise PlanError('The evacuation report is about host %r, not %r.' % (report.get('host'), host))
    result = []
    for item in report.get('servers') or []:
        if item.get('outcome') not in ('moved', 'moved_earlier'):
            continue
        if item.get('original_host') not in (None, host):
            continue
        result.append(item)
    return result


def left_live(item):
    """Whether a report entry's server left its host by live migration (the flag, or its migration record)."""
    migration = item.get('migration') or {}
    return bool(item.get('live')) or migration.get('type') in (nova.LIVE,) or migration.get('migration_type') in (nova.LIVE,)


def plan_restore(host, hosts, moved, current, *, migrations=None, options=None, assume_enabled=False, groups=None,
                 host_of=None):
    """Plan moving the servers listed in an evacuation report back to ``host``.

    :param moved: report entries (``id``, ``name``, ``destination``) of servers moved away from ``host``.
    :param current: dict server id -> normalized server now (None when it no longer exists).
    :param migrations: normalized migration records involving ``host`` (to resume unfinished returns).
    :param assume_enabled: plan as if ``host`` were enabled when an evacuation disabled it (its disabled reason is
        an evacuation marker), because the restore re-enables it before moving anything back; a host someone else
        disabled stays disabled and cannot receive servers.
    :param groups: the server groups (``GET /os-server-groups``), or None when they are not known; a member whose
        group Nova would not let onto ``host`` stays where it is, with the reason.
    :param host_of: dict server id -> current host of the other members of those groups.
    """
    # Neither strategy nor live_migrate_active: each server goes back the way it left, so a server that was
    # live-migrated away is not rebooted on its way home.
    given = options or {}
    as_left = given.get('live_migrate_active') is None and not given.get('strategy')
    opts = options_with_defaults(options)
    resources = opts['capacity_resources']
    errors, warnings, notes = [], [], []
    facts = dict((h['host'], h) for h in (normalize_host(e) for e in hosts or []) if h.get('host'))
    source = facts.get(host)
    if source is None:
        similar = similar_host_names(host or '', sorted(facts))
        errors.append('Compute host %r does not exist (host names match exactly).%s Compute hosts: %s.'
                      % (host, ' Did you mean %s?' % ', '.join(similar) if similar else '',
                         ', '.join(sorted(facts)) or 'none'))
        return plan_result(host, None, [], earlier=[], candidates=[], targets={}, errors=errors, warnings=warnings,
                           notes=notes, opts=opts, capacity=None)
    effective = dict(source)
    if assume_enabled and service_ownership(source)['state'] == 'ours':
        effective.update(status='enabled', disabled_reason=None)
    problems = host_problems(effective)
    compiled = compile_filter(opts['server_filter'])
    incoming = unfinished_to(migrations, host)
    entries = []
    for item in sorted(moved or [], key=lambda m: (m.get('name') or '', m.get('id') or '')):
        server_id = item.get('id')
        server = (current or {}).get(server_id)
        recorded = item.get('destination')
        if server is None:
            entries.append({'id': server_id, 'name': item.get('name'), 'status': None, 'host': None,
                            'action': SKIP, 'reason': 'the server no longer exists', 'source_host': recorded,
                            'destination': host, 'evacuated_to': recorded})
            continue
        status = (server.get('status') or '').upper()
        record = incoming.get(server_id)
        extra = {'destination': host, 'evacuated_to': recorded}
        if record is not None or (status in ('RESIZE', 'MIGRATING') and server.get('host') != host):
            entry = resume_entry(server, record, record.get('source_compute') if record else server.get('host'))
            entry.update(extra)
            entry['expected_destination'] = host
            entries.append(entry)
            continue
        if server.get('host') == host:
            entries.append(server_entry(server, action=NONE, reason='already on %s' % host, source_host=host, **extra))
            continue
        if not filter_matches(compiled, server):
            entries.append(server_entry(server, action=SKIP, reason='not selected by the server filter',
                                        source_host=server.get('host'), excluded=True, **extra))
            continue
        if as_left:
            # As it left: one that left live goes back as auto would move it (live while running, cold when stopped
            # since), one that left cold goes back cold.
            went_live = left_live(item)
            action, reason, details = classify(server, dict(opts, strategy='auto' if went_live else 'cold'))
            if action != SKIP:
                if (action == LIVE) == went_live:
                    details['mode_reason'] = 'as it left' + (', cold fallback' if details.get('fallback') else '')
                elif status == 'SHUTOFF':
                    details['mode_reason'] = 'it left live'
        else:
            action, reason, details = classify(server, opts)
            if action != SKIP and not given.get('strategy'):
                details['mode_reason'] = 'live_migrate_active=%s' % ('true' if opts['live_migrate_active'] else 'false')
        if action == COLD and not opts['cold_target_supported']:
            action, reason = SKIP, ('a cold migration back to a named host needs compute API microversion 2.56 and '
                                    'the cloud supports %s at most; move it by hand or use strategy live or auto'
                                    % (opts.get('max_microversion') or 'less'))
            details = dict((k, v) for k, v in details.items() if k == 'live_blockers')
        extra.update(details)
        if server.get('host') != recorded and action != SKIP:
            reason += '; it moved since the evacuation (now on %s, evacuated to %s)' % (server.get('host'), recorded)
        entries.append(server_entry(server, action=action, reason=reason, source_host=server.get('host'), **extra))

    if not as_left:
        warnings.extend(specs_unseen_warnings(entries, opts))
    moving = [e for e in entries if e['action'] in (COLD, LIVE)]
    capacity = {'checked': bool(opts['capacity_check']), 'resources': resources}
    if moving:
        if problems:
            errors.append('Host %s cannot receive servers: %s.' % (host, '; '.join(problems)))
        wrong_zone = [e for e in moving if e.get('pinned_availability_zone')
                      and e['pinned_availability_zone'] != source.get('zone')]
        for entry in wrong_zone:
            entry['action'] = SKIP
            entry['reason'] = ('pinned to availability zone %s, but %s is in zone %s'
                               % (entry['pinned_availability_zone'], host, source.get('zone')))
        moving = [e for e in moving if e['action'] in (COLD, LIVE)]
        if groups:
            moving = _group_skips(host, entries, moving, groups, host_of, warnings)
        needed = sum_needs([e.get('needs') for e in moving], resources)
        capacity.update({'needed': needed, 'servers': len(moving),
                         'zones': zone_summary({host: source}, resources), 'unplaced': []})
        if opts['capacity_check']:
            _assigned, unplaced, _free = place(moving, {host: dict(source, zone=None)}, resources)
            capacity['unplaced'] = [e['name'] or e['id'] for e in unplaced]
            if unplaced:
                errors.append('Not enough free capacity on %s to take back %d servers: they need %s, the host has %s '
                              'free. Servers that do not fit: %s.'
                              % (host, len(moving), fmt_resources(needed, resources),
                                 fmt_resources(source['free'], resources),
                                 ', '.join(e['name'] or e['id'] for e in unplaced)))
        for entry in moving:
            entry['expected_destination'] = host
    plan = plan_result(host, source, entries, earlier=[], candidates=[host], targets={}, errors=errors,
                       warnings=warnings, notes=notes, opts=opts, capacity=capacity)
    plan['batches'] = group_plan.batches(plan['actions'], groups)
    return plan


def _group_skips(host, entries, moving, groups, host_of, warnings):
    """Skip the members whose server group Nova would not let onto ``host`` (a hard-affinity member whose peers are
    elsewhere, an anti-affinity member beyond the group's limit on ``host``, counting those that come back before
    it); returns the entries still moving."""
    limits, group_warnings = group_plan.annotate(entries, groups, host_of)
    warnings.extend(group_warnings)
    for entry in moving:
        group = entry.get('server_group') or {}
        required = group.get('required_hosts')
        if entry['action'] != SKIP and required is not None and host not in required:
            entry['action'] = SKIP
            entry['reason'] = ('needs a common target with %s: its other members are on %s, and Nova only accepts '
                               'one of those hosts; move them back together by hand'
                               % (group_plan.label(group), ', '.join(required)))
    moving = [e for e in moving if e['action'] in (COLD, LIVE)]
    refused = {}
    place(moving, {host: {'free': {}, 'zone': None}}, [], limits=limits, refused=refused)
    for entry in moving:
        if entry['id'] in refused:
            group = entry['server_group']
            entry['action'] = SKIP
            entry['reason'] = ('%s allows %d member(s) per host and %s holds that many, counting the members this '
                               'plan brings back before it; Nova would answer No valid host'
                               % (group_plan.label(group), limits[group['id']]['max_per_host'], host))
    for entry in entries:
        if entry['action'] == SKIP:
            for key in ('mode_reason', 'fallback'):
                entry.pop(key, None)
    return [e for e in moving if e['action'] in (COLD, LIVE)]
