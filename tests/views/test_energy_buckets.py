"""The Energy page's buckets (energymon.views.energy_buckets) on a small hand-made database.

Hand-made site (Asia/Shanghai), every device read on the local hour from 2026-03-01 00:00 to 2026-03-10 12:00,
written through the store's writer (rollups included). "Now" is 2026-03-10 12:00.

| device | what it stores | hand rate |
|---|---|---|
| pv-1 | yield_wh | day d of March: d kWh per hour |
| grid | imported_wh, exported_wh | import 2 kWh/h, export 0.5 kWh/h; on Mar 10 import 4 kWh/h in 03-05 and 0 in 05-07 |
| bess-p | power_w only | -1 kW (charging) at every reading: estimated 1 kWh per hour |

The grid is silent strictly between Mar 10 03:00 and 07:00: its 8 kWh import across the gap are spread evenly,
2 kWh in each of the hours 3..6 (not 4, 4, 0, 0).

- Day Mar 10: PV 10 kWh in each hour 0..11, hours 12..23 no data; import 2 kWh each hour 0..11.
- Month March: PV 24 d kWh on day d (d <= 9), 120 kWh on the 10th, days 11..31 no data.
- Year 2026: January and February no data, March = 24 x 45 + 120 = 1,200 kWh, April..December no data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.energy_buckets import flow_buckets
from energymon.views.energy_periods import INTERVAL_OF_KIND, Period
from energymon.views.site import SiteInfo

from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
KWH = 1000.0
FIRST = datetime(2026, 3, 1, 0, 0, tzinfo=ZONE)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=ZONE)
NOW_MS = int(NOW.timestamp() * 1000)
GRID_GAP = (datetime(2026, 3, 10, 3, 0, tzinfo=ZONE), datetime(2026, 3, 10, 7, 0, tzinfo=ZONE))
DEVICES = [("pv-1", "pv", 100), ("grid", "grid", 500), ("bess-p", "storage", 10)]


def hourly_kwh(quantity: str, start: datetime) -> float:
    """Energy [kWh] of the hour starting at ``start`` (local), by the table of the module docstring."""
    if quantity == "yield_wh":
        return float(start.day)
    if quantity == "exported_wh":
        return 0.5
    if start.date() == NOW.date() and 3 <= start.hour < 5:
        return 4.0
    if start.date() == NOW.date() and 5 <= start.hour < 7:
        return 0.0
    return 2.0


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    path = tmp_path_factory.mktemp("energy_buckets") / "site.db"
    record_hand_site(path, DEVICES, poll_interval_s=3600.0)
    counters = {("pv-1", "yield_wh"): 1e6, ("grid", "imported_wh"): 2e6, ("grid", "exported_wh"): 3e6}
    writer = StoreWriter(path, max_delay_s=60)
    t = FIRST
    while t <= NOW:
        ts_ms = int(t.timestamp() * 1000)
        writer.put_samples(SampleBatch("pv-1", ts_ms, {"yield_wh": counters[("pv-1", "yield_wh")]}))
        if not GRID_GAP[0] < t < GRID_GAP[1]:
            grid = {q: counters[("grid", q)] for q in ("imported_wh", "exported_wh")}
            writer.put_samples(SampleBatch("grid", ts_ms, grid))
        writer.put_samples(SampleBatch("bess-p", ts_ms, {"power_w": -1000.0}))
        for key in counters:  # the counters count on through the gap
            counters[key] += hourly_kwh(key[1], t) * KWH
        t += timedelta(hours=1)  # no daylight saving in Asia/Shanghai
    writer.close()
    assert writer.error is None
    reader = StoreReader(path)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def site(reader) -> SiteInfo:
    return SiteInfo.from_db(reader.site(), reader.devices())


def buckets(reader, site, period: Period):
    return flow_buckets(reader, site, INTERVAL_OF_KIND[period.kind], period.edges_ms(ZONE), NOW_MS)


def test_day_bars_by_hand(reader, site):
    flows = buckets(reader, site, Period("day", date(2026, 3, 10)))
    pv = flows["pv_wh"]
    assert len(pv.energy_wh) == 24
    np.testing.assert_allclose(pv.energy_wh[:12] / KWH, [10.0] * 12)
    assert pv.has_data[:12].all()
    assert not pv.has_data[13:].any()  # after "now": no data, not 0 kWh of data
    imported = flows["grid_import_wh"]
    np.testing.assert_allclose(imported.energy_wh[:12] / KWH, [2.0] * 12)  # the gap spread evenly
    assert imported.has_data[:12].all()
    np.testing.assert_array_equal(imported.reporting[3:8], [1, 0, 0, 0, 1])  # no reading at 04, 05, 06
    assert not imported.complete[4:7].any() and imported.complete[:4].all()
    assert imported.unreported["grid"][4:7].all()
    np.testing.assert_allclose(flows["grid_export_wh"].energy_wh[:12] / KWH, [0.5] * 12)


def test_power_only_device_is_estimated(reader, site):
    flows = buckets(reader, site, Period("day", date(2026, 3, 10)))
    charge = flows["storage_charge_wh"]
    assert charge.estimated == ("bess-p",)
    np.testing.assert_allclose(charge.energy_wh[:12] / KWH, [1.0] * 12)  # 1 kW x 1 h
    assert charge.energy_wh[12:].sum() == 0 and not charge.has_data[12:].any()
    discharge = flows["storage_discharge_wh"]
    assert discharge.energy_wh.sum() == 0 and discharge.has_data[:12].all()  # charging only: 0, with data


def test_month_bars_by_hand(reader, site):
    pv = buckets(reader, site, Period("month", date(2026, 3, 1)))["pv_wh"]
    assert len(pv.energy_wh) == 31
    np.testing.assert_allclose(pv.energy_wh[:9] / KWH, [24.0 * d for d in range(1, 10)])
    assert pv.energy_wh[9] / KWH == pytest.approx(120.0)
    assert pv.has_data[:10].all()
    assert not pv.has_data[10:].any()
    assert pv.latest_ms == NOW_MS


def test_year_bars_by_hand(reader, site):
    flows = buckets(reader, site, Period("year", date(2026, 1, 1)))
    pv = flows["pv_wh"]
    assert len(pv.energy_wh) == 12
    assert pv.energy_wh[2] / KWH == pytest.approx(24 * 45 + 120)
    assert pv.has_data.tolist() == [False, False, True] + [False] * 9  # before the first reading: no data
    imported = flows["grid_import_wh"]
    assert imported.energy_wh[2] / KWH == pytest.approx(9 * 24 * 2.0 + 12 * 2.0)


def test_a_period_without_any_data_is_empty(reader, site):
    flows = buckets(reader, site, Period("month", date(2025, 12, 1)))
    for flow in flows.values():
        assert not flow.has_data.any()
        assert flow.energy_wh.sum() == 0
        assert not flow.reporting.any()
