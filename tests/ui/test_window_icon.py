"""The GUI's windows carry the application icon (energymon/data/icons/energymon.png; packaging/make_icon.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_the_application_sets_the_window_icon(qapp):
    from ui.app import WINDOW_ICON, _app

    app = _app()
    assert WINDOW_ICON.is_file()
    sizes = app.windowIcon().availableSizes()
    assert sizes and max(s.width() for s in sizes) == 256
