# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan a maintenance campaign over several compute hosts: the order in which they are emptied, where each server
goes, and what stays free after each step. Pure functions over plain data; nothing here talks to a cloud.

Each step takes ``parallel_hosts`` hosts out at once (disable, empty, patch, check, enable). The servers of a host are
classified exactly as a single evacuation classifies them (``evacuation_plan.plan_evacuation``), then placed with
``capacity.place`` on three tiers of receiving hosts, in this order:

1. ``done``: campaign hosts already maintained (emptied in an earlier step, enabled again, or given as
   ``done_hosts``: finished by an earlier run of the same campaign), so a server moves once;
2. ``outside``: enabled hosts that are not part of the campaign;
3. ``queued``: campaign hosts still waiting for their step. A server sent there moves again when that host's turn
   comes; the step counts it in ``moves_again`` and warns.

When that leaves servers over, each server in turn (biggest first) tries the tiers in order instead, and the placement
that leaves fewer servers over is kept (see ``_Campaign.place_tiers``).

Order heuristic (greedy, one host at a time): the next host is the first host, in the order given, whose servers all
fit on ``done`` and ``outside`` hosts with what is free at that point (empty hosts fit trivially and therefore go
early, which turns them into ``done`` targets). When no host fits that way, the host leaving the fewest servers for
the queued tier goes next (ties keep the order given). With ``order: given`` the order given is kept as is. A host
an interrupted run of the campaign left in the middle (``resume``) goes first in any order: it is disabled already,
and the servers that left it since then are not planned again, while its unfinished migrations are resumed. A step
whose servers fit nowhere, queued hosts included, fails the plan with the figures (needed against free, per
resource and per availability zone) and nothing after it is planned.

Server groups follow ``group_plan``: the constraints are computed again for every step from where the plan has put
every member so far, hard-affinity members whose peers are all on the same host are skipped with the reason, and the
moves of a step are cut into waves so that no two members of one anti-affinity group are in flight together, with
at most ``max_in_flight`` moves in a wave and ``per_source`` moves from one host (Nova's compute service runs
``max_concurrent_live_migrations`` live migrations per host, one by default).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.planning import group_plan
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_groups as sg
from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_hosts import host_facts
from ansible_collections.novaops.migration.plugins.module_utils.planning.capacity import (
    RESOURCES,
    fits,
    fmt_resources,
    place,
    sum_needs,
)
from ansible_collections.novaops.migration.plugins.module_utils.planning.classification import (
    COLD,
    LIVE,
    RESUME,
    SKIP,
    options_with_defaults,
)
from ansible_collections.novaops.migration.plugins.module_utils.planning.evacuation_plan import plan_evacuation
from ansible_collections.novaops.migration.plugins.module_utils.planning.host_state import host_problems


DONE = 'done'
OUTSIDE = 'outside'
QUEUED = 'queued'
CAMPAIGN_OPTIONS = ('parallel_hosts', 'max_in_flight', 'per_source', 'order')
ORDERS = ('capacity', 'given')


def campaign_options(options):
    """The campaign's own options (``parallel_hosts``, ``max_in_flight``, ``per_source``, ``order``) with their
    defaults, and the options left for the classification of the servers (those of ``plan_evacuation``)."""
    options = dict(options or {})
    parallel = max(1, int(options.pop('parallel_hosts', None) or 1))
    per_source = max(1, int(options.pop('per_source', None) or 1))
    in_flight = options.pop('max_in_flight', None)
    in_flight = max(1, int(in_flight)) if in_flight else parallel * per_source
    order = options.pop('order', None) or 'capacity'
    if order not in ORDERS:
        raise ValueError('order must be one of %s, not %r' % (', '.join(ORDERS), order))
    own = {'parallel_hosts': parallel, 'per_source': per_source, 'max_in_flight': in_flight, 'order': order}
    return own, options


def _group_index(groups):
    index = {}
    for group in groups or []:
        for member in group.get('members') or []:
            index.setdefault(member, group)
    return index


def waves(moves, group_index, max_in_flight, per_source):
    """Cut the moves of a step (dicts with ``id`` and ``from``, in order) into waves: at most ``max_in_flight`` moves,
    at most ``per_source`` from one host, and never two members of one anti-affinity group (hard or soft) in a wave.
    A move that does not fit a wave waits for the next one; the order is otherwise kept. Returns lists of ids."""
    cut = sg.waves(moves, lambda move: sg.anti_affinity_key(group_index.get(move['id'])), max_in_flight,
                   source_of=lambda move: move.get('from'), per_source=per_source)
    return [[move['id'] for move in wave] for wave in cut]


