"""A read-only table of texts that Qt paints without calling Python.

A table model written in Python is asked for a dozen roles per cell and
repaint, each a call from C++ into Python that must take the GIL first. With the
collector, the store writer and the database reader busy in other threads, each
of those calls may wait for the GIL, so painting such a table slows down with
every busy Python thread; cells held in C++ (a QStandardItemModel) paint
without the GIL.

:class:`TextTableModel` therefore keeps the cells in C++ items. Python computes
a table's texts when its data change (:meth:`show_rows`) and only cells whose
content changed are written, each emitting its own ``dataChanged``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

_FLAGS = (  # read-only, like a table model's
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Cell:
    """What one cell shows: its text, and optionally a text colour (``#rrggbb``) and a tooltip."""

    text: str
    colour: str | None = None
    tooltip: str | None = None


class Heading(Protocol):
    """A column's title and tooltip (untranslated source texts; an empty tooltip: none) and its alignment."""

    @property
    def title(self) -> str: ...

    @property
    def align_right(self) -> bool: ...

    @property
    def tooltip(self) -> str: ...


class TextTableModel(QStandardItemModel):
    """One row of :class:`Cell` per row object: ``cells_of(row)`` computes them (one per heading), in the
    current language; ``translate`` turns a heading's source text into the current language."""

    def __init__(
        self,
        headings: Sequence[Heading],
        translate: Callable[[str], str],
        cells_of: Callable[[Any], list[Cell]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(0, len(headings), parent)
        self._headings = tuple(headings)
        self._translate = translate
        self._cells_of = cells_of
        self._rows: list = []
        self._cells: list[list[Cell]] = []
        self.retranslate_headings()

    def show_rows(self, rows: list) -> None:
        """Show ``rows``: their changed cells are rewritten, rows added or removed at the end."""
        self._rows = rows
        self._set_cells([self._cells_of(row) for row in rows])

    def retranslated(self) -> None:
        """Headings and cells are language-dependent: recompute them after a language switch."""
        self.retranslate_headings()
        self.show_rows(self._rows)

    def retranslate_headings(self) -> None:
        for c, heading in enumerate(self._headings):
            item = QStandardItem(self._translate(heading.title))
            if heading.tooltip:
                item.setToolTip(self._translate(heading.tooltip))
            self.setHorizontalHeaderItem(c, item)

    def _set_cells(self, cells: list[list[Cell]]) -> None:
        """Show ``cells`` (one list per row, one Cell per column).

        Changed cells are rewritten, rows added or removed.
        """
        if len(cells) < len(self._cells):
            self.removeRows(len(cells), len(self._cells) - len(cells))
            del self._cells[len(cells) :]
        for r, (before, after) in enumerate(zip(self._cells, cells)):
            for c, (old, new) in enumerate(zip(before, after)):
                if old != new:
                    self._write(self.item(r, c), new)
            self._cells[r] = after
        for row in cells[len(self._cells) :]:
            self.appendRow([self._write(self._new_item(c), cell) for c, cell in enumerate(row)])
            self._cells.append(row)

    def _new_item(self, column: int) -> QStandardItem:
        item = QStandardItem()
        item.setFlags(_FLAGS)
        item.setTextAlignment(_RIGHT if self._headings[column].align_right else _LEFT)
        return item

    @staticmethod
    def _write(item: QStandardItem, cell: Cell) -> QStandardItem:
        item.setText(cell.text)
        item.setData(None if cell.colour is None else QBrush(QColor(cell.colour)), Qt.ItemDataRole.ForegroundRole)
        item.setData(cell.tooltip or None, Qt.ItemDataRole.ToolTipRole)
        return item
