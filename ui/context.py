"""The state the pages of the main window share: site, database, live readings, reader thread."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from energymon.collect.reading import Reading
from energymon.config import Config
from energymon.store.writer import StoreWriter
from energymon.views.site import SiteInfo
from ui.db_tasks import DbTasks

READINGS_REFRESH_MS = 250  # live views redraw at most this often


class AppContext(QObject):
    """Shared by every page. Signals arrive on the GUI thread."""

    site_changed = Signal()  # site and db_path are known (or changed)
    readings_changed = Signal()  # throttled: at most one per READINGS_REFRESH_MS
    failure = Signal(str)  # the collector stopped

    def __init__(self, viewer_only: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.viewer_only = viewer_only
        self.site: SiteInfo | None = None
        self.db_path: Path | None = None
        self.config: Config | None = None  # the site config when collecting (the register inspector needs it)
        self.readings: dict[str, Reading] = {}
        self.readings_received = 0
        self.backfill = None  # energymon.demo.BackfillStatus while the demo fills its first history
        self.ack_writer: StoreWriter | None = (
            None  # StoreWriter of this process's collection (ui.app); None when only viewing
        )
        self.db = DbTasks(self)
        self._throttle = QTimer(self, singleShot=True, interval=READINGS_REFRESH_MS)
        self._throttle.timeout.connect(self.readings_changed)

    def set_site(self, site: SiteInfo, db_path: Path, config: Config | None = None) -> None:
        self.site = site
        self.db_path = Path(db_path)
        self.db.db_path = self.db_path
        if config is not None:
            self.config = config
        self.site_changed.emit()

    def add_reading(self, reading: Reading) -> None:
        self.readings[reading.device_id] = reading
        self.readings_received += 1
        if not self._throttle.isActive():
            self._throttle.start()

    def update_readings(self, readings: dict[str, Reading]) -> None:
        """Latest values read from the database (viewer mode)."""
        self.readings.update(readings)
        if not self._throttle.isActive():
            self._throttle.start()

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    def shutdown(self) -> None:
        self._throttle.stop()
        self.db.shutdown()
