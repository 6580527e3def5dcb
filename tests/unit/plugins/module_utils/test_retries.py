# -*- coding: utf-8 -*-
"""Every request the modules make retries transient failures through keystoneauth's own retry settings."""

from ansible_collections.novaops.migration.plugins.module_utils.retries import retry_transient_failures


class RecordingSession(object):
    def __init__(self):
        self.calls = []

    def request(self, url, method, **kwargs):
        self.calls.append((url, method, kwargs))
        return 'response'


def test_reads_and_idempotent_writes_retry_every_transient_status():
    session = RecordingSession()
    retry_transient_failures(session, connect_retries=4, status_code_retries=5)
    assert session.request('http://nova/v2.1/servers', 'GET') == 'response'
    session.request('http://nova/v2.1/os-services/x', 'PUT', json={})
    for _url, _method, kwargs in session.calls:
        assert kwargs['connect_retries'] == 4 and kwargs['status_code_retries'] == 5
        assert kwargs['retriable_status_codes'] == [429, 502, 503, 504]


def test_a_post_that_nova_may_have_acted_on_is_retried_only_when_it_was_not_processed():
    session = RecordingSession()
    retry_transient_failures(session, connect_retries=4, status_code_retries=5)
    session.request('http://nova/v2.1/servers/x/action', 'POST', json={'migrate': None})
    assert session.calls[0][2]['retriable_status_codes'] == [429, 503]


def test_a_token_request_is_safe_to_repeat():
    session = RecordingSession()
    retry_transient_failures(session, connect_retries=4, status_code_retries=5)
    session.request('http://keystone/v3/auth/tokens', 'POST', json={})
    assert session.calls[0][2]['retriable_status_codes'] == [429, 502, 503, 504]


def test_settings_from_clouds_yaml_win():
    session = RecordingSession()
    retry_transient_failures(session, connect_retries=4, status_code_retries=5)
    session.request('http://nova/v2.1/servers', 'GET', status_code_retries=1, retriable_status_codes=[503],
                    connect_retries=None)
    kwargs = session.calls[0][2]
    assert kwargs['status_code_retries'] == 1 and kwargs['retriable_status_codes'] == [503]
    assert kwargs['connect_retries'] == 4


def test_zero_turns_retries_off():
    session = RecordingSession()
    retry_transient_failures(session, connect_retries=0, status_code_retries=0)
    session.request('http://nova/v2.1/servers', 'GET')
    assert session.calls[0][2] == {}
