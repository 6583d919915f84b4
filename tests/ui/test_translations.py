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
def test_the_translation_file_compiles_with_lrelease(tmp_path):
    qm = tmp_path / "energymon_zh_CN.qm"
    done = subprocess.run(
        [tool("lrelease"), str(ts_path("zh_CN")), "-qm", str(qm)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert qm.stat().st_size > 1000


def test_the_translator_translates(qtbot):
    translator = TsTranslator(ts_path("zh_CN"))
    assert translator.translate("OverviewPage", "Overview") == "概览"
    assert translator.translate("OverviewPage", "no such string") is None  # Qt shows the source text
    assert (TRANSLATIONS_DIR / "energymon_zh_CN.ts").exists()
