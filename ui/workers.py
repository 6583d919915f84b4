"""The collector bridge: readings from the collector's thread to the GUI thread.

The collector runs on its own asyncio thread (energymon.collect.service.BackgroundRunner)
and hands each reading to :class:`LiveBridge`, whose signals are delivered to
the GUI thread as queued events. Database reads run on the reader thread of
ui.db_tasks (the overview's chart read: energymon.views.power_chart).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class LiveBridge(QObject):
    """Signals emitted from the collector thread, received on the GUI thread."""

    reading = Signal(object)  # energymon.collect.reading.Reading
    started = Signal(object, object)  # SiteInfo, database path
    failed = Signal(str)
