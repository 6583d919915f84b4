"""The overview's energy tiles in words: today's, this month's and this year's PV energy, CO₂, coal, self-sufficiency.

Pure formatting of :class:`energymon.views.overview.OverviewEnergy` (read on
the reader thread; texts in the overview page's context, "OverviewPage").

Partial sums and data age, as the live tiles (ui.overview_live): a PV figure
is the sum over the inverters with counter data in the period. An inverter
without any, or whose data ends well before the others' (offline since, say:
:meth:`~energymon.views.overview.PeriodEnergy.behind`, more than
``STALE_AFTER_POLLS`` poll intervals), is not up to date: the tile is badged
"7 of 8" and its tooltip names each such inverter and where its data ends.
Every tile says how new its data is ("as of 13:05:10, 20 s ago"); figures
whose newest data is older than one refresh and a stale device's window
are greyed as stale.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

from energymon.views.live import STALE_AFTER_POLLS
from energymon.views.overview import OverviewEnergy, PeriodEnergy, late_start_ms
from energymon.views.site import SiteInfo
from ui.carbon_text import coal_source, emission_source
from ui.data_age import as_of, clock, stale_since
from ui.format import fill
from ui.overview_live import TileText, names, number

translate = QCoreApplication.translate  # pyside6-lupdate finds translate("OverviewPage", ...) calls
WHICH = ("today", "month", "year")
TILES = ("pv_today", "self_sufficiency", "pv_month", "pv_year", "co2_today", "co2_month", "co2_year", "coal_year")


def lag_ms(site: SiteInfo) -> int:
    """How far a device's data may end before the newest and still be up to date: its stale window."""
    return int(STALE_AFTER_POLLS * max((d.poll_interval_s for d in site.devices), default=5.0) * 1000)


def waiting_tiles(error: str | None) -> dict[str, TileText]:
    """Every energy tile before the figures are read (``error``: why they could not be)."""
    if error is None:
        detail = translate("OverviewPage", "Reading the database…")
    elif "no database yet" in error:  # ui.db_tasks: the collector has not written yet
        detail = translate("OverviewPage", "Waiting for the first data.")
    else:
        detail = translate("OverviewPage", "The database could not be read.")
    return {name: TileText("—", detail, error or "") for name in TILES}


def since_text(period: PeriodEnergy, which: str, site: SiteInfo) -> str:
    """Where a period's figure starts, as a sentence (which: today / month / year)."""
    late = late_start_ms(period)
    if period.first_ts_ms is None:
        return {
            "today": translate("OverviewPage", "No counter data today yet."),
            "month": translate("OverviewPage", "No counter data this month yet."),
            "year": translate("OverviewPage", "No counter data this year yet."),
        }[which]
    if late is not None:
        local = datetime.fromtimestamp(late / 1000, UTC).astimezone(site.tz)
        stamp = local.strftime("%H:%M") if which == "today" else local.strftime("%m-%d %H:%M")
        return fill(translate("OverviewPage", "Since %1 (first data), from counters."), stamp)
    return {
        "today": translate("OverviewPage", "Since 00:00 local time, from counters."),
        "month": translate("OverviewPage", "Since the 1st, 00:00 local time, from counters."),
        "year": translate("OverviewPage", "Since 1 January, 00:00 local time, from counters."),
    }[which]


def _pv_note(period: PeriodEnergy) -> str:
    """An extra sentence if some inverters have no counter data in the period; else ""."""
    missing = len(period.missing.get("pv_wh", ()))
    if not missing:
        return ""
    counted = period.counted.get("pv_wh", 0)
    return " " + fill(translate("OverviewPage", "%1 of %2 inverters have data."), str(counted), str(counted + missing))


def freshness(
    period: PeriodEnergy, flows: tuple[str, ...], site: SiteInfo, now_ms: int, refresh_ms: int
) -> tuple[str, str, str, bool]:
    """(badge, badge tooltip, age line, stale) of a figure made of ``flows`` in ``period``."""
    lag = lag_ms(site)
    stamps = [t for f in flows if (t := period.as_of_ms(f)) is not None]
    if not stamps:
        return "", "", "", False
    newest = max(stamps)
    stale = now_ms - newest > refresh_ms + lag
    age = stale_since(newest, now_ms, site.tz) if stale else as_of(newest, now_ms, site.tz)
    behind = sorted({d for f in flows for d in period.behind(f, lag)})
    missing = sorted({d for f in flows for d in period.missing.get(f, ())})
    counted = sorted({d for f in flows for d in period.counted_ids.get(f, ())})
    expected = len(set(counted) | set(missing))
    up_to_date = len(set(counted) - set(behind))
    if up_to_date >= expected:
        return "", "", age, stale
    lines = [fill(translate("OverviewPage", "%1: no counter data in this period"), d) for d in missing]
    lines += [
        fill(
            translate("OverviewPage", "%1: data ends at %2, counted until then"),
            d,
            clock(period.latest_ms[d], site.tz, now_ms),
        )
        for d in behind
    ]
    tooltip = (
        fill(translate("OverviewPage", "Up to date: %1 of %2 devices."), str(up_to_date), str(expected))
        + "\n"
        + "\n".join(lines)
    )
    return fill(translate("OverviewPage", "%1 of %2"), str(up_to_date), str(expected)), tooltip, age, stale


