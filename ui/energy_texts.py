"""The Energy page in words: period names, bucket labels, the figures table, the notes under the chart.

Pure formatting of :class:`energymon.views.energy_view.EnergyView` and
:class:`energymon.views.energy_costs.PeriodCosts` (texts in the "EnergyPage"
context). A figure without data is "—", never 0. Changes against a
comparison are relative (%) for energies, CO2 and money, and in percentage
points for the shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from energymon.views.energy_costs import PeriodCosts
from energymon.views.energy_periods import Period
from energymon.views.energy_view import EnergyTotals, EnergyView
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.text_table import Cell

translate = QCoreApplication.translate
PARTIAL_COLOUR = "#718096"


def page_tr(text: str) -> str:
    """``text`` in the current language (context \"EnergyPage\")."""
    return translate("EnergyPage", text)


MONTHS = (
    QT_TRANSLATE_NOOP("EnergyPage", "Jan"),
    QT_TRANSLATE_NOOP("EnergyPage", "Feb"),
    QT_TRANSLATE_NOOP("EnergyPage", "Mar"),
    QT_TRANSLATE_NOOP("EnergyPage", "Apr"),
    QT_TRANSLATE_NOOP("EnergyPage", "May"),
    QT_TRANSLATE_NOOP("EnergyPage", "Jun"),
    QT_TRANSLATE_NOOP("EnergyPage", "Jul"),
    QT_TRANSLATE_NOOP("EnergyPage", "Aug"),
    QT_TRANSLATE_NOOP("EnergyPage", "Sep"),
    QT_TRANSLATE_NOOP("EnergyPage", "Oct"),
    QT_TRANSLATE_NOOP("EnergyPage", "Nov"),
    QT_TRANSLATE_NOOP("EnergyPage", "Dec"),
)


def period_name(period: Period) -> str:
    """``2026-12-04``, ``2026-12`` or ``2026``."""
    if period.kind == "day":
        return period.first.isoformat()
    if period.kind == "month":
        return period.first.strftime("%Y-%m")
    return str(period.first.year)


def tick_labels(view: EnergyView) -> list[str]:
    """The bucket axis: hours ``00`` ... ``23``, days ``1`` ... ``31``, months by name."""
    if view.period.kind == "day":
        return [f"{h:02d}" for h in view.labels]
    if view.period.kind == "month":
        return [str(d) for d in view.labels]
    return [page_tr(MONTHS[m - 1]) for m in view.labels]


def bucket_name(view: EnergyView, index: int, zone_local: Callable[[int], datetime]) -> str:
    """A bucket in words: ``14:00–15:00``, ``2026-12-04``, ``2026-12``."""
    start = zone_local(view.edges_ms[index])
    if view.period.kind == "day":
        end = zone_local(view.edges_ms[index + 1])
        return f"{start:%H:%M}–{'24:00' if end.hour == 0 and end.minute == 0 else f'{end:%H:%M}'}"
    return f"{start:%Y-%m-%d}" if view.period.kind == "month" else f"{start:%Y-%m}"


def unit_name(kind: str, count: int) -> str:
    """ "hours", "days" or "months" (the buckets of a period of ``kind``), for ``count`` of them."""
    if kind == "day":
        return translate("EnergyPage", "hour") if count == 1 else translate("EnergyPage", "hours")
    if kind == "month":
        return translate("EnergyPage", "day") if count == 1 else translate("EnergyPage", "days")
    return translate("EnergyPage", "month") if count == 1 else translate("EnergyPage", "months")


# -- the figures table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One row of the table: ``value(totals, costs)`` in display units; ``share``: a percentage."""

    title: str
    value: Callable[[EnergyTotals, PeriodCosts | None], float | None]
    decimals: int = 1
    share: bool = False
    money: bool = False


def _kwh(flow: str) -> Callable[[EnergyTotals, PeriodCosts | None], float | None]:
    def value(totals: EnergyTotals, _costs: PeriodCosts | None) -> float | None:
        if flow == "consumption_wh":
            wh = totals.consumption_wh
        elif flow not in totals.configured:
            return None
        else:
            wh = totals.flow_wh(flow)
        return None if wh is None else wh / 1000

    return value


def _money(get: Callable[[PeriodCosts], float | None]) -> Callable[[EnergyTotals, PeriodCosts | None], float | None]:
    return lambda _totals, costs: None if costs is None else get(costs)


ENERGY_FIGURES = (
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "PV generation (kWh)"), _kwh("pv_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Consumption (kWh)"), _kwh("consumption_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Grid import (kWh)"), _kwh("grid_import_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Grid export (kWh)"), _kwh("grid_export_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Storage charge (kWh)"), _kwh("storage_charge_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Storage discharge (kWh)"), _kwh("storage_discharge_wh")),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Self-consumption (%)"), lambda t, _c: t.self_consumption_pct, share=True),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Self-sufficiency (%)"), lambda t, _c: t.self_sufficiency_pct, share=True),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Avoided CO₂ (t)"), lambda t, _c: _tonnes(t.avoided_co2_kg), 2),
)
COST_FIGURES = (
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Energy cost (%1)"), _money(lambda c: c.energy_cost), 0, money=True),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Saved by PV (%1)"), _money(lambda c: c.savings.pv_saved), 0, money=True),
    Figure(
        QT_TRANSLATE_NOOP("EnergyPage", "Saved by storage (%1)"),
        _money(lambda c: c.savings.storage_saved),
        0,
        money=True,
    ),
    Figure(
        QT_TRANSLATE_NOOP("EnergyPage", "Saved in total (%1)"), _money(lambda c: c.savings.total_saved), 0, money=True
    ),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Peak 15-min demand (kW)"), _money(lambda c: c.peak_demand_kw)),
    Figure(QT_TRANSLATE_NOOP("EnergyPage", "Demand charge (%1)"), _money(lambda c: c.demand_charge), 0, money=True),
)


