"""The live energy-flow diagram of the overview: PV, storage, grid and loads around a central bus.

:func:`flow_arrows` decides which arrows to draw (pure, tested without Qt
painting); :class:`FlowDiagram` paints them with QPainter. Each node's power
has the sign of the site's conventions (energymon.views.live): PV ``+`` generation,
storage ``+`` discharge / ``-`` charge, grid ``+`` import / ``-`` export, and
loads ``+`` consumption. An arrow points from where the power comes from to
where it goes; its width grows with the square root of the power, relative to
the largest flow shown. A flow of about zero gets no arrow; a missing value
gets no arrow and a greyed node showing "—", never an old or invented number.
A node whose value is a sum over some of its devices (one inverter of eight
offline) shows that sum with a flag in its title line ("7 of 8"; the loads'
balance "partial"), drawn in amber: it is greyed only when none reports.

On a wall display (ui.wall_display) :meth:`FlowDiagram.set_type_scale`
multiplies its fonts [pt], node sizes, arrow widths (still relative to the
largest flow), caption height and minimum size by the factor; 1.0 is as designed.

Painting only: the diagram is given values (:meth:`FlowDiagram.set_values`)
and never reads a device or the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.format import fill

BUS = "bus"
NODES = ("pv", "storage", "grid", "loads")
# +1: positive power flows from the node into the bus; -1: from the bus into the node.
INTO_BUS = {"pv": +1, "storage": +1, "grid": +1, "loads": -1}
COLOURS = {"pv": "#dd8a00", "storage": "#2f855a", "grid": "#718096", "loads": "#2b6cb0"}
FLAG_TEXT, FLAG_FILL, FLAG_BORDER = "#7b341e", "#feebc8", "#f6ad55"  # as the tiles' "7 of 8" badge
ZERO_W = 50.0  # |power| below this is "about zero": shown as 0.0 kW, no arrow
MIN_WIDTH_PX = 3.0
MAX_WIDTH_PX = 18.0
MIN_SIZE_PX = (380, 340)  # at type scale 1
HINT_SIZE_PX = (520, 480)
CAPTION_PX = 28.0  # the caption's band at the bottom, at type scale 1


@dataclass(frozen=True)
class Arrow:
    """One drawn flow: from ``source`` to ``target`` (a node name or ``"bus"``), ``power_w`` >= 0 [W]."""

    node: str  # the node the flow belongs to
    source: str
    target: str
    power_w: float
    width_px: float


def flow_arrows(
    pv_w: float | None,
    storage_w: float | None,
    grid_w: float | None,
    consumption_w: float | None,
    *,
    zero_w: float = ZERO_W,
    min_width_px: float = MIN_WIDTH_PX,
    max_width_px: float = MAX_WIDTH_PX,
) -> list[Arrow]:
    """The arrows of the diagram, in node order (pv, storage, grid, loads).

    Parameters
    ----------
    pv_w, storage_w, grid_w, consumption_w : float or None
        Site power [W] with the signs of energymon.views.live (storage + discharge,
        grid + import, consumption >= 0 normally). ``None``: missing, no arrow.
    zero_w : float
        Flows with ``|power| < zero_w`` [W] get no arrow.
    min_width_px, max_width_px : float
        Pen width [px] of the smallest and of the largest flow; in between
        ``min + (max - min) * sqrt(|p| / largest)``.
    """
    values = dict(zip(NODES, (pv_w, storage_w, grid_w, consumption_w)))
    shown = {n: v for n, v in values.items() if v is not None and math.isfinite(v) and abs(v) >= zero_w}
    if not shown:
        return []
    largest = max(abs(v) for v in shown.values())
    arrows = []
    for node, value in shown.items():
        inward = value * INTO_BUS[node] > 0
        width = min_width_px + (max_width_px - min_width_px) * math.sqrt(abs(value) / largest)
        arrows.append(Arrow(node, node if inward else BUS, BUS if inward else node, abs(value), width))
    return arrows


def format_power(power_w: float | None) -> str:
    """``|power|`` for display: kW below 1 MW (one decimal), MW above (two decimals); "—" if missing."""
    if power_w is None or not math.isfinite(power_w):
        return "—"
    magnitude = abs(power_w)
    if magnitude >= 999_950:
        return f"{magnitude / 1e6:,.2f} MW"
    return f"{magnitude / 1000:,.1f} kW"


class FlowDiagram(QWidget):
    """Nodes PV (top), grid (left), loads (right), storage (bottom) around a bus, with live arrows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.type_scale = 1.0
        self.setMinimumSize(*MIN_SIZE_PX)
        self.values: dict[str, float | None] = dict.fromkeys(NODES)
        self.soc_pct: float | None = None
        self.present = dict.fromkeys(NODES, True)  # a site without storage shows no storage node
        self.flags: dict[str, str] = {}  # node -> the mark of a partial sum, drawn beside its name
        self.arrows: list[Arrow] = []
        self.names: dict[str, str] = {}
        self.states: dict[str, str] = {}
        self.caption = ""
        self.retranslate()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(*(round(px * self.type_scale) for px in HINT_SIZE_PX))

    def set_type_scale(self, factor: float) -> None:
        """Fonts, nodes, caption and minimum size ``factor`` times as designed (a wall display's type)."""
        if factor == self.type_scale:
            return
        self.type_scale = factor
        self.setMinimumSize(*(round(px * factor) for px in MIN_SIZE_PX))
        self._update_arrows()
        self.updateGeometry()
        self.update()

    def caption_px(self) -> float:
        return CAPTION_PX * self.type_scale

    # -- input ---------------------------------------------------------------------------
    def set_values(
        self,
        pv_w: float | None,
        storage_w: float | None,
        grid_w: float | None,
        consumption_w: float | None,
        soc_pct: float | None,
        has_storage: bool = True,
        flags: dict[str, str] | None = None,
    ) -> None:
        """Power [W] per node (signs above); ``flags``: node -> the mark of a partial sum ("7 of 8")."""
        self.flags = dict(flags or {})
        self.values = dict(zip(NODES, (pv_w, storage_w if has_storage else None, grid_w, consumption_w)))
        self.soc_pct = soc_pct if has_storage else None
        self.present["storage"] = has_storage
        self._update_arrows()
        self._update_states()
        self.update()

    def _update_arrows(self) -> None:
        k = self.type_scale
        powers_w = [self.values[node] for node in NODES]
        self.arrows = flow_arrows(*powers_w, min_width_px=MIN_WIDTH_PX * k, max_width_px=MAX_WIDTH_PX * k)

    def retranslate(self) -> None:
        self.names = {
            "pv": self.tr("PV"),
            "storage": self.tr("Storage"),
            "grid": self.tr("Grid"),
            "loads": self.tr("Loads"),
        }
        self.caption = self.tr("Live power flows. Arrow width grows with power.")
        self._update_states()
        self.update()

    def _update_states(self) -> None:
        v = self.values
        no_data = self.tr("no fresh reading")
        states = {n: no_data for n in NODES}
        if v["pv"] is not None:
            states["pv"] = self.tr("generating") if v["pv"] >= ZERO_W else self.tr("not generating")
        if v["storage"] is not None:
            states["storage"] = (
                self.tr("discharging")
                if v["storage"] >= ZERO_W
                else self.tr("charging")
                if v["storage"] <= -ZERO_W
                else self.tr("idle")
            )
        if v["grid"] is not None:
            states["grid"] = (
                self.tr("importing")
                if v["grid"] >= ZERO_W
                else self.tr("exporting")
                if v["grid"] <= -ZERO_W
                else self.tr("no exchange")
            )
        if v["loads"] is not None:
            states["loads"] = self.tr("site consumption")
        self.states = states

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- geometry ----------------------------------------------------------------------------
    def node_rects(self) -> dict[str, QRectF]:
        """Where each node is drawn, for the widget's current size."""
        k = self.type_scale
        w, h = self.width(), self.height() - self.caption_px()  # room for the caption at the bottom
        node_w = max(130.0 * k, min(200.0 * k, w * 0.30))
        node_h = max(84.0 * k, min(112.0 * k, h * 0.26))
        cx, cy = w / 2, h / 2
        margin = 8.0 * k
        return {
            "pv": QRectF(cx - node_w / 2, margin, node_w, node_h),
            "storage": QRectF(cx - node_w / 2, h - node_h - margin, node_w, node_h),
            "grid": QRectF(margin, cy - node_h / 2, node_w, node_h),
            "loads": QRectF(w - node_w - margin, cy - node_h / 2, node_w, node_h),
        }

    def bus_centre(self) -> QPointF:
        return QPointF(self.width() / 2, (self.height() - self.caption_px()) / 2)

    # -- painting -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#d5dbe3"), 1))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        rects = self.node_rects()
        centre = self.bus_centre()
        bus_r = 16.0 * self.type_scale
        # Connection lines (thin, grey) for every node, arrows over them.
        for node, rect in rects.items():
            if not self.present[node]:
                continue
            painter.setPen(QPen(QColor("#e2e8f0"), 2, Qt.PenStyle.DashLine))
            a, b = self._segment(rect, centre, bus_r)
            painter.drawLine(a, b)
        for arrow in self.arrows:
            self._draw_arrow(painter, arrow, rects[arrow.node], centre, bus_r)
        painter.setPen(QPen(QColor("#2d3748"), 2))
        painter.setBrush(QColor("#2d3748"))
        painter.drawEllipse(centre, bus_r, bus_r)
        for node, rect in rects.items():
            if self.present[node]:
                self._draw_node(painter, node, rect)
        painter.setPen(QColor("#4a5568"))
        painter.setFont(self._font(10))
        k, caption_px = self.type_scale, self.caption_px()
        caption = QRectF(8 * k, self.height() - caption_px + 2 * k, self.width() - 16 * k, caption_px - 6 * k)
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, self.caption)
        painter.end()

    def _font(self, point_size: float, bold: bool = False) -> QFont:
        """The font of ``point_size`` [pt] as designed, times the type scale."""
        font = QFont()
        font.setPointSizeF(point_size * self.type_scale)
        font.setBold(bold)
        return font

    @staticmethod
    def _segment(rect: QRectF, centre: QPointF, bus_r: float) -> tuple[QPointF, QPointF]:
        """From the node's edge (facing the bus) to just outside the bus circle."""
        c = rect.center()
        dx, dy = centre.x() - c.x(), centre.y() - c.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        # Leave the rectangle where the line to the centre crosses its border.
        tx = rect.width() / 2 / abs(ux) if ux else math.inf
        ty = rect.height() / 2 / abs(uy) if uy else math.inf
        t = min(tx, ty) + 6
        start = QPointF(c.x() + ux * t, c.y() + uy * t)
        end = QPointF(centre.x() - ux * (bus_r + 6), centre.y() - uy * (bus_r + 6))
        return start, end

    def _draw_arrow(self, painter: QPainter, arrow: Arrow, rect: QRectF, centre: QPointF, bus_r: float) -> None:
        node_end, bus_end = self._segment(rect, centre, bus_r)
        start, end = (node_end, bus_end) if arrow.source == arrow.node else (bus_end, node_end)
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy)
        if length < 1:
            return
        ux, uy = dx / length, dy / length
        head_len = min(length * 0.45, max(14.0 * self.type_scale, arrow.width_px * 2.2))
        head_half = max(8.0 * self.type_scale, arrow.width_px * 1.3)
        base = QPointF(end.x() - ux * head_len, end.y() - uy * head_len)
        colour = QColor(COLOURS[arrow.node])
        pen = QPen(colour, arrow.width_px)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawLine(start, base)
        head = QPolygonF(
            [
                end,
                QPointF(base.x() - uy * head_half, base.y() + ux * head_half),
                QPointF(base.x() + uy * head_half, base.y() - ux * head_half),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _draw_node(self, painter: QPainter, node: str, rect: QRectF) -> None:
        value = self.values[node]
        missing = value is None
        accent = QColor("#a0aec0") if missing else QColor(COLOURS[node])
        painter.setPen(QPen(accent, 2))
        painter.setBrush(QColor("#f7fafc") if missing else QColor("#ffffff"))
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        painter.drawPath(path)
        painter.fillRect(QRectF(rect.left() + 1, rect.top() + 1, 6 * self.type_scale, rect.height() - 2), accent)
        k = self.type_scale
        inner = rect.adjusted(14 * k, 6 * k, -8 * k, -6 * k)
        title_colour = QColor("#a0aec0") if missing else QColor("#4a5568")
        value_colour = QColor("#a0aec0") if missing else QColor("#1a202c")
        line_h = inner.height() / 3.4
        painter.setPen(title_colour)
        painter.setFont(self._font(12, bold=True))
        title_rect = QRectF(inner.left(), inner.top(), inner.width(), line_h)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.names[node])
        flag = self.flags.get(node, "") if not missing else ""
        if flag:  # a partial sum: its mark, right-aligned in the title line
            flag_font = self._font(9.5, bold=True)
            flag_w = QFontMetricsF(flag_font).horizontalAdvance(flag) + 10 * k
            flag_rect = QRectF(title_rect.right() - flag_w, title_rect.top() + 1, flag_w, title_rect.height() - 2)
            painter.setPen(QPen(QColor(FLAG_BORDER), 1))
            painter.setBrush(QColor(FLAG_FILL))
            painter.drawRoundedRect(flag_rect, 6, 6)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QColor(FLAG_TEXT))
            painter.setFont(flag_font)
            painter.drawText(flag_rect, Qt.AlignmentFlag.AlignCenter, flag)
        painter.setPen(value_colour)
        painter.setFont(self._fitting_font(format_power(value), inner.width(), 20, 12))
        painter.drawText(
            QRectF(inner.left(), inner.top() + line_h, inner.width(), line_h * 1.3),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            format_power(value),
        )
        state = self.states.get(node, "")
        if node == "storage" and self.soc_pct is not None:
            state = fill(self.tr("%1 · SoC %2 %"), state, f"{self.soc_pct:.0f}")
        painter.setPen(title_colour)
        painter.setFont(self._fitting_font(state, inner.width(), 10.5, 8))
        state_rect = QRectF(inner.left(), inner.top() + line_h * 2.3, inner.width(), line_h)
        painter.drawText(state_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, state)
        if node == "storage" and self.soc_pct is not None:  # a state-of-charge bar along the bottom edge
            bar = QRectF(rect.left() + 14 * k, rect.bottom() - 9 * k, rect.width() - 24 * k, 5 * k)
            painter.fillRect(bar, QColor("#e2e8f0"))
            share = min(max(self.soc_pct, 0.0), 100.0) / 100.0
            painter.fillRect(QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()), accent)

    def _fitting_font(self, text: str, width: float, point_size: float, smallest: float) -> QFont:
        """The largest font from ``point_size`` down to ``smallest`` in which ``text`` fits ``width``."""
        size = point_size  # as designed: _font scales it
        while True:
            font = self._font(size, bold=point_size >= 16)
            if size <= smallest or QFontMetricsF(font).horizontalAdvance(text) <= width:
                return font
            size -= 1
