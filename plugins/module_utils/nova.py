# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Nova's vocabulary, defined once: migration types, the statuses of their records, and what can migrate.

Pure facts from the compute API reference (Migrations, os-migrations; Servers, migrate and os-migrateLive actions)
and from Nova's own definitions; everything else in the collection imports them from here.  Nova's migration type
for a cold migration is ``migration``; the collection shows it as ``cold-migration`` (python-openstackclient's
word), and the host roles call their two kinds of move ``cold`` and ``live``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# ----- migration types (the migration_type of a record, shown from microversion 2.23) ---------------------------------
COLD = 'migration'
RESIZE = 'resize'
LIVE = 'live-migration'
EVACUATION = 'evacuation'
NOVA_TYPES = (COLD, RESIZE, LIVE, EVACUATION)
TYPE_NAMES = {COLD: 'cold-migration', RESIZE: 'resize', LIVE: 'live-migration', EVACUATION: 'evacuation'}
TYPE_ALIASES = {'cold-migration': COLD, 'cold': COLD, 'live': LIVE}

# ----- record statuses per type ---------------------------------------------------------------------------------------
# In progress: the statuses of Nova's migration_get_in_progress_by_* queries, plus 'accepted', in which the conductor
# creates a live migration or an evacuation record.
_COLD_IN_PROGRESS = frozenset(['pre-migrating', 'migrating', 'post-migrating', 'confirming', 'reverting'])
IN_PROGRESS = {
    COLD: _COLD_IN_PROGRESS,
    RESIZE: _COLD_IN_PROGRESS,
    EVACUATION: frozenset(['accepted', 'pre-migrating']),
    LIVE: frozenset(['accepted', 'queued', 'preparing', 'running', 'post-migrating']),
}
ANY_IN_PROGRESS = frozenset().union(*IN_PROGRESS.values())
# The live migration statuses GET /servers/{id}/migrations lists.
LIVE_LISTED = frozenset(['queued', 'preparing', 'running', 'post-migrating'])
# A cold migration or resize waits in 'finished' (the server in VERIFY_RESIZE) for confirmResize or revertResize.
AWAITING_CONFIRM = frozenset(['finished'])
SUCCESS = {
    COLD: frozenset(['confirmed']),
    RESIZE: frozenset(['confirmed']),
    LIVE: frozenset(['completed']),
    EVACUATION: frozenset(['done', 'completed']),
}
ANY_SUCCESS = frozenset().union(*SUCCESS.values())
FAILURE = frozenset(['error', 'failed', 'cancelled'])
REVERTED = frozenset(['reverted'])

# Statuses only one migration type uses (with equal flavors): enough to tell the type below microversion 2.23,
# which does not show migration_type.
TYPE_ONLY_STATUSES = (
    (COLD, frozenset(['migrating', 'finished', 'confirming', 'confirmed', 'reverting', 'reverted'])),
    (LIVE, frozenset(['queued', 'preparing', 'running', 'cancelled'])),
    (EVACUATION, frozenset(['done'])),
)

# ----- confirming -----------------------------------------------------------------------------------------------------
# Nova refuses confirmResize with 400 ("Instance has not been resized.") once the record has left 'finished', and
# with 409 once the server has left VERIFY_RESIZE: what a caller sees when the cloud (resize_confirm_window) or
# someone else confirmed first.  The record then shows what happened.
CONFIRM_REFUSED = (400, 409)
CONFIRMED_ELSEWHERE = frozenset(['confirming', 'confirmed'])
REVERTED_ELSEWHERE = frozenset(['reverting', 'reverted'])

# ----- servers ----------------------------------------------------------------------------------------------------------
# What the migrate action accepts (a cold migration), and what os-migrateLive accepts.
COLD_MIGRATABLE = ('ACTIVE', 'SHUTOFF')
LIVE_MIGRATABLE = ('ACTIVE', 'PAUSED')
COMPUTE_BINARY = 'nova-compute'


def is_in_progress(migration_type, status):
    """Whether a record of ``migration_type`` in ``status`` is in progress (any type's set when the type is unknown)."""
    if migration_type in IN_PROGRESS:
        return status in IN_PROGRESS[migration_type]
    return status in ANY_IN_PROGRESS


def is_unfinished(migration_type, status):
    """In progress, or a cold migration or resize ``finished`` and waiting for confirmation (server VERIFY_RESIZE).

    Nova does not count the wait for confirmation as in progress, yet the move is not over: the server holds
    resources on both hosts until it is confirmed or reverted.
    """
    if is_in_progress(migration_type, status):
        return True
    return migration_type in (COLD, RESIZE, None) and status in AWAITING_CONFIRM


def nova_type(value):
    """Map a user supplied type (Nova name or alias such as ``cold-migration``) to Nova's name, or None."""
    if value is None:
        return None
    value = str(value).strip().lower()
    if value in NOVA_TYPES:
        return value
    return TYPE_ALIASES.get(value)