def _tile(value: str, detail: str, tooltip: str, fresh: tuple[str, str, str, bool]) -> TileText:
    badge, badge_tooltip, age, stale = fresh
    if badge_tooltip:
        tooltip = (tooltip + "\n" if tooltip else "") + badge_tooltip
    return TileText(value, detail, tooltip, badge, badge_tooltip, age, stale)


def energy_tiles(energy: OverviewEnergy, site: SiteInfo, now_ms: int, refresh_ms: int) -> dict[str, TileText]:
    """The eight energy tiles by name (:data:`TILES`)."""
    periods = {"today": energy.today, "month": energy.month, "year": energy.year}
    tiles: dict[str, TileText] = {}
    pv_fresh = {w: freshness(periods[w], ("pv_wh",), site, now_ms, refresh_ms) for w in WHICH}
    wh_per_unit = {"today": 1e3, "month": 1e6, "year": 1e6}  # kWh, MWh, MWh
    for which in WHICH:
        period = periods[which]
        pv = period.pv_wh
        behind = period.behind("pv_wh", lag_ms(site))
        note = (" " + fill(translate("OverviewPage", "Behind: %1."), names(behind))) if behind else ""
        tiles[f"pv_{which}"] = _tile(
            number(None if pv is None else pv / wh_per_unit[which]),
            since_text(period, which, site) + _pv_note(period) + note,
            "",
            pv_fresh[which],
        )

    today = energy.today
    share, consumption_wh = today.self_sufficiency_pct, today.consumption_wh
    balance_flows = ("pv_wh", "grid_import_wh", "grid_export_wh", "storage_charge_wh", "storage_discharge_wh")
    if share is not None and consumption_wh is not None:  # a share is known only with the consumption
        detail = translate("OverviewPage", "(Consumption − import) ÷ consumption, since 00:00, from counters.")
        if late_start_ms(today) is not None:
            detail = fill(
                translate("OverviewPage", "(Consumption − import) ÷ consumption. %1"), since_text(today, "today", site)
            )
        tooltip = fill(
            translate("OverviewPage", "Today: consumption %1 kWh, grid import %2 kWh."),
            number(consumption_wh / 1000),
            number(today.flows.grid_import_wh / 1000),
        )
        guessed = sorted({d for ids in today.estimated.values() for d in ids})
        if guessed:
            tooltip += "\n" + fill(
                translate("OverviewPage", "Estimated from power (no energy counters): %1."), ", ".join(guessed)
            )
    elif today.first_ts_ms is None:
        detail, tooltip = since_text(today, "today", site), ""
    else:
        detail = translate("OverviewPage", "Needs counter data of every PV, storage and grid meter today.")
        tooltip = ", ".join(sorted({d for ids in today.missing.values() for d in ids}))
    tiles["self_sufficiency"] = _tile(
        number(share), detail, tooltip, freshness(today, balance_flows, site, now_ms, refresh_ms)
    )

    factor = f"{energy.emission_factor_kg_per_kwh:g}"
    source = fill(
        translate("OverviewPage", "Grid emission factor %1 kg CO₂/kWh: %2"),
        factor,
        emission_source(site.emission_factor_source),
    )
    co2_texts = {
        "today": (1.0, translate("OverviewPage", "Today's PV energy × %1 kg/kWh.")),
        "month": (1000.0, translate("OverviewPage", "This month's PV energy × %1 kg/kWh.")),
        "year": (1000.0, translate("OverviewPage", "This year's PV energy × %1 kg/kWh.")),
    }
    for which, (per_unit_kg, text) in co2_texts.items():
        co2 = periods[which].avoided_co2_kg
        value = number(None if co2 is None else co2 / per_unit_kg)
        tiles[f"co2_{which}"] = _tile(value, fill(text, factor), source, pv_fresh[which])

    if energy.coal_kgce_per_kwh is None:
        tiles["coal_year"] = TileText("—", translate("OverviewPage", "No coal factor available."))
    else:
        month_coal = energy.month.coal_saved_kgce
        detail = fill(
            translate("OverviewPage", "This year's PV energy × %1 kgce/kWh. This month: %2 tce."),
            f"{energy.coal_kgce_per_kwh:g}",
            number(None if month_coal is None else month_coal / 1000),
        )
        coal = energy.year.coal_saved_kgce
        tooltip = fill(translate("OverviewPage", "Coal factor: %1"), coal_source(energy.coal_source))
        tiles["coal_year"] = _tile(number(None if coal is None else coal / 1000), detail, tooltip, pv_fresh["year"])
    return tiles
