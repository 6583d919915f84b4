"""A counter whose register wraps: with the modulus stored on its channel the report keeps the energy across the
wrap; without it (NULL, an older database) the wrap reads as a reset and that interval's energy is lost.

Also the store side: the migration adds ``channels.wrap_at``, and the site record writes each configured counter's
modulus on the primary side (x CT x PT), for the right member of a swapped pair, and NULL where it is unknown.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from energymon.config import load_config
from energymon.report.month import build_month_report
from energymon.store.reader import StoreReader
from energymon.store.schema import open_db
from energymon.store.site_record import record_site
from energymon.store.writer import SampleBatch, StoreWriter

from support import record_hand_site, small_site_toml, write_config

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, tzinfo=ZONE)
Q_MS = 900_000
MODULUS_WH = 2.0**32 * 0.001 * 1000  # a u32 register in 0.001 kWh: wraps at 4 294 967.296 kWh = 4 294 967 296 Wh


def write_wrapping_pv(path, wrap_at: float | None) -> None:
    """pv-1 makes 96 kWh a day for two days (1 kWh per quarter); its register wraps 10 kWh into day 1."""
    record_hand_site(path, [("pv-1", "pv", 50)])
    ts = int(START.timestamp() * 1000) + np.arange(2 * 96 + 1, dtype=np.int64) * Q_MS
    true_wh = MODULUS_WH - 10_000 + np.arange(ts.size) * 1000.0  # the register's count before wrapping
    shown = np.mod(true_wh, MODULUS_WH)
    writer = StoreWriter(path, max_delay_s=60)
    for t, v in zip(ts.tolist(), shown.tolist()):
        writer.put_samples(SampleBatch("pv-1", t, {"yield_wh": float(v)}))
    writer.close()
    assert writer.error is None
    db = open_db(path)
    try:
        db.conn.execute("UPDATE channels SET wrap_at = ? WHERE quantity = 'yield_wh'", (wrap_at,))
        db.conn.commit()
    finally:
        db.conn.close()


def pv_kwh_per_day(path) -> list[float]:
    reader = StoreReader(path)
    try:
        report = build_month_report(reader, "2026-10")
    finally:
        reader.close()
    return [d.flows.pv_wh / 1000 for d in report.days[:2]]


def test_a_wrap_keeps_its_energy_when_the_channel_knows_its_modulus(tmp_path):
    write_wrapping_pv(tmp_path / "known.db", MODULUS_WH)
    assert pv_kwh_per_day(tmp_path / "known.db") == pytest.approx([96, 96])


def test_without_the_modulus_the_wrap_is_a_reset_and_one_interval_is_lost(tmp_path):
    write_wrapping_pv(tmp_path / "unknown.db", None)
    day1, day2 = pv_kwh_per_day(tmp_path / "unknown.db")
    assert day2 == pytest.approx(96) and day1 == pytest.approx(95)  # the quarter across the wrap: not counted


def test_the_site_record_stores_each_counters_modulus_on_the_primary_side(tmp_path):
    lines = {"grid-1": "ct_ratio = 40\npt_ratio = 100\nswap_counters = true\n"}
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1502, "c2": 1503}, device_lines=lines)))
    db = open_db(tmp_path / "site.db")
    try:
        record_site(db, config)
        rows = {
            (d, q): w
            for d, q, w in db.conn.execute("SELECT device_id, quantity, wrap_at FROM channels WHERE kind = 'counter'")
        }
    finally:
        db.conn.close()
    grid = config.device("grid-1")
    assert grid.profile is not None
    exported = grid.profile.counter_wrap_at("exported_wh")  # swapped: imported_wh comes from the export register
    assert exported is not None and rows[("grid-1", "imported_wh")] == exported * 40 * 100
    pv = config.device("pv-1")
    assert pv.profile is not None and rows[("pv-1", "yield_wh")] == pv.profile.counter_wrap_at("yield_wh")
    assert set(rows) == {(d.id, q) for d in config.devices for q in d.profile.quantities if q.endswith("_wh")}


def test_an_older_database_gets_the_column_and_a_reader_copes_without_it(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)  # migrated: the column exists
    try:
        assert "wrap_at" in {r[1] for r in db.conn.execute("PRAGMA table_info(channels)")}
    finally:
        db.conn.close()
    write_wrapping_pv(tmp_path / "w.db", None)
    reader = StoreReader(tmp_path / "w.db")
    try:
        channel = reader.channel_id("pv-1", "yield_wh")
        assert channel is not None and reader.wrap_at(channel) is None
    finally:
        reader.close()
