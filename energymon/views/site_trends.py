"""Site series for the trends: the park's PV, consumption, grid and storage power, and their energy per interval.

Each site quantity is a sum over the site's devices by role, with the signs
of :mod:`drivers.quantities` (PV power + = generation; grid + = import,
- = export; storage + = discharge, - = charge):

=========================  ====  ===========================================================
site quantity              unit  each bucket
=========================  ====  ===========================================================
``pv_power_w``             W     the PV inverters' power
``consumption_power_w``    W     PV + grid + storage power: what the site uses
``grid_power_w``           W     the grid meters' power (+ import, - export)
``storage_power_w``        W     the storage units' power (+ discharge, - charge)
``pv_energy_wh``           Wh    PV energy counted (``yield_wh``)
``consumption_energy_wh``  Wh    pv + import - export + discharge - charge (as the reports)
``grid_import_wh``         Wh    energy imported (``imported_wh``)
``grid_export_wh``         Wh    energy exported (``exported_wh``)
``storage_charge_wh``      Wh    energy charged (``charged_wh``)
``storage_discharge_wh``   Wh    energy discharged (``discharged_wh``)
=========================  ====  ===========================================================

Powers are the sums of the devices' bucket means (statistic ``"sum"``,
always from the rollups, so every device has the same buckets: one minute
at the finest); energies are the sums of the counters' energy per bucket
(statistic ``"delta"``, :func:`energymon.views.trends.series` with
``energy=True``). A role the site has no device of adds nothing (a site
without storage has no storage power).

Partial sums: one device down never blanks the site
----------------------------------------------------
A device *reports* in a bucket when each of its terms has a value there (a
grid meter both its counters). A bucket's value is the sum over the devices
that report, and ``reporting`` says how many they are, out of ``devices``:
the sum of 7 of 8 inverters is shown and disclosed as "7 of 8". A bucket in
which some role the quantity needs has no reporting device at all is left
out (missing, never 0): consumption without the grid meter is unknown, not
smaller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from drivers.quantities import Role
from energymon.store.reader import StoreReader
from energymon.views.trends import Series, choose_level
from energymon.views.trends import series as device_series

SITE = "@site"  # the device id of the site series (a device id has only letters, digits, '-' and '_')

Read = Callable[..., Series]  # (reader, device_id, quantity, from_ms, to_ms, max_points, energy=, rollups_only=)


@dataclass(frozen=True)
class SiteQuantity:
    """A site series: its unit, whether it is energy per interval, and its terms (role, device quantity, sign)."""

    name: str
    unit: str  # "W" or "Wh"
    energy: bool  # energy counted per interval (else a power)
    terms: tuple[tuple[Role, str, int], ...]


_PV_W = (Role.PV, "power_w", +1)
_GRID_W = (Role.GRID, "power_w", +1)
_STORAGE_W = (Role.STORAGE, "power_w", +1)
_PV_WH = (Role.PV, "yield_wh", +1)
_IMPORT, _EXPORT = (Role.GRID, "imported_wh", +1), (Role.GRID, "exported_wh", -1)
_DISCHARGE, _CHARGE = (Role.STORAGE, "discharged_wh", +1), (Role.STORAGE, "charged_wh", -1)

SITE_QUANTITIES: dict[str, SiteQuantity] = {
    q.name: q
    for q in (
        SiteQuantity("pv_power_w", "W", False, (_PV_W,)),
        SiteQuantity("consumption_power_w", "W", False, (_PV_W, _GRID_W, _STORAGE_W)),
        SiteQuantity("grid_power_w", "W", False, (_GRID_W,)),
        SiteQuantity("storage_power_w", "W", False, (_STORAGE_W,)),
        SiteQuantity("pv_energy_wh", "Wh", True, (_PV_WH,)),
        SiteQuantity("consumption_energy_wh", "Wh", True, (_PV_WH, _IMPORT, _EXPORT, _DISCHARGE, _CHARGE)),
        SiteQuantity("grid_import_wh", "Wh", True, (_IMPORT,)),
        SiteQuantity("grid_export_wh", "Wh", True, ((Role.GRID, "exported_wh", +1),)),
        SiteQuantity("storage_charge_wh", "Wh", True, ((Role.STORAGE, "charged_wh", +1),)),
        SiteQuantity("storage_discharge_wh", "Wh", True, (_DISCHARGE,)),
    )
}


def site_devices(quantity: str, roles: Mapping[str, Role]) -> list[str]:
    """The devices a site quantity sums (those of its terms' roles), in the site's order."""
    needed = {role for role, _, _ in SITE_QUANTITIES[quantity].terms}
    return [device_id for device_id, role in roles.items() if role in needed]


def site_series(
    reader: StoreReader,
    quantity: str,
    roles: Mapping[str, Role],
    from_ms: int,
    to_ms: int,
    max_points: int = 2000,
    read: Read = device_series,
) -> Series:
    """The site quantity ``quantity`` over ``[from_ms, to_ms)`` (UTC epoch ms), summed over the devices of
    ``roles`` (device id -> role) that report (module docstring); at most ``max_points`` buckets.

    ``read`` reads one device's series (:func:`energymon.views.trends.series`, or a cache in front of it).
    """
    definition = SITE_QUANTITIES[quantity]
    terms = [
        (device_id, role, name, sign)
        for role, name, sign in definition.terms
        for device_id, device_role in roles.items()
        if device_role is role
    ]
    parts = [
        read(reader, device_id, name, from_ms, to_ms, max_points, energy=definition.energy, rollups_only=True)
        for device_id, _, name, _ in terms
    ]
    level, _ = choose_level(max(to_ms - from_ms, 1), max_points)
    bucket_ms = parts[0].bucket_ms if parts else 0
    devices = list(dict.fromkeys(device_id for device_id, *_ in terms))
    ts, total, reporting = _sum(terms, parts, devices)
    nan = np.full(ts.size, np.nan)
    return Series(
        ts,
        total,
        nan,
        nan.copy(),
        parts[0].source if parts else level,
        bucket_ms,
        "delta" if definition.energy else "sum",
        SITE,
        quantity,
        definition.unit,
        "counter" if definition.energy else "measurement",
        int(from_ms),
        int(to_ms),
        reporting,
        len(devices),
    )


def _sum(
    terms: list[tuple[str, Role, str, int]], parts: list[Series], devices: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bucket starts, sums over the reporting devices, devices reporting) of the buckets every role has."""
    if not parts:
        return np.array([], dtype=np.int64), np.array([], dtype=np.float64), np.array([], dtype=np.int64)
    ts = np.unique(np.concatenate([p.ts_ms for p in parts]))
    by_device = np.zeros((len(devices), ts.size))  # each device's signed sum of its terms, NaN where one lacks
    row = {device_id: i for i, device_id in enumerate(devices)}
    for (device_id, _, _, sign), part in zip(terms, parts):
        values = np.full(ts.size, np.nan)
        values[np.searchsorted(ts, part.ts_ms)] = sign * part.mean
        by_device[row[device_id]] += values
    reports = np.isfinite(by_device)
    role_of = {device_id: role for device_id, role, _, _ in terms}
    roles = sorted({role.value for role in role_of.values()})
    every_role = np.ones(ts.size, dtype=bool)
    for role in roles:
        rows = [row[d] for d in devices if role_of[d].value == role]
        every_role &= reports[rows].any(axis=0)
    total = np.where(reports, by_device, 0.0).sum(axis=0)
    reporting = reports.sum(axis=0).astype(np.int64)
    return ts[every_role], total[every_role], reporting[every_role]
