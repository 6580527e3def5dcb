# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which waiting migration may start now, given the ones in flight (no threads, no requests: a pure decision).

The limits are those a campaign that empties several hosts at once must keep:

- at most ``max_in_flight`` migrations in flight in total;
- at most ``per_source`` in flight from one source host: a compute host runs only
  ``max_concurrent_live_migrations`` live migrations at a time (1 by default in Nova) and queues the rest, so more
  in flight from one host only wait there while counting against the time budget;
- never two with the same ``anti_affinity`` key (the caller passes a server group's id): while one member of an
  anti-affinity group is moving, Nova's scheduler still sees it on its source, so a second member scheduled at the
  same time may be sent where the first one is going (and the destination's late check of the group fails it).

Items are dicts with the optional keys ``source_host`` and ``anti_affinity``. An item without ``source_host`` is
not limited per source (its host is known only once it is read).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def check_limits(max_in_flight, per_source):
    """A message saying what to change when a limit is below 1, else None."""
    for name, value in (('max_in_flight', max_in_flight), ('per_source', per_source)):
        if value is None or value < 1:
            return ('%s must be 1 or more, got %s: at least one migration has to be in flight for any to happen. '
                    'Nothing was changed.' % (name, value))
    return None


def blocked_by(item, in_flight, max_in_flight, per_source):
    """Why ``item`` may not start beside ``in_flight`` (a short text), or None when it may."""
    if len(in_flight) >= max_in_flight:
        return 'max_in_flight'
    source = item.get('source_host')
    if source is not None and len([other for other in in_flight if other.get('source_host') == source]) >= per_source:
        return 'per_source'
    key = item.get('anti_affinity')
    if key is not None and any(other.get('anti_affinity') == key for other in in_flight):
        return 'anti_affinity'
    return None


def first_startable(waiting, in_flight, max_in_flight, per_source):
    """Position in ``waiting`` (kept in the order given) of the first item that may start now, or None.

    An item held back by a limit lets the later ones that may start go first; it keeps its place for the next
    call. With nothing in flight the first waiting item may always start, so a caller never waits for nothing.
    """
    for position, item in enumerate(waiting):
        if blocked_by(item, in_flight, max_in_flight, per_source) is None:
            return position
    return None
