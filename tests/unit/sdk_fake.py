# -*- coding: utf-8 -*-
"""Run the real openstacksdk (and RestClient) against in-process fakes, at the HTTP adapter level.

A ``requests`` transport adapter mounted on a keystoneauth session answers
every request: version discovery from the fake's ``versions``, everything else
from ``handler.request(method, path, microversion, params, json)``, where
``path`` is relative to the service root (``/servers/x/action``), ``params``
the decoded query (None without one) and ``microversion`` the version sent in
``OpenStack-API-Version`` (None without one).  A handler raises
:class:`HttpError` for an error answer, which reaches the modules as the SDK's
own ``openstack.exceptions`` subclass with Nova's message.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json as jsonlib
import warnings
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

NOVA = 'http://nova.test'
PLACEMENT = 'http://placement.test'

_NOVA_FAULT_KEYS = {400: 'badRequest', 403: 'forbidden', 404: 'itemNotFound', 409: 'conflictingRequest',
                    503: 'serviceUnavailable'}


class HttpError(Exception):
    """Raised by a fake handler: the transport answers with this status and message."""

    def __init__(self, status, details='boom'):
        super(HttpError, self).__init__(details)
        self.status_code = status
        self.details = details


def decode_query(query):
    """Query string -> dict (one value: the value, repeated: a list), or None when empty."""
    if not query:
        return None
    parsed = parse_qs(query, keep_blank_values=True)
    return dict((k, v[0] if len(v) == 1 else v) for k, v in parsed.items())


def _microversion(headers):
    value = headers.get('OpenStack-API-Version') or ''
    parts = value.split()
    return parts[-1] if len(parts) == 2 else None


def _version_doc(versions, root):
    low, high = versions.min, versions.max
    return {'id': 'v2.1', 'status': 'CURRENT', 'version': '%d.%d' % high, 'min_version': '%d.%d' % low,
            'updated': '2013-07-23T11:33:21Z', 'links': [{'rel': 'self', 'href': root + '/v2.1/'}]}


class FakeTransport(BaseAdapter):
    """requests transport: ``{base_url: handler}``; Nova-style handlers are served under ``/v2.1``."""

    def __init__(self, nova=None, placement=None):
        super(FakeTransport, self).__init__()
        self.nova = nova
        self.placement = placement
        self.discoveries = []

    def close(self):
        pass

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        root = '%s://%s' % (parts.scheme, parts.netloc)
        body = None
        if request.body:
            raw = request.body.decode() if isinstance(request.body, bytes) else request.body
            body = jsonlib.loads(raw)
        status, answer = 200, None
        try:
            if root == NOVA:
                path = parts.path
                if path.rstrip('/') in ('', '/v2.1'):
                    self.discoveries.append(request.url)
                    doc = _version_doc(self.nova.versions, root)
                    answer = {'version': doc} if path.startswith('/v2.1') else {'versions': [doc]}
                else:
                    assert path.startswith('/v2.1/'), request.url
                    answer = self.nova.request(request.method, path[len('/v2.1'):], _microversion(request.headers),
                                               params=decode_query(parts.query), json=body)
            elif root == PLACEMENT:
                if parts.path.rstrip('/') == '':
                    self.discoveries.append(request.url)
                    answer = {'versions': [{'id': 'v1.0', 'status': 'CURRENT', 'min_version': '1.0', 'max_version': '1.39',
                                            'links': [{'rel': 'self', 'href': root + '/'}]}]}
                else:
                    answer = self.placement.request(request.method, parts.path, _microversion(request.headers),
                                                    params=decode_query(parts.query), json=body)
            else:
                raise AssertionError('request to an unknown endpoint: %s' % request.url)
            if answer is None:
                status = 204 if request.method in ('PUT', 'DELETE') else 202
        except HttpError as exc:
            status = exc.status_code
            if root == PLACEMENT:
                answer = {'errors': [{'status': status, 'title': 'Error', 'detail': exc.details}]}
            else:
                answer = {_NOVA_FAULT_KEYS.get(status, 'computeFault'): {'code': status, 'message': exc.details}}
        response = requests.Response()
        response.url = request.url
        response.request = request
        response.status_code = status
        response.reason = 'fake'
        response.headers['x-openstack-request-id'] = 'req-fake'
        if answer is not None:
            response.headers['Content-Type'] = 'application/json'
            response._content = jsonlib.dumps(answer).encode()
        else:
            response._content = b''
        return response


def connect(nova=None, placement=None):
    """An openstacksdk Connection whose compute (and placement) requests go to the fakes."""
    from keystoneauth1 import noauth
    from keystoneauth1 import session as ks_session
    from openstack import connection
    from openstack import warnings as sdk_warnings

    # openstacksdk 4.22 warns about its own internals (Resource._compute_attributes, Proxy._extract_name's
    # service_type); modules never show these pending-deprecation warnings, the test output should not either.
    warnings.filterwarnings('ignore', category=sdk_warnings.RemovedInSDK50Warning)
    transport = FakeTransport(nova, placement)
    session = ks_session.Session(auth=noauth.NoAuth())
    session.session.mount(NOVA, transport)
    session.session.mount(PLACEMENT, transport)
    conn = connection.Connection(session=session, compute_endpoint_override=NOVA + '/v2.1/',
                                 placement_endpoint_override=PLACEMENT + '/', region_name='RegionOne')
    conn.fake_transport = transport
    return conn


class Scripted(object):
    """A handler answering from ``{path: body or HttpError}`` or ``{(method, path, params_tuple): ...}``; records calls."""

    def __init__(self, answers, versions=None):
        self.answers = answers
        self.versions = versions
        self.calls = []

    def request(self, method, path, microversion=None, params=None, json=None):
        self.calls.append((method, path, microversion, params, json))
        keys = [(method, path, tuple(sorted((params or {}).items()))), (path, tuple(sorted((params or {}).items()))),
                (method, path), path]
        for key in keys:
            if key in self.answers:
                answer = self.answers[key]
                if isinstance(answer, Exception):
                    raise answer
                return answer
        raise HttpError(404, 'no answer scripted for %s %s' % (method, path))
