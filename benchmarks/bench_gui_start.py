"""GUI start on a year-long database: from process start to the main window's first frame, and to the overview
showing the database's figures.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_start.py [DB] [--repeat N]

Each run is a new Python process (what a user waits for: the interpreter, PySide6, energymon and the first
reads of the database) that opens the database as ``energymon gui --no-collect --db DB`` does
(``ui.app.start_site_window`` without a collector), shows the window and prints, on the monotonic clock the
parent shares, when the window's first paint happened and when the overview's energy tiles first had figures
in them. The parent times from just before it starts the process. Baseline, interleaved in the same run: a
process that imports PySide6 and paints an empty window. Target (issue 20): first frame < 2 s. Medians of
``--repeat`` runs with the load average.

``DB``: e.g. the raw year of a 60-device park (bench_year_reports' ``--raw-year-db``); without one, a 60-day
benchmarks/year_db.py database in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_S = 2.0
TIMEOUT_S = 120.0

CHILD = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

class FirstPaint(QObject):
    # the first paint of any widget of the window (its children paint it)
    def __init__(self, say, window):
        super().__init__()
        self.say, self.window, self.seen = say, window, False
    def eventFilter(self, obj, event):
        if not self.seen and event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window() is self.window:
            self.seen = True
            self.say("frame")
        return False

def say(what):
    print(f"{{what}} {{time.monotonic():.6f}}", flush=True)

app = QApplication([])
if {empty!r}:
    window = QWidget()
else:
    from ui.app import start_site_window
    window, runner, bridge = start_site_window(None, Path({db!r}), collect=False)
probe = FirstPaint(say, window)
app.installEventFilter(probe)
window.resize(1600, 900)
window.show()

def figures_shown():
    # the overview has the database energy figures and its chart (read on the reader thread)
    page = window.overview
    return probe.seen and page.energy is not None and page.last_view is not None and page.chart_pending is None

def check():
    if {empty!r} and probe.seen or not {empty!r} and figures_shown():
        say("figures")
        app.quit()
    else:
        QTimer.singleShot(20, check)

QTimer.singleShot(0, check)
app.exec()
if not {empty!r}:
    window.shutdown()
"""


def one_start(db: Path | None) -> tuple[float, float]:
    """Seconds from process start to (first frame, figures shown)."""
    code = CHILD.format(root=str(ROOT), db=str(db or ""), empty=db is None)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False
    )
    marks = dict(line.split() for line in done.stdout.splitlines() if line.startswith(("frame ", "figures ")))
    if done.returncode != 0 or "frame" not in marks:
        raise RuntimeError(f"the GUI start failed (exit {done.returncode}): {done.stderr.strip()[-400:]}")
    frame = float(marks["frame"]) - started
    return frame, float(marks.get("figures", marks["frame"])) - started


def measure(db: Path, repeat: int) -> list[dict]:
    from bench_collector import _row

    starts, empties = [], []
    one_start(db)  # warm the page cache and the bytecode, as a second start of the day would be
    for _ in range(repeat):
        empties.append(one_start(None)[0])
        starts.append(one_start(db))
    frame = statistics.median(s[0] for s in starts)
    figures = statistics.median(s[1] for s in starts)
    empty = statistics.median(empties)
    print(f"GUI start on {db}: first frame {frame:.2f} s, figures shown {figures:.2f} s; empty window {empty:.2f} s")
    return [
        _row("GUI start on the year database: first frame", f"{TARGET_S:g} s", frame, empty, "s", frame < TARGET_S),
        _row("GUI start on the year database: overview figures shown", "-", figures, empty, "s", True),
    ]


def run(quick: bool, db: Path | None = None) -> list[dict]:
    """Rows for ``python -m benchmarks`` (``db``: the year database to open; else a 60-day one is made)."""
    repeat = 3 if quick else 5
    if db is not None:
        return measure(db, repeat)
    from year_db import year_db_at

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "year.db"
        year_db_at(path, days=60)
        return measure(path, repeat)


def main() -> None:
    sys.path.insert(0, str(HERE))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = measure(args.db, args.repeat) if args.db else run(quick=False)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
