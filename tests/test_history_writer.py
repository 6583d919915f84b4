"""Generated history goes into the store through the one writer, in bulk, without duplicates or NaNs."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import numpy as np

from energymon.history_writer import DeviceHistory, write_history
from energymon.queries import ALL_TIME, StoreReader
from energymon.store import SampleBatch, StoreWriter, open_db

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
    first = DeviceHistory("inv", np.array([T0, T0 + 5000, T0 + 10000]),
                          {"power_w": np.array([1.0, np.nan, 3.0]), "yield_wh": np.array([10.0, 11.0, 12.0])})
    assert write_history(db, [first], UTC)[0] == 5
    again = DeviceHistory("inv", np.array([T0 + 10000, T0 + 15000]),
                          {"power_w": np.array([99.0, 4.0]), "yield_wh": np.array([99.0, 13.0])})
    assert write_history(db, [again], UTC)[0] == 2  # the sample at T0+10 s already exists and is kept
    db.close()
    assert rows(path) == [
        ("inv", "power_w", T0, 1.0), ("inv", "power_w", T0 + 10000, 3.0), ("inv", "power_w", T0 + 15000, 4.0),
        ("inv", "yield_wh", T0, 10.0), ("inv", "yield_wh", T0 + 5000, 11.0), ("inv", "yield_wh", T0 + 10000, 12.0),
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
        writer.put_history(DeviceHistory(f"inv-{i}", T0 + np.arange(n, dtype=np.int64) * 1000,
                                         {"power_w": np.full(n, float(i))}), done)
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
