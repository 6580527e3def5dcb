# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compute hosts a maintenance campaign goes through: from an explicit list (or inventory names), host
aggregates and an availability zone, checked before anything happens.

Names match exactly, as Nova's own host names do: no case folding, no short name for an FQDN, no prefix match. An
unknown name or a name given twice is an error whose message lists the close names.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.host_checks import similar_host_names
from ansible_collections.novaops.migration.plugins.module_utils.planning.host_state import normalize_host


def host_facts(facts):
    """Host facts (``compute_host_info`` entries, service dicts or already normalized hosts) by exact name."""
    result = {}
    for item in facts or []:
        normalized = normalize_host(item)
        if normalized.get('host'):
            result[normalized['host']] = normalized
    return result


def _aggregate_list(aggregates):
    if aggregates is None:
        return []
    if isinstance(aggregates, dict):
        return [aggregates]
    return list(aggregates)


def select_hosts(requested, facts, aggregates=None, zone=None):
    """The campaign's hosts, in the order given, and the errors that must stop it before anything.

    :param requested: a list of host names (an explicit list or the inventory names of the hosts), or None.
    :param facts: host facts (see :func:`host_facts`); the known compute hosts.
    :param aggregates: a host aggregate (a dict with ``hosts``, and ``name`` for messages) or a list of them.
    :param zone: an availability zone: every compute host in it, in name order.
    :returns: ``(hosts, errors)``. ``hosts`` lists the explicit names first, then the aggregates' hosts, then the
        zone's; a host reached through two sources (listed and in the aggregate) is taken once. A name given twice
        within one source is an error, as is an unknown name or an empty selection.
    """
    known = host_facts(facts)
    names = sorted(known)
    errors = []
    sources = []
    if requested is not None:
        if isinstance(requested, str):
            requested = [requested]
        sources.append(('the host list', list(requested)))
    for aggregate in _aggregate_list(aggregates):
        label = 'host aggregate %r' % aggregate.get('name') if aggregate.get('name') else 'the host aggregate'
        sources.append((label, list(aggregate.get('hosts') or [])))
    if zone is not None:
        in_zone = [name for name in names if known[name].get('zone') == zone]
        if not in_zone:
            zones = sorted(set(str(h.get('zone')) for h in known.values() if h.get('zone')))
            errors.append('Availability zone %r has no compute host (zones: %s).' % (zone, ', '.join(zones) or 'none'))
        sources.append(('availability zone %r' % zone, in_zone))

    hosts = []
    for label, items in sources:
        seen = set()
        for name in items:
            if not isinstance(name, str) or not name:
                errors.append('In %s: %r is not a host name.' % (label, name))
                continue
            if name in seen:
                errors.append('In %s: compute host %r is given twice.' % (label, name))
                continue
            seen.add(name)
            if name not in known:
                similar = similar_host_names(name, names)
                errors.append('In %s: compute host %r does not exist (host names match exactly).%s'
                              % (label, name, ' Did you mean %s?' % ', '.join(similar) if similar else ''))
                continue
            if name not in hosts:
                hosts.append(name)
    if not sources:
        errors.append('No compute host selected: give a host list, a host aggregate or an availability zone.')
    elif not hosts and not errors:
        errors.append('The selection holds no compute host.')
    return (hosts if not errors else []), errors
