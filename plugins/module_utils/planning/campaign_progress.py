# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where each host of a maintenance campaign stands, and what a step's drain and return did to it. Pure functions
over the campaign's state (the JSON the compute_maintenance role keeps on the controller), the plan and the results of
server_migrate_sequence; nothing here talks to a cloud.

A host goes through the phases in ``PHASES`` order; the state records the last one it completed (``phase``), the time
of each (``at``), and a failure (``failed``: the phase and the reason) that keeps it where it is. A host is drained
only when the hosts read again after the drain show no server on it but those the plan leaves there, and none of its
migrations failed: a report must never call a host empty that is not.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

PHASES = ('queued', 'disabled', 'drained', 'maintained', 'healthy', 'enabled', 'returned', 'done')


def phase_index(phase):
    try:
        return PHASES.index(phase or 'queued')
    except ValueError:
        return 0


def host_entry(state, host):
    return ((state or {}).get('hosts') or {}).get(host) or {}


def phase_before(host, state, phase):
    """True while ``host`` has not completed ``phase`` (so that phase is still to run)."""
    return phase_index(host_entry(state, host).get('phase')) < phase_index(phase)


def failed(host, state):
    """True when ``host`` failed in this run of the campaign (it stays where it is)."""
    return bool(host_entry(state, host).get('failed'))


def sequence_items(moves):
    """server_migrate_sequence items for a step's planned moves: each names its source (so a rerun never moves a
    server twice) and its planned destination; a move resumed from an earlier run names where it was going."""
    items = []
    for move in moves or []:
        item = {'server': move['id'], 'source_host': move['from']}
        if move.get('to'):
            item['host'] = move['to']
        if move.get('anti_affinity'):
            item['anti_affinity'] = move['anti_affinity']
        items.append(item)
    return items


def _servers_after(hosts_after):
    result = {}
    for entry in hosts_after or []:
        result[entry.get('host')] = list(entry.get('servers') or [])
    return result


def _merge(earlier, now):
    """The servers a host sent away, by id: this run's outcome wins over an earlier run's."""
    merged = dict((s.get('id'), s) for s in earlier or [])
    for server in now:
        if server.get('id') in merged and not server.get('moved') and merged[server['id']].get('moved'):
            # A rerun finds the server already gone (moved by the earlier run): keep where it went and how.
            continue
        merged[server.get('id')] = server
    return sorted(merged.values(), key=lambda s: (s.get('name') or '', s.get('id') or ''))


def drain_outcome(draining, moves, skipped, results, hosts_after, require_empty=True, state=None, earlier=None):
    """Per host of ``draining``: ``servers`` (every server the campaign sent away, with ``to``, ``mode`` and
    ``migration``), ``remaining`` (names still on the host) and ``problem`` (why the host is not drained, or None).

    ``results`` are server_migrate_sequence results in the order of ``sequence_items(moves)`` restricted to the
    draining hosts (each result's ``index``); ``hosts_after`` are compute_host_info entries read after the drain,
    with servers. A server the plan skips may stay only when ``require_empty`` is false. ``earlier`` lists the
    servers an interrupted run moved off a host before it could record them (the plan's ``earlier``): they count as
    sent away, so that they are reported and brought home like the others.
    """
    draining = list(draining or [])
    moving = [m for m in moves or [] if m.get('from') in draining]
    after = _servers_after(hosts_after)
    allowed = set(s.get('id') for s in skipped or [] if not require_empty)
    outcome = {}
    for host in draining:
        outcome[host] = {'servers': [], 'remaining': [], 'failures': [], 'problem': None}
    for item in earlier or []:
        if item.get('from') in outcome:
            outcome[item['from']]['servers'].append({
                'id': item.get('id'), 'name': item.get('name'), 'home': item['from'],
                'to': item.get('host') or item.get('to'), 'mode': item.get('mode'), 'moved': True, 'changed': False,
                'migration': item.get('migration'), 'failed': False, 'msg': 'moved by an interrupted run'})
    for result in results or []:
        index = result.get('index')
        if not isinstance(index, int) or index >= len(moving):
            continue
        move = moving[index]
        entry = outcome[move['from']]
        server_after = result.get('server') or {}
        moved = not result.get('failed') and server_after.get('host') not in (None, move['from'])
        entry['servers'].append({
            'id': move['id'], 'name': move.get('name'), 'home': move['from'],
            'to': server_after.get('host') if moved else move.get('to'),
            'mode': result.get('mode') or move.get('mode'), 'moved': moved, 'changed': bool(result.get('changed')),
            'migration': (result.get('migration') or {}).get('id'),
            'failed': bool(result.get('failed')), 'msg': result.get('msg'),
        })
        if result.get('failed'):
            entry['failures'].append('%s: %s' % (move.get('name') or move['id'], result.get('msg')))
    for host in draining:
        entry = outcome[host]
        if host not in after:
            entry['problem'] = 'the host could not be read again after its drain, so it is not known to be empty'
        else:
            left = [s for s in after[host] if s.get('id') not in allowed]
            entry['remaining'] = sorted(s.get('name') or s.get('id') for s in left)
            problems = []
            if entry['failures']:
                problems.append('%d migration(s) failed (%s)' % (len(entry['failures']), '; '.join(entry['failures'])))
            if left:
                problems.append('%d server(s) still on it (%s)' % (len(left), ', '.join(entry['remaining'])))
            if problems:
                entry['problem'] = 'the drain left the host not empty: %s; the host stays disabled' % '; '.join(problems)
        entry['servers'] = _merge(host_entry(state, host).get('servers'), entry['servers'])
        del entry['failures']
    return outcome


