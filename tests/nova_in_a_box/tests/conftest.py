"""Fixtures for the nova-in-a-box tests, run with the collection's .venv (openstacksdk there, Nova in .venv-nova)."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
if SRC not in sys.path:
    sys.path.insert(0, SRC)

from nova_in_a_box import launcher  # noqa: E402 - the package is not installed in this interpreter

SESSION_ARGS = ["--migration-seconds", "0.5"]


@pytest.fixture(scope="session")
def nova_python():
    python = launcher.find_python(REPO_ROOT)
    if python is None:
        pytest.skip("%s/.venv-nova is missing: run `make nova-venv` to test against a real Nova" % REPO_ROOT)
    return python


@pytest.fixture(scope="session")
def nova_box(nova_python):
    """One harness for the session (4 computes, the demo servers, migrations of 0.5 s)."""
    box = launcher.start(nova_python, SESSION_ARGS)
    yield box
    box.stop()


@pytest.fixture(scope="session")
def admin(nova_box):
    return nova_box.connect("mock-admin")


@pytest.fixture(scope="session")
def member(nova_box):
    return nova_box.connect("mock-member")
