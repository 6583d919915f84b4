"""The trends page's texts that follow from the data: quantity and series names, what the points are, where a
series is drawn, the cursor read-out.

The texts belong to the trends page, which shows them: they are translated in
its context ("TrendsPage" in ui/translations). Times are in the site's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from energymon.site_time import DAY_MS
from energymon.views.trend_set import TrendSpec
from energymon.views.trends import Series
from ui.format import fill
from ui.trend_axes import Slot
from ui.trend_plot import format_value

translate = QCoreApplication.translate


def quantity_names() -> dict[str, str]:
    """A readable name for each canonical quantity (the picker shows it with the canonical name)."""
    return {
        "power_w": translate("TrendsPage", "Active power"),
        "yield_wh": translate("TrendsPage", "PV energy (counter)"),
        "dc_power_w": translate("TrendsPage", "DC power"),
        "temperature_c": translate("TrendsPage", "Temperature"),
        "status_code": translate("TrendsPage", "Status code"),
        "soc_pct": translate("TrendsPage", "State of charge"),
        "soh_pct": translate("TrendsPage", "State of health"),
        "charged_wh": translate("TrendsPage", "Energy charged (counter)"),
        "discharged_wh": translate("TrendsPage", "Energy discharged (counter)"),
        "consumed_wh": translate("TrendsPage", "Energy consumed (counter)"),
        "imported_wh": translate("TrendsPage", "Energy imported (counter)"),
        "exported_wh": translate("TrendsPage", "Energy exported (counter)"),
        "voltage_l1_v": translate("TrendsPage", "Voltage L1"),
        "voltage_l2_v": translate("TrendsPage", "Voltage L2"),
        "voltage_l3_v": translate("TrendsPage", "Voltage L3"),
        "current_l1_a": translate("TrendsPage", "Current L1"),
        "current_l2_a": translate("TrendsPage", "Current L2"),
        "current_l3_a": translate("TrendsPage", "Current L3"),
        "frequency_hz": translate("TrendsPage", "Frequency"),
        "power_factor": translate("TrendsPage", "Power factor"),
        "reactive_power_var": translate("TrendsPage", "Reactive power"),
        "voltage_l1_l2_v": translate("TrendsPage", "Voltage L1-L2"),
        "voltage_l2_l3_v": translate("TrendsPage", "Voltage L2-L3"),
        "voltage_l3_l1_v": translate("TrendsPage", "Voltage L3-L1"),
        "ct_ratio": translate("TrendsPage", "CT ratio (in the meter)"),
        "pt_ratio": translate("TrendsPage", "PT ratio (in the meter)"),
        "irradiance_w_m2": translate("TrendsPage", "Irradiance (plane of array)"),
    }


def site_quantity_names() -> dict[str, str]:
    """The site series' names (energymon.views.site_trends), as the quantity picker lists them."""
    return {
        "pv_power_w": translate("TrendsPage", "PV power (total)"),
        "consumption_power_w": translate("TrendsPage", "Site consumption"),
        "grid_power_w": translate("TrendsPage", "Grid power (+ import, − export)"),
        "storage_power_w": translate("TrendsPage", "Storage power (+ discharge, − charge)"),
        "pv_energy_wh": translate("TrendsPage", "PV energy per interval"),
        "consumption_energy_wh": translate("TrendsPage", "Consumption per interval"),
        "grid_import_wh": translate("TrendsPage", "Grid import per interval"),
        "grid_export_wh": translate("TrendsPage", "Grid export per interval"),
        "storage_charge_wh": translate("TrendsPage", "Storage charge per interval"),
        "storage_discharge_wh": translate("TrendsPage", "Storage discharge per interval"),
    }


def unit_names() -> dict[str, str]:
    """A value axis's label when the series on it are of different quantities, by group key (ui.trend_axes)."""
    return {
        "W": translate("TrendsPage", "Power"),
        "Wh": translate("TrendsPage", "Counter reading"),
        "Wh/interval": translate("TrendsPage", "Energy per interval"),
        "V": translate("TrendsPage", "Voltage"),
        "A": translate("TrendsPage", "Current"),
        "%": translate("TrendsPage", "Percent"),
        "Hz": translate("TrendsPage", "Frequency"),
        "degC": translate("TrendsPage", "Temperature"),
        "var": translate("TrendsPage", "Reactive power"),
        "": translate("TrendsPage", "Value"),
    }


def spec_name(spec: TrendSpec, device_names: dict[str, str]) -> str:
    """A series' name: "Site · PV power (total)", "Roof A inverter 1 · Active power", with "· energy per interval"
    for a counter shown so."""
    if spec.site:
        return fill(translate("TrendsPage", "Site · %1"), site_quantity_names().get(spec.quantity, spec.quantity))
    name = quantity_names().get(spec.quantity, spec.quantity)
    text = f"{device_names.get(spec.device_id, spec.device_id)} · {name}"
    return text + " · " + translate("TrendsPage", "energy per interval") if spec.energy else text


def quantity_label(spec: TrendSpec) -> str:
    """What a series is, without its device (a value axis's label when it is the only series there)."""
    if spec.site:
        return site_quantity_names().get(spec.quantity, spec.quantity)
    if spec.energy:
        return translate("TrendsPage", "Energy per interval")
    return quantity_names().get(spec.quantity, spec.quantity)


