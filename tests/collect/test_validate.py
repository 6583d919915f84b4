"""energymon.collect.validate: plausibility bounds; rejected values become missing, never clamped."""

from __future__ import annotations

import pytest

from energymon.collect.validate import POWER_MARGIN, plausible


@pytest.mark.parametrize(
    "device_id, power_w, ok",
    [
        # pv-1 is rated 100 kW: it produces, it may exceed its rating by 25 %, and read slightly
        # negative at night (self-consumption), down to -2 % of rated.
        ("pv-1", 0.0, True),
        ("pv-1", 100_000 * POWER_MARGIN, True),
        ("pv-1", 100_000 * POWER_MARGIN + 1, False),
        ("pv-1", -2_000.0, True),
        ("pv-1", -2_001.0, False),
        # bess-1 is rated 50 kW: charging is negative, discharging positive.
        ("bess-1", -62_500.0, True),
        ("bess-1", 62_500.0, True),
        ("bess-1", -62_501.0, False),
        # load-1 (200 kW) only consumes.
        ("load-1", 250_000.0, True),
        ("load-1", -4_000.0, True),
        ("load-1", -4_001.0, False),
        # grid-1 (1000 kW) imports and exports.
        ("grid-1", -1_250_000.0, True),
        ("grid-1", 1_250_001.0, False),
    ],
)
def test_power_bounds(small_config, device_id, power_w, ok):
    device = small_config.device(device_id)
    values = {"power_w": power_w, "voltage_l1_v": 230.0}
    out, rejected = plausible(device, values)
    assert values == {"power_w": power_w, "voltage_l1_v": 230.0}  # input untouched
    assert out["voltage_l1_v"] == 230.0
    if ok:
        assert out["power_w"] == power_w and rejected == []
    else:
        assert out["power_w"] is None and rejected == ["power_w"]


def test_percentages_and_counters(small_config):
    device = small_config.device("bess-1")
    values = {
        "soc_pct": 100.5,
        "soh_pct": -0.1,
        "charged_wh": -1.0,
        "discharged_wh": 0.0,
        "power_w": None,
        "temperature_c": -40.0,
    }
    out, rejected = plausible(device, values)
    assert sorted(rejected) == ["charged_wh", "soc_pct", "soh_pct"]
    assert out == {
        "soc_pct": None,
        "soh_pct": None,
        "charged_wh": None,
        "discharged_wh": 0.0,
        "power_w": None,
        "temperature_c": -40.0,
    }
    out, rejected = plausible(device, {"soc_pct": 0.0, "soh_pct": 100.0})
    assert rejected == [] and out == {"soc_pct": 0.0, "soh_pct": 100.0}