def _interleave(moves):
    """The moves of a step, taking one from each source host in turn, so that the waves empty the hosts together."""
    by_source = {}
    for move in moves:
        by_source.setdefault(move['from'], []).append(move)
    queues = [by_source[name] for name in sorted(by_source)]
    result = []
    while any(queues):
        for queue in queues:
            if queue:
                result.append(queue.pop(0))
    return result


class _Campaign(object):
    """The state the planner walks through: where each server is, what each host has free, which hosts are done."""

    def __init__(self, hosts, facts, known, servers_by_host, groups, host_of, evac_options, resources,
                 done_hosts=(), resume=None):
        self.hosts = list(hosts)
        resume = resume or {}
        self.known = known
        self.resources = resources
        self.groups = list(groups or [])
        self.group_index = _group_index(groups)
        self.free = dict((name, dict(h['free'])) for name, h in known.items())
        self.usable = set(name for name, h in known.items() if not host_problems(h))
        # A done host is enabled again at the end of its step; one that is down or forced down is not.
        self.revivable = set(name for name, h in known.items()
                             if not h.get('forced_down') and h.get('state') in (None, 'up'))
        # Hosts an earlier run finished are receivers from the start, if their service takes servers now.
        self.done = [name for name in done_hosts if name in self.usable]
        self.where = dict(host_of or {})
        self.moving = {}
        self.skipped = {}
        self.errors = []
        self.warnings = []
        self.counted = dict((name, 0) for name in self.hosts)
        self.earlier = {}
        self.resumed = set(resume)
        for name in self.hosts:
            servers = list((servers_by_host or {}).get(name) or [])
            for server in servers:
                if server.get('id') and server.get('host') in (None, name):
                    self.where[server['id']] = name
            # A host in the middle of an interrupted run: its records say what to resume and what left already.
            again = resume.get(name) or {}
            plan = plan_evacuation(name, facts, servers, migrations=again.get('migrations'),
                                   resume_servers=again.get('servers'), since=again.get('since'),
                                   options=evac_options)
            self.errors.extend(plan['errors'])
            self.warnings.extend('%s: %s' % (name, text) for text in plan['warnings'])
            self.moving[name] = plan['actions']
            self.skipped[name] = [self._skip_item(e) for e in plan['skipped']]
            self.earlier[name] = [self._earlier_item(e) for e in plan.get('earlier') or []]
            self.counted[name] = len(servers)

    @staticmethod
    def _skip_item(entry):
        return {'id': entry.get('id'), 'name': entry.get('name'), 'host': entry.get('source_host') or entry.get('host'),
                'reason': entry.get('reason')}

    @staticmethod
    def _earlier_item(entry):
        migration = entry.get('migration') or {}
        mode = None
        if migration.get('type'):
            mode = 'live' if migration['type'] == 'live-migration' else 'cold'
        return {'id': entry.get('id'), 'name': entry.get('name'), 'from': entry.get('source_host'),
                'to': entry.get('destination'), 'host': entry.get('host'), 'mode': mode,
                'migration': migration.get('id')}

    def receivers(self, tier, busy, remaining):
        if tier == DONE:
            names = [n for n in self.done if n in self.revivable]
        elif tier == OUTSIDE:
            campaign = set(self.hosts) | set(self.done)
            names = sorted(n for n in self.usable if n not in campaign)
        else:
            names = [n for n in remaining if n in self.usable]
        return [n for n in names if n not in busy]

    def annotated(self, names):
        """Copies of the entries leaving ``names``, with their groups' constraints as the plan stands now."""
        entries = [dict(e) for name in names for e in self.moving[name]]
        limits, warnings = {}, []
        relevant = []
        seen = set()
        for entry in entries:
            group = self.group_index.get(entry.get('id'))
            if group is not None and id(group) not in seen:
                seen.add(id(group))
                relevant.append(group)
        if relevant:
            limits, warnings = group_plan.annotate(entries, relevant, self.where)
        return entries, limits, warnings

    def place_tiers(self, entries, tiers, free, limits):
        """Place ``entries`` on the tiers in turn; returns ``(assignment, tier_of, unplaced, refused)`` and updates
        ``free`` (a dict name -> free figures) for the hosts used.

        The whole step is placed on one tier before the next, members of server groups first. That can leave a big
        server without room on a tier a small group member took, though the member had room on the next tier: when
        servers are left over, each server in turn (biggest first) tries the tiers in order, and the placement that
        leaves fewer servers over is kept."""
        before = dict((n, dict(f)) for n, f in free.items())
        placed = self._place_tier_by_tier(entries, tiers, free, limits)
        # Server by server cannot do better when no server left over has room on any host as things stood before.
        if not any(self._room_for(entry, tiers, before) for entry in placed[2]):
            return placed
        again = dict((n, dict(f)) for n, f in before.items())
        other = self._place_server_by_server(entries, tiers, again, limits)
        if len(other[2]) < len(placed[2]):
            free.update(again)
            return other
        return placed

    def _room_for(self, entry, tiers, free):
        needs = entry.get('needs') or {}
        zone = entry.get('allowed_zone')
        return any((zone is None or self.known[n].get('zone') == zone) and fits(free[n], needs, self.resources)
                   for _tier, names in tiers for n in names)

    def _place_tier_by_tier(self, entries, tiers, free, limits):
        pending = [e for e in entries if e['action'] in (COLD, LIVE)]
        assignment, tier_of, refused_all = {}, {}, {}
        for tier, names in tiers:
            if not pending:
                break
            if not names:
                continue
            pool = dict((n, {'free': free[n], 'zone': self.known[n].get('zone')}) for n in names)
            refused = {}
            assigned, pending, free_after = place(pending, pool, self.resources, limits=limits, refused=refused)
            for server_id, name in assigned.items():
                assignment[server_id] = name
                tier_of[server_id] = tier
                refused_all.pop(server_id, None)
            refused_all.update(refused)
            free.update(free_after)
        return assignment, tier_of, pending, refused_all

    def _place_server_by_server(self, entries, tiers, free, limits):
        pending = [e for e in entries if e['action'] in (COLD, LIVE)]
        pending.sort(key=lambda e: tuple((e.get('needs') or {}).get(r) or 0 for r in ('memory_mb', 'vcpus', 'disk_gb')),
                     reverse=True)
        # The members each placement adds count for the next ones (``place`` counts them within one call only).
        limits = dict((gid, dict(limit, on_host=dict(limit.get('on_host') or {}))) for gid, limit in (limits or {}).items())
        assignment, tier_of, refused_all, unplaced = {}, {}, {}, []
        for entry in pending:
            for tier, names in tiers:
                if not names:
                    continue
                pool = dict((n, {'free': free[n], 'zone': self.known[n].get('zone')}) for n in names)
                refused = {}
                assigned, _missed, free_after = place([entry], pool, self.resources, limits=limits, refused=refused)
                refused_all.update(refused)
                if entry['id'] in assigned:
                    target = assigned[entry['id']]
                    assignment[entry['id']] = target
                    tier_of[entry['id']] = tier
                    refused_all.pop(entry['id'], None)
                    free.update(free_after)
                    gid = (entry.get('server_group') or {}).get('id')
                    if gid in limits:
                        limits[gid]['on_host'][target] = limits[gid]['on_host'].get(target, 0) + 1
                    break
            else:
                unplaced.append(entry)
        return assignment, tier_of, unplaced, refused_all

    def trial(self, name, busy, free):
        """How many servers of ``name`` find no room on done and outside hosts, and the free figures after."""
        entries, limits, _warnings = self.annotated([name])
        free = dict((n, dict(f)) for n, f in free.items())
        tiers = [(DONE, self.receivers(DONE, busy, ())), (OUTSIDE, self.receivers(OUTSIDE, busy, ()))]
        _assignment, _tier_of, unplaced, _refused = self.place_tiers(entries, tiers, free, limits)
        return len(unplaced), free


