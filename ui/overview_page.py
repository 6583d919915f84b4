"""Overview: large live tiles, the energy-flow diagram and today's generation, consumption, storage and grid curves.

Three sources, none of them read on the GUI thread:

- live tiles and the flow diagram follow the live readings (``ctx.readings``,
  throttled by the context): painting only;
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
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from energymon.site_time import today_midnight_ms
from energymon.views.live import site_totals
from energymon.views.overview import OverviewEnergy, PeriodEnergy, late_start_ms, overview_energy
from energymon.views.power_chart import ChartRequest, ChartView, chart_view
from ui.carbon_text import coal_source, emission_source
from ui.context import AppContext
from ui.flow_diagram import ZERO_W, FlowDiagram
from ui.format import fill
from ui.overview_chart import OverviewChart
from ui.page import Page
from ui.tiles import Tile

CHART_REFRESH_MS = 5000
ENERGY_REFRESH_MS = 30_000
CHART_POINTS = 720

PV, LOAD, STORAGE, GRID, CARBON, COAL = "#dd8a00", "#2b6cb0", "#2f855a", "#718096", "#38a169", "#4a5568"


def number(value: float | None) -> str:
    """A figure for a tile: one decimal below 1,000, whole numbers above (they stay short); "—" if None."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 999.95 else f"{value:,.1f}"


