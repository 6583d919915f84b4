"""The monthly report's figures, worked by hand, and on a backfilled stretch of the demo park.

Hand-made site (Asia/Shanghai), every device read every 15 minutes, counters rising at a constant rate
within each local day, so each day's energy is exactly the day's rate x 24 h:

| day (Oct 2026) | pv | import | export | charge | discharge | load meter | notes |
|---|---|---|---|---|---|---|---|
| 1 | 100 | 50 | 20 | 30 | 10 | 105 | |
| 2 | 0 | 200 | 0 | 150 | 0 | 48 | no PV; battery charged from the grid |
| 3 | 80 | 90 -> 89.0625 | 10 | 0 | 0 | 170 | grid import meter replaced at 12:00 |
| 4 | 60 | 40 | 0 | 0 | 0 | 100 | PV inverter silent 06:00-12:00 |
| 5 | 0 | 30 | 0 | 24 (estimated) | 0 | 25 | a counterless battery charges at 1 kW |
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from energymon.report.csv_file import report_rows, write_report_csv
from energymon.report.daily import ADDITIVE
from energymon.report.month import ReportError, build_month_report
from energymon.store.reader import ALL_TIME, StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

from support import TWO_PERIOD_TARIFF_TOML as TARIFF_TOML
from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, tzinfo=ZONE)
Q_MS = 900_000
DAYS = 5
KWH = 1000.0

DEVICES = [  # id, role, rated kW
    ("pv-1", "pv", 50),
    ("grid", "grid", 500),
    ("bess-1", "storage", 100),
    ("load", "load", 500),
    ("bess-p", "storage", 10),
]
DAILY_KWH = {
    ("pv-1", "yield_wh"): [100, 0, 80, 60, 0],
    ("grid", "imported_wh"): [50, 200, 90, 40, 30],
    ("grid", "exported_wh"): [20, 0, 10, 0, 0],
    ("bess-1", "charged_wh"): [30, 150, 0, 0, 0],
    ("bess-1", "discharged_wh"): [10, 0, 0, 0, 0],
    ("load", "consumed_wh"): [105, 48, 170, 100, 25],
}
RESET_MS = int((START + timedelta(days=2, hours=12)).timestamp() * 1000)  # grid import meter replaced
GAP = (
    int((START + timedelta(days=3, hours=6)).timestamp() * 1000),
    int((START + timedelta(days=3, hours=12)).timestamp() * 1000),
)  # pv-1 silent strictly between


def quarter_times() -> np.ndarray:
    start = int(START.timestamp() * 1000)
    return start + np.arange(DAYS * 96 + 1, dtype=np.int64) * Q_MS  # through the midnight after day 5


def counter_values(daily_kwh: list[float], base_wh: float) -> np.ndarray:
    per_quarter = np.repeat(np.array(daily_kwh, dtype=float) * KWH / 96, 96)
    return base_wh + np.concatenate(([0.0], np.cumsum(per_quarter)))


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("month") / "site.db"
    record_hand_site(path, DEVICES, config_toml=TARIFF_TOML)
    ts = quarter_times()
    series = {key: counter_values(kwh, 1e6) for key, kwh in DAILY_KWH.items()}
    imported = series[("grid", "imported_wh")]
    after = ts >= RESET_MS
    imported[after] = imported[after] - imported[ts == RESET_MS][0]  # the new meter reads 0 at 12:00 and counts on
    bess_p = np.where(ts >= int((START + timedelta(days=4)).timestamp() * 1000), -1000.0, 0.0)
    writer = StoreWriter(path, max_delay_s=60)
    for i, t in enumerate(ts.tolist()):
        for device_id, _, _ in DEVICES:
            values = {q: float(v[i]) for (d, q), v in series.items() if d == device_id}
            if device_id == "bess-p":
                values = {"power_w": float(bess_p[i])}
            if device_id == "pv-1" and GAP[0] < t < GAP[1]:
                continue
            writer.put_samples(SampleBatch(device_id, t, values))
    writer.close()
    assert writer.error is None
    return path


@pytest.fixture(scope="module")
def report(site_db):
    reader = StoreReader(site_db)
    try:
        return build_month_report(reader, "2026-10")
    finally:
        reader.close()


def kwh(value_wh):
    return value_wh / KWH


def test_every_kpi_of_the_hand_worked_days(report):
    d1, d2, d3, d4, d5 = report.days[:5]
    assert [kwh(d.flows.pv_wh) for d in (d1, d2, d3, d4, d5)] == pytest.approx([100, 0, 80, 60, 0])
    # day 1: consumption 100 + 50 - 20 + 10 - 30 = 110; self-consumption (100-20)/100; self-sufficiency 60/110
    assert kwh(d1.flows.consumption_wh) == pytest.approx(110)
    assert kwh(d1.flows.metered_load_wh) == pytest.approx(105)
    assert d1.self_consumption_pct == pytest.approx(80.0)
    assert d1.self_sufficiency_pct == pytest.approx(100 * 60 / 110)
    assert d1.avoided_co2_kg == pytest.approx(50.0)  # 100 kWh x 0.5 kg/kWh
    assert d1.coal_saved_kgce == pytest.approx(100 * report.coal_factor_kgce_per_kwh)
    assert d1.coverage_pct == pytest.approx(100.0)
    # day 2: no PV, the battery charged from the grid: consumption 200 - 150 = 50 < import -> 0 %, never negative
    assert kwh(d2.flows.consumption_wh) == pytest.approx(50)
    assert d2.self_consumption_pct is None and d2.self_sufficiency_pct == 0.0
    # day 3: the quarter 11:45-12:00 ends on the new meter's 0: its 90/96 kWh cannot be known and is left out
    # (no negative energy, no spike)
    assert kwh(d3.flows.grid_import_wh) == pytest.approx(90 - 90 / 96)
    assert d3.self_consumption_pct == pytest.approx(100 * 70 / 80)
    assert d3.self_sufficiency_pct == pytest.approx(100 * 70 / kwh(d3.flows.consumption_wh))
    # day 4: the counter spans the 6 h gap: all 60 kWh, but 24 of pv-1's 96 quarters have no data
    assert kwh(d4.flows.pv_wh) == pytest.approx(60)
    assert d4.coverage_pct == pytest.approx(100 * (5 * 96 - 24) / (5 * 96))
    assert d4.spread_intervals == 24
    assert all(d.estimated_intervals == 96 for d in (d1, d2, d3, d4, d5))  # bess-p has no counters, every day
    # day 5: the counterless battery's 24 kWh of charging is integrated from power and flagged
    assert kwh(d5.flows.storage_charge_wh) == pytest.approx(24)
    assert d5.coverage_pct == pytest.approx(100.0)  # estimated from power samples: data, flagged
    assert kwh(d5.flows.consumption_wh) == pytest.approx(6) and d5.self_sufficiency_pct == 0.0
    # the rest of October has no data
    assert all(d.coverage_pct == 0 and d.flows.pv_wh == 0 for d in report.days[5:])
    assert len(report.days) == 31
    assert report.total.coverage_pct == pytest.approx(100 * (5 * 5 * 96 - 24) / (31 * 5 * 96))


def test_devices_methods_and_peak_demand(report):
    methods = {d.device_id: d.method for d in report.devices}
    assert methods["bess-p"] == "power integration (estimated)" and methods["pv-1"] == "counter"
    # the highest 15-minute import: day 2, 200 kWh/day = 8.33 kW average
    assert report.peak_demand_kw == pytest.approx(200 / 24)
    assert datetime.fromtimestamp(report.peak_demand_start_ms / 1000, ZONE).date().day == 2


def test_costs_on_the_recorded_tariff(report):
    """Import per quarter is constant within a day: a third of it in the valley (0.3), two thirds flat (0.6);
    on 3 October the flat quarter 11:45-12:00 (90/96 kWh) is not counted."""
    costs = report.costs
    imported = 50 + 200 + 90 + 40 + 30
    assert costs.by_period["valley"] == pytest.approx((imported / 3, 0.3 * imported / 3))
    assert costs.by_period["flat"] == pytest.approx((2 * imported / 3 - 90 / 96, 0.6 * (2 * imported / 3 - 90 / 96)))
    assert costs.demand_charge == pytest.approx(10.0 * 200 / 24)  # peak 8.33 kW on 2 October
    # PV kept on site is worth 0.3 x 1/3 + 0.6 x 2/3 = 0.5 per kWh: (100-20 + 80-10 + 60) x 0.5
    assert costs.savings.pv_saved == pytest.approx(105.0)
    # storage: discharge 10 - charge (30 + 150 + 24) kWh, all at the day's mean price 0.5
    assert costs.savings.storage_saved == pytest.approx((10 - 30 - 150 - 24) * 0.5)
    assert costs.savings.pv_saved + costs.savings.storage_saved == pytest.approx(costs.savings.total_saved)
    assert costs.energy_cost == pytest.approx(costs.savings.import_cost)  # no export price


def test_csv_total_row_is_the_sum_of_the_days(report):
    rows = report_rows(report)
    assert rows[-1]["date"] == "total" and len(rows) == 32
    # the data ends at the midnight after 5 October: the other 26 days have none, their cells are empty (not 0)
    assert all(r[c] != "" for r in rows[:5] for c in ADDITIVE)
    assert all(r[c] == "" for r in rows[5:-1] for c in ADDITIVE) and {r["coverage_pct"] for r in rows[5:-1]} == {"0.00"}
    assert report.days_without_data == 26
    for column in ADDITIVE:
        assert Decimal(rows[-1][column]) == sum(Decimal(r[column]) for r in rows[:5]), column
    assert rows[1]["self_consumption_pct"] == ""  # no PV on 2 October
    assert rows[0]["self_sufficiency_pct"] == "54.55"
    out = io.StringIO()
    write_report_csv(report, out)
    header = out.getvalue().splitlines()[0]
    assert header == (
        "date,pv_kwh,consumption_kwh,metered_load_kwh,grid_import_kwh,grid_export_kwh,"
        "storage_charge_kwh,storage_discharge_kwh,self_consumption_pct,self_sufficiency_pct,"
        "avoided_co2_kg,coal_saved_kgce,coverage_pct"
    )


def test_the_same_month_twice_gives_the_same_numbers(site_db, report):
    reader = StoreReader(site_db)
    try:
        again = build_month_report(reader, "2026-10")
    finally:
        reader.close()
    assert report_rows(again) == report_rows(report)


@pytest.mark.process
def test_bad_month_and_cli(site_db, tmp_path):
    reader = StoreReader(site_db)
    try:
        with pytest.raises(ReportError, match="YYYY-MM"):
            build_month_report(reader, "2026-13")
    finally:
        reader.close()
    out = tmp_path / "oct.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "energymon.cli",
            "report",
            "--db",
            str(site_db),
            "--month",
            "2026-10",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with out.open(newline="") as f:
        assert len(list(csv.reader(f))) == 33
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "energymon.cli",
            "report",
            "--db",
            str(site_db),
            "--month",
            "Oct",
            "--out",
            str(tmp_path / "x.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "--month 'Oct'" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def interpolated(reader: StoreReader, device_id: str, quantity: str, at_ms: np.ndarray) -> np.ndarray:
    ts, values = reader.raw(device_id, quantity, *ALL_TIME)
    return np.interp(at_ms, ts, values)


@pytest.mark.slow
@pytest.mark.process
@pytest.mark.timeout(600)
def test_a_backfilled_month_of_the_demo_park_matches_its_counters(tmp_path):
    """October 2026 of the demo park, backfilled (32 days of history around it): every day's energies are the
    counter deltas between the local midnights (counters interpolated at midnight, as the report apportions
    the interval across it); bess-2 has no counters, its power is integrated the same way by hand."""
    from energymon.backfill.runner import backfill_database
    from energymon.config import load_config

    from support import demo_config_path

    config = load_config(demo_config_path())
    end = datetime(2026, 11, 1, 3, 0, tzinfo=ZONE)  # history 30 Sep 03:00 - 1 Nov 03:00 local
    db = tmp_path / "demo.db"
    result = backfill_database(
        config, db, 32.0, seed=3, state_path=tmp_path / "state.json", end_s=end.timestamp(), report=lambda line: None
    )
    assert result is not None
    reader = StoreReader(db)
    try:
        report = build_month_report(reader, "2026-10")
        midnights = np.array(
            [int(datetime(2026, 10, d, tzinfo=ZONE).timestamp() * 1000) for d in range(1, 32)]
            + [int(datetime(2026, 11, 1, tzinfo=ZONE).timestamp() * 1000)]
        )
        expected = {
            flow: np.zeros(31)
            for flow in ("pv_wh", "grid_import_wh", "grid_export_wh", "storage_charge_wh", "storage_discharge_wh")
        }
        for device in config.devices:
            for flow, quantity in {
                "pv": [("pv_wh", "yield_wh")],
                "grid": [("grid_import_wh", "imported_wh"), ("grid_export_wh", "exported_wh")],
                "storage": [("storage_charge_wh", "charged_wh"), ("storage_discharge_wh", "discharged_wh")],
            }.get(device.role.value, []):
                if reader.channel_id(device.id, quantity) is None:
                    continue  # bess-2 (SunSpec storage) has no counters: its power is integrated, below
                expected[flow] += np.diff(interpolated(reader, device.id, quantity, midnights))
        # bess-2: power held from one sample to the next (zero-order hold), + discharge / - charge
        ts, power = reader.raw("bess-2", "power_w", *ALL_TIME)
        for i in range(31):
            inside = (ts >= midnights[i]) & (ts < midnights[i + 1])
            last_before = np.flatnonzero(ts < midnights[i])[-1]
            edges = np.concatenate(([midnights[i]], ts[inside], [midnights[i + 1]]))
            held = np.concatenate(([power[last_before]], power[inside]))
            energy = held * np.diff(edges) / 3.6e6
            expected["storage_discharge_wh"][i] += energy[energy > 0].sum()
            expected["storage_charge_wh"][i] -= energy[energy < 0].sum()
        counterless = [d for d in report.devices if d.method.startswith("power integration")]
        assert [d.device_id for d in counterless] == ["bess-2"]
    finally:
        reader.close()
    assert len(report.days) == 31
    for i, day in enumerate(report.days):  # every day of October lies inside the history
        assert day.coverage_pct == pytest.approx(100.0)
        assert day.estimated_intervals == 96  # bess-2's quarters
        for flow in expected:
            assert getattr(day.flows, flow) == pytest.approx(expected[flow][i], rel=1e-9, abs=1e-6), (i, flow)
        bess2 = [d for d in report.devices if d.device_id == "bess-2"][0]
        assert bess2.estimated_intervals > 0
    rows = report_rows(report)
    for column in ADDITIVE:
        assert Decimal(rows[-1][column]) == sum(Decimal(r[column]) for r in rows[:-1]), column
