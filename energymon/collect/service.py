"""Composition of the running parts: store writer + collector (+ simulator for the demo).

:class:`Collection` wires collector readings and events into the store writer. It starts
with the database's health: a file that cannot be written (full disk, read-only,
locked, damaged) is a one-line StoreError before anything polls, and
``PRAGMA quick_check`` (time-bounded) warns of a damaged file, which is then
written on (the warning is logged and stored as a ``database_damaged`` event).
Once running, a failed write never stops collection: the writer holds the
readings and writes them when it can (energymon.store.writer).
:class:`BackgroundRunner` runs an asyncio coroutine factory in its own thread
(used by the GUI, whose thread must never do Modbus or SQLite work).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from energymon.collect.collector import Collector
from energymon.collect.long_lived import LongLivedState
from energymon.collect.reading import Reading
from energymon.config import Config
from energymon.events import DATABASE_DAMAGED, SEVERITY, Event
from energymon.store.health_check import QUICK_CHECK_S, HealthCheck, quick_check
from energymon.store.last_counters import last_counter_values
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError
from energymon.store.startup import start_writer
from energymon.store.writer import SampleBatch

log = logging.getLogger("energymon.collect")


class Collection:
    """A collector whose readings and events go into the database at ``db_path``.

    ``quick_check_s`` bounds the start-up check (seconds); ``writer_options``
    go to the store writer (busy timeout, spool limits, retry waits).
    """

    def __init__(
        self,
        config: Config,
        db_path: Path,
        config_text: str | None = None,
        quick_check_s: float = QUICK_CHECK_S,
        **writer_options: Any,
    ) -> None:
        self.config = config
        self.db_path = db_path
        self.stop_reason: str | None = None  # why it was asked to stop, for the log line (run_until_stopped)
        self.collector = Collector(config)  # first: it refuses configs it cannot poll, before any file is made
        self.writer = start_writer(db_path, config, config_text, **writer_options)
        self.health: HealthCheck = quick_check(db_path, quick_check_s)
        self._report_health(self.health)
        self.collector.seed_counters(_last_counters(db_path))  # a counter that stepped back meanwhile: an event
        self.collector.reading_subscribers.append(self._store_reading)
        self.collector.event_subscribers.append(self.writer.put_event)
        self.long_lived = LongLivedState(d.id for d in config.devices)  # frozen once every device has polled

    def _report_health(self, health: HealthCheck) -> None:
        if (note := health.cut_short()) is not None:
            log.info("%s", note)
        if (warning := health.warning()) is not None:
            log.warning("%s", warning)
            self.writer.put_event(
                Event(
                    int(time.time() * 1000),
                    None,
                    DATABASE_DAMAGED,
                    SEVERITY[DATABASE_DAMAGED],
                    warning,
                    health.params(),
                )
            )

    def _store_reading(self, reading: Reading) -> None:
        self.long_lived.polled(reading.device_id)
        if self.writer.error is not None:
            # The writer stopped on an error that is not the storage's (a bug): stop, and run() reports it.
            # (A full disk, a lock or a read-only file does not get here: the writer holds and retries.)
            self.collector.stop()
            return
        if reading.ok:
            self.writer.put_samples(SampleBatch(reading.device_id, reading.ts_ms, dict(reading.values)))

    async def run(self, duration_s: float | None = None) -> None:
        """Collect until stopped; raises :class:`StoreError` if the database could not be written.

        Logs the start (site, devices, connections, database) and the stop with its reason: one line each.
        """
        config = self.config
        log.info(
            "collection started: site %r, %d devices on %d connections (%s), database %s",
            config.site.name,
            len(config.devices),
            len({d.connection for d in config.devices}),
            ", ".join(sorted({d.connection for d in config.devices})),
            self.db_path,
        )
        started = time.monotonic()
        reason = "stopped by error"
        try:
            await self.collector.run(duration_s)
            reason = self.stop_reason or (f"duration of {duration_s:g} s reached" if duration_s else "stopped")
        finally:
            # No time limit: the writer must have finished before its connection is closed (a connection
            # closed under a writer still inserting a backlog crashes the process); its own stop is bounded.
            await asyncio.to_thread(self.writer.close, threading.TIMEOUT_MAX)
            if self.writer.error is not None:
                reason = f"database error: {self.writer.error}"
            log.info(
                "collection stopped after %.0f s (%s); %d samples committed",
                time.monotonic() - started,
                reason,
                self.writer.rows_committed,
            )
        if self.writer.error is not None:
            raise StoreError(self.writer.error)


class BackgroundRunner:
    """Run ``main(stop_event)`` on an asyncio loop in a daemon thread; ``stop()`` is thread-safe."""

    def __init__(self, main: Callable[[asyncio.Event], Awaitable[None]], name: str = "energymon-collector") -> None:
        self._main = main
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        async def body() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await self._main(self._stop)

        try:
            asyncio.run(body())
        except BaseException as exc:  # noqa: BLE001 - reported to the owner through .error
            self.error = exc
        finally:
            self._ready.set()

    def stop(self, timeout_s: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:
                pass
        self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


async def run_until_stopped(collection: Collection, stop: asyncio.Event, duration_s: float | None = None) -> None:
    """Run ``collection`` until ``stop`` is set or ``duration_s`` passes."""
    task = asyncio.create_task(collection.run(duration_s))
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if stopper in done:
        collection.stop_reason = "stop requested"
        collection.collector.stop()
    else:
        stopper.cancel()
    await task


def _last_counters(db_path: Path) -> list[tuple[str, str, int, float]]:
    """The newest stored value of each counter channel (empty if the file cannot be read: a damaged one)."""
    try:
        reader = StoreReader(db_path)
    except StoreError:
        return []
    try:
        return last_counter_values(reader)
    except sqlite3.Error:
        return []
    finally:
        reader.close()
