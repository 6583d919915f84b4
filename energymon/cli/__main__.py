"""``python -m energymon.cli``: the ``energymon`` command."""

import sys

from energymon.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
