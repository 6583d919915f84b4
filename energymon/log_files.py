"""Rotating log files: what a process of energymon did, kept on disk for the site engineer.

stderr shows the log while someone watches; a service or a GUI started by a
double-click has nobody watching, so each kind of process (``gui``,
``collect``, ``demo``) also writes ``energymon-<kind>.log`` in the user log
folder (platformdirs ``user_log_dir``; ``ENERGYMON_LOG_DIR`` overrides it, e.g.
``/var/log/energymon`` for a service). A file grows to 1 MB, then rotates,
keeping 5 older ones (``.1`` … ``.5``): at most 6 MB per kind, so a collector
that runs for years never fills the disk. Lines are UTF-8 with local
timestamps that carry their UTC offset (an engineer in Xi'an and a support
desk in Europe read the same instant). A folder that cannot be written is said
once on stderr and the process goes on without the file: a log must never
stop collection.

No Qt here: the GUI's log view (ui.log_view) reads the file this module names.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections import deque
from datetime import datetime
from pathlib import Path

import platformdirs

LOG_DIR_ENV = "ENERGYMON_LOG_DIR"
KINDS = ("gui", "collect", "demo")
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_installed: logging.Handler | None = None


class OffsetFormatter(logging.Formatter):
    """Timestamps as ISO 8601 local time with milliseconds and the UTC offset: ``2026-12-04T20:01:02.345+08:00``."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


def log_dir() -> Path:
    """The folder of the log files: ``ENERGYMON_LOG_DIR`` if set, else the platform's user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_log_dir("energymon", appauthor=False))


def log_path(kind: str) -> Path:
    """The current log file of a process of ``kind`` (one of :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown log kind {kind!r} (one of {', '.join(KINDS)})")
    return log_dir() / f"energymon-{kind}.log"


def current_log_path() -> Path | None:
    """The file this process logs to, or None (no file: another command, or the folder was not writable)."""
    if isinstance(_installed, logging.FileHandler):
        return Path(_installed.baseFilename)
    return None


def install(kind: str, level: int = logging.INFO) -> Path | None:
    """Add the rotating file of ``kind`` to the root logger; returns its path, or None if it cannot be written.

    Installing again (tests, a second ``main()`` in one process) replaces the earlier handler.
    """
    global _installed
    uninstall()
    path = log_path(kind)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        print(
            f"energymon: warning: no log file ({path}: {exc.strerror or exc}); logging to stderr only", file=sys.stderr
        )
        return None
    handler.setFormatter(OffsetFormatter(FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    _installed = handler
    return path


def file_only(level: int, msg: str, *args: object, exc_info: BaseException | None = None) -> None:
    """Log a line to the log file only, not stderr (which already got its own line, or nothing, as before).

    For the process's start and exit code and the error the CLI printed itself. Nothing without a file.
    """
    if _installed is None:
        return
    record = logging.getLogger("energymon.cli").makeRecord(
        "energymon.cli",
        level,
        __file__,
        0,
        msg,
        args,
        (type(exc_info), exc_info, exc_info.__traceback__) if exc_info else None,
    )
    if level >= _installed.level:
        _installed.handle(record)


def uninstall() -> None:
    """Remove and close the handler :func:`install` added (if any)."""
    global _installed
    if _installed is not None:
        logging.getLogger().removeHandler(_installed)
        _installed.close()
        _installed = None


def tail(path: Path, lines: int = 200, max_bytes: int = 256_000) -> list[str]:
    """The last ``lines`` lines of ``path`` (reading at most its last ``max_bytes``); [] if it does not exist.

    Blocking file I/O: the GUI calls it on a worker thread. Undecodable bytes
    (a line cut by the byte limit, a foreign file) become U+FFFD, never an error.
    """
    try:
        with path.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            start = max(0, size - max_bytes)
            f.seek(start)
            data = f.read()
    except FileNotFoundError:
        return []
    text = data.decode("utf-8", errors="replace")
    rows = text.splitlines()
    if start > 0 and rows:
        rows = rows[1:]  # the first row was cut by the byte limit
    return list(deque(rows, maxlen=lines))
