"""Store benchmark: ingest rate and bytes per sample, against a plain narrow-table baseline.

Run: .venv/bin/python benchmarks/bench_store.py [--samples N]

Both stores get the same synthetic load (17 devices x 10 quantities at a 5 s
poll, values that change like real readings) in transactions of 20 000 rows,
in the same run on the same machine. Prints measured figures; asserts nothing
about speed.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import tempfile
import time
from pathlib import Path

from energymon.store import SampleBatch, StoreWriter

DEVICES = [f"dev-{i:02d}" for i in range(17)]
QUANTITIES = ["power_w", "yield_wh", "voltage_l1_v", "voltage_l2_v", "voltage_l3_v",
              "current_l1_a", "current_l2_a", "current_l3_a", "frequency_hz", "power_factor"]


def synthetic(n_samples: int):
    polls = n_samples // (len(DEVICES) * len(QUANTITIES))
    t0 = 1_790_000_000_000
    for p in range(polls):
        ts = t0 + p * 5000
        for d, device in enumerate(DEVICES):
            x = p / 720 + d
            values = {
                "power_w": round(200_000 * max(0.0, math.sin(x)), 0),
                "yield_wh": 1e9 + p * 250.0 + d,
                "voltage_l1_v": round(230 + 2 * math.sin(x * 7), 1),
                "voltage_l2_v": round(229 + 2 * math.sin(x * 5), 1),
                "voltage_l3_v": round(231 + 2 * math.sin(x * 3), 1),
                "current_l1_a": round(300 * max(0.0, math.sin(x)), 1),
                "current_l2_a": round(301 * max(0.0, math.sin(x)), 1),
                "current_l3_a": round(299 * max(0.0, math.sin(x)), 1),
                "frequency_hz": round(50 + 0.02 * math.sin(x * 11), 2),
                "power_factor": 0.99,
            }
            yield device, ts, values


def run_energymon(path: Path, n: int) -> tuple[float, int, int]:
    writer = StoreWriter(path, max_rows=20_000, max_delay_s=3600)
    started = time.perf_counter()
    count = 0
    for device, ts, values in synthetic(n):
        writer.put_samples(SampleBatch(device, ts, values))
        count += len(values)
    writer.close(timeout_s=600)
    elapsed = time.perf_counter() - started
    return elapsed, count, _size_after_checkpoint(path)


def run_baseline(path: Path, n: int) -> tuple[float, int, int]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE samples (device TEXT, quantity TEXT, ts INTEGER, value REAL)")
    conn.execute("CREATE INDEX samples_key ON samples (device, quantity, ts)")
    started = time.perf_counter()
    rows, count = [], 0
    for device, ts, values in synthetic(n):
        rows.extend((device, q, ts, v) for q, v in values.items())
        if len(rows) >= 20_000:
            with conn:
                conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
            count += len(rows)
            rows = []
    with conn:
        conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
    count += len(rows)
    conn.close()
    elapsed = time.perf_counter() - started
    return elapsed, count, _size_after_checkpoint(path)


def _size_after_checkpoint(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_s, base_n, base_bytes = run_baseline(Path(tmp) / "baseline.db", args.samples)
        em_s, em_n, em_bytes = run_energymon(Path(tmp) / "energymon.db", args.samples)
    print(f"{'store':<34} {'samples':>10} {'samples/s':>11} {'bytes/sample':>13}")
    print(f"{'baseline narrow table + index':<34} {base_n:>10,} {base_n / base_s:>11,.0f} {base_bytes / base_n:>13.1f}")
    print(f"{'energymon samples (WITHOUT ROWID)':<34} {em_n:>10,} {em_n / em_s:>11,.0f} {em_bytes / em_n:>13.1f}")


if __name__ == "__main__":
    main()
