"""The overview's chart: today's PV generation, consumption, storage and grid power against site-local time.

The curves are drawn from an :class:`energymon.views.power_chart.ChartView` (bucketed power read on
the reader thread). Gaps stay gaps: a bucket without a flow, or time without
data, is drawn as a break in the line, never bridged.

The time axis spans the whole local day, 00:00 to 24:00 (the view's
``day_start_ms`` .. ``day_end_ms``), so the curves fill it from the left as
the day goes on and the rest of the day is empty, not stretched. The legend
is a row of Qt labels above the plot (:attr:`OverviewChart.widget` holds
both): it never covers a curve, e.g. the batteries charging at night. On a
wall display its texts follow the window's type and its swatches grow with it
(``set_type_scale``); the plot's axes keep their designed type.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from energymon.site_time import MINUTE_MS
from energymon.views.power_chart import ChartView
from ui.time_plot import time_plot

SERIES = (  # attribute of PowerSeries, colour; drawn in this order (last on top)
    ("grid_w", "#718096"),
    ("storage_w", "#2f855a"),
    ("pv_w", "#dd8a00"),
    ("consumption_w", "#2b6cb0"),
)
MIN_SPAN_MS = MINUTE_MS  # the time axis spans at least this, even before there are two points
SWATCH_PX = (18, 4)  # a legend entry's line, at type scale 1
SPACING_PX = 14


class _Legend(QWidget):
    """The legend row; its swatches and spacing follow a wall display's type (``set_type_scale``)."""

    def __init__(self) -> None:
        super().__init__()
        self.swatches: list[QFrame] = []
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(8, 4, 8, 0)
        self.row.setSpacing(SPACING_PX)

    def set_type_scale(self, factor: float) -> None:
        for swatch in self.swatches:
            swatch.setFixedSize(*(round(px * factor) for px in SWATCH_PX))
        self.row.setSpacing(round(SPACING_PX * factor))


def with_breaks(ts_ms: list[int]) -> tuple[list[float], list[int | None]]:
    """x values [s] for bucket times, with a break (index None, drawn as NaN) wherever buckets are missing.

    The bucket length is the smallest spacing in the series; a jump of more than
    1.5 buckets means no data in between, which must not be drawn as a line.
    """
    if len(ts_ms) < 2:
        return [t / 1000 for t in ts_ms], list(range(len(ts_ms)))
    bucket = min(b - a for a, b in zip(ts_ms, ts_ms[1:]))
    xs: list[float] = []
    index: list[int | None] = []
    for i, t in enumerate(ts_ms):
        if i and t - ts_ms[i - 1] > 1.5 * bucket:
            xs.append((ts_ms[i - 1] + bucket) / 1000)
            index.append(None)
        xs.append(t / 1000)
        index.append(i)
    return xs, index


def _finite(value: float | None) -> float:
    return float("nan") if value is None else value


class OverviewChart:
    """The chart (:attr:`widget`): its legend row (:attr:`legend`) above the plot (:attr:`plot`), one curve per
    flow (:attr:`curves`, by SERIES attribute)."""

    def __init__(self) -> None:
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = time_plot(self.axis)
        self.plot.setMinimumWidth(420)
        self.widget = QWidget()
        self.widget.setObjectName("overviewChart")
        self.widget.setStyleSheet("#overviewChart { background: #ffffff; }")
        self.legend = _Legend()
        row = self.legend.row
        row.addStretch(1)
        self.legend_labels: dict[str, QLabel] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        for attr, colour in reversed(SERIES):  # the legend reads PV, consumption, storage, grid
            swatch = QFrame()
            swatch.setFixedSize(*SWATCH_PX)
            swatch.setStyleSheet(f"background: {colour}; border: none;")
            self.legend.swatches.append(swatch)
            label = QLabel(attr)
            label.setStyleSheet("color: #2d3748; font-size: 10pt;")
            row.addWidget(swatch, 0, Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(label)
            self.legend_labels[attr] = label
        row.addStretch(1)
        for attr, colour in SERIES:
            curve = self.plot.plot([], [], pen=pg.mkPen(colour, width=2.5))
            # No downsampling: the view holds at most ~CHART_POINTS buckets, and pyqtgraph's automatic one
            # works from the x range's density, so early in the day (a few 2 s buckets on a 24 h axis) it
            # would thin the curve away entirely.
            curve.setClipToView(True)
            self.curves[attr] = curve
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("color: #2d3748; font-size: 11pt; padding-top: 6px;")
        column.addWidget(self.title)
        column.addWidget(self.legend)
        column.addWidget(self.plot, 1)

    def set_zone(self, tz: ZoneInfo) -> None:
        """The time axis shows local time in ``tz`` (its UTC offset now)."""
        offset = datetime.now(tz).utcoffset() or timedelta(0)
        self.axis.utcOffset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC

    def set_texts(self, value_label: str, title: str, names: dict[str, str]) -> None:
        """The value axis's label, the chart's title and each curve's name in the legend (by SERIES attribute)."""
        self.plot.setLabel("left", value_label, units="W")
        self.title.setText(title)
        for attr, label in self.legend_labels.items():
            label.setText(names[attr])

    def draw(self, view: ChartView) -> None:
        xs, breaks = with_breaks(view.series.ts_ms)
        for attr, curve in self.curves.items():
            # Gaps stay gaps: a bucket without the flow, or time without data, is drawn as a break.
            ys = [float("nan") if i is None else _finite(getattr(view.series, attr)[i]) for i in breaks]
            curve.setData(xs, ys, connect="finite")
        # The whole local day, whatever part of it has data (a view without day bounds: what it holds).
        start_ms, end_ms = (view.day_start_ms, view.day_end_ms) if view.day_end_ms else (view.start_ms, view.end_ms)
        self.plot.setXRange(start_ms / 1000, max(end_ms, start_ms + MIN_SPAN_MS) / 1000, padding=0)
        # Settle the y range now: left to the paint (pyqtgraph's prepareForPaint), the new range
        # asks for a second paint of the whole chart.
        self.plot.getViewBox().prepareForPaint()
