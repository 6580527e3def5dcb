# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest
from ansible_collections.novaops.migration.plugins.module_utils.errors import WaitFailed, WaitTimeout
from ansible_collections.novaops.migration.plugins.module_utils.waiter import (
    expected_schedule,
    is_transient_error,
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
    steps = list(itertools.islice(expected_schedule(3.0), 8))
    assert steps[0] == 2.7 and steps[1:5] == [0.25] * 4
    assert steps[5:] == list(itertools.islice(poll_schedule(), 3))
    assert list(itertools.islice(expected_schedule(10.0), 4)) == [3.0, 3.0, 3.0, 0.25]
    assert next(expected_schedule(0.05)) == 0.25


def test_expected_schedule_of_a_long_wait_still_polls_at_the_cap():
    steps = list(itertools.islice(expected_schedule(600.0), 200))
    assert max(steps) <= 3.0
    # 540 s of quiet waiting in capped steps, then the fine polls around the expected end.
    quiet = steps[:steps.index(0.25)]
    assert abs(sum(quiet) - 540.0) < 1e-6 and len(quiet) == 180
