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


def test_on_a_machine_without_chinese_fonts_the_system_face_stays_first(qapp, monkeypatch):
    """The bundled face is only the fallback: Latin text and line heights keep the system font's metrics, and
    Chinese is drawn with the bundled face."""
    from PySide6.QtGui import QFontInfo, QFontMetrics, QTextLayout

    import ui.app_font

    system = QFontInfo(qapp.font()).family()
    system_height = QFontMetrics(qapp.font()).height()
    monkeypatch.setattr(ui.app_font, "needs_bundled_font", lambda chinese, bundled: True)
    assert ui.app_font.use_fonts(qapp) == "Noto Sans SC"
    font = qapp.font()
    assert font.families() == ([system, "Noto Sans SC"] if system != "Noto Sans SC" else ["Noto Sans SC"])
    assert QFontMetrics(font).height() == system_height
    layout = QTextLayout("园区 kWh", font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    drawn = {run.rawFont().familyName() for run in layout.glyphRuns()}
    assert "Noto Sans SC" in drawn


def test_with_a_system_chinese_font_nothing_changes(qapp, monkeypatch):
    import ui.app_font

    before = qapp.font().families()
    monkeypatch.setattr(ui.app_font, "needs_bundled_font", lambda chinese, bundled: False)
    assert ui.app_font.use_fonts(qapp) is None
    assert qapp.font().families() == before
