"""Energy benchmark: the Energy page's year, month and day of a year-long 60-device park, read and drawn.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_energy.py [--db year.db] [--repeat 5] [--png year.png]

The database is benchmarks/year_db.py's ``make_year_db`` (60 devices, 365 days; built in a temporary folder
unless ``--db`` names one to reuse or to create); "now" is the end of its data. The periods, of an
energymon.views.energy_periods.Period:

- ``year``: this year (local, in progress): 12 month buckets from the daily rollups;
- ``month``: last month (complete): its day buckets from the daily rollups;
- ``day``: yesterday (raw days: the history writer's rollups): 24 hourly buckets from the hourly rollups.

What is timed, on one machine in one run:

- ``flow_buckets``: energymon.views.energy_buckets.flow_buckets for the five balance flows (PV, grid import
  and export, storage charge and discharge) over the period's buckets;
- ``energy_view``: energymon.views.energy_view.energy_view, what the Energy page reads on the reader thread:
  the bars, the totals and the two comparisons (the previous period and the same period a year before,
  over the same elapsed time while the period is in progress);
- ``drawn year``: what the page does for the year view up to a painted chart: energy_view, then
  ui.energy_chart.EnergyChart.show_view with ui.energy_texts.tick_labels, the figures table's rows
  (ui.energy_texts.figure_rows, no costs yet) into a ui.text_table.TextTableModel as the page's, Qt's
  event processing and a paint of the chart (``grab``, 1400 x 600 px, offscreen);
- ``period_costs year``: energymon.views.energy_costs.period_costs on the recorded tariff for the year (the
  page reads it after the bars, so it is not in the drawn figure), and ui.energy_page.read_costs, the page's
  second read: the costs of the year and of both comparisons; each once at its first look (every month
  computed) and then as the median of later looks (complete months kept, the month in progress computed).

Baseline, in the same run: ``SELECT count(*)`` over the same rollup rows (every flow channel of the park,
the view's rollup table, the view's span and a day either side), on a plain sqlite3 connection. Each figure
is the median of ``--repeat`` runs after one warm-up run (printed too). The bound, for the drawn year view,
is 300 ms; the script prints PASS or FAIL and exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from energymon.accounting.flows import FLOWS_BY_ROLE  # noqa: E402
from energymon.site_time import DAY_MS  # noqa: E402
from energymon.store.reader import StoreReader  # noqa: E402
from energymon.store.rollups import TABLES  # noqa: E402
from energymon.views import energy_costs  # noqa: E402
from energymon.views.energy_buckets import BALANCE_FLOWS, flow_buckets  # noqa: E402
from energymon.views.energy_costs import period_costs, site_tariff  # noqa: E402
from energymon.views.energy_periods import INTERVAL_OF_KIND, Period, period_containing  # noqa: E402
from energymon.views.energy_view import energy_view  # noqa: E402
from energymon.views.site import SiteInfo  # noqa: E402

BOUND_MS = 300.0
CHART_PX = (1400, 600)


def row(figure: str, measured: float, baseline: float | None, target: float | None, unit: str = "ms") -> dict:
    """One line of the benchmarks' table (benchmarks/__main__.py)."""
    return {
        "figure": figure,
        "target": target,
        "measured": measured,
        "baseline": baseline,
        "ratio": None if not baseline else measured / baseline,
        "unit": unit,
        "ok": None if target is None else measured < target,
    }


