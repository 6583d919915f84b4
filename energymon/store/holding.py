"""The writer's behaviour while the database cannot be written: hold, retry with backoff, catch up, tell.

:class:`HoldingMixin` is the part of energymon.store.writer.StoreWriter that
runs on a failed write. A storage fault (energymon.store.faults: disk full,
write lock held past the busy timeout, read-only file, damaged file) opens an
:class:`~energymon.store.outage.Outage`: the failed transaction is rolled back
and its items, and everything handed over after them, go into the spool
(energymon.store.spool) in order. Retries come after 1 s, 2 s, 4 s, ... (at
most ``retry_max_s``); once one succeeds the held units are written oldest
first (events first), one transaction each, then live writing goes on. Any
other error is a bug: :class:`WriterFailedError`, and the writer stops.
Stopped while still holding readings, it keeps them in spill files for the
next start (:meth:`HoldingMixin._keep_held`), and a new writer writes what an
earlier one kept before anything new (:meth:`HoldingMixin._adopt_kept`).
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from energymon.event_texts_store import cause_text, storage_failed, storage_resumed
from energymon.events import INFO, SEVERITY, STORAGE_FAILED, STORAGE_RESUMED, WARNING, Event
from energymon.store.faults import cause_params, is_storage_fault
from energymon.store.outage import Outage, failed_params, resumed_params
from energymon.store.spool import Spool
from energymon.store.write_items import Ack, SampleBatch

log = logging.getLogger("energymon.store")

STOP_CATCH_UP_S = 5.0  # on close during an outage: time left to write what is held once the database is back
WAKE = object()  # queued with each history item so a writer waiting for live rows looks at the history


class WriterFailedError(Exception):
    """A write failed for another reason than the storage (a bug): the writer stops (message names the file)."""


def describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, sqlite3.Error) else f"{type(exc).__name__}: {exc}"


class HoldingMixin:
    """Outage handling of the writer thread (the attributes below are the writer's)."""

    db_path: Path
    db: sqlite_utils.Database
    spool: Spool
    outage: Outage | None
    last_resumed: str | None
    retry_first_s: float
    retry_max_s: float
    _queue: queue.SimpleQueue
    _stopping: bool
    _stop_deadline: float
    _channels: dict[tuple[str, str], int]
    _counter_channels: set[int]
    _newest_ms: dict[int, int]
    error: str | None
    kept: str | None

    def _commit(self, items: Iterable[SampleBatch | Event | Ack]) -> None:  # the writer's
        raise NotImplementedError

    def _stop_seen(self) -> None:
        self._stopping = True
        self._stop_deadline = time.monotonic() + STOP_CATCH_UP_S

    def _write(self, items: list[SampleBatch | Event | Ack]) -> None:
        """Commit ``items``, or hold them (behind what is held already) if the database cannot be written."""
        if self.outage is None and not self.spool:
            try:
                self._commit(items)
                return
            except Exception as exc:  # noqa: BLE001 - a storage fault opens an outage, anything else is fatal
                self._fault(exc)
                self._begin_outage(exc)
        for item in items:
            self.spool.add(item)

    def _hold_arrivals(self, wait_s: float) -> None:
        """Move what is queued into the spool, waiting up to ``wait_s`` for the first item."""
        try:
            item = self._queue.get(timeout=wait_s) if wait_s > 0 else self._queue.get_nowait()
            while True:
                if item is None:
                    self._stop_seen()
                    return
                if item is not WAKE:
                    self.spool.add(item)
                item = self._queue.get_nowait()
        except queue.Empty:
            pass

    def _outage_step(self) -> None:
        """Hold what arrives until the next retry is due, then try to catch up."""
        outage = self.outage
        self._hold_arrivals(max(0.0, outage.retry_at_s - time.monotonic()) if outage else 0.0)
        if self.outage is None or self._stopping or time.monotonic() >= self.outage.retry_at_s:
            self._catch_up()

    def _catch_up(self) -> None:
        """Write what is held, oldest first, one unit per transaction; on a failure wait longer (backoff)."""
        while True:
            self._hold_arrivals(0.0)
            if self._stopping and time.monotonic() > self._stop_deadline:
                return
            held = self.spool.oldest()
            try:
                if held is None:
                    self._end_outage()
                    return
                self._commit(held.items)
            except Exception as exc:  # noqa: BLE001 - see _write
                self._fault(exc)
                if self.outage is None:
                    self._begin_outage(exc)
                else:
                    self.outage.failed_again(time.monotonic())
                return
            self.spool.release(held)

    def _fault(self, exc: Exception) -> None:
        """Undo the failed transaction and forget what it taught; raise :class:`WriterFailedError` unless storage."""
        try:
            if self.db.conn.in_transaction:
                self.db.conn.rollback()
        except sqlite3.Error:
            pass
        self._channels, self._counter_channels = {}, set()  # a channel made in the failed transaction is gone
        self._newest_ms.clear()
        if not is_storage_fault(exc):
            raise WriterFailedError(f"{self.db_path}: write failed: {describe(exc)}") from exc

    def _begin_outage(self, exc: Exception) -> None:
        now_ms = int(time.time() * 1000)
        cause = cause_params(exc, self.db_path)
        outage = Outage(
            cause_text(cause), now_ms, time.monotonic(), self.retry_first_s, self.retry_max_s, cause_params=cause
        )
        self.outage = outage
        self.spool.reset_counts()
        params = failed_params(self.db_path, outage, self.spool)
        text = storage_failed(params, False)
        self.spool.add(Event(now_ms, None, STORAGE_FAILED, SEVERITY[STORAGE_FAILED], text, params))
        log.error("%s", text)

    def _end_outage(self) -> None:
        """Everything held is stored: record the resume (its event, one log line) and write live again."""
        if self.outage is not None:
            params = resumed_params(self.db_path, self.outage, self.spool, time.monotonic())
            text = storage_resumed(params, False)
            dropped = self.spool.dropped_samples or self.spool.dropped_events
            severity = WARNING if dropped else INFO
            self._commit([Event(int(time.time() * 1000), None, STORAGE_RESUMED, severity, text, params)])
            (log.warning if dropped else log.info)("%s", text)
            self.last_resumed = text
        self.outage = None
        self.spool.reset_counts()

    def _adopt_kept(self) -> None:
        """At start: take over what an earlier writer kept in spill files (energymon.store.spool); written first."""
        adopted = self.spool.adopt()
        if self.spool:
            params = {"path": str(self.db_path), "adopted_samples": adopted, "spill_dir": str(self.spool.spill_dir)}
            text = storage_resumed(params, False)
            log.warning("%s", text)
            self.spool.add(Event(int(time.time() * 1000), None, STORAGE_RESUMED, INFO, text, params))

    def _keep_held(self) -> None:
        """At stop with readings still held: keep them in spill files for the next start, or say they are lost."""
        held = self.spool.samples
        why = "stopped while the database could not be written"
        why += f" ({self.outage.cause if self.outage else 'no retry left'})"
        try:
            self.spool.persist()
        except OSError as exc:
            self.error = (
                f"{self.db_path}: {why}: {held:,} held samples were not stored"
                f" (and could not be kept in {self.spool.spill_dir}: {exc.strerror or exc})"
            )
            log.error("%s", self.error)
            return
        self.kept = (
            f"{self.db_path}: {why}: {held:,} held samples kept in {self.spool.spill_dir}; written at the next start"
        )
        log.warning("%s", self.kept)
