"""The trends chart: several series against site-local time, grouped on value axes by unit, with a cursor.

pyqtgraph draws it in one layout (ui.time_plot.time_layout) of plots stacked
on one time axis; ui.trend_axes decides which plot and which side (left or
right axis) each series goes to. A measurement is a line (the selected
series also shows its min-max band); energy counted per interval is drawn
as bars from 0, one bar per interval, side by side when several share an
axis; an interval without data has no bar. Lines are downsampled by peak
and clipped to the view (pyqtgraph's ``setDownsampling(method="peak")`` and
``setClipToView``); the value axes are fitted here to what is in view, so a
clipped line never narrows them wrongly. The mouse zooms and pans along time
only. The cursor is a vertical line through every plot with the time at the
top; the values at it are the page's (the legend beside the chart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from energymon.views.trends import Series
from ui.time_plot import FOREGROUND, GRID_ALPHA, time_layout
from ui.trend_axes import Slot, in_view, key_unit, plot_count, value_range
from ui.trend_plot import DISPLAY_UNITS, SI_UNITS, numeric_zoom_levels, with_gaps

MIN_SPAN_S = 60.0  # zooming stops at one minute across
PALETTE = (  # Tableau 10, then two more: distinct on white, and for the common kinds of colour blindness
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
)
BAND_ALPHA = 60
FEW_RAW_POINTS = 300  # raw series up to this long are drawn with a marker on every sample
BAR_SHARE = 0.8  # the bars of one interval fill this share of it
AXIS_WIDTH_PX = 78  # every plot's value axes are this wide, so the stacked plots' times line up


def colour(index: int) -> str:
    """The colour of the series at ``index`` (the legend shows the same)."""
    return PALETTE[index % len(PALETTE)]


@dataclass
class _Drawn:
    """What one value axis shows, for fitting it to the view: (x [s], values, bucket width [s]) per series."""

    bars: bool = False
    columns: list[tuple[np.ndarray, np.ndarray, float]] = field(default_factory=list)


class _Panel:
    """One plot of the stack: its left view box (with the grid and the cursor line) and a right one."""

    def __init__(self, layout: pg.GraphicsLayout, row: int) -> None:
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.axis.zoomLevels = numeric_zoom_levels()
        self.item = pg.PlotItem(axisItems={"bottom": self.axis})
        layout.addItem(self.item, row=row, col=0)
        self.item.setMouseEnabled(x=True, y=False)  # zoom and pan along time; the value axes follow the data
        self.item.hideButtons()
        self.item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        self.left = self.item.vb
        self.right = pg.ViewBox()  # on top of the left one: it takes the mouse, zooming time as the left one would
        self.right.setMouseEnabled(x=True, y=False)
        self.item.showAxis("right")
        self.item.scene().addItem(self.right)
        self.item.getAxis("right").linkToView(self.right)
        self.right.setXLink(self.left)
        self.left.sigResized.connect(self._fit_right)
        for side in ("left", "right"):
            self.item.getAxis(side).setWidth(AXIS_WIDTH_PX)
        for box in (self.left, self.right):
            box.disableAutoRange()
            box.setLimits(minXRange=MIN_SPAN_S)
        self.cursor = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen("#4a5568", width=1, style=Qt.PenStyle.DashLine)
        )
        self.cursor.setVisible(False)
        self.left.addItem(self.cursor, ignoreBounds=True)
        self.items: list[tuple[pg.ViewBox, pg.GraphicsObject]] = []  # each series item with the box it is in

    def _fit_right(self) -> None:
        self.right.setGeometry(self.left.sceneBoundingRect())
        self.right.linkedViewChanged(self.left, self.right.XAxis)

    def clear(self) -> None:
        for box, item in self.items:
            box.removeItem(item)
        self.items = []

    def remove(self, layout: pg.GraphicsLayout) -> None:
        self.clear()
        self.item.scene().removeItem(self.right)
        layout.removeItem(self.item)


class TrendChart:
    """The chart widget (:attr:`plot`) and its plots; :meth:`draw` shows a set of series."""

    def __init__(self) -> None:
        self.plot = time_layout()
        self.layout: pg.GraphicsLayout = self.plot.ci
        self.panels = [_Panel(self.layout, 0)]
        self.view = self.panels[0].left  # the time range of every plot follows this one
        self.axis = self.panels[0].axis
        self.cursor_line = self.panels[0].cursor
        self.cursor_label = pg.TextItem(
            "", color="#1a202c", fill=pg.mkBrush(255, 255, 255, 225), border=pg.mkPen("#a0aec0"), anchor=(0, 0)
        )
        self.cursor_label.setVisible(False)
        self.view.addItem(self.cursor_label, ignoreBounds=True)
        self._drawn: dict[tuple[int, bool], _Drawn] = {}
        self._offset = 0
        self._time_label = ""
        self.view.sigXRangeChanged.connect(self.fit_values)
        self._show_time_axis()

    # -- the plots -------------------------------------------------------------------------------
    def _set_plot_count(self, count: int) -> None:
        while len(self.panels) > count:
            self.panels.pop().remove(self.layout)
        while len(self.panels) < count:
            panel = _Panel(self.layout, len(self.panels))
            panel.left.setXLink(self.view)
            panel.axis.utcOffset = self._offset
            self.panels.append(panel)
        self._show_time_axis()

    def _show_time_axis(self) -> None:
        """Times written under the bottom plot only (the plots above keep their vertical grid lines)."""
        for i, panel in enumerate(self.panels):
            bottom = i == len(self.panels) - 1
            panel.axis.setStyle(showValues=bottom)
            panel.item.setLabel("bottom", self._time_label if bottom else "")
            if not bottom:
                panel.axis.showLabel(False)

    def set_time_label(self, text: str) -> None:
        self._time_label = text
        self._show_time_axis()

    def panel_of(self, slot: Slot) -> pg.ViewBox:
        panel = self.panels[slot.plot]
        return panel.right if slot.right else panel.left

    # -- drawing ---------------------------------------------------------------------------------
    def draw(
        self,
        results: Sequence[Series | None],
        slots: Sequence[Slot | None],
        labels: dict[str, str],
        selected: int = 0,
    ) -> None:
        """Show ``results[i]`` at ``slots[i]`` (None: not drawn) in :func:`colour` ``(i)``; ``labels``: each group
        key's axis label; the series ``selected`` shows its min-max band."""
        self._set_plot_count(plot_count(slots))
        for panel in self.panels:
            panel.clear()
        self._drawn = {}
        bars_on: dict[tuple[int, bool], list[int]] = {}
        for i, (s, slot) in enumerate(zip(results, slots)):
            if slot is not None and s is not None and s.statistic == "delta":
                bars_on.setdefault((slot.plot, slot.right), []).append(i)
        for i, (s, slot) in enumerate(zip(results, slots)):
            if slot is None or s is None:
                continue
            place = (slot.plot, slot.right)
            drawn = self._drawn.setdefault(place, _Drawn())
            if s.statistic == "delta":
                drawn.bars = True
                self._bars(i, s, slot, bars_on[place].index(i), len(bars_on[place]), drawn)
            else:
                self._line(i, s, slot, i == selected, drawn)
        self._label_axes(slots, labels)
        self.fit_values()

    def _add(self, slot: Slot, item: pg.GraphicsObject) -> None:
        box = self.panel_of(slot)
        box.addItem(item)
        self.panels[slot.plot].items.append((box, item))

    def _bars(self, i: int, s: Series, slot: Slot, k: int, n: int, drawn: _Drawn) -> None:
        keep = np.isfinite(s.mean)  # an interval without a value has no bar (never one of height 0)
        width_s = s.bucket_ms / 1000
        x0 = s.ts_ms[keep] / 1000 + width_s * ((1 - BAR_SHARE) / 2 + BAR_SHARE * k / n)
        heights = s.mean[keep]
        bars = pg.BarGraphItem(x0=x0, width=width_s * BAR_SHARE / n, height=heights, y0=0, brush=colour(i), pen=None)
        self._add(slot, bars)
        drawn.columns.append((s.ts_ms[keep] / 1000, heights, width_s))

    def _line(self, i: int, s: Series, slot: Slot, selected: bool, drawn: _Drawn) -> None:
        x, (mean, low, high) = with_gaps(s)
        few_raw = s.source == "raw" and len(s) <= FEW_RAW_POINTS
        curve = pg.PlotDataItem(
            x,
            mean,
            connect="finite",
            pen=pg.mkPen(colour(i), width=2.5 if selected else 1.8),
            symbol="o" if few_raw else None,
            symbolSize=4,
            symbolBrush=colour(i),
            symbolPen=None,
        )
        curves = [curve]
        if selected and s.has_band:
            rgb = pg.mkColor(colour(i)).getRgb()[:3]
            low_curve = pg.PlotDataItem(x, low, connect="finite", pen=pg.mkPen(rgb + (110,), width=1))
            high_curve = pg.PlotDataItem(x, high, connect="finite", pen=pg.mkPen(rgb + (110,), width=1))
            curves += [low_curve, high_curve]
            self._add(slot, pg.FillBetweenItem(low_curve, high_curve, brush=pg.mkBrush(*rgb, BAND_ALPHA)))
            drawn.columns += [(x, low, 0.0), (x, high, 0.0)]
        for c in curves:  # added first: a curve that clips to its view needs its view box (not the scene's view)
            self._add(slot, c)
            c.setDownsampling(auto=True, method="peak")
            c.setClipToView(True)
        curve.setZValue(1)  # above the bars and bands
        drawn.columns.append((x, mean, 0.0))

    def _label_axes(self, slots: Sequence[Slot | None], labels: dict[str, str]) -> None:
        for p, panel in enumerate(self.panels):
            for right in (False, True):
                axis = panel.item.getAxis("right" if right else "left")
                here = [i for i, slot in enumerate(slots) if slot is not None and (slot.plot, slot.right) == (p, right)]
                if not here:
                    axis.setLabel("")
                    axis.setStyle(showValues=False)
                    continue
                slot = slots[here[0]]
                assert slot is not None
                unit = key_unit(slot.key)
                axis.setStyle(showValues=True)
                one = colour(here[0]) if len(here) == 1 else None  # one series: the axis in its colour
                style = {"color": one or FOREGROUND}  # set each time: pyqtgraph keeps a label's last colour
                axis.setLabel(labels.get(slot.key, ""), units=DISPLAY_UNITS.get(unit, unit) or None, **style)
                # k, M, G for power and energy from 1000 up (never "mW" or "k%"); after setLabel, which resets it
                axis.setSIPrefixEnableRanges(((1e3, float("inf")),) if unit in SI_UNITS else ())
                axis.updateAutoSIPrefix()

    def fit_values(self, *_args: object) -> None:
        """Fit every value axis to the values in the visible time (bars from 0)."""
        x0, x1 = self.view.viewRange()[0]
        for (p, right), drawn in self._drawn.items():
            if p >= len(self.panels):
                continue
            shown = [values[in_view(x, width, x0, x1)] for x, values, width in drawn.columns]
            limits = value_range(shown, drawn.bars)
            if limits is not None:
                panel = self.panels[p]
                (panel.right if right else panel.left).setYRange(*limits, padding=0)

    def y_range(self, plot: int = 0, right: bool = False) -> tuple[float, float]:
        """The value range of a plot's axis as shown."""
        panel = self.panels[plot]
        low, high = (panel.right if right else panel.left).viewRange()[1]
        return float(low), float(high)

    def items_at(self, plot: int, right: bool = False) -> list[pg.GraphicsObject]:
        """The series' items drawn on a plot's axis (lines, bands, bars)."""
        box = self.panel_of(Slot(plot, right, ""))
        return [item for owner, item in self.panels[plot].items if owner is box]

    # -- the axes --------------------------------------------------------------------------------
    def set_zone(self, tz: ZoneInfo, at_s: float) -> None:
        """The time axis shows local time in ``tz`` (its UTC offset at ``at_s``, UTC epoch s)."""
        offset = datetime.fromtimestamp(at_s, UTC).astimezone(tz).utcoffset() or timedelta(0)
        self._offset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC
        for panel in self.panels:
            panel.axis.utcOffset = self._offset

    def utc_offset_text(self) -> str:
        """The UTC offset the time axis uses, e.g. "+08:00"."""
        minutes = -int(self._offset) // 60
        return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    # -- the cursor ------------------------------------------------------------------------------
    def x_at(self, scene_pos: QPointF) -> float | None:
        """The time [epoch s] under a scene position inside one of the plots, else None."""
        for panel in self.panels:
            if panel.left.sceneBoundingRect().contains(scene_pos):
                return float(panel.left.mapSceneToView(scene_pos).x())
        return None

    def show_cursor(self, x_s: float, text: str) -> None:
        """The cursor at ``x_s`` (epoch s) through every plot, ``text`` at its top on the side with more room."""
        (x0, x1), (_, y1) = self.view.viewRange()
        for panel in self.panels:
            panel.cursor.setPos(x_s)
            panel.cursor.setVisible(True)
        self.cursor_label.setText(text)
        self.cursor_label.setAnchor((0, 0) if x_s < (x0 + x1) / 2 else (1, 0))
        self.cursor_label.setPos(x_s, y1)
        self.cursor_label.setVisible(True)

    def hide_cursor(self) -> None:
        for panel in self.panels:
            panel.cursor.setVisible(False)
        self.cursor_label.setVisible(False)

    def image(self) -> QImage:
        """The chart as shown, without the cursor (drawn on the GUI thread)."""
        cursor = self.cursor_line.isVisible()
        self.hide_cursor()
        image = self.plot.grab().toImage()
        for panel in self.panels:
            panel.cursor.setVisible(cursor)
        self.cursor_label.setVisible(cursor)
        return image
