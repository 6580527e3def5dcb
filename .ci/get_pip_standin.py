"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test downloads get-pip-X.Y.py from a host this network cannot reach. It runs the cached
file through runpy with pip's install arguments, so installing pip from a local wheel is enough.
The Makefile writes this file to ~/.ansible/test/cache/ with WHEEL_DIR filled in.
"""

import sys

WHEEL_DIR = "@WHEEL_DIR@"
PIP_WHEEL = "@PIP_WHEEL@"

sys.path.insert(0, PIP_WHEEL)

from pip._internal.cli.main import main  # noqa: E402  (needs the wheel on sys.path first)

# get-pip.py understands these flags; pip install does not.
ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--upgrade", "--force-reinstall", "--no-index", "--find-links", WHEEL_DIR, *ARGS]))
