"""The main window: a navigation list and the pages (overview, trends, devices, events, reports, settings).

The GUI thread only formats and draws. Readings arrive by queued signals from
the collector thread (ui.workers.LiveBridge -> AppContext); database reads run
on the reader thread (ui.db_tasks). Window geometry, splitter and the last
page are remembered (QSettings).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from energymon.collect.reading import Reading
from energymon.config import Config
from energymon.views.site import SiteInfo
from ui.carbon_text import emission_source
from ui.context import AppContext
from ui.devices_page import DevicesPage
from ui.elided_label import ElidedLabel
from ui.energy_page import EnergyPage
from ui.events_page import EventsPage
from ui.format import fill
from ui.overview_page import OverviewPage
from ui.page import Page
from ui.pv_page import PvPage
from ui.reports_page import ReportsPage
from ui.settings_page import SettingsPage
from ui.trends_page import TrendsPage
from ui.wall_display import WallDisplay

# The pages in navigation order: (attribute on the window, class). New pages add a line here.
PAGES: tuple[tuple[str, type[Page]], ...] = (
    ("overview", OverviewPage),
    ("energy", EnergyPage),
    ("trends", TrendsPage),
    ("pv", PvPage),
    ("devices", DevicesPage),
    ("events", EventsPage),
    ("reports", ReportsPage),
    ("settings", SettingsPage),
)


class MainWindow(QMainWindow):
    # The pages, by their names in PAGES (set in _build).
    overview: OverviewPage
    energy: EnergyPage
    trends: TrendsPage
    pv: PvPage
    devices: DevicesPage
    events: EventsPage
    reports: ReportsPage
    settings: SettingsPage

    def __init__(self, viewer_only: bool = False) -> None:
        super().__init__()
        self._bridge: QObject | None = None  # the collector's LiveBridge (ui.app), alive as long as the window
        self.ctx = AppContext(viewer_only, self)
        self.viewer_only = viewer_only
        self._status_text = ""
        self._failed = False
        self.resize(1500, 950)
        self._build()
        self.wall = WallDisplay(self)  # full screen (F11), page shortcuts (Ctrl+1...) and cycling
        self.ctx.site_changed.connect(self._on_site)
        self.ctx.failure.connect(self.show_failure)
        self.events.alarms_changed.connect(self._show_alarms)
        self._clock_timer = QTimer(self, interval=1000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        self._restore_layout()
        self.retranslate()

    # -- layout ------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        root.setObjectName("root")
        root.setStyleSheet("#root { background: #f4f6f9; }")
        outer = QVBoxLayout(root)
        outer.setContentsMargins(16, 12, 16, 8)
        header = QHBoxLayout()
        self.site_label = QLabel("")
        self.site_label.setStyleSheet("font-size: 18pt; font-weight: 600; color: #1a202c;")
        self.alarm_label = QLabel("")
        self.alarm_label.setStyleSheet("font-size: 12pt; font-weight: 600; color: #c53030;")
        self.clock_label = QLabel("")
        self.clock_label.setStyleSheet("font-size: 14pt; color: #4a5568;")
        header.addWidget(self.site_label)
        header.addSpacing(24)
        header.addWidget(self.alarm_label)
        header.addStretch(1)
        header.addWidget(self.clock_label)
        outer.addLayout(header)

        body = QHBoxLayout()
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.nav.setStyleSheet(
            "QListWidget { background: #1f2937; color: #e5e7eb; font-size: 13pt; border: none; border-radius: 6px; }"
            " QListWidget::item { padding: 10px 12px; } QListWidget::item:selected { background: #2b6cb0; }"
        )
        self.stack = QStackedWidget()
        self.pages: list[Page] = []
        for attribute, page_class in PAGES:
            page = page_class(self.ctx, self)
            setattr(self, attribute, page)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.nav.addItem(page.title())
        self.nav.currentRowChanged.connect(self._show_page)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(root)
        self.status_label = ElidedLabel("")
        self.statusBar().addWidget(self.status_label, 1)
        self.history_label = QLabel("")
        self.statusBar().addPermanentWidget(self.history_label)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("energymon"))
        for row, page in enumerate(self.pages):
            self.nav.item(row).setText(page.title())
            self.nav.item(row).setToolTip(self.wall.nav_tooltip(row, page.title()))
        if self.ctx.site is None:
            self.site_label.setText(self.tr("Starting…"))
        if self.ctx.backfill is not None:
            self.history_label.setText(self._history_text(self.ctx.backfill))
        self._update_status()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            self.pages[row].activated()

    def show_page(self, attribute: str) -> None:
        """Switch to the page stored on the window under ``attribute`` (e.g. "devices")."""
        self.nav.setCurrentRow([a for a, _ in PAGES].index(attribute))

    # -- inputs (from the app and the collector bridge) -------------------------------
    def set_site(self, site: SiteInfo, db_path: Path, config: Config | None = None) -> None:
        """Called once the site is known (demo: after the simulator got its ports)."""
        self.site_label.setText(site.name)
        self.ctx.set_site(site, db_path, config)

    def on_reading(self, reading: Reading) -> None:
        self.ctx.add_reading(reading)

    def show_failure(self, message: str) -> None:
        self._failed = True
        self.status_label.setText(self.tr("Collector stopped: ") + message)
        self.status_label.setStyleSheet("color: #c53030; font-weight: 600;")

    @property
    def backfill(self):
        return self.ctx.backfill

    @backfill.setter
    def backfill(self, status) -> None:
        self.ctx.backfill = status

    def _show_alarms(self, summary: str, details: str) -> None:
        """The active alarms (ui.events_page) in the header: a summary line, every alarm in its tooltip."""
        self.alarm_label.setText(summary)
        self.alarm_label.setToolTip(details)

    def _on_site(self) -> None:
        self._update_status()

    def _update_status(self) -> None:
        site = self.ctx.site
        if site is None or self._failed:
            return
        mode = self.tr("viewing database") if self.viewer_only else self.tr("collecting")
        self._status_text = (
            f"{mode}: {self.ctx.db_path}   ·   "
            + self.tr("CO₂ factor")
            + f" {site.emission_factor_kg_per_kwh:g} kg/kWh ("
            + emission_source(site.emission_factor_source)
            + ")"
        )
        self.status_label.setText(self._status_text)

    def _tick(self) -> None:
        if self.ctx.site is not None:
            self.clock_label.setText(datetime.now(self.ctx.site.tz).strftime("%Y-%m-%d %H:%M:%S %Z"))
        if self.ctx.backfill is not None:
            text = self._history_text(self.ctx.backfill)
            if text != self.history_label.text():
                self.history_label.setText(text)
                if not self.ctx.backfill.running:
                    self.overview.request_db()  # the history is complete: redraw with it

    def _history_text(self, status) -> str:
        """The status bar's line about the demo's first-start history (energymon.demo.BackfillStatus)."""
        if status.error:
            return fill(self.tr("History: %1"), status.error)  # the detail comes from the demo, in English
        if status.running:
            return fill(
                self.tr("History: %1 % (%2 of %3 days), %4 samples written so far"),
                f"{status.share_done * 100:.0f}",
                f"{status.share_done * status.days:.0f}",
                f"{status.days:g}",
                f"{status.samples:,}",
            )
        return fill(
            self.tr("History: %1 days, %2 samples, written in %3 s"),
            f"{status.days:g}",
            f"{status.samples:,}",
            f"{status.seconds:.0f}",
        )

    # -- settings -----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        row = int(str(settings.value("window/page", 0) or 0))
        self.nav.setCurrentRow(row if 0 <= row < len(self.pages) else 0)

    def _save_layout(self) -> None:
        settings = QSettings()
        if not self.isFullScreen():  # a wall display's full screen is asked for each time (F11, --fullscreen)
            settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/page", self.nav.currentRow())

    # -- shutdown ------------------------------------------------------------------
    def shutdown(self) -> None:
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self._save_layout()
        self._clock_timer.stop()
        self.wall.shutdown()
        for page in self.pages:
            page.shutdown()
        self.ctx.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
