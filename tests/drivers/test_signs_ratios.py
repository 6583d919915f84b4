"""drivers.signs and drivers.transformer_ratios: a device's orientation and its transformers, as pure maps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.quantities import QUANTITIES, Role
from drivers.signs import flip_power, oriented, swap_counters
from drivers.transformer_ratios import factor, to_primary, to_secondary

# A grid meter's secondary readings: 200/5 A CTs (40), 10 kV/100 V PTs (100).
SECONDARY = {
    "power_w": 250.0,  # 250 W secondary -> 1 MW primary
    "reactive_power_var": -12.5,
    "imported_wh": 1_000.0,
    "exported_wh": 20.0,
    "current_l1_a": 2.5,  # 2.5 A -> 100 A
    "voltage_l1_v": 57.7,  # 57.7 V -> 5,770 V (phase to neutral of 10 kV)
    "frequency_hz": 50.01,
    "power_factor": 0.98,
}


def test_primary_values_of_a_transformer_connected_meter():
    primary = to_primary(SECONDARY, 40, 100)
    assert primary["power_w"] == 1_000_000.0
    assert primary["reactive_power_var"] == -50_000.0
    assert primary["imported_wh"] == 4_000_000.0 and primary["exported_wh"] == 80_000.0
    assert primary["current_l1_a"] == 100.0
    assert primary["voltage_l1_v"] == pytest.approx(5_770.0)
    assert primary["frequency_hz"] == 50.01 and primary["power_factor"] == 0.98  # not scaled
    assert to_primary({"dc_power_w": 10.0, "soc_pct": 50.0, "temperature_c": 30.0}, 40, 100) == {
        "dc_power_w": 10.0,
        "soc_pct": 50.0,
        "temperature_c": 30.0,
    }


def test_every_quantity_has_the_factor_its_unit_says():
    for name, quantity in QUANTITIES.items():
        expected = {"A": 40.0, "V": 100.0}.get(quantity.unit, 4000.0 if quantity.unit in ("W", "var", "Wh") else 1.0)
        if name == "dc_power_w":
            expected = 1.0  # DC side of an inverter: not through the transformers
        assert factor(name, 40, 100) == expected, name


@given(
    st.dictionaries(st.sampled_from(sorted(QUANTITIES)), st.floats(-1e9, 1e9) | st.none(), max_size=8),
    st.floats(0.001, 10_000),
    st.floats(0.001, 10_000),
)
def test_secondary_and_primary_are_inverse_and_missing_stays_missing(values, ct, pt):
    back = to_primary(to_secondary(values, ct, pt), ct, pt)
    assert set(back) == set(values)
    for quantity, value in values.items():
        if value is None:
            assert back[quantity] is None
        else:
            assert back[quantity] == pytest.approx(value, rel=1e-12, abs=1e-9)


def test_flip_power_swap_counters_and_both():
    grid = {"power_w": -500.0, "reactive_power_var": 20.0, "imported_wh": 1.0, "exported_wh": 9.0, "frequency_hz": 50}
    assert flip_power(grid) == {**grid, "power_w": 500.0, "reactive_power_var": -20.0}
    assert swap_counters(Role.GRID, grid) == {**grid, "imported_wh": 9.0, "exported_wh": 1.0}
    assert oriented(Role.GRID, grid, power=True, counters=True) == swap_counters(Role.GRID, flip_power(grid))
    assert oriented(Role.GRID, grid, power=True, counters=False) == flip_power(grid)
    assert oriented(Role.GRID, grid, power=False, counters=True) == swap_counters(Role.GRID, grid)
    assert oriented(Role.GRID, grid, power=False, counters=False) == grid
    storage = {"power_w": 3.0, "charged_wh": 5.0, "discharged_wh": 7.0}
    assert swap_counters(Role.STORAGE, storage) == {"power_w": 3.0, "charged_wh": 7.0, "discharged_wh": 5.0}
    assert swap_counters(Role.PV, {"yield_wh": 5.0}) == {"yield_wh": 5.0}  # PV has no direction pair
    assert flip_power({"power_w": None}) == {"power_w": None}  # missing stays missing
