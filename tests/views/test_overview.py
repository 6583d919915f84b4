"""The overview page: flow arrows by hand, today's / month's / year's energy on a hand-made database, the page live.

Hand-made site (Asia/Shanghai), every device read on the hour, counters rising at a constant rate within
each local day (so a day's energy is exactly its rate x 24 h). "Now" is 2026-03-15 12:00 local time; data
goes on until 16:00 at other rates, which must not leak into the figures.

| local time | pv-1 | grid import | grid export | bess-1 charge | bess-1 discharge | bess-p (power only) |
|---|---|---|---|---|---|---|
| until 2025-12-31 | 500 kWh/day | 48 kWh/day | 24 kWh/day | 24 kWh/day | 24 kWh/day | 0 W |
| Jan 1 - Feb 28 | 100 kWh/day | 48 | 24 | 24 | 24 | 0 W |
| Mar 1 - Mar 14 | 200 kWh/day | 48 | 24 | 24 | 24 | 0 W |
| Mar 15 00:00-12:00 | 5 kWh/h | 2.5 kWh/h | 10/12 kWh/h | 20/12 kWh/h | 5/12 kWh/h | -1 kW (charging) |
| Mar 15 12:00-16:00 | 50 kWh/h | 10 kWh/h | 10 kWh/h | 10 kWh/h | 10 kWh/h | -5 kW |

pv-1 is silent strictly between 2025-12-31 18:00 and 2026-01-01 06:00: the counter delta across the gap,
6 h x 500/24 + 6 h x 100/24 = 150 kWh, is spread evenly over the 12 h, so 75 kWh fall into 2026
(the monthly report does the same).

- PV today = 12 x 5 = 60 kWh; this month = 14 x 200 + 60 = 2,860 kWh;
  this year = 59 x 100 - 25 (Jan 1 00-06 at the real rate) + 75 (the spread gap) + 2,860 = 8,810 kWh.
- Today: import 30, export 10, charge 20 + 12 (bess-p, 12 h x 1 kW, estimated from power), discharge 5 kWh;
  consumption = 60 + 30 - 10 + 5 - 32 = 53 kWh; self-sufficiency = (53 - 30) / 53.
- Avoided CO2 at 0.5 kg/kWh: today 30 kg; coal at 0.3 kgce/kWh: this year 2,643 kgce.
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from drivers.quantities import Role
from energymon.accounting.carbon import CoalFactor
from energymon.accounting.flows import Flows
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.overview import PeriodEnergy, late_start_ms, overview_energy, period_starts_ms
from energymon.views.site import DeviceInfo, SiteInfo
from ui.flow_diagram import MAX_WIDTH_PX, MIN_WIDTH_PX, Arrow, flow_arrows, format_power

from support import record_hand_site, running_demo_window

ZONE = ZoneInfo("Asia/Shanghai")
H_MS = 3_600_000
KWH = 1000.0
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=ZONE)
NOW_MS = int(NOW.timestamp() * 1000)
FIRST = datetime(2025, 12, 29, 0, 0, tzinfo=ZONE)
LAST = datetime(2026, 3, 15, 16, 0, tzinfo=ZONE)
GAP = (datetime(2025, 12, 31, 18, 0, tzinfo=ZONE), datetime(2026, 1, 1, 6, 0, tzinfo=ZONE))
COAL = CoalFactor(2022, 0.3, "test coal factor")

DEVICES = [  # id, role, rated kW
    ("pv-1", "pv", 100),
    ("grid", "grid", 500),
    ("bess-1", "storage", 100),
    ("bess-p", "storage", 10),
]


def hourly_kwh(device_id: str, quantity: str, start: datetime) -> float:
    """Energy [kWh] of the hour that starts at ``start`` (local time), by the table of the module docstring."""
    day = start.date()
    if start >= NOW:
        return {"yield_wh": 50, "imported_wh": 10, "exported_wh": 10, "charged_wh": 10, "discharged_wh": 10}[quantity]
    if day == NOW.date():
        return {
            "yield_wh": 5,
            "imported_wh": 2.5,
            "exported_wh": 10 / 12,
            "charged_wh": 20 / 12,
            "discharged_wh": 5 / 12,
        }[quantity]
    if quantity == "yield_wh":
        daily = 500 if day.year == 2025 else 100 if day.month < 3 else 200
        return daily / 24
    return {"imported_wh": 48, "exported_wh": 24, "charged_wh": 24, "discharged_wh": 24}[quantity] / 24


COUNTERS = {"pv-1": ("yield_wh",), "grid": ("imported_wh", "exported_wh"), "bess-1": ("charged_wh", "discharged_wh")}


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("overview") / "site.db"
    record_hand_site(path, DEVICES, poll_interval_s=3600.0)
    hours = []
    t = FIRST
    while t <= LAST:
        hours.append(t)
        t = (t.astimezone(ZoneInfo("UTC")) + timedelta(hours=1)).astimezone(ZONE)
    counters = {(d, q): 1e6 for d, qs in COUNTERS.items() for q in qs}
    writer = StoreWriter(path, max_delay_s=60)
    for t in hours:
        ts_ms = int(t.timestamp() * 1000)
        for device_id, quantities in COUNTERS.items():
            values = {q: counters[(device_id, q)] for q in quantities}
            if not (device_id == "pv-1" and GAP[0] < t < GAP[1]):
                writer.put_samples(SampleBatch(device_id, ts_ms, values))
        power = -1000.0 if t.date() == NOW.date() and t < NOW else -5000.0 if t >= NOW else 0.0
        writer.put_samples(SampleBatch("bess-p", ts_ms, {"power_w": power}))
        for key in counters:  # the counters count on through the gap
            counters[key] += hourly_kwh(key[0], key[1], t) * KWH
    writer.close()
    assert writer.error is None
    return path


@pytest.fixture(scope="module")
def reader(site_db):
    reader = StoreReader(site_db)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def site(reader) -> SiteInfo:
    return SiteInfo.from_db(reader.site(), reader.devices())


# -- flow arrows -------------------------------------------------------------------------------------------


def ends(arrows: list[Arrow]) -> dict[str, tuple[str, str]]:
    return {a.node: (a.source, a.target) for a in arrows}


def test_arrows_follow_the_sign_of_each_flow():
    # Midday: PV 400 kW, the battery charges 100 kW, 100 kW exported, the loads take 200 kW.
    arrows = flow_arrows(400_000, -100_000, -100_000, 200_000)
    assert ends(arrows) == {
        "pv": ("pv", "bus"),
        "storage": ("bus", "storage"),
        "grid": ("bus", "grid"),
        "loads": ("bus", "loads"),
    }
    # Evening: no PV, the battery discharges 150 kW, 50 kW imported, loads 200 kW.
    arrows = flow_arrows(0.0, 150_000, 50_000, 200_000)
    assert ends(arrows) == {"storage": ("storage", "bus"), "grid": ("grid", "bus"), "loads": ("bus", "loads")}
    assert [a.power_w for a in arrows] == [150_000, 50_000, 200_000]  # magnitudes, never negative


def test_arrow_width_grows_with_the_square_root_of_power():
    arrows = {a.node: a for a in flow_arrows(400_000, -100_000, None, 300_000)}
    assert arrows["pv"].width_px == pytest.approx(MAX_WIDTH_PX)  # the largest flow
    # 100 kW is a quarter of the largest: half of the span between the thinnest and thickest pen
    assert arrows["storage"].width_px == pytest.approx(MIN_WIDTH_PX + (MAX_WIDTH_PX - MIN_WIDTH_PX) * 0.5)
    assert MIN_WIDTH_PX < arrows["loads"].width_px < MAX_WIDTH_PX


def test_no_arrow_for_about_zero_or_a_missing_value():
    arrows = flow_arrows(20.0, -30.0, None, 1_000.0)  # PV 20 W, storage -30 W: ~0; grid unknown
    assert ends(arrows) == {"loads": ("bus", "loads")}
    assert flow_arrows(None, None, None, None) == []
    assert flow_arrows(0.0, 0.0, 0.0, 0.0) == []
    assert flow_arrows(float("nan"), 1e5, 1e5, 2e5)[0].node == "storage"


def test_power_labels_in_kw_and_mw():
    assert format_power(812_400) == "812.4 kW"
    assert format_power(-1_234_000) == "1.23 MW"  # the arrow gives the direction
    assert format_power(None) == "—"


# -- overview energy on the hand-made database -------------------------------------------------------------


def test_period_starts_are_local_midnights():
    starts = period_starts_ms(NOW_MS, ZONE)
    assert starts == {
        "today": int(datetime(2026, 3, 15, tzinfo=ZONE).timestamp() * 1000),
        "month": int(datetime(2026, 3, 1, tzinfo=ZONE).timestamp() * 1000),
        "year": int(datetime(2026, 1, 1, tzinfo=ZONE).timestamp() * 1000),
    }


def test_today_month_and_year_by_hand(reader, site):
    energy = overview_energy(reader, site, NOW_MS, coal=COAL)
    assert energy.today.pv_wh / KWH == pytest.approx(60)
    assert energy.month.pv_wh / KWH == pytest.approx(2_860)
    assert energy.year.pv_wh / KWH == pytest.approx(8_810)
    today = energy.today.flows
    assert today.grid_import_wh / KWH == pytest.approx(30)
    assert today.grid_export_wh / KWH == pytest.approx(10)
    assert today.storage_discharge_wh / KWH == pytest.approx(5)
    assert today.storage_charge_wh / KWH == pytest.approx(20 + 12)  # bess-1 counters + bess-p from power
    assert energy.today.estimated == {"storage_discharge_wh": ("bess-p",), "storage_charge_wh": ("bess-p",)}
    assert energy.today.consumption_wh / KWH == pytest.approx(53)
    assert energy.today.self_sufficiency_pct == pytest.approx(100 * (53 - 30) / 53)
    assert energy.today.avoided_co2_kg == pytest.approx(30.0)  # 60 kWh x 0.5 kg/kWh
    assert energy.year.coal_saved_kgce == pytest.approx(8_810 * 0.3)
    assert energy.month.avoided_co2_kg == pytest.approx(2_860 * 0.5)
    assert energy.coal_kgce_per_kwh == 0.3 and energy.emission_factor_kg_per_kwh == 0.5
    # Every period has data from its start (the year through pv-1's gap across new year).
    for period in (energy.today, energy.month, energy.year):
        assert period.first_ts_ms == period.start_ms
        assert late_start_ms(period) is None
        assert period.missing == {}


def test_month_of_past_days_matches_counter_deltas(reader, site):
    """Yesterday's figures equal the counters at the two midnights (through the 1-day rollups)."""
    end_of_day = int(datetime(2026, 3, 14, 23, 59, 59, tzinfo=ZONE).timestamp() * 1000)
    energy = overview_energy(reader, site, end_of_day, coal=COAL)
    assert energy.today.pv_wh / KWH == pytest.approx(200 * (23 / 24))  # readings until 23:00
    assert energy.month.pv_wh / KWH == pytest.approx(13 * 200 + 200 * 23 / 24)
    assert energy.today.flows.storage_charge_wh / KWH == pytest.approx(23)  # bess-p charged nothing that day


