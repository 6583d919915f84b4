"""Data quality of readings (energymon.collect.quality): frozen values, flat counters, stale and out-of-range data.

Pure: a :class:`DeviceQuality` fed poll by poll with the values a device would give, checked for
the events it records (once per episode), the problems and suspect quantities it reports, and the
legitimately constant values it must leave alone (a PV inverter at night, SoC at its limit, status
codes, clipping, coarse registers). The thresholds from ``[devices.quality]`` and its errors are here
too; the collector over real loopback Modbus is in test_data_quality_wire.py.
"""

from __future__ import annotations

import math

import pytest

from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.collect.quality import DeviceQuality, QualityCheck
from energymon.config import ConfigError, parse_config
from energymon.config.quality_params import QualityParams
from energymon.events import DATA_FROZEN, DATA_OK, DATA_OUT_OF_RANGE, DATA_STALE

from support import small_site_toml, write_config

T0_MS = 1_718_946_000_000
GRID = load_profile("energymon-grid")  # 1 W, 1 Wh, 1 V, 0.1 A, 0.01 Hz steps
PV = load_profile("energymon-pv")


def wobble(i: int, base: float, amplitude: float) -> float:
    """A value that moves at every poll, like a live voltage or frequency."""
    return round(base + amplitude * math.sin(i / 3.0), 2)


def grid_values(i: int, power_w: float = 2_010_700.0, imported_wh: float | None = None) -> dict[str, float | None]:
    return {
        "power_w": power_w,
        "imported_wh": 5e9 + 5.6e3 * i if imported_wh is None else imported_wh,
        "exported_wh": 1e8,
        "voltage_l1_v": wobble(i, 6062, 20),
        "current_l1_a": wobble(i, 190, 3),
        "frequency_hz": wobble(i, 50, 0.03),
    }


def feed(q: DeviceQuality, polls, interval_s: float = 10.0, profile=None, start: int = 0) -> list[QualityCheck]:
    """Feed ``polls`` (a list of values dicts, None for an offline poll) at ``interval_s``."""
    return [
        q.update(T0_MS + int((start + i) * interval_s * 1000), values, (), profile) for i, values in enumerate(polls)
    ]


def events(checks: list[QualityCheck]) -> list[tuple[int, str, str]]:
    return [(i, e.kind, e.detail) for i, c in enumerate(checks) for e in c.events]


# -- frozen -------------------------------------------------------------------------------------


def test_a_grid_meter_repeating_its_power_while_voltages_move_is_frozen_once_then_ok():
    """The outside finding: 2,010,700 W repeated for 11 minutes. Defaults: 30 polls and 5 minutes."""
    q = DeviceQuality(Role.GRID, 8000)
    frozen = [grid_values(i) for i in range(66)]  # 11 minutes at 10 s
    moving = [grid_values(66 + i, power_w=2_000_000.0 - 1000 * i) for i in range(5)]
    checks = feed(q, frozen + moving, profile=GRID)
    found = events(checks)
    assert [(i, kind) for i, kind, _ in found] == [(30, DATA_FROZEN), (66, DATA_OK)]  # once each, no storm
    assert found[0][2] == (
        "power_w: 2010700 W unchanged in 31 polls over 5 min 0 s while the device's other values moved"
    )
    assert found[1][2] == "power_w: moving again after 11 min 0 s frozen"
    assert all(c.suspect == {"power_w"} and c.problems == ("frozen: power_w",) for c in checks[30:66])
    assert all(not c.suspect and not c.problems for c in checks[:30] + checks[66:])


def test_frozen_needs_both_the_polls_and_the_time():
    params = QualityParams(frozen_polls=30, frozen_min_s=300)
    # 100 polls at 1 s: many polls, too short a time.
    assert not events(feed(DeviceQuality(Role.GRID, 8000, params), [grid_values(i) for i in range(100)], 1.0))
    # 20 polls at 60 s: long enough, too few polls.
    assert not events(feed(DeviceQuality(Role.GRID, 8000, params), [grid_values(i) for i in range(20)], 60.0))


def test_a_device_whose_every_value_stands_still_is_not_judged_frozen():
    """An inverter asleep that keeps its last voltages, or a gateway serving a dead meter's last answer:
    nothing moves, so no single value can be told frozen (a flat counter under power is caught apart)."""
    still = {"power_w": 1500.0, "yield_wh": 7e6, "voltage_l1_v": 231.4, "frequency_hz": 50.01, "status_code": 0.0}
    q = DeviceQuality(Role.PV, 100)
    assert not events(feed(q, [dict(still) for _ in range(500)], profile=PV))


