"""The trends chart: one quantity's mean line over its min-max band, against site-local time, with a cursor.

pyqtgraph draws it (ui.time_plot). The mouse zooms and pans along time only;
the value axis follows the data. The cursor is a vertical line with a label
that reads out the point under it (the text comes from the page).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from energymon.views.trends import Series
from ui.time_plot import time_plot
from ui.trend_plot import DISPLAY_UNITS, SI_UNITS, numeric_zoom_levels, with_gaps

MIN_SPAN_S = 60.0  # zooming stops at one minute across
COLOUR = "#2b6cb0"
BAND = (43, 108, 176, 60)
FEW_RAW_POINTS = 300  # raw series up to this long are drawn with a marker on every sample
FLAT_RANGE_SHARE = 0.02  # a flat series' value axis spans at least this share of its magnitude


class TrendChart:
    """The plot widget (:attr:`plot`) and its items; :meth:`draw` shows a series."""

    def __init__(self) -> None:
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.axis.zoomLevels = numeric_zoom_levels()
        self.plot = time_plot(self.axis)
        self.plot.setMouseEnabled(x=True, y=False)  # zoom and pan along time; the value axis follows the data
        self.plot.hideButtons()
        self.view = self.plot.getPlotItem().getViewBox()
        self.view.setLimits(minXRange=MIN_SPAN_S)
        self.view.enableAutoRange(axis="y")
        self.view.setAutoVisible(y=True)
        self.curve_min = self.plot.plot([], [], pen=pg.mkPen(BAND[:3] + (110,), width=1))
        self.curve_max = self.plot.plot([], [], pen=pg.mkPen(BAND[:3] + (110,), width=1))
        self.band = pg.FillBetweenItem(self.curve_min, self.curve_max, brush=pg.mkBrush(*BAND))
        self.plot.addItem(self.band)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(COLOUR, width=2))
        for curve in (self.curve, self.curve_min, self.curve_max):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.cursor_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen("#4a5568", width=1, style=Qt.PenStyle.DashLine)
        )
        self.cursor_label = pg.TextItem(
            "", color="#1a202c", fill=pg.mkBrush(255, 255, 255, 225), border=pg.mkPen("#a0aec0"), anchor=(0, 0)
        )
        for item in (self.cursor_line, self.cursor_label):
            self.plot.addItem(item, ignoreBounds=True)
            item.setVisible(False)

    def draw(self, series: Series) -> None:
        """Show ``series``: its means as a line (markers on a short raw series), its min and max as a band."""
        x, (mean, low, high) = with_gaps(series)
        few_raw = series.source == "raw" and len(series) <= FEW_RAW_POINTS
        self.curve.setData(
            x, mean, connect="finite", symbol="o" if few_raw else None, symbolSize=4, symbolBrush=COLOUR, symbolPen=None
        )
        if series.has_band:
            self.curve_min.setData(x, low, connect="finite")
            self.curve_max.setData(x, high, connect="finite")
        else:
            self.curve_min.setData([], [])
            self.curve_max.setData([], [])
        self.band.setVisible(series.has_band)
        # A flat series (a constant power factor, a PV inverter at night) gets a sensible value axis:
        # at least 2 % of its magnitude (or 1 unit around zero), not float noise blown up to full height.
        finite = np.concatenate([c[np.isfinite(c)] for c in (series.mean, series.min, series.max)])
        magnitude = float(np.abs(finite).max()) if finite.size else 0.0
        self.view.setLimits(minYRange=FLAT_RANGE_SHARE * magnitude if magnitude > 0 else 1.0)
        self.view.enableAutoRange(axis="y")

    # -- the axes --------------------------------------------------------------------------------
    def set_zone(self, tz: ZoneInfo, at_s: float) -> None:
        """The time axis shows local time in ``tz`` (its UTC offset at ``at_s``, UTC epoch s)."""
        offset = datetime.fromtimestamp(at_s, UTC).astimezone(tz).utcoffset() or timedelta(0)
        self.axis.utcOffset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC

    def utc_offset_text(self) -> str:
        """The UTC offset the time axis uses, e.g. "+08:00"."""
        minutes = -int(self.axis.utcOffset or 0) // 60
        return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    def set_labels(self, value: str, unit: str, title: str) -> None:
        """The value axis's label in ``unit`` (k, M, G prefixes for power and energy) and the chart's title."""
        axis = self.plot.getAxis("left")
        self.plot.setLabel("left", value, units=DISPLAY_UNITS.get(unit, unit) or None)
        # k, M, G for power and energy from 1000 up (never "mW" or "k%"); after setLabel, which resets it
        axis.setSIPrefixEnableRanges(((1e3, float("inf")),) if unit in SI_UNITS else ())
        axis.updateAutoSIPrefix()
        self.plot.setTitle(title, color="#1a202c", size="12pt")

    def clear_labels(self) -> None:
        self.plot.setLabel("left", "")
        self.plot.setTitle("")

    # -- the cursor ------------------------------------------------------------------------------
    def show_cursor(self, x_s: float, text: str) -> None:
        """The cursor at ``x_s`` (epoch s) with ``text``, its label on the side with more room."""
        (x0, x1), (_, y1) = self.view.viewRange()
        self.cursor_line.setPos(x_s)
        self.cursor_label.setText(text)
        self.cursor_label.setAnchor((0, 0) if x_s < (x0 + x1) / 2 else (1, 0))
        self.cursor_label.setPos(x_s, y1)
        self.cursor_line.setVisible(True)
        self.cursor_label.setVisible(True)

    def hide_cursor(self) -> None:
        self.cursor_line.setVisible(False)
        self.cursor_label.setVisible(False)

    def image(self) -> QImage:
        """The chart as shown, without the cursor (drawn on the GUI thread)."""
        cursor = self.cursor_line.isVisible()
        self.hide_cursor()
        image = self.plot.grab().toImage()
        self.cursor_line.setVisible(cursor)
        self.cursor_label.setVisible(cursor)
        return image
