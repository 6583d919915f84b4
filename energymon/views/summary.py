"""Compact live text summary for ``demo --headless`` and ``collect``: formatting only."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from drivers.quantities import Role
from energymon.accounting.carbon import avoided_co2_kg
from energymon.collect.reading import Reading
from energymon.config import Config
from energymon.views.live import RoleTotal, SiteTotals, is_fresh

KEY_VALUES = {
    Role.PV: ("yield_wh",),
    Role.STORAGE: ("soc_pct", "charged_wh", "discharged_wh"),
    Role.LOAD: ("consumed_wh",),
    Role.GRID: ("imported_wh", "exported_wh"),
    Role.METEO: ("irradiance_w_m2",),
}


def fmt_kw(power_w: float | None) -> str:
    return "—" if power_w is None else f"{power_w / 1000:,.1f} kW"


def fmt_value(quantity: str, value: float | None) -> str:
    if value is None:
        return f"{quantity}=—"
    if quantity.endswith("_wh"):
        return f"{quantity[:-3]}={value / 1000:,.1f} kWh"
    if quantity.endswith("_pct"):
        return f"{quantity[:-4]}={value:.1f} %"
    if quantity.endswith("_w_m2"):
        return f"{quantity[:-5]}={value:,.0f} W/m²"
    return f"{quantity}={value:g}"


def _partial_note(total: RoleTotal, devices: str) -> str:
    """ " (7/8 inverters, missing inv-a3)" for a partial sum, " (0/8 inverters)" for none reporting; else ""."""
    if total.complete or not total.expected:
        return ""
    missing = f", missing {', '.join(total.missing)}" if total.reporting else ""
    return f" ({total.reporting}/{total.expected} {devices}{missing})"


def site_line(totals: SiteTotals) -> str:
    """One line of the park's live totals; a partial sum says how many devices it holds and which are missing."""
    grid = totals.grid_w.value
    if grid is None:
        grid_text = "grid —"
    elif grid >= 0:
        grid_text = f"grid import {fmt_kw(grid)}"
    else:
        grid_text = f"grid export {fmt_kw(-grid)}"
    storage = totals.storage_w.value
    storage_text = fmt_kw(storage)
    if storage is not None and storage < 0:
        storage_text += " (charging)"
    elif storage is not None and storage > 0:
        storage_text += " (discharging)"
    storage_text += _partial_note(totals.storage_w, "units")
    grid_text += _partial_note(totals.grid_w, "meters")
    soc = "—" if totals.soc_pct is None else f"{totals.soc_pct:.1f} %"
    pv_note = _partial_note(totals.pv_w, "inverters")
    consumption = totals.consumption
    consumption_text = fmt_kw(consumption.value_w)
    if consumption.partial:
        consumption_text += f" (partial, without {', '.join(consumption.missing)})"
    return (
        f"PV {fmt_kw(totals.pv_w.value)}{pv_note} | consumption {consumption_text} | "
        f"storage {storage_text}, SoC {soc} | {grid_text}"
    )


def energy_line(
    pv_today_wh: float, since_ms: int | None, factor_kg_per_kwh: float, tz: ZoneInfo, midnight_ms: int
) -> str:
    since = ""
    if since_ms is not None and since_ms > midnight_ms + 10 * 60 * 1000:
        since = f" (since {datetime.fromtimestamp(since_ms / 1000, tz):%H:%M}, first data today)"
    co2 = avoided_co2_kg(pv_today_wh, factor_kg_per_kwh)
    return f"today{since}: PV {pv_today_wh / 1000:,.1f} kWh, avoided CO2 {co2:,.1f} kg"


def device_lines(config: Config, readings: dict[str, Reading], states: dict[str, str], now_ms: int) -> list[str]:
    lines = []
    for device in config.devices:
        reading = readings.get(device.id)
        state = states.get(device.id, "unknown")
        if reading is None:
            lines.append(f"  {device.id:<10} {device.role.value:<8} {'—':>12}  {state}")
            continue
        fresh = is_fresh(reading, now_ms)
        power = reading.values.get("power_w") if fresh else None
        extras = "  ".join(fmt_value(q, reading.values.get(q)) for q in KEY_VALUES[device.role]) if fresh else ""
        error = f"  ({reading.error})" if reading.error else ""
        lines.append(f"  {device.id:<10} {device.role.value:<8} {fmt_kw(power):>12}  {extras}  [{state}]{error}")
    return lines


def backfill_line(status) -> str:
    """One line about the demo's first-start history (energymon.demo.BackfillStatus)."""
    if status.error:
        return f"history: {status.error}"
    done_days = status.share_done * status.days
    if status.running:
        return (
            f"history: {status.share_done * 100:.0f} % ({done_days:.0f} of {status.days:g} days), "
            f"{status.samples:,} samples written so far"
        )
    return f"history: {status.days:g} days, {status.samples:,} samples, written in {status.seconds:.0f} s"
