"""Giving the file system back the pages that compaction frees, so the file stays close to its content.

Compaction (energymon.store.samples.compact) moves a day's raw rows into one
block per channel and deletes the rows; their pages become free pages inside
the file. Without more, the file keeps its largest size for ever (a day of
rows is ~22 bytes per sample, its block ~2.5). A database created by this
version has ``auto_vacuum = INCREMENTAL`` (set by energymon.store.schema
before its first table), so after compaction the writer releases the free
pages with ``PRAGMA incremental_vacuum``, a slice at a time within the
maintenance budget; each slice is its own short transaction, committed with
the same ``synchronous=FULL`` as every write.

A database created before (``auto_vacuum = NONE``) keeps its free pages,
which SQLite reuses for new rows; switching it needs a ``VACUUM`` with no
program using the file (docs/database.md says how).
"""

from __future__ import annotations

import time

import sqlite_utils

INCREMENTAL = 2  # PRAGMA auto_vacuum value
SLICE_PAGES = 1024  # pages released per transaction (4 MiB at the default page size)
KEEP_FREE_FRACTION = 0.05  # free pages left for new rows: at most this share of the file


def incremental(db: sqlite_utils.Database) -> bool:
    """Whether the database releases free pages on request (``auto_vacuum = INCREMENTAL``)."""
    return db.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == INCREMENTAL


def free_pages(db: sqlite_utils.Database) -> tuple[int, int]:
    """(free pages, pages) of the database file."""
    return db.conn.execute("PRAGMA freelist_count").fetchone()[0], db.conn.execute("PRAGMA page_count").fetchone()[0]


def release_free_pages(db: sqlite_utils.Database, budget_s: float | None = None) -> bool:
    """Release free pages beyond :data:`KEEP_FREE_FRACTION` of the file, :data:`SLICE_PAGES` per transaction,
    for at most about ``budget_s`` (at least one slice); returns whether nothing is left to release.

    Does nothing on a database without ``auto_vacuum = INCREMENTAL``. Runs outside any transaction.
    """
    if not incremental(db):
        return True
    started = time.monotonic()
    while True:
        free, pages = free_pages(db)
        excess = free - int(pages * KEEP_FREE_FRACTION)
        if excess <= 0:
            return True
        if budget_s is not None and time.monotonic() - started > budget_s:
            return False
        db.conn.execute(f"PRAGMA incremental_vacuum({min(excess, SLICE_PAGES)})").fetchall()
