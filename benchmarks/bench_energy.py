"""Energy benchmark: the site's energy per flow for a year, a month and a day of a year-long 60-device park.

Run: .venv/bin/python benchmarks/bench_energy.py [--db year.db] [--repeat 5]

The database is benchmarks/year_db.py's ``make_year_db`` (60 devices, 365 days; built in a temporary folder
unless ``--db`` names one to reuse or to create). Each view is one call of
energymon.views.energy_buckets.flow_buckets for the five balance flows (PV, grid import and export, storage
charge and discharge) over the buckets of an energymon.views.energy_periods.Period, as the Energy page reads
them on the reader thread:

- ``year``: this year (local), 12 month buckets from the daily rollups;
- ``month``: last month (complete), its day buckets from the daily rollups;
- ``day``: yesterday (raw days: the history writer's rollups), 24 hourly buckets from the hourly rollups.

Baseline, in the same run: ``SELECT count(*)`` over the same rollup rows (every flow channel of the park,
the view's rollup table, the view's span and a day either side), on a plain sqlite3 connection. Each figure
is the median of ``--repeat`` runs after one warm-up run (printed too). The bound for the year view is
300 ms; the script prints PASS or FAIL and exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from the repository

from energymon.accounting.flows import FLOWS_BY_ROLE  # noqa: E402
from energymon.site_time import DAY_MS  # noqa: E402
from energymon.store.reader import StoreReader  # noqa: E402
from energymon.store.rollups import TABLES  # noqa: E402
from energymon.views.energy_buckets import BALANCE_FLOWS, flow_buckets  # noqa: E402
from energymon.views.energy_periods import INTERVAL_OF_KIND, Period, period_containing  # noqa: E402
from energymon.views.site import SiteInfo  # noqa: E402

BOUND_MS = 300.0


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(warm-up ms, median of ``repeat`` further runs, ms)."""
    start = time.perf_counter()
    run()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs) if runs else first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a year database to reuse (made there if it does not exist)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from year_db import TIMEZONE, make_year_db  # benchmarks/ is the script's folder

    with tempfile.TemporaryDirectory() as scratch:
        path = args.db or Path(scratch) / "year.db"
        started = time.perf_counter()
        if path.exists():
            end_ms = int(time.time() * 1000)
            print(f"database: {path} (reused)")
        else:
            year = make_year_db(path, devices=60, days=365)
            end_ms = year.end_ms
            print(f"database: {path}, {len(year.device_ids)} devices, 365 days, {TIMEZONE}")
            print(f"  built in {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:,.0f} MB")
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
            first, median = timed(partial(read, period), args.repeat)
            base_first, base = timed(partial(count, period), args.repeat)
            figures[name] = (median, base)
            print(f"      flow_buckets median {median:7.1f} ms (warm-up {first:7.1f} ms)")
            print(f"      baseline count(*) median {base:7.2f} ms (warm-up {base_first:7.2f} ms)")
        plain.close()
        reader.close()
        ours, base = figures["year"]
        verdict = "PASS" if ours < BOUND_MS else "FAIL"
        print(
            f"{verdict}: year view {ours:.1f} ms < {BOUND_MS:.0f} ms bound; {ours / base:.0f} x the count(*) baseline"
        )
        return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
