"""energymon.store.ingest, energymon.store.multirow and energymon.store.vacuum: the writer's batch path.

The batch path must store exactly what one-sample-at-a-time code would: the reference below is the writer's
former per-channel loop, written out plainly.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from energymon.store import ingest, multirow, vacuum
from energymon.store.reader import StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter

T0 = 1_700_000_000_000
DAY_MS = 86_400_000


def reference(batches, channels):
    """(channel, ts_ms, value) as the per-sample loop kept them: first reading of a (channel, ts) stands."""
    by_channel: dict[int, list[tuple[int, float]]] = {}
    for b in batches:
        for q, v in b.values.items():
            if v is not None:
                by_channel.setdefault(channels[(b.device_id, q)], []).append((b.ts_ms, v))
    out = []
    for channel, pairs in sorted(by_channel.items()):
        pairs.sort(key=lambda p: p[0])
        seen = set()
        for ts, v in pairs:
            if ts not in seen:
                seen.add(ts)
                out.append((channel, ts, v))
    return out


def test_gather_matches_the_per_sample_loop_with_repeats_missing_values_and_disorder():
    rng = np.random.default_rng(3)
    quantities = ["power_w", "yield_wh", "voltage_l1_v"]
    batches = []
    for _ in range(400):
        device = f"d{rng.integers(0, 5)}"
        ts = T0 + int(rng.integers(0, 50)) * 1000  # many repeats of (device, ts), out of order
        values = {q: (None if rng.random() < 0.2 else float(rng.integers(0, 1000))) for q in quantities}
        batches.append(SampleBatch(device, ts, values))
    channels: dict[tuple[str, str], int] = {}

    def channels_of(device, keys):
        return tuple(channels.setdefault((device, q), len(channels) + 1) for q in keys)

    channel, ts, value = ingest.gather(batches, channels_of)
    expected = reference(batches, channels)
    assert list(zip(channel.tolist(), ts.tolist(), value.tolist())) == expected
    with_values = {(b.device_id, q) for b in batches for q, v in b.values.items() if v is not None}
    assert set(channels) == with_values  # no channel for a quantity that never had a value


def test_gather_of_nothing_and_of_only_missing_values():
    channel, ts, value = ingest.gather([SampleBatch("d", T0, {"power_w": None})], lambda d, k: (1,) * len(k))
    assert channel.size == ts.size == value.size == 0


def test_a_batch_through_the_writer_drops_what_is_stored_in_rows_or_blocks(tmp_path):
    path = tmp_path / "site.db"
    writer = StoreWriter(path, max_delay_s=60.0)
    for i in range(3):
        writer.put_samples(SampleBatch("m", T0 + i * 1000, {"power_w": float(i)}))
    writer.close()
    writer = StoreWriter(path, max_delay_s=60.0)  # a new writer learns the newest instant from the database
    for i in range(1, 6):
        writer.put_samples(SampleBatch("m", T0 + i * 1000, {"power_w": 100.0 + i}))
    writer.close()
    assert writer.error is None
    reader = StoreReader(path)
    try:
        ts, values = reader.raw("m", "power_w", T0, T0 + 10_000)
    finally:
        reader.close()
    assert ts.tolist() == [T0 + i * 1000 for i in range(6)]
    assert values.tolist() == [0.0, 1.0, 2.0, 103.0, 104.0, 105.0]  # the stored three stand


@pytest.mark.parametrize("rows", [0, 1, 332, 333, 334, 1000])
def test_insert_rows_stores_every_row_in_order(rows):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (i INTEGER PRIMARY KEY, a TEXT, b REAL)")
    data = [(i, f"r{i}", i / 3) for i in range(rows)]
    multirow.insert_rows(conn, "INSERT INTO t (i, a, b)", 3, iter(data))
    assert conn.execute("SELECT i, a, b FROM t ORDER BY rowid").fetchall() == data


def test_insert_rows_with_a_tail_runs_the_upsert_row_after_row():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER)")
    multirow.insert_rows(
        conn, "INSERT INTO t (k, n)", 2, [(1, 1), (2, 1), (1, 5)], "ON CONFLICT (k) DO UPDATE SET n = n + excluded.n"
    )
    assert conn.execute("SELECT k, n FROM t ORDER BY k").fetchall() == [(1, 6), (2, 1)]


def test_a_new_database_releases_the_pages_compaction_frees(tmp_path):
    path = tmp_path / "site.db"
    writer = StoreWriter(path, max_delay_s=60.0, compact_every_s=1e9)
    for i in range(0, DAY_MS + 20 * 60_000, 5000):
        writer.put_samples(SampleBatch("m", T0 - T0 % DAY_MS + i, {"power_w": float(i % 7919), "voltage_l1_v": 230.0}))
    writer.close()
    writer = StoreWriter(path)
    try:
        assert vacuum.incremental(writer.db)
        raw_before = writer.db.execute("SELECT count(*) FROM samples").fetchone()[0]
        assert writer.maintain()
        assert writer.db.execute("SELECT count(*) FROM samples").fetchone()[0] < raw_before / 10
        free, pages = vacuum.free_pages(writer.db)
        assert free <= pages * vacuum.KEEP_FREE_FRACTION
    finally:
        writer.close()


def test_an_existing_database_without_auto_vacuum_keeps_its_setting_and_still_compacts(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE legacy (x)")  # a file that has tables already: as one created before this version
    conn.close()
    db = open_db(path)
    try:
        assert not vacuum.incremental(db)
        assert vacuum.release_free_pages(db)  # nothing to do, nothing raised
    finally:
        db.close()
