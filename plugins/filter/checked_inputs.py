# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: checked_inputs
short_description: Check and convert the inputs of a playbook or role, naming each bad value and what it expects
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the collection's playbooks on their short extra vars (C(-e timeout=1800)) and by the roles on their
    variables, before any change. A value is never coerced into something else (C(30m) is not C(0), C(maybe) is not
    C(false)). It is converted when it means exactly one thing, and otherwise reported with the key, the value and
    what the key expects.
  - Blank or null values count as unset, as AWX surveys send them.
  - The C(_raw_params) key holds words that Ansible could not attach to a key because an unquoted C(-e key=value)
    was cut at a space; any such words are an error, with the advice to pass the values as JSON.
options:
  _input:
    description: The given values, by key (missing, null or blank means unset).
    type: dict
    required: true
  spec:
    description:
      - Per key, C(type) (V(str), V(path), V(int), V(bool), V(list) of names, or V(cloud), a name or a dictionary),
        C(required), C(min) for integers, C(choices), C(expect) (what the value means, for the message),
        C(example), and C(mistaken_for) (names an operator may give instead, such as a role variable without its
        prefix).
    type: dict
    required: true
  option_format:
    description: How a key is shown in messages, C(-e %s) for extra vars, C(%s) for role variables.
    type: str
    default: '-e %s'
  defined:
    description:
      - The names of the variables defined (C(lookup('ansible.builtin.varnames', '.+'))), to find extra vars that are
        no input of the playbook but look like one (C(-e target_hosts) for C(-e targets), C(-e timeuot)). Ansible
        would ignore them silently, and the run would do something else than asked; each is an error that names the
        input meant.
      - A name is taken for a mistake when a key's C(mistaken_for) list holds it, or when it is close to a key's
        name. Ansible's own variables (C(ansible_*), magic variables) and the playbook's own (prefixed with its name)
        are never checked. Only with the C(-e) option format.
    type: list
    elements: str
'''

EXAMPLES = r'''
- name: Check the extra vars
  ansible.builtin.set_fact:
    checked: "{{ {'timeout': timeout | default(none)} | novaops.migration.checked_inputs({'timeout': {'type': 'int', 'min': 1}}) }}"
'''

RETURN = r'''
_value:
  description: C(values) (the converted values by key, null when unset) and C(errors) (one sentence per bad value).
  type: dict
'''

import difflib
import re

from ansible.module_utils.six import string_types

TRUE = ('true', 'yes', 'on', '1', 'y', 't')
FALSE = ('false', 'no', 'off', '0', 'n', 'f')
INTEGER = re.compile(r'^[+-]?\d+$')
LEFTOVER = '_raw_params'
EXPECT = {
    'str': 'text',
    'path': 'a file path',
    'int': 'a whole number',
    'bool': 'true or false',
    'list': 'names separated by commas, or a JSON list',
    'cloud': 'a cloud name from clouds.yaml or a cloud dictionary',
}


def _blank(value):
    return value is None or (isinstance(value, string_types) and not value.strip())


def _convert(kind, value):
    """``(converted, problem)``: the value in its type, or why it is not one."""
    if kind in ('str', 'path'):
        if isinstance(value, (dict, list, bool)):
            return None, 'expected %s, got a %s' % (EXPECT[kind], type(value).__name__)
        return str(value).strip(), None
    if kind == 'int':
        if isinstance(value, bool) or not (isinstance(value, int) or INTEGER.match(str(value).strip())):
            return None, 'expected %s' % EXPECT['int']
        return int(str(value).strip()), None
    if kind == 'bool':
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in TRUE:
            return True, None
        if text in FALSE:
            return False, None
        return None, 'expected %s' % EXPECT['bool']
    if kind == 'list':
        items = value.split(',') if isinstance(value, string_types) else value
        if not isinstance(items, list) or any(isinstance(i, (dict, list)) for i in items):
            return None, 'expected %s' % EXPECT['list']
        names = [str(i).strip() for i in items]
        if any(not name for name in names):
            return None, ('has an empty name (was the value cut at a space? pass it as JSON, for example '
                          "-e '{\"targets\": [\"compute-2\", \"compute-3\"]}')")
        return names, None
    if kind == 'cloud':
        if isinstance(value, dict):
            return value, None
        if isinstance(value, (list, bool, int, float)):
            return None, 'expected %s' % EXPECT['cloud']
        return str(value).strip(), None
    raise ValueError('unknown input type %r' % kind)


def _shown(value):
    if isinstance(value, dict):
        return '<dictionary>'
    return str(value)


# Variables Ansible defines itself (besides ansible_*), never an operator's mistake.
MAGIC = frozenset(['environment', 'groups', 'group_names', 'hostvars', 'inventory_dir', 'inventory_file',
                   'inventory_hostname', 'inventory_hostname_short', 'omit', 'play_hosts', 'playbook_dir',
                   'role_name', 'role_names', 'role_path', 'vars'])


def _mistaken(defined, spec):
    """Errors for the defined names that are no key of ``spec`` but look like one."""
    # The playbook's own variables share the prefix of its input spec (evacuate_host_inputs, evacuate_host_checked).
    prefixes = tuple(n[:-len('inputs')] for n in defined or [] if n.endswith('_inputs'))
    meant = {}
    for key, rule in spec.items():
        for name in (rule or {}).get('mistaken_for') or []:
            meant[name] = key
    errors = []
    for name in sorted(set(defined or [])):
        if name in spec or name == LEFTOVER or name in MAGIC or name.startswith(('ansible_', *prefixes)):
            continue
        key = meant.get(name)
        if key is None:
            close = difflib.get_close_matches(name, sorted(spec), n=1, cutoff=0.8)
            key = close[0] if close else None
        if key is not None:
            errors.append('-e %s is not an input of this playbook and would be ignored: did you mean -e %s?'
                          % (name, key))
    return errors


def checked_inputs(given, spec, option_format='-e %s', defined=None):
    given = dict(given or {})
    values = {}
    errors = []
    for key in sorted(spec):
        rule = spec[key] or {}
        kind = rule.get('type', 'str')
        value = given.get(key)
        example = rule.get('example')
        hint = ', for example %s' % ((option_format % key) + '=' + example if option_format.startswith('-e')
                                     else '%s: %s' % (key, example)) if example else ''
        if _blank(value):
            values[key] = None
            if rule.get('required'):
                errors.append('%s is required%s.' % (option_format % key, hint))
            continue
        converted, problem = _convert(kind, value)
        if problem is None and kind == 'int' and rule.get('min') is not None and converted < rule['min']:
            problem = 'must be at least %s' % rule['min']
        if problem is None and rule.get('choices') and converted not in rule['choices']:
            problem = 'expected one of %s' % ', '.join(str(c) for c in rule['choices'])
        if problem is not None:
            meaning = ' (%s)' % rule['expect'] if rule.get('expect') else ''
            errors.append('%s=%s: %s%s%s.' % (option_format % key, _shown(value), problem, meaning, hint))
            converted = None
        values[key] = converted
    leftover = given.get(LEFTOVER)
    if not _blank(leftover):
        errors.append("The words '%s' belong to no key: an unquoted -e key=value is cut at the first space. Pass "
                      "values with spaces as JSON, for example -e '{\"note\": \"CHG-4711 DIMM swap\"}'." % leftover)
    if option_format.startswith('-e'):
        errors.extend(_mistaken(defined, spec))
    return {'values': values, 'errors': errors}


class FilterModule(object):
    def filters(self):
        return {'checked_inputs': checked_inputs}