def kw(power_w: float | None) -> str:
    return number(None if power_w is None else power_w / 1000)


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
        lower.addWidget(self.plot, 3)
        layout.addLayout(lower, 1)

        self._chart_timer = QTimer(self, interval=CHART_REFRESH_MS)
        self._chart_timer.timeout.connect(self._chart_tick)
        self._energy_timer = QTimer(self, interval=ENERGY_REFRESH_MS)
        self._energy_timer.timeout.connect(self.request_energy)
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

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.chart_pending is not None:
            self._draw_chart(self.chart_pending)  # before the page's first paint, not in a second one
        super().showEvent(event)

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
        site = self.ctx.site
        if site is None:
            return
        totals = site_totals(site.roles, self.ctx.readings, self.ctx.now_ms())
        pv = totals.pv_w
        self.tile_pv.set_value(
            kw(pv.value), fill(self.tr("%1 of %2 inverters reporting"), str(pv.reporting), str(pv.expected))
        )
        load = totals.load_w
        if load.expected and load.value is not None:
            load_detail = fill(self.tr("Balance of PV, storage and grid. Metered loads: %1 kW."), kw(load.value))
        elif load.expected:
            load_detail = self.tr("Balance of PV, storage and grid. Metered loads: incomplete.")
        else:
            load_detail = self.tr("Balance of PV, storage and grid.")
        if totals.consumption_w is None:
            load_detail = self.tr("Needs fresh PV, storage and grid readings.")
        self.tile_consumption.set_value(
            kw(totals.consumption_w),
            load_detail,
            self.tr("PV + storage discharge + grid import − export − storage charge"),
        )

        storage = totals.storage_w
        has_storage = storage.expected > 0
        soc = None if totals.soc_pct is None else f"{totals.soc_pct:.1f}"
        if not has_storage:
            self.tile_storage.set_value("—", self.tr("No storage at this site."))
        elif storage.value is None:
            self.tile_storage.set_value("—", self.tr("No fresh storage reading."))
        elif storage.value <= -ZERO_W:
            self.tile_storage.set_value(
                kw(-storage.value), self.tr("Charging.") if soc is None else fill(self.tr("Charging. SoC %1 %"), soc)
            )
        elif storage.value >= ZERO_W:
            self.tile_storage.set_value(
                kw(storage.value),
                self.tr("Discharging.") if soc is None else fill(self.tr("Discharging. SoC %1 %"), soc),
            )
        else:
            self.tile_storage.set_value(
                kw(0.0), self.tr("Idle.") if soc is None else fill(self.tr("Idle. SoC %1 %"), soc)
            )

        grid = totals.grid_w.value
        if grid is None:
            self.tile_grid.set_value("—", self.tr("No fresh grid reading."))
        elif grid >= ZERO_W:
            self.tile_grid.set_value(kw(grid), self.tr("Importing from the grid."))
        elif grid <= -ZERO_W:
            self.tile_grid.set_value(kw(-grid), self.tr("Exporting to the grid."))
        else:
            self.tile_grid.set_value(kw(0.0), self.tr("No exchange with the grid."))

        self.flow.set_values(pv.value, storage.value, grid, totals.consumption_w, totals.soc_pct, has_storage)

    def _since(self, period: PeriodEnergy, which: str) -> str:
        """Where a period's figure starts, as a sentence (which: today / month / year)."""
        site = self.ctx.site
        assert site is not None  # energy is read for a known site
        late = late_start_ms(period)
        if period.first_ts_ms is None:
            return {
                "today": self.tr("No counter data today yet."),
                "month": self.tr("No counter data this month yet."),
                "year": self.tr("No counter data this year yet."),
            }[which]
        if late is not None:
            local = datetime.fromtimestamp(late / 1000, UTC).astimezone(site.tz)
            stamp = local.strftime("%H:%M") if which == "today" else local.strftime("%m-%d %H:%M")
            return fill(self.tr("Since %1 (first data), from counters."), stamp)
        return {
            "today": self.tr("Since 00:00 local time, from counters."),
            "month": self.tr("Since the 1st, 00:00 local time, from counters."),
            "year": self.tr("Since 1 January, 00:00 local time, from counters."),
        }[which]

    def _pv_note(self, period: PeriodEnergy) -> str:
        """An extra sentence if some inverters have no counter data in the period; else ""."""
        missing = len(period.missing.get("pv_wh", ()))
        if not missing:
            return ""
        counted = period.counted.get("pv_wh", 0)
        return " " + fill(self.tr("%1 of %2 inverters have data."), str(counted), str(counted + missing))

    def refresh_energy(self) -> None:
        site = self.ctx.site
        energy_tiles = (
            self.tile_pv_today,
            self.tile_self_sufficiency,
            self.tile_pv_month,
            self.tile_pv_year,
            self.tile_co2_today,
            self.tile_co2_month,
            self.tile_co2_year,
            self.tile_coal_year,
        )
        if site is None or self.energy is None:
            if self.energy_error is None:
                detail = self.tr("Reading the database…")
            elif "no database yet" in self.energy_error:  # ui.db_tasks: the collector has not written yet
                detail = self.tr("Waiting for the first data.")
            else:
                detail = self.tr("The database could not be read.")
            for tile in energy_tiles:
                tile.set_value("—", detail, self.energy_error or "")
            return
        e = self.energy
        periods = {"today": e.today, "month": e.month, "year": e.year}
        pv_tiles = {
            "today": (self.tile_pv_today, 1e3),
            "month": (self.tile_pv_month, 1e6),  # kWh, MWh
            "year": (self.tile_pv_year, 1e6),
        }
        for which, (tile, wh_per_unit) in pv_tiles.items():
            period = periods[which]
            pv = period.pv_wh
            tile.set_value(
                number(None if pv is None else pv / wh_per_unit), self._since(period, which) + self._pv_note(period)
            )

        today = e.today
        share, consumption_wh = today.self_sufficiency_pct, today.consumption_wh
        if share is not None and consumption_wh is not None:  # a share is known only with the consumption
            detail = self.tr("(Consumption − import) ÷ consumption, since 00:00, from counters.")
            if late_start_ms(today) is not None:
                detail = fill(self.tr("(Consumption − import) ÷ consumption. %1"), self._since(today, "today"))
            tooltip = fill(
                self.tr("Today: consumption %1 kWh, grid import %2 kWh."),
                number(consumption_wh / 1000),
                number(today.flows.grid_import_wh / 1000),
            )
            guessed = sorted({d for ids in today.estimated.values() for d in ids})
            if guessed:
                tooltip += "\n" + fill(self.tr("Estimated from power (no energy counters): %1."), ", ".join(guessed))
        elif today.first_ts_ms is None:
            detail, tooltip = self._since(today, "today"), ""
        else:
            detail = self.tr("Needs counter data of every PV, storage and grid meter today.")
            tooltip = ", ".join(sorted({d for ids in today.missing.values() for d in ids}))
        self.tile_self_sufficiency.set_value(number(share), detail, tooltip)

        factor = f"{e.emission_factor_kg_per_kwh:g}"
        source = emission_source(site.emission_factor_source)  # in the GUI's language
        source = fill(self.tr("Grid emission factor %1 kg CO₂/kWh: %2"), factor, source)
        co2_tiles = {
            "today": (self.tile_co2_today, 1.0, self.tr("Today's PV energy × %1 kg/kWh.")),
            "month": (self.tile_co2_month, 1000.0, self.tr("This month's PV energy × %1 kg/kWh.")),
            "year": (self.tile_co2_year, 1000.0, self.tr("This year's PV energy × %1 kg/kWh.")),
        }
        for which, (tile, per_unit_kg, text) in co2_tiles.items():
            co2 = periods[which].avoided_co2_kg
            tile.set_value(number(None if co2 is None else co2 / per_unit_kg), fill(text, factor), source)

        if e.coal_kgce_per_kwh is None:
            self.tile_coal_year.set_value("—", self.tr("No coal factor available."))
        else:
            month_coal = e.month.coal_saved_kgce
            detail = fill(
                self.tr("This year's PV energy × %1 kgce/kWh. This month: %2 tce."),
                f"{e.coal_kgce_per_kwh:g}",
                number(None if month_coal is None else month_coal / 1000),
            )
            coal, source = e.year.coal_saved_kgce, fill(self.tr("Coal factor: %1"), coal_source(e.coal_source))
            self.tile_coal_year.set_value(number(None if coal is None else coal / 1000), detail, source)

    def shutdown(self) -> None:
        self._chart_timer.stop()
        self._energy_timer.stop()
