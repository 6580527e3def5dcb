# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the dispatch decision of parallel migrations: which waiting item may start beside those in flight
(pure logic, no threads, no cloud)."""

from ansible_collections.novaops.migration.plugins.module_utils import parallel_dispatch as pd


def item(name, source=None, key=None):
    return {'server': name, 'source_host': source, 'anti_affinity': key}


def dispatch(items, max_in_flight, per_source, finish_order=None):
    """Drive the decision as the module does: start what may start, then finish the oldest in flight (or the ones
    ``finish_order`` names). Returns the waves: the names in flight after each round of starts."""
    waiting, in_flight, rounds = list(items), [], []
    finish_order = list(finish_order or [])
    while waiting or in_flight:
        while True:
            position = pd.first_startable(waiting, in_flight, max_in_flight, per_source)
            if position is None:
                break
            in_flight.append(waiting.pop(position))
        rounds.append([i['server'] for i in in_flight])
        done = finish_order.pop(0) if finish_order else in_flight[0]['server']
        in_flight = [i for i in in_flight if i['server'] != done]
    return rounds


def test_max_in_flight_caps_the_total():
    items = [item('a', 'h1'), item('b', 'h2'), item('c', 'h3'), item('d', 'h4')]
    assert pd.first_startable(items[2:], items[:2], 2, 1) is None
    assert pd.blocked_by(items[2], items[:2], 2, 1) == 'max_in_flight'
    assert dispatch(items, 2, 1) == [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d']]


def test_one_in_flight_is_the_given_order_one_at_a_time():
    items = [item('a', 'h1', 'g'), item('b', 'h1'), item('c', None, 'g'), item('d', 'h2')]
    assert dispatch(items, 1, 1) == [['a'], ['b'], ['c'], ['d']]


def test_per_source_lets_a_later_item_from_another_host_go_first():
    items = [item('a', 'h1'), item('b', 'h1'), item('c', 'h2')]
    # b waits for a (same source); c from another host starts beside a; b keeps its place ahead of later items.
    assert pd.first_startable(items[1:], items[:1], 3, 1) == 1
    assert pd.blocked_by(items[1], items[:1], 3, 1) == 'per_source'
    assert dispatch(items, 3, 1) == [['a', 'c'], ['c', 'b'], ['b']]


def test_per_source_above_one_allows_that_many_per_host():
    items = [item('a', 'h1'), item('b', 'h1'), item('c', 'h1'), item('d', 'h2')]
    assert dispatch(items, 4, 2)[0] == ['a', 'b', 'd']


def test_items_without_source_host_are_not_limited_per_source():
    items = [item('a', 'h1'), item('b'), item('c'), item('d', 'h1')]
    assert dispatch(items, 3, 1)[0] == ['a', 'b', 'c']
    # None is no host: two items without source_host do not count as one source.
    assert pd.blocked_by(item('x'), [item('y'), item('z')], 5, 1) is None


def test_anti_affinity_members_are_never_in_flight_together():
    items = [item('a', 'h1', 'g1'), item('b', 'h2', 'g1'), item('c', 'h3', 'g2'), item('d', 'h4')]
    assert pd.blocked_by(items[1], items[:1], 4, 1) == 'anti_affinity'
    rounds = dispatch(items, 4, 1)
    assert rounds[0] == ['a', 'c', 'd']
    # b starts only once a has finished.
    assert rounds[1] == ['c', 'd', 'b']
    assert all(not ({'a', 'b'} <= set(r)) for r in rounds)


def test_items_without_anti_affinity_key_are_not_grouped():
    assert pd.blocked_by(item('x', 'h1'), [item('y', 'h2')], 2, 1) is None


def test_a_blocked_item_keeps_its_place_in_the_order():
    # b (same group as a) is held back; when a finishes, b starts before e, which came later in the list.
    items = [item('a', 'h1', 'g'), item('b', 'h2', 'g'), item('c', 'h3'), item('d', 'h4'), item('e', 'h5')]
    rounds = dispatch(items, 3, 1, finish_order=['a', 'c', 'd', 'b', 'e'])
    assert rounds[0] == ['a', 'c', 'd']
    assert rounds[1] == ['c', 'd', 'b']


def test_nothing_in_flight_always_lets_the_first_item_start():
    for max_in_flight, per_source in ((1, 1), (3, 1), (2, 5)):
        assert pd.first_startable([item('a', 'h1', 'g'), item('b')], [], max_in_flight, per_source) == 0


def test_nothing_waiting_starts_nothing():
    assert pd.first_startable([], [item('a')], 2, 1) is None


def test_limits_below_one_are_refused_with_what_to_do():
    assert pd.check_limits(1, 1) is None
    for args, name in (((0, 1), 'max_in_flight'), ((2, 0), 'per_source'), ((-1, 1), 'max_in_flight')):
        msg = pd.check_limits(*args)
        assert msg.startswith(name + ' must be 1 or more') and 'Nothing was changed.' in msg
