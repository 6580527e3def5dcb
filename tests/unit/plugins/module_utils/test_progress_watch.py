# -*- coding: utf-8 -*-
"""ProgressWatch: a new low of the bytes remaining is progress; a swing up and back down is not."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.live_migration_steps import ProgressWatch

GIB = 1024 ** 3


def record(memory_remaining, disk_remaining=0, processed=0, status='running'):
    return dict(status=status, memory_total_bytes=4 * GIB, memory_remaining_bytes=memory_remaining,
                memory_processed_bytes=processed, disk_total_bytes=0, disk_remaining_bytes=disk_remaining)


def feed(watch, reads):
    """reads: [(time, record)]; returns the verdicts (True: not stalled)."""
    return [watch.update(r, t) for t, r in reads]


def test_steady_progress_is_never_a_stall():
    watch = ProgressWatch(10, 0)
    verdicts = feed(watch, [(t, record((4 - t * 0.1) * GIB)) for t in range(0, 35, 3)])
    assert all(verdicts)


def test_a_frozen_copy_stalls_after_stall_timeout():
    watch = ProgressWatch(10, 0)
    assert feed(watch, [(0, record(3 * GIB)), (5, record(2 * GIB)), (9, record(2 * GIB)), (14, record(2 * GIB))]) \
        == [True, True, True, True]
    # the last new low was at t=5: stalled from t=15
    assert watch.update(record(2 * GIB), 15) is False
    assert watch.percent() == 50
    assert 'nothing was copied' in watch.describe(15) and 'at 50%' in watch.describe(15)


def test_oscillation_without_a_new_low_is_a_stall():
    watch = ProgressWatch(15, 0)
    lows = [2 * GIB, int(2.1 * GIB), int(2.2 * GIB), int(2.1 * GIB), 2 * GIB, int(2.15 * GIB), 2 * GIB]
    verdicts = feed(watch, [(t * 2, record(r, processed=t * GIB)) for t, r in enumerate(lows)])
    assert all(verdicts)
    # back at the low of t=0 twice, never below it: stalled 15 s after t=0
    assert watch.update(record(int(2.1 * GIB), processed=8 * GIB), 15) is False
    assert 'memory is being sent again' in watch.describe(15)


def test_oscillation_that_converges_is_progress():
    watch = ProgressWatch(10, 0)
    # up and down, but every trough lower than the one before
    remaining = [3.0, 3.2, 2.9, 3.1, 2.8, 3.0, 2.7, 2.9, 2.6, 2.8, 2.5]
    verdicts = feed(watch, [(t * 4, record(int(r * GIB))) for t, r in enumerate(remaining)])
    assert all(verdicts)


def test_disk_and_memory_are_counted_together():
    watch = ProgressWatch(10, 0)
    watch.update(record(4 * GIB, disk_remaining=8 * GIB), 0)
    # memory rises while the disk is mirrored: the total is still a new low
    assert watch.update(record(int(4.5 * GIB), disk_remaining=6 * GIB), 11) is True
    assert watch.update(record(int(4.5 * GIB), disk_remaining=6 * GIB), 20) is True
    assert watch.update(record(int(4.5 * GIB), disk_remaining=6 * GIB), 21) is False


def test_a_status_change_starts_the_clock_again():
    watch = ProgressWatch(10, 0)
    assert watch.update(dict(status='queued'), 0) is True
    assert watch.update(dict(status='preparing'), 9) is True
    assert watch.update(record(4 * GIB), 18) is True
    assert watch.update(record(4 * GIB), 27) is True
    assert watch.update(record(4 * GIB), 28) is False


def test_no_read_keeps_the_clock_running():
    watch = ProgressWatch(5, 0)
    watch.update(record(2 * GIB), 0)
    assert watch.update(None, 4) is True
    assert watch.update(None, 5) is False
