"""``energymon`` without a command: the GUI on the last site used, else the first-run screen.

The last site (energymon.user_state) is checked again as when it was first
opened (energymon.site_open); when it no longer opens, the first-run screen
(ui.first_run) says why. As for ``gui`` and ``demo``, a missing display or Qt
library is one line and exit 2 (energymon.cli.gui_check) before Qt is imported.
"""

from __future__ import annotations

import argparse
import sys

from energymon.cli.run import _gui_unavailable, _import_gui


def cmd_start(args: argparse.Namespace) -> int:
    from energymon.site_open import choose_start
    from energymon.user_state import load_last

    if (code := _gui_unavailable(" (or run a command: see 'energymon --help')")) is not None:
        return code
    app = _import_gui()
    last, note = load_last()
    choice = choose_start(last, note)
    if choice.reason:
        print(f"energymon: note: {choice.reason}", file=sys.stderr, flush=True)
    return app.run_start(choice)
