# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deadline-bound polling.

Never wait without a deadline, stop at once on a terminal failure, and on
timeout report the last state seen: a wait that never ends, or that takes
ERROR or a bare ACTIVE status for success, hides a failed migration.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    WaitFailed,
    WaitTimeout,
)

# Poll every second for the first 20 s, so a short migration's end is seen
# within a second, then back off to a cap.  That is 10 requests over the
# first 10 s, and one every 3 s over a long migration: about 1 request/s at
# most on average, as the waiting budget asks.
DEFAULT_STEPS = (0.5,) + (1.0,) * 19 + (2.0,) * 10
DEFAULT_CAP = 3.0
# Seconds between the polls around an expected end (expected_schedule).
FINE_POLL = 0.1

# HTTP statuses worth polling through: the cloud (or a proxy in front of it)
# is briefly unavailable, and a GET can simply be repeated.
TRANSIENT_HTTP_STATUSES = (429, 500, 502, 503, 504)


def is_transient_error(exc):
    """True for errors a read may retry: 429/5xx answers and connection failures.

    Duck-typed so that it needs neither openstacksdk nor keystoneauth imported.
    """
    status = getattr(exc, 'status_code', None) or getattr(exc, 'http_status', None)
    if status is not None:
        return status in TRANSIENT_HTTP_STATUSES
    module = type(exc).__module__ or ''
    name = type(exc).__name__
    return module.startswith('keystoneauth1') and name in ('ConnectFailure', 'ConnectTimeout', 'ConnectionError',
                                                           'RetriableConnectionFailure', 'UnknownConnectionError')


def poll_schedule(steps=DEFAULT_STEPS, cap=DEFAULT_CAP):
    """Yield the sleep intervals between two polls, forever.

    The listed ``steps`` first, then ``cap`` repeatedly.  Every interval is
    capped at ``cap``.
    """
    for step in steps:
        yield min(float(step), float(cap))
    while True:
        yield float(cap)


def expected_schedule(expected, pending=None, steps=DEFAULT_STEPS, cap=DEFAULT_CAP, fine=FINE_POLL, fine_polls=5,
                      prompt=True):
    """Intervals for a wait like an earlier one that ended by ``expected`` seconds in.

    ``pending`` is when it was last known to be still running (None when
    that is unknown), so it ended in between.  A ``prompt`` wait polls first
    in the middle of that bracket (at three quarters of ``expected`` without
    ``pending``), then every ``fine`` seconds; one that nothing waits on
    polls first at ``expected``, usually its only poll.  Then
    :func:`poll_schedule` takes over if it runs longer.  The quiet wait is
    never longer than ``cap`` between two polls, so a failure early in a
    long migration shows as quickly as on the fixed schedule.
    """
    expected = float(expected)
    if not prompt:
        first = expected
    elif pending is None:
        first = 0.75 * expected
    else:
        first = (min(float(pending), expected) + expected) / 2.0
    quiet = max(fine, first)
    while quiet > cap:
        yield cap
        quiet -= cap
    yield quiet
    for _poll in range(fine_polls):
        yield fine
    yield from poll_schedule(steps, cap)


def learned_wait(fetch, done, failed=None, hint=None, prompt=True, clock=time.monotonic, **kwargs):
    """:func:`wait_until` that polls around where a similar wait ended; returns ``(state, bracket)``.

    ``bracket`` is ``(pending, seen_done)``: the seconds from the start of the
    wait to when the operation was last known to be running (None if never)
    and to the poll that saw it done.  Given as the ``hint`` of the next
    similar wait, it places that wait's first poll (see
    :func:`expected_schedule`, and ``prompt`` there).  A run of similar
    operations (a host drain) narrows the bracket around their end: a wait
    whose first poll already sees the end also lowers the bottom a little, so
    an end that comes earlier and earlier is followed too.  Each wait then
    takes one or two polls and sees the end within a fine poll.  Other
    keywords go to :func:`wait_until`.
    """
    begun = clock()
    pending = []

    def done_or_noted(state):
        if done(state):
            return True
        pending.append(clock() - begun)
        return False

    schedule = expected_schedule(hint[1], pending=hint[0], prompt=prompt) if hint else None
    state, _polls = wait_until(fetch, done_or_noted, failed, clock=clock, schedule=schedule, **kwargs)
    seen_done = clock() - begun
    # Last seen running: at this wait's last poll that saw it so, or (what a poll that already saw the end leaves
    # open) a little before the earlier bracket's bottom.
    lows = pending[-1:]
    if hint and hint[0] is not None:
        lows.append(max(0.0, min(hint[0], seen_done) - FINE_POLL, seen_done - 2 * FINE_POLL))
    low = max(lows) if lows else None
    return state, (None if low is None else round(low, 3), round(seen_done, 3))


def wait_until(fetch, done, failed=None, timeout=1800, clock=time.monotonic, sleep=time.sleep,
               schedule=None, what='the operation', delay_first=False, transient=is_transient_error):
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
    :param transient: predicate on an exception raised by ``fetch``; true
        means "poll again" (a 503 during a long wait must not abandon a
        migration that is still running).  Other exceptions propagate.  If
        the deadline passes while fetches keep failing, the timeout names the
        last error.  ``None`` disables retrying.
    :returns: ``(state, polls)`` -- the final state and the number of fetches.
    """
    deadline = clock() + max(0.0, float(timeout))
    intervals = iter(schedule) if schedule is not None else poll_schedule()
    polls = 0
    state = None
    last_error = None
    if delay_first:
        sleep(min(_next(intervals), max(0.0, deadline - clock())))
    while True:
        polls += 1
        try:
            state = fetch()
            last_error = None
        except Exception as exc:  # pylint: disable=broad-except
            if transient is None or not transient(exc):
                raise
            last_error = exc
        remaining = deadline - clock()
        if last_error is not None:
            if remaining <= 0:
                raise WaitTimeout(
                    'Timed out after %s seconds waiting for %s; the last poll failed with: %s.'
                    % (int(timeout), what, last_error), last_state=state)
            sleep(min(_next(intervals), remaining))
            continue
        if failed is not None:
            reason = failed(state)
            if reason:
                raise WaitFailed(reason if isinstance(reason, str) else '%s failed' % what, last_state=state)
        if done(state):
            return state, polls
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
