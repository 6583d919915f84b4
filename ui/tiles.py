"""Large value tiles, readable from across a control room.

A tile is a title, a big number with its unit (the unit smaller, the number
shrinking only when the tile is too narrow for it, never clipped), one or
two detail lines saying what the number is, and a line saying how old the
data is (:meth:`Tile.set_age`). A sum over some of its devices carries a
badge ("7 of 8", :meth:`Tile.set_badge`) beside the number; a value that is
no longer live is greyed with its age line saying since when (``stale``).

On a wall display (ui.wall_display) :meth:`Tile.set_type_scale` multiplies
every font size in points of the tile (title 12, number 26, unit 14, detail
10, badge 9.5, age 9) by the factor, and the fixed heights with them: they
are computed from the fonts' line spacing, so no text is clipped at any
factor; 1.0 is the designed tile.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.data_age import AGE_COLOUR, STALE_COLOUR
from ui.elided_label import ElidedLabel
from ui.wall_display import OWN_TYPE

VALUE_PT = 26.0
UNIT_PT = 14.0
SMALLEST_VALUE_PT = 14.0
TITLE_PT, DETAIL_PT, BADGE_PT, AGE_PT = 12.0, 10.0, 9.5, 9.0
MARGINS_PX = (14, 8, 10, 8)  # left, top, right, bottom at scale 1
VALUE_COLOUR = "#1a202c"
STALE_VALUE_COLOUR = "#a0aec0"  # a value no longer live, greyed (as the flow diagram's missing nodes)
BADGE_STYLE = (
    "color: #7b341e; background: #feebc8; border: 1px solid #f6ad55; border-radius: 8px;"
    " padding: 0px 6px; font-size: {pt:g}pt; font-weight: 600;"
)


def scaled_pt(point_size: float, factor: float) -> float:
    """``point_size`` [pt] times ``factor``, to half points (as ui.wall_display.scaled_style)."""
    return round(point_size * factor * 2) / 2


def _font(point_size: float, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont()
    font.setPointSizeF(point_size)
    font.setWeight(weight)
    return font


class ValueDisplay(QWidget):
    """The big number and its unit, painted; both shrink together to fit the width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = "—"
        self.unit = ""
        self.colour = QColor(VALUE_COLOUR)
        self.type_scale = 1.0
        self.value_pt, self.smallest_pt = VALUE_PT, SMALLEST_VALUE_PT
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.set_type_scale(1.0)

    def set_type_scale(self, factor: float) -> None:
        """Number and unit ``factor`` times their designed size, the height with them."""
        self.type_scale = factor
        self.value_pt, self.smallest_pt = scaled_pt(VALUE_PT, factor), scaled_pt(SMALLEST_VALUE_PT, factor)
        self.setFixedHeight(int(QFontMetricsF(self._fonts(self.value_pt)[0]).height()) + 4)
        self.updateGeometry()
        self.update()

    @staticmethod
    def _fonts(value_pt: float) -> tuple[QFont, QFont]:
        big = QFont()
        big.setPointSizeF(value_pt)
        big.setWeight(QFont.Weight.DemiBold)
        small = QFont()
        small.setPointSizeF(value_pt * UNIT_PT / VALUE_PT)
        return big, small

    def set_text(self, number: str, unit: str) -> None:
        if (number, unit) != (self.number, self.unit):
            self.number, self.unit = number, unit
            self.update()

    def set_colour(self, colour: str) -> None:
        if QColor(colour) != self.colour:
            self.colour = QColor(colour)
            self.update()

    @property
    def text(self) -> str:
        return self.number if self.number == "—" or not self.unit else f"{self.number} {self.unit}"

    def fitted_fonts(self) -> tuple[QFont, QFont, float, float]:
        """Fonts that fit the width (largest first), and the widths of number and unit in them."""
        size = self.value_pt
        while True:
            big, small = self._fonts(size)
            number_w = QFontMetricsF(big).horizontalAdvance(self.number)
            unit_w = QFontMetricsF(small).horizontalAdvance(" " + self.unit) if self.number != "—" else 0.0
            if number_w + unit_w <= self.width() or size <= self.smallest_pt:
                return big, small, number_w, unit_w
            size -= 1

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        big, small = self._fonts(self.value_pt)
        width = QFontMetricsF(big).horizontalAdvance(self.number) + QFontMetricsF(small).horizontalAdvance(
            " " + self.unit
        )
        return QSize(int(width) + 2, self.height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        big, small, number_w, unit_w = self.fitted_fonts()
        baseline = self.height() - QFontMetricsF(self._fonts(self.value_pt)[0]).descent() - 2
        painter.setPen(self.colour)
        painter.setFont(big)
        painter.drawText(QPointF(0, baseline), self.number)
        if unit_w:
            painter.setFont(small)
            painter.setPen(QColor("#4a5568"))
            painter.drawText(QPointF(number_w, baseline), " " + self.unit)
        painter.end()


class Tile(QFrame):
    """Title (with a badge for a partial sum), big value with unit, a detail line, the data's age."""

    def __init__(self, title: str, unit: str, accent: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.accent = accent
        self.stale = False
        self.type_scale = 1.0
        self._style(accent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title_label = QLabel(title)
        # Room for two lines in every tile, so a long title (or translation) wraps instead of being clipped
        # and the big numbers of a row stay on one line.
        self.title_label.setWordWrap(True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.value_label = ValueDisplay()
        self.unit = unit
        self.detail_label = QLabel("")
        self.detail_label.setWordWrap(True)
        self.detail_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.badge_label = QLabel("")
        self.badge_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge_label.hide()
        self.age_label = ElidedLabel("")
        for label in (self.title_label, self.detail_label, self.badge_label, self.age_label):
            label.setProperty(OWN_TYPE, True)  # set_type_scale sizes them, not the wall display's style rule
        value_row = QHBoxLayout()  # the badge beside the number: the title keeps the tile's whole width
        value_row.setContentsMargins(0, 0, 0, 0)
        value_row.setSpacing(6)
        value_row.addWidget(self.value_label, 1)
        value_row.addWidget(self.badge_label, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.title_label)
        self._layout.addLayout(value_row)
        self._layout.addWidget(self.detail_label)
        self._layout.addStretch(1)
        self._layout.addWidget(self.age_label)
        self.set_type_scale(1.0)

    def set_type_scale(self, factor: float) -> None:
        """Every font of the tile ``factor`` times its designed size [pt]; heights and margins with them."""
        self.type_scale = factor
        title_pt, detail_pt = scaled_pt(TITLE_PT, factor), scaled_pt(DETAIL_PT, factor)
        self.title_label.setStyleSheet(f"color: #4a5568; font-size: {title_pt:g}pt; font-weight: 600;")
        title_font = _font(title_pt, QFont.Weight.DemiBold)
        self.title_label.setFixedHeight(int(2 * QFontMetricsF(title_font).lineSpacing()) + 2)
        self.detail_label.setStyleSheet(f"color: #4a5568; font-size: {detail_pt:g}pt;")
        # Two detail lines always fit, so tiles do not jump in height as texts change.
        self.detail_label.setMinimumHeight(int(2.2 * QFontMetricsF(_font(detail_pt)).lineSpacing()))
        self.badge_label.setStyleSheet(BADGE_STYLE.format(pt=scaled_pt(BADGE_PT, factor)))
        self._style_age()
        age_spacing = QFontMetricsF(_font(scaled_pt(AGE_PT, factor))).lineSpacing()
        self.age_label.setFixedHeight(int(age_spacing * 10 / 9) + 2)  # with room for a descender
        self.value_label.set_type_scale(factor)
        left, top, right, bottom = (round(m * factor) for m in MARGINS_PX)
        self._layout.setContentsMargins(left, top, right, bottom)

    def _style_age(self) -> None:
        colour = STALE_COLOUR if self.stale else AGE_COLOUR
        # not bold: the line must fit
        self.age_label.setStyleSheet(f"color: {colour}; font-size: {scaled_pt(AGE_PT, self.type_scale):g}pt;")

    def _style(self, accent: str) -> None:
        self.setStyleSheet(
            f"#tile {{ background: #ffffff; border: 1px solid #d5dbe3; border-left: 6px solid {accent};"
            " border-radius: 6px; } QLabel { background: transparent; }"
        )

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)
        self.title_label.setToolTip(title)

    def set_badge(self, text: str, tooltip: str = "") -> None:
        """A badge beside the number, e.g. "7 of 8" for a sum over some of its devices; "" hides it."""
        self.badge_label.setText(text)
        self.badge_label.setToolTip(tooltip)
        self.badge_label.setVisible(bool(text))

    def set_age(self, text: str, stale: bool = False) -> None:
        """The data's age ("as of 13:05:10, 2 s ago"); ``stale``: the value is not live, the tile is greyed."""
        self.age_label.setText(text)
        if stale != self.stale:
            self.stale = stale
            self._style_age()
            self.value_label.set_colour(STALE_VALUE_COLOUR if stale else VALUE_COLOUR)
            self._style(STALE_VALUE_COLOUR if stale else self.accent)

    @property
    def badge_text(self) -> str:
        return self.badge_label.text() if self.badge_label.isVisibleTo(self) else ""

    @property
    def age_text(self) -> str:
        return self.age_label.text()

    def set_value(self, text: str, detail: str = "", tooltip: str = "", unit: str | None = None) -> None:
        """Show ``text`` (a formatted number, or "—" for none) with the tile's unit (or ``unit``)."""
        self.value_label.set_text(text, self.unit if unit is None else unit)
        self.detail_label.setText(detail)
        self.setToolTip(tooltip)

    @property
    def value_text(self) -> str:
        """The value as shown, with its unit (e.g. "812.4 kW"), or "—"."""
        return self.value_label.text
