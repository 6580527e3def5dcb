# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles build the marker through the same Python the planner parses it with."""

import datetime

from ansible_collections.novaops.migration.plugins.filter.evacuation_marker import evacuation_marker
from ansible_collections.novaops.migration.plugins.module_utils.planning.marker import parse_marker
from ansible_collections.novaops.migration.plugins.module_utils.planning.timestamps import parse_time


def test_a_live_marker_promises_a_refresh_within_alive_for():
    text = evacuation_marker({'by': 'alice', 'at': '2026-11-30T10:00:00Z', 'run': 'a1b2', 'pid': 42, 'node': 'ctl',
                              'alive_for': 600, 'note': 'CHG 1'})
    parsed = parse_marker(text)
    ahead = parse_time(parsed['until']) - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert 590 < ahead.total_seconds() <= 600
    assert (parsed['run'], parsed['pid'], parsed['node'], parsed['note']) == ('a1b2', 42, 'ctl', 'CHG 1')


def test_an_ended_marker_keeps_who_when_and_the_note():
    text = evacuation_marker({'by': 'alice', 'at': '2026-11-30T10:00:00Z', 'run': 'a1b2', 'ended': True, 'note': 'x'})
    assert text == 'novaops-evacuation by alice at 2026-11-30T10:00:00Z run a1b2 ended: x'
