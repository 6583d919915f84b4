"""Overview: large live tiles, the energy-flow diagram and today's generation, consumption, storage and grid curves.

Three sources, none of them read on the GUI thread:

- live tiles and the flow diagram follow the live readings (``ctx.readings``,
  throttled by the context): painting only. Each shows the sum over the
  devices that report, badged "7 of 8" with the missing ones named when some
  do not (ui.overview_live); consumption, a balance, is then partial with the
  range its true value lies in;
- the energy tiles (today / this month / this year, self-sufficiency, CO2,
  coal) come from :func:`energymon.views.overview.overview_energy` on the
  reader thread every ``ENERGY_REFRESH_MS`` and when the page is shown;
- the chart (ui.overview_chart) is read on the reader thread every
  ``CHART_REFRESH_MS``. A read that arrives while the page is hidden is kept
  (its latest readings still go to the context: a viewer window's pages live
  on them) and drawn when the page is shown, before its first paint, so the
  chart is painted once per switch; the page asks for a new read on showing
  only if that one is older than ``CHART_REFRESH_MS``. Redrawing re-generates
  pyqtgraph's paths and axes in Python, so hidden reads are not drawn.

Every tile says how old its data is; while the page is shown the ages move on
every ``AGE_REFRESH_MS`` (texts only, no reads), so a value that stops arriving
turns stale on screen even when no reading comes at all.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from energymon.site_time import today_midnight_ms
from energymon.views.live import site_totals
from energymon.views.overview import OverviewEnergy, overview_energy
from energymon.views.power_chart import ChartRequest, ChartView, chart_view
from ui.context import AppContext
from ui.flow_diagram import FlowDiagram
from ui.overview_chart import OverviewChart
from ui.overview_energy import energy_tiles, waiting_tiles
from ui.overview_live import TileText, flow_flags, live_tiles
from ui.page import Page
from ui.tiles import Tile

CHART_REFRESH_MS = 5000
ENERGY_REFRESH_MS = 30_000
CHART_POINTS = 720
AGE_REFRESH_MS = 1000  # the tiles' data ages move on this often while the page is shown

PV, LOAD, STORAGE, GRID, CARBON, COAL = "#dd8a00", "#2b6cb0", "#2f855a", "#718096", "#38a169", "#4a5568"


class OverviewPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_view: ChartView | None = None
        self.chart_pending: ChartView | None = None  # read while the page was hidden, not drawn yet
        self._chart_read_s = 0.0  # time.monotonic() of the last chart read's arrival
        self.energy: OverviewEnergy | None = None
        self.energy_error: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.tiles_grid = QGridLayout()
        self.tiles_grid.setSpacing(10)
        # Row 1: the park now, and today's headline figures.
        self.tile_pv = Tile("", "kW", PV)
        self.tile_consumption = Tile("", "kW", LOAD)
        self.tile_storage = Tile("", "kW", STORAGE)
        self.tile_grid = Tile("", "kW", GRID)
        self.tile_pv_today = Tile("", "kWh", PV)
        self.tile_self_sufficiency = Tile("", "%", LOAD)
        # Row 2: energy and carbon of the month and the year.
        self.tile_pv_month = Tile("", "MWh", PV)
        self.tile_pv_year = Tile("", "MWh", PV)
        self.tile_co2_today = Tile("", "kg", CARBON)
        self.tile_co2_month = Tile("", "t", CARBON)
        self.tile_co2_year = Tile("", "t", CARBON)
        self.tile_coal_year = Tile("", "t", COAL)
        rows = (
            (
                self.tile_pv,
                self.tile_consumption,
                self.tile_storage,
                self.tile_grid,
                self.tile_pv_today,
                self.tile_self_sufficiency,
            ),
            (
                self.tile_pv_month,
                self.tile_pv_year,
                self.tile_co2_today,
                self.tile_co2_month,
                self.tile_co2_year,
                self.tile_coal_year,
            ),
        )
        for r, row in enumerate(rows):
            for c, tile in enumerate(row):
                self.tiles_grid.addWidget(tile, r, c)
        for c in range(len(rows[0])):
            self.tiles_grid.setColumnStretch(c, 1)
        layout.addLayout(self.tiles_grid)

        lower = QHBoxLayout()
        lower.setSpacing(10)
        self.flow = FlowDiagram()
        lower.addWidget(self.flow, 2)
        self.chart = OverviewChart()
        self.axis, self.plot, self.curves = self.chart.axis, self.chart.plot, self.chart.curves
        lower.addWidget(self.chart.widget, 3)
        layout.addLayout(lower, 1)

        self._chart_timer = QTimer(self, interval=CHART_REFRESH_MS)
        self._chart_timer.timeout.connect(self._chart_tick)
        self._energy_timer = QTimer(self, interval=ENERGY_REFRESH_MS)
        self._energy_timer.timeout.connect(self.request_energy)
        self._age_timer = QTimer(self, interval=AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._age_tick)
        self.live_tiles = {
            "pv": self.tile_pv,
            "consumption": self.tile_consumption,
            "storage": self.tile_storage,
            "grid": self.tile_grid,
        }
        self.energy_tiles = {
            "pv_today": self.tile_pv_today,
            "self_sufficiency": self.tile_self_sufficiency,
            "pv_month": self.tile_pv_month,
            "pv_year": self.tile_pv_year,
            "co2_today": self.tile_co2_today,
            "co2_month": self.tile_co2_month,
            "co2_year": self.tile_co2_year,
            "coal_year": self.tile_coal_year,
        }
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
        self.tile_self_sufficiency.set_title(self.tr("Self-sufficiency"))
        self.tile_pv_month.set_title(self.tr("PV energy this month"))
        self.tile_pv_year.set_title(self.tr("PV energy this year"))
        self.tile_co2_today.set_title(self.tr("Avoided CO₂ today"))
        self.tile_co2_month.set_title(self.tr("Avoided CO₂ this month"))
        self.tile_co2_year.set_title(self.tr("Avoided CO₂ this year"))
        self.tile_coal_year.set_title(self.tr("Coal saved this year"))
        self.tile_coal_year.unit = self.tr("tce")
        self.flow.retranslate()
        names = {
            "grid_w": self.tr("Grid (+ import)"),
            "storage_w": self.tr("Storage (+ discharge)"),
            "pv_w": self.tr("PV generation"),
            "consumption_w": self.tr("Site consumption"),
        }
        self.chart.set_texts(self.tr("Power"), self.tr("Generation and consumption today"), names)
        self.refresh_live()
        self.refresh_energy()

    # -- inputs ------------------------------------------------------------------------
    def _on_site(self) -> None:
        site = self.ctx.site
        assert site is not None  # site_changed comes with the site
        self.chart.set_zone(site.tz)
        self.energy = None
        self.refresh_live()
        self.request_db()
        self._chart_timer.start()
        self._energy_timer.start()
        if self.isVisible():
            self._age_timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.chart_pending is not None:
            self._draw_chart(self.chart_pending)  # before the page's first paint, not in a second one
        if self.ctx.site is not None:
            self._age_timer.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._age_timer.stop()
        super().hideEvent(event)

    def activated(self) -> None:
        self.request_energy()
        if self.last_view is None or time.monotonic() - self._chart_read_s > CHART_REFRESH_MS / 1000:
            self.request_chart()

    def request_db(self) -> None:
        """Read the energy figures and the chart again (on the reader thread, in this order)."""
        self.request_energy()
        self.request_chart()

    def _chart_tick(self) -> None:
        if self.energy is None or self.energy.today.first_ts_ms is None:
            self.request_energy()  # no energy figures yet (e.g. the database was just created): ask again now
        self.request_chart()

    def request_chart(self) -> None:
        ctx = self.ctx
        if ctx.site is None or ctx.db_path is None:
            return
        now = time.time()
        midnight = today_midnight_ms(now, ctx.site.tz)
        request = ChartRequest(ctx.db_path, ctx.site, midnight, int(now * 1000), CHART_POINTS, ctx.viewer_only)
        ctx.db.submit(lambda reader: chart_view(reader, request), self._on_db_view, key="overview")

    def request_energy(self) -> None:
        ctx = self.ctx
        if ctx.site is None or ctx.db_path is None:
            return
        site, now_ms = ctx.site, ctx.now_ms()
        ctx.db.submit(
            lambda reader: overview_energy(reader, site, now_ms),
            self._on_energy,
            self._on_energy_error,
            key="overview-energy",
        )

    def _on_db_view(self, view: ChartView) -> None:
        self.last_view = view
        self._chart_read_s = time.monotonic()
        if view.latest is not None:
            self.ctx.update_readings(view.latest)
        if self.isVisible():
            self._draw_chart(view)
        else:
            self.chart_pending = view

    def _draw_chart(self, view: ChartView) -> None:
        self.chart_pending = None
        self.chart.draw(view)

    def _on_energy(self, energy: OverviewEnergy) -> None:
        self.energy = energy
        self.energy_error = None
        self.refresh_energy()

    def _on_energy_error(self, message: str) -> None:
        self.energy = None  # never keep showing figures that could not be read again
        self.energy_error = message
        self.refresh_energy()

    # -- drawing -------------------------------------------------------------------------
    def refresh_live(self) -> None:
        """The live tiles and the flow diagram from the latest readings (sums over the devices reporting)."""
        site = self.ctx.site
        if site is None:
            return
        now_ms, readings = self.ctx.now_ms(), self.ctx.readings
        totals = site_totals(site.roles, readings, now_ms, site.rated_w)
        texts = live_tiles(totals, readings, site, now_ms)
        for name, tile in self.live_tiles.items():
            show(tile, texts[name])
        self.flow.set_values(
            totals.pv_w.value,
            totals.storage_w.value,
            totals.grid_w.value,
            totals.consumption_w,
            totals.soc_pct,
            totals.storage_w.expected > 0,
            flow_flags(totals),
        )

    def refresh_energy(self) -> None:
        site = self.ctx.site
        if site is None or self.energy is None:
            texts = waiting_tiles(self.energy_error)
        else:
            texts = energy_tiles(self.energy, site, self.ctx.now_ms(), ENERGY_REFRESH_MS)
        for name, tile in self.energy_tiles.items():
            show(tile, texts[name])

    def _age_tick(self) -> None:
        """Once a second while shown: the ages on the tiles move on, a value that stops arriving goes stale."""
        self.refresh_live()
        self.refresh_energy()

    def shutdown(self) -> None:
        self._chart_timer.stop()
        self._energy_timer.stop()
        self._age_timer.stop()


def show(tile: Tile, text: TileText) -> None:
    """Put one tile's texts (ui.overview_live / ui.overview_energy) on it."""
    tile.set_value(text.value, text.detail, text.tooltip)
    tile.set_badge(text.badge, text.badge_tooltip)
    tile.set_age(text.age, text.stale)