def _failed(hosts, own, errors):
    """The plan of a campaign that cannot start: nothing planned, every host unplanned."""
    return {'ok': False, 'options': own, 'hosts': list(hosts), 'order': [], 'steps': [], 'unplanned': list(hosts),
            'errors': list(errors), 'warnings': [], 'counts': {}, 'free_final': {}, 'done_hosts': []}


def failed_plan(hosts, errors):
    """The plan returned when the campaign's hosts cannot even be selected (``select_hosts`` errors): the same keys
    as :func:`plan_campaign`, nothing planned."""
    return _failed(hosts or [], {}, errors)


def plan_campaign(hosts_to_maintain, facts, servers_by_host, *, options=None, groups=None, host_of=None,
                  done_hosts=None, resume=None):
    """Plan a maintenance campaign over ``hosts_to_maintain``.

    :param hosts_to_maintain: exact host names (see ``campaign_hosts.select_hosts``), in the preferred order.
    :param facts: host facts of every compute host (``compute_host_info`` entries or service dicts); their ``free``
        capacity already applies the allocation ratios.
    :param servers_by_host: dict host -> normalized servers on it (at least for the campaign's hosts).
    :param options: the options of ``plan_evacuation`` (strategy, filter, skips, ``capacity_check``,
        ``capacity_resources``; ``target_hosts`` is ignored: the campaign chooses) plus ``parallel_hosts`` (1),
        ``max_in_flight`` (``parallel_hosts * per_source``), ``per_source`` (1) and ``order`` (``capacity`` or
        ``given``).
    :param groups: the server groups (``GET /os-server-groups``), or None when unknown.
    :param host_of: dict server id -> host for servers outside the campaign's hosts (other group members).
    :param done_hosts: hosts an earlier run of the same campaign finished. They are not planned again (also when
        ``hosts_to_maintain`` lists them) and receive servers from the first step on (the ``done`` tier), if their
        compute service takes servers now; each must be a known host.
    :param resume: dict host -> ``{'since', 'migrations', 'servers'}`` for a host an interrupted run left in the
        middle (disabled with its marker): ``since`` is the marker's time, ``migrations`` the host's normalized
        migration records, ``servers`` the servers (by id, None when gone) of its unfinished migrations or moved away
        since then that are no longer listed on it (``plan_evacuation``'s ``resume_servers``). Its unfinished
        migrations are resumed, the servers that left are listed in its step's ``earlier``, and it goes first.
    :returns: a JSON-serializable dict: ``ok``, ``errors``, ``warnings``, ``order``, ``done_hosts``, ``steps`` (each
        with ``index``, ``hosts``, ``moves``, ``skipped``, ``earlier``, ``waves``, ``moves_again``, ``needed``,
        ``free_after``, ``warnings``, ``errors``; a failing step also ``shortfall``; each move carries
        ``anti_affinity``, the id of its anti-affinity group or None), ``unplanned`` (hosts after a failing step), ``counts`` and
        ``free_final`` (every usable host). A step's ``free_after`` holds the hosts the step changed (its own hosts,
        emptied, and the hosts that received servers); the others keep the figures of the step before. An invalid
        campaign option (an unknown ``order``) is an error of the plan, as are unknown or repeated hosts.
    """
    try:
        own, rest = campaign_options(options)
    except (TypeError, ValueError) as exc:
        return _failed(hosts_to_maintain or [], {}, ['Invalid campaign option: %s.' % exc])
    rest['target_hosts'] = []
    classify_opts = options_with_defaults(rest)
    resources = list(classify_opts['capacity_resources']) if classify_opts['capacity_check'] else []
    evac_options = dict(rest, capacity_check=False)
    known = host_facts(facts)
    done = []
    errors = []
    for name in done_hosts or []:
        if name not in known:
            errors.append('Done host %r does not exist (host names match exactly).' % name)
        elif name not in done:
            done.append(name)
    # A host an earlier run finished is not maintained again.
    hosts = [name for name in hosts_to_maintain or [] if name not in done]

    seen = set()
    for name in hosts:
        if name in seen:
            errors.append('Compute host %r is given twice.' % name)
        seen.add(name)
        if name not in known:
            errors.append('Compute host %r does not exist (host names match exactly).' % name)
    result = _failed(hosts, own, [])
    result.update(errors=errors, done_hosts=done)
    if errors or not hosts:
        if not hosts and not errors:
            if done:
                # Everything selected is finished: an empty plan, not an error.
                result.update(ok=True, unplanned=[], counts=_counts(hosts, [], {}))
                return result
            errors.append('The campaign has no host.')
        return result

    resume = dict((name, value) for name, value in (resume or {}).items() if name in seen)
    state = _Campaign(hosts, facts, known, servers_by_host, groups, host_of, evac_options, resources,
                      done_hosts=done, resume=resume)
    result['warnings'].extend(state.warnings)
    for name in done:
        if name not in state.usable:
            result['warnings'].append('Done host %s receives no server: %s.'
                                      % (name, '; '.join(host_problems(known[name]))))
    if state.errors:
        errors.extend(state.errors)
        return result

    # A host left in the middle goes first: it is out of service already.
    remaining = [name for name in hosts if name in resume] + [name for name in hosts if name not in resume]
    warned = set()
    while remaining:
        step_hosts = _choose(state, remaining, own)
        for name in step_hosts:
            remaining.remove(name)
        step = _plan_step(state, len(result['steps']) + 1, step_hosts, remaining, own)
        for text in step.pop('group_warnings'):
            if text not in warned:
                warned.add(text)
                result['warnings'].append(text)
        result['steps'].append(step)
        result['order'].extend(step_hosts)
        if step['errors']:
            errors.extend(step['errors'])
            result['unplanned'] = list(remaining)
            break
    else:
        result['unplanned'] = []

    result['counts'] = _counts(hosts, result['steps'], state.counted)
    result['free_final'] = dict((name, dict(state.free[name])) for name in sorted(state.usable | set(state.done)))
    result['ok'] = not errors
    return result


