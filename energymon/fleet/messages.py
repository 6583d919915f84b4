"""The fleet's messages as Python values: what energymon.fleet.payload encodes and decodes (payload v1).

Plain frozen records, so a publisher, the ingest and the tests share one form of each message; times are
UTC epoch ms, values floats in the quantity's base unit (docs/fleet.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol


class PayloadError(ValueError):
    """A payload (or what was to be encoded) is not a valid v1 message. The message is one line."""


@dataclass(frozen=True)
class SamplesMessage:
    """One channel's samples: values [the quantity's base unit] at ts_ms [UTC epoch ms], strictly increasing."""

    site: str
    device: str
    quantity: str
    unit: str
    ts_ms: tuple[int, ...]
    values: tuple[float, ...]
    kind: ClassVar[str] = "samples"


@dataclass(frozen=True)
class EventRecord:
    """One event as carried: when [UTC epoch ms], which device (None: the collector), what, how bad, its facts."""

    ts_ms: int
    device_id: str | None
    kind: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class EventsMessage:
    """A park's events, in the order they were given."""

    site: str
    events: tuple[EventRecord, ...]
    kind: ClassVar[str] = "events"


@dataclass(frozen=True)
class SiteMessage:
    """A park's site description: its time zone, its devices, and the description's further keys (``extra``)."""

    site: str
    timezone: str
    devices: tuple[dict[str, Any], ...] = field(hash=False)
    extra: dict[str, Any] = field(default_factory=dict, hash=False)
    kind: ClassVar[str] = "site"

    def description(self) -> dict[str, Any]:
        """The description as :func:`encode_site` takes it (``timezone``, ``devices`` and the further keys)."""
        return {**self.extra, "timezone": self.timezone, "devices": [dict(device) for device in self.devices]}


Message = SamplesMessage | EventsMessage | SiteMessage


class EventLike(Protocol):
    """What :func:`encode_events` reads of an event: energymon.events.Event and EventRecord both fit."""

    @property
    def ts_ms(self) -> int: ...
    @property
    def device_id(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any] | None: ...
