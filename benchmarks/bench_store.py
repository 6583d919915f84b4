"""Store benchmark: ingest rate, bytes per sample and a device-day query, against a plain narrow table.

Run: .venv/bin/python benchmarks/bench_store.py [--days D] [--devices N]

The load is the issue's reference park: 60 devices x 8 quantities polled every
5 s (about 8.3 million samples a day), with poll-time jitter (+-30 ms) and
values at register resolution that move like real readings (power in W on a
random walk, counters in Wh, voltages 0.1 V, currents 0.01 A, frequency
0.01 Hz). Both stores get the same samples in the same run on the same
machine:

- energymon: the live path - one SampleBatch per poll into StoreWriter
  (batches of up to 20 000 rows, rollups updated with every batch), then the
  writer's regular maintenance compacts complete days into blocks, as it does
  every minute in service.
- baseline: a plain narrow table (device TEXT, quantity TEXT, ts INTEGER,
  value REAL) with an index on (device, quantity, ts), 20 000-row
  transactions, WAL, synchronous=FULL.

Prints measured figures (and a year extrapolated from them); asserts nothing
about speed.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

POLL_MS = 5000
DAY_MS = 86_400_000
T0 = 1_790_006_400_000 - 1_790_006_400_000 % DAY_MS  # a UTC midnight
QUANTITIES = (
    "power_w",
    "consumed_wh",
    "voltage_l1_v",
    "voltage_l2_v",
    "voltage_l3_v",
    "current_l1_a",
    "current_l2_a",
    "current_l3_a",
)


def day_of_readings(day: int, devices: int, seed: int = 1):
    """(ts_ms array [devices, polls], {quantity: values [devices, polls]}) of one day."""
    rng = np.random.default_rng(seed * 1000 + day)
    polls = DAY_MS // POLL_MS
    ts = (
        T0
        + day * DAY_MS
        + np.arange(polls, dtype=np.int64) * POLL_MS
        + np.arange(devices, dtype=np.int64)[:, None] * (POLL_MS // devices)  # stagger
        + rng.integers(-30, 31, (devices, polls))
    )
    power = np.clip(200_000 + np.cumsum(rng.normal(0, 1500, (devices, polls)), axis=1), 0, None).round()
    counter = (1e8 + day * 4.8e6 + np.cumsum(power * POLL_MS / 3.6e6, axis=1)).round()
    values = {"power_w": power, "consumed_wh": counter}
    for i in (1, 2, 3):
        values[f"voltage_l{i}_v"] = (230 + rng.normal(0, 1.2, (devices, polls))).round(1)
        values[f"current_l{i}_a"] = (power / 3 / 230 + rng.normal(0, 0.3, (devices, polls))).round(2)
    return ts, values


def polls(days: float, devices: int):
    """Every poll of the load, day by day: (device name, ts_ms, {quantity: value})."""
    names = [f"dev-{d:02d}" for d in range(devices)]
    for day in range(int(np.ceil(days))):
        ts, values = day_of_readings(day, devices)
        count = ts.shape[1] if day + 1 <= days else int(ts.shape[1] * (days - day))
        lists = {q: v.tolist() for q, v in values.items()}
        stamps = ts.tolist()
        for p in range(count):
            for d, name in enumerate(names):
                yield name, stamps[d][p], {q: lists[q][d][p] for q in QUANTITIES}


def run_energymon(path: Path, days: float, devices: int) -> dict:
    writer = StoreWriter(path, max_rows=20_000, max_delay_s=1.0, compact_every_s=3600 * 24 * 365)
    started = time.perf_counter()
    count = 0
    for name, ts, values in polls(days, devices):
        writer.put_samples(SampleBatch(name, ts, values))
        count += len(values)
        if count % 100_000 < len(values):
            while count - writer.rows_committed > 400_000:  # keep the queue bounded
                time.sleep(0.01)
    writer.close(timeout_s=3600)
    ingest_s = time.perf_counter() - started
    writer = StoreWriter(path)
    started = time.perf_counter()
    writer.maintain()  # what the writer does every minute in service: complete days into blocks
    compact_s = time.perf_counter() - started
    writer.close()
    return {"samples": count, "ingest_s": ingest_s, "compact_s": compact_s, **_sizes(path)}


def run_baseline(path: Path, days: float, devices: int) -> dict:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE samples (device TEXT, quantity TEXT, ts INTEGER, value REAL)")
    conn.execute("CREATE INDEX samples_key ON samples (device, quantity, ts)")
    started = time.perf_counter()
    rows: list[tuple[str, str, int, float]] = []
    count = 0
    for name, ts, values in polls(days, devices):
        rows.extend((name, q, ts, v) for q, v in values.items())
        if len(rows) >= 20_000:
            with conn:
                conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
            count += len(rows)
            rows = []
    with conn:
        conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
    count += len(rows)
    conn.close()
    ingest_s = time.perf_counter() - started
    sizes = _sizes(path)
    sizes["raw_bytes"] = sizes["baseline_bytes"]  # table and index
    return {"samples": count, "ingest_s": ingest_s, "compact_s": 0.0, **sizes}


BLOCK_TABLES = ("sample_blocks", "sample_blocks_by_time", "sqlite_autoindex_sample_blocks_1")
HOT_TABLES = ("samples", "rollup_1min")


def _sizes(path: Path) -> dict:
    """Bytes on disk per table (indexes included) after a checkpoint; free pages counted apart."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    free = conn.execute("PRAGMA freelist_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    blocks = sum(pages.get(k, 0) for k in BLOCK_TABLES)
    hot = sum(pages.get(k, 0) for k in HOT_TABLES)
    rollups = sum(v for k, v in pages.items() if k.startswith(("rollup_", "sqlite_autoindex_rollup"))) - pages.get(
        "rollup_1min", 0
    )
    baseline = pages.get("samples", 0) + pages.get("samples_key", 0)
    return {
        "file_bytes": path.stat().st_size,
        "raw_bytes": blocks + pages.get("samples", 0),
        "blocks": blocks,
        "hot": hot,
        "rollups": rollups,
        "free": free,
        "baseline_bytes": baseline,
    }


