"""The ``transient`` test the roles retry their module tasks on."""

import pytest
from ansible_collections.novaops.migration.plugins.test.transient import TestModule as TransientTestPlugin

transient = TransientTestPlugin().tests()['transient']


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504, '503'])
def test_failed_with_a_transient_http_status_is_retried(status):
    assert transient({'failed': True, 'http_status': status})


@pytest.mark.parametrize('error_type', ['ConnectFailure', 'ConnectTimeout', 'ConnectionError'])
def test_failed_connection_is_retried(error_type):
    assert transient({'failed': True, 'error_type': error_type})


@pytest.mark.parametrize('result', [
    {'failed': True, 'http_status': 400},
    {'failed': True, 'http_status': 409},
    {'failed': True, 'http_status': 404, 'error_type': 'NotFoundException'},
    {'failed': True, 'msg': 'Compute host compute-9 does not exist'},
    {'failed': False, 'http_status': 503},
    {'http_status': 503},
    None,
    'failed',
])
def test_refusals_successes_and_junk_are_not_retried(result):
    assert not transient(result)
