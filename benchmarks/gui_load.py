"""GUI lag under load: the demo window and a 1,000-device collection in the same process (issue 20).

``python -m benchmarks --only gui`` runs it (through :func:`bench_gui_lag.run`); as a script::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_load.py [--quick] [--devices N]
        [--stall-report MS] [--freeze]

One process, one run, the 10 ms probe of bench_gui_lag on the GUI thread (lag = how much later than due
each tick fired, ms), each window measured after a warm-up:

1. baseline: an empty window, nothing else running;
2. the demo alone: the main window with the demo park collecting live, its history of ``backfill_days``
   days written before the window opens, the pages switched every 2 s and a 30-day read every 3 s
   (bench_gui_lag.DemoDriver);
3. the demo + an extra collection: a :class:`~energymon.collect.service.Collection` of ``devices``
   energymon-load meters @ 1 s, 10 per connection (tests/loopback_modbus.park_config), into its own
   temporary database, on a :class:`~energymon.collect.service.BackgroundRunner` thread with its own
   asyncio loop (as the GUI runs its collector), polling the lightweight loopback Modbus server
   (tests/loopback_modbus.py, its own process, as bench_collector starts it).

Steps 2 and 3 alternate ``pairs`` times, so the lag with the collection on and off is compared in the
same run. The share of the extra collection's polls that were on time is judged by the server, as in
bench_collector (a slot is on time when its request came within half an interval), over the steady
window. The load average is recorded with each window: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_collector import ROOT, _row  # noqa: E402  (also puts tests/ on sys.path)
from bench_gui_lag import DemoDriver, describe, measure, open_demo, run_for  # noqa: E402

from loopback_modbus import park_config  # noqa: E402

P999_TARGET_MS = 50.0
MAX_TARGET_MS = 100.0


@dataclass(frozen=True)
class Windows:
    """How long each part of the run lasts [s]."""

    baseline_s: float
    demo_warmup_s: float
    demo_s: float
    load_warmup_s: float
    load_s: float
    pairs: int
    backfill_days: float

    @classmethod
    def for_mode(cls, quick: bool) -> Windows:
        if quick:
            return cls(baseline_s=5, demo_warmup_s=4, demo_s=15, load_warmup_s=8, load_s=25, pairs=1, backfill_days=7)
        return cls(baseline_s=10, demo_warmup_s=5, demo_s=25, load_warmup_s=8, load_s=45, pairs=2, backfill_days=30)


@dataclass
class Window:
    """One measured window: its ticks' lags [ms] and times [perf_counter s], the cyclic GC's passes over 5 ms
    in it (end [perf_counter s], generation, ms, thread), the load average (1 min) after it and the objects
    the GC tracked after it."""

    kind: str  # "baseline", "demo" or "load"
    lags_ms: np.ndarray
    ticks_s: np.ndarray
    cpu_s: np.ndarray  # the GUI thread's CPU time at each tick [s]
    queued_s: np.ndarray  # the GUI thread's wait for a CPU (OS run queue) so far at each tick [s]
    gc_passes: list[tuple[float, int, float, str]]
    gc_cpu_ms: list[float]  # the collecting thread's CPU time in each of ``gc_passes``
    load: float
    tracked_objects: int


@dataclass
class Figures:
    """Every window of the run, and the server's on-time summary and the readings of each extra collection."""

    devices: int
    windows: list[Window] = field(default_factory=list)
    on_time: list[dict] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)  # readings the extra collection published, per window

    def lags_ms(self, kind: str) -> np.ndarray:
        parts = [w.lags_ms for w in self.windows if w.kind == kind]
        return np.concatenate(parts) if parts else np.zeros(0)

    def load(self, kind: str) -> float:
        return max((w.load for w in self.windows if w.kind == kind), default=round(os.getloadavg()[0], 2))


