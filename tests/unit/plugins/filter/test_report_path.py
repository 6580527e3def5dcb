# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A report path may only hold an earlier report of the same host and kind."""

import base64
import json

import pytest
from ansible_collections.novaops.migration.plugins.filter.report_path import earlier_report, report_path_problem


def slurped(content):
    raw = content if isinstance(content, bytes) else json.dumps(content).encode()
    return {'content': base64.b64encode(raw).decode()}


def test_an_earlier_report_of_the_same_host_and_kind_is_kept():
    old = {'report': 'novaops.migration.host_evacuation', 'host': 'compute-1', 'servers': []}
    assert earlier_report(slurped(old), 'evacuation', 'compute-1') == {'report': old, 'problem': None}


@pytest.mark.parametrize('content, words', [
    (b'root:x:0:0:root:/root:/bin/bash\n', 'not a report'),
    (b'\xff\xfe\x00garbage', 'not a report'),
    ({'some': 'json'}, 'not a report'),
    ([1, 2], 'not a report'),
    ({'report': 'novaops.migration.host_restore', 'host': 'compute-1'}, 'a restore report, not an evacuation report'),
    ({'report': 'novaops.migration.host_evacuation', 'host': 'compute-2'}, "of host 'compute-2'"),
])
def test_anything_else_is_refused(content, words):
    result = earlier_report(slurped(content), 'evacuation', 'compute-1')
    assert result['report'] is None and words in result['problem']


DIR_OK = {'stat': {'exists': True, 'isdir': True, 'writeable': True}}


@pytest.mark.parametrize('stat, directory, words', [
    ({'exists': True, 'isdir': True}, DIR_OK, 'is a directory. Give the path of a file, for example '
                                              '/tmp/novaops-evacuation-compute-1.json'),
    ({'exists': True, 'islnk': True}, DIR_OK, 'symbolic link'),
    ({'exists': True, 'isreg': False}, DIR_OK, 'not a regular file'),
    ({'exists': True, 'isreg': True, 'size': 10 ** 9}, DIR_OK, 'far larger than a report'),
    ({'exists': False}, {'stat': {'exists': False}}, 'not an existing directory'),
    ({'exists': False}, {'stat': {'exists': True, 'isdir': True, 'writeable': False}}, 'cannot write'),
])
def test_paths_a_report_cannot_be_written_to(stat, directory, words):
    assert words in report_path_problem({'stat': stat}, directory, '/tmp', 'evacuation', 'compute-1')


def test_a_new_file_in_a_writable_directory_or_an_existing_report_is_fine():
    assert report_path_problem({'stat': {'exists': False}}, DIR_OK, '/tmp/r.json', 'evacuation', 'c') == ''
    assert report_path_problem({'stat': {'exists': True, 'isreg': True, 'size': 900}}, DIR_OK, '/tmp/r.json',
                               'evacuation', 'c') == ''
