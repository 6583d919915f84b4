"""Live site totals from the latest reading of each device: pure functions (and the latest readings from the store).

Site balance with the sign conventions of drivers.quantities:
``consumption_w = pv_w + storage_w + grid_w`` (storage + = discharge, grid + = import).

Partial sums. A role's total (:class:`RoleTotal`) is the sum over its devices
that report: a fresh reading (at most ``STALE_AFTER_POLLS`` poll intervals
old) with a value the collector does not mark suspect (frozen, out of range:
energymon.collect.quality; so a frozen grid meter does not keep the Grid tile
saying "importing"). The devices left out are named in ``missing`` and the
total says "n of m" (``reporting`` of ``expected``); it is ``None`` only when
no device of the role reports. One offline inverter of eight gives the sum of
the seven, flagged, never a blank site and never the eighth's old value.

Consumption is a balance (:class:`Balance`), so a missing device does not
just make it smaller, it makes it wrong by that device's power. It is
computed over the devices that report, marked partial, with the missing
devices named and the range the true value lies in: a missing inverter
contributes between 0 and its rated power, a missing storage unit or grid
meter between minus and plus its rated power (the collector's plausibility
bounds). The balance needs a grid meter: without one reporting (or none
configured) consumption is ``None``.

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
    "Balance",
    "RoleTotal",
    "SiteTotals",
    "is_fresh",
    "latest_readings",
    "role_total",
    "site_totals",
    "why_missing",
]

STALE_AFTER_POLLS = 3  # a reading older than 3 poll intervals is no longer live
BALANCE_ROLES = (Role.PV, Role.STORAGE, Role.GRID)
# What a device left out of the balance may contribute to consumption, in units of its rated power.
MISSING_RANGE = {Role.PV: (0.0, 1.0), Role.STORAGE: (-1.0, 1.0), Role.GRID: (-1.0, 1.0)}


@dataclass(frozen=True)
class RoleTotal:
    """The power [W] of one role, summed over its devices that report (see the module docstring)."""

    value: float | None  # sum over the reporting devices; None if none reports; 0.0 for a role without devices
    reporting: int
    expected: int
    missing: tuple[str, ...] = ()  # the role's devices not in the sum, in site order
    oldest_ts_ms: int | None = None  # UTC epoch ms of the oldest reading in the sum: the value is that old

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reporting == self.expected

    @property
    def partial(self) -> bool:
        """Some, not all, of the role's devices are in the sum."""
        return 0 < self.reporting < self.expected


@dataclass(frozen=True)
class Balance:
    """Site consumption [W] = pv + storage + grid over the devices that report (sign conventions above).

    ``value_w`` is ``None`` when no grid meter reports. ``missing``: the PV, storage
    and grid devices left out (then the value is partial). The true consumption
    lies in ``low_w .. high_w`` given the missing devices' rated power (both equal
    ``value_w`` when nothing is missing; ``None`` when a missing device has no
    rated power).
    """

    value_w: float | None
    missing: tuple[str, ...] = ()
    low_w: float | None = None
    high_w: float | None = None
    oldest_ts_ms: int | None = None  # the oldest reading in the balance

    @property
    def partial(self) -> bool:
        return self.value_w is not None and bool(self.missing)


@dataclass(frozen=True)
class SiteTotals:
    pv_w: RoleTotal
    storage_w: RoleTotal
    grid_w: RoleTotal
    load_w: RoleTotal  # sum of load meters (metered load)
    soc_pct: float | None  # mean state of charge of the storage units reporting one
    consumption: Balance

    @property
    def consumption_w(self) -> float | None:
        """pv + storage + grid over the devices reporting [W] (partial if ``consumption.missing``)."""
        return self.consumption.value_w

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


def why_missing(reading: Reading | None, quantity: str, now_ms: int) -> str | None:
    """Why a device's ``quantity`` is not in a live total, or None if it is.

    ``"never"`` (no reading yet), ``"failed"`` (the latest poll read nothing, at
    ``reading.ts_ms``), ``"stale"`` (no reading for more than ``STALE_AFTER_POLLS``
    poll intervals; the latest at ``reading.ts_ms``), ``"suspect"`` (frozen or out
    of range), ``"no_value"`` (read, but without this quantity).
    """
    if reading is None:
        return "never"
    if not reading.ok:
        return "failed"
    if not is_fresh(reading, now_ms):
        return "stale"
    if quantity in reading.suspect:
        return "suspect"
    if reading.values.get(quantity) is None:
        return "no_value"
    return None


def role_total(
    devices: Mapping[str, Role], readings: Mapping[str, Reading], role: Role, quantity: str, now_ms: int
) -> RoleTotal:
    """The sum of ``quantity`` over the devices of ``role`` that report it (see the module docstring)."""
    ids = [d for d, r in devices.items() if r is role]
    values: list[float] = []
    stamps: list[int] = []
    missing: list[str] = []
    for device_id in ids:
        reading = readings.get(device_id)
        value = None if reading is None or why_missing(reading, quantity, now_ms) else reading.values.get(quantity)
        if reading is not None and value is not None:
            values.append(value)
            stamps.append(reading.ts_ms)
        else:
            missing.append(device_id)
    if not ids:
        return RoleTotal(0.0, 0, 0)
    return RoleTotal(sum(values) if values else None, len(values), len(ids), tuple(missing), min(stamps, default=None))


def balance(
    devices: Mapping[str, Role],
    totals: Mapping[Role, RoleTotal],
    rated_w: Mapping[str, float | None] | None = None,
) -> Balance:
    """Consumption from the role totals of PV, storage and grid (``totals``), with its range (module docstring).

    ``rated_w``: each device's rated power [W] (None or missing: the range is unknown).
    """
    grid = totals[Role.GRID]
    if not grid.expected or grid.value is None:
        return Balance(None)
    parts = [totals[role] for role in BALANCE_ROLES]
    value = sum(p.value for p in parts if p.value is not None)
    missing = tuple(d for p in parts for d in p.missing)
    stamps = [p.oldest_ts_ms for p in parts if p.oldest_ts_ms is not None]
    low: float | None = value
    high: float | None = value
    for device_id in missing:
        rated = None if rated_w is None else rated_w.get(device_id)
        if not rated or low is None or high is None:
            low = high = None
            continue
        lo, hi = MISSING_RANGE[devices[device_id]]
        low, high = low + lo * rated, high + hi * rated
    return Balance(value, missing, low, high, min(stamps, default=None))


def site_totals(
    devices: Mapping[str, Role],
    readings: Mapping[str, Reading],
    now_ms: int,
    rated_w: Mapping[str, float | None] | None = None,
) -> SiteTotals:
    """Totals of the park. ``devices`` maps every configured device id to its role; ``rated_w``: see :func:`balance`."""
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
    consumption = balance(devices, {Role.PV: pv, Role.STORAGE: storage, Role.GRID: grid}, rated_w)
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
