"""zh_CN is complete: every string the GUI marks for translation has a finished Chinese translation.

The strings are extracted from ui/*.py with Qt's own pyside6-lupdate (into a
temporary file, so the test sees the code as it is now), compared with the
committed ui/translations/energymon_zh_CN.ts, and the .ts compiles with
pyside6-lrelease.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from ui.i18n import TRANSLATIONS_DIR, TsTranslator, read_ts, ts_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(BIN)) or shutil.which(f"pyside6-{name}")
    assert found, f"pyside6-{name} not found (it comes with PySide6)"
    return found


def extracted(tmp_path: Path) -> set[tuple[str, str]]:
    """(context, source) of every message pyside6-lupdate finds in ui/*.py now."""
    out = tmp_path / "extracted.ts"
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run([tool("lupdate"), *sources, "-ts", str(out)], check=True, capture_output=True, timeout=120)
    import xml.etree.ElementTree as ET

    found = set()
    for context in ET.parse(out).getroot().iter("context"):
        for message in context.iter("message"):
            found.add((context.findtext("name") or "", message.findtext("source") or ""))
    return found


@pytest.mark.process
@pytest.mark.timeout(180)
def test_every_gui_string_has_a_chinese_translation(tmp_path):
    translated = read_ts(ts_path("zh_CN"))
    strings = extracted(tmp_path)
    assert len(strings) > 50  # the GUI's strings are really marked
    missing = sorted(s for s in strings if not translated.get(s))
    assert not missing, f"{len(missing)} untranslated (run pyside6-lupdate, translate in the .ts): {missing[:10]}"


@pytest.mark.process
@pytest.mark.timeout(180)
@pytest.mark.parametrize(("name", "least_bytes"), [("energymon_zh_CN", 1000), ("qtbase_extra_zh_CN", 100)])
def test_the_translation_files_compile_with_lrelease(tmp_path, name, least_bytes):
    """Ours and our supplement to Qt's catalogue: both are read at run time (ui.i18n.TsTranslator), both compile,
    and neither has an unfinished message (it would be left out at run time)."""
    ts = TRANSLATIONS_DIR / f"{name}.ts"
    qm = tmp_path / f"{name}.qm"
    done = subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert qm.stat().st_size > least_bytes
    assert 'type="unfinished"' not in ts.read_text(encoding="utf-8")
    compiled = QTranslator()
    assert compiled.load(str(qm))  # the compiled file translates as the .ts read at run time does
    for (context, source), translation in read_ts(ts).items():
        assert compiled.translate(context, source) == translation, (context, source)


def test_the_translator_translates(qtbot):
    translator = TsTranslator(ts_path("zh_CN"))
    assert translator.translate("OverviewPage", "Overview") == "概览"
    assert translator.translate("OverviewPage", "no such string") is None  # Qt shows the source text
    assert (TRANSLATIONS_DIR / "energymon_zh_CN.ts").exists()


def _button_texts(box) -> list[str]:
    from PySide6.QtWidgets import QDialogButtonBox

    return [box.button(b).text() for b in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel)]


def test_qts_own_texts_follow_the_language(qapp):
    """Qt's standard buttons (and its file dialog) are in Chinese with the GUI, and in English again after."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialogButtonBox

    from ui import i18n

    assert i18n.qt_catalogue_path("zh_CN").is_file()  # PySide6's wheel ships Qt's own Chinese catalogue
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    try:
        assert _button_texts(box) == ["OK", "Cancel"]
        i18n.set_language("zh_CN")
        qapp.processEvents()  # the LanguageChange event re-labels the existing buttons
        assert _button_texts(box) == ["确定", "取消"]
        assert i18n.qt_catalogue_missing() is None
        assert QCoreApplication.translate("QFileDialog", "File &name:") == "文件名称(&N)："  # Qt's catalogue
        assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："  # our supplement
        assert QCoreApplication.translate("OverviewPage", "Overview") == "概览"  # ours, asked first
        i18n.set_language("en")
        qapp.processEvents()
        assert _button_texts(box) == ["OK", "Cancel"]
        assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Look in:"
    finally:
        i18n.set_language("en")


def test_without_qts_catalogue_our_texts_switch_and_qts_stay_english(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from ui import i18n

    monkeypatch.setattr(i18n, "qt_catalogue_path", lambda language: tmp_path / "qtbase_zh_CN.qm")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    try:
        i18n.set_language("zh_CN")
        qapp.processEvents()
        assert i18n.current_language() == "zh_CN"
        assert i18n.qt_catalogue_missing() == str(tmp_path / "qtbase_zh_CN.qm")
        assert _button_texts(box) == ["OK", "Cancel"]
    finally:
        i18n.set_language("en")
    assert i18n.qt_catalogue_missing() is None


def test_the_supplement_holds_only_what_qts_catalogue_lacks(qapp):
    """ui/translations/qtbase_extra_zh_CN.ts fills gaps of Qt's catalogue: once Qt translates one, delete it."""
    from PySide6.QtCore import QTranslator

    from ui import i18n

    qt = QTranslator()
    assert qt.load(str(i18n.qt_catalogue_path("zh_CN")))
    extra = read_ts(i18n.qt_extra_path("zh_CN"))
    assert ("QFileDialog", "&Look in:") in extra
    for (context, source), translation in extra.items():
        assert translation and not qt.translate(context, source), (context, source)
