# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn any exception into the message and result keys a module fails with: the step, the HTTP status, the request id
and a hint that says what to do, never a traceback.  Pure: duck typing only, no openstacksdk import."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible_collections.novaops.migration.plugins.module_utils.errors import NovaOpsError


HTTP_HINTS = {
    400: 'Nova rejected the request as invalid.',
    401: 'Authentication failed: check the credentials (auth, clouds.yaml entry, OS_* variables or AWX credential).',
    403: 'Permission denied by policy: migrations, services and hypervisors need the admin role by default.',
    404: 'The resource does not exist (or is not visible to these credentials).',
    406: 'The cloud refused the requested compute API microversion.',
    409: 'Nova refused the action in the current state (server busy, locked or in the wrong status); '
         'wait for the running task to finish and retry.',
    413: 'Rate or quota limit reached; retry later.',
    429: 'Rate limit reached; retry later.',
    503: 'The service is temporarily unavailable; retry later (the request id helps in the service logs).',
}

# Nova's 409 when the nova-compute service of the server's host is down (ServiceUnavailable): the generic 409 hint
# ("busy, locked") would send the operator looking in the wrong place.
SERVICE_DOWN_DETAIL = 'service is unavailable'
SERVICE_DOWN_HINT = ('The nova-compute service of the server\'s host is down, so Nova cannot act on the server: bring the '
                     'service back (or, if the host is dead, use evacuate instead of migration) and retry.')


def _request_id(exc):
    response = getattr(exc, 'response', None)
    headers = getattr(response, 'headers', None) or {}
    for name in ('x-openstack-request-id', 'x-compute-request-id'):
        value = headers.get(name) if hasattr(headers, 'get') else None
        if value:
            return value
    return getattr(exc, 'request_id', None)


def describe_exception(exc, step=None):
    """Turn any exception into ``(msg, data)`` for fail_json.  Pure: duck typing only."""
    prefix = 'Failed while %s: ' % step if step else ''
    if isinstance(exc, NovaOpsError):
        data = dict(exc.data)
        last = getattr(exc, 'last_state', None)
        if last is not None and 'last_state' not in data:
            data['last_state'] = last
        return prefix + exc.msg, data

    cls = type(exc).__name__
    module = type(exc).__module__ or ''
    status = getattr(exc, 'status_code', None) or getattr(exc, 'http_status', None)
    if status is not None and (module.startswith('openstack') or module.startswith('keystoneauth1')):
        details = getattr(exc, 'details', None) or getattr(exc, 'message', None) or str(exc)
        method = getattr(exc, 'method', None)
        url = getattr(exc, 'url', None)
        request_id = _request_id(exc)
        where = ' from %s %s' % (method, url) if method and url else ''
        msg = '%sHTTP %s%s: %s' % (prefix, status, where, details)
        if request_id and request_id not in msg:
            msg += ' (request id %s)' % request_id
        hint = HTTP_HINTS.get(status)
        if status == 409 and SERVICE_DOWN_DETAIL in str(details).lower():
            hint = SERVICE_DOWN_HINT
        if hint is None and status >= 500:
            hint = 'The cloud had an internal error; look up the request id in the service logs and retry.'
        if hint:
            msg = msg.rstrip('. ') + '. ' + hint
        return msg, {'http_status': status, 'request_id': request_id, 'details': details}

    text = str(exc) or cls
    if module.startswith('keystoneauth1'):
        if 'ConnectFailure' in cls or 'ConnectTimeout' in cls or 'ConnectionError' in cls:
            hint = 'Cannot reach the endpoint: check auth_url, region_name, interface and the network.'
        elif 'DiscoveryFailure' in cls:
            hint = 'Version discovery failed: check auth_url (it should point at Keystone, e.g. .../v3).'
        elif 'Missing' in cls or 'AuthPlugin' in cls or 'NoMatchingPlugin' in cls:
            hint = 'The authentication settings are incomplete: check auth/auth_type or the clouds.yaml entry.'
        else:
            hint = 'Check the cloud configuration and credentials.'
        return '%s%s: %s. %s' % (prefix, cls, text.rstrip('. '), hint), {'error_type': cls}
    if module.startswith('openstack'):
        if cls == 'ResourceTimeout':
            hint = 'Increase timeout or check the resource state.'
        elif cls in ('ConfigException', 'OpenStackConfigException'):
            hint = 'Check the cloud name and clouds.yaml (OS_CLIENT_CONFIG_FILE, OS_CLOUD).'
        elif cls == 'EndpointNotFound':
            hint = 'No matching endpoint in the service catalog: check region_name and interface.'
        else:
            hint = None
        msg = '%s%s: %s' % (prefix, cls, text)
        if hint:
            msg = msg.rstrip('. ') + '. ' + hint
        return msg, {'error_type': cls}
    return ('%sUnexpected %s: %s. This is probably a bug in novaops.migration; please report it with the task '
            'parameters.' % (prefix, cls, text), {'error_type': cls, 'exception': traceback.format_exc()})
