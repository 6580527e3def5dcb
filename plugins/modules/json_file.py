#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: json_file
short_description: Write a JSON document to a file on the controller, atomically
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Writes O(content) as indented JSON to O(path) on the Ansible controller, whatever host the task runs for. It is
    an action plugin, so no module is sent anywhere and a write costs milliseconds.
  - The new content goes to a temporary file in the same directory, then replaces the old file by a rename. A run
    killed during the write leaves the previous file whole, which is what a campaign's state file needs to resume
    from.
  - An unchanged document is not rewritten. Check mode writes nothing.
  - The P(novaops.migration.compute_maintenance#role) role keeps its state file and report with it.
options:
  path:
    description:
      - The file to write on the controller. Its directory must exist.
    type: path
    required: true
  content:
    description:
      - The document, a dict or a list, written in its own key order.
    type: raw
    required: true
  mode:
    description:
      - Permissions of the file, as an octal string.
    type: str
    default: '0640'
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
    details: Runs on the controller.
notes:
  - The file's key order is the document's own, so a state file reads in the order it was built.
seealso:
  - module: ansible.builtin.copy
'''

EXAMPLES = r'''
- name: Keep the state of a campaign where a rerun finds it
  novaops.migration.json_file:
    path: /var/lib/novaops/patch-2026-11.state.json
    content: "{{ campaign_state }}"
  changed_when: false
'''

RETURN = r'''
path:
  description: The file written (with C(~) expanded).
  returned: always
  type: str
  sample: /var/lib/novaops/patch-2026-11.state.json
'''
