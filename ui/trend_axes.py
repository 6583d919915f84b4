"""Where each series of the trends chart is drawn, and the value range of an axis: pure rules, no widgets.

Series are grouped on value axes by unit (:func:`axis_key`): W on one, V on
another, % on a third; energy counted per interval (Wh per interval, drawn
as bars) is a group of its own, apart from counter readings in Wh. The rule
(:func:`plan_axes`): the groups in the order their first series was added;
group ``k`` goes into the stacked plot ``k // 2`` (0 at the top), on its left
axis for even ``k`` and its right axis for odd ``k``. So a plot has at most
two value axes, and a third and fourth unit make a second plot below the
first, on the same time axis.

A value axis follows what is in view (:func:`value_range`): its series'
values in the visible time, padded; an axis with bars always includes 0, so
each bar's height is its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PER_INTERVAL = "/interval"  # suffix of the group key of energy per interval
FLAT_RANGE_SHARE = 0.02  # a flat series' value axis spans at least this share of its magnitude (or 1 unit at 0)
PAD_SHARE = 0.05  # the value axis reaches this share of its span beyond the values (never below 0 for bars)


def axis_key(unit: str, per_interval: bool) -> str:
    """The group of a series: its base unit, with :data:`PER_INTERVAL` for energy per interval."""
    return f"{unit}{PER_INTERVAL}" if per_interval else unit


def key_unit(key: str) -> str:
    """The base unit of a group key ("Wh" of "Wh/interval")."""
    return key.removesuffix(PER_INTERVAL)


@dataclass(frozen=True)
class Slot:
    """Where a series is drawn: stacked plot ``plot`` (0 at the top), its left or right axis, the group key."""

    plot: int
    right: bool
    key: str


def plan_axes(keys: Sequence[str | None]) -> list[Slot | None]:
    """The slot of each series from its group key (None: not drawn, e.g. a quantity the device lacks)."""
    order: list[str] = []
    for key in keys:
        if key is not None and key not in order:
            order.append(key)
    where = {key: Slot(k // 2, k % 2 == 1, key) for k, key in enumerate(order)}
    return [None if key is None else where[key] for key in keys]


def plot_count(slots: Sequence[Slot | None]) -> int:
    """How many stacked plots the slots need (at least one)."""
    return max((s.plot + 1 for s in slots if s is not None), default=1)


def in_view(x_s: np.ndarray, width_s: float, from_s: float, to_s: float) -> slice:
    """The points of ``x_s`` (sorted; point or bucket start [s], buckets ``width_s`` long) that reach into
    ``[from_s, to_s]``, with one more on each side for a line (it is drawn up to the edge)."""
    start = int(np.searchsorted(x_s, from_s - width_s, side="left"))
    stop = int(np.searchsorted(x_s, to_s, side="right"))
    if width_s == 0:
        start, stop = max(start - 1, 0), min(stop + 1, x_s.size)
    return slice(start, stop)


def value_range(values: Sequence[np.ndarray], bars: bool) -> tuple[float, float] | None:
    """(low, high) of a value axis for ``values`` (those in view, NaN ignored); None when there are none.

    ``bars``: the range includes 0 and starts exactly there when no value is below it.
    """
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return (0.0, 1.0) if bars else None
    low = float(min(v.min() for v in finite))
    high = float(max(v.max() for v in finite))
    if bars:
        low, high = min(low, 0.0), max(high, 0.0)
    magnitude = max(abs(low), abs(high))
    least = FLAT_RANGE_SHARE * magnitude if magnitude > 0 else 1.0
    if high - low < least:  # a flat series: not float noise blown up to full height
        if bars:
            low, high = (low, low + least) if low == 0 else (high - least, high)
        else:
            middle = (low + high) / 2
            low, high = middle - least / 2, middle + least / 2
    pad = PAD_SHARE * (high - low)
    return (low if bars and low == 0 else low - pad, high if bars and high == 0 else high + pad)