def place_text(slot: Slot, plots: int) -> str:
    """Where a series is drawn: its axis, and its plot when there are several."""
    side = translate("TrendsPage", "right axis") if slot.right else translate("TrendsPage", "left axis")
    if plots == 1:
        return side
    return fill(translate("TrendsPage", "plot %1 of %2, %3"), str(slot.plot + 1), str(plots), side)


def source_text(s: Series) -> str:
    """What the points are, e.g. "15-minute averages with their minimum and maximum"."""
    days = s.bucket_ms // DAY_MS if s.bucket_ms else 0
    merged = s.source == "1d" and days > 1
    if s.source == "raw":
        if s.kind == "counter":
            return translate("TrendsPage", "raw counter readings")
        return translate("TrendsPage", "raw samples")
    if s.statistic == "delta":
        if merged:
            return fill(translate("TrendsPage", "energy counted per %1 days"), str(days))
        return {
            "1min": translate("TrendsPage", "energy counted per minute"),
            "15min": translate("TrendsPage", "energy counted per 15 minutes"),
            "1h": translate("TrendsPage", "energy counted per hour"),
            "1d": translate("TrendsPage", "energy counted per day"),
        }[s.source]
    if s.statistic == "last":
        if merged:
            return fill(translate("TrendsPage", "counter readings, the last of every %1 days"), str(days))
        return {
            "1min": translate("TrendsPage", "counter readings, the last of each minute"),
            "15min": translate("TrendsPage", "counter readings, the last of each 15 minutes"),
            "1h": translate("TrendsPage", "counter readings, the last of each hour"),
            "1d": translate("TrendsPage", "counter readings, the last of each day"),
        }[s.source]
    if s.statistic == "sum":
        if merged:
            return fill(translate("TrendsPage", "sums of the devices' averages over %1 days"), str(days))
        return {
            "1min": translate("TrendsPage", "sums of the devices' 1-minute averages"),
            "15min": translate("TrendsPage", "sums of the devices' 15-minute averages"),
            "1h": translate("TrendsPage", "sums of the devices' hourly averages"),
            "1d": translate("TrendsPage", "sums of the devices' daily averages"),
        }[s.source]
    if merged:
        return fill(translate("TrendsPage", "averages over %1 days with their minimum and maximum"), str(days))
    return {
        "1min": translate("TrendsPage", "1-minute averages with their minimum and maximum"),
        "15min": translate("TrendsPage", "15-minute averages with their minimum and maximum"),
        "1h": translate("TrendsPage", "hourly averages with their minimum and maximum"),
        "1d": translate("TrendsPage", "daily averages with their minimum and maximum"),
    }[s.source]


def time_text(ts_ms: int, bucket_ms: int, tz: ZoneInfo) -> str:
    """When a point is: a sample's time, or a bucket's span (days for daily buckets)."""
    start = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(tz)
    if bucket_ms == 0:
        return start.strftime("%Y-%m-%d %H:%M:%S")
    end = datetime.fromtimestamp((ts_ms + bucket_ms) / 1000, UTC).astimezone(tz)
    if bucket_ms >= DAY_MS:
        if bucket_ms == DAY_MS:
            return start.strftime("%Y-%m-%d")
        return f"{start:%Y-%m-%d} – {end - timedelta(days=1):%Y-%m-%d}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def value_text(s: Series, index: int | None) -> str:
    """The value of the point ``index`` of ``s`` in words, without its time ("no data" for None)."""
    if index is None:
        return translate("TrendsPage", "no data")
    unit = s.unit
    value = format_value(float(s.mean[index]), "Wh" if s.statistic == "delta" else unit)
    if s.statistic == "mean":
        return fill(
            translate("TrendsPage", "mean %1, min %2, max %3"),
            value,
            format_value(float(s.min[index]), unit),
            format_value(float(s.max[index]), unit),
        )
    if s.statistic == "delta":
        text = fill(translate("TrendsPage", "%1 counted in this interval"), value)
    elif s.statistic == "last":
        text = fill(translate("TrendsPage", "counter reading %1"), value)
    elif s.statistic == "sum":
        text = fill(translate("TrendsPage", "sum %1"), value)
    else:
        text = value  # a raw sample: its value, nothing to translate
    if s.reporting is not None and int(s.reporting[index]) < s.devices:
        text += " " + fill(translate("TrendsPage", "(%1 of %2 devices)"), str(int(s.reporting[index])), str(s.devices))
    return text


def cursor_text(s: Series, index: int | None, x_ms: int, tz: ZoneInfo) -> str:
    """The read-out of the point ``index`` of ``s`` (None: no point under the cursor at ``x_ms``)."""
    if index is None:
        moment = datetime.fromtimestamp(x_ms / 1000, UTC).astimezone(tz)
        return fill(translate("TrendsPage", "%1: no data"), moment.strftime("%Y-%m-%d %H:%M"))
    return f"{time_text(int(s.ts_ms[index]), s.bucket_ms, tz)}\n{value_text(s, index)}"
