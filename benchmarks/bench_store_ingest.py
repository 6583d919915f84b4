"""Store ingest benchmark: samples/s through the writer against raw executemany, CPU per sample, file vs content.

Run: .venv/bin/python benchmarks/bench_store_ingest.py [--quick] [--reps R]

The load is bench_store's reference park (60 devices x 8 quantities every 5 s, values at register
resolution), handed over as one SampleBatch per poll, built before the clock starts (building them is the
collector's cost). Figures:

- writer: the real path - SampleBatch -> StoreWriter's queue -> its thread -> SQLite (WAL,
  ``synchronous=FULL``, rollups updated in the same transaction), timed from the first hand-over until
  ``close()`` returns (everything committed). CPU is the process's (every thread) over that window.
- baseline, in the same run and interleaved with it (writer, baseline, writer, ...; medians): the same
  samples as (channel, ts_ms, value) rows into a plain rowid table without index, ``executemany`` in
  transactions of the writer's batch size, WAL and ``synchronous=FULL``: what SQLite costs at least.
- file vs content: a day and a bit through the writer, then its maintenance (compaction of the complete day
  into blocks, release of the freed pages); file size (after a checkpoint) against the pages in use
  (``page_count - freelist_count``), and bytes per sample of the raw blocks and the rollups (dbstat).
- 1,000-device park (5 s polls): the last part of a UTC day and the first minutes of the next through the
  writer, compaction, file vs content, and a year all in: raw and one-minute blocks per sample as measured on
  the reference park's longer blocks (the same values per channel), the 15 min / 1 h / 1 d rows per
  channel-day as measured on the 1,000 devices, plus the current day's rows at most.
- demo park: ``energymon simulate --backfill-days N`` (energymon.backfill.runner), file bytes per sample.

The load average is printed with every figure: the machine is shared. Asserts nothing; exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
for _path in (HERE, HERE.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
from bench_store import DAY_MS, POLL_MS, QUANTITIES, T0  # noqa: E402

from energymon.store.writer import SampleBatch, StoreWriter  # noqa: E402

TARGET_RATE = 400_000  # samples/s through the writer
TARGET_FILE_RATIO = 2.0  # file size / pages in use
TARGET_BYTES = 4.0  # bytes per sample, a year of a 1,000-device park all in
BATCH_ROWS = StoreWriter.__init__.__kwdefaults__ or {}


def _load() -> float:
    return os.getloadavg()[0]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def poll_chunks(devices: int, from_ms: int, to_ms: int, chunk_polls: int = 60) -> Iterator[list[SampleBatch]]:
    """SampleBatches of every poll of ``devices`` in [from_ms, to_ms), ``chunk_polls`` polls at a time.

    Values as bench_store's: power in W on a random walk, its counter in Wh, voltages 0.1 V, currents 0.01 A;
    each device staggered in the poll interval, +-30 ms jitter.
    """
    rng = np.random.default_rng(1)
    names = [f"dev-{d:04d}" for d in range(devices)]
    power, energy = np.full(devices, 200_000.0), np.full(devices, 1e8)
    stagger = np.arange(devices, dtype=np.int64)[:, None] * (POLL_MS // devices)
    first, last = -(-(from_ms - T0) // POLL_MS), -(-(to_ms - T0) // POLL_MS)
    for p0 in range(first, last, chunk_polls):
        n = min(chunk_polls, last - p0)
        ts = T0 + (p0 + np.arange(n, dtype=np.int64)) * POLL_MS + stagger + rng.integers(-30, 31, (devices, n))
        walk = np.clip(power[:, None] + np.cumsum(rng.normal(0, 1500, (devices, n)), axis=1), 0, None).round()
        counter = energy[:, None] + np.cumsum(walk * POLL_MS / 3.6e6, axis=1)
        power, energy = walk[:, -1], counter[:, -1]
        values = {"power_w": walk, "consumed_wh": counter.round()}
        for k in (1, 2, 3):
            values[f"voltage_l{k}_v"] = (230 + rng.normal(0, 1.2, (devices, n))).round(1)
            values[f"current_l{k}_a"] = (walk / 3 / 230 + rng.normal(0, 0.3, (devices, n))).round(2)
        stamps = ts.tolist()
        lists = {q: values[q].tolist() for q in QUANTITIES}
        yield [
            SampleBatch(name, stamps[d][p], {q: lists[q][d][p] for q in QUANTITIES})
            for p in range(n)
            for d, name in enumerate(names)
        ]


def through_writer(
    path: Path, items: Iterable[SampleBatch], chunks: Iterable[list[SampleBatch]] = ()
) -> tuple[float, float]:
    """(seconds, CPU seconds) from the first hand-over until every sample is committed; ``chunks`` are handed
    over as they come (the queue kept under 1 M samples), after ``items``."""
    writer = StoreWriter(path, compact_every_s=1e9)
    cpu, started = _cpu_s(), time.perf_counter()
    for item in items:
        writer.put_samples(item)
    handed = 0
    for chunk in chunks:
        for item in chunk:
            writer.put_samples(item)
            handed += len(item.values)
        while handed - writer.rows_committed > 1_000_000 and writer.error is None:
            time.sleep(0.01)
    writer.close(timeout_s=3600)
    elapsed, cpu = time.perf_counter() - started, _cpu_s() - cpu
    if writer.error is not None:
        raise RuntimeError(writer.error)
    return elapsed, cpu


def raw_executemany(path: Path, items: list[SampleBatch], batch_rows: int) -> tuple[float, float]:
    """The baseline: the same samples into a plain table, ``executemany`` per transaction of ``batch_rows``."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE samples (channel_id INTEGER, ts_ms INTEGER, value REAL)")
    channels: dict[tuple[str, str], int] = {}
    cpu, started = _cpu_s(), time.perf_counter()
    rows: list[tuple[int, int, float]] = []
    for item in items:
        for q, v in item.values.items():
            rows.append((channels.setdefault((item.device_id, q), len(channels)), item.ts_ms, v))  # type: ignore[arg-type]
        if len(rows) >= batch_rows:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO samples VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
            rows = []
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO samples VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started, _cpu_s() - cpu


