"""The main window: live tiles, generation/consumption chart, device table.

The GUI thread only formats and draws. Readings arrive by queued signals from
the collector thread; database reads run in a DbWorker thread. Tile updates are
throttled to at most one per ``TILE_REFRESH_MS``; the chart is refreshed from
the database every ``CHART_REFRESH_MS``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QThread, QTimer, Signal, Qt
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QHeaderView, QLabel, QMainWindow, QSplitter, QTableView, QVBoxLayout,
    QWidget,
)
import pyqtgraph as pg

from energymon.carbon import avoided_co2_kg
from energymon.live import Reading, site_totals
from energymon.site import SiteInfo
from energymon.summary import backfill_line, local_midnight_ms
from ui import format as fmt
from ui.device_table import DeviceTableModel
from ui.tiles import Tile
from ui.workers import DbRequest, DbView, DbWorker

TILE_REFRESH_MS = 250
CHART_REFRESH_MS = 5000
CHART_WINDOW_S = 6 * 3600
CHART_POINTS = 720

SERIES = (  # attribute of PowerSeries, legend, colour; drawn in this order (last on top)
    ("grid_w", "Grid (+ import)", "#718096"),
    ("storage_w", "Storage (+ discharge)", "#2f855a"),
    ("pv_w", "PV generation", "#dd8a00"),
    ("consumption_w", "Site consumption", "#2b6cb0"),
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


class MainWindow(QMainWindow):
    db_refresh_requested = Signal(object)  # DbRequest, to the DbWorker thread

    def __init__(self, viewer_only: bool = False) -> None:
        super().__init__()
        self.viewer_only = viewer_only
        self.site: SiteInfo | None = None
        self.db_path: Path | None = None
        self.readings: dict[str, Reading] = {}
        self.last_view: DbView | None = None
        self.readings_received = 0
        self.backfill = None  # energymon.demo.BackfillStatus while the demo fills its first history
        self._status_text = ""
        self._failed = False
        self.setWindowTitle(self.tr("energymon"))
        self.resize(1500, 950)
        self._build()

        self._db_thread = QThread(self)
        self._db_thread.setObjectName("energymon-db-reader")
        self._db_worker = DbWorker()
        self._db_worker.moveToThread(self._db_thread)
        self.db_refresh_requested.connect(self._db_worker.refresh, Qt.QueuedConnection)
        self._db_worker.result.connect(self._on_db_view, Qt.QueuedConnection)
        self._db_worker.error.connect(self._on_db_error, Qt.QueuedConnection)
        self._db_thread.start()

        self._tile_timer = QTimer(self, singleShot=True, interval=TILE_REFRESH_MS)
        self._tile_timer.timeout.connect(self._refresh_live)
        self._chart_timer = QTimer(self, interval=CHART_REFRESH_MS)
        self._chart_timer.timeout.connect(self._request_db)
        self._clock_timer = QTimer(self, interval=1000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        root.setStyleSheet("background: #f4f6f9;")
        outer = QVBoxLayout(root)
        outer.setContentsMargins(16, 12, 16, 8)

        header = QHBoxLayout()
        self.site_label = QLabel(self.tr("Starting…"))
        self.site_label.setStyleSheet("font-size: 18pt; font-weight: 600; color: #1a202c;")
        self.clock_label = QLabel("")
        self.clock_label.setStyleSheet("font-size: 14pt; color: #4a5568;")
        header.addWidget(self.site_label)
        header.addStretch(1)
        header.addWidget(self.clock_label)
        outer.addLayout(header)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.tile_pv = Tile(self.tr("PV power"), "kW", "#dd8a00")
        self.tile_consumption = Tile(self.tr("Site consumption"), "kW", "#2b6cb0")
        self.tile_storage = Tile(self.tr("Storage"), "kW", "#2f855a")
        self.tile_grid = Tile(self.tr("Grid"), "kW", "#718096")
        self.tile_pv_today = Tile(self.tr("PV energy today"), "kWh", "#dd8a00")
        self.tile_co2_today = Tile(self.tr("Avoided CO₂ today"), "kg", "#38a169")
        tiles = (self.tile_pv, self.tile_consumption, self.tile_storage,
                 self.tile_grid, self.tile_pv_today, self.tile_co2_today)
        for i, tile in enumerate(tiles):
            grid.addWidget(tile, 0, i)
        outer.addLayout(grid)

        pg.setConfigOptions(antialias=True, background="w", foreground="#2d3748")
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setLabel("left", self.tr("Power"), units="W")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setTitle(self.tr("Generation and consumption, last hours"))
        self.curves = {}
        for attr, label, colour in SERIES:
            curve = self.plot.plot([], [], name=label, pen=pg.mkPen(colour, width=2.5))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.curves[attr] = curve

        self.device_model = DeviceTableModel(self)
        self.device_view = QTableView()
        self.device_view.setModel(self.device_model)
        self.device_view.verticalHeader().setVisible(False)
        self.device_view.setAlternatingRowColors(True)
        self.device_view.setStyleSheet("background: #ffffff; font-size: 10pt;")
        self.device_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.device_view.horizontalHeader().setStretchLastSection(True)

        split = QSplitter(Qt.Vertical)
        split.addWidget(self.plot)
        split.addWidget(self.device_view)
        split.setSizes([520, 330])
        outer.addWidget(split, 1)
        self.setCentralWidget(root)
        self.status_label = QLabel("")
        self.statusBar().addWidget(self.status_label, 1)
        self.history_label = QLabel("")
        self.statusBar().addPermanentWidget(self.history_label)

    # -- inputs --------------------------------------------------------------------
    def set_site(self, site: SiteInfo, db_path: Path) -> None:
        """Called once the site is known (demo: after the simulator got its ports)."""
        self.site = site
        self.db_path = Path(db_path)
        self.site_label.setText(site.name)
        offset = datetime.now(site.tz).utcoffset() or timedelta(0)
        self.axis.utcOffset = -int(offset.total_seconds())  # pyqtgraph: seconds west of UTC
        mode = self.tr("viewing database") if self.viewer_only else self.tr("collecting")
        self._status_text = (f"{mode}: {self.db_path}   ·   "
                             f"CO₂ factor {site.emission_factor_kg_per_kwh:g} kg/kWh ({site.emission_factor_source})")
        self.status_label.setText(self._status_text)
        self._refresh_live()
        self._request_db()
        self._chart_timer.start()

    def on_reading(self, reading: Reading) -> None:
        self.readings[reading.device_id] = reading
        self.readings_received += 1
        if not self._tile_timer.isActive():
            self._tile_timer.start()

    def show_failure(self, message: str) -> None:
        self._failed = True
        self.status_label.setText(self.tr("Collector stopped: ") + message)
        self.status_label.setStyleSheet("color: #c53030; font-weight: 600;")

    # -- refresh -------------------------------------------------------------------
    def _tick(self) -> None:
        if self.site is not None:
            self.clock_label.setText(datetime.now(self.site.tz).strftime("%Y-%m-%d %H:%M:%S %Z"))
        if self.backfill is not None:
            text = backfill_line(self.backfill)
            if text != self.history_label.text():
                self.history_label.setText(text)
                if not self.backfill.running:
                    self._request_db()  # the history is complete: redraw with it

    def _request_db(self) -> None:
        if self.site is None or self.db_path is None:
            return
        now = time.time()
        midnight = local_midnight_ms(now, self.site.tz)
        since = int((now - CHART_WINDOW_S) * 1000)
        self.db_refresh_requested.emit(
            DbRequest(self.db_path, self.site, midnight, since, int(now * 1000), CHART_POINTS, self.viewer_only)
        )

    def _on_db_view(self, view: DbView) -> None:
        self.last_view = view
        if not self._failed:
            self.status_label.setText(self._status_text)
        if view.latest is not None:
            self.readings.update(view.latest)
            self._refresh_live()
        series = view.series
        xs, breaks = with_breaks(series.ts_ms)
        for attr, curve in self.curves.items():
            # Gaps stay gaps: a bucket without the flow, or time without data, is drawn as a break.
            ys = [float("nan") if i is None else _finite(getattr(series, attr)[i]) for i in breaks]
            curve.setData(xs, ys, connect="finite")
        # Always a time axis over what is shown, even before there are two points to draw.
        self.plot.setXRange(view.start_ms / 1000, max(view.end_ms, view.start_ms + 60_000) / 1000, padding=0.02)
        self._refresh_energy()

    def _on_db_error(self, message: str) -> None:
        if not self._failed:
            self.status_label.setText(f"{self._status_text}   ·   {message}")

    def _refresh_live(self) -> None:
        if self.site is None:
            return
        now_ms = int(time.time() * 1000)
        totals = site_totals(self.site.roles, self.readings, now_ms)
        pv = totals.pv_w
        self.tile_pv.set_value(fmt.kw(pv.value), self.tr("%n of %m inverters reporting")
                               .replace("%n", str(pv.reporting)).replace("%m", str(pv.expected)))
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
        self.device_model.set_rows(self.site.devices, self.readings, now_ms, self.site.tz)

    def _refresh_energy(self) -> None:
        if self.site is None or self.last_view is None:
            return
        energy = self.last_view.pv_today
        midnight = local_midnight_ms(time.time(), self.site.tz)
        detail = self.tr("from inverter counters")
        if energy.first_ts_ms is None:
            detail = self.tr("no data today yet")
        elif energy.first_ts_ms > midnight + 10 * 60 * 1000:
            since = datetime.fromtimestamp(energy.first_ts_ms / 1000, timezone.utc).astimezone(self.site.tz)
            detail = self.tr("since %s (first data today)").replace("%s", since.strftime("%H:%M"))
        shown = None if energy.first_ts_ms is None else energy.energy_wh
        self.tile_pv_today.set_value(fmt.kwh(shown), detail)
        co2 = None if shown is None else avoided_co2_kg(shown, self.site.emission_factor_kg_per_kwh)
        self.tile_co2_today.set_value(
            fmt.number(co2), f"× {self.site.emission_factor_kg_per_kwh:g} kg/kWh",
            self.site.emission_factor_source,
        )

    # -- shutdown ------------------------------------------------------------------
    def shutdown(self) -> None:
        self._chart_timer.stop()
        self._clock_timer.stop()
        self._tile_timer.stop()
        self._db_thread.quit()
        self._db_thread.wait(5000)
        self._db_worker.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
