"""Trends benchmark: 10 series over 30 days of a year-long 60-device park, read and drawn as the page does.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_trends.py [--db year.db] [--repeat 5]

The database is benchmarks/year_db.py's ``make_year_db`` (60 devices, 365 days; built in a temporary folder
unless ``--db`` names one to reuse or to create; "now" is the end of its data). The chart holds ten series:
the power of four PV inverters, the grid meter's power, a battery's state of charge, an inverter's energy per
interval, and the site series PV power, consumption power and grid import per interval (the consumption sums
every device of the park: 45 inverters, the grid meter and 4 batteries). Units W, % and Wh per interval: two
stacked plots.

What is timed, on one machine in one run:

- ``trends``: what the page does after a "30 days" preset: one read of every series over the view and its
  margins (energymon.views.trend_set.read_set, at most 3000 points a series: hourly rollups), then
  ui.trend_chart.TrendChart.draw and a paint of the widget (1600 x 900 px, offscreen).
- baseline ``one series``: the same for a single inverter's power (what the page showed before it had
  several series).
- baseline ``unbounded``: the ten series read at the finest rollups that cover 30 days (15-minute rows, no
  point bound beyond that) and drawn as plain lines without peak downsampling or clipping to the view.

Each figure is the median of ``--repeat`` runs after one warm-up run (the warm-up, with a cold page cache
for the file just written, is printed too). The bound for ``trends`` is 300 ms; the script prints PASS or
FAIL and exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository

from drivers.quantities import Role  # noqa: E402
from energymon.site_time import DAY_MS  # noqa: E402
from energymon.store.reader import StoreReader  # noqa: E402
from energymon.views.site_trends import SITE  # noqa: E402
from energymon.views.trend_set import TrendSpec, read_set  # noqa: E402
from energymon.views.trends import Series, channels  # noqa: E402

BOUND_MS = 300.0
VIEW_DAYS = 30
MARGIN = 0.25  # as ui.trends_page
POINTS = 3000  # as ui.trends_page: MAX_POINTS x (1 + 2 MARGIN)
UNBOUNDED_POINTS = 5000  # 45 days of 15-minute rows fit: the finest rollups over the range
SIZE_PX = (1600, 900)


TRENDS, ONE, UNBOUNDED = "trends (10 series, 30 days)", "baseline: one series", "baseline: unbounded, plain lines"


def chart_specs(devices: dict[str, tuple[str, ...]]) -> list[TrendSpec]:
    pv, grid, storage = devices["pv"], devices["grid"][0], devices["storage"][0]
    return [
        *(TrendSpec(d, "power_w") for d in pv[:4]),
        TrendSpec(grid, "power_w"),
        TrendSpec(storage, "soc_pct"),
        TrendSpec(pv[0], "yield_wh", energy=True),
        TrendSpec(SITE, "pv_power_w"),
        TrendSpec(SITE, "consumption_power_w"),
        TrendSpec(SITE, "grid_import_wh"),
    ]


def measure(path: Path, repeat: int) -> dict[str, float]:
    """The figures of the module docstring on the database at ``path`` (made there if missing), printed as it
    goes: name -> median ms."""
    from PySide6.QtWidgets import QApplication
    from timing import timed  # benchmarks/ is the script's folder
    from year_db import year_db_at

    from ui.trend_axes import plan_axes
    from ui.trend_chart import TrendChart
    from ui.trend_series import spec_key

    app = QApplication.instance() or QApplication([])
    year = year_db_at(path)
    devices, end_ms = dict(year.devices), year.end_ms
    reader = StoreReader(path)
    roles = {row["id"]: Role(row["role"]) for row in reader.devices()}
    stored = channels(reader)
    specs = chart_specs(devices)
    view = (end_ms - VIEW_DAYS * DAY_MS, end_ms)
    margin = int((view[1] - view[0]) * MARGIN)
    from_ms, to_ms = view[0] - margin, view[1] + margin
    chart = TrendChart()
    chart.plot.resize(*SIZE_PX)
    chart.plot.show()
    chart.view.setXRange(view[0] / 1000, view[1] / 1000, padding=0)
    app.processEvents()

    def load_and_draw(specs_: list[TrendSpec], points: int, plain: bool = False) -> list[Series]:
        results = read_set(reader, specs_, roles, from_ms, to_ms, points)
        keys = [spec_key(s, stored) for s in specs_]
        slots = plan_axes(keys)
        chart.draw(results, slots, {k: k for k in keys if k}, 0)
        if plain:  # the baseline: every point drawn, none clipped
            for panel in chart.panels:
                for _, item in panel.items:
                    if hasattr(item, "setDownsampling"):
                        item.setDownsampling(ds=1, auto=False)
                        item.setClipToView(False)
        chart.plot.grab()  # the paint (offscreen)
        return results

    results = load_and_draw(specs, POINTS)
    points = sum(len(s) for s in results)
    print(f"chart: {len(specs)} series, {len(chart.panels)} plots, {points:,} points read (view + margins)")
    for spec, s in zip(specs, results):
        print(f"  {spec.device_id:>8} {spec.quantity:<22} {s.source:>5} {len(s):>5} points")
    rows = [
        (TRENDS, lambda: load_and_draw(specs, POINTS)),
        (ONE, lambda: load_and_draw(specs[:1], POINTS)),
        (UNBOUNDED, lambda: load_and_draw(specs, UNBOUNDED_POINTS, plain=True)),
    ]
    figures = {}
    for name, run_one in rows:
        first, median = timed(run_one, repeat)
        figures[name] = median
        print(f"{name:<34} median {median:7.1f} ms   (warm-up {first:7.1f} ms)")
    only_read, _ = timed(lambda: read_set(reader, specs, roles, from_ms, to_ms, POINTS), 0)
    print(f"{'  of which the read (one run)':<34}        {only_read:7.1f} ms")
    reader.close()
    chart.plot.close()
    return figures


def run(quick: bool, db: Path | None = None) -> list[dict]:
    """The table's row for ``python -m benchmarks``: the 10-series trend against one series."""
    from bench_energy import row

    with tempfile.TemporaryDirectory() as scratch:
        path = db or Path(scratch) / "year.db"
        if db is None:
            from year_db import year_db_at

            year_db_at(path, days=60 if quick else 365)
        figures = measure(path, 3 if quick else 5)
    return [row("Trends: 10 series x 30 days, read and drawn", figures[TRENDS], figures[ONE], BOUND_MS)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a year database to reuse (made there if it does not exist)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        figures = measure(args.db or Path(scratch) / "year.db", args.repeat)
    ours = figures[TRENDS]
    verdict = "PASS" if ours < BOUND_MS else "FAIL"
    print(
        f"{verdict}: {ours:.1f} ms {'<' if ours < BOUND_MS else '>='} {BOUND_MS:.0f} ms bound; "
        f"{ours / figures[ONE]:.1f} x one series, "
        f"{ours / figures[UNBOUNDED]:.2f} x the unbounded baseline"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
