"""Plausibility checks applied by the collector to freshly read values: pure functions.

A value that fails becomes missing (``None``) and is named in the result, so the
collector can record an event; it is never clamped or replaced by another value.
"""

from __future__ import annotations

from drivers.quantities import QUANTITIES, Kind, Role
from energymon.config import Device

POWER_MARGIN = 1.25  # a reading may exceed the rated power by 25 % before it is rejected


def plausible(device: Device, values: dict[str, float | None]) -> tuple[dict[str, float | None], list[str]]:
    """Return (values with implausible ones set to ``None``, names of the rejected quantities).

    Bounds: ``|power_w| <= rated x 1.25`` (and >= -2 % of rated for pv and load,
    which only produce or consume); ``0 <= soc_pct, soh_pct <= 100``; counters >= 0.
    """
    rated_w = device.rated_power_kw * 1000.0
    out = dict(values)
    rejected: list[str] = []
    for quantity, value in values.items():
        if value is None:
            continue
        ok = True
        if quantity == "power_w":
            ok = abs(value) <= rated_w * POWER_MARGIN
            if device.role in (Role.PV, Role.LOAD):
                ok = ok and value >= -0.02 * rated_w
        elif quantity in ("soc_pct", "soh_pct"):
            ok = 0.0 <= value <= 100.0
        elif QUANTITIES[quantity].kind is Kind.COUNTER:
            ok = value >= 0.0
        if not ok:
            out[quantity] = None
            rejected.append(quantity)
    return out, rejected
