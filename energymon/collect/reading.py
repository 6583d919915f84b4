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
    # Why an answered poll was incomplete (failed blocks, missing or rejected values) or its data is doubtful
    # (energymon.collect.quality: "frozen: power_w", "stale: temperature_c", "out of range: frequency_hz").
    problems: tuple[str, ...] = ()
    # Quantities whose value in ``values`` is there as the device gave it (and stored so) but is not a good
    # live value: frozen, a counter flat while power flows, or outside physical bounds. Views flag them.
    suspect: frozenset[str] = frozenset()

    @property
    def state(self) -> str:
        """The device's health as of this poll (energymon.collect.health): ``offline`` (nothing read),
        ``degraded`` (answered, but not completely or with doubtful data: see ``problems``) or ``online``."""
        if not self.ok:
            return "offline"
        return "degraded" if self.problems else "online"
