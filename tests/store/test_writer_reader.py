"""energymon.store.writer and energymon.store.reader on small databases written by hand through StoreWriter."""

from __future__ import annotations

import sqlite3
import time

import pytest

from drivers.quantities import Role
from energymon.events import Event
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError, open_db
from energymon.store.site_record import record_site
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.site import SiteInfo

T0 = 1_700_000_000_000  # UTC epoch ms, a multiple of every bucket size used below
S = 1000  # one second in ms


def write(db_path, batches=(), events=(), config=None):
    writer = StoreWriter(db_path, max_delay_s=60.0)  # only close() flushes: one transaction
    if config is not None:
        record_site(writer.db, config, "# config text\n")
    for batch in batches:
        writer.put_samples(batch)
    for event in events:
        writer.put_event(event)
    writer.close()
    assert writer.error is None
    return writer


def rows(db_path, sql, params=()):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_writer_stores_values_skips_missing_and_ignores_duplicates(tmp_path):
    db = tmp_path / "w.db"
    write(
        db,
        [
            SampleBatch("pv-1", T0, {"power_w": 1500.0, "yield_wh": 10_000.0, "temperature_c": None}),
            SampleBatch("pv-1", T0 + S, {"power_w": 1600.0, "yield_wh": 10_000.4}),
            SampleBatch("pv-1", T0, {"power_w": 9999.0}),  # same channel and time: the first one stands
            SampleBatch("grid", T0, {"power_w": -20.5}),
        ],
        [Event(T0, "pv-1", "device_offline", "error", "timeout")],
    )
    readable = rows(
        db,
        "SELECT time_utc, device_id, quantity, value, unit FROM samples_readable "
        "ORDER BY device_id, quantity, time_utc",
    )
    assert readable == [
        ("2023-11-14T22:13:20.000Z", "grid", "power_w", -20.5, "W"),
        ("2023-11-14T22:13:20.000Z", "pv-1", "power_w", 1500.0, "W"),
        ("2023-11-14T22:13:21.000Z", "pv-1", "power_w", 1600.0, "W"),
        ("2023-11-14T22:13:20.000Z", "pv-1", "yield_wh", 10_000.0, "Wh"),
        ("2023-11-14T22:13:21.000Z", "pv-1", "yield_wh", 10_000.4, "Wh"),
    ]
    assert rows(db, "SELECT quantity, kind FROM channels WHERE device_id = 'pv-1' ORDER BY quantity") == [
        ("power_w", "measurement"),
        ("yield_wh", "counter"),
    ]  # no channel for a value never seen
    assert rows(db, "SELECT ts_ms, device_id, kind, severity, detail FROM events") == [
        (T0, "pv-1", "device_offline", "error", "timeout")
    ]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]


def test_channels_survive_reopening(tmp_path):
    db = tmp_path / "again.db"
    write(db, [SampleBatch("m", T0, {"power_w": 1.0})])
    write(db, [SampleBatch("m", T0 + S, {"power_w": 2.0}), SampleBatch("n", T0, {"power_w": 3.0})])
    assert rows(db, "SELECT count(*) FROM channels") == [(2,)]
    reader = StoreReader(db)
    try:
        assert reader.sample_count() == 3
        assert reader.sample_count("m") == 2
        assert reader.sample_count("absent") == 0
    finally:
        reader.close()


def test_the_database_describes_its_site(tmp_path, small_config):
    db = tmp_path / "site.db"
    write(db, config=small_config)
    reader = StoreReader(db)
    try:
        site = reader.site()
        assert site["name"] == "test park" and site["timezone"] == "Asia/Shanghai"
        assert site["emission_factor_kg_per_kwh"] == pytest.approx(0.5543)
        assert site["config_toml"] == "# config text\n"
        from_db = SiteInfo.from_db(site, reader.devices())
    finally:
        reader.close()
    from_config = SiteInfo.from_config(small_config)
    assert sorted(from_db.devices, key=lambda d: d.id) == sorted(from_config.devices, key=lambda d: d.id)
    assert (from_db.name, from_db.timezone, from_db.emission_factor_kg_per_kwh) == (
        from_config.name,
        from_config.timezone,
        from_config.emission_factor_kg_per_kwh,
    )
    assert from_db.ids(Role.PV) == ["pv-1", "pv-2", "pv-3"]


def test_readers_refuse_what_is_not_an_energymon_database(tmp_path):
    with pytest.raises(StoreError, match="not found"):
        StoreReader(tmp_path / "absent.db")
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(StoreError, match="not an energymon database"):
        StoreReader(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="garbage.db"):
        open_db(garbage)


