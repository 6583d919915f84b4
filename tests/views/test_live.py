"""energymon.views.live: site totals from the latest readings, and when a reading stops being live."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.views.live import STALE_AFTER_POLLS, is_fresh, site_totals

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


def test_a_stale_or_failed_device_makes_its_total_unknown_not_smaller():
    readings = all_fresh()
    readings["pv-2"] = reading("pv-2", Role.PV, age_ms=int(STALE_AFTER_POLLS * POLL_S * 1000) + 1, power_w=80_000.0)
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.pv_w.value is None
    assert (totals.pv_w.reporting, totals.pv_w.expected) == (1, 2)
    assert totals.consumption_w is None
    assert totals.grid_w.value == -30_000.0  # other roles are unaffected

    readings = all_fresh()
    readings["grid"] = reading("grid", Role.GRID, ok=False)
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.grid_w.value is None and totals.consumption_w is None
    assert totals.grid_import_w is None and totals.grid_export_w is None

    readings = all_fresh()
    del readings["bess"]  # never read yet
    totals = site_totals(DEVICES, readings, NOW)
    assert totals.storage_w.value is None and totals.soc_pct is None and totals.consumption_w is None

    readings = all_fresh()
    readings["pv-1"] = reading("pv-1", Role.PV, power_w=None)  # read, but the value was rejected
    assert site_totals(DEVICES, readings, NOW).pv_w.value is None


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
