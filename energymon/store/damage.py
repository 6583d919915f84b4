"""Stored data that cannot be read back, skipped and named instead of ending the command.

Two kinds of damage reach a reader: a compact block (``sample_blocks``,
``rollup_1min_blocks``) whose bytes fail the codec's checks
(energymon.store.codec raises :class:`~energymon.store.codec.CodecError`, it
never decodes to other numbers), and a table page SQLite finds malformed
(``SQLITE_CORRUPT``: "database disk image is malformed"). Export, report and
the GUI's views read around either: the samples of the damaged span are left
out (missing, so the report's coverage shows them), the rest is read, and a
:class:`DamageLog` keeps one :class:`Damaged` record per span so the command
can name the channel and the time span at the end.

A query over several days that hits a malformed page is retried one UTC day
at a time (:func:`by_day`), so only the days that really cannot be read are
left out.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from energymon.site_time import DAY_MS
from energymon.store.codec import CodecError

RAW = "raw samples"
MINUTES = "one-minute rollups"
ROLLUPS = "rollups"

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Damaged:
    """A span of one channel's stored data that could not be read: ``from_ms <= t < to_ms`` (UTC epoch ms)."""

    channel_id: int
    from_ms: int
    to_ms: int
    what: str  # RAW, MINUTES or ROLLUPS (and the rollup interval)
    cause: str


class DamageLog:
    """The damaged spans one reader met, each once (thread-safe: the GUI's reader thread and the caller share it)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, int, int, str], Damaged] = {}
        self._lock = threading.Lock()

    def add(self, damaged: Damaged) -> None:
        with self._lock:
            self._seen.setdefault((damaged.channel_id, damaged.from_ms, damaged.to_ms, damaged.what), damaged)

    def items(self) -> list[Damaged]:
        """Every damaged span met so far, by channel and time."""
        with self._lock:
            return sorted(self._seen.values())


class DamagedDataError(CodecError):
    """Stored data could not be read and no :class:`DamageLog` was given to note it and go on."""

    def __init__(self, damaged: Damaged) -> None:
        super().__init__(
            f"channel {damaged.channel_id}: {damaged.what} from {damaged.from_ms} to {damaged.to_ms} (UTC epoch ms)"
            f" cannot be read: {damaged.cause}"
        )
        self.damaged = damaged


def is_malformed(exc: BaseException) -> bool:
    """Whether an SQLite error says the file's pages are damaged (not locked, not full: those are waited out)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.OperationalError | sqlite3.IntegrityError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def note(log: DamageLog | None, damaged: Damaged) -> None:
    """Record ``damaged`` in ``log``; without a log there is nobody to tell, so raise :class:`DamagedDataError`."""
    if log is None:
        raise DamagedDataError(damaged)
    log.add(damaged)


def by_day(
    query: Callable[[int, int], list[T]],
    channel_id: int,
    from_ms: int,
    to_ms: int,
    what: str,
    log: DamageLog | None,
) -> list[T]:
    """``query(from_ms, to_ms)``; on a malformed page, the same one UTC day at a time, leaving out the days that fail.

    A span of more than ten years is not split (a range meaning "all time"): it is noted as damaged whole.
    """

    def attempt(lo: int, hi: int) -> list[T] | sqlite3.DatabaseError:
        """The rows, or the malformed-page error that stopped them (any other error is raised)."""
        try:
            return query(lo, hi)
        except sqlite3.DatabaseError as exc:
            if not is_malformed(exc):
                raise
            return exc

    first = attempt(from_ms, to_ms)
    if not isinstance(first, sqlite3.DatabaseError):
        return first
    if to_ms - from_ms > 3660 * DAY_MS:
        note(log, Damaged(channel_id, from_ms, to_ms, what, f"damaged page: {first}"))
        return []
    rows: list[T] = []
    for day in range(from_ms - from_ms % DAY_MS, to_ms, DAY_MS):
        lo, hi = max(day, from_ms), min(day + DAY_MS, to_ms)
        part = attempt(lo, hi)
        if isinstance(part, sqlite3.DatabaseError):
            note(log, Damaged(channel_id, lo, hi, what, f"damaged page: {part}"))
        else:
            rows += part
    return rows


@dataclass(frozen=True)
class DamagedSpan:
    """Stored data of one device quantity that could not be read (UTC epoch ms), left out of what was read."""

    device_id: str
    quantity: str
    from_ms: int
    to_ms: int
    what: str  # RAW, MINUTES, or ROLLUPS and the interval ("rollups 15min")
    cause: str


def spans(
    damaged: Iterable[Damaged], names: Mapping[int, tuple[str, str]], from_ms: int, to_ms: int
) -> list[DamagedSpan]:
    """The damaged data within [from_ms, to_ms), cut to it, named by ``names`` (channel -> (device, quantity)),
    adjacent spans of one quantity merged (a block read as two local days is one span), by device, quantity, time."""
    named = [
        DamagedSpan(
            *names.get(d.channel_id, (f"channel {d.channel_id}", "?")),
            max(d.from_ms, from_ms),
            min(d.to_ms, to_ms),
            d.what,
            d.cause,
        )
        for d in damaged
        if d.from_ms < to_ms and d.to_ms > from_ms
    ]
    merged: list[DamagedSpan] = []
    for span in sorted(named, key=lambda s: (s.device_id, s.quantity, s.what, s.from_ms)):
        last = merged[-1] if merged else None
        same = last is not None and (last.device_id, last.quantity, last.what) == (
            span.device_id,
            span.quantity,
            span.what,
        )
        if last is not None and same and span.from_ms <= last.to_ms:
            merged[-1] = replace(last, to_ms=max(last.to_ms, span.to_ms))
        else:
            merged.append(span)
    return sorted(merged, key=lambda s: (s.device_id, s.quantity, s.from_ms, s.what))
