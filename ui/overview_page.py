"""Overview: large live tiles and today's generation, consumption, storage and grid curves.

Tiles follow the live readings (throttled by the context); the chart is read
from the database every ``CHART_REFRESH_MS`` on the reader thread.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from energymon.carbon import avoided_co2_kg
from energymon.live import site_totals
from energymon.summary import local_midnight_ms
from ui import format as fmt
from ui.context import AppContext
from ui.page import Page
from ui.tiles import Tile
from ui.workers import DbRequest, DbView, overview_view

CHART_REFRESH_MS = 5000
CHART_POINTS = 720

SERIES = (  # attribute of PowerSeries, colour; drawn in this order (last on top)
    ("grid_w", "#718096"),
    ("storage_w", "#2f855a"),
    ("pv_w", "#dd8a00"),
    ("consumption_w", "#2b6cb0"),
)


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


class OverviewPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_view: DbView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tiles_grid = QGridLayout()
        self.tiles_grid.setSpacing(10)
        self.tile_pv = Tile("", "kW", "#dd8a00")
        self.tile_consumption = Tile("", "kW", "#2b6cb0")
        self.tile_storage = Tile("", "kW", "#2f855a")
        self.tile_grid = Tile("", "kW", "#718096")
        self.tile_pv_today = Tile("", "kWh", "#dd8a00")
        self.tile_co2_today = Tile("", "kg", "#38a169")
        for i, tile in enumerate((self.tile_pv, self.tile_consumption, self.tile_storage,
                                  self.tile_grid, self.tile_pv_today, self.tile_co2_today)):
            self.tiles_grid.addWidget(tile, 0, i)
        layout.addLayout(self.tiles_grid)

        pg.setConfigOptions(antialias=True, background="w", foreground="#2d3748")
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.legend = self.plot.addLegend(offset=(10, 10))
        self.curves = {}
        for attr, colour in SERIES:
            curve = self.plot.plot([], [], name=attr, pen=pg.mkPen(colour, width=2.5))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[attr] = curve
        layout.addWidget(self.plot, 1)

        self._chart_timer = QTimer(self, interval=CHART_REFRESH_MS)
        self._chart_timer.timeout.connect(self.request_db)
        ctx.site_changed.connect(self._on_site)
        ctx.readings_changed.connect(self.refresh_live)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Overview")

    def retranslate(self) -> None:
        self.tile_pv.set_title(self.tr("PV power"))
        self.tile_consumption.set_title(self.tr("Site consumption"))
        self.tile_storage.set_title(self.tr("Storage"))
        self.tile_grid.set_title(self.tr("Grid"))
        self.tile_pv_today.set_title(self.tr("PV energy today"))
        self.tile_co2_today.set_title(self.tr("Avoided CO₂ today"))
        self.plot.setLabel("left", self.tr("Power"), units="W")
        self.plot.setTitle(self.tr("Generation and consumption today"))
        names = {"grid_w": self.tr("Grid (+ import)"), "storage_w": self.tr("Storage (+ discharge)"),
                 "pv_w": self.tr("PV generation"), "consumption_w": self.tr("Site consumption")}
        for sample, label in self.legend.items:
            for attr, curve in self.curves.items():
                if sample.item is curve:
                    label.setText(names[attr])
        self.refresh_live()
        self._refresh_energy()

    # -- inputs ------------------------------------------------------------------------
    def _on_site(self) -> None:
        site = self.ctx.site
        offset = datetime.now(site.tz).utcoffset() or timedelta(0)
        self.axis.utcOffset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC
        self.refresh_live()
        self.request_db()
        self._chart_timer.start()

    def request_db(self) -> None:
        ctx = self.ctx
        if ctx.site is None or ctx.db_path is None:
            return
        now = time.time()
        midnight = local_midnight_ms(now, ctx.site.tz)
        request = DbRequest(ctx.db_path, ctx.site, midnight, midnight, int(now * 1000), CHART_POINTS, ctx.viewer_only)
        ctx.db.submit(lambda reader: overview_view(reader, request), self._on_db_view, key="overview")

    def _on_db_view(self, view: DbView) -> None:
        self.last_view = view
        if view.latest is not None:
            self.ctx.update_readings(view.latest)
        xs, breaks = with_breaks(view.series.ts_ms)
        for attr, curve in self.curves.items():
            # Gaps stay gaps: a bucket without the flow, or time without data, is drawn as a break.
            ys = [float("nan") if i is None else _finite(getattr(view.series, attr)[i]) for i in breaks]
            curve.setData(xs, ys, connect="finite")
        # Always a time axis over what is shown, even before there are two points to draw.
        self.plot.setXRange(view.start_ms / 1000, max(view.end_ms, view.start_ms + 60_000) / 1000, padding=0.02)
        self._refresh_energy()

    # -- drawing -------------------------------------------------------------------------
    def refresh_live(self) -> None:
        site = self.ctx.site
        if site is None:
            return
        totals = site_totals(site.roles, self.ctx.readings, self.ctx.now_ms())
        pv = totals.pv_w
        self.tile_pv.set_value(fmt.kw(pv.value), self.tr("%1 of %2 inverters reporting")
                               .replace("%1", str(pv.reporting)).replace("%2", str(pv.expected)))
        self.tile_consumption.set_value(
            fmt.kw(totals.consumption_w),
            self.tr("metered loads: ") + (fmt.kw(totals.load_w.value) + " kW" if totals.load_w.value is not None
                                          else self.tr("incomplete")),
            self.tr("PV + storage discharge + grid import − export − storage charge"),
        )
        storage = totals.storage_w.value
        state = ""
        if storage is not None:
            state = self.tr("charging") if storage < -1 else self.tr("discharging") if storage > 1 else self.tr("idle")
        self.tile_storage.set_value(fmt.kw(storage), f"{state} · SoC {fmt.pct(totals.soc_pct)} %")
        grid = totals.grid_w.value
        if grid is None:
            self.tile_grid.set_value("—", self.tr("no fresh grid reading"))
        elif grid >= 0:
            self.tile_grid.set_value(fmt.kw(grid), self.tr("importing from grid"))
        else:
            self.tile_grid.set_value(fmt.kw(-grid), self.tr("exporting to grid"))

    def _refresh_energy(self) -> None:
        site = self.ctx.site
        if site is None or self.last_view is None:
            return
        energy = self.last_view.pv_today
        midnight = local_midnight_ms(time.time(), site.tz)
        detail = self.tr("from inverter counters")
        if energy.first_ts_ms is None:
            detail = self.tr("no data today yet")
        elif energy.first_ts_ms > midnight + 10 * 60 * 1000:
            since = datetime.fromtimestamp(energy.first_ts_ms / 1000, timezone.utc).astimezone(site.tz)
            detail = self.tr("since %1 (first data today)").replace("%1", since.strftime("%H:%M"))
        shown = None if energy.first_ts_ms is None else energy.energy_wh
        self.tile_pv_today.set_value(fmt.kwh(shown), detail)
        co2 = None if shown is None else avoided_co2_kg(shown, site.emission_factor_kg_per_kwh)
        self.tile_co2_today.set_value(fmt.number(co2), f"× {site.emission_factor_kg_per_kwh:g} kg/kWh",
                                      site.emission_factor_source)

    def shutdown(self) -> None:
        self._chart_timer.stop()
