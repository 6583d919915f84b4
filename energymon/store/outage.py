"""A spell of the database not being writable: since when, why, when to try again, and what to tell.

The writer (energymon.store.writer) opens an :class:`Outage` on the first
failed write, retries with a doubling wait (``first_retry_s``, 2x, 4x, ... at
most ``max_retry_s``), and closes it once everything held in the spool is
stored. Each end gives one event and one log line (:func:`failed_text`,
:func:`resumed_text`), never one per failed attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from energymon.store.spool import Spool


@dataclass
class Outage:
    """Writing failed at ``since_ms`` (UTC epoch ms; ``since_s`` monotonic) because of ``cause``."""

    cause: str
    since_ms: int
    since_s: float
    first_retry_s: float
    max_retry_s: float
    attempts: int = 0
    retry_at_s: float = field(init=False)  # monotonic

    def __post_init__(self) -> None:
        self.retry_at_s = self.since_s + self.first_retry_s

    def failed_again(self, now_s: float) -> None:
        """A retry failed: wait twice as long as last time (at most ``max_retry_s``)."""
        self.attempts += 1
        self.retry_at_s = now_s + min(self.max_retry_s, self.first_retry_s * 2.0**self.attempts)


def duration_text(seconds: float) -> str:
    """``73 s``, ``12 min 5 s``, ``3 h 4 min``."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def failed_text(db_path: Path, outage: Outage, spool: Spool) -> str:
    """The detail of the ``storage_failed`` event and its log line."""
    return (
        f"{db_path}: writing stopped: {outage.cause}; collection goes on, readings are held "
        f"({spool.limits.describe()}) and writing is retried (every {outage.first_retry_s:g} s,"
        f" doubling to {outage.max_retry_s:g} s)"
    )


def resumed_text(db_path: Path, outage: Outage, spool: Spool, now_s: float) -> str:
    """The detail of the ``storage_resumed`` event and its log line: how long, how much held and written, dropped."""
    text = (
        f"{db_path}: writing again after {duration_text(now_s - outage.since_s)}; "
        f"{spool.written_samples:,} samples held and written"
    )
    if spool.dropped_samples:
        span = spool.dropped_span
        when = f", read {_utc(span[0])} to {_utc(span[1])} UTC" if span else ""
        text += f"; {spool.dropped_samples:,} oldest samples dropped past the spool's bound{when}"
    if spool.dropped_events:
        text += f"; {spool.dropped_events:,} oldest events dropped"
    if spool.spill_problem:
        text += f"; no spill file ({spool.spill_problem})"
    return text
