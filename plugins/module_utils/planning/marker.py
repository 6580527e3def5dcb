# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ownership marker: the disabled reason an evacuation sets on the host's compute service.

"novaops-evacuation by <who> at <time>[ run <id>[ live <pid>@<node> until <time>| ended]][: <note>]": the fixed prefix
lets host_restore and a resumed evacuation recognise their own disable and leave anyone else's alone, and the run part
tells a live run from an ended or interrupted one, so that two runs of one host exclude each other."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.novaops.migration.plugins.module_utils.errors import PlanError
from ansible_collections.novaops.migration.plugins.module_utils.planning.timestamps import format_time, parse_time


MARKER_PREFIX = 'novaops-evacuation'
_TIME = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z'
# "novaops-evacuation by <who> at <time>[ run <id>[ live <pid>@<node> until <time>| ended]][: <note>]".  The run
# part tells two runs of the same host apart: a live run names its ansible-playbook process and the time until which
# it promises to refresh the marker; an ended or interrupted run may be resumed by the next one.
MARKER_RE = re.compile(r'^novaops-evacuation by (?P<by>.+?) at (?P<at>' + _TIME + r')'
                       r'(?: run (?P<run>[0-9a-zA-Z]{1,32})'
                       r'(?: live (?P<pid>\d+)@(?P<node>[^\s:]+) until (?P<until>' + _TIME + r')| (?P<ended>ended))?)?'
                       r'(?:: (?P<note>.*))?$', re.DOTALL)
MAX_REASON = 255


def make_marker(who, when, note=None, run=None, pid=None, node=None, until=None, ended=False):
    """The disabled reason ``host_evacuation`` sets: fixed prefix, who, when (UTC), the run and an optional note.

    The note is cut first so that the marker fits Nova's 255 characters with its run part intact.
    """
    stamp = parse_time(when) if not isinstance(when, datetime.datetime) else when
    if stamp is None:
        raise PlanError('Invalid marker time %r.' % (when,))
    who = re.sub(r'\s+', '_', str(who or 'unknown').strip()) or 'unknown'
    text = '%s by %s at %s' % (MARKER_PREFIX, who, format_time(stamp))
    if run:
        text += ' run %s' % run
        if ended:
            text += ' ended'
        elif pid and node and until:
            deadline = parse_time(until) if not isinstance(until, datetime.datetime) else until
            if deadline is None:
                raise PlanError('Invalid marker deadline %r.' % (until,))
            text += ' live %d@%s until %s' % (int(pid), re.sub(r'[\s:]+', '_', str(node)), format_time(deadline))
    if note:
        text += ': ' + ' '.join(str(note).split())
    return text[:MAX_REASON]


def parse_marker(reason):
    """``{'by', 'at', 'note', 'run', 'pid', 'node', 'until', 'ended'}`` when ``reason`` is an evacuation marker."""
    match = MARKER_RE.match(reason or '')
    if not match:
        return None
    return {'by': match.group('by'), 'at': match.group('at'), 'note': match.group('note'),
            'run': match.group('run'), 'pid': int(match.group('pid')) if match.group('pid') else None,
            'node': match.group('node'), 'until': match.group('until'), 'ended': bool(match.group('ended'))}


def marker_activity(marker, run_id=None, now=None, node=None, pid_alive=None):
    """What the run that wrote ``marker`` is doing, seen from run ``run_id`` on controller ``node``.

    ``this_run``; ``running`` (another run: its ansible-playbook process lives on this controller, or on another
    controller its marker has not expired); ``ended``; or ``interrupted`` (its process is gone, its marker
    expired, or the marker predates run ids), which the next run may resume.
    """
    if marker is None:
        return None
    if marker.get('run') and marker['run'] == run_id:
        return 'this_run'
    if marker.get('ended'):
        return 'ended'
    if not marker.get('run') or not marker.get('until'):
        return 'interrupted'
    if node and marker.get('node') == node and pid_alive is not None:
        return 'running' if pid_alive(marker['pid']) else 'interrupted'
    deadline = parse_time(marker['until'])
    now = now or datetime.datetime.utcnow()
    return 'running' if deadline is not None and now < deadline else 'interrupted'


def service_ownership(service, run_id=None, now=None, node=None, pid_alive=None):
    """Who disabled a compute service: ``enabled``, ``ours`` (an evacuation marker) or ``other``.

    For ``ours``, ``activity`` says what that evacuation run is doing (see :func:`marker_activity`).
    """
    service = service or {}
    if service.get('status') != 'disabled':
        return {'state': 'enabled', 'marker': None, 'reason': service.get('disabled_reason'), 'activity': None}
    reason = service.get('disabled_reason')
    marker = parse_marker(reason)
    return {'state': 'ours' if marker else 'other', 'marker': marker, 'reason': reason,
            'activity': marker_activity(marker, run_id, now, node, pid_alive)}
