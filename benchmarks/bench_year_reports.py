"""Reports on a year-long database: the monthly report, the annual report and a day's raw export of one device.

Run: .venv/bin/python benchmarks/bench_year_reports.py [DB] [--quick] [--repeat N]

``DB``: a database to read (e.g. a year of a 60-device park at 5 s polls, as
``energymon simulate --config <60-device config> --backfill-days 365 --db DB`` writes it; the config is
benchmarks/year_db.py's ``site_config_text(60)``). Without one, or with ``--quick``, the script builds a
smaller one in a temporary folder: the same 60-device park, 32 days of raw samples at 5 s through the store's
history writer (benchmarks/year_db.py), and says how long that took and how big it is.

The month is the newest complete month with data, the year the newest year with data, "now" the end of the
data; the device of the export the one with the most channels; the day the last complete day. Timed, each the
median of ``--repeat`` runs, A and B interleaved (wall time; CPU time printed too), with the load average:

- ``monthly report``: ``build_month_report`` and the PDF written to memory (energymon.report.write); baseline:
  the month's counter samples alone, read as the report reads them (``StoreReader.read_raw``, the floor of a
  report made from the raw samples). Target < 2 s.
- ``monthly figures, previous method``: ``build_month_report`` against the same built from every raw
  interval (``counter_intervals`` on the whole series: the method before the plain quarters of
  energymon.report.counter_points), the figures compared (equal up to 1e-9; printed).
- ``annual report``: ``build_year_report`` and its PDF; baseline: the year's counter samples read alone.
  Target < 5 s.
- ``raw export``: ``export_csv`` of one device's day (every quantity) into memory; baseline: reading those
  rows alone (``read_raw``). Target < 1 s.

Exits 0; the verdicts are in the table (``ok``). ``run(quick)`` returns the rows for ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository

from drivers.quantities import Role  # noqa: E402
from energymon.accounting.counters import counter_intervals  # noqa: E402
from energymon.accounting.flows import FLOWS_BY_ROLE  # noqa: E402
from energymon.report import month as month_module  # noqa: E402
from energymon.report.month import build_month_report  # noqa: E402
from energymon.report.write import write_report_to, write_year_report_to  # noqa: E402
from energymon.report.year import build_year_report  # noqa: E402
from energymon.site_time import DAY_MS, midnight_ms  # noqa: E402
from energymon.store.export import export_csv  # noqa: E402
from energymon.store.reader import StoreReader  # noqa: E402

MONTH_TARGET_S, YEAR_TARGET_S, EXPORT_TARGET_S = 2.0, 5.0, 1.0
QUICK_DAYS = 32


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall s, CPU s) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def interleaved(
    a: Callable[[], object], b: Callable[[], object], repeat: int, warm_up: bool = True
) -> dict[str, float]:
    """Medians of ``repeat`` runs of ``a`` and ``b``, alternating which goes first (after one warm-up each)."""
    if warm_up:
        a(), b()
    runs: dict[str, list[tuple[float, float]]] = {"a": [], "b": []}
    for i in range(repeat):
        order = (("a", a), ("b", b)) if i % 2 == 0 else (("b", b), ("a", a))
        for name, run in order:
            runs[name].append(timed(run))
    return {
        f"{name}_{kind}": statistics.median(r[k] for r in rs)
        for name, rs in runs.items()
        for k, kind in ((0, "wall"), (1, "cpu"))
    }


def build_quick_db(path: Path) -> float:
    """The quick database (see the module docstring): ends at 01:00 local on a 1st, so a whole month is raw."""
    from year_db import TIMEZONE, make_year_db

    zone = ZoneInfo(TIMEZONE)
    now = datetime.now(zone)
    first = now.date().replace(day=1)
    end_ms = int(datetime(first.year, first.month, 1, 1, 0, tzinfo=zone).timestamp() * 1000)
    started = time.perf_counter()
    make_year_db(path, 60, days=QUICK_DAYS, raw_days=QUICK_DAYS, end_ms=end_ms)
    return time.perf_counter() - started


def _counter_channels(reader: StoreReader) -> list[int]:
    channels = []
    for device in reader.devices():
        for _, quantity, _ in FLOWS_BY_ROLE[Role(device["role"])]:
            channel = reader.channel_id(device["id"], quantity)
            if channel is not None:
                channels.append(channel)
    return sorted(set(channels))


def _read_counters(reader: StoreReader, from_ms: int, to_ms: int) -> int:
    return sum(reader.read_raw(c, from_ms, to_ms)[0].size for c in _counter_channels(reader))


def _previous_method(ts, values, origin_ms, *, wrap_at_wh, max_power_w, gap_ms):  # noqa: ARG001 - same signature
    return counter_intervals(ts, values, wrap_at_wh=wrap_at_wh, max_power_w=max_power_w, gap_ms=gap_ms)


def _max_difference(new: object, old: object) -> float:
    """The largest relative difference between the floats of two reports (ValueError if anything else differs)."""
    worst = 0.0

    def walk(x: object, y: object) -> None:
        nonlocal worst
        if isinstance(x, dict) and isinstance(y, dict):
            for key in x:
                walk(x[key], y[key])
        elif isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)) and len(x) == len(y):
            for p, q in zip(x, y, strict=True):
                walk(p, q)
        elif isinstance(x, float) and isinstance(y, float):
            if x != y:
                worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
        elif x != y:
            raise ValueError(f"the reports differ: {x!r} != {y!r}")

    walk(dataclasses.asdict(new), dataclasses.asdict(old))  # type: ignore[call-overload]
    return worst


def row(figure: str, target: float | None, measured: float, baseline: float, unit: str = "s") -> dict:
    return {
        "figure": figure,
        "target": target,
        "measured": measured,
        "baseline": baseline,
        "ratio": measured / baseline if baseline else None,
        "unit": unit,
        "ok": None if target is None else measured < target,
    }


def measure(path: Path, repeat: int) -> list[dict]:
    reader = StoreReader(path)
    try:
        zone = reader.zone()
        newest_ms = reader.db.execute("SELECT max(last_ms) FROM sample_blocks").fetchone()[0]
        if newest_ms is None:
            raise SystemExit(f"{path}: no raw sample blocks")
        now_ms = int(newest_ms) + 1
        today = datetime.fromtimestamp(now_ms / 1000, zone).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        year = today.year if today.month > 1 else today.year - 1
        day_from = midnight_ms(today - timedelta(days=1), zone)
        device = max(
            (d["id"] for d in reader.devices()),
            key=lambda d: reader.db.execute("SELECT count(*) FROM channels WHERE device_id = ?", (d,)).fetchone()[0],
        )
        device_channels = [c for (c,) in reader.db.execute("SELECT id FROM channels WHERE device_id = ?", (device,))]
        first_ms = midnight_ms(datetime.strptime(last_month, "%Y-%m").date(), zone)
        month_end_ms = midnight_ms(today.replace(day=1), zone)
        year_from, year_to = midnight_ms(datetime(year, 1, 1).date(), zone), now_ms
        print(
            f"{path}: {path.stat().st_size / 1e9:.2f} GB; month {last_month}, year {year}, "
            f"export of {device} ({len(device_channels)} channels) on {today - timedelta(days=1)}; {load()}"
        )

        def month_report() -> None:
            report = build_month_report(reader, last_month, now_ms=now_ms)
            write_report_to(report, io.BytesIO(), "pdf")

        def month_floor() -> None:
            _read_counters(reader, first_ms, month_end_ms)

        built: dict[str, object] = {}

        def figures_now() -> None:
            built["now"] = build_month_report(reader, last_month, now_ms=now_ms)

        def figures_before() -> None:
            saved = month_module.counter_quarter_intervals
            month_module.counter_quarter_intervals = _previous_method
            try:
                built["before"] = build_month_report(reader, last_month, now_ms=now_ms)
            finally:
                month_module.counter_quarter_intervals = saved

        def year_report() -> None:
            write_year_report_to(build_year_report(reader, year, now_ms), io.BytesIO(), "pdf")

        def year_floor() -> None:
            _read_counters(reader, year_from, year_to)

        day_start = datetime.fromtimestamp(day_from / 1000, UTC).astimezone(zone)
        day_end = datetime.fromtimestamp((day_from + DAY_MS) / 1000, UTC).astimezone(zone)

        def export_day() -> None:
            export_csv(reader, io.StringIO(), day_start, day_end, "raw", [device])

        def export_floor() -> None:
            for channel in device_channels:
                reader.read_raw(channel, day_from, day_from + DAY_MS)

        rows = []
        m = interleaved(month_report, month_floor, repeat)
        print(
            f"monthly report + PDF: {m['a_wall']:.2f} s ({m['a_cpu']:.2f} s CPU); counter samples read alone "
            f"{m['b_wall']:.2f} s ({m['b_cpu']:.2f} s CPU); {load()}"
        )
        rows.append(row(f"monthly report + PDF ({last_month})", MONTH_TARGET_S, m["a_wall"], m["b_wall"]))
        f = interleaved(figures_now, figures_before, max(1, repeat // 2), warm_up=False)  # warm from the above
        worst = _max_difference(built["now"], built["before"])
        print(
            f"monthly figures: {f['a_wall']:.2f} s ({f['a_cpu']:.2f} s CPU); previous method {f['b_wall']:.2f} s "
            f"({f['b_cpu']:.2f} s CPU); largest relative difference of a figure {worst:.1e}; {load()}"
        )
        rows.append(row("monthly figures vs previous method", None, f["a_wall"], f["b_wall"]))
        y = interleaved(year_report, year_floor, max(1, repeat // 2), warm_up=False)
        print(
            f"annual report + PDF: {y['a_wall']:.2f} s ({y['a_cpu']:.2f} s CPU); the year's counter samples read "
            f"alone {y['b_wall']:.2f} s ({y['b_cpu']:.2f} s CPU); {load()}"
        )
        rows.append(row(f"annual report + PDF ({year})", YEAR_TARGET_S, y["a_wall"], y["b_wall"]))
        e = interleaved(export_day, export_floor, repeat)
        print(
            f"raw export of one device's day: {e['a_wall']:.3f} s ({e['a_cpu']:.3f} s CPU); rows read alone "
            f"{e['b_wall']:.3f} s ({e['b_cpu']:.3f} s CPU); {load()}"
        )
        rows.append(row("raw export, one device, one day", EXPORT_TARGET_S, e["a_wall"], e["b_wall"]))
        return rows
    finally:
        reader.close()


def run(quick: bool, db: Path | None = None) -> list[dict]:
    """The rows for ``python -m benchmarks``: on ``db`` if given (and not quick), else on a quick database."""
    if db is not None and db.exists() and not quick:
        return measure(db, 5)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "reports.db"
        build_s = build_quick_db(path)
        print(
            f"quick database: 60 devices, {QUICK_DAYS} days raw at 5 s, built in {build_s:.1f} s, "
            f"{path.stat().st_size / 1e6:.0f} MB; {load()}"
        )
        return measure(path, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, nargs="?", help="database to read (default: build a quick one)")
    parser.add_argument("--quick", action="store_true", help="a 32-day database built here, 3 repeats")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.db is not None and not args.quick:
        if not args.db.exists():
            parser.error(f"{args.db} does not exist")
        rows = measure(args.db, args.repeat)
    else:
        rows = run(True)
    print(f"{'figure':44} {'target':>8} {'measured':>9} {'baseline':>9} {'ratio':>7}  ok")
    for r in rows:
        target = "—" if r["target"] is None else f"{r['target']:g} s"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}"
        print(f"{r['figure']:44} {target:>8} {r['measured']:>8.3f}s {r['baseline']:>8.3f}s {ratio:>7}  {r['ok']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
