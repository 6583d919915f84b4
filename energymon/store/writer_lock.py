"""The database's writer lock (``<db>.lock``): one writing process per database.

The collector, the GUI's background collection, the demo and a backfill each
take it (energymon.store.writer); viewers need none.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from energymon.store.schema import StoreError


def acquire_writer_lock(db_path: Path) -> FileLock:
    """The database's writer lock (``<db>.lock``): one writing process per database.

    The operating system releases it when the process ends, even by ``kill -9``.
    Raises :class:`StoreError` naming the database if another process holds it.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(db_path) + ".lock", timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"{db_path}: another energymon process (collector, demo or backfill) is writing this "
            "database; stop it first, or view the database with 'energymon gui --no-collect'"
        ) from None
    except OSError as exc:
        raise StoreError(f"{db_path}: cannot create the writer lock: {exc.strerror or exc}") from None
    return lock
