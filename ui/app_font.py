"""The GUI's typeface when the machine has no Chinese font: the Noto Sans SC subset the reports ship.

The window uses the system's fonts. A PC without any font for Simplified
Chinese (a bare Linux desktop, a frozen bundle on a fresh machine) would show
every Chinese text as empty boxes, so at start-up the bundled subset
(energymon/data/fonts: Latin, punctuation and all of GB 2312;
tools/make_report_font.py) is registered with Qt, and added to the
application's font as the fallback for Chinese only when no other font covers
Simplified Chinese (:func:`needs_bundled_font`). The system's own face stays
first: Latin text, and the line height every table and card is laid out with,
keep the system's metrics (the bundled face is taller: 21 px lines instead of
DejaVu Sans' 18 at the default size, which cut the last row of the devices
table on a 1500 x 950 window). With a system CJK font nothing changes.
``tools/screenshots.py`` sets the bundled font alone, so its pictures do not
depend on the machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

FONT_FILES = ("NotoSansSC-energymon-Regular.ttf", "NotoSansSC-energymon-Bold.ttf")


def register_bundled_font() -> list[str]:
    """Register the bundled Noto Sans SC subset with Qt; its family names (empty if Qt could not load it)."""
    folder = resources.files("energymon.data").joinpath("fonts")
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFontFromData(folder.joinpath(name).read_bytes())
        if font_id >= 0:
            families += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families]
    return families


def needs_bundled_font(chinese_families: Iterable[str], bundled: Iterable[str]) -> bool:
    """Whether no font but the bundled one covers Simplified Chinese (pure: the decision of :func:`use_fonts`)."""
    return not set(chinese_families) - set(bundled)


def use_fonts(app: QApplication) -> str | None:
    """Register the bundled font; where nothing else writes Chinese, make it the fallback family after the
    system's face (the family added, or None: the system's fonts stay as they are)."""
    # The resolved family, before ours is registered (the alias "Sans Serif" could resolve to it after).
    system = QFontInfo(app.font()).family()
    bundled = register_bundled_font()
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not bundled or not needs_bundled_font(chinese, bundled):
        return None
    font = QFont(app.font())  # the platform's default size: only the typeface's fallback changes
    font.setFamilies([system, bundled[0]] if system != bundled[0] else [bundled[0]])
    app.setFont(font)
    return bundled[0]
