"""The Energy page's bars: one bar group per hour of a day, day of a month or month of a year.

Two plots on one bucket axis (ui.time_plot.time_layout, so a wall display
scales their type): above, PV generation and site consumption side by side;
below, the grid and the storage around 0, import and discharge up, export and
charge down (each flow >= 0 in its own direction, drawn with the sign of where
it goes). Energies are shown in kWh, or in MWh when a bucket reaches
:data:`MWH_FROM_KWH`.

What has no data is never drawn as 0: a bucket without any data has no bar
and a grey band behind it; a bucket where some device did not report is drawn
hatched (its figure is a partial sum); buckets after "now" are empty and a
dashed line marks now. Hovering a bucket emits :attr:`EnergyChart.hovered`
with its index (-1 when the pointer leaves the buckets).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from energymon.views.energy_view import EnergyView
from ui.time_plot import GRID_ALPHA, time_layout

translate = QCoreApplication.translate
COLOURS = {  # the flows' colours, shared with the page's table
    "pv_wh": "#e69f00",
    "consumption_wh": "#1f77b4",
    "grid_import_wh": "#d62728",
    "grid_export_wh": "#2ca02c",
    "storage_discharge_wh": "#9467bd",
    "storage_charge_wh": "#c5b0d5",
}
MISSING_BRUSH = "#edf2f7"
NOW_PEN = "#4a5568"
GROUP_SHARE = 0.8  # a bucket's bars fill this share of it
MWH_FROM_KWH = 10_000.0  # buckets this large are shown in MWh
AXIS_WIDTH_PX = 78


def _tr(text: str) -> str:
    return translate("EnergyChart", text)


def display_unit(view: EnergyView) -> tuple[str, float]:
    """(unit, Wh per unit) for the bars of ``view``: kWh, or MWh for large buckets."""
    peak_wh = 0.0
    for flow in view.configured:
        values = view.flows[flow].energy_wh
        if values.size:
            peak_wh = max(peak_wh, float(np.nanmax(values)))
    consumption = view.consumption_wh()
    if consumption.size and np.isfinite(consumption).any():
        peak_wh = max(peak_wh, float(np.nanmax(consumption)))
    return ("MWh", 1e6) if peak_wh / 1000 >= MWH_FROM_KWH else ("kWh", 1e3)


def _brush(colour: str, hatched: bool) -> QBrush:
    return QBrush(QColor(colour), Qt.BrushStyle.BDiagPattern) if hatched else QBrush(QColor(colour))


class EnergyChart(QWidget):
    """The two bar plots of an :class:`~energymon.views.energy_view.EnergyView` (see the module docstring)."""

    hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: EnergyView | None = None
        self.unit = "kWh"
        self.graphics = time_layout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self.top_plot = self.graphics.addPlot(row=0, col=0)
        self.bottom_plot = self.graphics.addPlot(row=1, col=0)
        for plot in (self.top_plot, self.bottom_plot):
            plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.getAxis("left").setWidth(AXIS_WIDTH_PX)
        self.bottom_plot.setXLink(self.top_plot)
        self.top_plot.getAxis("bottom").setStyle(showValues=False)
        self.bars: dict[str, pg.BarGraphItem] = {}  # flow -> its bars (tests read their heights)
        self.hatched: dict[str, list[bool]] = {}
        self.missing_bands: list[tuple[float, float]] = []
        self.now_x: float | None = None
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse)
        self._last_hover = -1

    def retranslate(self) -> None:
        self._titles()

    def _titles(self) -> None:
        self.top_plot.setTitle(translate("EnergyChart", "Generation and consumption"), size="11pt")
        self.bottom_plot.setTitle(translate("EnergyChart", "Grid and storage: in above 0, out below"), size="11pt")
        self.top_plot.setLabel("left", self.unit)
        self.bottom_plot.setLabel("left", self.unit)

    def show_view(self, view: EnergyView | None, tick_labels: Sequence[str]) -> None:
        """Draw ``view`` (None: clear), its buckets labelled ``tick_labels``."""
        self.view = view
        for plot in (self.top_plot, self.bottom_plot):
            plot.clear()
        self.bars, self.hatched, self.missing_bands, self.now_x = {}, {}, [], None
        if view is None:
            self._titles()
            return
        self.unit, per_unit = display_unit(view)
        self._titles()
        n = len(view.labels)
        x = np.arange(n, dtype=float)
        partial = view.partial
        for start, stop in _runs(view.missing):
            self.missing_bands.append((start - 0.5, stop - 0.5))
            for plot in (self.top_plot, self.bottom_plot):
                band = pg.LinearRegionItem((start - 0.5, stop - 0.5), movable=False, brush=MISSING_BRUSH)
                for line in band.lines:
                    line.setPen(pg.mkPen(None))
                band.setZValue(-10)
                plot.addItem(band)
        width = GROUP_SHARE / 2
        consumption = view.consumption_wh()
        upper = {"pv_wh": (view.flows["pv_wh"].energy_wh, view.flows["pv_wh"].has_data, -1, 1)}
        upper["consumption_wh"] = (np.nan_to_num(consumption), np.isfinite(consumption), 1, 1)
        lower = {
            "grid_import_wh": (view.flows["grid_import_wh"], -1, 1),
            "grid_export_wh": (view.flows["grid_export_wh"], -1, -1),
            "storage_discharge_wh": (view.flows["storage_discharge_wh"], 1, 1),
            "storage_charge_wh": (view.flows["storage_charge_wh"], 1, -1),
        }
        for flow, (values, shown, side, sign) in upper.items():
            if flow == "pv_wh" and flow not in view.configured:
                continue
            self._add_bars(self.top_plot, flow, x + side * width / 2, values, shown, partial, sign, width, per_unit)
        for flow, (buckets, side, sign) in lower.items():
            if flow not in view.configured:
                continue
            self._add_bars(
                self.bottom_plot, flow, x + side * width / 2, buckets.energy_wh, buckets.has_data, partial, sign, width,
                per_unit,
            )  # fmt: skip
        ticks = [(float(i), label) for i, label in enumerate(tick_labels)]
        every = max(1, n // 16)
        shown_ticks = [t for i, t in enumerate(ticks) if i % every == 0]
        for plot in (self.top_plot, self.bottom_plot):
            plot.getAxis("bottom").setTicks([shown_ticks, []])
            plot.setXRange(-0.6, n - 0.4, padding=0)
        if view.in_progress:
            edges = np.asarray(view.edges_ms, dtype=np.float64)
            k = int(np.searchsorted(edges, view.now_ms, side="right") - 1)
            self.now_x = k - 0.5 + (view.now_ms - edges[k]) / (edges[k + 1] - edges[k])
            for plot in (self.top_plot, self.bottom_plot):
                plot.addItem(pg.InfiniteLine(self.now_x, angle=90, pen=pg.mkPen(NOW_PEN, style=Qt.PenStyle.DashLine)))
        self.bottom_plot.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(NOW_PEN, width=1)))
        for plot in (self.top_plot, self.bottom_plot):
            plot.enableAutoRange(axis="y")
        self.graphics.set_type_scale(self.graphics.type_scale)  # new axes' texts follow a wall display

    def _add_bars(
        self,
        plot: pg.PlotItem,
        flow: str,
        x: np.ndarray,
        values_wh: np.ndarray,
        shown: np.ndarray,
        partial: np.ndarray,
        sign: int,
        width: float,
        per_unit: float,
    ) -> None:
        keep = np.asarray(shown, dtype=bool)
        heights = sign * np.asarray(values_wh, dtype=float)[keep] / per_unit
        hatched = [bool(h) for h in np.asarray(partial)[keep]]
        brushes = [_brush(COLOURS[flow], h) for h in hatched]
        pen = pg.mkPen(COLOURS[flow], width=1)
        bars = pg.BarGraphItem(x=x[keep], width=width, height=heights, y0=0, brushes=brushes, pen=pen)
        plot.addItem(bars)
        self.bars[flow] = bars
        self.hatched[flow] = hatched

    def _on_mouse(self, position: QPointF) -> None:
        index = -1
        if self.view is not None:
            for plot in (self.top_plot, self.bottom_plot):
                if plot.sceneBoundingRect().contains(position):
                    x = plot.vb.mapSceneToView(position).x()
                    k = int(round(x))
                    index = k if 0 <= k < len(self.view.labels) else -1
        if index != self._last_hover:
            self._last_hover = index
            self.hovered.emit(index)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs of True in ``mask`` as (first index, index after the last)."""
    runs, start = [], None
    for i, value in enumerate(np.asarray(mask, dtype=bool).tolist() + [False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            runs.append((start, i))
            start = None
    return runs
