# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server groups read through openstacksdk: the groups, the hosts of their members, and whether a named target
host breaks the group of a server about to move.

Nova checks a group's policy in the scheduler, and after it picked a host for a move nothing checks it again: a
named target that breaks an anti-affinity or affinity policy ends in No valid host (or, forced, with a server in
ERROR). The checks here find that before any write. Reading is best effort: what cannot be read is a warning, and
Nova decides.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.planning import server_groups as sg
from ansible_collections.novaops.migration.plugins.module_utils.servers import list_servers

# The server's own ``server_groups`` field (its group ids) is shown from this microversion on.
V_SERVER_GROUPS_FIELD = (2, 71)
# Up to this many members whose host is needed are read one by one; more are found in one listing of all servers.
SINGLE_READS = 5
# Nova's default page size (osapi_max_limit): a list this long may have been cut.
PAGE = 1000


def _status(exc):
    return getattr(exc, 'status_code', None) or getattr(exc, 'http_status', None)


def _why(exc):
    status = _status(exc)
    text = str(getattr(exc, 'details', None) or exc).strip().splitlines()
    return '%s%s' % ('HTTP %s: ' % status if status else '', text[0] if text else type(exc).__name__)


def _proxy(api_or_compute):
    """The openstacksdk compute proxy, given either the proxy or the module's RestClient built on it."""
    adapter = getattr(api_or_compute, 'adapter', None)
    return adapter if adapter is not None and hasattr(adapter, 'server_groups') else api_or_compute


def read_server_groups(api_or_compute):
    """All server groups (``GET /os-server-groups?all_projects=True``, openstacksdk ``server_groups``, which reads
    ``policy`` and ``rules`` at 2.64 and ``policies`` below). Returns ``(groups, warnings)``; ``groups`` is None
    when they could not be read (then nothing is checked and a warning says why).

    Nova shows other projects' groups to admins only: a cloud that refuses ``all_projects`` (HTTP 403) is asked for
    the caller's own groups, with a warning."""
    compute = _proxy(api_or_compute)
    warnings = []
    try:
        groups = [nova_body(g) for g in compute.server_groups(all_projects=True)]
    except Exception as exc:  # pylint: disable=broad-except
        if _status(exc) != 403:
            return None, ['The server groups could not be read (%s), so their policies are not checked; Nova '
                          'decides.' % _why(exc)]
        try:
            groups = [nova_body(g) for g in compute.server_groups()]
        except Exception as again:  # pylint: disable=broad-except
            return None, ['The server groups could not be read (%s), so their policies are not checked; Nova '
                          'decides.' % _why(again)]
        warnings.append('The cloud refused to list the server groups of all projects (%s); only those of your own '
                        'project are checked.' % _why(exc))
    if len(groups) >= PAGE:
        warnings.append('The cloud listed %d server groups, a whole page: groups beyond it are not checked.'
                        % len(groups))
    return [g for g in groups if isinstance(g, dict)], warnings


def member_hosts(api_or_compute, versions, server_ids):
    """The current hosts of ``server_ids`` (dict id -> host; a deleted server is left out). Returns ``(hosts,
    warnings)``.

    A few are read one by one (``GET /servers/{id}``); more are found in one listing of all servers, so the
    requests stay few. The host is shown to admins only: members whose host is hidden are left out, with a
    warning."""
    compute = _proxy(api_or_compute)
    wanted = sorted(set(i for i in server_ids or [] if i))
    if not wanted:
        return {}, []
    hosts, hidden, failed = {}, [], []
    if len(wanted) <= SINGLE_READS:
        for server_id in wanted:
            try:
                body = nova_body(compute.get_server(server_id)) or {}
            except Exception as exc:  # pylint: disable=broad-except
                if _status(exc) != 404:
                    failed.append('%s (%s)' % (server_id, _why(exc)))
                continue
            if body.get('OS-EXT-SRV-ATTR:host'):
                hosts[server_id] = body['OS-EXT-SRV-ATTR:host']
            else:
                hidden.append(server_id)
    else:
        try:
            listed = list_servers(compute, mv.choose_server_read(versions), {})
        except Exception as exc:  # pylint: disable=broad-except
            return {}, ['The hosts of %d server group member(s) could not be read (%s), so the members elsewhere are '
                        'not counted; Nova decides.' % (len(wanted), _why(exc))]
        by_id = dict((s.get('id'), s) for s in listed)
        for server_id in wanted:
            body = by_id.get(server_id)
            if body is None:
                continue
            if body.get('OS-EXT-SRV-ATTR:host'):
                hosts[server_id] = body['OS-EXT-SRV-ATTR:host']
            else:
                hidden.append(server_id)
    warnings = []
    if hidden:
        warnings.append('The host of %d server group member(s) is not visible (Nova shows it to admins), so they are '
                        'not counted: %s.' % (len(hidden), ', '.join(hidden)))
    if failed:
        warnings.append('The host of %d server group member(s) could not be read, so they are not counted: %s.'
                        % (len(failed), '; '.join(failed)))
    return hosts, warnings