ROLES = {"pv-a": Role.PV, "pv-b": Role.PV, "bess": Role.STORAGE, "grid": Role.GRID, "hall": Role.LOAD}


def test_power_series_buckets_by_hand(tmp_path):
    db = tmp_path / "series.db"
    write(
        db,
        [
            # Before the window: must not count.
            SampleBatch("pv-a", T0 - 5 * S, {"power_w": 99_999.0}),
            # Bucket 0 (T0 .. T0+10 s): every device reports.
            SampleBatch("pv-a", T0 + 1 * S, {"power_w": 1000.0, "yield_wh": 5.0}),
            SampleBatch("pv-a", T0 + 6 * S, {"power_w": 3000.0}),  # pv-a mean 2000
            SampleBatch("pv-b", T0 + 2 * S, {"power_w": 500.0}),
            SampleBatch("bess", T0 + 3 * S, {"power_w": -200.0}),  # charging
            SampleBatch("grid", T0 + 4 * S, {"power_w": 300.0}),  # importing
            SampleBatch("hall", T0 + 5 * S, {"power_w": 2600.0}),
            SampleBatch("stray", T0 + 5 * S, {"power_w": 1e9}),  # not a configured device: ignored
            # Bucket 1 (T0+10 .. T0+20 s): pv-b is missing.
            SampleBatch("pv-a", T0 + 12 * S, {"power_w": 4000.0}),
            SampleBatch("bess", T0 + 13 * S, {"power_w": 100.0}),
            SampleBatch("grid", T0 + 14 * S, {"power_w": 50.0}),
            # Bucket 3 (T0+30 .. T0+40 s): exporting while charging.
            SampleBatch("pv-a", T0 + 30 * S, {"power_w": 6000.0}),
            SampleBatch("pv-b", T0 + 39 * S, {"power_w": 2000.0}),
            SampleBatch("bess", T0 + 31 * S, {"power_w": -1000.0}),
            SampleBatch("grid", T0 + 32 * S, {"power_w": -4000.0}),
        ],
    )
    reader = StoreReader(db)
    try:
        series = reader.power_series(ROLES, since_ms=T0, bucket_s=10)
    finally:
        reader.close()
    assert series.ts_ms == [T0, T0 + 10 * S, T0 + 30 * S]
    assert series.pv_w == [2000.0 + 500.0, None, 8000.0]
    assert series.storage_w == [-200.0, 100.0, -1000.0]
    assert series.grid_w == [300.0, 50.0, -4000.0]
    # consumption = pv + storage + grid, only where all three are known.
    assert series.consumption_w == [2500.0 - 200.0 + 300.0, None, 8000.0 - 1000.0 - 4000.0]


def test_power_series_without_a_grid_meter_has_no_consumption(tmp_path):
    db = tmp_path / "nogrid.db"
    write(db, [SampleBatch("pv-a", T0, {"power_w": 10.0})])
    reader = StoreReader(db)
    try:
        series = reader.power_series({"pv-a": Role.PV}, since_ms=T0, bucket_s=60)
    finally:
        reader.close()
    assert series.pv_w == [10.0] and series.storage_w == [0] and series.consumption_w == [None]


def test_counter_energy_since_by_hand(tmp_path):
    db = tmp_path / "counters.db"
    write(
        db,
        [
            SampleBatch("inv-1", T0 - 10 * S, {"yield_wh": 100.0}),  # before the window
            SampleBatch("inv-1", T0 + 1 * S, {"yield_wh": 150.0}),
            SampleBatch("inv-1", T0 + 5 * S, {"yield_wh": 180.0}),
            SampleBatch("inv-1", T0 + 9 * S, {"yield_wh": 250.0}),  # 250 - 150 = 100 Wh
            SampleBatch("inv-2", T0 + 2 * S, {"yield_wh": 1000.0}),  # a single sample: 0 Wh, but counted
            SampleBatch("inv-3", T0 + 3 * S, {"yield_wh": 500.0}),
            SampleBatch("inv-3", T0 + 4 * S, {"yield_wh": 20.0}),  # meter replaced: left out
            SampleBatch("inv-4", T0 + 3 * S, {"power_w": 5.0}),  # no yield channel at all
        ],
    )
    reader = StoreReader(db)
    try:
        energy = reader.counter_energy_since(["inv-1", "inv-2", "inv-3", "inv-4", "nope"], "yield_wh", T0)
        later = reader.counter_energy_since(["inv-1"], "yield_wh", T0 + 5 * S)
        nothing = reader.counter_energy_since(["inv-1"], "yield_wh", T0 + 60 * S)
    finally:
        reader.close()
    assert energy.energy_wh == 100.0
    assert energy.devices_counted == 2
    assert energy.first_ts_ms == T0 + 1 * S
    assert (later.energy_wh, later.first_ts_ms, later.devices_counted) == (70.0, T0 + 5 * S, 1)
    assert (nothing.energy_wh, nothing.first_ts_ms, nothing.devices_counted) == (0.0, None, 0)


