"""The quantity table of the devices page: every quantity of one device's latest reading, with unit.

:class:`QuantityTableModel` adapts one device's values (a missing one, or no
fresh reading, is "—"); stored values stay in base units and are shown in
display units (:data:`DISPLAY_UNITS`). Its columns come from a descriptor
table, as the device table's (ui.device_table.Column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject

from drivers.quantities import QUANTITIES
from ui import format as fmt
from ui.device_table import Column
from ui.i18n import QT_TRANSLATE_NOOP
from ui.quantity_labels import KIND_TEXT, QUANTITY_TEXT
from ui.text_table import Cell, TextTableModel

# Base unit -> (display unit, divisor, decimals). Stored values stay in base units.
DISPLAY_UNITS = {
    "W": ("kW", 1000, 2),
    "var": ("kvar", 1000, 2),
    "Wh": ("kWh", 1000, 1),
    "V": ("V", 1, 1),
    "A": ("A", 1, 1),
    "Hz": ("Hz", 1, 2),
    "%": ("%", 1, 1),
    "degC": ("°C", 1, 1),
    "W/m2": ("W/m²", 1, 1),
}


def display_value(quantity: str, value: float | None) -> tuple[str, str]:
    """(value text, unit text) of a quantity in display units; a missing value is '—'."""
    unit = QUANTITIES[quantity].unit if quantity in QUANTITIES else ""
    if quantity == "power_factor":
        shown, divisor, decimals = "", 1, 3
    elif quantity == "status_code":
        shown, divisor, decimals = "", 1, 0
    else:
        shown, divisor, decimals = DISPLAY_UNITS.get(unit, (unit, 1, 2))
    return fmt.number(None if value is None else value / divisor, decimals), shown


@dataclass(frozen=True)
class QuantityRow:
    quantity: str
    value: float | None


def _q_tr(text: str) -> str:
    return QCoreApplication.translate("QuantityTableModel", text)


QUANTITY_COLUMNS: tuple[Column[QuantityRow], ...] = (
    Column(
        QT_TRANSLATE_NOOP("QuantityTableModel", "Quantity"),
        lambda r: _q_tr(QUANTITY_TEXT[r.quantity]) if r.quantity in QUANTITY_TEXT else r.quantity,
    ),
    Column(QT_TRANSLATE_NOOP("QuantityTableModel", "Value"), lambda r: display_value(r.quantity, r.value)[0], True),
    Column(QT_TRANSLATE_NOOP("QuantityTableModel", "Unit"), lambda r: display_value(r.quantity, r.value)[1]),
    Column(
        QT_TRANSLATE_NOOP("QuantityTableModel", "Kind"),
        lambda r: _q_tr(KIND_TEXT[QUANTITIES[r.quantity].kind]) if r.quantity in QUANTITIES else "",
    ),
    Column(QT_TRANSLATE_NOOP("QuantityTableModel", "Name"), lambda r: r.quantity),
)


def _quantity_cells(row: QuantityRow) -> list[Cell]:
    return [Cell(column.text(row)) for column in QUANTITY_COLUMNS]


class QuantityTableModel(TextTableModel):
    """The latest value of every quantity of one device; a missing value (or no fresh reading) is '—'."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(QUANTITY_COLUMNS, _q_tr, _quantity_cells, parent)

    def set_values(self, quantities: list[str], values: Mapping[str, float | None]) -> bool:
        """``quantities``: what the device maps, in order; ``values``: its fresh reading's values (or empty).

        Returns whether the rows are other quantities than before.
        """
        order = {name: i for i, name in enumerate(QUANTITIES)}  # the vocabulary's order: power first
        names = sorted(set(quantities) | set(values), key=lambda q: (order.get(q, len(order)), q))
        replaced = names != [r.quantity for r in self._rows]
        self.show_rows([QuantityRow(q, values.get(q)) for q in names])
        return replaced
