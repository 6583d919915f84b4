"""What the writer is handed to store: a poll's values (:class:`SampleBatch`) and an acknowledgement (:class:`Ack`).

Events (energymon.events.Event) are the third kind. They live here, apart from
the writer, so the writer's spool (energymon.store.spool) can hold and encode
them without importing the writer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SampleBatch:
    """Values read from one device at one time (UTC epoch ms); ``None`` values are not stored."""

    device_id: str
    ts_ms: int
    values: dict[str, float | None]


@dataclass(frozen=True)
class Ack:
    """An operator's acknowledgement of the event ``event_id``: by whom, when (UTC epoch ms), a note."""

    event_id: int
    acked_by: str
    acked_ms: int
    note: str = ""
