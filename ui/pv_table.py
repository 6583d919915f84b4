"""The PV performance page's table: one row per inverter and the park line, columns from a descriptor table.

Rows are :class:`energymon.views.pv_performance.InverterPerformance` (ranked
ones first) and a :class:`ParkRow` at the end. An underperformer (below
:data:`energymon.accounting.pv_yield.LOW_PEER_RATIO` of the park median) is
highlighted: red text on a pale red ground, and its ratio says "low" in words
(not by colour alone). An inverter whose data does not cover the period is
grey and unranked, its tooltip says how much the data covers. The headings
name the basis of the figures (:func:`headings`): kWp and kWh/kWp when they
are per DC peak power, kW (AC) and kWh/kW (AC) when per rated AC power. Texts
are translated in the "PvTable" context.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem

from energymon.accounting.pv_yield import BASIS_AC, BASIS_DC, LOW_PEER_RATIO
from energymon.views.pv_performance import InverterPerformance, PvPerformance
from ui import format as fmt
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.text_table import Cell, TextTableModel

translate = QCoreApplication.translate

LOW_TEXT, LOW_GROUND = "#9b2c2c", "#fde2e2"  # an underperformer
PARTIAL_TEXT = "#718096"  # data that does not cover the period
PARK_GROUND = "#e6effa"  # the park line


def _tr(text: str) -> str:
    return translate("PvTable", text)


@dataclass(frozen=True)
class ShadedCell(Cell):
    """A cell with a background colour (``#rrggbb``) besides its text colour."""

    background: str | None = None


@dataclass(frozen=True)
class ParkRow:
    """The park line: the figures over the inverters with complete data (``of`` of ``total``)."""

    result: PvPerformance


@dataclass(frozen=True)
class Heading:
    title: str
    align_right: bool = True
    tooltip: str = ""


def _basis_headings(power: Heading, specific: Heading, hours: Heading, pr: Heading) -> tuple[Heading, ...]:
    return (
        Heading(
            QT_TRANSLATE_NOOP("PvTable", "Rank"),
            tooltip=QT_TRANSLATE_NOOP("PvTable", "By specific yield, highest first"),
        ),
        Heading(QT_TRANSLATE_NOOP("PvTable", "Inverter"), align_right=False),
        power,
        Heading(QT_TRANSLATE_NOOP("PvTable", "Energy kWh")),
        specific,
        hours,
        Heading(
            QT_TRANSLATE_NOOP("PvTable", "vs. park median"),
            tooltip=QT_TRANSLATE_NOOP(
                "PvTable", "Specific yield over the median specific yield of the inverters with complete data"
            ),
        ),
        pr,
    )


HEADINGS = _basis_headings(  # per rated AC power (pv_yield.BASIS_AC)
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "Rated kW (AC)"),
        tooltip=QT_TRANSLATE_NOOP("PvTable", "The inverter's rated AC power, as configured"),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "kWh/kW (AC)"),
        tooltip=QT_TRANSLATE_NOOP("PvTable", "Specific yield: energy per rated AC kW of the inverter"),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "Full-load h"),
        tooltip=QT_TRANSLATE_NOOP(
            "PvTable", "Equivalent full-load hours: the hours at rated AC power that give the energy"
        ),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "PR (AC)"),
        tooltip=QT_TRANSLATE_NOOP(
            "PvTable",
            "Performance ratio per rated AC kW: kWh/kW over the plane-of-array irradiation in kWh/m²;"
            " the DC/AC ratio times the PR per kWp",
        ),
    ),
)
DC_HEADINGS = _basis_headings(  # per DC peak power (pv_yield.BASIS_DC)
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "kWp"),
        tooltip=QT_TRANSLATE_NOOP("PvTable", "The array's DC peak power, as configured"),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "kWh/kWp"),
        tooltip=QT_TRANSLATE_NOOP("PvTable", "Specific yield: energy per kWp of the array"),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "Full-load h"),
        tooltip=QT_TRANSLATE_NOOP(
            "PvTable", "Equivalent full-load hours: the hours at the array's peak power that give the energy"
        ),
    ),
    Heading(
        QT_TRANSLATE_NOOP("PvTable", "PR"),
        tooltip=QT_TRANSLATE_NOOP(
            "PvTable", "Performance ratio: kWh/kWp over the plane-of-array irradiation in kWh/m²"
        ),
    ),
)


