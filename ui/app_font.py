"""The GUI's typeface when the machine has no Chinese font: the Noto Sans SC subset the reports ship.

The window uses the system's fonts. A PC without any font for Simplified
Chinese (a bare Linux desktop, a frozen bundle on a fresh machine) would show
every Chinese text as empty boxes, so at start-up the bundled subset
(energymon/data/fonts: Latin, punctuation and all of GB 2312;
tools/make_report_font.py) is registered with Qt, and made the application's
font only when no other font covers Simplified Chinese
(:func:`needs_bundled_font`). With a system CJK font the look stays the
system's. ``tools/screenshots.py`` sets the bundled font always, so its
pictures do not depend on the machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase
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
    """Register the bundled font; make it the application's font if nothing else writes Chinese. The family
    then used (None: the system's fonts stay)."""
    bundled = register_bundled_font()
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not bundled or not needs_bundled_font(chinese, bundled):
        return None
    font = QFont(app.font())  # the platform's default size: only the typeface changes
    font.setFamilies([bundled[0]])
    app.setFont(font)
    return bundled[0]
