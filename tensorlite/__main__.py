"""`python3 -m tensorlite <command>`: the same command line as the `tensorlite` script."""
import sys

from tensorlite.tools.cli import main

sys.exit(main())
