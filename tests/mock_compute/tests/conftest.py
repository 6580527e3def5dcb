"""Fixtures for the mock compute cloud's own test-suite.

One in-process server per session (reset before every test) keeps the suite
fast; ``mock_cloud_subprocess_session`` runs the real ``mock-compute serve``
command for the CLI tests.  Both yield ``mock_compute.testing.MockCloudHandle``.
"""

import pytest
from mock_compute.testing import mock_cloud_in_process, mock_cloud_subprocess

MIGRATION_SECONDS = 0.3


@pytest.fixture(scope="session")
def mock_cloud_session():
    with mock_cloud_in_process(migration_seconds=MIGRATION_SECONDS) as handle:
        yield handle


@pytest.fixture
def mock_cloud(mock_cloud_session):
    """The session's in-process mock, freshly reset (topology, config, faults, counters)."""
    mock_cloud_session.reset()
    return mock_cloud_session


@pytest.fixture(scope="session")
def mock_cloud_subprocess_session():
    with mock_cloud_subprocess(migration_seconds=MIGRATION_SECONDS) as handle:
        yield handle


@pytest.fixture
def mock_cloud_subprocess_mode(mock_cloud_subprocess_session):
    mock_cloud_subprocess_session.reset()
    return mock_cloud_subprocess_session


@pytest.fixture(scope="session")
def admin_conn(mock_cloud_session):
    """openstacksdk connection (cloud mock-admin); tokens survive resets so one per session suffices."""
    return mock_cloud_session.connect("mock-admin")


@pytest.fixture(scope="session")
def member_conn(mock_cloud_session):
    return mock_cloud_session.connect("mock-member")
