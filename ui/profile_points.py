"""The register inspector's profile side: the blocks a device's profile polls, and each block's points decoded
as the collector decodes them, next to the raw words.

:func:`block_text` names a block for the inspector's block list; :func:`point_rows`
decodes a read that covers a block with the profile's own rule
(:func:`drivers.profile.decode_point`: dtype, word order, sentinels, scale,
scale-factor register), so what a commissioning engineer sees here is what the
collector will store. A read that does not cover the block leaves every value
empty ("—"), never 0. Values are in the stored base units, shown in display
units (ui.quantity_table.display_value); the scale column is the profile's
multiplier from the raw register to the base unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QComboBox

from drivers.probe import ProbeResult
from drivers.profile import Block, Point, Profile, decode_point
from ui.device_table import Column
from ui.format import fill
from ui.i18n import QT_TRANSLATE_NOOP
from ui.quantity_labels import QUANTITY_TEXT
from ui.quantity_table import display_value
from ui.text_table import Cell, TextTableModel

TABLE_TEXT = {
    "holding": QT_TRANSLATE_NOOP("ProfilePointModel", "holding registers"),
    "input": QT_TRANSLATE_NOOP("ProfilePointModel", "input registers"),
    "coils": QT_TRANSLATE_NOOP("ProfilePointModel", "coils"),
    "discrete": QT_TRANSLATE_NOOP("ProfilePointModel", "discrete inputs"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ProfilePointModel", text)


def block_text(index: int, block: Block) -> str:
    """ "Block 2: input registers 30775-30814 (40), 6 points" in the current language."""
    return fill(
        _tr(QT_TRANSLATE_NOOP("ProfilePointModel", "Block %1: %2 %3-%4 (%5), %6 points")),
        index + 1,
        _tr(TABLE_TEXT.get(block.table, block.table)),
        block.address,
        block.address + block.count - 1,
        block.count,
        len(block.points),
    )


@dataclass(frozen=True)
class PointRow:
    point: Point
    value: float | None  # in the quantity's base unit; None: not read, or the register says "no value"


def block_words(block: Block, result: ProbeResult | Exception | None) -> list[int] | None:
    """The block's words from a successful register read that covers all of it, else None."""
    if (
        not isinstance(result, ProbeResult)
        or not result.ok
        or result.request.is_bits
        or result.request.table != block.table
    ):
        return None
    words = [w for row in result.rows for w in row.words]
    start = block.address - result.request.address
    if start < 0 or start + block.count > len(words):
        return None
    return words[start : start + block.count]


def point_rows(block: Block, result: ProbeResult | Exception | None) -> list[PointRow]:
    """Every point of ``block`` in address order, decoded from ``result`` when it covers the block."""
    words = block_words(block, result)
    points = sorted(block.points, key=lambda p: (p.address, p.quantity))
    return [PointRow(p, None if words is None else decode_point(p, block, words)) for p in points]


def _quantity(row: PointRow) -> str:
    name = row.point.quantity
    text = _tr_quantity(QUANTITY_TEXT[name]) if name in QUANTITY_TEXT else name
    return fill(_tr(QT_TRANSLATE_NOOP("ProfilePointModel", "%1 (part)")), text) if row.point.part else text


def _tr_quantity(text: str) -> str:
    return QCoreApplication.translate("QuantityTableModel", text)


def _registers(row: PointRow) -> str:
    point = row.point
    last = point.address + point.dtype.registers - 1
    return str(point.address) if last == point.address else f"{point.address}-{last}"


ORDER_TEXT = {
    "big": QT_TRANSLATE_NOOP("ProfilePointModel", "%1, high word first"),
    "little": QT_TRANSLATE_NOOP("ProfilePointModel", "%1, low word first"),
}


def _dtype(row: PointRow) -> str:
    point = row.point
    if point.dtype.registers == 1 or point.word_order not in ORDER_TEXT:
        return point.dtype.name
    return fill(_tr(ORDER_TEXT[point.word_order]), point.dtype.name)


def _scale(row: PointRow) -> str:
    point = row.point
    text = f"{point.scale:g}"
    if point.scale_factor is not None:
        text = fill(_tr(QT_TRANSLATE_NOOP("ProfilePointModel", "%1 × 10^SF (SF at %2)")), text, point.scale_factor)
    return text


POINT_COLUMNS: tuple[Column[PointRow], ...] = (
    Column(QT_TRANSLATE_NOOP("ProfilePointModel", "Quantity"), _quantity),
    Column(QT_TRANSLATE_NOOP("ProfilePointModel", "Registers"), _registers, True),
    Column(QT_TRANSLATE_NOOP("ProfilePointModel", "Type"), _dtype),
    Column(
        QT_TRANSLATE_NOOP("ProfilePointModel", "Scale"),
        _scale,
        True,
        QT_TRANSLATE_NOOP("ProfilePointModel", "The profile's multiplier from the raw register to the base unit"),
    ),
    Column(
        QT_TRANSLATE_NOOP("ProfilePointModel", "Profile value"),
        lambda r: display_value(r.point.quantity, r.value)[0],
        True,
        QT_TRANSLATE_NOOP("ProfilePointModel", "The words read, decoded as the collector decodes them"),
    ),
    Column(QT_TRANSLATE_NOOP("ProfilePointModel", "Unit"), lambda r: display_value(r.point.quantity, r.value)[1]),
    Column(QT_TRANSLATE_NOOP("ProfilePointModel", "Name"), lambda r: r.point.quantity),
)


def _cells(row: PointRow) -> list[Cell]:
    return [Cell(column.text(row)) for column in POINT_COLUMNS]


class ProfilePointModel(TextTableModel):
    """The points of one profile block and their values decoded from the inspector's last read."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(POINT_COLUMNS, _tr, _cells, parent)
        self.block: Block | None = None

    def show_block(self, block: Block | None, result: ProbeResult | Exception | None) -> None:
        self.block = block
        self.show_rows([] if block is None else point_rows(block, result))

    def values(self) -> dict[str, float | None]:
        """The shown values by quantity (the first point of each; for tests and the status line)."""
        out: dict[str, float | None] = {}
        for row in self._rows:
            out.setdefault(row.point.quantity, row.value)
        return out


class BlockPicker(QComboBox):
    """The blocks the selected device's profile polls; choosing one emits it (None: the device has no profile)."""

    block_chosen = Signal(object)  # Block | None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__()
        self.profile: Profile | None = None
        self.currentIndexChanged.connect(lambda _i: self.block_chosen.emit(self.block()))

    def set_profile(self, profile: Profile | None) -> None:
        """List ``profile``'s blocks and choose the first (emitted even when the index stays 0)."""
        self.profile = profile
        self.blockSignals(True)
        self.clear()
        for index, block in enumerate(profile.blocks if profile is not None else ()):
            self.addItem(block_text(index, block), index)
        self.setCurrentIndex(0 if self.count() else -1)  # a placeholder text would leave it at -1
        self.blockSignals(False)
        self.setEnabled(self.count() > 0)
        self.retranslate()
        self.block_chosen.emit(self.block())

    def block(self) -> Block | None:
        index = self.currentData()
        return None if self.profile is None or index is None else self.profile.blocks[index]

    def retranslate(self) -> None:
        if self.profile is None:
            none = QT_TRANSLATE_NOOP("ProfilePointModel", "No register map known for this device")
            self.setPlaceholderText(_tr(none))
        for i in range(self.count()):
            self.setItemText(i, block_text(i, self.profile.blocks[i]) if self.profile is not None else "")