def test_a_pv_inverter_at_night_is_not_frozen():
    """Power, DC power and currents at 0, yield flat, status and temperature constant, for 10 hours;
    only the grid voltage and frequency move."""
    q = DeviceQuality(Role.PV, 100)
    night = [
        {
            "power_w": 0.0,
            "dc_power_w": 0.0,
            "yield_wh": 7_654_321.0,
            "current_l1_a": 0.0,
            "voltage_l1_v": wobble(i, 230, 2),
            "frequency_hz": wobble(i, 50, 0.03),
            "temperature_c": 18.0,
            "status_code": 0.0,
            "power_factor": 1.0,
        }
        for i in range(3600)
    ]
    checks = feed(q, night, profile=PV)
    assert not events(checks)
    assert all(not c.suspect and not c.problems for c in checks)


def test_soc_at_its_limit_for_an_hour_is_not_frozen():
    """A full battery: SoC 95 %, idle, status, SoH, temperature and power factor constant for an hour."""
    q = DeviceQuality(Role.STORAGE, 500)
    full = [
        {
            "power_w": 0.0,
            "soc_pct": 95.0,
            "soh_pct": 99.0,
            "charged_wh": 1e6,
            "discharged_wh": 9e5,
            "temperature_c": 22.0,
            "status_code": 0.0,
            "power_factor": 0.98,
            "voltage_l1_v": wobble(i, 230, 2),
        }
        for i in range(1800)
    ]
    assert not events(feed(q, full, 2.0, load_profile("energymon-storage")))


def test_power_held_at_its_limit_is_not_frozen():
    """An inverter clipping at its rated power, a battery charging at full power: constant for an hour
    while voltages and currents move, and their counters count."""
    pv = DeviceQuality(Role.PV, 100)
    clipping = [
        {"power_w": 100_000.0, "yield_wh": 1e6 + 278 * i, "voltage_l1_v": wobble(i, 230, 2)} for i in range(360)
    ]
    assert not events(feed(pv, clipping, profile=PV))
    bess = DeviceQuality(Role.STORAGE, 500)
    charging = [
        {"power_w": -500_000.0, "charged_wh": 1e6 + 1389 * i, "discharged_wh": 5e5, "voltage_l1_v": wobble(i, 230, 2)}
        for i in range(360)
    ]
    assert not events(feed(bess, charging))
    # The same battery holding 300 kW (not a limit) while everything else moves: that value is frozen.
    held = [{**c, "power_w": -300_000.0} for c in charging]
    assert [k for _, k, _ in events(feed(DeviceQuality(Role.STORAGE, 500), held))] == [DATA_FROZEN]


def test_coarse_registers_may_stay_put():
    """A frequency read in 0.1 Hz and a small current read in 0.1 A stay unchanged for long on a healthy
    device: one step is more than 0.1 % of the value. Read in 0.01 Hz, a standing frequency is frozen."""
    coarse = load_profile("sungrow-sh")  # frequency in 0.1 Hz
    polls = [{"power_w": 3000.0 + i, "frequency_hz": 50.0} for i in range(100)]
    assert not events(feed(DeviceQuality(Role.PV, 10), polls, profile=coarse))
    polls = [p | {"current_l1_a": 5.0} for p in polls]
    found = events(feed(DeviceQuality(Role.PV, 10), polls, profile=PV))
    assert [(k, d.split(":")[0]) for _, k, d in found] == [(DATA_FROZEN, "frequency_hz")]  # 5.0 A in 0.1 A: coarse


def test_frozen_ignore_and_checks_from_the_device_table():
    polls = [grid_values(i) for i in range(40)]
    assert not events(feed(DeviceQuality(Role.GRID, 8000, QualityParams(frozen_ignore=frozenset({"power_w"}))), polls))
    assert not events(feed(DeviceQuality(Role.GRID, 8000, QualityParams(checks=frozenset({"stale"}))), polls))
    quick = QualityParams(frozen_polls=3, frozen_min_s=20)
    found = events(feed(DeviceQuality(Role.GRID, 8000, quick), polls))
    assert [i for i, _, detail in found if detail.startswith("power_w")] == [2]
    # So tight a threshold also takes a sine's crest (3 polls of one rounded frequency) for frozen.
    assert {detail.split(":")[0] for _, _, detail in found} == {"power_w", "frequency_hz"}


# -- a counter flat while power flows ------------------------------------------------------------------


