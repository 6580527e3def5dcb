# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.errors import WaitFailed, WaitTimeout
from ansible_collections.novaops.migration.plugins.module_utils.waiter import (
    expected_schedule,
    is_transient_error,
    learned_wait,
    poll_schedule,
    wait_until,
)


class FakeClock(object):
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def test_schedule_polls_every_second_at_first_then_backs_off_to_cap():
    intervals = list(itertools.islice(poll_schedule(), 40))
    assert intervals[0] == 0.5
    assert intervals[1:20] == [1.0] * 19
    assert intervals[20:30] == [2.0] * 10
    assert intervals[30:] == [3.0] * 10


def test_schedule_caps_every_step():
    assert list(itertools.islice(poll_schedule(steps=(1, 10, 2), cap=4), 5)) == [1.0, 4.0, 2.0, 4.0, 4.0]


def test_schedule_budget_is_below_one_request_per_second():
    intervals = list(itertools.islice(poll_schedule(), 200))
    # polls within the first 10 s and the first 60 s
    elapsed, polls10, polls60 = 0.0, 0, 0
    for interval in intervals:
        elapsed += interval
        if elapsed <= 10:
            polls10 += 1
        if elapsed <= 60:
            polls60 += 1
    assert polls10 <= 10
    assert polls60 <= 40


def test_done_immediately_does_not_sleep():
    fc = FakeClock()
    state, polls = wait_until(lambda: 'ok', lambda s: s == 'ok', clock=fc.clock, sleep=fc.sleep)
    assert (state, polls) == ('ok', 1)
    assert fc.sleeps == []


def test_delay_first_sleeps_before_first_fetch():
    fc = FakeClock()
    seen = []
    wait_until(lambda: seen.append(fc.now) or True, bool, clock=fc.clock, sleep=fc.sleep, delay_first=True)
    assert fc.sleeps == [0.5]
    assert seen == [1000.5]


def test_polls_until_done_following_schedule():
    fc = FakeClock()
    states = iter(['a', 'b', 'c', 'done'])
    state, polls = wait_until(lambda: next(states), lambda s: s == 'done', clock=fc.clock, sleep=fc.sleep)
    assert state == 'done'
    assert polls == 4
    assert fc.sleeps == [0.5, 1.0, 1.0]


def test_terminal_failure_stops_at_once():
    fc = FakeClock()
    states = iter(['running', 'error', 'never-read'])
    with pytest.raises(WaitFailed) as err:
        wait_until(lambda: next(states), lambda s: s == 'completed',
                   failed=lambda s: 'migration failed' if s == 'error' else None,
                   clock=fc.clock, sleep=fc.sleep)
    assert err.value.msg == 'migration failed'
    assert err.value.last_state == 'error'
    assert len(fc.sleeps) == 1


def test_failure_checked_before_done():
    fc = FakeClock()
    with pytest.raises(WaitFailed):
        wait_until(lambda: 'x', lambda s: True, failed=lambda s: 'bad', clock=fc.clock, sleep=fc.sleep)


def test_timeout_raises_with_last_state_and_respects_deadline():
    fc = FakeClock()
    counter = itertools.count()
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: next(counter), lambda s: False, timeout=10, clock=fc.clock, sleep=fc.sleep,
                   what='the thing')
    assert 'the thing' in err.value.msg
    assert '10 seconds' in err.value.msg
    # never slept beyond the deadline, and polled once more at the deadline
    assert fc.now == pytest.approx(1010.0)
    assert sum(fc.sleeps) == pytest.approx(10.0)
    assert err.value.last_state == len(fc.sleeps)


def test_zero_timeout_polls_once():
    fc = FakeClock()
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: 'pending', lambda s: False, timeout=0, clock=fc.clock, sleep=fc.sleep)
    assert err.value.last_state == 'pending'
    assert fc.sleeps == []


def test_finite_schedule_falls_back_to_cap():
    fc = FakeClock()
    states = iter(range(5))
    wait_until(lambda: next(states), lambda s: s == 4, clock=fc.clock, sleep=fc.sleep, schedule=[0.1])
    assert fc.sleeps == [0.1, 3.0, 3.0, 3.0]


class FakeHttpError(Exception):
    def __init__(self, status_code):
        super().__init__('HTTP %s' % status_code)
        self.status_code = status_code


def test_transient_errors_are_polled_through():
    fc = FakeClock()
    answers = iter([FakeHttpError(503), FakeHttpError(502), 'done'])

    def fetch():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    state, polls = wait_until(fetch, lambda s: s == 'done', clock=fc.clock, sleep=fc.sleep)
    assert state == 'done'
    assert polls == 3


def test_non_transient_errors_propagate_at_once():
    fc = FakeClock()

    def fetch():
        raise FakeHttpError(404)

    with pytest.raises(FakeHttpError):
        wait_until(fetch, lambda s: True, clock=fc.clock, sleep=fc.sleep)
    assert fc.sleeps == []


def test_transient_errors_until_the_deadline_name_the_last_error():
    fc = FakeClock()

    def fetch():
        raise FakeHttpError(503)

    with pytest.raises(WaitTimeout) as err:
        wait_until(fetch, lambda s: True, timeout=5, clock=fc.clock, sleep=fc.sleep, what='migration 7')
    assert 'migration 7' in str(err.value)
    assert 'HTTP 503' in str(err.value)
    assert fc.now <= 1005.0 + 1e-9


