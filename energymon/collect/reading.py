"""One poll of one device as the collector publishes it: the immutable :class:`Reading`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drivers.quantities import Role


@dataclass(frozen=True)
class Reading:
    """One poll of one device, as published by the collector (immutable)."""

    device_id: str
    role: Role
    ts_ms: int  # UTC epoch milliseconds when the read completed
    values: Mapping[str, float | None]
    ok: bool
    error: str | None
    latency_s: float
    poll_interval_s: float
    problems: tuple[str, ...] = ()  # why an answered poll was incomplete (failed blocks, missing or rejected values)

    @property
    def state(self) -> str:
        """The device's health as of this poll (energymon.collect.health): ``offline`` (nothing read),
        ``degraded`` (answered, but not completely: see ``problems``) or ``online``."""
        if not self.ok:
            return "offline"
        return "degraded" if self.problems else "online"