def test_reader_sees_commits_of_a_live_writer(tmp_path):
    db = tmp_path / "live.db"
    writer = StoreWriter(db, max_rows=1, max_delay_s=60.0)  # commit every batch at once
    try:
        reader = StoreReader(db)
        try:
            writer.put_samples(SampleBatch("m", T0, {"power_w": 1.0}))
            writer.put_samples(SampleBatch("m", T0 + S, {"power_w": 2.0}))
            deadline = time.monotonic() + 10
            while reader.sample_count() < 2:
                assert time.monotonic() < deadline
                time.sleep(0.01)
        finally:
            reader.close()
    finally:
        writer.close()
    assert writer.batches_committed >= 2


def test_power_series_holds_a_device_for_at_most_its_hold_time(tmp_path):
    """Asynchronous polls: a device missing from one bucket stands in with its previous bucket's mean,
    for at most its hold time; never longer, and never invented before its first data."""
    db = tmp_path / "hold.db"
    write(
        db,
        [
            SampleBatch("pv-a", T0 + 1 * S, {"power_w": 1000.0}),
            SampleBatch("pv-b", T0 + 2 * S, {"power_w": 500.0}),
            SampleBatch("grid", T0 + 3 * S, {"power_w": 100.0}),
            SampleBatch("pv-a", T0 + 11 * S, {"power_w": 1200.0}),  # bucket 1: pv-b missing
            SampleBatch("grid", T0 + 12 * S, {"power_w": 80.0}),
            SampleBatch("pv-a", T0 + 31 * S, {"power_w": 1400.0}),  # bucket 3: pv-b 30 s old
            SampleBatch("grid", T0 + 32 * S, {"power_w": 60.0}),
        ],
    )
    roles = {"pv-a": Role.PV, "pv-b": Role.PV, "grid": Role.GRID}
    reader = StoreReader(db)
    try:
        held = reader.power_series(
            roles, since_ms=T0, bucket_s=10, hold_ms={"pv-a": 15_000, "pv-b": 15_000, "grid": 15_000}
        )
        strict = reader.power_series(roles, since_ms=T0, bucket_s=10)
    finally:
        reader.close()
    assert held.ts_ms == [T0, T0 + 10 * S, T0 + 30 * S]
    assert held.pv_w == [1500.0, 1700.0, None]  # bucket 1 holds pv-b's 500 W; bucket 3 is past the hold
    assert held.consumption_w == [1600.0, 1780.0, None]
    assert strict.pv_w == [1500.0, None, None]


def test_a_second_writer_on_the_same_database_is_refused(tmp_path):
    from energymon.store.schema import StoreError
    from energymon.store.writer import StoreWriter

    db = tmp_path / "one.db"
    first = StoreWriter(db)
    try:
        with pytest.raises(StoreError, match="another energymon process"):
            StoreWriter(db)
    finally:
        first.close()
    second = StoreWriter(db)  # released on close: the next writer may start
    second.close()


@pytest.mark.process
def test_a_second_collector_process_is_refused_with_one_line(tmp_path):
    import subprocess
    import sys

    from support import small_site_toml, write_config

    path = write_config(tmp_path, small_site_toml({"c1": 1, "c2": 2}))
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "energymon.cli",
            "collect",
            "--config",
            str(path),
            "--duration",
            "30",
            "--summary-every",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        # wait until the first collector holds the database
        import time

        deadline = time.monotonic() + 20
        while not (tmp_path / "site.db").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(
            [sys.executable, "-m", "energymon.cli", "collect", "--config", str(path), "--duration", "1"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    finally:
        first.terminate()
        first.communicate(timeout=30)
    assert second.returncode == 2
    assert second.stderr.count("\n") == 1 and "another energymon process" in second.stderr
    assert "Traceback" not in second.stderr
