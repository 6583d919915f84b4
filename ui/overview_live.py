"""The overview's live tiles in words: PV, site consumption, storage and grid from the site totals.

Pure formatting of :class:`energymon.views.live.SiteTotals` (no Qt widgets;
the texts are translated in the overview page's context, "OverviewPage").

- A role's tile shows the sum over its devices that report. When some do not,
  the tile carries a badge "7 of 8", its detail names the missing devices and
  its tooltip says why each is missing (no reading yet, the last poll read
  nothing, no fresh reading since, a doubtful value). Only when no device of
  the role reports is the value "—", and the tile is greyed as stale, saying
  since when.
- Site consumption is a balance (energymon.views.live.Balance): with a PV,
  storage or grid device missing it is partial, badged with the devices in
  the balance, and its detail gives the range the true consumption lies in.
- Every tile says how old its data is: "as of 13:05:10, 2 s ago", the oldest
  reading in its sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from energymon.collect.reading import Reading
from energymon.views.live import RoleTotal, SiteTotals, why_missing
from energymon.views.site import SiteInfo
from ui.data_age import as_of, clock, stale_since
from ui.format import fill

ZERO_W = 50.0  # |power| below this is "about zero" (as the flow diagram's)
NAMED = 3  # a detail line names at most this many missing devices
translate = QCoreApplication.translate  # pyside6-lupdate finds translate("OverviewPage", ...) calls


@dataclass(frozen=True)
class TileText:
    """What one tile shows: value text ("—" if none), detail, tooltip, badge, age line, stale."""

    value: str
    detail: str = ""
    tooltip: str = ""
    badge: str = ""
    badge_tooltip: str = ""
    age: str = ""
    stale: bool = False


def number(value: float | None) -> str:
    """A figure for a tile: one decimal below 1,000, whole numbers above (they stay short); "—" if None."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 999.95 else f"{value:,.1f}"


def kw(power_w: float | None) -> str:
    return number(None if power_w is None else power_w / 1000)


def names(device_ids: tuple[str, ...] | list[str]) -> str:
    """ "inv-a3, inv-b1" or, for more than ``NAMED``, "inv-a3, inv-b1, inv-b2 and 4 more"."""
    shown = translate("OverviewPage", ", ").join(device_ids[:NAMED])
    if len(device_ids) > NAMED:
        return fill(translate("OverviewPage", "%1 and %2 more"), shown, str(len(device_ids) - NAMED))
    return shown


def missing_reasons(
    device_ids: tuple[str, ...], readings: Mapping[str, Reading], site: SiteInfo, now_ms: int, quantity: str
) -> str:
    """One line per missing device: its id and name, and why it is not in the sum."""
    lines = []
    for device_id in device_ids:
        reading = readings.get(device_id)
        reason = why_missing(reading, quantity, now_ms)
        when = "" if reading is None else clock(reading.ts_ms, site.tz, now_ms)
        why = {
            "never": translate("OverviewPage", "no reading yet"),
            "failed": fill(translate("OverviewPage", "the poll at %1 read nothing"), when),
            "stale": fill(translate("OverviewPage", "no fresh reading since %1"), when),
            "suspect": translate("OverviewPage", "its value is doubtful (frozen or out of range)"),
            "no_value": translate("OverviewPage", "its reading has no power value"),
        }.get(reason or "", "")
        info = site.device(device_id)
        who = device_id if info is None or info.name == device_id else f"{device_id} ({info.name})"
        lines.append(fill(translate("OverviewPage", "%1: %2"), who, why))
    return "\n".join(lines)


def _last_reading_ms(device_ids: tuple[str, ...], readings: Mapping[str, Reading]) -> int | None:
    return max((r.ts_ms for d in device_ids if (r := readings.get(d)) is not None), default=None)


