"""The trends page's export files follow the output file rules: written through an exclusive temporary file, never
through a planted link, never over a FIFO or a link the user picked, and the error says so in one line."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from energymon.views.trends import Series
from ui.trend_export import TrendExport

SHANGHAI = ZoneInfo("Asia/Shanghai")
WAIT_MS = 10_000


def series() -> Series:
    ts = np.array([1_790_006_400_000, 1_790_006_401_000], dtype=np.int64)
    nan = np.full(2, np.nan)
    return Series(ts, np.array([1.5, 2.5]), nan, nan, "raw", device_id="pv-1", quantity="power_w", unit="W")


def image() -> QImage:
    picture = QImage(40, 20, QImage.Format.Format_ARGB32)
    picture.fill(QColor("darkgreen"))
    return picture


@pytest.fixture
def exporter(qapp):
    export = TrendExport()
    yield export
    export.shutdown()


def run_export(qtbot, exporter: TrendExport, kind: str, path: Path) -> tuple[str, str]:
    with qtbot.waitSignal(exporter.done, timeout=WAIT_MS) as blocker:
        if kind == "csv":
            exporter.csv(series(), SHANGHAI, path)
        else:
            exporter.png(image(), path)
    return tuple(blocker.args)


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith((".tmp", ".partial")) and not p.is_symlink()]


@pytest.mark.parametrize("kind", ["csv", "png"])
def test_export_writes_the_file_and_no_planted_link_is_followed(kind, qtbot, exporter, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("unchanged\n", encoding="utf-8")
    out = tmp_path / f"trend.{kind}"
    (tmp_path / f"trend.{kind}.partial").symlink_to(victim)
    assert run_export(qtbot, exporter, kind, out) == (str(out), "")
    assert victim.read_text(encoding="utf-8") == "unchanged\n"
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") if kind == "png" else data.startswith(b"timestamp,")
    assert no_leftovers(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("target", ["fifo", "symlink"])
@pytest.mark.parametrize("kind", ["csv", "png"])
def test_export_over_a_fifo_or_a_link_is_refused_in_one_line(kind, target, qtbot, exporter, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("unchanged\n", encoding="utf-8")
    out = tmp_path / f"trend.{kind}"
    if target == "fifo":
        os.mkfifo(out)
    else:
        out.symlink_to(victim)
    path, error = run_export(qtbot, exporter, kind, out)
    assert path == str(out) and error.startswith(f"{out}: is a ") and "not a regular file" in error
    assert "\n" not in error
    mode = os.lstat(out).st_mode
    assert stat.S_ISFIFO(mode) if target == "fifo" else stat.S_ISLNK(mode)
    assert victim.read_text(encoding="utf-8") == "unchanged\n"
    assert no_leftovers(tmp_path)
