"""Fixtures of the integration tests; the helpers they use live in tests/playbook_runner.py (importable by name)."""

import pytest
from playbook_runner import run_playbook


@pytest.fixture(scope="session")
def ansible_run():
    """``run_playbook`` as a fixture, for the module-scoped fixtures that run one playbook for several tests."""
    return run_playbook
