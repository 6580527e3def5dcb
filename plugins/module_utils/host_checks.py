# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compute host names as the user gives them: exact matches among the nova-compute services, suggestions for a
name that does not exist (a typo, another case, a short name or an FQDN), and the checks of a destination host."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib

from ansible_collections.novaops.migration.plugins.module_utils import nova
from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.microversion import V_PINNED_AZ


def compute_services(services, binary=nova.COMPUTE_BINARY):
    return [s for s in services if s.get('binary') == binary]


def find_service(services, host, binary=nova.COMPUTE_BINARY):
    """Exact host match (never substring: compute-1 does not match compute-10)."""
    for service in services:
        if service.get('host') == host and service.get('binary') == binary:
            return service
    return None


def compute_host_names(services):
    return sorted(set(s.get('host') for s in compute_services(services) if s.get('host')))


def target_problems(service, server=None):
    """Reasons the scheduler would refuse ``service``'s host as a destination."""
    problems = []
    if service.get('status') == 'disabled':
        reason = service.get('disabled_reason')
        problems.append('its nova-compute service is disabled%s' % (' (reason: %s)' % reason if reason else ''))
    if service.get('forced_down'):
        problems.append('its nova-compute service is forced down')
    elif service.get('state') == 'down':
        problems.append('its nova-compute service is down')
    pinned = getattr(server, 'pinned_availability_zone', None) if server is not None else None
    if pinned and service.get('zone') != pinned:
        problems.append('it is in availability zone %r but the server is pinned to %r'
                        % (service.get('zone'), pinned))
    return problems


def unchecked_pinned_zone(host, services, server, max_version):
    """Below microversion 2.96 Nova does not show whether a server is pinned to its availability zone, so
    ``target_problems`` cannot check it: for a move into another zone, the note that says so (else None)."""
    if tuple(max_version) >= V_PINNED_AZ:
        return None
    service = find_service(services, host) or {}
    zone, current = service.get('zone'), getattr(server, 'availability_zone', None)
    if not zone or not current or zone == current:
        return None
    return ("Target host %s is in availability zone %r, the server in %r. Whether the server is pinned to its zone "
            "shows only from compute API microversion 2.96 (this cloud's maximum is %d.%d), so the module could not "
            "check it; Nova's scheduler still applies the zone." % (host, zone, current, max_version[0], max_version[1]))


def similar_host_names(name, hosts, limit=3):
    """Compute hosts ``name`` was probably meant to be: the same name in another case or as a short name / FQDN,
    else the closest spellings (a typo), best first."""
    wanted = str(name).lower()
    short = wanted.split('.', 1)[0]
    same = [h for h in hosts if h.lower() == wanted or h.lower().split('.', 1)[0] == short]
    if same:
        return same[:limit]
    scored = [(difflib.SequenceMatcher(None, wanted, h.lower()).ratio(), h) for h in hosts]
    scored = [(score, h) for score, h in scored if score >= 0.75]
    if not scored:
        return []
    best = max(score for score, _h in scored)
    # Only the best tier: compute-01 suggests compute-1 and compute-10, not every compute-N.
    return [h for score, h in sorted(scored, key=lambda item: (-item[0], item[1])) if score >= best - 0.05][:limit]


def check_hosts_exist(names, services, label=None):
    """Every name must be the host of a nova-compute service (exact match); otherwise a ValidationError that
    suggests similar names, then lists the compute hosts.  ``label`` names the option in the message."""
    hosts = compute_host_names(services)
    unknown = [name for name in names or [] if find_service(services, name) is None]
    if not unknown:
        return
    suggestions = dict((name, similar_host_names(name, hosts)) for name in unknown)
    if len(unknown) == 1:
        msg = 'Unknown %s %r' % (label or 'compute host', unknown[0])
        hints = ['Did you mean %s?' % ', '.join(suggestions[unknown[0]])] if suggestions[unknown[0]] else []
    else:
        msg = 'Unknown %s %s' % (label or 'compute hosts', ', '.join(repr(name) for name in unknown))
        hints = ['; '.join('%s for %r' % (', '.join(found), name) for name, found in suggestions.items() if found)]
        hints = ['Did you mean %s?' % hints[0]] if hints[0] else []
    listing = 'Compute hosts: %s.' % (', '.join(hosts) if hosts else 'none found')
    raise ValidationError(' '.join([msg + ' (host names must match exactly).', *hints, listing]),
                          compute_hosts=hosts, unknown_hosts=unknown, suggestions=suggestions)


def check_target(host, services, server=None, force=False):
    """Validate the destination host.  Returns the list of problems ignored because of ``force``."""
    check_hosts_exist([host], services)
    service = find_service(services, host)
    problems = target_problems(service, server)
    if problems and not force:
        raise ValidationError(
            'Target host %r cannot receive the server: %s. Nothing was changed. Pick another host, fix the '
            'host, or set force=true to bypass the scheduler.' % (host, '; '.join(problems)),
            target_service=service,
        )
    return problems
