"""energymon.views.summary: the headless text summary (formatting only)."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.site_time import today_midnight_ms
from energymon.views.live import Balance, RoleTotal, SiteTotals
from energymon.views.summary import device_lines, energy_line, fmt_kw, fmt_value, site_line

SHANGHAI = ZoneInfo("Asia/Shanghai")


def totals(pv, storage, grid, soc=55.0, pv_reporting=2, pv_expected=2, missing=()) -> SiteTotals:
    consumption = None if grid is None else sum(v for v in (pv, storage, grid) if v is not None)
    return SiteTotals(
        RoleTotal(pv, pv_reporting, pv_expected, missing),
        RoleTotal(storage, 1, 1),
        RoleTotal(grid, 1, 1),
        RoleTotal(0.0, 0, 0),
        soc,
        Balance(consumption, missing if consumption is not None else ()),
    )


def test_numbers_and_missing_values():
    assert fmt_kw(1_234_567.0) == "1,234.6 kW"
    assert fmt_kw(None) == "—"
    assert fmt_value("yield_wh", 2_500_000.0) == "yield=2,500.0 kWh"
    assert fmt_value("soc_pct", 61.26) == "soc=61.3 %"
    assert fmt_value("consumed_wh", None) == "consumed_wh=—"
    assert fmt_value("irradiance_w_m2", 812.4) == "irradiance=812 W/m²"  # a unit, like the others


def test_site_line_names_directions():
    line = site_line(totals(300_000.0, -100_000.0, -50_000.0))
    assert "PV 300.0 kW" in line and "consumption 150.0 kW" in line
    assert "storage -100.0 kW (charging)" in line and "grid export 50.0 kW" in line and "SoC 55.0 %" in line
    line = site_line(totals(0.0, 80_000.0, 20_000.0, soc=None))
    assert "(discharging)" in line and "grid import 20.0 kW" in line and "SoC —" in line
    line = site_line(totals(None, 0.0, None, pv_reporting=0))
    assert "PV — (0/2 inverters)" in line and "grid —" in line and "consumption —" in line
    # one inverter of two offline: the other's power, flagged and named; consumption partial
    line = site_line(totals(120_000.0, 0.0, 30_000.0, pv_reporting=1, missing=("inv-2",)))
    assert "PV 120.0 kW (1/2 inverters, missing inv-2)" in line
    assert "consumption 150.0 kW (partial, without inv-2)" in line


def test_energy_line_and_midnight():
    now = datetime(2024, 6, 21, 15, 30, tzinfo=SHANGHAI).timestamp()
    midnight = today_midnight_ms(now, SHANGHAI)
    assert midnight == int(datetime(2024, 6, 21, 0, 0, tzinfo=SHANGHAI).timestamp() * 1000)
    # One minute before local midnight belongs to the previous local day.
    assert (
        today_midnight_ms(datetime(2024, 6, 20, 23, 59, tzinfo=SHANGHAI).timestamp(), SHANGHAI) == midnight - 86_400_000
    )
    line = energy_line(1_000_000.0, midnight + 60_000, 0.5543, SHANGHAI, midnight)
    assert line == "today: PV 1,000.0 kWh, avoided CO2 554.3 kg"
    late = midnight + (9 * 3600 + 5 * 60) * 1000  # first data at 09:05 local
    assert "(since 09:05, first data today)" in energy_line(0.0, late, 0.5543, SHANGHAI, midnight)


def test_device_lines_hide_stale_values(small_config):
    now_ms = 1_700_000_000_000
    fresh = Reading(
        "pv-1", Role.PV, now_ms, MappingProxyType({"power_w": 50_000.0, "yield_wh": 1e6}), True, None, 0.01, 0.2
    )
    stale = Reading(
        "pv-2",
        Role.PV,
        now_ms - 60_000,
        MappingProxyType({"power_w": 40_000.0, "yield_wh": 2e6}),
        True,
        None,
        0.01,
        0.2,
    )
    failed = Reading("pv-3", Role.PV, now_ms, MappingProxyType({}), False, "timeout: no answer", 0.5, 0.2)
    lines = device_lines(
        small_config, {"pv-1": fresh, "pv-2": stale, "pv-3": failed}, {"pv-1": "online", "pv-3": "offline"}, now_ms
    )
    assert len(lines) == len(small_config.devices)
    by_id = {line.split()[0]: line for line in lines}
    assert "50.0 kW" in by_id["pv-1"] and "yield=1,000.0 kWh" in by_id["pv-1"] and "[online]" in by_id["pv-1"]
    assert "40.0 kW" not in by_id["pv-2"] and "—" in by_id["pv-2"]  # a stale value is not shown as current
    assert "timeout: no answer" in by_id["pv-3"] and "[offline]" in by_id["pv-3"]
    assert "—" in by_id["grid-1"] and "unknown" in by_id["grid-1"]
