"""energymon.views.live: site totals from the latest readings, and when a reading stops being live."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.views.live import STALE_AFTER_POLLS, is_fresh, site_totals, why_missing

NOW = 1_700_000_000_000
POLL_S = 5.0


def reading(device_id: str, role: Role, age_ms: int = 0, ok: bool = True, **values) -> Reading:
    return Reading(
        device_id,
        role,
        NOW - age_ms,
        MappingProxyType(values) if ok else MappingProxyType({}),
        ok,
        None if ok else "timeout",
        0.01,
        POLL_S,
    )


DEVICES = {
    "pv-1": Role.PV,
    "pv-2": Role.PV,
    "bess": Role.STORAGE,
    "grid": Role.GRID,
    "hall": Role.LOAD,
    "office": Role.LOAD,
}


def all_fresh() -> dict[str, Reading]:
    return {
        "pv-1": reading("pv-1", Role.PV, power_w=120_000.0),
        "pv-2": reading("pv-2", Role.PV, power_w=80_000.0),
        "bess": reading("bess", Role.STORAGE, power_w=-50_000.0, soc_pct=61.0),
        "grid": reading("grid", Role.GRID, power_w=-30_000.0),
        "hall": reading("hall", Role.LOAD, power_w=100_000.0),
        "office": reading("office", Role.LOAD, power_w=15_000.0),
    }


def test_totals_follow_the_sign_conventions():
    totals = site_totals(DEVICES, all_fresh(), NOW)
    assert totals.pv_w.value == 200_000.0 and totals.pv_w.complete
    assert totals.storage_w.value == -50_000.0  # charging
    assert totals.grid_w.value == -30_000.0  # exporting
    assert totals.load_w.value == 115_000.0
    # consumption = pv + storage + grid = 200 - 50 - 30 kW
    assert totals.consumption_w == 120_000.0
    assert totals.grid_import_w == 0.0 and totals.grid_export_w == 30_000.0
    assert totals.soc_pct == 61.0


RATED_W = {"pv-1": 150_000.0, "pv-2": 100_000.0, "bess": 60_000.0, "grid": 500_000.0}


def test_a_stale_or_failed_device_leaves_a_partial_sum_that_names_it():
    """One inverter of two stale: the PV total is the other's power, flagged 1 of 2 with the stale one named;
    consumption is the balance without it, partial, with the range its true value lies in."""
    readings = all_fresh()
    readings["pv-2"] = reading("pv-2", Role.PV, age_ms=int(STALE_AFTER_POLLS * POLL_S * 1000) + 1, power_w=80_000.0)
    totals = site_totals(DEVICES, readings, NOW, RATED_W)
    assert totals.pv_w.value == 120_000.0  # pv-1 alone, never pv-2's old 80 kW
    assert (totals.pv_w.reporting, totals.pv_w.expected, totals.pv_w.missing) == (1, 2, ("pv-2",))
    assert totals.pv_w.partial and not totals.pv_w.complete
    assert why_missing(readings["pv-2"], "power_w", NOW) == "stale"
    # consumption = 120 - 50 - 30 kW without pv-2, which adds 0 to 100 kW (its rated power)
    balance = totals.consumption
    assert balance.value_w == 40_000.0 and balance.partial and balance.missing == ("pv-2",)
    assert (balance.low_w, balance.high_w) == (40_000.0, 140_000.0)
    assert totals.grid_w.value == -30_000.0 and totals.grid_w.complete  # other roles are unaffected

    readings = all_fresh()
    readings["grid"] = reading("grid", Role.GRID, ok=False)
    totals = site_totals(DEVICES, readings, NOW, RATED_W)
    assert totals.grid_w.value is None and totals.grid_w.missing == ("grid",)
    assert totals.consumption_w is None  # no grid meter reporting: no balance at all
    assert totals.grid_import_w is None and totals.grid_export_w is None
    assert why_missing(readings["grid"], "power_w", NOW) == "failed"

    readings = all_fresh()
    del readings["bess"]  # never read yet
    totals = site_totals(DEVICES, readings, NOW, RATED_W)
    assert totals.storage_w.value is None and totals.soc_pct is None
    # the balance without the battery: 200 - 30 kW, and the battery may add -60 .. +60 kW
    assert totals.consumption_w == 170_000.0 and totals.consumption.missing == ("bess",)
    assert (totals.consumption.low_w, totals.consumption.high_w) == (110_000.0, 230_000.0)
    assert why_missing(None, "power_w", NOW) == "never"

    readings = all_fresh()
    readings["pv-1"] = reading("pv-1", Role.PV, power_w=None)  # read, but the value was rejected
    totals = site_totals(DEVICES, readings, NOW)  # no rated power given: the range is unknown
    assert totals.pv_w.value == 80_000.0 and totals.pv_w.missing == ("pv-1",)
    assert totals.consumption.partial and totals.consumption.low_w is None and totals.consumption.high_w is None
    assert why_missing(readings["pv-1"], "power_w", NOW) == "no_value"


def test_one_of_eight_inverters_offline():
    devices = {f"inv-{i}": Role.PV for i in range(1, 9)} | {"grid": Role.GRID}
    readings = {d: reading(d, Role.PV, power_w=100_000.0 + i) for i, d in enumerate(devices) if d != "grid"}
    readings["grid"] = reading("grid", Role.GRID, power_w=50_000.0)
    readings["inv-3"] = reading("inv-3", Role.PV, ok=False)
    totals = site_totals(devices, readings, NOW)
    assert totals.pv_w.value == sum(100_000.0 + i for i in range(8) if i != 2)
    assert (totals.pv_w.reporting, totals.pv_w.expected, totals.pv_w.missing) == (7, 8, ("inv-3",))
    assert totals.consumption_w == totals.pv_w.value + 50_000.0


def test_nobody_reporting_is_blank_and_the_age_is_the_oldest_reading():
    readings = {d: reading(d, r, ok=False) for d, r in DEVICES.items()}
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.pv_w.value is None and totals.pv_w.reporting == 0 and not totals.pv_w.partial
    readings = all_fresh()
    readings["pv-1"] = reading("pv-1", Role.PV, age_ms=7_000, power_w=1.0)
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.pv_w.oldest_ts_ms == NOW - 7_000 and totals.grid_w.oldest_ts_ms == NOW
    assert totals.consumption.oldest_ts_ms == NOW - 7_000


def test_freshness_boundary():
    limit = int(STALE_AFTER_POLLS * POLL_S * 1000)
    assert is_fresh(reading("x", Role.PV, age_ms=limit, power_w=1.0), NOW)
    assert not is_fresh(reading("x", Role.PV, age_ms=limit + 1, power_w=1.0), NOW)
    assert not is_fresh(reading("x", Role.PV, ok=False), NOW)
    assert not is_fresh(None, NOW)


def test_a_site_without_storage_or_without_grid():
    readings = all_fresh()
    no_storage = {d: r for d, r in DEVICES.items() if r is not Role.STORAGE}
    totals = site_totals(no_storage, readings, NOW)
    assert totals.storage_w.value == 0.0 and totals.storage_w.expected == 0
    assert totals.consumption_w == 200_000.0 - 30_000.0
    no_grid = {d: r for d, r in DEVICES.items() if r is not Role.GRID}
    # Without a grid meter the site consumption cannot be known.
    assert site_totals(no_grid, readings, NOW).consumption_w is None


def test_soc_is_the_mean_of_the_fresh_units():
    devices = {"b1": Role.STORAGE, "b2": Role.STORAGE, "b3": Role.STORAGE}
    readings = {
        "b1": reading("b1", Role.STORAGE, power_w=0.0, soc_pct=40.0),
        "b2": reading("b2", Role.STORAGE, power_w=0.0, soc_pct=80.0),
        "b3": reading("b3", Role.STORAGE, age_ms=10**9, power_w=0.0, soc_pct=0.0),
    }
    assert site_totals(devices, readings, NOW).soc_pct == pytest.approx(60.0)


def test_a_frozen_grid_meter_does_not_count_as_reporting():
    """The collector marks a value it found frozen or out of range (energymon.collect.quality): the site totals
    treat it as not reporting, so the Grid tile shows no import, rather than the frozen 2 MW."""
    readings = all_fresh()
    grid = readings["grid"]
    readings["grid"] = Reading(
        grid.device_id,
        grid.role,
        grid.ts_ms,
        MappingProxyType({"power_w": 2_010_700.0}),
        True,
        None,
        0.01,
        POLL_S,
        ("frozen: power_w",),
        frozenset({"power_w"}),
    )
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.grid_w.value is None and (totals.grid_w.reporting, totals.grid_w.expected) == (0, 1)
    assert totals.grid_import_w is None and totals.consumption_w is None
    assert totals.pv_w.value == 200_000.0  # the others are unaffected
