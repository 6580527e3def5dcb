# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How one movable server moves: the per-server strategy (cold, live or auto) as a decision table.

The table, for a server whose status allows a move at all:

==========  =======  =====================================  ==========================================
status      cold     live                                   auto
==========  =======  =====================================  ==========================================
ACTIVE      cold     live; skip if it cannot move live      live; if it cannot move live: cold with
                                                            allow_cold_for_running, else skip
PAUSED      skip     live; skip if it cannot move live      live; skip if it cannot move live (a cold
                                                            migration needs ACTIVE or SHUTOFF)
SHUTOFF     cold     skip (nothing to keep running)         cold
==========  =======  =====================================  ==========================================

Two things override the table: a flavor Nova moves neither live nor cold (``cold_blockers``: accelerators), and a
server group that Nova's scheduler would refuse every move of (``group_blocked``: a hard-affinity group whose
members are all on the source). Such a server is skipped with that reason, whatever the strategy.

A live move carries ``fallback: cold`` when the user asked for it and the server could also move cold (ACTIVE):
a live migration that fails is then followed by a cold one, at the cost of a reboot the user accepted.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


COLD = 'cold'
LIVE = 'live'
AUTO = 'auto'
SKIP = 'skip'
STRATEGIES = (COLD, LIVE, AUTO)
FALLBACKS = ('none', COLD)
ON_STALL = ('wait', 'force_complete', 'abort')


def conflicts(strategy, *, fallback='none', on_stall=None, allow_cold_for_running=False):
    """Messages for options that contradict each other ([] when they fit), each saying which one to drop."""
    problems = []
    if strategy not in STRATEGIES:
        return ['strategy must be one of %s, not %r' % (', '.join(STRATEGIES), strategy)]
    if strategy == COLD:
        if fallback not in (None, 'none'):
            problems.append("fallback=%s has no effect with strategy=cold (nothing moves live): drop fallback or "
                            "use strategy=auto" % fallback)
        if on_stall is not None:
            problems.append('on_stall=%s has no effect with strategy=cold (only live migrations stall): drop '
                            'on_stall or use strategy=live or auto' % on_stall)
    if strategy == LIVE and allow_cold_for_running:
        problems.append('allow_cold_for_running=true contradicts strategy=live (which never moves a server cold): '
                        'drop allow_cold_for_running or use strategy=auto')
    if on_stall is not None and on_stall not in ON_STALL:
        problems.append('on_stall must be one of %s, not %r' % (', '.join(ON_STALL), on_stall))
    if fallback is not None and fallback not in FALLBACKS:
        problems.append('fallback must be one of %s, not %r' % (', '.join(FALLBACKS), fallback))
    return problems


def decide(status, strategy, *, blockers=(), allow_cold_for_running=False, fallback='none', cold_blockers=(),
           group_blocked=None):
    """``(action, reason, fallback)`` for a server in ``status`` (ACTIVE, PAUSED or SHUTOFF).

    ``action`` is ``cold``, ``live`` or ``skip``; ``fallback`` is ``cold`` or None; ``blockers`` are the reasons
    the server cannot move live (see ``live_blockers``), ``cold_blockers`` the reasons it cannot move cold either,
    and ``group_blocked`` why its server group refuses every move (see ``server_groups.constraints``).
    """
    status = (status or '').upper()
    if status in ('ACTIVE', 'PAUSED', 'SHUTOFF'):
        if group_blocked:
            return SKIP, 'status %s but %s' % (status, group_blocked), None
        if cold_blockers:
            return SKIP, 'status %s but it cannot be migrated (%s)' % (status, '; '.join(cold_blockers)), None
    cannot_live = '; '.join(blockers)
    if status == 'SHUTOFF':
        if strategy == LIVE:
            return SKIP, ('status SHUTOFF: a stopped server cannot be live-migrated (strategy live moves nothing '
                          'cold; use strategy auto or cold)'), None
        return COLD, 'status SHUTOFF: cold migration (nothing running to interrupt)', None
    if status not in ('ACTIVE', 'PAUSED'):
        return SKIP, 'status %s: a migration needs ACTIVE, PAUSED or SHUTOFF' % (status or 'unknown'), None
    if strategy == COLD:
        if status == 'PAUSED':
            return SKIP, ('status PAUSED: a cold migration needs ACTIVE or SHUTOFF; use strategy live or auto to '
                          'move it live'), None
        return COLD, 'status ACTIVE: cold migration (strategy cold; the server is stopped and restarted)', None
    if cannot_live:
        if strategy == AUTO and status == 'ACTIVE' and allow_cold_for_running:
            return COLD, ('status ACTIVE but it cannot move live (%s): cold migration, as allow_cold_for_running '
                          'permits (the server is stopped and restarted)' % cannot_live), None
        if status == 'PAUSED':
            return SKIP, ('status PAUSED but it cannot move live (%s), and a cold migration needs ACTIVE or SHUTOFF: '
                          'unpause or stop it' % cannot_live), None
        hint = ('set allow_cold_for_running to move it cold' if strategy == AUTO
                else 'use strategy auto with allow_cold_for_running, or strategy cold, to move it cold')
        return SKIP, 'status ACTIVE but it cannot move live (%s): %s' % (cannot_live, hint), None
    with_fallback = COLD if fallback == COLD and status == 'ACTIVE' else None
    reason = 'status %s: live migration (strategy %s)' % (status, strategy)
    if with_fallback:
        reason += ', cold migration if it fails'
    elif fallback == COLD:
        reason += '; no cold fallback for a PAUSED server (a cold migration needs ACTIVE or SHUTOFF)'
    return LIVE, reason, with_fallback