def test_a_device_without_data_leaves_the_balance_open(reader, site):
    ghost = DeviceInfo("pv-ghost", "Inverter without data", Role.PV, 50, 5, "127.0.0.1:1", 1)
    with_ghost = SiteInfo(
        site.name, site.timezone, site.emission_factor_kg_per_kwh, site.emission_factor_source, site.devices + (ghost,)
    )
    energy = overview_energy(reader, with_ghost, NOW_MS, coal=COAL)
    assert energy.today.pv_wh / KWH == pytest.approx(60)  # the inverters with data
    assert energy.today.missing == {"pv_wh": ("pv-ghost",)}
    assert energy.today.counted["pv_wh"] == 1
    assert energy.today.consumption_wh is None and energy.today.self_sufficiency_pct is None  # never a guess


def test_no_data_yet_is_none_not_zero(reader, site):
    before = int(datetime(2025, 12, 1, tzinfo=ZONE).timestamp() * 1000)
    energy = overview_energy(reader, site, before, coal=COAL)
    assert energy.today.pv_wh is None and energy.today.first_ts_ms is None
    assert energy.year.avoided_co2_kg is None and energy.year.coal_saved_kgce is None


def test_late_start_is_reported():
    start = 1_000_000_000_000
    period = PeriodEnergy(start, Flows(), start + 3 * H_MS)
    assert late_start_ms(period) == start + 3 * H_MS
    assert late_start_ms(PeriodEnergy(start, Flows(), start + 60_000)) is None  # within ten minutes: on time
    assert late_start_ms(PeriodEnergy(start, Flows(), None)) is None