def peers_to_locate(groups, server_ids, known):
    """The other members of the groups of ``server_ids`` whose host is not in ``known``."""
    result = set()
    for server_id in server_ids:
        group = sg.group_of(server_id, groups)
        if group is not None:
            result.update(m for m in group.get('members') or [] if m not in known)
    return sorted(result)


def _server_fields(server):
    if isinstance(server, dict):
        return server.get('id'), server.get('host', server.get('OS-EXT-SRV-ATTR:host'))
    return getattr(server, 'id', None), getattr(server, 'host', None)


def _groups_of_server(compute, versions, server_id, warnings, ids=None):
    """The groups to look ``server_id`` up in: its own (the 2.71 ``server_groups`` field, ``ids`` when the caller
    has read it already, and the group's show), else the list of all groups."""
    if versions is not None and versions.max >= V_SERVER_GROUPS_FIELD:
        try:
            if ids is None:
                # openstacksdk reads the server at min(2.100, the cloud's maximum), so the field is there.
                body = nova_body(compute.get_server(server_id)) or {}
                ids = body.get('server_groups')
            ids = list(ids) if isinstance(ids, (list, tuple)) else None
            if isinstance(ids, list):
                return [nova_body(compute.get_server_group(gid)) for gid in ids[:1]]
        except Exception as exc:  # pylint: disable=broad-except
            if _status(exc) == 404:
                return []
            warnings.append('The server group of %s could not be read (%s); listing the groups instead.'
                            % (server_id, _why(exc)))
    groups, more = read_server_groups(compute)
    warnings.extend(more)
    return groups


def group_target_problem(api_or_compute, versions, server, host, force, warnings=None):
    """Why moving ``server`` to the named ``host`` breaks its server group (the message of
    ``server_groups.target_refusal``), or None: no group, the policy allows it, ``force`` overrides it, or the group
    could not be read (then ``warnings``, a list, says so).

    ``api_or_compute`` is the openstacksdk compute proxy or the module's RestClient on it; ``versions`` the cloud's
    microversion range; ``server`` a ``ServerView`` or a server dict (``id``, ``host``). Read only; a failed read is
    a warning, never an exception."""
    warnings = warnings if warnings is not None else []
    server_id, source = _server_fields(server)
    if force or not host or not server_id:
        return None
    compute = _proxy(api_or_compute)
    try:
        groups = _groups_of_server(compute, versions, server_id, warnings, getattr(server, 'server_groups', None)
                                   if not isinstance(server, dict) else server.get('server_groups'))
    except Exception as exc:  # pylint: disable=broad-except
        warnings.append('The server group of %s could not be read (%s); not checked, Nova decides.'
                        % (server_id, _why(exc)))
        return None
    group = sg.group_of(server_id, groups)
    if group is None:
        return None
    known = {server_id: source}
    located, more = member_hosts(compute, versions, peers_to_locate([group], [server_id], known))
    warnings.extend(more)
    known.update(located)
    return sg.target_refusal(sg.constraints(server_id, source, [group], known), host, force)