def sizes(path: Path) -> dict[str, int]:
    """File bytes after a checkpoint, bytes of the pages in use, and per part (dbstat)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages, free = conn.execute("PRAGMA page_count").fetchone()[0], conn.execute("PRAGMA freelist_count").fetchone()[0]
    parts = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    auto_vacuum = conn.execute("PRAGMA auto_vacuum").fetchone()[0]
    hot_rows = conn.execute("SELECT count(*) FROM samples").fetchone()[0]
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ROW_TABLES}
    conn.close()
    blocks = sum(v for k, v in parts.items() if "sample_blocks" in k)
    rollup = sum(v for k, v in parts.items() if "rollup" in k)
    return {
        "file": path.stat().st_size,
        "used": (pages - free) * page,
        "free": free * page,
        "blocks": blocks,
        "rollups": rollup,
        "hot": parts.get("samples", 0),
        "hot_rows": hot_rows,
        "auto_vacuum": auto_vacuum,
        **{f"{t}_bytes": parts.get(t, 0) for t in (*ROW_TABLES, "rollup_1min", "rollup_1min_blocks")},
        **{f"{t}_rows": n for t, n in counts.items()},
    }


ROW_TABLES = ("rollup_15min", "rollup_1h", "rollup_1d")
ROWS_PER_CHANNEL_DAY = {"rollup_15min": 96, "rollup_1h": 24, "rollup_1d": 1}


def blocks_per_sample(found: dict[str, int], compacted: int) -> float:
    """Bytes per compacted sample of the raw day blocks and the one-minute rollup blocks."""
    return (found["blocks"] + found["rollup_1min_blocks_bytes"]) / compacted


def year_all_in(found: dict[str, int], blocks_b: float) -> float:
    """Bytes per sample of a year all in: ``blocks_b`` (raw and one-minute blocks per sample, measured on
    complete days), the 15 min / 1 h / 1 d rows at their measured bytes per row times the rows a channel has
    in a day (96, 24, 1) over its samples of a day, and one day of rows (``samples``, ``rollup_1min``) at most,
    spread over the year."""
    per_channel_day = DAY_MS // POLL_MS
    rows = sum(
        found[f"{t}_bytes"] / max(1, found[f"{t}_rows"]) * n / per_channel_day for t, n in ROWS_PER_CHANNEL_DAY.items()
    )
    hot = (found["hot"] + found["rollup_1min_bytes"]) / max(1, found["hot_rows"])
    print(
        f"  per sample: raw + one-minute blocks {blocks_b:.2f} B, 15 min / 1 h / 1 d rows {rows:.2f} B, the current "
        f"day's rows {hot:.1f} B (one day in a year: {hot / 365:.2f} B)"
    )
    return blocks_b + rows + hot / 365


def _num(x: float | None) -> str:
    return "-" if x is None else (f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.2f}")


def _row(figure: str, target: float | None, measured: float, baseline: float | None, unit: str, ok) -> dict:
    ratio = measured / baseline if baseline else None
    row = {"figure": figure, "target": target, "measured": measured, "baseline": baseline, "ratio": ratio}
    row.update(unit=unit, ok=ok)
    verdict = "-" if ok is None else ("ok" if ok else "NOT MET")
    print(
        f"{figure:<52} target {_num(target):>9} measured {_num(measured):>10} baseline {_num(baseline):>10} "
        f"ratio {_num(ratio):>5} {unit:<10} {verdict:<7} load {_load():.2f}",
        flush=True,
    )
    return row


def ingest_rate(quick: bool, reps: int) -> list[dict]:
    devices = 60
    span_ms = (1 if quick else 3) * 3_600_000 * 2  # 2 h quick (0.69 M samples), 6 h full (2.07 M)
    items = [item for chunk in poll_chunks(devices, T0, T0 + span_ms) for item in chunk]
    samples = sum(len(i.values) for i in items)
    batch_rows = BATCH_ROWS.get("max_rows", 200_000)
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            for name, runs in (("writer", ours), ("baseline", base)):
                path = Path(tmp) / f"{name}-{rep}.db"
                if name == "writer":
                    runs.append(through_writer(path, items))
                else:
                    runs.append(raw_executemany(path, items, batch_rows))
                for p in Path(tmp).glob(f"{name}-{rep}.db*"):
                    p.unlink()
                print(
                    f"  {name} run {rep + 1}: {samples / runs[-1][0]:,.0f} samples/s, "
                    f"{runs[-1][1] / samples * 1e6:.2f} us CPU/sample, load {_load():.2f}",
                    flush=True,
                )
    rate = statistics.median(samples / s for s, _ in ours)
    base_rate = statistics.median(samples / s for s, _ in base)
    cpu = statistics.median(c / samples * 1e6 for _, c in ours)
    base_cpu = statistics.median(c / samples * 1e6 for _, c in base)
    print(
        f"  {samples:,} samples ({devices} devices x {len(QUANTITIES)} quantities, {POLL_MS / 1000:g} s), {reps} reps"
    )
    return [
        _row("store writer ingest (median)", TARGET_RATE, rate, base_rate, "samples/s", rate >= TARGET_RATE),
        _row("store writer CPU per sample (median)", None, cpu, base_cpu, "us/sample", None),
    ]


def file_vs_content(devices: int, hours_before: float, minutes_after: float, label: str) -> tuple[dict, int]:
    """Ingest the end of day 0 and the start of day 1, compact, release; (sizes, samples)."""
    from_ms = T0 + DAY_MS - int(hours_before * 3_600_000)
    to_ms = T0 + DAY_MS + int(minutes_after * 60_000)
    samples = _samples(devices, from_ms, to_ms)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "site.db"
        elapsed, _ = through_writer(path, (), poll_chunks(devices, from_ms, to_ms))
        writer = StoreWriter(path)
        started = time.perf_counter()
        writer.maintain()
        maintain_s = time.perf_counter() - started
        writer.close()
        result = sizes(path)
    print(
        f"  {label}: {samples:,} samples in {elapsed:.1f} s ({samples / elapsed:,.0f}/s), maintenance "
        f"{maintain_s:.1f} s; file {result['file'] / 1e6:.1f} MB, in use {result['used'] / 1e6:.1f} MB, free "
        f"{result['free'] / 1e6:.1f} MB, blocks {result['blocks'] / 1e6:.1f} MB, rollups "
        f"{result['rollups'] / 1e6:.1f} MB, today's rows {result['hot'] / 1e6:.1f} MB, auto_vacuum "
        f"{result['auto_vacuum']}; load {_load():.2f}",
        flush=True,
    )
    return result, samples


def _samples(devices: int, from_ms: int, to_ms: int) -> int:
    return devices * len(QUANTITIES) * (-(-(to_ms - T0) // POLL_MS) - -(-(from_ms - T0) // POLL_MS))


def space(quick: bool) -> list[dict]:
    devices, hours = (20, 4) if quick else (60, 24)
    ref, ref_samples = file_vs_content(devices, hours, 20, f"reference park, {devices} devices, {hours} h of a day")
    ratio, per_sample = ref["file"] / ref["used"], ref["file"] / ref_samples
    ref_blocks = blocks_per_sample(ref, devices * len(QUANTITIES) * hours * 3_600_000 // POLL_MS)
    rows = [
        _row("reference park: file / content after compaction", TARGET_FILE_RATIO, ratio, None, "x", ratio <= 2),
        _row("reference park: file bytes/sample after compaction", None, per_sample, None, "B/sample", None),
        _row(f"reference park: raw + 1-min blocks ({hours} h blocks)", None, ref_blocks, None, "B/sample", None),
    ]
    devices = 1000
    hours_park = 0.25 if quick else 1.0
    park, _ = file_vs_content(devices, hours_park, 11, "1,000-device park, 5 s (generated while written)")
    ratio = park["file"] / park["used"]
    rows.append(_row("1,000-device park: file / content", TARGET_FILE_RATIO, ratio, None, "x", ratio <= 2))
    # Blocks per sample from the reference park's longer blocks (the same values per channel; a block of a
    # quarter hour carries its headers over 180 samples), the rows of a channel-day from the 1,000 devices.
    year = year_all_in(park, ref_blocks)
    rows.append(_row("1,000-device park: a year all in", TARGET_BYTES, year, None, "B/sample", year <= TARGET_BYTES))
    return rows


def demo_park(days: int) -> list[dict]:
    from importlib import resources

    from energymon.backfill.runner import backfill_database
    from energymon.config import load_config

    config = load_config(str(resources.files("energymon.data").joinpath("demo-park.toml")))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "history.db"
        result = backfill_database(config, db, days, 1, Path(tmp) / "state.json", report=lambda line: None)
        found = sizes(db)
        size = sum(p.stat().st_size for p in Path(tmp).glob("history.db*"))
    print(f"  demo park, {days} days of backfill: {result.samples:,} samples in {result.seconds:.1f} s", flush=True)
    return [
        _row(f"demo park backfill {days} d: file bytes/sample", None, size / result.samples, None, "B/sample", None),
        _row(f"demo park backfill {days} d: file / content", TARGET_FILE_RATIO, size / found["used"], None, "x", None),
    ]


def run(quick: bool, reps: int | None = None) -> list[dict]:
    """The rows of this benchmark (see the module docstring); quick: smaller loads, fewer repeats."""
    print(f"store ingest benchmark ({'quick' if quick else 'full'}), load {_load():.2f}, {os.cpu_count()} CPUs")
    rows = ingest_rate(quick, reps or (3 if quick else 5))
    rows += space(quick)
    rows += demo_park(1 if quick else 7)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller loads, fewer repeats (under 2 minutes)")
    parser.add_argument("--reps", type=int, default=None, help="interleaved writer/baseline runs")
    args = parser.parse_args()
    run(args.quick, args.reps)


if __name__ == "__main__":
    main()
