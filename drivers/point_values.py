"""How the decoded points of a profile become one value per quantity, and back for the simulator (pure).

Rows of a profile that share a quantity combine in row order:

- ``part`` rows add up (a PV power given per MPPT only); the sum is missing
  if any part is, never the sum of the parts that answered (a part marked
  ``absent_as_zero`` whose register was read and says "not implemented", an
  MPPT the model does not have, adds 0);
- a ``fallback`` row stands in when the rows before it came out missing (a
  finer register that only some models of a family have, read first, the
  coarse one after it).

A point with a condition (``when``) holds its quantity only while the
condition register reads one of the listed words (e.g. a register that holds
phase voltages on a four-wire output and line voltages on a three-wire one);
otherwise it is missing. The simulator writes each condition register with
the first word its first conditional point accepts.

A profile that maps ``ct_ratio``/``pt_ratio`` reads a transformer-connected
meter that reports secondary values: every other point is multiplied by the
ratios it depends on (drivers.transformer_ratios), unless it is ``primary``;
a ratio that is missing, 0 or not finite makes its dependents missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from drivers.quantities import RATIOS
from drivers.transformer_ratios import ratios_needed, valid_ratio

if TYPE_CHECKING:
    from drivers.profile import Point


def combine(points: Sequence[Point], decoded: Sequence[float | None]) -> dict[str, float | None]:
    """One value per quantity from the value of each point (same order as ``points``)."""
    values: dict[str, float | None] = {}
    for point, value in zip(points, decoded, strict=True):
        if point.quantity not in values:
            values[point.quantity] = value
            continue
        so_far = values[point.quantity]
        if point.part:
            values[point.quantity] = None if so_far is None or value is None else so_far + value
        elif so_far is None:  # a fallback row
            values[point.quantity] = value
    return values


def per_point(points: Sequence[Point], values: Mapping[str, float | None]) -> list[float | None]:
    """What each point encodes for ``values``: a sum split evenly over its parts (each share on the part's
    register steps, the last part taking the rest, so that they add up), every other row the value itself."""
    out: list[float | None] = [values.get(p.quantity) for p in points]
    for quantity in dict.fromkeys(p.quantity for p in points if p.part):
        value = values.get(quantity)
        if value is None:
            continue
        rows = [i for i, p in enumerate(points) if p.quantity == quantity]
        rest = value
        for n, i in enumerate(rows):
            share = rest if n == len(rows) - 1 else rest / (len(rows) - n)
            if n < len(rows) - 1 and not points[i].dtype.is_float:
                share = round(share / points[i].scale) * points[i].scale
            out[i] = share
            rest -= share
    return out


def condition_words(points: Sequence[Point]) -> dict[tuple[str, int], int]:
    """The word the simulator writes into each condition register: the first its first conditional point accepts."""
    words: dict[tuple[str, int], int] = {}
    for p in points:
        if p.when_address is not None:
            words.setdefault((p.table, p.when_address), p.when_values[0])
    return words


def active(point: Point, words: Mapping[tuple[str, int], int]) -> bool:
    """Whether ``point`` holds its quantity when the condition registers read ``words``."""
    return point.when_address is None or words.get((point.table, point.when_address)) in point.when_values


def held_ratios_applied(
    points: Sequence[Point], values: dict[str, float | None], to_primary: bool
) -> dict[str, float | None]:
    """Secondary values -> primary with the ratios read alongside them (``to_primary``), or back (simulator)."""
    held = RATIOS & {p.quantity for p in points}
    if not held:
        return values
    out = dict(values)
    for point in points:
        value = values.get(point.quantity)
        if point.primary or point.quantity in RATIOS or value is None:
            continue
        f: float | None = 1.0
        for name in ratios_needed(point.quantity):
            if name in held:
                ratio = values.get(name) if to_primary else values.get(name, 1.0)
                f = f * ratio if f is not None and ratio is not None and valid_ratio(ratio) else None
        out[point.quantity] = None if f is None else (value * f if to_primary else value / f)
    return out
