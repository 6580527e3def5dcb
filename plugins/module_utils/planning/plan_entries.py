# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parts both plans share: an entry for a migration to resume, the plan dict, and the human plan line."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.planning.classification import COLD, LIVE, MOVING_ACTIONS, NONE, RESUME, SKIP, server_entry
from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import service_ownership
from ansible_collections.novaops.migration.plugins.module_utils.planning.records import migration_brief


def resume_entry(server, record, host):
    status = (server.get('status') or '').upper()
    if record is not None and record.get('status') in nova.AWAITING_CONFIRM:
        what = 'confirm'
        reason = ('migration %s to %s waits for confirmation (VERIFY_RESIZE): it is confirmed'
                  % (record.get('id'), record.get('dest_compute')))
    elif record is not None:
        what = 'wait'
        reason = 'migration %s (status %s) is still in progress: it is waited for' % (record.get('id'), record.get('status'))
    else:
        what = 'wait'
        reason = 'status %s: the migration in progress is waited for' % status
    live = bool(record and record.get('migration_type') in (nova.LIVE,)) or (record is None and status == 'MIGRATING')
    return server_entry(server, action=RESUME, resume=what, live=live, reason=reason, source_host=host,
                        destination=None, expected_destination=record.get('dest_compute') if record else None,
                        migration=migration_brief(record))


def plan_result(host, source, entries, *, earlier, candidates, targets, errors, warnings, notes, opts, capacity):
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
        # One batch: the plans that know the server groups split it where anti-affinity peers meet.
        'batches': [[e['id'] for e in actions]] if actions else [],
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
