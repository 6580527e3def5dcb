# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: earlier_report
short_description: Whether the file at a report path is an earlier report of the same host and kind
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the P(novaops.migration.host_evacuation#role) and P(novaops.migration.host_restore#role) roles before any
    change. A report path may only hold an earlier report of the same host and kind (a rerun keeps it and carries its
    migration ids over); anything else there is refused rather than overwritten.
options:
  _input:
    description: The result of M(ansible.builtin.slurp) on the path.
    type: dict
    required: true
  kind:
    description: V(evacuation) or V(restore).
    type: str
    required: true
  host:
    description: The compute host of this run.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Read the file at the report path
  ansible.builtin.slurp:
    src: /var/tmp/novaops-evacuation-compute-1.json
  register: old

- name: Refuse anything but an earlier report of compute-1
  ansible.builtin.fail:
    msg: "{{ (old | novaops.migration.earlier_report('evacuation', 'compute-1')).problem }}"
  when: (old | novaops.migration.earlier_report('evacuation', 'compute-1')).problem
'''

RETURN = r'''
_value:
  description: C(report) (the earlier report, or null) and C(problem) (why the file must not be overwritten, or null).
  type: dict
'''

import base64
import binascii
import json


MAX_REPORT_BYTES = 16 * 1024 * 1024


def report_path_problem(stat, directory, path, kind, host):
    """Why a report cannot be written at ``path`` (an empty string when it can), from M(ansible.builtin.stat) of the
    path and of its directory.  Not None: ansible-core before 2.19 renders a None result as an empty string."""
    stat = (stat or {}).get('stat', stat) or {}
    directory = (directory or {}).get('stat', directory) or {}
    parent = path.rstrip('/').rsplit('/', 1)[0] if '/' in path.rstrip('/') else '.'
    if stat.get('exists'):
        if stat.get('isdir'):
            return 'is a directory. Give the path of a file, for example %s/novaops-%s-%s.json.' % (
                path.rstrip('/'), kind, host)
        if stat.get('islnk'):
            return 'is a symbolic link. Give the path of a regular file.'
        if not stat.get('isreg'):
            return 'is not a regular file. Give the path of a regular file.'
        if (stat.get('size') or 0) > MAX_REPORT_BYTES:
            return ('holds a file of %s bytes, far larger than a report; refusing to overwrite it. Choose another path '
                    'or move the file away.' % stat.get('size'))
    if not directory.get('isdir'):
        return ('is in %s, which is not an existing directory. Create it (mkdir -p) or choose another path (AWX: a '
                'directory that outlives the job).' % parent)
    if not directory.get('writeable'):
        return ('is in %s, which this user cannot write. Choose another path (AWX: a directory that outlives the '
                'job).' % parent)
    return ''


def _article(word):
    return 'an' if word[:1] in 'aeiou' else 'a'


def earlier_report(slurped, kind, host):
    kind_name = 'novaops.migration.host_%s' % kind
    try:
        text = base64.b64decode((slurped or {}).get('content') or '').decode('utf-8')
        report = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        report = None
    kinds = ('novaops.migration.host_evacuation', 'novaops.migration.host_restore')
    if not isinstance(report, dict) or report.get('report') not in kinds:
        return {'report': None, 'problem': 'holds a file that is not a report of this collection'}
    if report.get('report') != kind_name:
        other = report['report'].rsplit('_', 1)[-1]
        return {'report': None, 'problem': 'holds %s %s report, not %s %s report' % (
            _article(other), other, _article(kind), kind)}
    if report.get('host') != host:
        return {'report': None, 'problem': 'holds the %s report of host %r, not of %r' % (kind, report.get('host'), host)}
    return {'report': report, 'problem': None}


class FilterModule(object):
    def filters(self):
        return {'earlier_report': earlier_report, 'report_path_problem': report_path_problem}
