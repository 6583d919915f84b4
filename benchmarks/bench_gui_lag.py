"""GUI responsiveness: how long the GUI thread's event loop is blocked while the demo runs.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_lag.py [--seconds 60] [--backfill-days 30]

A 10 ms QTimer on the GUI thread records how late each tick fires (event-loop
lag). Measured twice in the same run:

1. baseline: an empty window, nothing else running;
2. the demo: the main window with the demo park collecting live (17 devices
   over loopback Modbus), its first-start history backfill of
   ``--backfill-days`` days being written in the background, the overview
   refreshing, the pages switched every 2 s, and a 30-day read of a device's
   power (raw samples from the day blocks, on the reader thread) requested
   every 3 s. The figures are given for the whole run and split into the
   ticks while the history was being written and those after.

With ``--reports`` the reports page also makes this month's PDF report, one
after another, for the whole run (each in its child process).

With ``--directory DIR`` the demo runs in DIR and DIR is kept: a second run
there measures the everyday case, a demo whose history is already written
(the 30-day reads then read 30 days of it from the start).

Prints the maximum, 99.9th and 99th percentile lag of each; the target is a
GUI thread never blocked for more than 100 ms. Asserts nothing.

``run(quick)`` gives ``python -m benchmarks`` its rows: the demo with a 1,000-device collection in
the same process, against the demo alone and an empty window (benchmarks/gui_load.py).
"""

from __future__ import annotations

import argparse
import collections
import faulthandler
import gc
import os
import re
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

TICK_MS = 10
SCHEDSTAT = Path("/proc/thread-self/schedstat")  # Linux: the calling thread's ns on a CPU, ns waiting for one


