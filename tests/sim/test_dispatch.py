"""energymon.sim.dispatch: the peak-shaving plan from the tariff, its steps, and what it does for the demo park.

The last test backfills three December days of the demo park into a real database and reads them back with the
monthly report: the month's demand peak is below the peak the site would have without its batteries, the report's
"demand saved" and "storage saved" are positive, and the batteries discharge into the 19:00-21:00 sharp period
every day. The old dispatch (``time-of-use``: full power from 00:00, discharge from 17:00) fails all of them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from energymon.config import Config
from energymon.sim.backfill import history_end_state
from energymon.sim.dispatch import CHARGE, DISCHARGE, IDLE, StepPlan, day_plan, dispatch_unit, plan_at, tariff_plan
from energymon.sim.model import build_model, exogenous
from energymon.sim.park import Park
from energymon.sim.storage import Battery

from support import SHANGHAI

BATTERY = Battery(
    capacity_wh=1_000_000.0,
    soc_min_pct=10.0,
    soc_max_pct=95.0,
    max_charge_w=500_000.0,
    max_discharge_w=500_000.0,
    round_trip_efficiency=0.81,  # 0.9 each way
    dispatch="peak-shaving",
    charge_window=(0.0, 6.0),
    discharge_window=(17.0, 22.0),
    demand_limit_w=2_000_000.0,
    shaving_reserve_pct=10.0,
)


def quarter(hh_mm: str) -> int:
    hours, minutes = hh_mm.split(":")
    return int(hours) * 4 + int(minutes) // 15


def runs(roles: list[int]) -> list[tuple[str, int]]:
    """The day's roles as (start "HH:MM", role) runs."""
    out: list[tuple[str, int]] = []
    for q, role in enumerate(roles):
        if not out or out[-1][1] != role:
            out.append((f"{q // 4:02d}:{q % 4 * 15:02d}", role))
    return out


# -- the plan --------------------------------------------------------------------------------------------------


def test_the_demo_tariff_gives_two_cycles_a_day_and_keeps_decembers_sharp_period(demo_config: Config):
    assert demo_config.tariff is not None
    plan = tariff_plan(demo_config.tariff, 0.90)
    december, march = plan.role[11].tolist(), plan.role[2].tolist()
    # Valley and the flat hours before a peak charge; the flat 22:00-23:00 (the valley follows) idles.
    expected = [
        ("00:00", CHARGE),
        ("08:00", DISCHARGE),
        ("11:30", CHARGE),
        ("17:00", DISCHARGE),
        ("22:00", IDLE),
        ("23:00", CHARGE),
    ]
    assert runs(december) == runs(march) == expected
    same, better = plan.same_quarters[11], plan.better_quarters[11]
    # December 17:00 (peak): 12 peak quarters (17-19, 21-22) share what the 8 sharp quarters (19-21) leave.
    assert (same[quarter("17:00")], better[quarter("17:00")]) == (12, 8)
    assert (same[quarter("19:00")], better[quarter("19:00")]) == (8, 0)
    assert (same[quarter("21:00")], better[quarter("21:00")]) == (4, 0)
    assert (plan.same_quarters[2][quarter("17:00")], plan.better_quarters[2][quarter("17:00")]) == (20, 0)
    # Charging: the valley's 32 quarters; the flat 07:00-08:00 only tops up what the valley left.
    assert (same[quarter("23:00")], better[quarter("23:00")]) == (32, 0)
    assert (same[quarter("07:00")], same[quarter("11:30")]) == (4, 22)


def test_charging_is_planned_only_where_it_pays_after_the_round_trip_loss(demo_config: Config):
    assert demo_config.tariff is not None
    periods = demo_config.tariff.schedule[2]
    prices = demo_config.tariff.prices_per_kwh
    # At 50 % round trip a flat kWh (0.60) is worth less than its 0.45 back at the peak: only the valley charges.
    roles, _, _ = day_plan(periods, prices, 0.50)
    assert runs(roles) == [("00:00", CHARGE), ("07:00", IDLE), ("08:00", DISCHARGE), ("11:30", IDLE),
                           ("17:00", DISCHARGE), ("22:00", IDLE), ("23:00", CHARGE)]  # fmt: skip
    # A day with one price has nothing to shift.
    assert set(day_plan(("flat",) * 96, prices, 0.9)[0]) == {IDLE}


def test_plan_at_looks_up_the_local_quarter_and_the_time_left_in_it(demo_config: Config):
    assert demo_config.tariff is not None
    plan = tariff_plan(demo_config.tariff, 0.9)
    t = np.array([datetime(2026, 12, 3, 19, 5, tzinfo=SHANGHAI).timestamp(), datetime(2026, 3, 3, 22, 30,
                  tzinfo=SHANGHAI).timestamp()])  # fmt: skip
    steps = plan_at(plan, t, SHANGHAI)
    assert steps.role.tolist() == [DISCHARGE, IDLE]
    assert steps.same_h[0] == pytest.approx(7 * 0.25 + 10 / 60)  # 7 more sharp quarters and 10 minutes
    assert steps.better_h.tolist() == [0.0, 0.0]