def _tonnes(kg: float | None) -> float | None:
    return None if kg is None else kg / 1000


@dataclass(frozen=True)
class FigureRow:
    """What one table row shows: the figure and its values for the shown period and the two comparisons."""

    figure: Figure
    values: tuple[float | None, float | None, float | None]
    complete: bool  # the shown period's value counts every device
    currency: str = ""


def figure_rows(view: EnergyView, costs: tuple[PeriodCosts, ...] | None) -> list[FigureRow]:
    """The table's rows; the cost rows only when ``costs`` (shown, previous, year before) are known."""
    spans = (view.totals, view.previous, view.year_before)
    rows = []
    complete = view.totals.consumption_complete and not view.partial.any()
    for figure in ENERGY_FIGURES:
        values = tuple(figure.value(t, None) for t in spans)
        rows.append(FigureRow(figure, (values[0], values[1], values[2]), complete))
    if costs:
        for figure in COST_FIGURES:
            values = tuple(figure.value(t, c if t.has_data else None) for t, c in zip(spans, costs))
            rows.append(FigureRow(figure, (values[0], values[1], values[2]), complete, costs[0].currency))
    return rows


def number_text(value: float | None, decimals: int) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def change_text(now: float | None, before: float | None, share: bool) -> str:
    """``+12.3 %`` (relative), ``+1.2 pp`` for shares; "—" without both values or against 0."""
    if now is None or before is None:
        return "—"
    if share:
        return fill(translate("EnergyPage", "%1 pp"), f"{now - before:+.1f}")
    if before == 0:
        return "—"
    return f"{(now - before) / abs(before) * 100:+.1f} %"


def figure_cells(row: FigureRow) -> list[Cell]:
    now, previous, year_before = row.values
    d = row.figure.decimals
    title = fill(page_tr(row.figure.title), row.currency) if row.figure.money else page_tr(row.figure.title)
    colour = None if row.complete else PARTIAL_COLOUR
    tip = (
        None
        if row.complete
        else translate("EnergyPage", "A partial sum: some devices have no data in part of the period.")
    )
    return [
        Cell(title),
        Cell(number_text(now, d), colour, tip),
        Cell(number_text(previous, d)),
        Cell(change_text(now, previous, row.figure.share)),
        Cell(number_text(year_before, d)),
        Cell(change_text(now, year_before, row.figure.share)),
    ]


def local_text(ms: int, zone_local: Callable[[int], datetime], with_date: bool = True) -> str:
    local = zone_local(ms)
    return f"{local:%Y-%m-%d %H:%M}" if with_date else f"{local:%H:%M}"


def utc_local(zone: ZoneInfo) -> Callable[[int], datetime]:
    """A function from UTC epoch ms to the site's local time."""
    return lambda ms: datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone)
