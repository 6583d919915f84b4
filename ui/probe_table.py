"""The register inspector's result table: one row per value read, raw words and decoded value side by side.

Rows are :class:`drivers.probe.ProbeRow` (one per dtype step, one per bit for
coils and discrete inputs). A value the dtype marks as not implemented, not
a number, or cut off by the end of the read carries a note, shown in colour.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from drivers.dtypes import DTYPES
from drivers.probe import ProbeResult, ProbeRow
from ui.i18n import QT_TRANSLATE_NOOP


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProbeResultModel", text)


NOTE_TEXT = {
    "sentinel": QT_TRANSLATE_NOOP("ProbeResultModel", "not implemented (the dtype's sentinel value)"),
    "nan": QT_TRANSLATE_NOOP("ProbeResultModel", "not a number (NaN or infinite)"),
    "incomplete": QT_TRANSLATE_NOOP("ProbeResultModel", "incomplete: the read ends inside this value"),
}


def value_text(row: ProbeRow, dtype: str, bits: bool) -> str:
    """The decoded value: on/off for a bit, the float to its dtype's precision, "—" for none."""
    if bits:
        return _tr(
            QT_TRANSLATE_NOOP("ProbeResultModel", "on") if row.value else QT_TRANSLATE_NOOP("ProbeResultModel", "off")
        )
    if row.value is None:
        return "—"
    if isinstance(row.value, float):
        return f"{row.value:.15g}" if DTYPES[dtype].registers == 4 else f"{row.value:.7g}"
    return str(row.value)


RESULT_COLUMNS: tuple[tuple[str, Callable[[ProbeRow, str, bool], str], bool], ...] = (
    (QT_TRANSLATE_NOOP("ProbeResultModel", "Address"), lambda r, d, b: str(r.address), True),
    (QT_TRANSLATE_NOOP("ProbeResultModel", "Hex address"), lambda r, d, b: f"0x{r.address:04X}", True),
    (QT_TRANSLATE_NOOP("ProbeResultModel", "Raw"), lambda r, d, b: str(r.words[0]) if b else r.raw_hex, False),
    (QT_TRANSLATE_NOOP("ProbeResultModel", "Decoded"), value_text, True),
    (QT_TRANSLATE_NOOP("ProbeResultModel", "As text"), lambda r, d, b: "" if b else r.text, False),
    (QT_TRANSLATE_NOOP("ProbeResultModel", "Note"), lambda r, d, b: _tr(NOTE_TEXT[r.note]) if r.note else "", False),
)


class ProbeResultModel(QAbstractTableModel):
    """One row per dtype step (per bit for coils and discrete inputs) of the last successful read."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: ProbeResult | None = None
        self._rows: tuple[ProbeRow, ...] = ()

    def set_result(self, result: ProbeResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self._rows = result.rows if result is not None else ()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RESULT_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        result = self.result
        if (
            result is None
            or not index.isValid()
            or not 0 <= index.row() < len(self._rows)
            or not 0 <= index.column() < len(RESULT_COLUMNS)
        ):
            return None
        row = self._rows[index.row()]
        _title, text, right = RESULT_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text(row, result.request.dtype, result.request.is_bits)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.note:
            return QColor("#c05621")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(RESULT_COLUMNS)
        ):
            return _tr(RESULT_COLUMNS[section][0])
        return None
