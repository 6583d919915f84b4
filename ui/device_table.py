"""Table model of the devices and their latest readings; columns come from a descriptor table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor

from drivers.quantities import Role
from energymon.live import Reading, is_fresh
from energymon.site import DeviceInfo
from ui import format as fmt

KEY_QUANTITY = {Role.PV: "yield_wh", Role.STORAGE: "soc_pct", Role.LOAD: "consumed_wh", Role.GRID: "imported_wh"}


@dataclass(frozen=True)
class Row:
    device: DeviceInfo
    reading: Reading | None
    fresh: bool
    tz: object


def _status(row: Row) -> str:
    if row.reading is None:
        return "waiting"
    if not row.reading.ok:
        return "offline"
    return row.reading.state if row.fresh else "stale"  # online or degraded (answered, not completely)


def _key_value(row: Row) -> str:
    if not row.fresh:
        return "—"
    quantity = KEY_QUANTITY[row.device.role]
    value = row.reading.values.get(quantity)
    if quantity == "soc_pct":
        return f"SoC {fmt.pct(value)} %"
    return f"{fmt.kwh(value, 0)} kWh ({quantity.removesuffix('_wh')})"


def _updated(row: Row) -> str:
    if row.reading is None:
        return "—"
    return datetime.fromtimestamp(row.reading.ts_ms / 1000, row.tz).strftime("%H:%M:%S")


def _problems(row: Row) -> str:
    """Why the last poll failed (offline) or was incomplete (degraded)."""
    if row.reading is None:
        return ""
    return "; ".join(row.reading.problems) or row.reading.error or ""


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Row], str]
    align_right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Device"), lambda r: r.device.id),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Name"), lambda r: r.device.name),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Role"), lambda r: r.device.role.value),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Status"), _status),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Power kW"), lambda r: fmt.kw(r.reading.values.get("power_w")) if r.fresh else "—", True),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Key value"), _key_value, True),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Updated"), _updated),
    Column(QT_TRANSLATE_NOOP("DeviceTableModel", "Error"), _problems),
)

STATUS_COLOURS = {"online": "#2f855a", "degraded": "#c05621", "offline": "#c53030", "stale": "#b7791f",
                  "waiting": "#718096"}


class DeviceTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, devices: tuple[DeviceInfo, ...], readings: dict[str, Reading], now_ms: int, tz) -> None:
        rows = [Row(d, readings.get(d.id), is_fresh(readings.get(d.id), now_ms), tz) for d in devices]
        if len(rows) != len(self._rows) or [r.device.id for r in rows] != [r.device.id for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        self._rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        row, column = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return column.text(row)
        if role == Qt.TextAlignmentRole:
            return int((Qt.AlignRight if column.align_right else Qt.AlignLeft) | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and column.text is _status:
            return QColor(STATUS_COLOURS[_status(row)])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("DeviceTableModel", COLUMNS[section].title)
        return None
