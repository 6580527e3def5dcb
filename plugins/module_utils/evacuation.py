# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning logic for emptying a compute host and bringing it back (no I/O).

Used by the ``migration_plan`` module, which feeds it the observed facts
(compute host facts, the servers on the host, the host's migration records),
and by the ``host_evacuation`` / ``host_restore`` roles through that module.

Design points (anchors.md sections 3 and 6):

* host names match exactly (``compute-1`` never matches ``compute-10``);
* the compute service's disabled reason is an ownership marker with a fixed
  prefix, so restore and resume recognise "our" disable and leave anyone
  else's alone;
* a cold migration needs ACTIVE or SHUTOFF; ERROR, SHELVED and locked servers
  are skipped with a reason unless the caller says otherwise;
* migrations left behind by an interrupted run (in progress, or finished and
  waiting in VERIFY_RESIZE) are resumed before anything new starts;
* the free capacity of the candidate hosts must absorb the servers, checked
  per availability zone with a greedy placement; failures carry the numbers.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.novaops.migration.plugins.module_utils.validation import similar_host_names

MARKER_PREFIX = 'novaops-evacuation'
_TIME = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z'
# "novaops-evacuation by <who> at <time>[ run <id>[ live <pid>@<node> until <time>| ended]][: <note>]".  The run
# part tells two runs of the same host apart: a live run names its ansible-playbook process and the time until which
# it promises to refresh the marker; an ended or interrupted run may be resumed by the next one.
MARKER_RE = re.compile(r'^novaops-evacuation by (?P<by>.+?) at (?P<at>' + _TIME + r')'
                       r'(?: run (?P<run>[0-9a-zA-Z]{1,32})'
                       r'(?: live (?P<pid>\d+)@(?P<node>[^\s:]+) until (?P<until>' + _TIME + r')| (?P<ended>ended))?)?'
                       r'(?:: (?P<note>.*))?$', re.DOTALL)
MAX_REASON = 255

COLD_STATUSES = ('ACTIVE', 'SHUTOFF')
LIVE_STATUSES = ('ACTIVE', 'PAUSED')
SETTLED_STATUSES = ('ACTIVE', 'SHUTOFF', 'PAUSED')
RESOURCES = ('vcpus', 'memory_mb', 'disk_gb')

# Migration record statuses (nova-api.md section 4.5).
COLD_TYPES = ('migration',)
LIVE_TYPES = ('live-migration',)
COLD_RUNNING = frozenset(['pre-migrating', 'migrating', 'post-migrating', 'confirming', 'reverting'])
LIVE_RUNNING = frozenset(['accepted', 'queued', 'preparing', 'running', 'post-migrating'])
AWAITING_CONFIRM = 'finished'
SUCCEEDED = frozenset(['confirmed', 'completed'])

# Entry actions.
COLD = 'cold'
LIVE = 'live'
RESUME = 'resume'
SKIP = 'skip'
NONE = 'none'
MOVING_ACTIONS = (COLD, LIVE, RESUME)

# Clock margin when comparing the controller's marker time with the cloud's timestamps.
CLOCK_MARGIN = datetime.timedelta(seconds=60)


class PlanError(Exception):
    """The request is malformed (bad filter expression, bad option); raised before anything changes."""


# --------------------------------------------------------------------------
# Time and ownership marker
# --------------------------------------------------------------------------

def parse_time(value):
    """Parse Nova/ISO 8601 timestamps (``2026-01-02T03:04:05.000000``, ``...Z``, ``...+00:00``) as naive UTC."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        stamp = value
    else:
        text = str(value).strip().replace(' ', 'T')
        if text.endswith('Z'):
            text = text[:-1] + '+00:00'
        match = re.match(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:?\d\d)?$', text)
        if not match:
            return None
        stamp = datetime.datetime.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S')
        if match.group(2):
            stamp = stamp.replace(microsecond=int((match.group(2)[1:] + '000000')[:6]))
        offset = match.group(3)
        if offset:
            sign = 1 if offset[0] == '+' else -1
            digits = offset[1:].replace(':', '')
            delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            stamp = stamp - sign * delta
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return stamp


def format_time(stamp):
    return stamp.strftime('%Y-%m-%dT%H:%M:%SZ') if stamp else None


def make_marker(who, when, note=None, run=None, pid=None, node=None, until=None, ended=False):
    """The disabled reason ``host_evacuation`` sets: fixed prefix, who, when (UTC), the run and an optional note.

    The note is cut first so that the marker fits Nova's 255 characters with its run part intact.
    """
    stamp = parse_time(when) if not isinstance(when, datetime.datetime) else when
    if stamp is None:
        raise PlanError('Invalid marker time %r.' % (when,))
    who = re.sub(r'\s+', '_', str(who or 'unknown').strip()) or 'unknown'
    text = '%s by %s at %s' % (MARKER_PREFIX, who, format_time(stamp))
    if run:
        text += ' run %s' % run
        if ended:
            text += ' ended'
        elif pid and node and until:
            deadline = parse_time(until) if not isinstance(until, datetime.datetime) else until
            if deadline is None:
                raise PlanError('Invalid marker deadline %r.' % (until,))
            text += ' live %d@%s until %s' % (int(pid), re.sub(r'[\s:]+', '_', str(node)), format_time(deadline))
    if note:
        text += ': ' + ' '.join(str(note).split())
    return text[:MAX_REASON]


def parse_marker(reason):
    """``{'by', 'at', 'note', 'run', 'pid', 'node', 'until', 'ended'}`` when ``reason`` is an evacuation marker."""
    match = MARKER_RE.match(reason or '')
    if not match:
        return None
    return {'by': match.group('by'), 'at': match.group('at'), 'note': match.group('note'),
            'run': match.group('run'), 'pid': int(match.group('pid')) if match.group('pid') else None,
            'node': match.group('node'), 'until': match.group('until'), 'ended': bool(match.group('ended'))}


def marker_activity(marker, run_id=None, now=None, node=None, pid_alive=None):
    """What the run that wrote ``marker`` is doing, seen from run ``run_id`` on controller ``node``.

    ``this_run``; ``running`` (another run: its ansible-playbook process lives on this controller, or on another
    controller its marker has not expired); ``ended``; or ``interrupted`` (its process is gone, its marker
    expired, or the marker predates run ids), which the next run may resume.
    """
    if marker is None:
        return None
    if marker.get('run') and marker['run'] == run_id:
        return 'this_run'
    if marker.get('ended'):
        return 'ended'
    if not marker.get('run') or not marker.get('until'):
        return 'interrupted'
    if node and marker.get('node') == node and pid_alive is not None:
        return 'running' if pid_alive(marker['pid']) else 'interrupted'
    deadline = parse_time(marker['until'])
    now = now or datetime.datetime.utcnow()
    return 'running' if deadline is not None and now < deadline else 'interrupted'


def service_ownership(service, run_id=None, now=None, node=None, pid_alive=None):
    """Who disabled a compute service: ``enabled``, ``ours`` (an evacuation marker) or ``other``.

    For ``ours``, ``activity`` says what that evacuation run is doing (see :func:`marker_activity`).
    """
    service = service or {}
    if service.get('status') != 'disabled':
        return {'state': 'enabled', 'marker': None, 'reason': service.get('disabled_reason'), 'activity': None}
    reason = service.get('disabled_reason')
    marker = parse_marker(reason)
    return {'state': 'ours' if marker else 'other', 'marker': marker, 'reason': reason,
            'activity': marker_activity(marker, run_id, now, node, pid_alive)}


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def normalize_host(entry):
    """Host facts from ``compute_host_info`` (or a bare service dict) in the shape the planner uses."""
    entry = entry or {}
    service = entry.get('service') if isinstance(entry.get('service'), dict) else entry
    capacity = entry.get('capacity') or {}
    free = {}
    for res in RESOURCES:
        item = capacity.get(res)
        if isinstance(item, dict):
            free[res] = item.get('free')
        elif isinstance(item, (int, float)):
            free[res] = item
        else:
            free[res] = None
    return {
        'host': entry.get('host') or service.get('host'),
        'zone': service.get('zone') or entry.get('zone'),
        'status': service.get('status') or entry.get('status'),
        'state': service.get('state') or entry.get('state'),
        'forced_down': bool(service.get('forced_down') if 'forced_down' in service else entry.get('forced_down')),
        'disabled_reason': service.get('disabled_reason') if 'disabled_reason' in service else entry.get('disabled_reason'),
        'free': free,
    }


def host_problems(host):
    """Why the scheduler would not place anything on ``host`` ([] when usable)."""
    problems = []
    if host.get('status') != 'enabled':
        reason = host.get('disabled_reason')
        problems.append('its compute service is disabled%s' % (' (%s)' % reason if reason else ''))
    if host.get('forced_down'):
        problems.append('it is forced down')
    elif host.get('state') not in (None, 'up'):
        problems.append('its compute service is %s' % host.get('state'))
    return problems


def source_down(host):
    """Why the compute service of a host being emptied cannot act (None when it is up)."""
    if host.get('forced_down'):
        return 'is forced down'
    if host.get('state') not in (None, 'up'):
        return 'is %s' % host.get('state')
    return None


def flavor_needs(flavor):
    """Resources a server claims on its host, from the embedded flavor (microversion 2.47+)."""
    flavor = flavor or {}
    if flavor.get('vcpus') is None and flavor.get('ram') is None:
        return None
    swap_mb = flavor.get('swap') or 0
    try:
        swap_gb = -(-int(swap_mb) // 1024)
    except (TypeError, ValueError):
        swap_gb = 0
    return {
        'vcpus': int(flavor.get('vcpus') or 0),
        'memory_mb': int(flavor.get('ram') or 0),
        'disk_gb': int(flavor.get('disk') or 0) + int(flavor.get('ephemeral') or 0) + swap_gb,
    }


def compile_filter(expression):
    """Compile a JMESPath expression (None/empty: no filter).  Raises PlanError on a syntax error."""
    if expression is None or not str(expression).strip():
        return None
    try:
        import jmespath  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - jmespath ships with openstacksdk
        raise PlanError('The server filter needs the Python library jmespath (a dependency of openstacksdk).') from None
    try:
        return jmespath.compile(str(expression))
    except Exception as exc:  # jmespath.exceptions.ParseError and friends
        raise PlanError('Invalid JMESPath expression in the server filter %r: %s' % (expression, exc)) from exc


# The keys of the document the filter sees (server_document); a bare word in JMESPath is a field name, so a string
# literal written without quotes ("metadata.drain != no") silently reads a field that does not exist.
SERVER_FIELDS = frozenset(['id', 'name', 'status', 'host', 'hypervisor_hostname', 'vm_state', 'task_state',
                           'power_state', 'locked', 'locked_reason', 'availability_zone', 'project_id', 'user_id',
                           'metadata', 'tags', 'key_name', 'created', 'fault', 'flavor', 'pinned_availability_zone'])
# AST nodes whose later children are evaluated on the result of the first (so their fields are not server keys).
_CHILD_SCOPED = frozenset(['subexpression', 'index_expression', 'projection', 'value_projection', 'filter_projection',
                           'pipe'])


def unknown_filter_fields(expression):
    """Names the filter reads from the server document that the document does not have (sorted)."""
    compiled = compile_filter(expression)
    if compiled is None:
        return []
    unknown = set()

    def walk(node, on_server):
        if not isinstance(node, dict):
            return
        kind = node.get('type')
        children = node.get('children') or []
        if kind == 'field':
            if on_server and node.get('value') not in SERVER_FIELDS:
                unknown.add(node.get('value'))
            return
        if kind == 'expref':
            for child in children:
                walk(child, False)
            return
        for position, child in enumerate(children):
            walk(child, on_server and not (kind in _CHILD_SCOPED and position > 0))

    walk(getattr(compiled, 'parsed', None), True)
    return sorted(unknown)


def filter_warnings(expression, entries):
    """Warnings about a filter that keeps every server on the host or reads fields that do not exist."""
    if compile_filter(expression) is None:
        return []
    warnings = []
    unknown = unknown_filter_fields(expression)
    if unknown:
        warnings.append('The server filter %r reads %s, which %s not a field of a server (fields: %s). In JMESPath a '
                        'bare word is a field name: quote a string literal with single quotes, for example '
                        "metadata.drain != 'no'." % (
                            expression, ', '.join("'%s'" % name for name in unknown),
                            'is' if len(unknown) == 1 else 'are', ', '.join(sorted(SERVER_FIELDS))))
    judged = [e for e in entries if e.get('action') != RESUME]
    if judged and all(e.get('excluded') for e in judged):
        warnings.append('The server filter %r excludes all %d servers on the host: none of them will move.'
                        % (expression, len(judged)))
    return warnings


def filter_matches(compiled, server):
    """JMESPath truthiness of the expression evaluated on one server document."""
    if compiled is None:
        return True
    try:
        value = compiled.search(server)
    except Exception as exc:  # runtime errors, e.g. a function applied to the wrong type
        raise PlanError('The server filter failed on server %s: %s' % (server.get('id'), exc)) from exc
    if value is None or value is False:
        return False
    return not (isinstance(value, (str, list, dict)) and not value)


# --------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------

DEFAULT_OPTIONS = {
    'target_hosts': [],
    'server_filter': None,
    'live_migrate_active': False,
    'skip_locked': True,
    'skip_error': True,
    'skip_shelved': True,
    'capacity_check': True,
    'capacity_resources': list(RESOURCES),
    'cold_target_supported': True,
    'max_microversion': None,
}


def options_with_defaults(options):
    result = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if value is not None:
            result[key] = value
    result['target_hosts'] = list(result.get('target_hosts') or [])
    result['capacity_resources'] = [r for r in (result.get('capacity_resources') or []) if r in RESOURCES]
    return result


def classify(server, options):
    """Return ``(action, reason)`` for a server found on the host being emptied.

    ``action`` is ``cold``, ``live`` or ``skip``.
    """
    status = (server.get('status') or '').upper()
    task = server.get('task_state')
    if status == 'ERROR':
        if options['skip_error']:
            return SKIP, ('status ERROR%s: Nova cannot migrate a server in ERROR; repair or reset it, then re-run'
                          % (' (fault: %s)' % server['fault'] if server.get('fault') else ''))
        return COLD, 'status ERROR, attempted because ERROR servers are not skipped (Nova may refuse it)'
    if status in ('SHELVED', 'SHELVED_OFFLOADED'):
        if options['skip_shelved'] or status == 'SHELVED_OFFLOADED':
            return SKIP, 'status %s: a shelved server is not migrated; unshelve or offload it' % status
        return COLD, 'status SHELVED, attempted because shelved servers are not skipped (Nova may refuse it)'
    if server.get('locked') and options['skip_locked']:
        reason = server.get('locked_reason')
        return SKIP, 'locked%s: left alone unless locked servers are included' % (' (%s)' % reason if reason else '')
    if status == 'VERIFY_RESIZE':
        return SKIP, ('status VERIFY_RESIZE: a resize or migration onto this host waits for confirmation; '
                      'confirm or revert it first')
    if status == 'REVERT_RESIZE':
        return SKIP, 'status REVERT_RESIZE: a revert is running; re-run once it has finished'
    if task and status not in ('RESIZE', 'MIGRATING'):
        return SKIP, 'busy (task_state %s): re-run once the task has finished' % task
    if options['live_migrate_active'] and status in LIVE_STATUSES:
        return LIVE, 'status %s: live migration' % status
    if status in COLD_STATUSES:
        return COLD, 'status %s: cold migration' % status
    if status == 'PAUSED':
        return SKIP, ('status PAUSED: a cold migration needs ACTIVE or SHUTOFF; enable live migration of '
                      'ACTIVE and PAUSED servers to move it')
    return SKIP, 'status %s: a cold migration needs ACTIVE or SHUTOFF' % (status or 'unknown')


def pinned_zone(server):
    """The zone a server must stay in, or None when it may move anywhere.

    From microversion 2.96 Nova shows ``pinned_availability_zone``; below
    that the pinning is invisible, so the server is assumed to stay in its
    current zone (the conservative choice for the capacity check).
    """
    if 'pinned_availability_zone' in server:
        return server.get('pinned_availability_zone')
    return server.get('availability_zone')


def is_running_migration(record):
    mtype = record.get('migration_type')
    status = record.get('status')
    if mtype in COLD_TYPES:
        return status in COLD_RUNNING
    if mtype in LIVE_TYPES:
        return status in LIVE_RUNNING
    return False


def _unfinished(records, wanted):
    """Cold/live migrations for which ``wanted(record)`` holds, still running or waiting in VERIFY_RESIZE.

    One record per server, the newest.
    """
    result = {}
    for record in sorted(records or [], key=_record_key, reverse=True):
        if record.get('migration_type') not in COLD_TYPES + LIVE_TYPES or not wanted(record):
            continue
        awaiting = record.get('migration_type') in COLD_TYPES and record.get('status') == AWAITING_CONFIRM
        if not (awaiting or is_running_migration(record)):
            continue
        server_id = record.get('server_id') or record.get('instance_uuid')
        if server_id and server_id not in result:
            result[server_id] = record
    return result


def unfinished_from(records, host):
    """Unfinished cold/live migrations away from ``host`` (see :func:`_unfinished`)."""
    return _unfinished(records, lambda record: record.get('source_compute') == host)


def unfinished_to(records, host):
    """Unfinished cold/live migrations onto ``host`` from another host (see :func:`_unfinished`)."""
    return _unfinished(records, lambda record: record.get('dest_compute') == host
                       and record.get('source_compute') != host)


def _record_key(record):
    ident = record.get('id')
    return (record.get('created_at') or '', ident if isinstance(ident, int) else 0)


def moved_since(records, host, since):
    """Successful cold/live migrations away from ``host`` created at or after ``since`` (the newest per server)."""
    since_time = parse_time(since)
    if since_time is None:
        return {}
    since_time -= CLOCK_MARGIN
    result = {}
    for record in sorted(records or [], key=_record_key, reverse=True):
        if record.get('source_compute') != host or record.get('status') not in SUCCEEDED:
            continue
        if record.get('migration_type') not in COLD_TYPES + LIVE_TYPES:
            continue
        created = parse_time(record.get('created_at'))
        if created is None or created < since_time:
            continue
        server_id = record.get('server_id') or record.get('instance_uuid')
        if server_id and server_id not in result:
            result[server_id] = record
    return result


def migration_brief(record):
    if not record:
        return None
    return {
        'id': record.get('id'),
        'uuid': record.get('uuid'),
        'type': record.get('migration_type'),
        'status': record.get('status'),
        'source_compute': record.get('source_compute'),
        'dest_compute': record.get('dest_compute'),
        'created_at': record.get('created_at'),
        'updated_at': record.get('updated_at'),
    }


def server_entry(server, **extra):
    """The per-server part of a plan (and of the report)."""
    entry = {
        'id': server.get('id'),
        'name': server.get('name'),
        'project_id': server.get('project_id'),
        'status': server.get('status'),
        'task_state': server.get('task_state'),
        'power_state': server.get('power_state'),
        'locked': bool(server.get('locked')),
        'availability_zone': server.get('availability_zone'),
        'pinned_availability_zone': pinned_zone(server),
        'host': server.get('host'),
        'flavor': server.get('flavor'),
        'needs': flavor_needs(server.get('flavor')),
    }
    entry.update(extra)
    return entry


# --------------------------------------------------------------------------
# Capacity and placement
# --------------------------------------------------------------------------

def _fits(free, needs, resources):
    for res in resources:
        have = free.get(res)
        if have is None:
            continue  # unknown capacity is not held against the host
        if needs.get(res, 0) > have:
            return False
    return True


def _sum(needs_list, resources):
    total = dict((res, 0) for res in resources)
    for needs in needs_list:
        for res in resources:
            total[res] += int((needs or {}).get(res) or 0)
    return total


def _fmt_resources(values, resources):
    parts = []
    for res in resources:
        value = values.get(res)
        parts.append('%s=%s' % (res, 'unknown' if value is None else value))
    return ' '.join(parts)


def place(entries, hosts, resources, spread_by_count=False):
    """Greedy placement of ``entries`` (biggest first) on ``hosts`` (dict name -> normalized host).

    Each entry may carry ``allowed_zone``; the chosen host is the one with
    the fewest servers assigned so far when ``spread_by_count`` (explicit
    targets: spread evenly), else the one with the most free memory.
    Mutates the ``free`` figures of a copy; returns ``(assignment, unplaced,
    free_after)``.
    """
    free = dict((name, dict(h['free'])) for name, h in hosts.items())
    counts = dict((name, 0) for name in hosts)
    assignment = {}
    unplaced = []

    def size(entry):
        needs = entry.get('needs') or {}
        return (needs.get('memory_mb') or 0, needs.get('vcpus') or 0, needs.get('disk_gb') or 0, entry.get('name') or '')

    for entry in sorted(entries, key=size, reverse=True):
        needs = entry.get('needs') or dict((res, 0) for res in resources)
        zone = entry.get('allowed_zone')
        fitting = [name for name, h in hosts.items()
                   if (zone is None or h.get('zone') == zone) and _fits(free[name], needs, resources)]
        if not fitting:
            unplaced.append(entry)
            continue

        def rank(name):
            mem = free[name].get('memory_mb')
            mem = float('inf') if mem is None else mem
            if spread_by_count:
                return (counts[name], -mem, name)
            return (-mem, counts[name], name)

        chosen = sorted(fitting, key=rank)[0]
        assignment[entry['id']] = chosen
        counts[chosen] += 1
        for res in RESOURCES:
            if free[chosen].get(res) is not None:
                free[chosen][res] -= int(needs.get(res) or 0)
    return assignment, unplaced, free


def _zone_summary(hosts, resources):
    zones = {}
    for name, h in sorted(hosts.items()):
        zone = zones.setdefault(h.get('zone'), {'hosts': [], 'free': dict((res, 0) for res in resources)})
        zone['hosts'].append(name)
        for res in resources:
            value = h['free'].get(res)
            if value is None or zone['free'][res] is None:
                zone['free'][res] = None
            else:
                zone['free'][res] += max(0, value)
    return zones


# --------------------------------------------------------------------------
# Evacuation plan
# --------------------------------------------------------------------------

def plan_evacuation(host, hosts, servers, *, migrations=None, resume_servers=None, options=None, since=None):
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
        return _plan_result(host, None, [], earlier=[], candidates=[], targets={}, errors=errors, warnings=warnings,
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
            entries.append(_resume_entry(server, record, host))
            continue
        if not filter_matches(compiled, server):
            entries.append(server_entry(server, action=SKIP, reason='not selected by the server filter',
                                        source_host=host, destination=None, excluded=True))
            continue
        action, reason = classify(server, opts)
        entries.append(server_entry(server, action=action, reason=reason, source_host=host, destination=None))

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
        entries.append(_resume_entry(server, record, host))

    warnings.extend(filter_warnings(opts['server_filter'], entries))
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
        free_after = dict((name, dict(h['free'])) for name, h in candidates.items())
        assignment = {}
        unplaced = []
        if targeted:
            assigned, missed, free_t = place(targeted, targets, resources if opts['capacity_check'] else [],
                                             spread_by_count=True)
            assignment.update(assigned)
            unplaced.extend(missed)
            for name, free in free_t.items():
                free_after[name] = free
        if scheduled:
            pool = dict((name, dict(candidates[name], free=free_after.get(name, candidates[name]['free'])))
                        for name in candidates)
            assigned, missed, free_s = place(scheduled, pool, resources if opts['capacity_check'] else [])
            assignment.update(assigned)
            unplaced.extend(missed)
            free_after.update(free_s)
        for entry in targeted:
            entry['destination'] = assignment.get(entry['id'])
        for entry in moving:
            entry['expected_destination'] = assignment.get(entry['id'])
        needed = _sum([e.get('needs') for e in moving], resources)
        pool_hosts = dict(candidates)
        pool_hosts.update(targets)
        capacity.update({
            'needed': needed,
            'servers': len(moving),
            'zones': _zone_summary(pool_hosts, resources),
            'unplaced': [e['name'] or e['id'] for e in unplaced],
        })
        unplaced = [e for e in unplaced if e not in zoneless]
        if unplaced and opts['capacity_check']:
            per_zone = []
            for zone, info in sorted(capacity['zones'].items(), key=lambda kv: str(kv[0])):
                per_zone.append('zone %s (%s): free %s' % (zone, ', '.join(info['hosts']),
                                                           _fmt_resources(info['free'], resources)))
            misfits = ['%s (%s%s)' % (e['name'] or e['id'], _fmt_resources(e.get('needs') or {}, resources),
                                      ', zone %s' % e['allowed_zone'] if e.get('allowed_zone') else '')
                       for e in sorted(unplaced, key=lambda x: x.get('name') or '')]
            where = ('the target hosts %s' % ', '.join(sorted(targets))) if targeted else 'the enabled hosts'
            errors.append('Not enough free capacity on %s to absorb the servers of %s: %d servers need %s in total; '
                          '%s. Servers that do not fit: %s.'
                          % (where, host, len(moving), _fmt_resources(needed, resources), '; '.join(per_zone),
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

    return _plan_result(host, source, entries, earlier=earlier, candidates=sorted(candidates), targets=targets,
                        errors=errors, warnings=warnings, notes=notes, opts=opts, capacity=capacity)


def _resume_entry(server, record, host):
    status = (server.get('status') or '').upper()
    if record is not None and record.get('status') == AWAITING_CONFIRM:
        what = 'confirm'
        reason = ('migration %s to %s waits for confirmation (VERIFY_RESIZE): it is confirmed'
                  % (record.get('id'), record.get('dest_compute')))
    elif record is not None:
        what = 'wait'
        reason = 'migration %s (status %s) is still in progress: it is waited for' % (record.get('id'), record.get('status'))
    else:
        what = 'wait'
        reason = 'status %s: the migration in progress is waited for' % status
    live = bool(record and record.get('migration_type') in LIVE_TYPES) or (record is None and status == 'MIGRATING')
    return server_entry(server, action=RESUME, resume=what, live=live, reason=reason, source_host=host,
                        destination=None, expected_destination=record.get('dest_compute') if record else None,
                        migration=migration_brief(record))


def _plan_result(host, source, entries, *, earlier, candidates, targets, errors, warnings, notes, opts, capacity):
    actions = [e for e in entries if e['action'] in MOVING_ACTIONS]
    # Resume first (the interrupted work), then new migrations in name order.
    actions.sort(key=lambda e: (0 if e['action'] == RESUME else 1, e.get('name') or '', e.get('id') or ''))
    total = len(actions)
    for index, entry in enumerate(actions, 1):
        entry['index'] = index
        entry['total'] = total
        entry['live'] = bool(entry.get('live')) or entry['action'] == LIVE
        entry['plan_line'] = plan_line(entry)
        # The item server_migrate_sequence takes (role-wide options such as force are added by the module).
        entry['request'] = {'server': entry['id'], 'host': entry.get('destination') or None,
                            'source_host': entry.get('source_host'), 'live_migration': entry['live']}
    skipped = [e for e in entries if e['action'] == SKIP]
    unchanged = [e for e in entries if e['action'] == NONE]
    for entry in skipped + unchanged:
        entry['plan_line'] = plan_line(entry)
    counts = {
        'on_host': len([e for e in entries if e.get('host') == host]),
        'to_move': total,
        'resume': len([e for e in actions if e['action'] == RESUME]),
        'cold': len([e for e in actions if e['action'] == COLD]),
        'live': len([e for e in actions if e['action'] == LIVE]),
        'skipped': len(skipped),
        'unchanged': len(unchanged),
        'moved_earlier': len(earlier),
    }
    return {
        'host': host,
        'service': source,
        'ownership': service_ownership(source) if source else None,
        'zone': source.get('zone') if source else None,
        'candidates': candidates,
        'targets': sorted(targets),
        'targets_requested': list(opts['target_hosts']),
        'cold_target_supported': bool(opts['cold_target_supported']),
        'actions': actions,
        'skipped': skipped,
        'unchanged': unchanged,
        'earlier': earlier,
        'counts': counts,
        'capacity': capacity,
        'errors': errors,
        'warnings': warnings,
        'notes': notes,
        'ok': not errors,
    }


def plan_line(entry):
    """One line of the human plan: ``[i/N] name: src -> dst (cold)`` or ``skip name: reason``."""
    name = entry.get('name') or entry.get('id')
    if entry['action'] == SKIP:
        return 'skip %s (%s): %s' % (name, entry.get('status'), entry.get('reason'))
    if entry['action'] == NONE:
        return 'none %s (%s): %s' % (name, entry.get('status'), entry.get('reason'))
    if entry['action'] == RESUME:
        dest = entry.get('expected_destination') or '?'
        return '[%s/%s] %s: %s -> %s (resume: %s)' % (
            entry['index'], entry['total'], name, entry.get('source_host'), dest, entry.get('resume'))
    dest = entry.get('destination') or 'scheduler'
    why = '; %s' % entry['mode_reason'] if entry.get('mode_reason') else ''
    return '[%s/%s] %s: %s -> %s (%s, %s%s)' % (entry['index'], entry['total'], name, entry.get('source_host'), dest,
                                                entry['action'], entry.get('status'), why)


# --------------------------------------------------------------------------
# Restore plan
# --------------------------------------------------------------------------

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
    return bool(item.get('live')) or migration.get('type') in LIVE_TYPES or migration.get('migration_type') in LIVE_TYPES


def plan_restore(host, hosts, moved, current, *, migrations=None, options=None, assume_enabled=False):
    """Plan moving the servers listed in an evacuation report back to ``host``.

    :param moved: report entries (``id``, ``name``, ``destination``) of servers moved away from ``host``.
    :param current: dict server id -> normalized server now (None when it no longer exists).
    :param migrations: normalized migration records involving ``host`` (to resume unfinished returns).
    :param assume_enabled: plan as if ``host`` were enabled when an evacuation disabled it (its disabled reason is
        an evacuation marker), because the restore re-enables it before moving anything back; a host someone else
        disabled stays disabled and cannot receive servers.
    """
    # Unset live_migrate_active: each server goes back the way it left, so a server that was live-migrated away
    # is not rebooted on its way home.
    as_left = (options or {}).get('live_migrate_active') is None
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
        return _plan_result(host, None, [], earlier=[], candidates=[], targets={}, errors=errors, warnings=warnings,
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
            entry = _resume_entry(server, record, record.get('source_compute') if record else server.get('host'))
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
            went_live = left_live(item)
            action, reason = classify(server, dict(opts, live_migrate_active=went_live))
            extra['mode_reason'] = 'as it left' if (action == LIVE) == went_live else 'it left %s' % (
                'live' if went_live else 'cold')
        else:
            action, reason = classify(server, opts)
            extra['mode_reason'] = 'live_migrate_active=%s' % ('true' if opts['live_migrate_active'] else 'false')
        if action == COLD and not opts['cold_target_supported']:
            action, reason = SKIP, ('a cold migration back to a named host needs compute API microversion 2.56 and '
                                    'the cloud supports %s at most; move it by hand or enable live migration'
                                    % (opts.get('max_microversion') or 'less'))
        if server.get('host') != recorded and action != SKIP:
            reason += '; it moved since the evacuation (now on %s, evacuated to %s)' % (server.get('host'), recorded)
        entries.append(server_entry(server, action=action, reason=reason, source_host=server.get('host'), **extra))

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
        needed = _sum([e.get('needs') for e in moving], resources)
        capacity.update({'needed': needed, 'servers': len(moving),
                         'zones': _zone_summary({host: source}, resources), 'unplaced': []})
        if opts['capacity_check']:
            _assigned, unplaced, _free = place(moving, {host: dict(source, zone=None)}, resources)
            capacity['unplaced'] = [e['name'] or e['id'] for e in unplaced]
            if unplaced:
                errors.append('Not enough free capacity on %s to take back %d servers: they need %s, the host has %s '
                              'free. Servers that do not fit: %s.'
                              % (host, len(moving), _fmt_resources(needed, resources),
                                 _fmt_resources(source['free'], resources),
                                 ', '.join(e['name'] or e['id'] for e in unplaced)))
        for entry in moving:
            entry['expected_destination'] = host
    return _plan_result(host, source, entries, earlier=[], candidates=[host], targets={}, errors=errors,
                        warnings=warnings, notes=notes, opts=opts, capacity=capacity)


# --------------------------------------------------------------------------
# Server documents (what the filter sees and the plan carries)
# --------------------------------------------------------------------------

def server_document(body, pinned_known=True):
    """Normalize a Nova server JSON object into the document the filter and the planner use."""
    body = body or {}
    flavor = body.get('flavor') if isinstance(body.get('flavor'), dict) else {}
    fault = body.get('fault') if isinstance(body.get('fault'), dict) else {}
    doc = {
        'id': body.get('id'),
        'name': body.get('name'),
        'status': (body.get('status') or '').upper() or None,
        'host': body.get('OS-EXT-SRV-ATTR:host'),
        'hypervisor_hostname': body.get('OS-EXT-SRV-ATTR:hypervisor_hostname'),
        'vm_state': body.get('OS-EXT-STS:vm_state'),
        'task_state': body.get('OS-EXT-STS:task_state'),
        'power_state': body.get('OS-EXT-STS:power_state'),
        'locked': bool(body.get('locked')),
        'locked_reason': body.get('locked_reason'),
        'availability_zone': body.get('OS-EXT-AZ:availability_zone'),
        'project_id': body.get('tenant_id') or body.get('project_id'),
        'user_id': body.get('user_id'),
        'metadata': body.get('metadata') or {},
        'tags': body.get('tags') or [],
        'key_name': body.get('key_name'),
        'created': body.get('created'),
        'fault': fault.get('message'),
        'flavor': {
            'name': flavor.get('original_name') or flavor.get('name'),
            'id': flavor.get('id'),
            'vcpus': flavor.get('vcpus'),
            'ram': flavor.get('ram'),
            'disk': flavor.get('disk'),
            'ephemeral': flavor.get('ephemeral'),
            'swap': flavor.get('swap'),
        },
    }
    if pinned_known:
        doc['pinned_availability_zone'] = body.get('pinned_availability_zone')
    return doc
