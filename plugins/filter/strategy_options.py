# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: strategy_options
short_description: The strategy a host role runs with, and the options that contradict it, named as the caller knows them
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Used by the collection's playbooks on their extra vars and by the host roles on their variables, before any
    change. It resolves the old spelling C(live_migrate_active) (V(true) is the strategy V(auto), V(false) V(cold)),
    refuses it next to a strategy, and lists the options that contradict the strategy in effect (for example
    C(fallback=cold) or any C(on_stall) with the strategy V(cold)), each with what to drop, under the names given in
    O(names).
options:
  _input:
    description:
      - C(strategy) (V(cold), V(live), V(auto), or null when not chosen), C(live_migrate_active) (true, false or null),
        C(allow_cold_for_running), C(fallback) (V(none) or V(cold)) and C(on_stall) (V(wait), V(force_complete),
        V(abort), or null when not chosen; optional).
    type: dict
    required: true
  names:
    description:
      - How each of the keys is shown in messages, for example C(-e strategy) or C(host_evacuation_strategy).
    type: dict
    required: true
  default:
    description:
      - The strategy in effect when neither C(strategy) nor C(live_migrate_active) is given (null for a restore, where
        each server goes back the way it left).
    type: str
'''

EXAMPLES = r'''
- name: Resolve the strategy of the evacuation
  ansible.builtin.set_fact:
    resolved: >-
      {{ {'strategy': 'auto', 'live_migrate_active': none, 'allow_cold_for_running': true, 'fallback': 'none'}
         | novaops.migration.strategy_options(names={'strategy': '-e strategy', 'live_migrate_active': '-e live',
                                                     'allow_cold_for_running': '-e allow_cold_for_running',
                                                     'fallback': '-e fallback'}, default='cold') }}
'''

RETURN = r'''
_value:
  description: C(strategy) (the strategy in effect, or null) and C(errors) (one sentence per contradiction).
  type: dict
'''

import re

from ansible_collections.novaops.migration.plugins.module_utils.planning.strategy import AUTO, COLD, conflicts

KEYS = ('strategy', 'fallback', 'allow_cold_for_running', 'live_migrate_active', 'on_stall')


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _flag(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('true', 'yes', 'on', '1', 'y', 't')


def strategy_options(given, names, default=None):
    given = dict(given or {})
    names = dict((key, (names or {}).get(key) or key) for key in KEYS)
    strategy = None if _blank(given.get('strategy')) else str(given['strategy']).strip()
    old = given.get('live_migrate_active')
    old = None if _blank(old) else _flag(old)
    errors = []
    if strategy and old is not None:
        errors.append('%s=%s and %s=%s are both given, but %s is the old spelling of %s (true is auto, false is cold): '
                      'drop %s.' % (names['strategy'], strategy, names['live_migrate_active'], str(old).lower(),
                                    names['live_migrate_active'], names['strategy'], names['live_migrate_active']))
    if not strategy:
        strategy = (AUTO if old else COLD) if old is not None else (default or None)
    fallback = 'none' if _blank(given.get('fallback')) else str(given['fallback']).strip()
    allow = not _blank(given.get('allow_cold_for_running')) and _flag(given['allow_cold_for_running'])
    on_stall = None if _blank(given.get('on_stall')) else str(given['on_stall']).strip()
    if strategy:
        pattern = re.compile(r'\b(%s)\b' % '|'.join(KEYS))
        for problem in conflicts(strategy, fallback=fallback, allow_cold_for_running=allow, on_stall=on_stall):
            errors.append(pattern.sub(lambda match: names[match.group(1)], problem) + '.')
    return {'strategy': strategy, 'errors': errors}


class FilterModule(object):
    def filters(self):
        return {'strategy_options': strategy_options}
