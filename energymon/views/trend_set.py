"""A set of trend series read together: what each one is (:class:`TrendSpec`) and one read of them all.

A spec names a device's quantity (a counter optionally as energy per
interval) or a site series (device id :data:`~energymon.views.site_trends.SITE`,
:mod:`energymon.views.site_trends`). :func:`read_set` reads the specs of a
chart over one range on the GUI's reader thread; a device series that
several site series need (the PV inverters' power for PV power and for
consumption) is read once. Specs round-trip through plain dicts
(:meth:`TrendSpec.as_dict`, :meth:`TrendSpec.from_dict`) for saved views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drivers.quantities import Role
from energymon.store.reader import StoreReader
from energymon.views.site_trends import SITE, SITE_QUANTITIES, site_series
from energymon.views.trends import Series, series


@dataclass(frozen=True)
class TrendSpec:
    """One series of a chart: ``device_id``'s ``quantity`` (``energy``: a counter as energy per interval),
    or the site quantity ``quantity`` when ``device_id`` is :data:`SITE`."""

    device_id: str
    quantity: str
    energy: bool = False

    @property
    def site(self) -> bool:
        return self.device_id == SITE

    @property
    def per_interval(self) -> bool:
        """Whether the series is energy counted per interval (drawn as bars)."""
        return SITE_QUANTITIES[self.quantity].energy if self.site else self.energy

    def as_dict(self) -> dict[str, object]:
        return {"device": self.device_id, "quantity": self.quantity, "energy": self.energy}

    @classmethod
    def from_dict(cls, data: object) -> TrendSpec | None:
        """The spec of :meth:`as_dict`'s ``data``; None if it is not one (a damaged or foreign setting)."""
        if not isinstance(data, Mapping):
            return None
        device, quantity, energy = data.get("device"), data.get("quantity"), data.get("energy", False)
        if not (isinstance(device, str) and device and isinstance(quantity, str) and quantity):
            return None
        if not isinstance(energy, bool) or (device == SITE and quantity not in SITE_QUANTITIES):
            return None
        return cls(device, quantity, energy)


def read_set(
    reader: StoreReader,
    specs: Sequence[TrendSpec],
    roles: Mapping[str, Role],
    from_ms: int,
    to_ms: int,
    max_points: int = 2000,
) -> list[Series]:
    """The series of ``specs`` over ``[from_ms, to_ms)`` (UTC epoch ms), each at most ``max_points`` points,
    in the order of ``specs``; site series sum the devices of ``roles`` (device id -> role)."""
    cache: dict[tuple, Series] = {}

    def cached(
        reader_: StoreReader,
        device_id: str,
        quantity: str,
        from_: int,
        to: int,
        points: int,
        energy: bool = False,
        rollups_only: bool = False,
    ) -> Series:
        key = (device_id, quantity, from_, to, points, energy, rollups_only)
        if key not in cache:
            cache[key] = series(reader_, device_id, quantity, from_, to, points, energy, rollups_only)
        return cache[key]

    out = []
    for spec in specs:
        if spec.site:
            out.append(site_series(reader, spec.quantity, roles, from_ms, to_ms, max_points, read=cached))
        else:
            out.append(cached(reader, spec.device_id, spec.quantity, from_ms, to_ms, max_points, spec.energy))
    return out