def headings(basis: str) -> tuple[Heading, ...]:
    """The columns for figures on ``basis`` (energymon.accounting.pv_yield.BASIS_DC or BASIS_AC)."""
    return DC_HEADINGS if basis == BASIS_DC else HEADINGS


def _pct(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction * 100:.1f} %"


def _hours(ms: int) -> str:
    return f"{ms / 3_600_000:,.1f}"


def _inverter_cells(row: InverterPerformance) -> list[Cell]:
    colour = background = tooltip = None
    if row.low:
        colour, background = LOW_TEXT, LOW_GROUND
        template = _tr(QT_TRANSLATE_NOOP("PvTable", "%1 of the park median: below %2"))
        tooltip = fill(template, _pct(row.peer_ratio), _pct(LOW_PEER_RATIO))
    elif not row.complete:
        colour = PARTIAL_TEXT
        tooltip = (
            _tr(QT_TRANSLATE_NOOP("PvTable", "No energy data in this period"))
            if row.energy_wh is None
            else fill(
                _tr(QT_TRANSLATE_NOOP("PvTable", "Not ranked: its data covers %1 h of the period, not all of it")),
                _hours(row.covered_ms),
            )
        )
    ratio = _pct(row.peer_ratio)
    if row.low:
        ratio = fill(_tr(QT_TRANSLATE_NOOP("PvTable", "%1 (low)")), ratio)
    texts = [
        "—" if row.rank is None else str(row.rank),
        f"{row.device_id} — {row.name}" if row.name and row.name != row.device_id else row.device_id,
        f"{row.basis_power_kw:,.0f}",
        fmt.kwh(row.energy_wh, 1),
        fmt.number(row.specific_yield_kwh_per_kw, 2),
        fmt.number(row.full_load_hours_h, 2),
        ratio,
        _pct(row.performance_ratio),
    ]
    return [ShadedCell(t, colour, tooltip, background) for t in texts]


def _park_cells(row: ParkRow) -> list[Cell]:
    r = row.result
    title = fill(_tr(QT_TRANSLATE_NOOP("PvTable", "Park (%1 of %2 inverters)")), r.complete_count, len(r.inverters))
    tooltip = _tr(QT_TRANSLATE_NOOP("PvTable", "Over the inverters whose data covers the whole period"))
    texts = [
        "",
        title,
        f"{r.park_basis_power_kw:,.0f}" if r.park_energy_wh is not None else "—",
        fmt.kwh(r.park_energy_wh, 1),
        fmt.number(r.park_specific_yield_kwh_per_kw, 2),
        fmt.number(r.park_full_load_hours_h, 2),
        "",
        _pct(r.park_performance_ratio),
    ]
    return [ShadedCell(t, None, tooltip, PARK_GROUND) for t in texts]


def cells_of(row: InverterPerformance | ParkRow) -> list[Cell]:
    """The cells of a row in the current language."""
    return _park_cells(row) if isinstance(row, ParkRow) else _inverter_cells(row)


def table_rows(result: PvPerformance | None) -> list[InverterPerformance | ParkRow]:
    """The inverters (ranked first, as the result orders them) and the park line."""
    if result is None:
        return []
    return [*result.inverters, ParkRow(result)]


class PvTableModel(TextTableModel):
    """The table's cells in C++ items (ui.text_table), with a background colour per cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HEADINGS, _tr, cells_of, parent)
        self.basis = BASIS_AC

    def show_basis(self, basis: str) -> None:
        """Head the columns for figures on ``basis`` (pv_yield.BASIS_DC or BASIS_AC)."""
        if basis != self.basis:
            self.basis = basis
            self._headings = headings(basis)
            self.retranslate_headings()

    @staticmethod
    def _write(item: QStandardItem, cell: Cell) -> QStandardItem:
        TextTableModel._write(item, cell)
        background = cell.background if isinstance(cell, ShadedCell) else None
        item.setData(None if background is None else QBrush(QColor(background)), Qt.ItemDataRole.BackgroundRole)
        return item
