"""Entry script of the frozen app (PyInstaller runs this as ``energymon``/``energymon.exe``).

The same as the ``energymon`` console script (``energymon.cli.main:main``), with
``multiprocessing.freeze_support()`` first: the demo's history and the reports are
made in "spawn" child processes, which a frozen app starts by running its own
executable again; freeze_support turns that re-run into the child instead of a
second CLI.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from energymon.cli.main import main

    sys.exit(main())
