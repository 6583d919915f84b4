"""PV performance on a hand-made database: energy, kWh/kW, full-load hours, peer ratio, ranking and PR by hand.

Hand-made site (Asia/Shanghai): five inverters and one irradiance sensor, every device read on the hour from
2026-02-27 00:00 to 2026-03-15 16:00 local time; "now" is 2026-03-15 12:00 (the later data must not leak
into the figures). The counters rise at a constant rate:

| inverter | rated kW | kWh per hour | kWh/kW per hour | data |
|---|---|---|---|---|
| inv-1 | 100 | 10 | 0.100 | all |
| inv-2 | 100 | 10.5 | 0.105 | all |
| inv-3 | 200 | 19 | 0.095 | all |
| inv-4 | 100 | 7 | 0.070 | all (the underperformer) |
| inv-5 | 100 | 10 | 0.100 | from 2026-03-10 00:00 only |

The sensor ``irr-1`` reads 120 W/m2 at every hour, except that it is silent on March 5 and 6.

- **Today** (12 h): kWh/kW = full-load h: inv-1 1.2, inv-2 1.26, inv-3 1.14, inv-4 0.84, inv-5 1.2; every
  inverter is complete, median 1.2; peer ratios inv-4 0.7 (below 90 %: low), inv-3 0.95 (not low); ranks
  inv-2, inv-1, inv-5 (1.2 as inv-1: by id), inv-3, inv-4. Irradiation 12 x 120 = 1,440 Wh/m2, so PR
  inv-1 = 1.2 / 1.44 = 0.8333; the park: 678 kWh over 600 kW = 1.13 kWh/kW, PR 1.13 / 1.44 = 0.7847.
- **This month** (March 1 00:00 to now: 348 h): inv-5 is incomplete (132 h of data: 1,320 kWh), not ranked;
  peers inv-1..4: 34.8, 36.54, 33.06, 24.36 kWh/kW, median (33.06 + 34.8) / 2 = 33.93; inv-4 is last and low.
  The sensor misses 48 of 348 h (86 % covered, under 95 %): no PR, and the reason is given.
- **This year**: no inverter has data since January 1: none is complete, nothing is ranked, no park line.

**DC basis**: the same site with each array's DC peak power (inv-1 120, inv-2 125, inv-3 240, inv-4 120,
inv-5 120 kWp): today 1.0, 1.008, 0.95, 0.7, 1.0 kWh/kWp, median 1.0, the same ranking; the park 678 kWh over
725 kWp = 0.9352 kWh/kWp, PR 0.9352 / 1.44 = 0.6494. With only inv-1's given the park is on AC throughout
(mixed), inv-1 included: its 1.2 kWh/kW is not compared with the others' kWh/kWp.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from energymon.accounting import pv_yield
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views import pv_performance as pv
from energymon.views.site import SiteInfo

from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=ZONE)
NOW_MS = int(NOW.timestamp() * 1000)
FIRST = datetime(2026, 2, 27, 0, 0, tzinfo=ZONE)
LAST = datetime(2026, 3, 15, 16, 0, tzinfo=ZONE)
INV5_FROM = datetime(2026, 3, 10, 0, 0, tzinfo=ZONE)
SENSOR_GAP = (datetime(2026, 3, 5, 0, 0, tzinfo=ZONE), datetime(2026, 3, 7, 0, 0, tzinfo=ZONE))
RATES_KWH_PER_H = {"inv-1": 10.0, "inv-2": 10.5, "inv-3": 19.0, "inv-4": 7.0, "inv-5": 10.0}
DEVICES = [
    ("inv-1", "pv", 100),
    ("inv-2", "pv", 100),
    ("inv-3", "pv", 200),
    ("inv-4", "pv", 100),
    ("inv-5", "pv", 100),
    ("irr-1", "meteo", 0),
]


def _hours() -> list[datetime]:
    out, t = [], FIRST
    while t <= LAST:
        out.append(t)
        t = (t.astimezone(ZoneInfo("UTC")) + timedelta(hours=1)).astimezone(ZONE)
    return out


def _write(path, devices, sensor: bool = True) -> None:
    record_hand_site(path, devices, poll_interval_s=3600.0)
    counters = {d: 5e6 for d in RATES_KWH_PER_H}
    writer = StoreWriter(path, max_delay_s=60)
    for t in _hours():
        ts_ms = int(t.timestamp() * 1000)
        for device_id, rate in RATES_KWH_PER_H.items():
            if not (device_id == "inv-5" and t < INV5_FROM):
                writer.put_samples(SampleBatch(device_id, ts_ms, {"yield_wh": counters[device_id]}))
            counters[device_id] += rate * 1000.0
        if sensor and not SENSOR_GAP[0] <= t < SENSOR_GAP[1]:
            writer.put_samples(SampleBatch("irr-1", ts_ms, {"irradiance_w_m2": 120.0}))
    writer.close()
    assert writer.error is None


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pv") / "site.db"
    _write(path, DEVICES)
    return path


@pytest.fixture(scope="module")
def reader(site_db):
    reader = StoreReader(site_db)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def site(reader) -> SiteInfo:
    return SiteInfo.from_db(reader.site(), reader.devices())


def by_id(result: pv.PvPerformance) -> dict[str, pv.InverterPerformance]:
    return {i.device_id: i for i in result.inverters}


def test_today_energy_yield_full_load_hours_by_hand(reader, site):
    today = pv.pv_performance(reader, site, "today", NOW_MS)
    rows = by_id(today)
    assert today.start_ms == int(datetime(2026, 3, 15, tzinfo=ZONE).timestamp() * 1000)
    for device_id, rate in RATES_KWH_PER_H.items():
        assert rows[device_id].energy_wh == pytest.approx(12 * rate * 1000.0)
        assert rows[device_id].complete
    assert rows["inv-3"].specific_yield_kwh_per_kw == pytest.approx(12 * 19 / 200)
    assert rows["inv-2"].full_load_hours_h == pytest.approx(1.26)  # the same number, in hours
    assert today.median_kwh_per_kw == pytest.approx(1.2)
    assert today.park_energy_wh == pytest.approx(678_000.0)
    assert today.park_rated_kw == 600
    assert today.park_specific_yield_kwh_per_kw == pytest.approx(1.13)


def test_the_underperformer_is_ranked_last_and_low(reader, site):
    today = pv.pv_performance(reader, site, "today", NOW_MS)
    assert [i.device_id for i in today.inverters] == ["inv-2", "inv-1", "inv-5", "inv-3", "inv-4"]
    assert [i.rank for i in today.inverters] == [1, 2, 3, 4, 5]
    rows = by_id(today)
    assert rows["inv-4"].peer_ratio == pytest.approx(0.7) and rows["inv-4"].low
    assert rows["inv-3"].peer_ratio == pytest.approx(0.95) and not rows["inv-3"].low
    assert [i.device_id for i in today.inverters if i.low] == ["inv-4"]
    assert today.peer_note is None


def test_performance_ratio_with_the_sensor(reader, site):
    today = pv.pv_performance(reader, site, "today", NOW_MS)
    assert today.sensors == ("irr-1",) and today.sensors_used == ("irr-1",)
    assert today.irradiation_wh_m2 == pytest.approx(12 * 120.0)
    assert today.sensor_coverage == pytest.approx(1.0)
    assert today.pr_note is None
    assert by_id(today)["inv-1"].performance_ratio == pytest.approx(1.2 / 1.44)
    assert by_id(today)["inv-4"].performance_ratio == pytest.approx(0.84 / 1.44)
    assert today.park_performance_ratio == pytest.approx(1.13 / 1.44)


def test_the_month_ranks_only_complete_inverters_and_says_why_no_pr(reader, site):
    month = pv.pv_performance(reader, site, "month", NOW_MS)
    rows = by_id(month)
    hours = 14 * 24 + 12
    assert rows["inv-1"].energy_wh == pytest.approx(hours * 10_000.0)
    assert not rows["inv-5"].complete and rows["inv-5"].rank is None and rows["inv-5"].peer_ratio is None
    assert rows["inv-5"].energy_wh == pytest.approx((5 * 24 + 12) * 10_000.0)  # what its data gives
    assert rows["inv-5"].covered_ms == (5 * 24 + 12) * 3_600_000
    assert month.inverters[-1].device_id == "inv-5"  # the unranked after the ranked
    assert [i.device_id for i in month.inverters if i.rank] == ["inv-2", "inv-1", "inv-3", "inv-4"]
    assert month.median_kwh_per_kw == pytest.approx((33.06 + 34.8) / 2)
    assert rows["inv-4"].low and rows["inv-4"].rank == 4
    assert month.park_rated_kw == 500 and month.complete_count == 4
    # The sensor is silent 48 of the 348 hours: its irradiation would be too low and the PR too high.
    assert month.irradiation_wh_m2 is None and month.park_performance_ratio is None
    assert month.pr_note == pv.SENSOR_GAPS
    assert month.sensor_coverage == pytest.approx(300 / 348)
    assert rows["inv-1"].performance_ratio is None


def test_the_year_has_no_complete_inverter(reader, site):
    year = pv.pv_performance(reader, site, "year", NOW_MS)
    assert year.complete_count == 0 and all(i.rank is None for i in year.inverters)
    assert year.park_energy_wh is None and year.park_specific_yield_kwh_per_kw is None
    assert year.peer_note == pv.FEW_PEERS
    assert all(i.energy_wh is not None for i in year.inverters)  # each still shows what its data gives


def test_without_a_sensor_the_pr_says_so(tmp_path):
    path = tmp_path / "site.db"
    _write(path, DEVICES[:-1], sensor=False)
    reader = StoreReader(path)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
        today = pv.pv_performance(reader, site, "today", NOW_MS)
    finally:
        reader.close()
    assert today.sensors == () and today.pr_note == pv.NO_SENSOR and today.park_performance_ratio is None
    assert today.inverters[-1].device_id == "inv-4"  # the ranking needs no sensor


def test_an_unknown_period_is_refused(reader, site):
    with pytest.raises(ValueError, match="period"):
        pv.pv_performance(reader, site, "week", NOW_MS)


DC_KWP = {"inv-1": 120.0, "inv-2": 125.0, "inv-3": 240.0, "inv-4": 120.0, "inv-5": 120.0}


def _with_dc(path, dc_kwp: dict[str, float]) -> SiteInfo:
    """The site of ``path`` with ``dc_kwp`` in its devices table, as energymon.store.site_record writes it."""
    from energymon.store.schema import open_db

    db = open_db(path)
    try:
        db.conn.executemany(
            "UPDATE devices SET dc_peak_power_kwp = ? WHERE id = ?", [(v, k) for k, v in dc_kwp.items()]
        )
        db.conn.commit()
    finally:
        db.close()
    reader = StoreReader(path)
    try:
        return SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()


def test_with_every_dc_peak_power_the_figures_are_per_kwp(tmp_path):
    path = tmp_path / "site.db"
    _write(path, DEVICES)
    site = _with_dc(path, DC_KWP)
    reader = StoreReader(path)
    try:
        today = pv.pv_performance(reader, site, "today", NOW_MS)
    finally:
        reader.close()
    assert today.basis == pv_yield.BASIS_DC and not today.mixed_basis
    rows = by_id(today)
    assert {d: rows[d].basis_power_kw for d in DC_KWP} == DC_KWP
    assert all(r.basis == pv_yield.BASIS_DC for r in today.inverters)
    assert rows["inv-1"].specific_yield_kwh_per_kw == pytest.approx(1.0)
    assert rows["inv-2"].full_load_hours_h == pytest.approx(126 / 125)
    assert rows["inv-4"].specific_yield_kwh_per_kw == pytest.approx(0.7)
    assert today.median_kwh_per_kw == pytest.approx(1.0)
    assert [i.device_id for i in today.inverters] == ["inv-2", "inv-1", "inv-5", "inv-3", "inv-4"]
    assert rows["inv-4"].low and rows["inv-4"].peer_ratio == pytest.approx(0.7)
    assert today.park_basis_power_kw == 725 and today.park_rated_kw == 600
    assert today.park_specific_yield_kwh_per_kw == pytest.approx(678 / 725)
    assert today.park_performance_ratio == pytest.approx(678 / 725 / 1.44)
    assert rows["inv-1"].performance_ratio == pytest.approx(1.0 / 1.44)


def test_a_park_of_mixed_bases_is_compared_per_ac_kw(tmp_path):
    path = tmp_path / "site.db"
    _write(path, DEVICES)
    site = _with_dc(path, {"inv-1": 120.0})
    reader = StoreReader(path)
    try:
        today = pv.pv_performance(reader, site, "today", NOW_MS)
    finally:
        reader.close()
    assert today.basis == pv_yield.BASIS_AC and today.mixed_basis
    rows = by_id(today)
    assert rows["inv-1"].basis == pv_yield.BASIS_AC and rows["inv-1"].basis_power_kw == 100
    assert rows["inv-1"].specific_yield_kwh_per_kw == pytest.approx(1.2)  # per AC kW like the others
    assert today.median_kwh_per_kw == pytest.approx(1.2) and today.park_basis_power_kw == 600
    assert today.park_specific_yield_kwh_per_kw == pytest.approx(1.13)


def test_the_basis_of_a_park():
    assert pv_yield.park_basis([360.0, 420.0]) == pv_yield.BASIS_DC
    assert pv_yield.park_basis([360.0, None]) == pv_yield.BASIS_AC
    assert pv_yield.park_basis([]) == pv_yield.BASIS_AC
    assert pv_yield.basis_power_kw(300.0, 360.0, pv_yield.BASIS_DC) == 360.0
    assert pv_yield.basis_power_kw(300.0, 360.0, pv_yield.BASIS_AC) == 300.0
    with pytest.raises(ValueError):
        pv_yield.basis_power_kw(300.0, None, pv_yield.BASIS_DC)


# -- the pure figures -----------------------------------------------------------------------------------


def test_peer_ratios_need_enough_peers_and_yield():
    assert pv_yield.peer_ratios({}) == (None, {})
    assert pv_yield.peer_ratios({"a": 1.0, "b": 2.0}) == (1.5, {})  # two peers: no ratios
    assert pv_yield.peer_ratios({"a": 0.01, "b": 0.02, "c": 0.03}) == (0.02, {})  # before sunrise
    median, ratios = pv_yield.peer_ratios({"a": 1.0, "b": 2.0, "c": 4.0})
    assert median == 2.0 and ratios == {"a": 0.5, "b": 1.0, "c": 2.0}
    assert pv_yield.is_low(0.899) and not pv_yield.is_low(0.9) and not pv_yield.is_low(None)
    assert pv_yield.is_low(0.94, threshold=0.95)


def test_ranking_and_pr_by_hand():
    assert pv_yield.ranking({"b": 2.0, "a": 2.0, "c": 3.0}) == {"c": 1, "a": 2, "b": 3}
    assert pv_yield.specific_yield_kwh_per_kw(450_000.0, 100.0) == pytest.approx(4.5)
    assert pv_yield.specific_yield_kwh_per_kw(None, 100.0) is None
    assert pv_yield.specific_yield_kwh_per_kw(1.0, 0.0) is None
    assert pv_yield.performance_ratio(4.5, 5_400.0) == pytest.approx(4.5 / 5.4)
    assert pv_yield.performance_ratio(0.01, 10.0) is None  # dawn: too little irradiation to judge
    assert pv_yield.performance_ratio(None, 5_400.0) is None


def test_a_weather_sensor_changes_no_figure_of_the_monthly_report(site_db, tmp_path):
    """The same inverters with and without the sensor: the same days, totals, coverage and devices."""
    from energymon.report.make import read_month_report

    without = tmp_path / "without.db"
    _write(without, DEVICES[:-1], sensor=False)
    with_sensor = read_month_report(site_db, "2026-03", now_ms=NOW_MS)
    plain = read_month_report(without, "2026-03", now_ms=NOW_MS)
    assert with_sensor.days == plain.days and with_sensor.total == plain.total
    assert with_sensor.total.coverage_pct == plain.total.coverage_pct
    assert [d.device_id for d in with_sensor.devices] == [d.device_id for d in plain.devices]
    assert "irr-1" not in {d.device_id for d in with_sensor.devices}
