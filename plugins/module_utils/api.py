# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""openstacksdk access: helpers for the SDK's proxy methods, and a thin REST client.

The modules call openstacksdk's proxy methods (``conn.compute.migrate_server``,
``conn.compute.migrations`` ...) wherever those send the request the module
needs.  :func:`sdk_proxy` finds the proxy behind the ``api`` object every
helper receives, and :func:`nova_body` gives back the JSON object Nova sent
for a resource, under Nova's own field names.

:class:`RestClient` stays for the requests the SDK cannot express (each call
site says why): every request names its own microversion, errors are raised
through ``openstack.exceptions.raise_from_response`` (so callers see the SDK's
HttpException subclasses with Nova's message and the request id), and the
number of requests is counted so modules can report their cost.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import parse_qs, quote, urlencode, urlparse

from ansible_collections.novaops.migration.plugins.module_utils.errors import ValidationError

_MISSING = object()


def nova_body(resource):
    """The JSON object Nova returned for an openstacksdk resource, under Nova's field names.

    openstacksdk keeps the body of a resource as received (``OS-EXT-SRV-ATTR:host``,
    ``instance_uuid``, the embedded ``flavor`` ...) and maps its attributes onto it;
    ``to_dict()`` would rename fields and convert nested objects (adding defaults),
    so the normalisers read this copy.  Only the fields the SDK declares are kept.
    """
    if resource is None:
        return None
    attributes = getattr(getattr(resource, '_body', None), 'attributes', None)
    if attributes is None:
        return dict(resource)
    return dict(attributes)


def sdk_action(method, *args, **kwargs):
    """Call an openstacksdk proxy action; its local argument checks (ValueError) become a ValidationError.

    The modules validate first, so this only guards against a mismatch
    between their rules and the SDK's; nothing has been sent at that point.
    """
    try:
        return method(*args, **kwargs)
    except ValueError as exc:
        raise ValidationError('openstacksdk refused the request before sending it: %s' % exc) from None


def url_path(template, *segments):
    """Fill the ``%s`` of a URL path with quoted segments: an id with ``/``, ``?`` or ``..`` stays one segment."""
    return template % tuple(quote(str(segment), safe='') for segment in segments)


def encode_query(params):
    """Encode a query dict, dropping None values; lists repeat the key; bools become True/False."""
    if not params:
        return ''
    pairs = []
    for key in sorted(params):
        value = params[key]
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            pairs.append((key, ('True' if item else 'False') if isinstance(item, bool) else item))
    return urlencode(pairs)


def next_marker(body, links_key):
    """Return the ``marker`` of the ``rel=next`` link in ``body[links_key]``, or None."""
    for link in (body or {}).get(links_key) or []:
        if link.get('rel') == 'next' and link.get('href'):
            query = parse_qs(urlparse(link['href']).query)
            markers = query.get('marker')
            if markers:
                return markers[-1]
    return None


class RestClient(object):
    """Issue JSON requests through an openstacksdk service proxy."""

    def __init__(self, adapter, raise_from_response=None):
        self.adapter = adapter
        self._raise = raise_from_response
        self.count = 0

    def _raiser(self):
        if self._raise is None:
            from openstack import exceptions  # pylint: disable=import-outside-toplevel
            self._raise = exceptions.raise_from_response
        return self._raise

    def request(self, method, path, microversion=None, params=None, json=_MISSING):
        query = encode_query(params)
        url = path + ('?' + query if query else '')
        kwargs = {}
        if microversion:
            kwargs['microversion'] = microversion
        if json is not _MISSING:
            kwargs['json'] = json
        self.count += 1
        response = self.adapter.request(url, method, **kwargs)
        self._raiser()(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def get(self, path, microversion=None, params=None):
        return self.request('GET', path, microversion=microversion, params=params)

    def post(self, path, json=None, microversion=None):
        return self.request('POST', path, microversion=microversion, json=json)

    def put(self, path, json=None, microversion=None):
        return self.request('PUT', path, microversion=microversion, json=json)

    def delete(self, path, microversion=None):
        return self.request('DELETE', path, microversion=microversion)

    def get_all(self, path, key, microversion=None, params=None, limit=None, max_pages=1000):
        """GET a collection and follow ``<key>_links`` next links (marker paging).

        Stops after ``limit`` items when given.  Guards against a server that
        repeats a marker.
        """
        params = dict(params or {})
        if limit is not None:
            params['limit'] = limit
        items = []
        seen = set()
        for _page in range(max_pages):
            body = self.get(path, microversion=microversion, params=params) or {}
            items.extend(body.get(key) or [])
            if limit is not None and len(items) >= limit:
                return items[:limit]
            marker = next_marker(body, key + '_links')
            if not marker or marker in seen:
                break
            seen.add(marker)
            params['marker'] = marker
        return items
