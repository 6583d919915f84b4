"""Live site totals from the latest reading of each device: pure functions (and the latest readings from the store).

Site balance with the sign conventions of drivers.quantities:
``consumption_w = pv_w + storage_w + grid_w`` (storage + = discharge, grid + = import).
A total is only given when every device it needs has a fresh value; otherwise
it is ``None`` and the number of devices reporting says why. A value the
collector marks suspect (frozen, out of range: energymon.collect.quality)
does not count as reporting, so a frozen grid meter does not keep the Grid
tile saying "importing".

:func:`latest_readings` makes the same readings from what the store holds, for
a viewer without its own collector. :class:`Reading` is the collector's record
(energymon.collect.reading), importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeGuard

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.store.reader import StoreReader
from energymon.views.site import DeviceInfo

__all__ = [
    "STALE_AFTER_POLLS",
    "RoleTotal",
    "SiteTotals",
    "is_fresh",
    "latest_readings",
    "role_total",
    "site_totals",
]

STALE_AFTER_POLLS = 3  # a reading older than 3 poll intervals is no longer live


@dataclass(frozen=True)
class RoleTotal:
    value: float | None  # sum over the role's devices, None unless all are fresh
    reporting: int
    expected: int

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reporting == self.expected


@dataclass(frozen=True)
class SiteTotals:
    pv_w: RoleTotal
    storage_w: RoleTotal
    grid_w: RoleTotal
    load_w: RoleTotal  # sum of load meters (metered load)
    soc_pct: float | None  # mean state of charge of the storage units reporting one
    consumption_w: float | None  # pv + storage + grid, None unless all three are complete

    @property
    def grid_import_w(self) -> float | None:
        return None if self.grid_w.value is None else max(self.grid_w.value, 0.0)

    @property
    def grid_export_w(self) -> float | None:
        return None if self.grid_w.value is None else max(-self.grid_w.value, 0.0)


def is_fresh(reading: Reading | None, now_ms: int) -> TypeGuard[Reading]:
    """Whether ``reading`` is there, got values and is at most ``STALE_AFTER_POLLS`` poll intervals old."""
    return (
        reading is not None
        and reading.ok
        and now_ms - reading.ts_ms <= STALE_AFTER_POLLS * reading.poll_interval_s * 1000
    )


def role_total(
    devices: Mapping[str, Role], readings: Mapping[str, Reading], role: Role, quantity: str, now_ms: int
) -> RoleTotal:
    ids = [d for d, r in devices.items() if r is role]
    values: list[float] = []
    for device_id in ids:
        reading = readings.get(device_id)
        if is_fresh(reading, now_ms) and quantity not in reading.suspect:  # frozen / out of range: not live
            value = reading.values.get(quantity)
            if value is not None:
                values.append(value)
    complete = len(values) == len(ids)
    return RoleTotal(sum(values) if complete and ids else (0.0 if not ids else None), len(values), len(ids))


def site_totals(devices: Mapping[str, Role], readings: Mapping[str, Reading], now_ms: int) -> SiteTotals:
    """Totals of the park. ``devices`` maps every configured device id to its role."""
    pv = role_total(devices, readings, Role.PV, "power_w", now_ms)
    storage = role_total(devices, readings, Role.STORAGE, "power_w", now_ms)
    grid = role_total(devices, readings, Role.GRID, "power_w", now_ms)
    load = role_total(devices, readings, Role.LOAD, "power_w", now_ms)
    socs = [
        soc_pct
        for d, role in devices.items()
        if role is Role.STORAGE
        and is_fresh(readings.get(d), now_ms)
        and (soc_pct := readings[d].values.get("soc_pct")) is not None
    ]
    soc = sum(socs) / len(socs) if socs else None
    consumption = None
    if grid.expected and pv.value is not None and storage.value is not None and grid.value is not None:
        consumption = pv.value + storage.value + grid.value
    return SiteTotals(pv, storage, grid, load, soc, consumption)


def latest_readings(reader: StoreReader, devices: Iterable[DeviceInfo], since_ms: int) -> dict[str, Reading]:
    """Latest stored value of every quantity per device, as collector-like readings.

    For a viewer without its own collector (``gui --no-collect``). Only samples
    at or after ``since_ms`` count; ``devices`` are :class:`energymon.views.site.DeviceInfo`.
    """
    by_device: dict[str, dict[str, float | None]] = {}
    stamps: dict[str, int] = {}
    for device_id, quantity, ts_ms, value in reader.latest_values(since_ms):
        by_device.setdefault(device_id, {})[quantity] = value
        stamps[device_id] = max(ts_ms, stamps.get(device_id, 0))
    out = {}
    for info in devices:
        if info.id in by_device:
            out[info.id] = Reading(
                info.id,
                info.role,
                stamps[info.id],
                MappingProxyType(by_device[info.id]),
                True,
                None,
                0.0,
                info.poll_interval_s,
            )
    return out
