"""Direction of a device installed the other way round (``invert = true``): a pure function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from drivers.quantities import DIRECTION_PAIRS, Role

Value = TypeVar("Value", float, float | None)  # readings keep their None (missing) through the flip


def invert_values(role: Role, values: Mapping[str, Value]) -> dict[str, Value]:
    """Flip the direction of a device installed the other way round.

    ``power_w`` and ``reactive_power_var`` change sign; the direction pair of
    counters (storage charged/discharged, grid imported/exported) swaps. The
    operation is its own inverse.
    """
    out = dict(values)
    for key in ("power_w", "reactive_power_var"):
        value = out.get(key)
        if value is not None:
            out[key] = -value
    pair = DIRECTION_PAIRS.get(role)
    if pair and pair[0] in out and pair[1] in out:
        out[pair[0]], out[pair[1]] = out[pair[1]], out[pair[0]]
    return out