def query_day_energymon(path: Path, device: str) -> tuple[float, int]:
    reader = StoreReader(path)
    started = time.perf_counter()
    n = sum(reader.raw(device, q, T0, T0 + DAY_MS)[0].size for q in QUANTITIES)
    elapsed = time.perf_counter() - started
    reader.close()
    return elapsed, n


def query_day_baseline(path: Path, device: str) -> tuple[float, int]:
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    n = sum(
        len(
            conn.execute(
                "SELECT ts, value FROM samples WHERE device = ? AND quantity = ? AND ts >= ? AND ts < ? ORDER BY ts",
                (device, q, T0, T0 + DAY_MS),
            ).fetchall()
        )
        for q in QUANTITIES
    )
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=2.1, help="days of the reference load (default 2.1)")
    parser.add_argument("--devices", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = run_baseline(Path(tmp) / "baseline.db", args.days, args.devices)
        device = f"dev-{min(7, args.devices - 1):02d}"
        base_q = query_day_baseline(Path(tmp) / "baseline.db", device)
        ours = run_energymon(Path(tmp) / "energymon.db", args.days, args.devices)
        ours_q = query_day_energymon(Path(tmp) / "energymon.db", device)
    per_day = args.devices * len(QUANTITIES) * DAY_MS // POLL_MS
    print(
        f"load: {args.devices} devices x {len(QUANTITIES)} quantities every {POLL_MS / 1000:g} s "
        f"= {per_day:,} samples/day; {args.days:g} days"
    )
    print(
        f"{'store':<44} {'samples':>11} {'samples/s':>10} {'raw B/sample':>13} {'file B/sample':>14} "
        f"{'device-day query':>17}"
    )
    for label, result, (query_s, query_n) in (
        ("baseline: narrow table + index", base, base_q),
        ("energymon: rows -> day blocks, + rollups", ours, ours_q),
    ):
        n = result["samples"]
        rate = n / (result["ingest_s"] + result["compact_s"])
        print(
            f"{label:<44} {n:>11,} {rate:>10,.0f} {result['raw_bytes'] / n:>13.2f} "
            f"{result['file_bytes'] / n:>14.2f} {query_s * 1000:>11.1f} ms ({query_n:,})"
        )
    print(f"energymon compaction of complete days: {ours['compact_s']:.1f} s of the above")
    complete_days = int(args.days)
    compacted = complete_days * per_day
    block_b = ours["blocks"] / compacted
    rollup_b = ours["rollups"] / ours["samples"]
    print(
        f"energymon on disk: day blocks {ours['blocks'] / 1e6:.1f} MB for {complete_days} complete days = "
        f"{block_b:.2f} bytes/sample (indexes included); rollups (15min/1h/1d rows + one-minute day blocks) "
        f"{rollup_b:.2f} bytes/sample; today's rows (samples + rollup_1min) {ours['hot'] / 1e6:.1f} MB; "
        f"free pages (yesterday's rows, reused today) {ours['free'] / 1e6:.1f} MB"
    )
    hot_capacity = (ours["hot"] + ours["free"]) / 1e9
    year_all = per_day * 365 * (block_b + rollup_b) / 1e9 + hot_capacity
    print(
        f"a year of this park: energymon {year_all:.1f} GB with every raw sample kept "
        f"({per_day * 365 * block_b / 1e9:.1f} GB raw blocks, {per_day * 365 * rollup_b / 1e9:.1f} GB rollups, "
        f"~{hot_capacity:.1f} GB for the current day's rows); with raw_retention_days = 35: "
        f"{(per_day * (35 * block_b + 365 * rollup_b)) / 1e9 + hot_capacity:.1f} GB; "
        f"baseline {per_day * 365 * base['baseline_bytes'] / base['samples'] / 1e9:.1f} GB"
    )


if __name__ == "__main__":
    main()
