"""Off-GUI-thread work: the collector bridge and the overview's database read.

The collector runs on its own asyncio thread (energymon.collect.service.BackgroundRunner)
and hands each reading to :class:`LiveBridge`, whose signals are delivered to
the GUI thread as queued events. Database reads run on the reader thread of
ui.db_tasks; :func:`overview_view` is the overview's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from energymon.store.reader import PowerSeries, StoreReader
from energymon.views.live import latest_readings
from energymon.views.site import SiteInfo


class LiveBridge(QObject):
    """Signals emitted from the collector thread, received on the GUI thread."""

    reading = Signal(object)  # energymon.views.live.Reading
    started = Signal(object, object)  # SiteInfo, database path
    failed = Signal(str)


@dataclass(frozen=True)
class DbRequest:
    db_path: Path
    site: SiteInfo
    since_ms: int  # start of the chart window
    now_ms: int
    points: int  # about this many buckets across the data shown
    want_latest: bool  # viewer mode: also read the latest values


@dataclass(frozen=True)
class DbView:
    series: PowerSeries
    latest: dict | None
    start_ms: int  # what the chart shows: from the window start or the first data, to now
    end_ms: int


MIN_BUCKET_S = 2.0
HOLD_POLLS = 3  # a device's last value may stand in for 3 poll intervals when its polls miss a bucket


def overview_view(reader: StoreReader, request: DbRequest) -> DbView:
    """What the overview shows from the database (runs on the reader thread, see ui.db_tasks)."""
    site = request.site
    first = reader.first_power_sample_ms(list(site.roles), request.since_ms)
    start = request.since_ms if first is None else max(request.since_ms, first)
    bucket_s = max(MIN_BUCKET_S, (request.now_ms - start) / 1000 / request.points)
    hold = {d.id: int(HOLD_POLLS * d.poll_interval_s * 1000) for d in site.devices}
    series = reader.power_series(site.roles, start, bucket_s, hold)
    latest = latest_readings(reader, list(site.devices), request.since_ms) if request.want_latest else None
    return DbView(series, latest, start, request.now_ms)
