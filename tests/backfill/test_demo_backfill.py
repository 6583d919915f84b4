"""The demo's first start: history fills in behind live collection, and history and live data join
without a step in any counter (the live devices continue exactly where the history ends)."""

from __future__ import annotations

import sqlite3

import pytest

from drivers.quantities import QUANTITIES, Kind
from energymon.store.reader import ALL_TIME, StoreReader

from support import all_polled, run_demo_until

HOURS = 4


@pytest.mark.slow
@pytest.mark.wire
def test_first_start_fills_history_then_counters_continue_live(tmp_path):
    demo = run_demo_until(
        tmp_path, lambda d: not d.backfill.running and all_polled(d), timeout_s=110, backfill_days=HOURS / 24
    )
    assert demo.backfill.error is None and demo.backfill.seconds is not None
    assert demo.backfill.samples > 0
    start_s, end_s = demo.history_span
    assert abs((end_s - start_s) - HOURS * 3600) < 1e-6

    con = sqlite3.connect(demo.db_path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    assert integrity == "ok"
    series = {}  # (device_id, quantity) -> [(ts_ms, value)]
    reader = StoreReader(demo.db_path)  # history sits in compact blocks, live rows in the samples table
    try:
        for device_id, quantity in reader.db.execute("SELECT device_id, quantity FROM channels").fetchall():
            ts, values = reader.raw(device_id, quantity, *ALL_TIME)
            series[(device_id, quantity)] = list(zip(ts.tolist(), values.tolist()))
    finally:
        reader.close()
    devices = {d.id for d in demo.config.devices}
    assert {d for d, _ in series} == devices
    checked = 0
    for (device_id, quantity), points in series.items():
        history = [p for p in points if p[0] < end_s * 1000]
        live = [p for p in points if p[0] >= end_s * 1000]
        assert history and live, (device_id, quantity)
        assert history[0][0] >= start_s * 1000
        if QUANTITIES[quantity].kind is Kind.COUNTER:
            values = [v for _, v in points]
            # never a drop (a drop would look like a replaced meter), and no jump at the seam larger
            # than the device could have counted in the gap at its rated power
            assert all(b >= a for a, b in zip(values, values[1:])), (device_id, quantity)
            gap_h = (live[0][0] - history[-1][0]) / 3.6e6
            rated_w = demo.config.device(device_id).rated_power_kw * 1000
            assert live[0][1] - history[-1][1] <= rated_w * gap_h * 1.25 + 1000, (device_id, quantity)
            checked += 1
    assert checked >= len(devices)  # every device with counters was checked
