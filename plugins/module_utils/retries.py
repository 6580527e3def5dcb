# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry transient failures of every request, through keystoneauth's own retry settings.

openstacksdk hands ``connect_retries`` and ``status_code_retries`` from clouds.yaml to its service adapters, but the
requests keystoneauth makes by itself (the token request, version discovery) never retry a status code, so a load
balancer's 503 while Keystone restarts failed a module at its first request.  Giving the session defaults for every
request closes that gap with keystoneauth's mechanism: exponential backoff from half a second, Retry-After honoured.

A POST that failed with 502 or 504 may have reached Nova (the gateway gave up waiting, not Nova), and repeating it
could start a second action; it is retried only on 429 and 503, which say the request was not processed.  A token
request is safe to repeat.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

TRANSIENT_STATUSES = [429, 502, 503, 504]
NOT_PROCESSED_STATUSES = [429, 503]


def _safe_to_repeat(url, method):
    return str(method).upper() != 'POST' or str(url).rstrip('/').endswith('/auth/tokens')


def retry_transient_failures(session, connect_retries, status_code_retries):
    """Make every request of ``session`` (a keystoneauth Session) retry transient failures by default.

    Settings a request already carries (an adapter configured from clouds.yaml) are kept.
    """
    original = session.request

    def request(url, method, **kwargs):
        if connect_retries and kwargs.get('connect_retries') is None:
            kwargs['connect_retries'] = connect_retries
        if status_code_retries and kwargs.get('status_code_retries') is None:
            kwargs['status_code_retries'] = status_code_retries
            if kwargs.get('retriable_status_codes') is None:
                kwargs['retriable_status_codes'] = list(
                    TRANSIENT_STATUSES if _safe_to_repeat(url, method) else NOT_PROCESSED_STATUSES)
        return original(url, method, **kwargs)

    session.request = request
    return session
