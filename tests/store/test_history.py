"""Generated history goes into the store through the one writer, in bulk, without duplicates or NaNs."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import numpy as np

from energymon.store.history import DeviceHistory, prepare, write_history, write_prepared
from energymon.store.reader import ALL_TIME, StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter

UTC = ZoneInfo("UTC")

T0 = 1_790_000_000_000


def rows(path):
    """Every raw sample (recent rows and compact blocks) as (device, quantity, ts_ms, value), sorted."""
    reader = StoreReader(path)
    try:
        out = []
        for channel in reader.db.execute("SELECT device_id, quantity FROM channels ORDER BY 1, 2").fetchall():
            ts, values = reader.raw(*channel, *ALL_TIME)
            out.extend((*channel, t, v) for t, v in zip(ts.tolist(), values.tolist()))
        return out
    finally:
        reader.close()


def test_write_history_skips_nan_and_keeps_existing_samples(tmp_path):
    path = tmp_path / "h.db"
    db = open_db(path)
    first = DeviceHistory(
        "inv",
        np.array([T0, T0 + 5000, T0 + 10000]),
        {"power_w": np.array([1.0, np.nan, 3.0]), "yield_wh": np.array([10.0, 11.0, 12.0])},
    )
    assert write_history(db, [first], UTC)[0] == 5
    again = DeviceHistory(
        "inv",
        np.array([T0 + 10000, T0 + 15000]),
        {"power_w": np.array([99.0, 4.0]), "yield_wh": np.array([99.0, 13.0])},
    )
    assert write_history(db, [again], UTC)[0] == 2  # the sample at T0+10 s already exists and is kept
    db.close()
    assert rows(path) == [
        ("inv", "power_w", T0, 1.0),
        ("inv", "power_w", T0 + 10000, 3.0),
        ("inv", "power_w", T0 + 15000, 4.0),
        ("inv", "yield_wh", T0, 10.0),
        ("inv", "yield_wh", T0 + 5000, 11.0),
        ("inv", "yield_wh", T0 + 10000, 12.0),
        ("inv", "yield_wh", T0 + 15000, 13.0),
    ]


def test_history_and_live_samples_share_the_one_writer(tmp_path):
    path = tmp_path / "w.db"
    writer = StoreWriter(path, max_delay_s=60)
    done = threading.Semaphore(0)
    writer.put_samples(SampleBatch("grid", T0 + 99_000, {"power_w": 7.0}))  # live, queued first
    n = 50_000
    history = DeviceHistory("inv", T0 + np.arange(n, dtype=np.int64) * 1000, {"power_w": np.arange(n, dtype=float)})
    writer.put_history(history, done)
    assert done.acquire(timeout=30)
    writer.put_samples(SampleBatch("grid", T0 + 100_000, {"power_w": 8.0}))
    writer.close()
    assert writer.error is None
    assert writer.rows_committed == n + 2
    stored = rows(path)
    assert ("grid", "power_w", T0 + 99_000, 7.0) in stored and ("grid", "power_w", T0 + 100_000, 8.0) in stored
    assert [r[3] for r in stored if r[0] == "inv"] == list(map(float, range(n)))


def test_live_rows_are_not_held_back_behind_a_long_history(tmp_path):
    """Live rows are committed between history items: a live sample queued after five device-days of
    history is on disk before the last of them is."""
    path = tmp_path / "prio.db"
    writer = StoreWriter(path, max_delay_s=0.01)
    done = threading.Semaphore(0)
    n = 200_000
    for i in range(5):
        writer.put_history(
            DeviceHistory(f"inv-{i}", T0 + np.arange(n, dtype=np.int64) * 1000, {"power_w": np.full(n, float(i))}), done
        )
    writer.put_samples(SampleBatch("grid", T0 + 5, {"power_w": 1.0}))
    while not path.exists():
        assert writer.error is None
    reader = StoreReader(path)
    try:
        while True:
            if reader.sample_count("grid"):
                history_rows = reader.sample_count() - 1
                break
            assert writer.error is None
    finally:
        reader.close()
    for _ in range(5):
        assert done.acquire(timeout=60)
    writer.close()
    assert history_rows < 5 * n  # the live row did not wait for all the history


# -- history encoded beforehand (energymon.store.history.prepare), as the history process sends it --------------------

BERLIN = ZoneInfo("Europe/Berlin")
DST_START = 1_774_746_000_000  # 2026-03-29 01:00 UTC: Berlin goes from +01:00 to +02:00


def stored_tables(path) -> dict[str, list[tuple]]:
    """Everything the history writers write, by table, keyed by (device, quantity) instead of channel id."""
    db = open_db(path)
    try:
        tables = {}
        for table in (
            "sample_blocks",
            "rollup_1min_blocks",
            "rollup_15min",
            "rollup_1h",
            "rollup_1d",
            "samples",
            "rollup_1min",
        ):
            tables[table] = sorted(
                db.conn.execute(
                    f"SELECT c.device_id, c.quantity, t.* FROM {table} t JOIN channels c ON c.id = t.channel_id"
                ).fetchall()
            )
            tables[table] = [row[:2] + row[3:] for row in tables[table]]  # without the channel id
        return tables
    finally:
        db.close()


def two_days_of(device_id: str, start_ms: int, seed: int) -> DeviceHistory:
    """Two and a half days at 3 s with a gap, NaNs, a measurement and a counter, not starting at midnight."""
    rng = np.random.default_rng(seed)
    ts = start_ms + np.arange(0, int(2.5 * 86_400_000), 3000, dtype=np.int64)
    ts = ts[(ts < start_ms + 40_000_000) | (ts > start_ms + 43_000_000)]
    power = np.round(rng.normal(5000, 800, ts.size), 1)
    power[rng.random(ts.size) < 0.01] = np.nan
    energy = np.round(1e6 + np.cumsum(rng.random(ts.size)) * 4, 0)
    return DeviceHistory(device_id, ts, {"power_w": power, "yield_wh": energy})


def test_prepared_history_stores_exactly_what_write_history_stores(tmp_path):
    """Across a DST change in the site zone: blocks, minute blocks and every rollup row identical."""
    histories = [
        two_days_of("inv-1", DST_START - 30 * 3_600_000 + 1234, 1),
        two_days_of("meter", DST_START - 20 * 3_600_000, 2),
    ]
    direct, prepared = open_db(tmp_path / "direct.db"), open_db(tmp_path / "prepared.db")
    assert write_history(direct, histories, BERLIN)[0] == sum(
        write_prepared(prepared, prepare(h, BERLIN), BERLIN)[0] for h in histories
    )
    direct.close()
    prepared.close()
    expected = stored_tables(tmp_path / "direct.db")
    assert expected["sample_blocks"] and expected["rollup_1d"] and not expected["samples"]
    assert stored_tables(tmp_path / "prepared.db") == expected
    assert rows(tmp_path / "prepared.db") == rows(tmp_path / "direct.db")


def test_prepared_history_overlapping_stored_samples_is_merged_without_duplicates(tmp_path):
    """Live rows already in the history's span (and a block of one of its days) are kept; the rest is added,
    the same as write_history does."""
    history = two_days_of("inv-1", T0, 3)
    live = [SampleBatch("inv-1", int(t), {"power_w": -1.0}) for t in history.ts_ms[100:110]]
    old_block = DeviceHistory("inv-1", history.ts_ms[:50], {"yield_wh": np.full(50, 7.0)})
    results = {}
    for name in ("direct", "prepared"):
        path = tmp_path / f"{name}.db"
        writer = StoreWriter(path, max_delay_s=0.01)
        for batch in live:
            writer.put_samples(batch)
        done = threading.Semaphore(0)
        writer.put_history(old_block, done)
        assert done.acquire(timeout=30)
        writer.put_history(history if name == "direct" else prepare(history, UTC), done)
        assert done.acquire(timeout=30)
        writer.close()
        assert writer.error is None
        results[name] = (writer.rows_committed, stored_tables(path), rows(path))
    assert results["prepared"] == results["direct"]
    stored = results["prepared"][2]
    assert [r for r in stored if r[1] == "power_w" and r[3] == -1.0] == [
        ("inv-1", "power_w", int(t), -1.0) for t in history.ts_ms[100:110]
    ]
    assert len([r for r in stored if r[1] == "yield_wh"]) == history.ts_ms.size  # 50 old + the rest, once each


def test_prepared_history_for_another_time_zone_is_bucketed_in_the_sites(tmp_path):
    """Hourly and daily rollups follow the database's site zone even if the history was encoded for another."""
    history = two_days_of("inv-1", DST_START - 30 * 3_600_000, 4)
    direct, prepared = open_db(tmp_path / "direct.db"), open_db(tmp_path / "prepared.db")
    write_history(direct, [history], BERLIN)
    write_prepared(prepared, prepare(history, ZoneInfo("Asia/Shanghai")), BERLIN)
    direct.close()
    prepared.close()
    assert stored_tables(tmp_path / "prepared.db") == stored_tables(tmp_path / "direct.db")