def _counts(hosts, steps, counted):
    return {
        'hosts': len(hosts),
        'steps': len(steps),
        'servers_on_hosts': sum(counted.values()),
        'moves': sum(len(s['moves']) for s in steps),
        'moves_again': sum(s['moves_again'] for s in steps),
        'skipped': sum(len(s['skipped']) for s in steps),
        'waves': sum(len(s['waves']) for s in steps),
    }


def _choose(state, remaining, own):
    """The hosts of the next step (see the module's order heuristic)."""
    count = min(own['parallel_hosts'], len(remaining))
    if own['order'] == 'given':
        return remaining[:count]
    chosen = []
    free = state.free
    for _slot in range(count):
        best = None
        resumed = [name for name in remaining if name in state.resumed and name not in chosen]
        for name in resumed[:1] or remaining:
            if name in chosen:
                continue
            missing, free_after = state.trial(name, [*chosen, name], free)
            if missing == 0:
                best = (missing, name, free_after)
                break
            if best is None or missing < best[0]:
                best = (missing, name, free_after)
        chosen.append(best[1])
        free = best[2]
    return chosen


def _plan_step(state, index, step_hosts, remaining, own):
    entries, limits, group_warnings = state.annotated(step_hosts)
    busy = list(step_hosts)
    tiers = [(tier, state.receivers(tier, busy, remaining)) for tier in (DONE, OUTSIDE, QUEUED)]
    free_before = dict((n, dict(f)) for n, f in state.free.items())
    free = dict((n, dict(f)) for n, f in state.free.items())
    assignment, tier_of, unplaced, refused = state.place_tiers(entries, tiers, free, limits)

    skipped = [item for name in step_hosts for item in state.skipped[name]]
    skipped.extend(state._skip_item(e) for e in entries if e['action'] == SKIP)
    moves = []
    for entry in entries:
        if entry['action'] not in (COLD, LIVE, RESUME):
            continue
        group = entry.get('server_group') or {}
        if entry['action'] == RESUME:
            target, tier = entry.get('expected_destination'), None
        else:
            target, tier = assignment.get(entry['id']), tier_of.get(entry['id'])
        if entry['action'] != RESUME and target is None:
            continue
        moves.append({
            'id': entry['id'], 'name': entry.get('name'), 'from': entry['source_host'], 'to': target,
            'mode': entry['action'], 'why': entry.get('mode_reason') or entry.get('reason'),
            'zone': entry.get('allowed_zone'), 'tier': tier, 'moves_again': tier == QUEUED,
            'needs': entry.get('needs'), 'server_group': group.get('name') or group.get('id'),
            'anti_affinity': sg.anti_affinity_key(state.group_index.get(entry['id'])),
        })
    moves = _interleave(moves)
    again = [m for m in moves if m['moves_again']]
    warnings = []
    if again:
        warnings.append('%d server(s) of %s go to hosts still queued in this campaign and will move again: %s.'
                        % (len(again), ', '.join(step_hosts), ', '.join(
                            '%s -> %s' % (m['name'] or m['id'], m['to']) for m in again)))
    moving = [e for e in entries if e['action'] in (COLD, LIVE)]
    step = {
        'index': index,
        'hosts': list(step_hosts),
        'moves': moves,
        'skipped': skipped,
        'earlier': [item for name in step_hosts for item in state.earlier[name]],
        'waves': waves(moves, state.group_index, own['max_in_flight'], own['per_source']),
        'moves_again': len(again),
        'needed': sum_needs([e.get('needs') for e in moving], state.resources),
        'free_after': {},
        'warnings': warnings,
        'errors': [],
        'group_warnings': group_warnings,
    }
    if unplaced:
        step['errors'] = _shortfall_errors(state, step, moving, unplaced, refused, limits, tiers, free_before)
        return step

    # Commit: the servers are where the plan sends them, the sources are empty (but for what stays there).
    for move in moves:
        state.where[move['id']] = move['to']
        if move['moves_again']:
            entry = next(e for e in entries if e['id'] == move['id'])
            later = dict(entry, source_host=move['to'], host=move['to'], destination=None,
                         expected_destination=None)
            later.pop('server_group', None)
            state.moving[move['to']].append(later)
    touched = set(step_hosts)
    for name, figures in free.items():
        if figures != state.free.get(name):
            touched.add(name)
    state.free.update(free)
    for move in moves:
        if move['mode'] == RESUME:
            continue
        figures = state.free[move['from']]
        for res in RESOURCES:
            if figures.get(res) is not None:
                figures[res] += int((move.get('needs') or {}).get(res) or 0)
    for name in step_hosts:
        state.moving[name] = []
        state.done.append(name)
    step['free_after'] = dict((name, dict(state.free[name])) for name in sorted(touched))
    return step


