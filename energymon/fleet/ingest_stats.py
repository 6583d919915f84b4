"""What the ingest counts and says: totals since start, the periodic summary line, refusals logged once.

A refused message (payload not valid v1, or topic and content that disagree) is logged once per (site,
kind of reason), the kind being the reason with its numbers blanked, so a park sending the same bad message
every second fills no log; every refusal is counted in the summary.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from energymon.fleet.ingest_pg import BatchResult

log = logging.getLogger("energymon.fleet.ingest")

_NUMBERS = re.compile(r"\d+(\.\d+)?")


def reason_kind(reason: str) -> str:
    """The kind of a refusal: its reason with numbers replaced by 'N' (``ts_ms[N] = N does not follow ...``)."""
    return _NUMBERS.sub("N", reason)[:120]


@dataclass
class IngestStats:
    """Totals since the ingest started."""

    messages: int = 0  # messages acknowledged (written or refused)
    samples_inserted: int = 0
    samples_duplicate: int = 0  # samples that were stored already (a re-sent message)
    events_inserted: int = 0
    refused: int = 0
    batches: int = 0
    lag_ms: int | None = None  # now - newest sample time of the last batch with samples [ms]
    _refusals_seen: set[tuple[str, str]] = field(default_factory=set)

    def add_batch(self, result: BatchResult, messages: int, newest_ts_ms: int | None, now_ms: int) -> None:
        self.batches += 1
        self.messages += messages
        self.samples_inserted += result.samples_inserted
        self.samples_duplicate += result.samples_duplicate
        self.events_inserted += result.events_inserted
        if newest_ts_ms is not None:
            self.lag_ms = now_ms - newest_ts_ms

    def refuse(self, site: str, reason: str, topic: str) -> None:
        """Count a refused message; log it when its (site, kind of reason) is new."""
        self.refused += 1
        key = (site, reason_kind(reason))
        if key not in self._refusals_seen:
            self._refusals_seen.add(key)
            log.warning(
                "refused a message on %r (site %s): %s (further refusals of this kind are only counted)",
                topic[:200],
                site,
                reason,
            )

    def summary(self, mqtt_state: str, postgres_state: str) -> str:
        """The summary line: totals, lag, link states."""
        lag = "-" if self.lag_ms is None else f"{self.lag_ms / 1000:.1f} s"
        return (
            f"summary: {self.messages:,} messages, {self.samples_inserted:,} samples inserted, "
            f"{self.samples_duplicate:,} duplicates ignored, {self.events_inserted:,} events inserted, "
            f"{self.refused:,} refused, lag {lag}, mqtt {mqtt_state}, postgres {postgres_state}"
        )
