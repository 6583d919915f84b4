"""Why a database cannot be written, in the words a site engineer acts on.

SQLite reports a full disk, a read-only file, another program's write lock or
a damaged file as error codes (``sqlite_errorname``); the operating system as
an ``errno``. :func:`cause_params` turns either into a cause code with the
free space (an event's params), :func:`storage_cause` into one phrase ("the
disk is full (12 KB free in /data)"; the words: energymon.event_texts_store),
:func:`is_storage_fault` tells the faults the writer waits out (they can go
away: space freed, lock released) from programming errors, which it does not
retry.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from energymon.event_texts_store import cause_text

FULL_BELOW_BYTES = 1 << 20  # less free space than this (1 MiB) on the database's file system: "the disk is full"

_BY_CODE = {  # SQLite primary result code name -> what it means for the site (energymon.event_texts_store.CAUSES)
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "read_only",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "not_a_database",
    "SQLITE_IOERR": "io_error",
    "SQLITE_CANTOPEN": "cannot_open",
    "SQLITE_PERM": "no_permission",
}
_BY_ERRNO = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "quota",
    errno.EROFS: "file_system_read_only",
    errno.EACCES: "no_permission",
    errno.EPERM: "no_permission",
    errno.EIO: "io_error",
}


def free_bytes(path: Path) -> int | None:
    """Free space (bytes) on the file system holding ``path`` (or its nearest existing parent); None if unknown."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def cause_code(exc: BaseException, free: int | None = None) -> str | None:
    """The cause of a failed write as a code of energymon.event_texts_store.CAUSES, or None if unknown.

    A full disk is recognised by the free space (``free`` bytes) too: SQLite reports a WAL or
    shared-memory file that cannot grow as a plain "disk I/O error".
    """
    cause = None
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None) or ""
        cause = next((c for code, c in _BY_CODE.items() if name == code or name.startswith(code + "_")), None)
        if cause is None and "malformed" in str(exc):
            cause = _BY_CODE["SQLITE_CORRUPT"]
    elif isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        cause = _BY_ERRNO[exc.errno]
    if free is not None and free < FULL_BELOW_BYTES and cause in (None, "io_error", "disk_full"):
        cause = "disk_full"
    return cause


def cause_params(exc: BaseException, db_path: Path) -> dict[str, Any]:
    """Why writing ``db_path`` failed, language-neutral (an event's params): ``cause`` (a code, None if
    unknown), ``message`` (SQLite's or the system's), ``free_bytes`` (on its file system, None if unknown),
    ``folder`` (the database's)."""
    free = free_bytes(db_path.parent)
    message = str(exc) if isinstance(exc, sqlite3.Error) else f"{type(exc).__name__}: {exc}"
    return {"cause": cause_code(exc, free), "message": message, "free_bytes": free, "folder": str(db_path.parent)}


def storage_cause(exc: BaseException, db_path: Path) -> str:
    """One phrase for why writing ``db_path`` failed: full disk, read-only, locked, damaged, I/O error, ..."""
    return cause_text(cause_params(exc, db_path))


def is_storage_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is the database or the disk failing (waited out and retried), not a bug in the caller."""
    return isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError | OSError) and not isinstance(
        exc, sqlite3.ProgrammingError | sqlite3.IntegrityError | sqlite3.InterfaceError
    )
