"""Off-GUI-thread work: the collector bridge and the database reader.

The collector runs on its own asyncio thread (energymon.service.BackgroundRunner)
and hands each reading to :class:`LiveBridge`, whose signals are delivered to
the GUI thread as queued events. :class:`DbWorker` lives in a QThread and does
every SQLite read; the GUI thread only sends it requests and receives results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from drivers.quantities import Role
from energymon.queries import CounterEnergy, PowerSeries, StoreReader, latest_readings
from energymon.site import SiteInfo
from energymon.store import StoreError


class LiveBridge(QObject):
    """Signals emitted from the collector thread, received on the GUI thread."""

    reading = Signal(object)  # energymon.live.Reading
    started = Signal(object, object)  # SiteInfo, database path
    failed = Signal(str)


@dataclass(frozen=True)
class DbRequest:
    db_path: Path
    site: SiteInfo
    midnight_ms: int
    since_ms: int  # start of the chart window
    now_ms: int
    points: int  # about this many buckets across the data shown
    want_latest: bool  # viewer mode: also read the latest values


@dataclass(frozen=True)
class DbView:
    pv_today: CounterEnergy
    series: PowerSeries
    latest: dict | None
    start_ms: int  # what the chart shows: from the window start or the first data, to now
    end_ms: int


MIN_BUCKET_S = 2.0
HOLD_POLLS = 3  # a device's last value may stand in for 3 poll intervals when its polls miss a bucket


class DbWorker(QObject):
    """Runs read queries in its own thread; one short read transaction per query."""

    result = Signal(object)  # DbView
    error = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._reader: StoreReader | None = None

    @Slot(object)
    def refresh(self, request: DbRequest) -> None:
        try:
            if self._reader is None or self._reader.path != request.db_path:
                if self._reader is not None:
                    self._reader.close()
                self._reader = None
                if not request.db_path.exists():
                    self.error.emit(f"{request.db_path}: no database yet")
                    return
                self._reader = StoreReader(request.db_path)
            site = request.site
            pv_today = self._reader.counter_energy_since(site.ids(Role.PV), "yield_wh", request.midnight_ms)
            first = self._reader.first_power_sample_ms(list(site.roles), request.since_ms)
            start = request.since_ms if first is None else max(request.since_ms, first)
            bucket_s = max(MIN_BUCKET_S, (request.now_ms - start) / 1000 / request.points)
            hold = {d.id: int(HOLD_POLLS * d.poll_interval_s * 1000) for d in site.devices}
            series = self._reader.power_series(site.roles, start, bucket_s, hold)
            latest = None
            if request.want_latest:
                latest = latest_readings(self._reader, list(site.devices), request.since_ms)
            self.result.emit(DbView(pv_today, series, latest, start, request.now_ms))
        except StoreError as exc:
            self.error.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - report, never kill the worker thread
            self.error.emit(f"{request.db_path}: read failed: {type(exc).__name__}: {exc}")

    @Slot()
    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
