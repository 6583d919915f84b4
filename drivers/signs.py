"""A device installed the other way round: its power's sign, its direction counters' order (pure functions).

A meter mounted the other way round reports import as export: power has the
wrong sign and the counter pair of the role (storage charged/discharged,
grid imported/exported) is swapped. Some devices get only one of the two
wrong (a SolarEdge meter reports export as positive power while its
counters are right), so the config has ``invert_power`` and
``swap_counters`` each, and ``invert`` for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from drivers.quantities import DIRECTION_PAIRS, Role

Value = TypeVar("Value", float, float | None)  # readings keep their None (missing) through the flip

SIGNED_POWERS = ("power_w", "reactive_power_var")


def flip_power(values: Mapping[str, Value]) -> dict[str, Value]:
    """``power_w`` and ``reactive_power_var`` with their sign changed; the rest as it is. Its own inverse."""
    out = dict(values)
    for key in SIGNED_POWERS:
        value = out.get(key)
        if value is not None:
            out[key] = -value
    return out


def swap_counters(role: Role, values: Mapping[str, Value]) -> dict[str, Value]:
    """The role's direction pair of counters exchanged (both present), the rest as it is. Its own inverse."""
    out = dict(values)
    pair = DIRECTION_PAIRS.get(role)
    if pair and pair[0] in out and pair[1] in out:
        out[pair[0]], out[pair[1]] = out[pair[1]], out[pair[0]]
    return out


def oriented(role: Role, values: Mapping[str, Value], power: bool, counters: bool) -> dict[str, Value]:
    """``values`` with power flipped if ``power`` and the counter pair swapped if ``counters``."""
    out = flip_power(values) if power else dict(values)
    return swap_counters(role, out) if counters else out
