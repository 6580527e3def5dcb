# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Server lookup and a small immutable view of a server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from dataclasses import dataclass, field

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body
from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    AmbiguousResource,
    ResourceNotFound,
)

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')
REGEX_SPECIALS = set('.^$*+?{}[]\\|()')


@dataclass(frozen=True)
class ServerView(object):
    """What the migration logic needs to know about a server."""

    id: str
    name: str = None
    status: str = None
    host: str = None
    hypervisor_hostname: str = None
    vm_state: str = None
    task_state: str = None
    power_state: int = None
    locked: bool = False
    locked_reason: str = None
    availability_zone: str = None
    pinned_availability_zone: str = None
    project_id: str = None
    user_id: str = None
    fault: str = None
    flavor: dict = field(default=None, compare=False, hash=False)
    # The ids of its server groups (shown from microversion 2.71; None when not shown).
    server_groups: tuple = field(default=None, compare=False, hash=False)

    @property
    def label(self):
        """How messages name the server: ``name (id)``, so an operator can find it either way."""
        return '%s (%s)' % (self.name, self.id) if self.name and self.name != self.id else self.id

    @property
    def settled(self):
        """No task running: Nova would accept a new action on this server."""
        return not self.task_state

    def summary(self):
        """The public subset returned by modules (server_before/server)."""
        return {
            'id': self.id,
            'name': self.name,
            'status': self.status,
            'host': self.host,
            'hypervisor_hostname': self.hypervisor_hostname,
            'vm_state': self.vm_state,
            'task_state': self.task_state,
            'power_state': self.power_state,
            'locked': self.locked,
            'availability_zone': self.availability_zone,
            'pinned_availability_zone': self.pinned_availability_zone,
            'project_id': self.project_id,
            'fault': self.fault,
        }


def _fault_message(body):
    """Nova's fault message (the ``details`` field holds tracebacks and is left out)."""
    fault = body.get('fault')
    if isinstance(fault, dict):
        return fault.get('message')
    return None


def _flavor_summary(flavor):
    if isinstance(flavor, dict):
        # extra_specs (2.47+) tell whether the server can move live (live_blockers).
        return {k: flavor.get(k) for k in ('id', 'original_name', 'vcpus', 'ram', 'disk', 'ephemeral', 'swap',
                                           'extra_specs') if k in flavor}
    return flavor


def view_from_api(body):
    """Build a :class:`ServerView` from a Nova server JSON object."""
    body = body or {}
    flavor = _flavor_summary(body.get('flavor'))
    power = body.get('OS-EXT-STS:power_state')
    return ServerView(
        id=body.get('id'),
        name=body.get('name'),
        status=(body.get('status') or '').upper() or None,
        host=body.get('OS-EXT-SRV-ATTR:host'),
        hypervisor_hostname=body.get('OS-EXT-SRV-ATTR:hypervisor_hostname'),
        vm_state=body.get('OS-EXT-STS:vm_state'),
        task_state=body.get('OS-EXT-STS:task_state'),
        power_state=power if isinstance(power, int) else None,
        locked=bool(body.get('locked')),
        locked_reason=body.get('locked_reason'),
        availability_zone=body.get('OS-EXT-AZ:availability_zone'),
        pinned_availability_zone=body.get('pinned_availability_zone'),
        project_id=body.get('tenant_id') or body.get('project_id'),
        user_id=body.get('user_id'),
        fault=_fault_message(body),
        flavor=flavor,
        server_groups=tuple(body['server_groups']) if isinstance(body.get('server_groups'), list) else None,
    )


def view_from_sdk(server):
    """Build a :class:`ServerView` from an openstacksdk ``Server``: the body Nova sent, read as :func:`view_from_api`
    reads it (the SDK's own attributes would convert the embedded flavor into a Flavor that fills absent sizes)."""
    return view_from_api(nova_body(server) if server is not None else None)


def looks_like_uuid(value):
    return bool(UUID_RE.match(value or ''))


def name_query(name):
    """Nova treats the ``name`` filter as a regular expression; escape it only when needed.

    The caller filters the results for exact equality afterwards, so a
    substring match (real Nova) or an exact match (simple fakes) both work.
    """
    if any(ch in REGEX_SPECIALS for ch in name):
        return re.escape(name)
    return name


def exact_matches(servers, name):
    return [s for s in servers if s.get('name') == name]