def _shortfall_errors(state, step, moving, unplaced, refused, limits, tiers, free_before):
    """Why a step cannot fit: the group refusals, then the capacity figures per availability zone."""
    errors = []
    where = 'receiving host'
    capacity_misses = []
    for entry in unplaced:
        problem = group_plan.unusable_required(entry, dict((n, 1) for _t, names in tiers for n in names),
                                               'is not a host this step may use')
        if problem:
            errors.append('Step %d: %s' % (step['index'], problem))
        elif entry['id'] in refused:
            refusal = group_plan.refusal_error(entry, refused[entry['id']], limits, where)
            errors.append('Step %d: %s' % (step['index'], refusal))
        else:
            capacity_misses.append(entry)
    if not capacity_misses:
        return errors
    resources = state.resources
    receivers = sorted(set(n for _t, names in tiers for n in names))
    zones = {}
    for name in receivers:
        zone = zones.setdefault(state.known[name].get('zone'), {'hosts': [], 'free': dict((r, 0) for r in resources)})
        zone['hosts'].append(name)
        for res in resources:
            value = free_before[name].get(res)
            if value is None or zone['free'][res] is None:
                zone['free'][res] = None
            else:
                zone['free'][res] += max(0, value)
    needed_by_zone = {}
    for entry in moving:
        zone = entry.get('allowed_zone')
        needed_by_zone.setdefault(zone, []).append(entry.get('needs'))
    per_zone = []
    shortfall = {'needed': step['needed'], 'zones': {}, 'unplaced': []}
    # Unpinned servers may go to any zone: their needs are the step's total; pinned ones show in their zone.
    for zone in sorted(set(zones) | set(z for z in needed_by_zone if z is not None), key=str):
        info = zones.get(zone) or {'hosts': [], 'free': dict((r, 0) for r in resources)}
        needed = sum_needs(needed_by_zone.get(zone, []), resources)
        shortfall['zones'][str(zone)] = {'needed': needed, 'free': info['free'], 'hosts': len(info['hosts'])}
        hosts_text = ', '.join(info['hosts']) if len(info['hosts']) <= 6 else '%d hosts' % len(info['hosts'])
        per_zone.append('zone %s (%s): %sfree %s' % (
            zone, hosts_text or 'no receiving host',
            'pinned servers need %s, ' % fmt_resources(needed, resources) if zone is not None and zone in needed_by_zone else '',
            fmt_resources(info['free'], resources)))
    misfits = []
    for entry in sorted(capacity_misses, key=lambda e: e.get('name') or ''):
        shortfall['unplaced'].append(entry.get('name') or entry['id'])
        misfits.append('%s from %s (%s%s)' % (entry.get('name') or entry['id'], entry.get('source_host'),
                                              fmt_resources(entry.get('needs') or {}, resources),
                                              ', zone %s' % entry['allowed_zone'] if entry.get('allowed_zone') else ''))
    step['shortfall'] = shortfall
    errors.append('Step %d (%s) cannot fit: %d server(s) need %s in total; %s. Servers that do not fit: %s. Nothing '
                  'is changed: add capacity, narrow the campaign or lower parallel_hosts.'
                  % (step['index'], ', '.join(step['hosts']), len(moving), fmt_resources(step['needed'], resources),
                     '; '.join(per_zone), ', '.join(misfits)))
    return errors
