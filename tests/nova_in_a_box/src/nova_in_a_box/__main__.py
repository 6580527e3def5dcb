import sys

from nova_in_a_box.cli import main

sys.exit(main())
