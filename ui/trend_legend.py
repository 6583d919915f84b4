"""The trends chart's legend, beside the plot (never on it): one row per series, which is also where a series
is chosen for editing and removed.

Each row shows the series' colour (a line or a bar), its name, where it is
drawn (which axis, which plot) or why it is not, and its value at the
cursor. A click on a row makes that series the one the pickers edit
(:attr:`TrendLegend.chosen`); its "✕" removes it (:attr:`TrendLegend.removed`;
the last series cannot be removed). The texts come from the page (context
"TrendsPage"). On a wall display the panel's width and the swatches grow with
the type (:meth:`TrendLegend.set_type_scale`; the texts follow the window's
type by themselves).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate
WIDTH_PX = 290
SWATCH_PX = 16
SELECTED_STYLE = "QFrame#trendRow { background: #e6f0fa; border: 1px solid #90b4d8; border-radius: 4px; }"
PLAIN_STYLE = "QFrame#trendRow { background: transparent; border: 1px solid transparent; border-radius: 4px; }"


@dataclass(frozen=True)
class LegendRow:
    """What a row shows: name, where (or why not) it is drawn, colour, bars or a line."""

    name: str
    place: str
    colour: str
    bars: bool
    warning: bool = False  # ``place`` says why the series is not drawn


def swatch(colour: str, bars: bool, size_px: int = SWATCH_PX) -> QPixmap:
    """A small picture of the series (``size_px`` square): a filled bar or a thick line, in its colour."""
    pixmap = QPixmap(size_px, size_px)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    k = size_px / SWATCH_PX
    if bars:
        painter.fillRect(round(3 * k), round(3 * k), size_px - round(6 * k), size_px - round(3 * k), QColor(colour))
    else:
        painter.fillRect(0, size_px // 2 - round(2 * k), size_px, round(4 * k), QColor(colour))
    painter.end()
    return pixmap


class _Row(QFrame):
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 4, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        self.swatch = QLabel()
        self.swatch.setFixedSize(QSize(SWATCH_PX, SWATCH_PX))
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.place = QLabel()
        self.place.setWordWrap(True)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setStyleSheet("color: #1a202c;")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        grid.addWidget(self.swatch, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(self.remove, 0, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.place, 1, 1, 1, 2)
        grid.addWidget(self.value, 2, 1, 1, 2)
        grid.setColumnStretch(1, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.clicked.emit()
        super().mousePressEvent(event)


class TrendLegend(QScrollArea):
    """The legend panel: rows set by :meth:`set_rows`, values at the cursor by :meth:`set_values`."""

    chosen = Signal(int)  # a row was clicked: edit that series
    removed = Signal(int)  # a row's ✕ was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFixedWidth(WIDTH_PX)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._column = QVBoxLayout(inner)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(2)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600;")
        self._column.addWidget(self.heading)
        self._column.addStretch(1)
        self.setWidget(inner)
        self.rows: list[_Row] = []
        self.shown: list[LegendRow] = []
        self.selected = 0
        self.type_scale = 1.0

    def set_type_scale(self, factor: float) -> None:
        """The panel's width and the swatches ``factor`` times as designed (a wall display's type)."""
        if factor == self.type_scale:
            return
        self.type_scale = factor
        self.setFixedWidth(round(WIDTH_PX * factor))
        self._paint_swatches()

    def _paint_swatches(self) -> None:
        size_px = round(SWATCH_PX * self.type_scale)
        for row, shown in zip(self.rows, self.shown):
            row.swatch.setFixedSize(QSize(size_px, size_px))
            row.swatch.setPixmap(swatch(shown.colour, shown.bars, size_px))

    def set_rows(self, rows: list[LegendRow], selected: int) -> None:
        """One row per series (in the chart's order); ``selected`` is the one the pickers edit."""
        while len(self.rows) > len(rows):
            self.rows.pop().deleteLater()
        while len(self.rows) < len(rows):
            row = _Row()
            index = len(self.rows)
            row.clicked.connect(lambda i=index: self.chosen.emit(i))
            row.remove.clicked.connect(lambda _checked=False, i=index: self.removed.emit(i))
            self._column.insertWidget(self._column.count() - 1, row)
            self.rows.append(row)
        self.shown = list(rows)
        self._paint_swatches()
        for row, shown in zip(self.rows, rows):
            row.name.setText(shown.name)
            row.place.setText(shown.place)
            row.place.setStyleSheet("color: #b7791f;" if shown.warning else "color: #4a5568;")
            row.remove.setEnabled(len(rows) > 1)
            row.remove.setToolTip(translate("TrendsPage", "Remove this series from the chart"))
            row.setToolTip(translate("TrendsPage", "Click to change this series with the pickers above"))
        self.set_selected(selected)

    def set_selected(self, index: int) -> None:
        self.selected = index
        for i, row in enumerate(self.rows):
            row.setStyleSheet(SELECTED_STYLE if i == index else PLAIN_STYLE)

    def set_values(self, values: list[str]) -> None:
        """Each series' value at the cursor ("" hides the line)."""
        for row, value in zip(self.rows, values + [""] * (len(self.rows) - len(values))):
            row.value.setText(value)
            row.value.setVisible(bool(value))

    def texts(self) -> list[tuple[str, str, str]]:
        """(name, place, value at the cursor) of each row, as shown."""
        return [(r.name.text(), r.place.text(), r.value.text()) for r in self.rows]
