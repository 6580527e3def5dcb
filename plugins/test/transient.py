# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: transient
short_description: Whether a failed task result of this collection is worth retrying
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - True when the result failed because the cloud was briefly unavailable, not because it refused the request
    (HTTP 429, 500, 502, 503 or 504, or a connection failure), as the modules report it in C(http_status) and
    C(error_type).
  - The roles retry their module tasks with C(until) on this test; a retry is safe because every module of the
    collection resumes instead of repeating a write.
options:
  _input:
    description: A registered task result.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Read the compute hosts, riding out a load balancer's 503s
  novaops.migration.compute_host_info:
  register: hosts
  until: hosts is not failed or hosts is not novaops.migration.transient
  retries: 3
  delay: 3
'''

RETURN = r'''
_value:
  description: Whether the result is a transient failure.
  type: bool
'''

from ansible_collections.novaops.migration.plugins.module_utils.waiter import TRANSIENT_HTTP_STATUSES


def transient(result):
    if not isinstance(result, dict) or not result.get('failed'):
        return False
    try:
        status = int(result.get('http_status') or 0)
    except (TypeError, ValueError):
        status = 0
    return status in TRANSIENT_HTTP_STATUSES or 'Connect' in str(result.get('error_type') or '')


class TestModule(object):
    def tests(self):
        return {'transient': transient}
