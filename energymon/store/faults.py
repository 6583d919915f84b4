"""Why a database cannot be written, in the words a site engineer acts on.

SQLite reports a full disk, a read-only file, another program's write lock or
a damaged file as error codes (``sqlite_errorname``); the operating system as
an ``errno``. :func:`storage_cause` turns either into one phrase ("the disk is
full (12 KB free in /data)"), :func:`is_storage_fault` tells the faults the
writer waits out (they can go away: space freed, lock released) from
programming errors, which it does not retry.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

FULL_BELOW_BYTES = 1 << 20  # less free space than this (1 MiB) on the database's file system: "the disk is full"

_BY_CODE = {  # SQLite primary result code name -> what it means for the site
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the database file is read-only (or on a read-only file system)",
    "SQLITE_BUSY": "another program holds a write lock on the database",
    "SQLITE_LOCKED": "another program holds a write lock on the database",
    "SQLITE_CORRUPT": "the database file is damaged",
    "SQLITE_NOTADB": "the file is damaged or not a database",
    "SQLITE_IOERR": "a disk input/output error",
    "SQLITE_CANTOPEN": "the database file cannot be opened",
    "SQLITE_PERM": "no permission to write the database",
}
_BY_ERRNO = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "no permission to write the database",
    errno.EPERM: "no permission to write the database",
    errno.EIO: "a disk input/output error",
}


def free_bytes(path: Path) -> int | None:
    """Free space (bytes) on the file system holding ``path`` (or its nearest existing parent); None if unknown."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def _free_text(free: int) -> str:
    return f"{free // 1024} KB free" if free < 10 << 20 else f"{free / (1 << 30):.1f} GB free"


def storage_cause(exc: BaseException, db_path: Path) -> str:
    """One phrase for why writing ``db_path`` failed: full disk, read-only, locked, damaged, I/O error, ...

    A full disk is recognised by the free space too: SQLite reports a WAL or
    shared-memory file that cannot grow as a plain "disk I/O error".
    """
    cause = None
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None) or ""
        cause = next((text for code, text in _BY_CODE.items() if name == code or name.startswith(code + "_")), None)
        if cause is None and "malformed" in str(exc):
            cause = _BY_CODE["SQLITE_CORRUPT"]
    elif isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        cause = _BY_ERRNO[exc.errno]
    free = free_bytes(db_path.parent)
    if free is not None and free < FULL_BELOW_BYTES and cause in (None, _BY_CODE["SQLITE_IOERR"], "the disk is full"):
        cause = "the disk is full"
    message = str(exc) if isinstance(exc, sqlite3.Error) else f"{type(exc).__name__}: {exc}"
    if cause is None:
        return message
    if cause == "the disk is full" and free is not None:
        cause += f" ({_free_text(free)} in {db_path.parent})"
    return f"{cause} ({message})" if message and message not in cause else cause


def is_storage_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is the database or the disk failing (waited out and retried), not a bug in the caller."""
    return isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError | OSError) and not isinstance(
        exc, sqlite3.ProgrammingError | sqlite3.IntegrityError | sqlite3.InterfaceError
    )