class GcLog:
    """The cyclic garbage collector's passes over 5 ms while it is entered (gc.callbacks, so in every thread):
    a pass holds the GIL, so it stops the GUI thread wherever it runs."""

    def __init__(self) -> None:
        self.passes: list[tuple[float, int, float, str]] = []
        self.cpu_ms: list[float] = []  # the collecting thread's CPU time in each pass of ``passes``
        self._started_s = self._cpu_s = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started_s, self._cpu_s = now, time.thread_time()
        elif now - self._started_s > 0.005:
            name = threading.current_thread().name
            self.passes.append((now, info["generation"], (now - self._started_s) * 1000, name))
            self.cpu_ms.append((time.thread_time() - self._cpu_s) * 1000)

    def __enter__(self) -> GcLog:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_exc) -> None:
        gc.callbacks.remove(self._callback)


def measure_window(app, kind: str, seconds: float, stall_report_ms: float | None = None) -> Window:
    probes: list = []
    with GcLog() as log:
        lags, _ = measure(app, seconds, stall_report_ms=stall_report_ms, probes=probes)
    probe, n = probes[0], lags.size
    return Window(
        kind,
        lags,
        np.array(probe.ticks_s[:n]),
        np.array(probe.cpu_s[:n]),
        np.array(probe.queued_ns[:n]) / 1e9,
        log.passes,
        log.cpu_ms,
        round(os.getloadavg()[0], 2),
        len(gc.get_objects()),
    )


def late_tick_causes(window: Window, late_ms: float = 40.0) -> dict[str, float]:
    """What the GUI thread did during the ticks late by more than ``late_ms``.

    Each such stall (from the tick before to the late one) is split into the GUI thread's own CPU time
    (``work``), its wait for a CPU in the OS's run queue (``os_wait``: the machine is busy) and the rest
    (``other``: waiting for the GIL, or its own 1 ms sleeps between event batches) [% of the stalled
    time]; and how many stalls a cyclic GC pass over 5 ms overlapped (any thread's; of the oldest
    generation), with the GC's share of their time [%].
    """
    late = [int(i) for i in np.flatnonzero(window.lags_ms > late_ms) if i > 0]
    with_gc = with_full_gc = 0
    wall_s = work_s = queued_s = gc_s = 0.0
    for i in late:
        start_s, end_s = window.ticks_s[i - 1], window.ticks_s[i]
        wall_s += end_s - start_s
        work_s += window.cpu_s[i] - window.cpu_s[i - 1]
        queued_s += window.queued_s[i] - window.queued_s[i - 1]
        overlap = [(gen, min(end_s, t) - max(start_s, t - ms / 1000)) for t, gen, ms, _ in window.gc_passes]
        overlap = [(gen, o) for gen, o in overlap if o > 0]
        with_gc += bool(overlap)
        with_full_gc += any(gen == 2 for gen, _ in overlap)
        gc_s += sum(o for _, o in overlap)

    def pct(part_s: float) -> float:
        return round(float(100 * part_s / wall_s), 1) if wall_s else 0.0

    return {
        "late": len(late),
        "work_pct": pct(work_s),
        "os_wait_pct": pct(queued_s),
        "other_pct": pct(wall_s - work_s - queued_s),
        "with_gc": with_gc,
        "with_gen2_gc": with_full_gc,
        "gc_pct": pct(gc_s),
    }