def measure(path: Path, repeat: int, png: Path | None = None) -> list[dict]:
    """Every figure of the module docstring on the database at ``path`` (made there if missing); printed as it
    goes, returned as the table's rows."""
    from PySide6.QtWidgets import QApplication
    from timing import timed  # benchmarks/ is the script's folder
    from year_db import year_db_at

    from ui import energy_texts
    from ui.energy_chart import EnergyChart
    from ui.energy_page import HEADINGS, read_costs
    from ui.text_table import TextTableModel

    app = QApplication.instance() or QApplication([])
    table: list[dict] = []
    end_ms = year_db_at(path).end_ms
    reader = StoreReader(path)
    site = SiteInfo.from_db(reader.site(), reader.devices())
    zone = site.tz
    channels = [
        channel
        for device in site.devices
        for _, quantity, _ in FLOWS_BY_ROLE[device.role]
        if (channel := reader.channel_id(device.id, quantity)) is not None
    ]
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    marks = ",".join("?" * len(channels))

    today = period_containing("day", end_ms, zone)
    views = {
        "year": period_containing("year", end_ms, zone),
        "month": period_containing("month", end_ms, zone).shifted(-1),
        "day": Period("day", today.first - timedelta(days=1)),
    }

    def read(period: Period) -> dict:
        return flow_buckets(reader, site, INTERVAL_OF_KIND[period.kind], period.edges_ms(zone), end_ms)

    def count(period: Period) -> int:
        sql = (
            f"SELECT count(*) FROM {TABLES[INTERVAL_OF_KIND[period.kind]]}"
            f" WHERE channel_id IN ({marks}) AND bucket_ms >= ? AND bucket_ms < ?"
        )
        start, end = period.start_ms(zone), min(period.end_ms(zone), end_ms)
        return plain.execute(sql, (*channels, start - DAY_MS, end + DAY_MS)).fetchone()[0]

    print(f"{len(site.devices)} devices, {len(channels)} flow counter channels, flows {', '.join(BALANCE_FLOWS)}")
    figures: dict[str, tuple[float, float]] = {}
    for name, period in views.items():
        flows = read(period)
        pv = flows["pv_wh"]
        rows = count(period)
        print(
            f"{name:>5} {period.first} ({INTERVAL_OF_KIND[period.kind]} rollups, {len(pv.energy_wh)} buckets,"
            f" {rows:,} rows): PV {pv.energy_wh.sum() / 1e6:,.1f} MWh,"
            f" {int(pv.has_data.sum())} buckets with data"
        )
        first, median = timed(partial(read, period), repeat)
        view_first, view_median = timed(partial(energy_view, reader, site, period, end_ms), repeat)
        base_first, base = timed(partial(count, period), repeat)
        figures[name] = (median, base)
        table.append(row(f"Energy page: {name} read (energy_view)", view_median, base, None))
        print(f"      flow_buckets median {median:7.1f} ms (warm-up {first:7.1f} ms)")
        print(f"      energy_view  median {view_median:7.1f} ms (warm-up {view_first:7.1f} ms): bars + 2 comparisons")
        print(f"      baseline count(*) median {base:7.2f} ms (warm-up {base_first:7.2f} ms)")

    year = views["year"]
    chart = EnergyChart()
    chart.resize(*CHART_PX)
    chart.show()
    model = TextTableModel(HEADINGS, energy_texts.page_tr, energy_texts.figure_cells)
    app.processEvents()

    def drawn_year() -> None:
        view = energy_view(reader, site, year, end_ms)
        chart.show_view(view, energy_texts.tick_labels(view))
        model.show_rows(energy_texts.figure_rows(view, None))
        app.processEvents()
        chart.grab()  # the paint (offscreen)

    drawn_year()
    shown = chart.view
    assert shown is not None and len(shown.labels) == 12, "the year view has 12 month bars"
    print(
        f"drawn year {year.first.year}: {len(chart.bars)} bar sets, {model.rowCount()} table rows,"
        f" chart {chart.width()} x {chart.height()} px"
    )
    if png:
        chart.grab().save(str(png))
    drawn_first, drawn = timed(drawn_year, repeat)
    print(f"      drawn year view median {drawn:7.1f} ms (warm-up {drawn_first:7.1f} ms)")
    table.insert(0, row("Energy page: year view drawn", drawn, figures["year"][1], BOUND_MS))

    tariff = site_tariff(reader)
    if tariff is None:
        print("period_costs: the database records no tariff (not timed)")
    else:
        energy_costs.forget_months()  # the first look at a year computes its complete months
        started = time.perf_counter()
        costs = period_costs(reader, site, tariff, year, end_ms)
        cold_ms = (time.perf_counter() - started) * 1000
        cost_first, cost = timed(partial(period_costs, reader, site, tariff, year, end_ms), repeat)
        print(
            f"period_costs year ({costs.resolution} buckets, {tariff.name}): energy cost"
            f" {costs.energy_cost:,.0f} {costs.currency}, saved {costs.savings.total_saved:,.0f} {costs.currency}"
        )
        print(f"      period_costs first look {cold_ms:7.1f} ms (every month computed): after the bars")
        print(f"      period_costs median {cost:7.1f} ms (warm-up {cost_first:7.1f} ms): complete months kept")
        energy_costs.forget_months()
        started = time.perf_counter()
        read_costs(reader, site, shown)
        all_cold = (time.perf_counter() - started) * 1000
        print(f"      the page's read_costs first look {all_cold:7.1f} ms")
        all_first, all_costs = timed(partial(read_costs, reader, site, shown), repeat)
        print(
            f"      the page's read_costs (year, previous, year before) median {all_costs:7.1f} ms"
            f" (warm-up {all_first:7.1f} ms)"
        )
        table.append(row("Energy page: the year's costs, first look", all_cold, figures["year"][1], None))
        table.append(row("Energy page: the year's costs, later looks", all_costs, figures["year"][1], None))
    chart.close()
    plain.close()
    reader.close()
    return table


def run(quick: bool, db: Path | None = None) -> list[dict]:
    """The table's rows for ``python -m benchmarks`` (``db``: a year database to use or make; a temporary
    one otherwise, of 365 days or, quick, 60)."""
    if db is not None:
        return measure(db, 3 if quick else 5)
    from year_db import year_db_at

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "year.db"
        year_db_at(path, days=60 if quick else 365)
        return measure(path, 3 if quick else 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a year database to reuse (made there if it does not exist)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--png", type=Path, help="save the drawn year chart there (to look at it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        table = measure(args.db or Path(scratch) / "year.db", args.repeat, args.png)
    drawn, base = table[0]["measured"], table[0]["baseline"]
    verdict = "PASS" if drawn < BOUND_MS else "FAIL"
    print(
        f"{verdict}: drawn year view {drawn:.1f} ms {'<' if drawn < BOUND_MS else '>='} {BOUND_MS:.0f} ms bound;"
        f" {drawn / base:.0f} x the year's count(*) baseline"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