def test_a_year_is_fast(reader, site):
    import time

    t0 = time.perf_counter()
    overview_energy(reader, site, NOW_MS, coal=COAL)
    assert time.perf_counter() - t0 < 1.0  # rollups only: ~10 ms for the 60-day demo park; generous for CI


# -- the page -----------------------------------------------------------------------------------------------


def _number(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def test_energy_tiles_show_no_number_when_the_read_fails(qtbot):
    from ui.context import AppContext
    from ui.overview_page import OverviewPage

    ctx = AppContext()
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    page._on_energy_error("site.db: read failed")
    assert page.tile_pv_month.value_text == "—"
    assert page.tile_self_sufficiency.value_text == "—"
    assert "could not be read" in page.tile_pv_year.detail_label.text()
    ctx.shutdown()


@pytest.fixture
def demo_window(qtbot, tmp_path):
    with running_demo_window(qtbot, tmp_path, backfill_days=0.5) as window:
        yield window


@pytest.mark.wire
def test_overview_with_the_demo_running(qtbot, demo_window):
    window = demo_window
    overview = window.overview
    window.show_page("overview")
    ctx = window.ctx
    qtbot.waitUntil(lambda: ctx.site is not None, timeout=15_000)
    qtbot.waitUntil(lambda: set(ctx.readings) == {d.id for d in ctx.site.devices}, timeout=30_000)
    # The flow diagram gets the live values: the loads always draw power, so there is an arrow to them.
    qtbot.waitUntil(lambda: overview.flow.values["loads"] is not None, timeout=10_000)
    assert overview.flow.values["grid"] is not None and overview.flow.values["pv"] is not None
    assert any(a.node == "loads" and a.target == "loads" for a in overview.flow.arrows)
    assert overview.flow.soc_pct is not None and 0 <= overview.flow.soc_pct <= 100

    # The energy tiles come from the reader thread, over the half day of history and the live data.
    energy_tiles = (
        overview.tile_pv_today,
        overview.tile_pv_month,
        overview.tile_pv_year,
        overview.tile_self_sufficiency,
        overview.tile_co2_today,
        overview.tile_co2_month,
        overview.tile_co2_year,
        overview.tile_coal_year,
    )
    qtbot.waitUntil(lambda: all(t.value_text != "—" for t in energy_tiles), timeout=40_000)
    assert overview.tile_pv_today.value_text.endswith("kWh")
    assert overview.tile_pv_month.value_text.endswith("MWh")
    assert 0 <= _number(overview.tile_self_sufficiency.value_text) <= 100
    month = _number(overview.tile_pv_month.value_text)
    assert _number(overview.tile_pv_year.value_text) >= month >= 0
    energy = overview.energy
    assert energy.today.estimated  # bess-2 (SunSpec model 802) has no energy counters: estimated from power
    assert energy.year.first_ts_ms is not None
    # CO2 follows PV energy and the site's factor.
    assert energy.today.avoided_co2_kg == pytest.approx(energy.today.pv_wh / 1000 * ctx.site.emission_factor_kg_per_kwh)
    # Live tiles show numbers too; the storage tile shows the state of charge.
    assert overview.tile_consumption.value_text.endswith("kW")
    assert "SoC" in overview.tile_storage.detail_label.text()
    assert not math.isnan(_number(overview.tile_grid.value_text))
    # Re-labelling (a language switch) keeps every number.
    before = [t.value_text for t in energy_tiles]
    overview.retranslate()
    assert [t.value_text for t in energy_tiles] == before
    assert np.all([t.title_label.text() for t in energy_tiles])
    # The status bar reports the first-start history (written by the history process) once it is complete.
    qtbot.waitUntil(lambda: ctx.backfill is not None and not ctx.backfill.running, timeout=60_000)
    assert ctx.backfill.error is None and ctx.backfill.samples > 0
    qtbot.waitUntil(lambda: window.history_label.text().startswith("History: 0.5 days, "), timeout=5_000)
