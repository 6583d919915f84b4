"""The series of the trends chart as plain state: their specs, the one the pickers edit, and what each is drawn
as (its axis group). No widgets here; ui.trends_page shows it.

A chart holds up to :data:`MAX_SERIES` series. "Add series" appends the
next sensible one (:func:`next_spec`): the same quantity of the next device
that stores it, or the next site series; then the pickers edit the new one,
so comparing two inverters is "Add series" and nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from energymon.views.site_trends import SITE, SITE_QUANTITIES
from energymon.views.trend_set import TrendSpec
from energymon.views.trends import Channel
from ui.trend_axes import axis_key

MAX_SERIES = 12  # the palette's colours (ui.trend_chart.PALETTE)


def spec_key(spec: TrendSpec, channels: Sequence[Channel]) -> str | None:
    """The axis group of a series (ui.trend_axes.axis_key); None when it has no data to draw (a quantity the
    device does not store)."""
    if spec.site:
        site = SITE_QUANTITIES.get(spec.quantity)
        return None if site is None else axis_key(site.unit, site.energy)
    for channel in channels:
        if channel.device_id == spec.device_id and channel.quantity == spec.quantity:
            return axis_key(channel.unit, spec.energy and channel.counter)
    return None


def lacks_channel(specs: Sequence[TrendSpec], channels: Sequence[Channel]) -> bool:
    """Whether the channel list is empty or some series' channel is not in it (a device not stored yet, or a
    quantity the device lacks), so the list is worth reading again."""
    return not channels or any(spec_key(spec, channels) is None for spec in specs)


def next_spec(
    base: TrendSpec, taken: Sequence[TrendSpec], device_order: Sequence[str], channels: Sequence[Channel]
) -> TrendSpec:
    """The series "Add series" appends after ``base``: the next site series, or ``base``'s quantity on the next
    device (in ``device_order``) that stores it, not already in ``taken``; else another channel not taken."""
    if base.site:
        names = list(SITE_QUANTITIES)
        start = names.index(base.quantity) if base.quantity in names else -1
        for name in names[start + 1 :] + names[: start + 1]:
            if TrendSpec(SITE, name) not in taken:
                return TrendSpec(SITE, name)
        return base
    stored = {(c.device_id, c.quantity): c for c in channels}
    order = list(device_order)
    start = order.index(base.device_id) if base.device_id in order else -1
    for device_id in order[start + 1 :] + order[: start + 1]:
        channel = stored.get((device_id, base.quantity))
        candidate = TrendSpec(device_id, base.quantity, base.energy and channel is not None and channel.counter)
        if channel is not None and candidate not in taken:
            return candidate
    for c in channels:
        if c.device_id == base.device_id and TrendSpec(c.device_id, c.quantity) not in taken:
            return TrendSpec(c.device_id, c.quantity)
    return base


@dataclass
class SeriesSet:
    """The chart's series in order (colours follow the order) and the index of the one the pickers edit."""

    specs: list[TrendSpec] = field(default_factory=list)
    current: int = 0

    def spec(self) -> TrendSpec | None:
        return self.specs[self.current] if 0 <= self.current < len(self.specs) else None

    def set_current(self, spec: TrendSpec) -> None:
        """The pickers chose ``spec``: the series they edit becomes it (the first series, if there is none)."""
        if not self.specs:
            self.specs, self.current = [spec], 0
        else:
            self.specs[self.current] = spec

    def add(self, spec: TrendSpec) -> bool:
        """Append ``spec`` and edit it next; False when the chart is full."""
        if len(self.specs) >= MAX_SERIES:
            return False
        self.specs.append(spec)
        self.current = len(self.specs) - 1
        return True

    def remove(self, index: int) -> bool:
        """Remove the series at ``index`` (never the last one left)."""
        if len(self.specs) <= 1 or not 0 <= index < len(self.specs):
            return False
        del self.specs[index]
        if self.current > index or self.current >= len(self.specs):
            self.current -= 1
        return True

    def replace(self, specs: Sequence[TrendSpec]) -> None:
        """A saved view's series (at most :data:`MAX_SERIES`), the first one to edit."""
        self.specs, self.current = list(specs[:MAX_SERIES]), 0