def _role_extras(
    total: RoleTotal, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int, detail: str
) -> TileText:
    """The badge, age and missing devices of a role's tile around ``detail`` (value filled in by the caller)."""
    if total.value is None:  # nobody reports: blank, greyed, since when
        last = _last_reading_ms(total.missing, readings)
        age = "" if last is None else stale_since(last, now_ms, site.tz)
        tooltip = missing_reasons(total.missing, readings, site, now_ms, "power_w")
        return TileText("—", detail, tooltip, age=age, stale=True)
    age = "" if total.oldest_ts_ms is None else as_of(total.oldest_ts_ms, now_ms, site.tz)
    if not total.partial:
        return TileText("", detail, age=age)
    badge = fill(translate("OverviewPage", "%1 of %2"), str(total.reporting), str(total.expected))
    reasons = missing_reasons(total.missing, readings, site, now_ms, "power_w")
    detail = (detail + " " if detail else "") + fill(translate("OverviewPage", "Missing: %1."), names(total.missing))
    tooltip = (
        fill(translate("OverviewPage", "The sum of the %1 devices reporting. Not in it:"), str(total.reporting))
        + "\n"
        + reasons
    )
    return TileText("", detail, tooltip, badge, tooltip, age)


def _with_value(text: TileText, value: str) -> TileText:
    return TileText(value, text.detail, text.tooltip, text.badge, text.badge_tooltip, text.age, text.stale)


def pv_tile(totals: SiteTotals, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int) -> TileText:
    pv = totals.pv_w
    if not pv.expected:
        return TileText("—", translate("OverviewPage", "No PV inverters at this site."))
    if pv.value is None:
        return _role_extras(pv, readings, site, now_ms, translate("OverviewPage", "No inverter reporting."))
    # A partial sum's detail names the missing (the badge counts them); a complete one says all report.
    detail = (
        "" if pv.partial else fill(translate("OverviewPage", "%1 of %2 inverters reporting"), pv.reporting, pv.expected)
    )
    return _with_value(_role_extras(pv, readings, site, now_ms, detail), kw(pv.value))


def storage_tile(totals: SiteTotals, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int) -> TileText:
    storage = totals.storage_w
    if not storage.expected:
        return TileText("—", translate("OverviewPage", "No storage at this site."))
    if storage.value is None:
        return _role_extras(storage, readings, site, now_ms, translate("OverviewPage", "No fresh storage reading."))
    soc = None if totals.soc_pct is None else f"{totals.soc_pct:.1f}"
    value = storage.value
    if value <= -ZERO_W:
        shown, state = (
            -value,
            translate("OverviewPage", "Charging.")
            if soc is None
            else fill(translate("OverviewPage", "Charging. SoC %1 %"), soc),
        )
    elif value >= ZERO_W:
        shown, state = (
            value,
            translate("OverviewPage", "Discharging.")
            if soc is None
            else fill(translate("OverviewPage", "Discharging. SoC %1 %"), soc),
        )
    else:
        shown, state = (
            0.0,
            translate("OverviewPage", "Idle.")
            if soc is None
            else fill(translate("OverviewPage", "Idle. SoC %1 %"), soc),
        )
    return _with_value(_role_extras(storage, readings, site, now_ms, state), kw(shown))


def grid_tile(totals: SiteTotals, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int) -> TileText:
    grid = totals.grid_w
    if not grid.expected:
        return TileText("—", translate("OverviewPage", "No grid meter at this site."))
    if grid.value is None:
        return _role_extras(grid, readings, site, now_ms, translate("OverviewPage", "No fresh grid reading."))
    value = grid.value
    if value >= ZERO_W:
        shown, state = value, translate("OverviewPage", "Importing from the grid.")
    elif value <= -ZERO_W:
        shown, state = -value, translate("OverviewPage", "Exporting to the grid.")
    else:
        shown, state = 0.0, translate("OverviewPage", "No exchange with the grid.")
    return _with_value(_role_extras(grid, readings, site, now_ms, state), kw(shown))