def test_retrying_can_be_disabled():
    fc = FakeClock()

    def fetch():
        raise FakeHttpError(503)

    with pytest.raises(FakeHttpError):
        wait_until(fetch, lambda s: True, clock=fc.clock, sleep=fc.sleep, transient=None)


@pytest.mark.parametrize('status, expected', [(503, True), (500, True), (429, True), (409, False), (404, False)])
def test_is_transient_error_by_status(status, expected):
    assert is_transient_error(FakeHttpError(status)) is expected


def test_expected_schedule_sleeps_through_most_then_polls_finely_then_falls_back():
    # Seen running at 2.5 s and done at 3.0 s: quiet until 2.75 s, then fine polls, then the fixed schedule.
    steps = list(itertools.islice(expected_schedule(3.0, pending=2.5), 9))
    assert steps[0] == 2.75 and steps[1:6] == [0.1] * 5
    assert steps[6:] == list(itertools.islice(poll_schedule(), 3))
    assert list(itertools.islice(expected_schedule(10.0, pending=9.0), 5)) == [3.0, 3.0, 3.0, 0.5, 0.1]
    assert next(expected_schedule(0.05)) == 0.1


def test_expected_schedule_of_a_long_wait_still_polls_at_the_cap():
    steps = list(itertools.islice(expected_schedule(600.0, pending=597.0), 250))
    assert max(steps) <= 3.0
    # 598.5 s of quiet waiting in capped steps, then the fine polls around the expected end.
    quiet = steps[:steps.index(0.1)]
    assert abs(sum(quiet) - 598.5) < 1e-6 and len(quiet) == 200


def test_expected_schedule_starts_in_the_middle_of_where_the_previous_wait_ended():
    # The previous wait still saw it running at 0.5 s and saw it done at 1.5 s.
    assert list(itertools.islice(expected_schedule(1.5, pending=0.5), 3)) == [1.0, 0.1, 0.1]
    # Not known to be running at any point: it ended somewhere before 1.0 s.
    assert next(expected_schedule(1.0)) == 0.75
    # A wait nothing hurries polls where the last one was seen done.
    assert next(expected_schedule(1.0, pending=0.8, prompt=False)) == 1.0


def _run_of_waits(durations, prompt=True):
    """Wait for operations of the given durations one after another, each hinted by the one before: (polls, lag)
    of each."""
    fc = FakeClock()
    hint, seen = None, []
    for duration in durations:
        started = fc.now
        fc.sleeps = []
        state, hint = learned_wait(lambda s=started, d=duration: fc.now - s >= d - 1e-9, lambda done: done, hint=hint,
                                   prompt=prompt, clock=fc.clock, sleep=fc.sleep, delay_first=True)
        assert state is True
        seen.append((len(fc.sleeps), round(fc.now - started - duration, 3)))
    return seen


@pytest.mark.parametrize('duration', [1.0, 1.03, 0.26, 30.0])
def test_learned_waits_of_a_steady_operation_see_its_end_within_a_fine_poll(duration):
    # A run of similar operations (a drain's cold migrations): the first knows nothing and polls on the fixed
    # schedule; the second sees the end sooner, and every later one within a fine poll, in one or two polls (besides
    # those every 3 s of a long one), about 1.6 on average.
    seen = _run_of_waits([duration] * 12)
    assert seen[1][1] < seen[0][1]
    later = seen[2:]
    quiet = int(duration // 3.0)
    assert all(lag <= 0.1 + 1e-9 for _polls, lag in later), seen
    assert all(polls - quiet <= 2 for polls, _lag in later), seen
    assert sum(polls - quiet for polls, _lag in later) / len(later) <= 1.7, seen


def test_learned_waits_follow_an_end_that_comes_earlier_and_later():
    earlier = _run_of_waits([2.0 - 0.1 * n for n in range(12)])
    assert all(polls == 1 and lag <= 0.1 + 1e-9 for polls, lag in earlier[1:]), earlier
    later = _run_of_waits([1.0 + 0.1 * n for n in range(12)])
    assert all(polls <= 3 and lag <= 0.1 + 1e-9 for polls, lag in later[1:]), later


def test_a_wait_nothing_hurries_polls_once_where_the_last_one_ended():
    seen = _run_of_waits([0.26] * 6, prompt=False)
    # The fixed schedule's first poll (0.5 s) saw the first one end; each later one is polled there, once.
    assert seen == [(1, 0.24)] * 6


def test_learned_wait_brackets_the_end():
    fc = FakeClock()
    started = fc.now
    state, bracket = learned_wait(lambda: fc.now - started >= 2.2, lambda done: done, clock=fc.clock,
                                  sleep=fc.sleep, delay_first=True)
    # Polled at 0.5, 1.5 and 2.5 s (the fixed schedule): running at 1.5, done by 2.5.
    assert state is True and bracket == (1.5, 2.5)
    state, bracket = learned_wait(lambda: True, lambda done: done, clock=fc.clock, sleep=fc.sleep)
    assert bracket == (None, 0.0)