# -- the steps --------------------------------------------------------------------------------------------------


def steps_of(role: int, n: int, same_h: float = 1.0, better_h: float = 0.0) -> StepPlan:
    return StepPlan(np.full(n, role), np.full(n, same_h), np.full(n, better_h))


def test_shaving_holds_the_limit_down_to_soc_min_and_never_exports():
    # The unit has half the site's storage: it shaves half of what is above the site's 2 MW.
    powers, _, _ = dispatch_unit(BATTERY, 0.5, steps_of(IDLE, 3), np.array([2.4e6, 1.9e6, -0.2e6]), np.ones(3), 15.0)
    assert powers == [pytest.approx(200e3), 0.0, pytest.approx(-100e3)]  # shave; idle; store PV surplus
    # Below the reserve (10 % + 10 %) shaving still runs, down to soc_min_pct exactly.
    powers, socs, end = dispatch_unit(BATTERY, 1.0, steps_of(IDLE, 400), np.full(400, 2.5e6), np.full(400, 60.0), 12)
    assert powers[0] == pytest.approx(500e3) and end == pytest.approx(10.0) and min(socs) >= 10.0
    # Planned discharge never exceeds the net load (no export), shaving or not.
    powers, _, _ = dispatch_unit(BATTERY, 1.0, steps_of(DISCHARGE, 1, same_h=0.25), np.array([100e3]), [1.0], 90)
    assert powers == [pytest.approx(100e3)]


def test_discharge_spreads_the_energy_above_the_reserve_and_keeps_it_for_dearer_quarters():
    # 2 h of same-price discharge left, 50 % SoC: (50 - 20) % x 1 MWh x 0.9 = 270 kWh over 2 h = 135 kW.
    powers, _, _ = dispatch_unit(BATTERY, 1.0, steps_of(DISCHARGE, 1, same_h=2.0), np.array([1.5e6]), [1.0], 50.0)
    assert powers == [pytest.approx(135e3)]
    # With 0.5 h of dearer quarters to come, 250 kWh (full power) are set aside for them: 20 kWh over 2 h.
    powers, _, _ = dispatch_unit(BATTERY, 1.0, steps_of(DISCHARGE, 1, 2.0, 0.5), np.array([1.5e6]), [1.0], 50.0)
    assert powers == [pytest.approx(10e3)]
    # Held over the window, the rate stays put and the SoC ends at the reserve, not below.
    n = 2 * 3600
    same = np.arange(n, 0, -1) / 3600.0
    plan = StepPlan(np.full(n, DISCHARGE), same, np.zeros(n))
    powers, _, end = dispatch_unit(BATTERY, 1.0, plan, np.full(n, 1.5e6), np.ones(n), 50.0)
    assert max(powers) == pytest.approx(min(powers), rel=1e-6) and end == pytest.approx(20.0, abs=1e-6)


def test_charging_spreads_the_room_and_stays_within_the_headroom_under_the_limit():
    # 8 h of valley left at 50 % SoC: (95 - 50) % x 1 MWh / 0.9 = 500 kWh of AC over 8 h = 62.5 kW...
    net = np.array([1.0e6, 1.99e6, 2.1e6, -0.3e6])
    powers, _, _ = dispatch_unit(BATTERY, 1.0, steps_of(CHARGE, 4, same_h=8.0), net, np.ones(4), 50.0)
    # ... unless the headroom is smaller (10 kW), above the limit it shaves, PV surplus is stored whole.
    assert powers == [pytest.approx(-62.5e3), pytest.approx(-10e3), pytest.approx(100e3), pytest.approx(-300e3)]
    # Full at soc_max_pct: no more from the grid.
    powers, _, _ = dispatch_unit(BATTERY, 1.0, steps_of(CHARGE, 1, same_h=8.0), net[:1], [1.0], 95.0)
    assert powers == [0.0]
    # Over a whole valley with a load up to just under the limit the import never rises above it, and the
    # battery still fills up: the planned rate rises when the headroom held it back.
    rng = np.random.default_rng(1)
    net = 1.55e6 + 0.44e6 * rng.random(8 * 360)
    plan = StepPlan(np.full(net.size, CHARGE), np.arange(net.size, 0, -1) * 10 / 3600, np.zeros(net.size))
    powers, _, end = dispatch_unit(BATTERY, 1.0, plan, net, np.full(net.size, 10.0), 20.0)
    assert np.max(net - np.array(powers)) <= 2.0e6 + 1e-6 and end > 90.0