def return_items(hosts, state):
    """server_migrate_sequence items that bring the servers of ``hosts`` home: each from where the campaign put it
    (its ``source_host``, so a server that has moved on since is left alone) back to its home host, the way it left."""
    items = []
    for host in hosts or []:
        for server in host_entry(state, host).get('servers') or []:
            if not server.get('moved') or not server.get('to') or server.get('returned'):
                continue
            item = {'server': server['id'], 'source_host': server['to'], 'host': host}
            if server.get('mode') in ('live', 'cold'):
                item['strategy'] = server['mode']
            items.append(item)
    return items


def return_outcome(host, state, results):
    """After a return call whose ``results`` follow ``return_items`` (matched here by server id): ``servers`` (the
    host's record, each server that is back marked ``returned``), ``returned`` (the names of all that are back, from
    this call and earlier ones) and ``problem`` (which did not come home, or None)."""
    by_id = dict(((r.get('server_before') or {}).get('id'), r) for r in results or []
                 if (r.get('server_before') or {}).get('id'))
    servers, returned, problems = [], [], []
    for recorded in host_entry(state, host).get('servers') or []:
        server = dict(recorded)
        servers.append(server)
        label = server.get('name') or server['id']
        if not server.get('moved') or not server.get('to'):
            continue
        if server.get('returned'):
            returned.append(label)
            continue
        result = by_id.get(server['id'])
        if result is None:
            problems.append('%s: not attempted' % label)
        elif result.get('failed'):
            problems.append('%s: %s' % (label, result.get('msg')))
        elif (result.get('server') or {}).get('host') == host:
            server['returned'] = True
            returned.append(label)
        else:
            problems.append('%s: left on %s (%s)' % (label, (result.get('server') or {}).get('host'), result.get('msg')))
    problem = None
    if problems:
        problem = '%d server(s) did not come home: %s; the host stays enabled' % (len(problems), '; '.join(problems))
    return {'servers': servers, 'returned': sorted(returned), 'problem': problem}


def hosts_to_return(state):
    """Hosts that are done but whose servers are not all home (an earlier run finished them without bringing them
    back, or bringing some back failed), the host finished last first: the servers of later hosts may sit on earlier
    ones, and must leave before those hosts take their own back."""
    pending = []
    for host, entry in ((state or {}).get('hosts') or {}).items():
        if entry.get('phase') != 'done' or entry.get('failed') or not return_items([host], state):
            continue
        pending.append((str((entry.get('at') or {}).get('done') or ''), host))
    return [host for _at, host in sorted(pending, reverse=True)]


# What a host runs to reach each phase, for the messages.
PHASE_WORK = {'pre_hook': 'pre hook', 'disabled': 'disable', 'maintained': 'maintenance hook',
              'healthy': 'health gate', 'enabled': 'enable', 'done': 'post hook'}


def unfinished_reason(phase):
    """Why a host that was to run ``phase`` has no outcome for it: its tasks never reported one."""
    return ('its %s did not finish (the host was unreachable, or its tasks stopped before the end); the host stays '
            'where it is' % PHASE_WORK.get(phase, phase.replace('_', ' ')))


def record_phases(state, records, now, expected=None, phase=None, step=None, keep=False):
    """The campaign state with ``records`` applied, each ``{'host', 'phase', 'data', 'failure', 'keep'}``: the host
    completed ``phase`` (``data`` merged into its entry, the time in ``at``), or failed in it (``failure``: it keeps
    its phase, and ``failed`` says why, under ``failed_phase`` when given), or with ``keep`` completed it without
    moving on (servers brought home to a host already done).

    ``records`` may also be a mapping of host to outcome (as ``drain_outcome`` and ``return_outcome`` give): its
    ``problem`` is the failure and the rest is data, all in ``phase``, with ``keep``.

    With ``expected`` (hosts) and ``phase``, only the records of that phase (and of ``step`` when given) count, and an
    expected host without one is recorded as failed in it: a host that went unreachable in its hook must stay where
    it is, never pass as maintained. ``state`` is not modified.
    """
    if isinstance(records, dict):
        records = [{'host': host, 'phase': phase, 'step': step, 'keep': keep, 'failure': (outcome or {}).get('problem'),
                    'data': dict((k, v) for k, v in (outcome or {}).items() if k != 'problem')}
                   for host, outcome in records.items()]
    if expected is not None:
        found = {}
        for record in records or []:
            if (isinstance(record, dict) and record.get('phase') == phase
                    and (step is None or record.get('step') == step)):
                found[record.get('host')] = record
        records = [found.get(host) or {'host': host, 'phase': phase, 'failure': unfinished_reason(phase)}
                   for host in expected]
    hosts = dict((state or {}).get('hosts') or {})
    for record in records or []:
        host = record['host']
        entry = dict(hosts.get(host) or {'step': step if step is not None else record.get('step')})
        entry.update(record.get('data') or {})
        failure = record.get('failure') or ''
        if not (failure or record.get('keep')):
            entry['phase'] = record['phase']
        entry.setdefault('phase', 'queued')
        done_in = (record.get('failed_phase') or record['phase']) if failure else record['phase']
        entry['at'] = dict(entry.get('at') or {}, **{done_in: now})
        entry['failed'] = {'phase': done_in, 'reason': failure, 'at': now} if failure else None
        hosts[host] = entry
    result = dict(state or {})
    result.update(updated_at=now, hosts=hosts)
    return result
