"""The publisher's high-water marks: what the broker has acknowledged, per target, in ``<db>.publish.db``.

Kept in a side SQLite file next to the park's database, never in it (the collector's writer is that file's one
writer). Per target (the broker a park publishes to, by name):

- ``channel_marks``: per (device, quantity) the newest ts_ms [UTC epoch ms] the broker acknowledged; every
  sample of the channel up to it has been acknowledged (the publisher advances it only contiguously);
- ``day_counts``: per (device, quantity, UTC day start ms) how many samples of that day were acknowledged,
  which reconciliation compares with the park's own count to find data that landed behind a mark;
- ``event_marks``: the id of the last event acknowledged (events are sent by id);
- ``site_marks``: the hash of the site description last acknowledged.

:meth:`Marks.commit` writes one batch of acknowledgements in one transaction (WAL, synchronous=FULL): after a
crash the file holds every batch committed before it, and the publisher sends again what came after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from energymon.store.schema import StoreError

SUFFIX = ".publish.db"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS channel_marks (target TEXT NOT NULL, device TEXT NOT NULL, quantity TEXT NOT NULL,"
    " last_ts_ms INTEGER NOT NULL, PRIMARY KEY (target, device, quantity)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS day_counts (target TEXT NOT NULL, device TEXT NOT NULL, quantity TEXT NOT NULL,"
    " day_ms INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (target, device, quantity, day_ms)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS event_marks (target TEXT PRIMARY KEY, last_event_id INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS site_marks (target TEXT PRIMARY KEY, site_hash TEXT NOT NULL)",
)


def marks_path(db_path: Path) -> Path:
    """The side file of the park's database ``db_path``: ``<db>.publish.db``."""
    return db_path.with_name(db_path.name + SUFFIX)


def acquire_publish_lock(db_path: Path) -> FileLock:
    """The publisher's lock (``<db>.publish.db.lock``): one publisher per park database.

    Two publishers of one database (``energymon publish`` beside a ``collect`` that publishes too) would
    each advance the marks of the same target from their own view. The operating system releases the lock
    when the process ends, even by ``kill -9``. Raises :class:`StoreError` (one line) if it is held.
    """
    path = str(marks_path(db_path)) + ".lock"
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"{db_path}: another energymon process is already publishing this database "
            "(energymon publish, or collect or gui with a [publish] section); stop it first"
        ) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the publisher's lock: {exc.strerror or exc}") from None
    return lock


@dataclass(frozen=True)
class SamplesAck:
    """What an acknowledged samples message proves: the channel's samples up to ``last_ts_ms`` (a mark never
    moves back), ``added`` samples per UTC day on top of the acknowledged count, and ``replaced`` days whose
    whole content was sent again (their count becomes the given one)."""

    device: str
    quantity: str
    last_ts_ms: int
    added: Mapping[int, int] = field(default_factory=dict)
    replaced: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EventsAck:
    """The events up to id ``last_event_id`` were acknowledged."""

    last_event_id: int


@dataclass(frozen=True)
class SiteAck:
    """The site description with hash ``site_hash`` was acknowledged."""

    site_hash: str


Ack = SamplesAck | EventsAck | SiteAck


class Marks:
    """The high-water marks of every target in one side file (created when missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        for statement in SCHEMA:
            self.conn.execute(statement)

    def close(self) -> None:
        self.conn.close()

    def channel_marks(self, target: str) -> dict[tuple[str, str], int]:
        """(device, quantity) -> the newest acknowledged ts_ms of the channel."""
        rows = self.conn.execute(
            "SELECT device, quantity, last_ts_ms FROM channel_marks WHERE target = ?", (target,)
        ).fetchall()
        return {(device, quantity): ts for device, quantity, ts in rows}

    def day_counts(self, target: str, device: str, quantity: str) -> dict[int, int]:
        """UTC day start [ms] -> samples of that day acknowledged, for one channel."""
        rows = self.conn.execute(
            "SELECT day_ms, n FROM day_counts WHERE target = ? AND device = ? AND quantity = ?",
            (target, device, quantity),
        ).fetchall()
        return dict(rows)

    def event_mark(self, target: str) -> int:
        """The id of the last acknowledged event (0: none yet)."""
        row = self.conn.execute("SELECT last_event_id FROM event_marks WHERE target = ?", (target,)).fetchone()
        return 0 if row is None else int(row[0])

    def site_hash(self, target: str) -> str | None:
        """The hash of the last acknowledged site description (None: none yet)."""
        row = self.conn.execute("SELECT site_hash FROM site_marks WHERE target = ?", (target,)).fetchone()
        return None if row is None else str(row[0])

    def commit(self, target: str, acks: Iterable[Ack]) -> int:
        """Record a batch of acknowledgements, in order, in one transaction; how many were recorded."""
        done = 0
        with self.conn:  # isolation_level None: an explicit transaction
            self.conn.execute("BEGIN IMMEDIATE")
            for ack in acks:
                self._record(target, ack)
                done += 1
        return done

    def _record(self, target: str, ack: Ack) -> None:
        sql = self.conn.execute
        if isinstance(ack, SamplesAck):
            key = (target, ack.device, ack.quantity)
            sql(
                "INSERT INTO channel_marks VALUES (?, ?, ?, ?) ON CONFLICT (target, device, quantity)"
                " DO UPDATE SET last_ts_ms = max(last_ts_ms, excluded.last_ts_ms)",
                (*key, ack.last_ts_ms),
            )
            for day_ms, n in ack.added.items():
                sql(
                    "INSERT INTO day_counts VALUES (?, ?, ?, ?, ?) ON CONFLICT (target, device, quantity, day_ms)"
                    " DO UPDATE SET n = n + excluded.n",
                    (*key, day_ms, n),
                )
            for day_ms, n in ack.replaced.items():
                sql("INSERT OR REPLACE INTO day_counts VALUES (?, ?, ?, ?, ?)", (*key, day_ms, n))
        elif isinstance(ack, EventsAck):
            sql(
                "INSERT INTO event_marks VALUES (?, ?) ON CONFLICT (target)"
                " DO UPDATE SET last_event_id = max(last_event_id, excluded.last_event_id)",
                (target, ack.last_event_id),
            )
        else:
            sql("INSERT OR REPLACE INTO site_marks VALUES (?, ?)", (target, ack.site_hash))