def test_a_counter_flat_while_power_flows_is_frozen_once_and_power_is_suspect():
    """The grid meter imports 2 MW by its power, its import counter stands still: after 10 minutes one
    data_frozen naming the counter; the export counter (no power that way) is not judged."""
    q = DeviceQuality(Role.GRID, 8000)
    flat = [grid_values(i, power_w=2_000_000.0 + i, imported_wh=5e9) for i in range(90)]
    counting = [grid_values(90 + i, power_w=2_000_000.0, imported_wh=5e9 + 5556 * (i + 1)) for i in range(3)]
    checks = feed(q, flat + counting, profile=GRID)
    found = events(checks)
    assert [(i, k) for i, k, _ in found] == [(60, DATA_FROZEN), (90, DATA_OK)]
    assert found[0][2].startswith("imported_wh: 5000000000 Wh flat for 10 min 0 s while power_w says 2000060 W flows")
    assert "register step 1 Wh" in found[0][2]
    assert found[1][2] == "imported_wh: counting again after 15 min 0 s flat"
    assert checks[60].suspect == {"imported_wh", "power_w"} and checks[60].problems == ("frozen: imported_wh",)
    assert not checks[90].suspect


def test_a_coarse_counter_under_small_power_is_not_flat():
    """solis-string counts in whole kWh: at 3 kW it steps every 20 minutes. Flat needs power to say at
    least 3 steps should have been counted, so an hour at 3 kW with one step is fine; 30 kW is not."""
    solis = load_profile("solis-string")
    slow = [{"power_w": 3000.0 + i % 7, "yield_wh": 1e6 + 1000 * (i // 120)} for i in range(360)]  # 1 step / 20 min
    assert not events(feed(DeviceQuality(Role.PV, 50), slow, profile=solis))
    stuck = [{"power_w": 30_000.0 + i % 7, "yield_wh": 1e6} for i in range(90)]
    assert [k for _, k, _ in events(feed(DeviceQuality(Role.PV, 50), stuck, profile=solis))] == [DATA_FROZEN]


def test_power_below_the_flow_threshold_or_an_offline_gap_restarts_the_run():
    q = DeviceQuality(Role.LOAD, 100)  # 2 % of rated: 2 kW
    polls: list[dict | None] = []
    for i in range(200):
        low = i % 50 == 49  # every 50 polls (< 10 min) the power drops below 2 kW once
        polls.append({"power_w": 1000.0 if low else 40_000.0 + i, "consumed_wh": 5e6})
    assert not events(feed(q, polls))
    gaps = [None if i % 50 == 49 else {"power_w": 40_000.0 + i, "consumed_wh": 5e6} for i in range(200)]
    assert not events(feed(DeviceQuality(Role.LOAD, 100), gaps))


def test_storage_counters_follow_the_power_sign():
    q = DeviceQuality(Role.STORAGE, 500)
    charging_flat = [{"power_w": -200_000.0 - i, "charged_wh": 1e6, "discharged_wh": 2e6} for i in range(70)]
    found = events(feed(q, charging_flat))
    assert [(k, d.split(":")[0]) for _, k, d in found] == [(DATA_FROZEN, "charged_wh")]


# -- stale ------------------------------------------------------------------------------------------


def test_a_quantity_that_keeps_coming_back_missing_is_stale_then_fresh():
    q = DeviceQuality(Role.GRID, 8000)
    polls: list[dict | None] = [grid_values(i) | {"power_w": 1e6 + i} for i in range(3)]
    polls += [grid_values(3 + i) | {"power_w": 1e6 + i, "frequency_hz": None} for i in range(8)]
    polls += [None, None]  # offline polls: not counted, the episode goes on
    polls += [grid_values(13) | {"power_w": 2e6}]
    checks = feed(q, polls)
    found = events(checks)
    assert [(i, k) for i, k, _ in found] == [(7, DATA_STALE), (13, DATA_OK)]
    assert found[0][2] == "frequency_hz: no value in 5 answered polls over 50 s"
    assert found[1][2] == "frequency_hz: fresh again after 1 min 50 s stale"  # since its last value
    assert checks[8].problems == ("stale: frequency_hz",) and not checks[8].suspect
    assert checks[11].problems == ()  # an offline reading carries no quality problems


def test_never_seen_and_rejected_values_are_not_stale():
    q = DeviceQuality(Role.GRID, 8000)
    polls = [grid_values(i) | {"power_w": 1e6 + i, "reactive_power_var": None} for i in range(20)]
    assert not events(feed(q, polls))  # never given: "not implemented", the device's nature
    rejected = DeviceQuality(Role.GRID, 8000)
    checks = [
        rejected.update(
            T0_MS + i * 10_000, grid_values(i) | {"power_w": None if i > 2 else 1e6}, ("power_w",) * (i > 2)
        )
        for i in range(20)
    ]
    assert not events(checks)  # rejected as implausible: that has its own event


def test_one_event_for_a_device_whose_every_value_goes_missing():
    q = DeviceQuality(Role.GRID, 8000, QualityParams(stale_polls=2))
    polls = [grid_values(0), grid_values(1) | {"power_w": 5.0}] + [dict.fromkeys(grid_values(0)) for _ in range(3)]
    found = events(feed(q, polls))
    assert len(found) == 1 and found[0][1] == DATA_STALE
    assert sorted(part.split(":")[0] for part in found[0][2].split("; ")) == sorted(grid_values(0))


# -- out of range ---------------------------------------------------------------------------------------


def test_an_out_of_range_frequency_is_one_episode_with_a_hysteresis():
    q = DeviceQuality(Role.GRID, 8000)
    freqs = [50.0, 70.5, 71.0, 50.0, 50.0, 72.0, 50.0, 50.0, 50.0, 50.0, 80.0]
    checks = feed(q, [grid_values(i) | {"power_w": 1e6 + i, "frequency_hz": f} for i, f in enumerate(freqs)])
    found = events(checks)
    assert found == [
        (1, DATA_OUT_OF_RANGE, "frequency_hz: 70.5 Hz outside 45..65 Hz"),
        (8, DATA_OK, "frequency_hz: back in range after 1 min 10 s"),  # 3 good polls in a row
        (10, DATA_OUT_OF_RANGE, "frequency_hz: 80 Hz outside 45..65 Hz"),
    ]
    assert [("frequency_hz" in c.suspect) for c in checks] == [f > 65 for f in freqs]
    assert checks[2].problems == ("out of range: frequency_hz",) and checks[3].problems == ()


@pytest.mark.parametrize(
    "quantity, value, bad",
    [
        ("power_factor", 1.0000001, False),
        ("power_factor", -1.2, True),
        ("temperature_c", -40.0, False),
        ("temperature_c", 130.0, True),
        ("voltage_l1_v", -3.0, True),
        ("voltage_l1_l2_v", 10_500.0, False),
        ("current_l2_a", -12.0, False),  # some meters sign the current by its direction
        ("frequency_hz", 44.9, True),
        ("frequency_hz", 60.0, False),
        ("frequency_hz", math.nan, True),
        ("reactive_power_var", 1e9, True),
        ("status_code", 65535.0, False),
    ],
)
def test_physical_bounds_per_quantity(quantity, value, bad):
    q = DeviceQuality(Role.GRID, 8000)
    check = q.update(T0_MS, {"power_w": 1e6, quantity: value})
    assert (quantity in check.suspect) is bad
    assert [e.kind for e in check.events] == ([DATA_OUT_OF_RANGE] if bad else [])


# -- [devices.quality] ------------------------------------------------------------------------------------


def site_with(table: str) -> str:
    """The small park with ``table`` as pv-1's ``[devices.quality]`` (pv-1 is devices[0])."""
    return small_site_toml({"c1": 1502, "c2": 1503}, device_lines={"pv-1": f"[devices.quality]\n{table}\n"})


def test_per_device_thresholds_from_the_config(tmp_path):
    table = (
        'frozen_polls = 4\nfrozen_min_s = 20\nfrozen_ignore = ["frequency_hz"]\n'
        "counter_flat_min_s = 120\ncounter_flow_pct = 5\nstale_polls = 2\nrange_clear_polls = 1\n"
        'checks = ["frozen", "range"]\n'
    )
    config = parse_config(site_with(table), tmp_path / "site.toml")
    first, second = config.devices[0], config.devices[1]
    assert first.quality == QualityParams(
        frozen_polls=4,
        frozen_min_s=20.0,
        frozen_ignore=frozenset({"frequency_hz"}),
        counter_flat_min_s=120.0,
        counter_flow_pct=5.0,
        stale_polls=2,
        range_clear_polls=1,
        checks=frozenset({"frozen", "range"}),
    )
    assert second.quality == QualityParams()  # the defaults


@pytest.mark.parametrize(
    "table, field, message",
    [
        ("frozen_polls = 1", "quality.frozen_polls", "expected a whole number in 2..1e+06, got 1"),
        ("frozen_min_s = -5", "quality.frozen_min_s", "expected a number in 0..1e+07"),
        ("stale_polls = 2.5", "quality.stale_polls", "expected a whole number"),
        ("counter_flow_pct = 0", "quality.counter_flow_pct", "expected a number in 0.1..100"),
        ('frozen_ignore = "power_w"', "quality.frozen_ignore", "expected a list of names"),
        ('frozen_ignore = ["power_w", "soc_pct"]', "quality.frozen_ignore[1]", "'soc_pct' is not a quantity of a"),
        ('checks = ["frozen", "melted"]', "quality.checks[1]", "'melted' is not a check (one of: frozen,"),
        ("frozen_pols = 3", "quality.frozen_pols", "unknown key"),
    ],
)
def test_config_errors_name_the_field(tmp_path, table, field, message):
    path = write_config(tmp_path, site_with(table))
    with pytest.raises(ConfigError) as info:
        parse_config(path.read_text(encoding="utf-8"), path)
    assert f"site.toml: devices[0].{field}: " in str(info.value) and message in str(info.value)
    assert "\n" not in str(info.value)
