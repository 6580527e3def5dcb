# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What confirm, revert, abort and force complete mean on one server's migration, defined once.

Used by server_migration_action, which acts on a migration the user names, and by the migration of one server
(server_migration.py), which confirms its own cold migration: when to act, wait or stop, how the action is sent,
when a refusal means that someone else did it first, and which end state proves it done.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.api import sdk_action

# Pure decision tables: given the action and the record status, what to do.
# 'act' = send the request, 'done' = already in the wanted end state (changed=false),
# 'wait' = wait until the record leaves this status and decide again,
# anything else = failure message.
CONFIRM_TABLE = {
    'finished': 'act',
    'confirming': 'wait',
    'confirmed': 'done',
    'reverting': 'the migration is being reverted; it cannot be confirmed',
    'reverted': 'the migration was reverted; it cannot be confirmed',
    'error': 'the migration failed (status error); there is nothing to confirm',
}
REVERT_TABLE = {
    'finished': 'act',
    'reverting': 'wait',
    'reverted': 'done',
    'confirming': 'the migration is being confirmed; it cannot be reverted',
    'confirmed': 'the migration was already confirmed; it cannot be reverted (migrate the server back instead)',
    'error': 'the migration failed (status error); there is nothing to revert',
}
ABORT_TABLE = {
    'running': 'act',
    'queued': 'act',
    'preparing': 'act',
    'accepted': 'wait',
    'post-migrating': 'the migration is already finishing (post-migrating); it can no longer be aborted',
    'cancelled': 'done',
    'error': 'done',
    'failed': 'done',
    'completed': 'the migration already completed; the server is on the destination (migrate it back instead)',
}
FORCE_COMPLETE_TABLE = {
    'running': 'act',
    'accepted': 'wait',
    'queued': 'wait',
    'preparing': 'wait',
    'post-migrating': 'wait',
    'completed': 'done',
    'cancelled': 'the migration was cancelled; it cannot be force completed',
    'error': 'the migration failed (status error); it cannot be force completed',
    'failed': 'the migration failed; it cannot be force completed',
}
TABLES = {'confirm': CONFIRM_TABLE, 'revert': REVERT_TABLE, 'abort': ABORT_TABLE, 'force_complete': FORCE_COMPLETE_TABLE}
# After Nova refused a confirm or revert (400 once the record has left 'finished', 409 once the server has left
# VERIFY_RESIZE), the record statuses that show someone else did it first: the cloud's resize_confirm_window, or
# another run.  The same end state is then waited for and verified.
DONE_ELSEWHERE = {'confirm': nova.CONFIRMED_ELSEWHERE, 'revert': nova.REVERTED_ELSEWHERE}
BY_SOMEONE_ELSE = {'confirm': 'the cloud or someone else', 'revert': 'someone else'}
PAST = {'confirm': 'confirmed', 'revert': 'reverted', 'abort': 'aborted', 'force_complete': 'force completed'}
# Cold states in progress before the record reaches 'finished': wait for them.
COLD_PENDING = frozenset(['pre-migrating', 'migrating', 'post-migrating'])


def decide_action(action, status, versions=None):
    """Return 'act', 'done', 'wait' or a failure reason for ``action`` on a record in ``status``."""
    if action in ('confirm', 'revert') and status in COLD_PENDING:
        return 'wait'
    outcome = TABLES[action].get(status)
    if outcome is None:
        return 'the migration is in status %s; %s is not possible' % (status, action.replace('_', ' '))
    if (action == 'abort' and outcome == 'act' and status in ('queued', 'preparing')
            and versions is not None and versions.max < mv.V_ABORT_QUEUED):
        return 'wait'
    return outcome


def goal_reached(action, migration, server, expected_status):
    """Whether the verified end state of ``action`` is reached."""
    status = migration.get('status')
    if server.task_state:
        return False
    if action == 'confirm':
        return status == 'confirmed' and server.status == expected_status
    if action == 'revert':
        return status == 'reverted' and server.host == migration.get('source_compute') and server.status == expected_status
    if action == 'abort':
        return status == 'cancelled' and server.status == expected_status
    return status == 'completed' and server.status == expected_status


def end_problems(action, migration, server):
    """Host checks after the goal is reached ([] when fine)."""
    problems = []
    source, dest = migration.get('source_compute'), migration.get('dest_compute')
    if action in ('confirm', 'force_complete') and dest and server.host != dest:
        problems.append('server is on %s, expected the destination %s' % (server.host, dest))
    if action in ('revert', 'abort') and source and server.host != source:
        problems.append('server is on %s, expected the source %s' % (server.host, source))
    return problems


def action_failure(action, migration, server):
    """Why waiting for ``action`` is over without its end state (None while it may still get there)."""
    mid = migration.get('id') if migration else None
    if server.status == 'ERROR':
        return '%s of migration %s failed: server %s went to ERROR.' % (action_name(action).capitalize(), mid, server.label)
    status = (migration or {}).get('status')
    if action == 'confirm' and status in nova.FAILURE | nova.REVERTED:
        return 'Confirming migration %s of server %s failed: it ended in status %s.' % (mid, server.label, status)
    if action == 'revert' and status in nova.FAILURE:
        return 'Reverting migration %s of server %s failed: it ended in status %s.' % (mid, server.label, status)
    if action == 'force_complete' and status in nova.FAILURE:
        return 'Force complete of migration %s ended in status %s.' % (mid, status)
    if action == 'abort' and status in ('error', 'failed', 'completed'):
        return 'Abort of migration %s did not cancel it: it ended in status %s.' % (mid, status)
    return None


def action_name(action):
    return action.replace('_', ' ')


def send_action(compute, versions, action, server_id, migration_id=None):
    """Send ``action`` through openstacksdk; raises what Nova answered (CloudTooOld below the needed microversion)."""
    if action == 'confirm':
        sdk_action(compute.confirm_server_resize, server_id)
    elif action == 'revert':
        sdk_action(compute.revert_server_resize, server_id)
    elif action == 'abort':
        mv.choose_server_migrations(versions, 'abort')  # CloudTooOld below 2.24
        sdk_action(compute.abort_server_migration, migration_id, server_id, ignore_missing=False)
    else:
        mv.choose_server_migrations(versions, 'force_complete')  # CloudTooOld below 2.22
        sdk_action(compute.force_complete_server_migration, migration_id, server_id)


def refused_because_done_elsewhere(action, error, migration):
    """Whether Nova refused ``action`` because someone else did it first (the record, read again, shows it)."""
    if action not in DONE_ELSEWHERE or getattr(error, 'status_code', None) not in nova.CONFIRM_REFUSED:
        return False
    return (migration or {}).get('status') in DONE_ELSEWHERE[action]
