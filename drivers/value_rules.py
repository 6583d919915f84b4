"""Rules for values whose meaning real devices disagree on, applied after scaling (pure).

A profile point may name one of :data:`RULES` (``rule = "..."`` in a profile
file; SunSpec points get theirs from drivers.sunspec_map). The rule turns the
scaled value into the canonical one, or into ``None`` when no reading of it is
plausible, so a disputed value is right or missing, never off by 100.

``ratio-or-percent`` (power factor, canonical -1..1): SunSpec declares the
inverter and meter ``PF`` points in "Pct", and devices fill them both ways.
Percent: SolarEdge inverters (-99.77), Fronius (100). Ratio: KOSTAL
PLENTICORE (1.00), the SunSpec Alliance's own test device image (0.995). A
magnitude of at most 1 is taken as a ratio, above 1 up to 100 as percent, and
above 100 is missing. The one ambiguity, a percent device reporting a power
factor below 1 % (only near zero power), is read as a ratio; the sign is kept
as the device reports it.
"""

from __future__ import annotations

from collections.abc import Callable


def ratio_or_percent(value: float) -> float | None:
    """A power factor given as a ratio (|v| <= 1) or in percent (1 < |v| <= 100) -> ratio; else None."""
    magnitude = abs(value)
    if magnitude <= 1.0:
        return value
    if magnitude <= 100.0:
        return value / 100.0
    return None


RULES: dict[str, Callable[[float], float | None]] = {
    "ratio-or-percent": ratio_or_percent,
}
