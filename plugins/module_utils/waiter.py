# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deadline-bound polling.

Never wait without a deadline, stop at once on a terminal failure, and on
timeout report the last state seen (anchors.md section 3: OSISM waits
forever and counts ERROR as success; OSC --wait accepts ACTIVE).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    WaitFailed,
    WaitTimeout,
)

# Poll often at first (a fast mock or a small server finishes in seconds),
# then back off to a cap.  Over a long migration this is one request every
# 3 s; over the first 10 s it is 8 requests, i.e. below 1 request/s.
DEFAULT_STEPS = (0.5, 0.5, 1.0, 1.0, 2.0, 2.0)
DEFAULT_CAP = 3.0


def poll_schedule(steps=DEFAULT_STEPS, cap=DEFAULT_CAP):
    """Yield the sleep intervals between two polls, forever.

    The listed ``steps`` first, then ``cap`` repeatedly.  Every interval is
    capped at ``cap``.
    """
    for step in steps:
        yield min(float(step), float(cap))
    while True:
        yield float(cap)


def wait_until(fetch, done, failed=None, timeout=1800, clock=time.monotonic, sleep=time.sleep,
               schedule=None, what='the operation', delay_first=False):
    """Poll ``fetch()`` until ``done(state)`` is true.

    :param fetch: callable returning the current state (one API round trip).
    :param done: predicate on the state; true ends the wait successfully.
    :param failed: optional callable on the state returning a failure reason
        (a non-empty string) or a falsy value.  A reason ends the wait at once
        with :class:`WaitFailed`.
    :param timeout: seconds from now; after the deadline the state is fetched
        one last time and :class:`WaitTimeout` is raised if still not done.
    :param clock: monotonic clock (injectable for tests).
    :param sleep: sleep function (injectable for tests).
    :param schedule: iterator of intervals, default :func:`poll_schedule`.
    :param what: text used in the timeout message.
    :param delay_first: sleep the first interval before the first fetch
        (right after a write the state cannot have changed yet).
    :returns: ``(state, polls)`` -- the final state and the number of fetches.
    """
    deadline = clock() + max(0.0, float(timeout))
    intervals = iter(schedule) if schedule is not None else poll_schedule()
    polls = 0
    if delay_first:
        sleep(min(_next(intervals), max(0.0, deadline - clock())))
    while True:
        state = fetch()
        polls += 1
        if failed is not None:
            reason = failed(state)
            if reason:
                raise WaitFailed(reason if isinstance(reason, str) else '%s failed' % what, last_state=state)
        if done(state):
            return state, polls
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(
                'Timed out after %s seconds waiting for %s.' % (int(timeout), what),
                last_state=state,
            )
        sleep(min(_next(intervals), remaining))


def _next(intervals):
    try:
        return next(intervals)
    except StopIteration:
        return DEFAULT_CAP
