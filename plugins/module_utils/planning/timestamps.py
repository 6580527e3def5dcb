# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timestamps as Nova and the collection write them, read as naive UTC."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re


def parse_time(value):
    """Parse Nova/ISO 8601 timestamps (``2026-01-02T03:04:05.000000``, ``...Z``, ``...+00:00``) as naive UTC."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        stamp = value
    else:
        text = str(value).strip().replace(' ', 'T')
        if text.endswith('Z'):
            text = text[:-1] + '+00:00'
        match = re.match(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:?\d\d)?$', text)
        if not match:
            return None
        stamp = datetime.datetime.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S')
        if match.group(2):
            stamp = stamp.replace(microsecond=int((match.group(2)[1:] + '000000')[:6]))
        offset = match.group(3)
        if offset:
            sign = 1 if offset[0] == '+' else -1
            digits = offset[1:].replace(':', '')
            delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            stamp = stamp - sign * delta
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return stamp


def format_time(stamp):
    return stamp.strftime('%Y-%m-%dT%H:%M:%SZ') if stamp else None