def _status_code(exc):
    return getattr(exc, 'status_code', None) or getattr(exc, 'http_status', None)


def get_server(compute, server_id, microversion):
    """GET one server by ID (openstacksdk ``get_server``); :class:`ResourceNotFound` on 404.

    The SDK negotiates min(2.100, cloud maximum), the version
    :func:`~microversion.choose_server_read` gives callers as ``microversion``.
    """
    try:
        server = compute.get_server(server_id)
    except Exception as exc:  # pylint: disable=broad-except
        if _status_code(exc) == 404:
            raise ResourceNotFound('Server %s does not exist (any more).' % server_id, server=server_id) from None
        raise
    return view_from_sdk(server)


# Nova's query names that openstacksdk's Server.list knows under another name
# (it drops or filters client-side what it does not know).
_SDK_SERVER_QUERY = {'host': 'compute_host', 'all_tenants': 'all_projects'}


def list_servers(compute, microversion, params, all_projects=True):
    """List servers with details (openstacksdk ``servers``), across all projects when allowed.

    Returns Nova's server objects (dicts with Nova's field names), following
    the pages to the end.  Falls back to the caller's own project when the
    cloud refuses ``all_tenants`` (HTTP 403 for non-admins).
    """
    proxy = compute
    query = dict((_SDK_SERVER_QUERY.get(key, key), value) for key, value in (params or {}).items())
    query.pop('all_projects', None)

    def fetch(everywhere):
        return [nova_body(server) for server in
                proxy.servers(details=True, all_projects=everywhere, microversion=microversion, **query)]

    if all_projects:
        try:
            return fetch(True)
        except Exception as exc:  # pylint: disable=broad-except
            if _status_code(exc) != 403:
                raise
    return fetch(False)


def find_server(compute, name_or_id, microversion, all_projects=True, ignore_missing=False):
    """Find a server by ID or exact name.

    * an ID is fetched directly (one request);
    * a name is listed across all projects for admins (own project on 403)
      and must match exactly one server, otherwise :class:`AmbiguousResource`
      lists the matching IDs;
    * a missing server raises :class:`ResourceNotFound` unless
      ``ignore_missing`` (then None).
    """
    if looks_like_uuid(name_or_id):
        try:
            return get_server(compute, name_or_id, microversion)
        except ResourceNotFound:
            pass
    servers = list_servers(compute, microversion, {'name': name_query(name_or_id)}, all_projects=all_projects)
    matches = exact_matches(servers, name_or_id)
    if len(matches) == 1:
        return view_from_api(matches[0])
    if len(matches) > 1:
        ids = sorted(s.get('id') for s in matches)
        raise AmbiguousResource(
            'Server name %r is ambiguous: %d servers match (%s). Use the server ID instead.'
            % (name_or_id, len(ids), ', '.join(ids)),
            matching_ids=ids,
        )
    if ignore_missing:
        return None
    raise ResourceNotFound(
        'Server %r not found (searched by ID and by exact name%s).'
        % (name_or_id, ' in all projects' if all_projects else ''),
        server=name_or_id,
    )


def action_failure_reason(compute, versions, server_id, actions):
    """Why the newest instance action named in ``actions`` failed, or None.

    Nova reports asynchronous failures (NoValidHost, pre-check errors) only
    in the instance action events (``details`` from microversion 2.84, the
    traceback's last line before).  openstacksdk ``server_actions`` and
    ``get_server_action`` (both up to 2.84).  Best effort: any error gives None.
    """
    version = mv.fmt(mv.best(versions, cap=(2, 84)))
    try:
        proxy = compute
        listed = [nova_body(a) for a in proxy.server_actions(server_id, microversion=version)]
        candidates = [a for a in listed if a.get('action') in actions]
        if not candidates:
            return None
        newest = sorted(candidates, key=lambda a: a.get('start_time') or '', reverse=True)[0]
        detail = nova_body(proxy.get_server_action(newest.get('request_id'), server_id)) or {}
        for event in detail.get('events') or []:
            if str(event.get('result')).lower() != 'error':
                continue
            if event.get('details'):
                return event['details']
            lines = [line.strip() for line in (event.get('traceback') or '').splitlines() if line.strip()]
            if lines:
                return lines[-1]
            return '%s failed' % event.get('event')
        return newest.get('message') if newest.get('message') not in (None, 'Error') else None
    except Exception:  # pylint: disable=broad-except
        return None
