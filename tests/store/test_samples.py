"""The compact raw store: live rows compacted into day blocks, history straight into blocks, rollups kept,
raw retention, an upgrade from the first schema, and the size of a realistic day."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest
import sqlite_utils

from energymon.site_time import DAY_MS, MINUTE_MS
from energymon.store import samples as raw_store
from energymon.store.history import DeviceHistory
from energymon.store.reader import ALL_TIME, StoreReader
from energymon.store.schema import migrations, open_db
from energymon.store.writer import SampleBatch, StoreWriter

DAY0 = 1_790_000_000_000 - 1_790_000_000_000 % DAY_MS  # a UTC midnight
S = 1000


def set_timezone(db_path, name: str) -> None:
    db = open_db(db_path)
    db.table("site").upsert({"key": "timezone", "value": json.dumps(name)}, pk="key")
    db.close()


def live(db_path, batches, **writer_args) -> StoreWriter:
    writer = StoreWriter(db_path, max_rows=1, **writer_args)
    for batch in batches:
        writer.put_samples(batch)
    writer.close()
    assert writer.error is None
    return writer


def count(db_path, sql):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def every_10_min(days: float, start=DAY0, device="m", offset_w=0.0):
    """A power and a counter sample every 10 minutes (value = minutes since start)."""
    steps = int(days * 144)
    return [
        SampleBatch(device, start + i * 600 * S, {"power_w": offset_w + i, "consumed_wh": 1000.0 + 10 * i})
        for i in range(steps)
    ]


def test_complete_days_move_into_blocks_and_read_back_exactly(tmp_path):
    db = tmp_path / "c.db"
    batches = every_10_min(2.5)  # two complete UTC days and half of a third
    live(db, batches, compact_every_s=0)  # compact after every commit
    # day 1 and 2 are in blocks (the newest sample is 12 h past day 2's end); day 3 is still rows
    assert count(db, "SELECT count(*) FROM sample_blocks") == 4  # 2 channels x 2 days
    assert count(db, "SELECT min(ts_ms) FROM samples") == DAY0 + 2 * DAY_MS
    assert count(db, "SELECT count(*) FROM rollup_1min_blocks") == 4
    assert count(db, "SELECT min(bucket_ms) FROM rollup_1min") == DAY0 + 2 * DAY_MS
    reader = StoreReader(db)
    try:
        ts, values = reader.raw("m", "power_w", *ALL_TIME)
        assert ts.tolist() == [b.ts_ms for b in batches]
        assert values.tolist() == [b.values["power_w"] for b in batches]
        assert reader.sample_count() == 2 * len(batches)
        # a range that cuts into a block reads only what is inside it
        ts, _ = reader.raw("m", "consumed_wh", DAY0 + DAY_MS - 600 * S, DAY0 + DAY_MS + 1200 * S)
        assert ts.tolist() == [DAY0 + DAY_MS - 600 * S, DAY0 + DAY_MS, DAY0 + DAY_MS + 600 * S]
        minutes = raw_store.read_minutes(reader.db, reader.channel_id("m", "power_w"), *ALL_TIME)
        assert minutes.bucket_ms.tolist() == [b.ts_ms for b in batches]  # one sample per minute bucket here
        assert minutes.mean().tolist() == [b.values["power_w"] for b in batches]
    finally:
        reader.close()


def test_a_late_sample_merges_into_its_block_and_a_duplicate_changes_nothing(tmp_path):
    db = tmp_path / "late.db"
    live(db, every_10_min(2.5), compact_every_s=0)
    late = SampleBatch("m", DAY0 + 5 * S, {"power_w": 99.0})  # inside the compacted first day
    duplicate = SampleBatch("m", DAY0 + 600 * S, {"power_w": -1.0})  # that instant is already stored
    live(db, [late, duplicate], compact_every_s=0)
    reader = StoreReader(db)
    try:
        ts, values = reader.raw("m", "power_w", DAY0, DAY0 + 1200 * S)
        assert list(zip(ts.tolist(), values.tolist())) == [(DAY0, 0.0), (DAY0 + 5 * S, 99.0), (DAY0 + 600 * S, 1.0)]
        first_minute = raw_store.read_minutes(reader.db, reader.channel_id("m", "power_w"), DAY0, DAY0 + MINUTE_MS)
        assert first_minute.n.tolist() == [2] and first_minute.sum.tolist() == [99.0]  # the duplicate not counted
        quarter = reader.db.execute(
            "SELECT n, sum, min, max FROM rollup_15min WHERE bucket_ms = ? AND channel_id = ?",
            (DAY0, reader.channel_id("m", "power_w")),
        ).fetchone()
        assert quarter == (3, 100.0, 0.0, 99.0)  # 0 at :00, 99 at :00:05, 1 at :10
    finally:
        reader.close()


def test_rollups_by_hand_for_a_measurement_and_a_counter(tmp_path):
    db = tmp_path / "r.db"
    set_timezone(db, "Asia/Shanghai")
    batches = [
        SampleBatch("g", DAY0 + t * S, {"power_w": p, "imported_wh": e})
        for t, p, e in [(0, 10.0, 100.0), (20, 30.0, 101.0), (61, -5.0, 102.5), (900, 7.0, 110.0)]
    ]
    live(db, batches)
    con = sqlite3.connect(db)
    try:
        q = (
            "SELECT r.bucket_ms, r.n, r.sum, r.min, r.max, r.first_dt_ms, r.first, r.last_dt_ms, r.last "
            "FROM {} r JOIN channels c ON c.id = r.channel_id WHERE c.quantity = ? ORDER BY r.bucket_ms"
        )
        assert con.execute(q.format("rollup_1min"), ("power_w",)).fetchall() == [
            (DAY0, 2, 40.0, 10.0, 30.0, None, None, None, None),
            (DAY0 + MINUTE_MS, 1, -5.0, -5.0, -5.0, None, None, None, None),
            (DAY0 + 15 * MINUTE_MS, 1, 7.0, 7.0, 7.0, None, None, None, None),
        ]
        assert con.execute(q.format("rollup_15min"), ("imported_wh",)).fetchall() == [
            (DAY0, 3, None, None, None, 0, 100.0, 61_000, 102.5),
            (DAY0 + 15 * MINUTE_MS, 1, None, None, None, 0, 110.0, 0, 110.0),
        ]
        # the day of Asia/Shanghai starts at 16:00 UTC: DAY0 (00:00 UTC) is 08:00 local
        day = con.execute(q.format("rollup_1d"), ("power_w",)).fetchall()
        assert day == [(DAY0 - 8 * 3600 * S, 4, 42.0, -5.0, 30.0, None, None, None, None)]
        readable = con.execute(
            "SELECT start_utc, device_id, quantity, n, mean FROM rollup_1h_readable WHERE quantity = 'power_w'"
        ).fetchall()
        assert readable == [("2026-09-21T00:00:00Z", "g", "power_w", 4, 10.5)]
    finally:
        con.close()


def test_history_goes_into_blocks_and_rollups_alongside_live_rows(tmp_path):
    db = tmp_path / "h.db"
    writer = StoreWriter(db, max_delay_s=0.01)
    writer.put_samples(SampleBatch("m", DAY0 + DAY_MS + 5 * S, {"power_w": 1.0}))  # live, on day 2
    ts = DAY0 + np.arange(0, DAY_MS + 600 * S, 600 * S, dtype=np.int64)  # day 1 and the start of day 2
    import threading

    done = threading.Semaphore(0)
    writer.put_history(DeviceHistory("m", ts, {"power_w": np.full(ts.size, 2.0)}), done)
    assert done.acquire(timeout=30)
    writer.close()
    assert writer.error is None
    reader = StoreReader(db)
    try:
        got_ts, got = reader.raw("m", "power_w", *ALL_TIME)
        assert got_ts.tolist() == sorted(ts.tolist() + [DAY0 + DAY_MS + 5 * S])
        assert reader.db.execute("SELECT count(*) FROM samples").fetchone()[0] == 1  # the live row
        # one 15-minute bucket on day 2 holds history (00:00) and the live row (00:00:05)
        row = reader.db.execute("SELECT n, sum FROM rollup_15min WHERE bucket_ms = ?", (DAY0 + DAY_MS,)).fetchone()
        assert row == (2, 3.0)
        minutes = raw_store.read_minutes(
            reader.db, reader.channel_id("m", "power_w"), DAY0 + DAY_MS, DAY0 + DAY_MS + MINUTE_MS
        )
        assert minutes.n.tolist() == [2] and minutes.sum.tolist() == [3.0]  # a block and a row merged
    finally:
        reader.close()


def test_raw_retention_drops_old_blocks_and_keeps_every_rollup(tmp_path):
    db = tmp_path / "ret.db"
    batches = every_10_min(5.5)
    live(db, batches, compact_every_s=0, raw_retention_days=2)
    reader = StoreReader(db)
    try:
        ts, _ = reader.raw("m", "power_w", *ALL_TIME)
        # newest block ends at day 5; blocks ending more than 2 days before it are gone: days 1 and 2
        assert ts[0] == DAY0 + 2 * DAY_MS
        assert ts[-1] == batches[-1].ts_ms
        channel = reader.channel_id("m", "power_w")
        minutes = raw_store.read_minutes(reader.db, channel, *ALL_TIME)
        assert minutes.bucket_ms.tolist() == [b.ts_ms for b in batches]  # one-minute rollups: all kept
        days = reader.db.execute("SELECT count(*), sum(n) FROM rollup_1d WHERE channel_id = ?", (channel,)).fetchone()
        assert days == (6, len(batches))
    finally:
        reader.close()


def test_an_upgrade_from_the_first_schema_keeps_samples_and_builds_rollups(tmp_path):
    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m002_blocks_and_rollups")
    db["site"].insert({"key": "timezone", "value": json.dumps("UTC")})
    db["channels"].insert({"id": 1, "device_id": "m", "quantity": "power_w", "unit": "W", "kind": "measurement"})
    db.conn.executemany("INSERT INTO samples VALUES (1, ?, ?)", [(DAY0 + i * 60 * S, float(i)) for i in range(30)])
    db.conn.commit()
    db.close()
    open_db(path).close()  # the writer side migrates
    reader = StoreReader(path)
    try:
        ts, values = reader.raw("m", "power_w", *ALL_TIME)
        assert values.tolist() == [float(i) for i in range(30)]
        row = reader.db.execute("SELECT n, sum, min, max FROM rollup_1h WHERE channel_id = 1").fetchone()
        assert row == (30, float(sum(range(30))), 0.0, 29.0)
    finally:
        reader.close()


@pytest.mark.timeout(120)
def test_a_realistic_day_takes_well_under_8_bytes_per_sample(tmp_path):
    """Target of the store: <= 8 bytes per raw sample on disk, indexes included. A day of one meter
    polled every 5 s (with +-40 ms poll jitter): power in watts, three voltages, a counter."""
    db = tmp_path / "size.db"
    rng = np.random.default_rng(7)
    n = 17_280
    ts = DAY0 + np.arange(n, dtype=np.int64) * 5000 + rng.integers(-40, 40, n)
    power = np.round(400_000 + np.cumsum(rng.normal(0, 2000, n)))
    values = {
        "power_w": power,
        "consumed_wh": np.round(1e9 + np.cumsum(np.abs(power) * 5 / 3600)),
        **{f"voltage_l{i}_v": np.round(230 + rng.normal(0, 1.5, n), 1) for i in (1, 2, 3)},
    }
    writer = StoreWriter(db)
    import threading

    done = threading.Semaphore(0)
    writer.put_history(DeviceHistory("wh", ts, values), done)
    assert done.acquire(timeout=60)
    writer.close()
    con = sqlite3.connect(db)
    try:
        raw_bytes = con.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN "
            "('sample_blocks', 'sqlite_autoindex_sample_blocks_1', 'sample_blocks_by_time')"
        ).fetchone()[0]
    finally:
        con.close()
    per_sample = raw_bytes / (n * len(values))
    print(f"raw store: {per_sample:.2f} bytes/sample")
    assert per_sample < 8


def test_reader_queries_span_compacted_days_and_todays_rows(tmp_path):
    """Energy since a time, the first sample of a day and the chart's series read blocks and rows alike."""
    from drivers.quantities import Role

    db = tmp_path / "q.db"
    batches = every_10_min(2.5)  # days 1 and 2 compacted, day 3 in rows
    live(db, batches, compact_every_s=0)
    assert count(db, "SELECT count(*) FROM sample_blocks") == 4
    reader = StoreReader(db)
    try:
        since = DAY0 + 600 * S + 1  # inside a quarter hour of the first (compacted) day
        energy = reader.counter_energy_since(["m"], "consumed_wh", since)
        assert energy.first_ts_ms == DAY0 + 1200 * S  # the first reading at or after it
        assert energy.energy_wh == 10.0 * (len(batches) - 1) - 20.0
        assert reader.first_power_sample_ms(["m"], DAY0 + 60 * S) == DAY0 + 600 * S  # minute resolution
        series = reader.power_series({"m": Role.GRID}, DAY0, 3600.0)
        expected = [
            np.mean([b.values["power_w"] for b in batches if h <= b.ts_ms < h + 3600 * S]) for h in series.ts_ms
        ]
        assert len(series.ts_ms) == 60 and series.grid_w == expected  # 2.5 days of hours, blocks and rows
    finally:
        reader.close()


def test_compaction_in_slices_moves_one_channel_at_least_and_finishes(tmp_path):
    db = tmp_path / "slices.db"
    live(db, every_10_min(2.5, device="a") + every_10_min(2.5, device="b"), compact_every_s=1e9)  # no compaction
    store = open_db(db)
    try:
        calls = 0
        while True:
            calls += 1
            moved, done = raw_store.compact(store, budget_s=0.0)  # a zero budget: one channel per call
            if done:
                break
            assert moved > 0
        assert calls == 4  # four channels with complete days, one per call
        assert store.conn.execute("SELECT count(*) FROM sample_blocks").fetchone()[0] == 8
    finally:
        store.close()