@contextmanager
def loopback_server(skip_s: float) -> Iterator[tuple[int, dict]]:
    """The loopback Modbus server in its own process: its port, and (filled in when it stops) its summary of
    the requests' arrivals after the first ``skip_s`` seconds (on_time_pct, jitter_p99_ms, devices)."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "loopback_modbus.py"), "--skip", str(skip_s)],
        stdout=subprocess.PIPE,
        text=True,
    )
    summary: dict = {}
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline()), summary
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    summary.update(json.loads(out.strip().splitlines()[-1]))


class ExtraCollection:
    """A Collection of ``devices`` load meters @ 1 s on a background thread with its own asyncio loop.

    The Collection (and so its database) is made on that thread: the GUI thread does no SQLite work.
    """

    def __init__(self, port: int, devices: int, folder: Path) -> None:
        from energymon.config.parse import parse_config

        path = folder / "site.toml"
        path.write_text(park_config(port, devices), encoding="utf-8")
        self.config = parse_config(path.read_text(encoding="utf-8"), path)
        self.db_path = folder / "extra.db"
        self.polls = 0

    def _count(self, _reading) -> None:
        self.polls += 1

    async def _main(self, stop: asyncio.Event) -> None:
        from energymon.collect.service import Collection, run_until_stopped

        collection = Collection(self.config, self.db_path)
        collection.collector.reading_subscribers.append(self._count)
        await run_until_stopped(collection, stop)

    @contextmanager
    def running(self) -> Iterator[ExtraCollection]:
        from energymon.collect.service import BackgroundRunner

        runner = BackgroundRunner(self._main, name="extra-collection")
        runner.start()
        try:
            yield self
        finally:
            runner.stop(timeout_s=120)  # the writer finishes its backlog before the loop ends
            if runner.running:
                raise RuntimeError("the extra collection did not stop within 120 s")
        if runner.error is not None:
            raise RuntimeError(f"the extra collection failed: {runner.error!r}")


@dataclass(frozen=True)
class Diagnostics:
    """Script options for finding what blocks the GUI thread (off in ``python -m benchmarks``).

    ``stall_report_ms``: print the GUI thread's sampled stacks for stalls of at least this [ms]
    (bench_gui_lag.StallSampler; the sampling itself takes the GIL every 2 ms). ``freeze``: after each
    extra collection's warm-up, move every object so far (its per-device state) out of the cyclic GC's
    reach (gc.freeze), to see what the GC's passes over them cost the GUI thread.
    """

    stall_report_ms: float | None = None
    freeze: bool = False


def measure_scenarios(app, directory: Path, devices: int, w: Windows, diag: Diagnostics = Diagnostics()) -> Figures:
    """Baseline, then the demo alone and the demo + ``devices`` alternating ``w.pairs`` times (see the module)."""
    from PySide6.QtWidgets import QMainWindow

    figures = Figures(devices)
    empty = QMainWindow()
    empty.show()
    figures.windows.append(measure_window(app, "baseline", w.baseline_s))
    empty.close()

    window, runner = open_demo(app, directory / "demo", w.backfill_days)
    driver = DemoDriver(window, directory)
    try:
        backfill = window.ctx.backfill
        deadline = time.monotonic() + 600
        while backfill is not None and backfill.running and time.monotonic() < deadline:
            run_for(app, 0.5)  # the history written first: the steady window is the everyday demo
        driver.start()
        run_for(app, w.demo_warmup_s)
        for pair in range(w.pairs):
            figures.windows.append(measure_window(app, "demo", w.demo_s))
            folder = directory / f"extra-{pair}"
            folder.mkdir()
            with loopback_server(w.load_warmup_s) as (port, summary):
                extra = ExtraCollection(port, devices, folder)
                with extra.running():
                    run_for(app, w.load_warmup_s)
                    if diag.freeze:
                        gc.freeze()
                    polls0 = extra.polls
                    figures.windows.append(measure_window(app, "load", w.load_s, diag.stall_report_ms))
                    figures.polls.append(extra.polls - polls0)
            figures.on_time.append(summary)
            run_for(app, w.demo_warmup_s)  # the extra collection's stop settles before the next demo window
    finally:
        driver.stop()
        window.shutdown()
        runner.stop()
        window.close()
    print(f"demo: {window.ctx.readings_received:,} readings reached the GUI; {driver.reads_text()}")
    return figures


def _stat(lags: np.ndarray, which: str) -> float:
    if not lags.size:
        return float("nan")
    return float(lags.max()) if which == "max" else float(np.percentile(lags, float(which[1:])))


def rows(figures: Figures) -> list[dict]:
    """The rows for ``python -m benchmarks``: the demo + devices (targets: p99.9 < 50 ms, max < 100 ms), the
    demo alone as context, the extra collection's polls on time; the baseline is the empty window's."""
    load, demo, base = figures.lags_ms("load"), figures.lags_ms("demo"), figures.lags_ms("baseline")
    at = f"GUI lag, demo + {figures.devices:,} devices"
    out = []
    for which, label, target in (
        ("p99.9", "p99.9", P999_TARGET_MS),
        ("max", "max", MAX_TARGET_MS),
        ("p99", "p99", None),
    ):
        measured = _stat(load, which)
        row = _row(f"{at}: {label}", "-", measured, _stat(base, which), "ms", True)
        row.update(target=target, ok=None if target is None else bool(measured < target))
        row["load"] = figures.load("load")
        out.append(row)
    for which in ("p99.9", "max", "p99"):
        row = _row(f"GUI lag, demo alone: {which}", "-", _stat(demo, which), _stat(base, which), "ms", True)
        row.update(target=None, ok=None, load=figures.load("demo"))
        out.append(row)
    summaries = [s for s in figures.on_time if "on_time_pct" in s]
    if summaries:
        on_time = min(s["on_time_pct"] for s in summaries)
        row = _row(f"{at}: its polls on time (worst window)", "-", on_time, None, "%", True)
        row.update(target=None, ok=None, load=figures.load("load"))
        out.append(row)
    return out


def report(figures: Figures) -> None:
    """Print each window's lag figures with the load average, what overlapped its late ticks, and the server's
    on-time summaries of the extra collections."""
    print("event-loop lag of a 10 ms timer on the GUI thread, per window (load average 1 min after it)")
    names = {"baseline": "baseline: empty window", "demo": "demo alone", "load": f"demo + {figures.devices:,} devices"}
    for w in figures.windows:
        full = [ms for _, gen, ms, _ in w.gc_passes if gen == 2]
        print(describe(names[w.kind], w.lags_ms) + f"  load {w.load:.2f}")
        print(
            f"    ticks late > 40 ms and GC passes over them: {late_tick_causes(w)}; GC passes over 5 ms:"
            f" {len(w.gc_passes)}, of the oldest generation: {len(full)} (longest {max(full, default=0):.0f} ms,"
            f" threads {sorted({name for _, gen, _, name in w.gc_passes if gen == 2})}; their wall time"
            f" {sum(ms for _, _, ms, _ in w.gc_passes):.0f} ms, CPU {sum(w.gc_cpu_ms):.0f} ms);"
            f" objects tracked by the GC after it: {w.tracked_objects:,}"
        )
    for n, (summary, polls) in enumerate(zip(figures.on_time, figures.polls, strict=False)):
        print(f"extra collection {n + 1}: {polls:,} readings in the steady window; server: {summary}")


def run_scenarios(
    quick: bool, devices: int = 1000, windows: Windows | None = None, diag: Diagnostics = Diagnostics()
) -> Figures:
    """The whole run in a temporary folder, with the GUI's application setup (its GIL switch interval and the
    start-up objects frozen out of the cyclic GC); both are undone afterwards for the benchmarks that follow."""
    from ui.app import _app

    interval_s = sys.getswitchinterval()
    app = _app()
    try:
        with tempfile.TemporaryDirectory(prefix="energymon-gui-load-") as directory:
            figures = measure_scenarios(app, Path(directory), devices, windows or Windows.for_mode(quick), diag)
    finally:
        sys.setswitchinterval(interval_s)
        gc.unfreeze()
    report(figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pair of short windows (~1.5 min)")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--stall-report", type=float, metavar="MS", help="diagnostics: stacks of stalls >= MS ms")
    parser.add_argument("--freeze", action="store_true", help="diagnostics: gc.freeze() after each warm-up")
    args = parser.parse_args()
    diag = Diagnostics(args.stall_report, args.freeze)
    for row in rows(run_scenarios(args.quick, args.devices, diag=diag)):
        print(row)


if __name__ == "__main__":
    main()