def run_queue_ns() -> int:
    """How long the calling thread has waited for a CPU (the OS's run queue) so far [ns]; 0 where unknown."""
    try:
        return int(SCHEDSTAT.read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


class LagProbe:
    """Records, for each tick of a TICK_MS timer, how much later than due it fired [ms]."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.phases: list[str] = []  # per tick: what was running (see ``phase``)
        self.phase = lambda: ""
        self._clock = QElapsedTimer()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0  # QElapsedTimer ns of the last tick
        self.last_tick_s = 0.0  # time.perf_counter() of the last tick, read by StallSampler
        self.ticks_s: list[float] = []  # time.perf_counter() of each tick (gui_load matches them to GC passes)
        self.cpu_s: list[float] = []
        self.queued_ns: list[int] = []

    def start(self) -> None:
        self._clock.start()
        self._last = self._clock.nsecsElapsed()
        self._timer.start()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.lags_ms.append(max(0.0, (now - self._last) / 1e6 - TICK_MS))
        self.phases.append(self.phase())
        self._last = now
        self.last_tick_s = time.perf_counter()
        self.ticks_s.append(self.last_tick_s)
        self.cpu_s.append(time.thread_time())  # the GUI thread's own CPU time, and its wait for a CPU:
        self.queued_ns.append(run_queue_ns())  # gui_load splits each stall into work, OS wait and the rest

    def stop(self) -> tuple[np.ndarray, np.ndarray]:
        """Lags [ms] and each tick's phase label."""
        self._timer.stop()
        return np.array(self.lags_ms), np.array(self.phases)


class StallSampler(threading.Thread):
    """Diagnostics: samples the GUI thread's Python stack while a tick is overdue.

    Every 2 ms, if the probe's last tick is more than ``from_ms`` ago, the GUI
    thread's stack is recorded for that stall. ``report`` prints, for every
    stall that reached ``report_ms``, how long it lasted and its most frequent
    innermost frames. Garbage-collector passes over 5 ms are listed too.
    """

    def __init__(self, probe: LagProbe, from_ms: float = 30.0) -> None:
        super().__init__(daemon=True, name="stall-sampler")
        self.probe = probe
        self.from_ms = from_ms
        self.gui_ident = threading.get_ident()
        self.stalls: dict[float, list[tuple[float, tuple[str, ...], tuple[str, ...]]]] = {}  # by stall start
        self.gc_passes: list[tuple[float, int, float]] = []
        self._gc_started = 0.0
        self._halt = threading.Event()
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_started = now
        elif (now - self._gc_started) > 0.005:
            self.gc_passes.append((now, info["generation"], (now - self._gc_started) * 1000))

    def run(self) -> None:
        with tempfile.TemporaryFile("w+") as dump:
            while not self._halt.wait(0.002):
                tick = self.probe.last_tick_s
                overdue_ms = (time.perf_counter() - tick) * 1000 - TICK_MS
                if tick and overdue_ms > self.from_ms:
                    stacks = _all_stacks(dump)
                    names = {t.ident: t.name for t in threading.enumerate()}
                    others = tuple(
                        sorted(
                            f"[{names.get(ident, ident)}] {stack[-1]}"
                            for ident, stack in stacks.items()
                            if ident not in (self.gui_ident, self.ident) and stack
                        )
                    )
                    self.stalls.setdefault(tick, []).append((overdue_ms, stacks.get(self.gui_ident, ()), others))

    def report(self, report_ms: float) -> None:
        self._halt.set()
        gc.callbacks.remove(self._gc)
        for tick, samples in sorted(self.stalls.items()):
            longest = max(ms for ms, _, _ in samples)
            if longest < report_ms:
                continue
            print(
                f"stall of >= {longest:.0f} ms from perf_counter {tick:.3f} ({len(samples)} samples); GC in it: "
                f"{[(g, round(ms, 1)) for t, g, ms in self.gc_passes if t >= tick and t - tick < 1.0]}"
            )
            for stack, count in collections.Counter(s for _, s, _ in samples).most_common(3):
                print(f"  {count:>3} x " + "\n        ".join(stack[-5:]))
            for frame, count in collections.Counter(f for _, _, o in samples for f in o).most_common(8):
                print(f"      other thread {count:>3} x {frame}")
        print(
            f"GC passes over 5 ms: {len(self.gc_passes)}, longest "
            f"{max((ms for _, _, ms in self.gc_passes), default=0):.1f} ms"
        )


def _all_stacks(dump) -> dict[int, tuple[str, ...]]:
    """Every thread's Python stack (outermost first) as "file:line function", by thread ident.

    Written by faulthandler, in C and under the GIL: holding another thread's frame objects
    (sys._current_frames) would keep its locals alive after its function returns, and a QPainter
    kept alive past its paint event crashes Qt when it is finally destroyed on this thread.
    """
    dump.seek(0)
    dump.truncate()
    faulthandler.dump_traceback(dump, all_threads=True)
    dump.seek(0)
    stacks: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in dump.read().splitlines():
        thread = re.match(r"(?:Current thread|Thread) (0x[0-9a-f]+)", line)
        frame = re.match(r'\s+File "(.*)", line (\d+) in (.*)', line)
        if thread:
            current = stacks.setdefault(int(thread.group(1), 16), [])
        elif frame and current is not None:
            current.append(f"{Path(frame.group(1)).name}:{frame.group(2)} {frame.group(3)}")
    return {ident: tuple(reversed(stack)) for ident, stack in stacks.items()}


def run_for(app: QApplication, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)


def measure(
    app: QApplication, seconds: float, setup=None, stall_report_ms: float | None = None, phase=None, probes=None
) -> tuple[np.ndarray, np.ndarray]:
    """Lags [ms] and phases of the ticks of ``seconds`` of the event loop; the probe is appended to ``probes``."""
    probe = LagProbe()
    if probes is not None:
        probes.append(probe)
    if phase is not None:
        probe.phase = phase
    probe.start()
    sampler = StallSampler(probe) if stall_report_ms is not None else None
    if sampler is not None:
        sampler.start()
    if setup is not None:
        setup()
    run_for(app, seconds)
    lags, phases = probe.stop()
    if sampler is not None:
        assert stall_report_ms is not None
        sampler.report(stall_report_ms)
    return lags, phases


def describe(label: str, lags: np.ndarray) -> str:
    if not lags.size:
        return f"{label:<44} no ticks"
    return (
        f"{label:<44} ticks {lags.size:>6}  max {lags.max():7.1f} ms  p99.9 {np.percentile(lags, 99.9):6.1f} ms"
        f"  p99 {np.percentile(lags, 99):6.1f} ms  ticks late > 100 ms: {(lags > 100).sum()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backfill-days", type=float, default=30.0)
    parser.add_argument(
        "--directory",
        type=Path,
        metavar="DIR",
        help="run the demo in DIR and keep it (a second run there measures a demo whose history "
        "is already written); default: a new temporary directory, removed at the end",
    )
    parser.add_argument("--no-pages", action="store_true", help="do not switch pages")
    parser.add_argument("--no-reads", action="store_true", help="no 30-day reads")
    parser.add_argument(
        "--reports",
        action="store_true",
        help="also have the reports page make this month's PDF report, one after another",
    )
    parser.add_argument(
        "--stall-report",
        type=float,
        metavar="MS",
        help="diagnostics: print the GUI thread's sampled stacks for stalls of at least MS ms",
    )
    args = parser.parse_args()
    from ui.app import _app

    app = _app()  # the GUI's own application setup (switch interval, settings, language)

    empty = QMainWindow()
    empty.show()
    baseline, _ = measure(app, min(10.0, args.seconds))
    empty.close()

    if args.directory is not None:
        args.directory.mkdir(parents=True, exist_ok=True)
        run_demo_measurement(app, args, args.directory)
    else:
        with tempfile.TemporaryDirectory(prefix="energymon-lag-") as directory:
            run_demo_measurement(app, args, Path(directory))
    print(describe("baseline: empty window", baseline))


def open_demo(app: QApplication, directory: Path, backfill_days: float):
    """The main window with the demo park running behind it (as ``energymon demo``), once it shows the site."""
    from ui.app import start_demo_window

    window, runner, _ = start_demo_window(directory, backfill_days=backfill_days)
    window.show()
    deadline = time.monotonic() + 30
    while window.ctx.site is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if window.ctx.site is None:
        raise RuntimeError(f"the demo did not start within 30 s: {runner.error!r}")
    return window, runner


class DemoDriver:
    """What an engineer does meanwhile: the pages switched every 2 s, a 30-day read of the grid meter's power
    (raw samples, on the reader thread) every 3 s, optionally this month's PDF report one after another."""

    def __init__(self, window, directory: Path) -> None:
        self.window = window
        self.directory = directory
        self.answers: list[int] = []  # samples of each answered 30-day read
        self.started: list[float] = []  # perf_counter of each read asked for
        self.made: list[float] = []  # seconds each PDF report took
        self.timers: list[QTimer] = []  # their Python wrappers live as long as the run

    def start(self, pages: bool = True, reads: bool = True, reports: bool = False) -> None:
        for wanted, interval_ms, slot in (
            (pages, 2000, self.next_page),
            (reads, 3000, self.trend_query),
            (reports, 500, self.make_report),
        ):
            timer = QTimer(self.window, interval=interval_ms)
            timer.timeout.connect(slot)
            if wanted:
                timer.start()
            self.timers.append(timer)

    def stop(self) -> None:
        for timer in self.timers:
            timer.stop()

    def next_page(self) -> None:
        nav = self.window.nav
        nav.setCurrentRow((nav.currentRow() + 1) % nav.count())

    def trend_query(self) -> None:
        ctx = self.window.ctx
        assert ctx.site is not None
        device = next(d.id for d in ctx.site.devices if d.role.value == "grid")
        now_ms = int(time.time() * 1000)
        self.started.append(time.perf_counter())
        ctx.db.submit(
            lambda reader: reader.raw(device, "power_w", now_ms - 30 * 86_400_000, now_ms)[0].size,
            self.answers.append,
        )

    def make_report(self) -> None:
        page = self.window.reports
        if page.running or page.month_combo.count() == 0:
            return
        if page.last_output is not None and page.last_output.exists():
            self.made.append(page._finished_s)
            page.last_output.unlink()
        page.month_combo.setCurrentIndex(0)
        page.format_combo.setCurrentIndex(page.format_combo.findData("pdf"))
        page.path_edit.setText(str(self.directory / "report.pdf"))
        page.generate()

    def reads_text(self) -> str:
        return (
            f"{len(self.answers)} of {len(self.started)} 30-day reads answered"
            f" (largest {max(self.answers, default=0):,} samples)"
        )


def run_demo_measurement(app: QApplication, args: argparse.Namespace, directory: Path) -> None:
    window, runner = open_demo(app, directory, args.backfill_days)
    ctx = window.ctx
    driver = DemoDriver(window, directory)

    def phase() -> str:
        backfill = ctx.backfill
        return "history being written" if backfill is not None and backfill.running else "history written"

    def setup() -> None:
        driver.start(pages=not args.no_pages, reads=not args.no_reads, reports=args.reports)

    lags, phases = measure(app, args.seconds, setup, args.stall_report, phase)
    backfill = ctx.backfill
    driver.stop()
    window.shutdown()
    runner.stop()
    print(f"event-loop lag of a {TICK_MS} ms timer on the GUI thread")
    print(describe("demo, whole run", lags))
    for label in ("history being written", "history written"):
        print(describe(f"  {label}", lags[phases == label]))
    print(
        f"during the demo run: {ctx.readings_received:,} readings reached the GUI; {driver.reads_text()}; "
        f"history: {history_state(backfill)}"
    )
    if args.reports:
        made = driver.made
        print(
            f"reports: {len(made)} PDF reports made meanwhile"
            + (f", {min(made):.1f}-{max(made):.1f} s each" if made else "")
        )


def run(quick: bool, db: Path | None = None) -> list[dict]:
    """The GUI lag rows of ``python -m benchmarks`` (benchmarks/gui_load.py); ``db`` is not used."""
    import gui_load

    return gui_load.rows(gui_load.run_scenarios(quick))


def history_state(backfill) -> str:
    if backfill is None:
        return "none (the database had it already)"
    if backfill.error:
        return f"FAILED: {backfill.error}"
    if backfill.running:
        return f"still running ({backfill.samples:,} samples written)"
    return f"done in {backfill.seconds:.1f} s ({backfill.samples:,} samples written)"


if __name__ == "__main__":
    main()
