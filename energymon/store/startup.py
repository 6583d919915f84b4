"""Opening a database for collection: the writer started and the site recorded, or one line why not.

A full disk, a read-only file, another program's write lock or a damaged
file at start is a :class:`~energymon.store.schema.StoreError` naming the
file and the cause (energymon.store.faults), which the CLI prints as one
line and exit code 2; never a traceback. A lock is waited for up to the busy
timeout (10 s by default) before it counts.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from energymon.config import Config
from energymon.store.faults import is_storage_fault, storage_cause
from energymon.store.schema import StoreError
from energymon.store.site_record import record_site
from energymon.store.writer import StoreWriter


def start_writer(db_path: Path, config: Config, config_text: str | None = None, **options: Any) -> StoreWriter:
    """The writer of ``db_path`` with the site recorded; ``options`` go to :class:`StoreWriter`."""
    writer = StoreWriter(db_path, raw_retention_days=config.storage.raw_retention_days, **options)
    try:
        writer.db.conn.execute("BEGIN IMMEDIATE")  # waits for another program's write lock (busy timeout)
        record_site(writer.db, config, config_text)
        writer.db.conn.commit()
    except Exception as exc:
        try:
            if writer.db.conn.in_transaction:
                writer.db.conn.rollback()
        except sqlite3.Error:
            pass
        writer.close()
        if not is_storage_fault(exc):
            raise
        raise StoreError(f"{db_path}: cannot write the database: {storage_cause(exc, db_path)}") from None
    return writer


def check_writable(db_path: Path, config: Config, config_text: str | None = None) -> None:
    """Raise :class:`StoreError` (file and cause) unless collection could start on ``db_path`` now."""
    start_writer(db_path, config, config_text).close()
