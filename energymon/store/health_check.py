"""The database's health at start: ``PRAGMA quick_check``, bounded in time.

``collect`` and the GUI's collection run it once when they start
(energymon.collect.service), so a damaged file is said to be damaged before
anything is written into it. quick_check reads every page of the file (about
1 GB/s from a warm cache, far less from a cold disk), so it is bounded: after
``budget_s`` seconds it is interrupted (``sqlite3_interrupt``) and the result says how far it got
(``complete`` False) instead of holding up the start.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from energymon.event_texts_store import database_damaged

QUICK_CHECK_S = 3.0  # the default bound on the start-up check (seconds)
MAX_PROBLEMS = 10  # quick_check stops after this many problems


@dataclass(frozen=True)
class HealthCheck:
    """What ``PRAGMA quick_check`` said of ``path``: problems found, whether it ran to the end, in how long."""

    path: Path
    problems: tuple[str, ...]
    complete: bool
    elapsed_s: float
    size_bytes: int

    @property
    def ok(self) -> bool:
        """No damage found (in what was checked; see ``complete``)."""
        return not self.problems

    def params(self) -> dict[str, Any]:
        """The params of the ``database_damaged`` event: the file, the problems, ``first`` if the check
        stopped at :data:`MAX_PROBLEMS` of them (else None)."""
        first = MAX_PROBLEMS if len(self.problems) >= MAX_PROBLEMS else None
        return {"path": str(self.path), "problems": list(self.problems), "first": first}

    def warning(self) -> str | None:
        """The one-line warning to log (and the event's detail) when damage was found, else None."""
        return None if self.ok else database_damaged(self.params(), False)

    def cut_short(self) -> str | None:
        """The note to log when the check did not reach the end in time, else None."""
        if self.complete:
            return None
        return (
            f"{self.path}: PRAGMA quick_check cut short after {self.elapsed_s:.1f} s "
            f"({self.size_bytes / (1 << 20):,.0f} MiB file): the file was not checked to the end"
        )


def quick_check(path: Path, budget_s: float = QUICK_CHECK_S) -> HealthCheck:
    """Run ``PRAGMA quick_check`` on ``path`` for at most ``budget_s`` seconds (its own connection, read only)."""
    started = time.monotonic()
    size = path.stat().st_size if path.exists() else 0
    problems: tuple[str, ...] = ()
    complete = True
    conn = sqlite3.connect(path, timeout=1.0, check_same_thread=False)
    # quick_check is one long step of SQLite's VM (a progress handler is hardly called): interrupt it by timer.
    timer = threading.Timer(budget_s, conn.interrupt)
    timer.start()
    try:
        rows = conn.execute(f"PRAGMA quick_check({MAX_PROBLEMS})").fetchall()
        problems = tuple(str(row[0]) for row in rows if row[0] != "ok")
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            complete = False
        else:
            problems = (str(exc),)
    except sqlite3.DatabaseError as exc:  # e.g. "database disk image is malformed" while reading the schema
        problems = (str(exc),)
    finally:
        timer.cancel()
        conn.close()
    return HealthCheck(path, problems, complete, time.monotonic() - started, size)