def consumption_tile(totals: SiteTotals, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int) -> TileText:
    """Site consumption, the balance of PV, storage and grid; partial (with its range) when devices are missing."""
    balance, load, grid = totals.consumption, totals.load_w, totals.grid_w
    formula = translate("OverviewPage", "PV + storage discharge + grid import − export − storage charge")
    if balance.value_w is None:
        if not grid.expected:
            return TileText("—", translate("OverviewPage", "No grid meter: the balance cannot be made."), formula)
        extras = _role_extras(
            grid, readings, site, now_ms, translate("OverviewPage", "Needs a fresh grid meter reading.")
        )
        return TileText("—", extras.detail, formula + "\n" + extras.tooltip, age=extras.age, stale=True)
    age = "" if balance.oldest_ts_ms is None else as_of(balance.oldest_ts_ms, now_ms, site.tz)
    if load.expected and load.value is not None:
        metered = fill(translate("OverviewPage", "Metered loads: %1 kW."), kw(load.value))
        if load.partial:
            metered = fill(
                translate("OverviewPage", "Metered loads: %1 kW (%2 of %3 meters)."),
                kw(load.value),
                load.reporting,
                load.expected,
            )
    elif load.expected:
        metered = translate("OverviewPage", "Metered loads: no meter reporting.")
    else:
        metered = ""
    if not balance.partial:
        detail = translate("OverviewPage", "Balance of PV, storage and grid.") + (" " + metered if metered else "")
        return TileText(kw(balance.value_w), detail, formula, age=age)
    in_balance = sum(t.reporting for t in (totals.pv_w, totals.storage_w, grid))
    expected = sum(t.expected for t in (totals.pv_w, totals.storage_w, grid))
    if balance.low_w is None or balance.high_w is None:
        detail = fill(
            translate("OverviewPage", "Partial, without %1: the true value is unknown."), names(balance.missing)
        )
    else:
        detail = fill(
            translate("OverviewPage", "Partial, without %1: true value %2 to %3 kW."),
            names(balance.missing),
            kw(max(balance.low_w, 0.0)),
            kw(balance.high_w),
        )
    explanation = translate(
        "OverviewPage",
        "Consumption is a balance: a device left out of it changes the result by its own power. "
        "A missing inverter adds 0 up to its rated power, a missing storage unit or grid meter "
        "minus to plus its rated power.",
    )
    missing = missing_reasons(balance.missing, readings, site, now_ms, "power_w")
    tooltip = "\n".join(
        t for t in (formula, explanation, translate("OverviewPage", "Not in the balance:"), missing, metered) if t
    )
    badge = fill(translate("OverviewPage", "%1 of %2"), str(in_balance), str(expected))
    return TileText(kw(balance.value_w), detail, tooltip, badge, tooltip, age)


def live_tiles(totals: SiteTotals, readings: Mapping[str, Reading], site: SiteInfo, now_ms: int) -> dict[str, TileText]:
    """The four live tiles, by name: ``pv``, ``consumption``, ``storage``, ``grid``."""
    return {
        "pv": pv_tile(totals, readings, site, now_ms),
        "consumption": consumption_tile(totals, readings, site, now_ms),
        "storage": storage_tile(totals, readings, site, now_ms),
        "grid": grid_tile(totals, readings, site, now_ms),
    }


def flow_flags(totals: SiteTotals) -> dict[str, str]:
    """The flow diagram's marks of partial sums, by node: "7 of 8" (a role), "partial" (the loads' balance)."""
    flags = {}
    for node, total in (("pv", totals.pv_w), ("storage", totals.storage_w), ("grid", totals.grid_w)):
        if total.partial:
            flags[node] = fill(translate("OverviewPage", "%1 of %2"), str(total.reporting), str(total.expected))
    if totals.consumption.partial:
        flags["loads"] = translate("OverviewPage", "partial")
    return flags
