"""The store's one writer: a thread that owns the write connection and drains a queue into transactions.

Live readings (:class:`SampleBatch`), events and acknowledgements (:class:`Ack`)
are committed in batches, one transaction each; generated history is written
between live batches (energymon.store.history). One process writes a database
at a time (:func:`acquire_writer_lock`). The database is opened with WAL mode and
``synchronous=FULL`` (energymon.store.schema): a committed batch is on disk
before the commit returns.

A write that fails for the database's or the disk's sake (full, locked,
read-only, damaged: energymon.store.faults) does not stop the writer: it opens
an outage (energymon.store.outage), holds what it is handed in its spool
(energymon.store.spool, bounded), retries with a doubling wait, and writes the
held items in order once it can; one ``storage_failed`` event and log line
when writing stops, one ``storage_resumed`` when it is back. Any other error
ends the writer with :attr:`StoreWriter.error` set.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from drivers.quantities import QUANTITIES, Kind
from energymon.events import SEVERITY, STORE_MAINTENANCE_FAILED, Event, params_json
from energymon.site_time import site_zone
from energymon.store import ingest, vacuum
from energymon.store import samples as raw_store
from energymon.store.channels import channel_ids
from energymon.store.faults import cause_code, storage_cause
from energymon.store.history import DeviceHistory, PreparedHistory, write_history, write_prepared
from energymon.store.holding import WAKE, HoldingMixin, WriterFailedError, describe
from energymon.store.outage import Outage
from energymon.store.schema import StoreError, open_db
from energymon.store.spool import Spool, SpoolLimits, spill_dir_for
from energymon.store.write_items import Ack, SampleBatch
from energymon.store.writer_lock import acquire_writer_lock

__all__ = [
    "MAINTENANCE_SLICE_S",
    "Ack",
    "SampleBatch",
    "SpoolLimits",
    "StoreWriter",
    "acquire_writer_lock",
]

log = logging.getLogger("energymon.store")


MAINTENANCE_SLICE_S = 0.5  # compaction work between two live commits, at most (about)


class StoreWriter(HoldingMixin):
    """The one writer: a thread that drains a queue into batched transactions.

    A batch is committed when ``max_rows`` rows are pending or ``max_delay_s``
    has passed since the oldest pending row, whichever is first. ``close()``
    flushes everything queued before it.
    """

    def __init__(
        self,
        db_path: Path,
        max_rows: int = 200_000,
        max_delay_s: float = 1.0,
        raw_retention_days: int | None = None,
        compact_every_s: float = 60.0,
        busy_timeout_s: float = 10.0,
        spool_limits: SpoolLimits | None = None,
        retry_first_s: float = 1.0,
        retry_max_s: float = 30.0,
    ) -> None:
        self.db_path = db_path
        self._lock = acquire_writer_lock(db_path)
        try:
            self.db = open_db(db_path)
            self.db.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            channels = list(self.db["channels"].rows)
        except (StoreError, sqlite3.Error, OSError) as exc:
            if hasattr(self, "db"):
                self.db.close()
            self._lock.release()
            cause = exc.__context__ if isinstance(exc, StoreError) else exc  # open_db's StoreError: its SQLite error
            if not isinstance(cause, sqlite3.Error | OSError):
                raise
            raise StoreError(f"{db_path}: cannot open the database: {storage_cause(cause, db_path)}") from None
        self.max_rows = max_rows
        self.max_delay_s = max_delay_s
        self._queue: queue.SimpleQueue = queue.SimpleQueue()  # C-implemented: a get costs a fraction of Queue's
        self._history: queue.SimpleQueue = queue.SimpleQueue()  # bulk history: written only while no live rows wait
        self._history_again: tuple | None = None  # a history item whose write failed: first after the outage
        self._channels: dict[tuple[str, str], int] = {(r["device_id"], r["quantity"]): r["id"] for r in channels}
        self._counter_channels = {r["id"] for r in channels if r["kind"] == Kind.COUNTER.value}
        self._channel_sets: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
        self._newest_ms: dict[int, int] = {}  # channel -> newest stored ts_ms, learnt lazily
        self._zone: ZoneInfo | None = None
        self.raw_retention_days = raw_retention_days
        self.compact_every_s = compact_every_s
        self._compacted_at = time.monotonic()
        self.maintenance_error: str | None = None
        self.rows_committed = 0
        self.batches_committed = 0
        self.error: str | None = None  # the writer stopped (a bug, or held items not stored at close)
        self.outage: Outage | None = None  # set while the database cannot be written
        self.last_resumed: str | None = None  # the detail of the last storage_resumed event
        self.spool = Spool(spill_dir_for(db_path), spool_limits)
        self.kept: str | None = None  # what was kept for the next start when stopped during an outage
        self._adopt_kept()
        self.retry_first_s, self.retry_max_s = retry_first_s, retry_max_s
        self._stopping = False
        self._stop_deadline = 0.0
        self._closed = False
        self._closing = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="energymon-store-writer", daemon=True)
        self._thread.start()

    def put_samples(self, batch: SampleBatch) -> None:
        self._queue.put(batch)

    def put_event(self, event: Event) -> None:
        self._queue.put(event)

    def put_ack(self, ack: Ack) -> None:
        """Queue an acknowledgement; it is committed with the next batch (within ``max_delay_s``).

        Thread-safe (the GUI thread calls it). An event already acknowledged keeps
        its first acknowledgement; one for an event that does not exist is dropped.
        Raises :class:`StoreError` once the writer is closed or has failed, so an
        acknowledgement is never silently lost. During an outage it is held.
        """
        with self._closing:  # never behind the stop marker of close()
            if self._closed or self.error is not None:
                raise StoreError(self.error or f"{self.db_path}: the writer is closed")
            self._queue.put(ack)

    def put_history(self, history: DeviceHistory | PreparedHistory, done: threading.Semaphore | None = None) -> None:
        """Queue generated history of one device; ``done`` is released once it is committed.

        A :class:`PreparedHistory` (encoded beforehand, energymon.store.history.prepare)
        costs the writer thread only its inserts.

        History goes through this one writer too, so a backfill and live collection
        never write the database at the same time; it is written in its own large
        transactions between live batches (and not during an outage: it waits).
        """
        self._history.put((history, done))
        self._queue.put(WAKE)  # the writer may be waiting on the live queue

    def close(self, timeout_s: float = 30.0) -> None:
        """Write what is queued (and, during an outage, try once more what is held), then stop."""
        with self._closing:
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout_s)
        if self._thread.is_alive():  # never close the connection under it: wait on
            log.warning("store writer still writing its queue after %.0f s; waiting for it to finish", timeout_s)
            self._thread.join()
        self.db.close()
        self._lock.release()

    # -- the writer thread -----------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
            while self._history_waiting() and self.outage is None:  # history handed over before close()
                self._write_history_item(self._next_history())
        except WriterFailedError as exc:
            self.error = str(exc)
            log.error("%s", exc)
            return
        if self.spool:
            self._keep_held()
        self.spool.close()

    def _loop(self) -> None:
        pending: list[SampleBatch | Event | Ack] = []
        pending_rows = 0
        first_at = 0.0
        while not self._stopping:
            if self.outage is not None or self.spool:
                self._outage_step()
                continue
            if self._queue.empty() and self._history_waiting():
                # Live rows first: commit what is pending, then one device-day of history at a time.
                if pending:
                    self._write(pending)
                    pending, pending_rows = [], 0
                if self.outage is None:
                    self._write_history_item(self._next_history())
                continue
            wait = None if not pending else max(0.0, first_at + self.max_delay_s - time.monotonic())
            if self._history_waiting():
                wait = 0.0 if wait is None else min(wait, 0.05)
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = ...
            if item is None:
                self._stop_seen()
            elif item is not ... and item is not WAKE:
                if not pending:
                    first_at = time.monotonic()
                pending.append(item)
                pending_rows = self._take_queued(pending, pending_rows + _rows(item))
            due = pending and (
                self._stopping or pending_rows >= self.max_rows or time.monotonic() >= first_at + self.max_delay_s
            )
            if due:
                self._write(pending)
                pending, pending_rows = [], 0

    def _take_queued(self, pending: list[SampleBatch | Event | Ack], pending_rows: int) -> int:
        """Add what is already queued to ``pending``, up to ``max_rows`` rows (one check of the loop per
        batch instead of per item); returns the rows pending. Stops at the stop marker."""
        while pending_rows < self.max_rows:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._stop_seen()
                break
            if item is not WAKE:
                pending.append(item)
                pending_rows += _rows(item)
        return pending_rows

    def _history_waiting(self) -> bool:
        return self._history_again is not None or not self._history.empty()

    def _next_history(self) -> tuple:
        item, self._history_again = self._history_again, None
        return item if item is not None else self._history.get()

    def _write_history_item(self, item: tuple) -> None:
        history, done = item
        try:
            if isinstance(history, PreparedHistory):
                written, channels = write_prepared(self.db, history, self._site_zone())
            else:
                written, channels = write_history(self.db, [history], self._site_zone())
        except Exception as exc:  # noqa: BLE001 - see _write; the item is written after the outage
            try:
                self._fault(exc)
            except WriterFailedError:
                if done is not None:
                    done.release()
                raise
            self._history_again = item
            self._begin_outage(exc)
            return
        self.rows_committed += written
        for channel_id in channels:
            self._newest_ms.pop(channel_id, None)  # learnt again from the database when next needed
        if done is not None:
            done.release()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; ``BEGIN IMMEDIATE`` so another program's lock is waited for (busy timeout)."""
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.rollback()
            raise
        self.db.conn.commit()

    def _commit(self, items: Iterable[SampleBatch | Event | Ack]) -> None:
        batches: list[SampleBatch] = []
        events: list[dict] = []
        acks: list[Ack] = []
        with self._transaction():
            for item in items:
                if isinstance(item, SampleBatch):
                    batches.append(item)
                    continue
                if isinstance(item, Event):
                    events.append(
                        {
                            "ts_ms": item.ts_ms,
                            "device_id": item.device_id,
                            "kind": item.kind,
                            "severity": item.severity,
                            "detail": item.detail,
                            "params": params_json(item.params),
                        }
                    )
                    continue
                if isinstance(item, Ack):
                    acks.append(item)
            inserted = self._insert_samples(batches)
            if events:
                self.db.table("events").insert_all(events)
            if acks:
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO event_acks (event_id, acked_by, acked_ms, note)"
                    " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM events WHERE id = ?)",
                    [(a.event_id, a.acked_by, a.acked_ms, a.note, a.event_id) for a in acks],
                )
        self.rows_committed += inserted
        self.batches_committed += 1
        if time.monotonic() - self._compacted_at >= self.compact_every_s:
            self.maintain(budget_s=MAINTENANCE_SLICE_S)

    def _insert_samples(self, batches: list[SampleBatch]) -> int:
        """Insert the batches' new samples and fold them into the rollups (energymon.store.ingest)."""
        counters, zone = self._counter_channels, self._site_zone()
        return ingest.insert(self.db, batches, self._channels_of, self._newest, self._newest_ms, counters, zone)

    def _newest(self, channel_id: int) -> int:
        if channel_id not in self._newest_ms:
            row = self.db.conn.execute(
                "SELECT max(newest) FROM (SELECT max(ts_ms) AS newest FROM samples WHERE channel_id = ?"
                " UNION ALL SELECT max(last_ms) FROM sample_blocks WHERE channel_id = ?)",
                (channel_id, channel_id),
            ).fetchone()
            self._newest_ms[channel_id] = row[0] if row[0] is not None else -1
        return self._newest_ms[channel_id]

    def _site_zone(self) -> ZoneInfo:
        if self._zone is None:
            row = self.db.conn.execute("SELECT value FROM site WHERE key = 'timezone'").fetchone()
            if row is None:
                return ZoneInfo("UTC")  # no site recorded yet (tests, tools): do not remember
            self._zone = site_zone(row[0])
        return self._zone

    def maintain(self, budget_s: float | None = None) -> bool:
        """Compact complete days into blocks, drop raw blocks beyond the retention and release the freed pages
        (writer thread).

        ``budget_s`` bounds the time spent (the writer passes 0.5 s, so live
        batches wait at most that long); returns whether all due work is done.
        If not, the writer comes back after its next commit. A failure here
        does not stop ingest (the rows stay in ``samples``, where they are
        safe); it is logged and stored as a ``store_maintenance_failed`` event
        once per distinct message, and tried again next time.
        """
        self._compacted_at = time.monotonic()
        try:
            _, done = raw_store.compact(self.db, budget_s=budget_s)
            if done and self.raw_retention_days is not None:
                raw_store.apply_retention(self.db, self.raw_retention_days)
            if done:  # the pages the compacted rows held, back to the file system (energymon.store.vacuum)
                left_s = None if budget_s is None else max(0.0, budget_s - (time.monotonic() - self._compacted_at))
                done = vacuum.release_free_pages(self.db, left_s)
        except Exception as exc:  # noqa: BLE001 - see above
            message = describe(exc)
            if message != self.maintenance_error:
                self.maintenance_error = message
                log.error("%s: compaction failed: %s", self.db_path, message)
                try:
                    with self.db.atomic():
                        self.db.table("events").insert(
                            {
                                "ts_ms": int(time.time() * 1000),
                                "device_id": None,
                                "kind": STORE_MAINTENANCE_FAILED,
                                "severity": SEVERITY[STORE_MAINTENANCE_FAILED],
                                "detail": message,
                                "params": params_json({"message": message, "cause": cause_code(exc)}),
                            }
                        )
                except sqlite3.Error:
                    pass
            return True
        self.maintenance_error = None
        if not done:
            self._compacted_at -= self.compact_every_s  # more to do: again after the next commit
        return done

    def _channels_of(self, device_id: str, quantities: tuple[str, ...]) -> tuple[int, ...]:
        """The channel ids of a device's quantities, in their order (a poll's set is looked up once)."""
        key = (device_id, quantities)
        ids = self._channel_sets.get(key)
        if ids is None:
            ids = self._channel_sets[key] = tuple(self._channel(device_id, q) for q in quantities)
        return ids

    def _channel(self, device_id: str, quantity: str) -> int:
        key = (device_id, quantity)
        if key not in self._channels:
            self._channels[key] = channel_ids(self.db, device_id, [quantity])[quantity]
            if QUANTITIES[quantity].kind is Kind.COUNTER:
                self._counter_channels.add(self._channels[key])
        return self._channels[key]


def _rows(item: SampleBatch | Event | Ack) -> int:
    return len(item.values) if isinstance(item, SampleBatch) else 1
