"""The GUI's fallback typeface (ui.app_font): the bundled Noto Sans SC subset writes Chinese, and it becomes the
application's font only when no system font does."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QFontDatabase

from ui.app_font import needs_bundled_font, register_bundled_font


def test_the_bundled_font_writes_simplified_chinese(qapp):
    families = register_bundled_font()
    assert families == ["Noto Sans SC"]
    assert "Noto Sans SC" in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def test_it_is_used_only_where_no_other_font_writes_chinese():
    bundled = ["Noto Sans SC"]
    assert needs_bundled_font(["Noto Sans SC"], bundled)  # a bare machine: only ours
    assert needs_bundled_font([], bundled)
    assert not needs_bundled_font(["Noto Sans SC", "Noto Sans CJK SC"], bundled)  # the system's own
    assert not needs_bundled_font(["WenQuanYi Zen Hei"], bundled)