def test_a_peak_shaving_unit_needs_a_tariff_and_a_limit(tmp_path: Path):
    from energymon.config import ConfigError, load_config

    from support import demo_config_path, write_config

    text = demo_config_path().read_text(encoding="utf-8")
    no_tariff = text[: text.index("[tariff]")] + text[text.index("[connections.roof-a]") :]
    with pytest.raises(ConfigError, match=r"devices\[\d+\]\.sim\.dispatch: \"peak-shaving\" .* add a \[tariff\]"):
        load_config(write_config(tmp_path, no_tariff, "no-tariff.toml"))
    no_limit = text.replace("demand_limit_kw = 2600", "", 1)
    with pytest.raises(ConfigError, match=r"devices\[\d+\]\.sim\.demand_limit_kw: required"):
        load_config(write_config(tmp_path, no_limit, "no-limit.toml"))


# -- the demo park -----------------------------------------------------------------------------------------------


def test_the_live_park_at_1_s_agrees_with_the_history_at_5_s(demo_config: Config):
    """One dispatch function for both: through a December evening (peak, sharp, shaving) the live park's
    1 s steps and the history's 5 s steps end within a small fraction of a percent of each other."""
    start = datetime(2026, 12, 2, 16, 0, tzinfo=SHANGHAI).timestamp()
    end = start + 6 * 3600
    history = history_end_state(demo_config, start, end, seed=3)
    park = Park(demo_config, start, seed=3, step_s=1.0)
    park.advance_to(end)
    live = park.state()["devices"]
    fresh = Park(demo_config, start, seed=3).state()["devices"]
    for device_id in ("bess-1", "bess-2"):
        discharged = history["devices"][device_id]["counters_wh"]["discharged_wh"]
        assert discharged - fresh[device_id]["counters_wh"]["discharged_wh"] > 500e3  # it did discharge
        assert live[device_id]["counters_wh"]["discharged_wh"] == pytest.approx(discharged, abs=2e3)
        assert live[device_id]["soc_pct"] == pytest.approx(history["devices"][device_id]["soc_pct"], abs=0.3)


def no_storage_peak_kw(config: Config, start_s: float, end_s: float, seed: int) -> float:
    """The highest 15-minute mean grid import [kW] the park would have had without its batteries."""
    model = build_model(config, seed)
    exo = exogenous(model, np.arange(start_s, end_s, 5.0))
    net_w = exo.load_w.sum(axis=0) - exo.pv_ac_w.sum(axis=0)
    return float(np.maximum(net_w, 0.0).reshape(-1, 180).mean(axis=1).max()) / 1000.0


def test_a_backfilled_december_shows_the_peak_lowered_and_the_savings(demo_config: Config, tmp_path: Path):
    from energymon.backfill.runner import backfill_database
    from energymon.report.month import build_month_report
    from energymon.store.reader import StoreReader

    from support import demo_config_path

    end = datetime(2026, 12, 4, tzinfo=SHANGHAI)  # history 1-3 December (local)
    db = tmp_path / "demo.db"
    backfill_database(
        demo_config,
        db,
        3.0,
        seed=1,
        state_path=tmp_path / "state.json",
        config_text=demo_config_path().read_text(encoding="utf-8"),  # the database records the tariff
        end_s=end.timestamp(),
        report=lambda _: None,
    )
    reader = StoreReader(db)
    try:
        report = build_month_report(reader, "2026-12", now_ms=int(end.timestamp() * 1000))
        sharp_w = []
        for day in (1, 2, 3):
            window = [datetime(2026, 12, day, h, tzinfo=SHANGHAI).timestamp() * 1000 for h in (19, 21)]
            _, power = reader.raw("bess-1", "power_w", int(window[0]), int(window[1]))
            sharp_w.append(float(np.mean(power)))
    finally:
        reader.close()
    costs = report.costs
    assert costs is not None and report.peak_demand_kw is not None
    without_kw = no_storage_peak_kw(demo_config, end.timestamp() - 3 * 86400, end.timestamp(), seed=1)
    # The batteries lower the demand peak (the old dispatch raised it by charging at full power from 00:00).
    assert report.peak_demand_kw < without_kw - 100.0, (report.peak_demand_kw, without_kw)
    assert costs.savings.demand_saved is not None and costs.savings.demand_saved > 0
    assert costs.savings.storage_saved > 0
    # December's sharp period gets the stored energy on every day (the old dispatch was empty by then).
    assert min(sharp_w) > 200e3, sharp_w


def test_the_battery_parameters_follow_the_config(demo_config: Config):
    unit = build_model(demo_config, 1).storage[0]
    assert unit.plan is not None
    assert (unit.battery.dispatch, unit.battery.demand_limit_w, unit.battery.shaving_reserve_pct) == (
        "peak-shaving",
        2_600_000.0,
        10.0,
    )
