"""The SQLite store's schema (migrations), opening a database, and the store's error.

Layout (see docs/database.md for the user-facing description):

- ``site``: key/value facts about the site the database was written with,
  including the full config text, so the database is self-describing.
- ``devices``: one row per device as last configured.
- ``channels``: one row per (device, quantity) with unit and kind.
- ``samples``: (channel_id, ts_ms, value) - recent raw values as read; UTC
  epoch milliseconds; WITHOUT ROWID, keyed by channel then time.
- ``sample_blocks``: older raw values, one compact row per channel and UTC day
  (energymon.store.samples, energymon.store.codec).
- ``rollup_1min`` .. ``rollup_1d``: aggregates per bucket, updated with every
  committed batch (energymon.store.rollups).
- ``events``: device offline/recovered, rejected values, collector start/stop,
  data quality, alarms, the store's own faults; each with its English
  ``detail`` and its language-neutral ``params`` (JSON, NULL before m005).
- ``event_acks``: who acknowledged an event, when, with an optional note
  (at most one per event; the first stands).

The writer side (energymon.store.writer) opens the database with WAL mode and
``synchronous=FULL``, so a committed batch is on disk before the commit returns.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import sqlite_utils
from sqlite_utils.migrations import Migrations

from drivers.quantities import Kind
from energymon.site_time import site_zone
from energymon.store import rollups

migrations = Migrations("energymon")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("site").create({"key": str, "value": str}, pk="key")
    db.table("devices").create(
        {
            "id": str,
            "name": str,
            "role": str,
            "profile": str,
            "connection": str,
            "address": str,
            "unit": int,
            "poll_interval_s": float,
            "rated_power_kw": float,
            "invert": int,
            "updated_ms": int,
        },
        pk="id",
    )
    db.table("channels").create(
        {"id": int, "device_id": str, "quantity": str, "unit": str, "kind": str},
        pk="id",
        not_null={"device_id", "quantity"},
    )
    db.table("channels").create_index(["device_id", "quantity"], unique=True)
    db.execute(
        "CREATE TABLE samples (channel_id INTEGER NOT NULL REFERENCES channels(id), ts_ms INTEGER NOT NULL,"
        " value REAL NOT NULL, PRIMARY KEY (channel_id, ts_ms)) WITHOUT ROWID"
    )
    db.table("events").create(
        {"id": int, "ts_ms": int, "device_id": str, "kind": str, "severity": str, "detail": str}, pk="id"
    )
    db.table("events").create_index(["ts_ms"])
    db.execute(
        """CREATE VIEW samples_readable AS
        SELECT strftime('%Y-%m-%dT%H:%M:%fZ', s.ts_ms / 1000.0, 'unixepoch') AS time_utc,
               c.device_id, c.quantity, s.value, c.unit
        FROM samples s JOIN channels c ON c.id = s.channel_id"""
    )


@migrations()
def m002_blocks_and_rollups(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE sample_blocks (channel_id INTEGER NOT NULL REFERENCES channels(id),
           block_ms INTEGER NOT NULL, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
           count INTEGER NOT NULL, ts BLOB NOT NULL, value BLOB NOT NULL,
           PRIMARY KEY (channel_id, block_ms))"""
    )
    db.execute("CREATE INDEX sample_blocks_by_time ON sample_blocks (block_ms)")
    rollups.create_tables(db)
    # Samples written before rollups existed: aggregate them now (a channel at a time), so an upgrade keeps
    # every figure. Moving them into blocks is left to the writer's regular compaction.
    site = dict(db.execute("SELECT key, value FROM site").fetchall())
    zone = site_zone(site.get("timezone"))
    for channel_id, kind in db.execute("SELECT id, kind FROM channels").fetchall():
        rows = db.execute(
            "SELECT ts_ms, value FROM samples WHERE channel_id = ? ORDER BY ts_ms", (channel_id,)
        ).fetchall()
        if rows:
            array = np.array(rows, dtype=np.float64)
            size = len(rows)
            rollups.update(
                db,
                np.full(size, channel_id, dtype=np.int64),
                np.full(size, kind == Kind.COUNTER.value),
                array[:, 0].astype(np.int64),
                array[:, 1],
                zone,
            )


@migrations()
def m003_event_acks(db: sqlite_utils.Database) -> None:
    # One acknowledgement per event, kept for the life of the database (an audit trail: the first stands).
    db.execute(
        """CREATE TABLE event_acks (event_id INTEGER PRIMARY KEY REFERENCES events(id),
           acked_by TEXT NOT NULL, acked_ms INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '')"""
    )


@migrations()
def m004_counter_modulus(db: sqlite_utils.Database) -> None:
    # Where a counter channel's register wraps to 0 (base unit, primary side), NULL where unknown: the report
    # and the events tell a wrap (energy kept) from a reset or a replaced meter only with it.
    db.execute("ALTER TABLE channels ADD COLUMN wrap_at REAL")


@migrations()
def m005_event_params(db: sqlite_utils.Database) -> None:
    # Each event's facts, language-neutral (a JSON object: energymon.events), from which the GUI and the reports
    # word it in their language; NULL for the events stored before (they are shown by their English detail).
    db.execute("ALTER TABLE events ADD COLUMN params TEXT")


@migrations()
def m006_dc_peak_power(db: sqlite_utils.Database) -> None:
    # A pv device's array DC peak power [kWp] as configured (dc_peak_power_kwp), NULL where none is configured
    # (and for every other role): the PV performance figures are per kWp with it, per rated AC kW without.
    db.execute("ALTER TABLE devices ADD COLUMN dc_peak_power_kwp REAL")


def has_column(db: sqlite_utils.Database, table: str, column: str) -> bool:
    """Whether ``table`` has ``column`` (a reader may open a database written before a migration added it)."""
    return any(row[1] == column for row in db.execute(f"PRAGMA table_info({table})").fetchall())


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message names the file."""


def open_db(path: Path, readonly: bool = False) -> sqlite_utils.Database:
    """Open the database; the writer side creates it and applies migrations, readers only SELECT.

    A connection that fails to open is closed at once (left to the garbage collector it would hold the file,
    and a small file system it sits on, busy).
    """
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            if not path.exists():
                raise StoreError(f"{path}: database not found")
            # A plain connection that only ever SELECTs, in autocommit mode: each query
            # is its own short read transaction. (mode=ro cannot open a WAL database
            # whose -shm file does not exist yet.)
            conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
            conn.isolation_level = None
            db = sqlite_utils.Database(conn)
            if not db["site"].exists():
                raise StoreError(f"{path}: not an energymon database")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
            db = sqlite_utils.Database(conn)
            if not db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                # A new file: free pages can be released after compaction (energymon.store.vacuum). Only
                # possible before the first table; an existing file keeps its setting (VACUUM switches it).
                db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.enable_wal()
            db.execute("PRAGMA synchronous=FULL")
            migrations.apply(db)
        return db
    except (sqlite3.DatabaseError, OSError, StoreError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, StoreError):
            raise
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError(f"{path}: {exc}") from None
        raise StoreError(f"{path}: cannot open database: {exc.strerror or exc}") from None
