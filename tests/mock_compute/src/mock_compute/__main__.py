"""``python -m mock_compute`` is the same as the ``mock-compute`` command."""

import sys

from mock_compute.cli import main

sys.exit(main())
