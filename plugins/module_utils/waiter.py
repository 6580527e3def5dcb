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


def expected_schedule(expected, steps=DEFAULT_STEPS, cap=DEFAULT_CAP, fine=0.25, fine_polls=4):
    """Intervals for a wait that is expected to take about ``expected`` seconds.

    Wait through most of it (90 %) without the fine polls of the fixed
    schedule, but never longer than ``cap`` between two polls, so a failure
    early in a long migration shows as quickly as on the fixed schedule.
    Then poll every ``fine`` seconds around the expected end, and fall back
    to :func:`poll_schedule` if it runs longer.  A run of similar migrations
    (a host drain) then costs one or two polls each for short ones, and sees
    each end within a fraction of a second.
    """
    quiet = max(fine, 0.9 * float(expected))
    while quiet > cap:
        yield cap
        quiet -= cap
    yield quiet
    for _poll in range(fine_polls):
        yield fine
    yield from poll_schedule(steps, cap)


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
