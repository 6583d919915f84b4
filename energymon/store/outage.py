"""A spell of the database not being writable: since when, why, when to try again, and what to tell.

The writer (energymon.store.writer) opens an :class:`Outage` on the first
failed write, retries with a doubling wait (``first_retry_s``, 2x, 4x, ... at
most ``max_retry_s``), and closes it once everything held in the spool is
stored. Each end gives one event and one log line (:func:`failed_params` and
:func:`resumed_params`, worded by energymon.event_texts_store), never one per
failed attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from energymon.store.spool import BYTES_PER_SAMPLE, Spool


@dataclass
class Outage:
    """Writing failed at ``since_ms`` (UTC epoch ms; ``since_s`` monotonic) because of ``cause``."""

    cause: str
    since_ms: int
    since_s: float
    first_retry_s: float
    max_retry_s: float
    attempts: int = 0
    cause_params: dict[str, Any] | None = None  # the cause, language-neutral (energymon.store.faults.cause_params)
    retry_at_s: float = field(init=False)  # monotonic

    def __post_init__(self) -> None:
        self.retry_at_s = self.since_s + self.first_retry_s

    def failed_again(self, now_s: float) -> None:
        """A retry failed: wait twice as long as last time (at most ``max_retry_s``)."""
        self.attempts += 1
        self.retry_at_s = now_s + min(self.max_retry_s, self.first_retry_s * 2.0**self.attempts)


def failed_params(db_path: Path, outage: Outage, spool: Spool) -> dict[str, Any]:
    """The params of the ``storage_failed`` event: the file, the cause, the spool's bound, the retry waits."""
    limits = spool.limits
    return {
        "path": str(db_path),
        "cause": outage.cause_params if outage.cause_params is not None else {"cause": None, "message": outage.cause},
        "memory_samples": int(limits.memory_bytes / BYTES_PER_SAMPLE),
        "memory_bytes": limits.memory_bytes,
        "spill_samples": int(limits.spill_bytes / BYTES_PER_SAMPLE),
        "spill_bytes": limits.spill_bytes,
        "retry_first_s": outage.first_retry_s,
        "retry_max_s": outage.max_retry_s,
    }


def resumed_params(db_path: Path, outage: Outage, spool: Spool, now_s: float) -> dict[str, Any]:
    """The params of the ``storage_resumed`` event: how long, how much held and written, what was dropped."""
    span = spool.dropped_span
    return {
        "path": str(db_path),
        "outage_s": now_s - outage.since_s,
        "written_samples": spool.written_samples,
        "dropped_samples": spool.dropped_samples,
        "dropped_from_ms": span[0] if span else None,
        "dropped_to_ms": span[1] if span else None,
        "dropped_events": spool.dropped_events,
        "spill_problem": spool.spill_problem,
    }
