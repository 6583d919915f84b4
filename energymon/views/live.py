"""Live site totals from the latest reading of each device: pure functions.

Site balance with the sign conventions of drivers.quantities:
``consumption_w = pv_w + storage_w + grid_w`` (storage + = discharge, grid + = import).
A total is only given when every device it needs has a fresh value; otherwise
it is ``None`` and the number of devices reporting says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from drivers.quantities import Role

STALE_AFTER_POLLS = 3  # a reading older than 3 poll intervals is no longer live


@dataclass(frozen=True)
class Reading:
    """One poll of one device, as published by the collector (immutable)."""

    device_id: str
    role: Role
    ts_ms: int  # UTC epoch milliseconds when the read completed
    values: Mapping[str, float | None]
    ok: bool
    error: str | None
    latency_s: float
    poll_interval_s: float
    problems: tuple[str, ...] = ()  # why an answered poll was incomplete (failed blocks, missing or rejected values)

    @property
    def state(self) -> str:
        """The device's health as of this poll (energymon.collect.collector): ``offline`` (nothing read),
        ``degraded`` (answered, but not completely: see ``problems``) or ``online``."""
        if not self.ok:
            return "offline"
        return "degraded" if self.problems else "online"


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


def is_fresh(reading: Reading | None, now_ms: int) -> bool:
    return (
        reading is not None
        and reading.ok
        and now_ms - reading.ts_ms <= STALE_AFTER_POLLS * reading.poll_interval_s * 1000
    )


def role_total(
    devices: Mapping[str, Role], readings: Mapping[str, Reading], role: Role, quantity: str, now_ms: int
) -> RoleTotal:
    ids = [d for d, r in devices.items() if r is role]
    values = []
    for device_id in ids:
        reading = readings.get(device_id)
        if is_fresh(reading, now_ms) and reading.values.get(quantity) is not None:
            values.append(reading.values[quantity])
    complete = len(values) == len(ids)
    return RoleTotal(sum(values) if complete and ids else (0.0 if not ids else None), len(values), len(ids))


def site_totals(devices: Mapping[str, Role], readings: Mapping[str, Reading], now_ms: int) -> SiteTotals:
    """Totals of the park. ``devices`` maps every configured device id to its role."""
    pv = role_total(devices, readings, Role.PV, "power_w", now_ms)
    storage = role_total(devices, readings, Role.STORAGE, "power_w", now_ms)
    grid = role_total(devices, readings, Role.GRID, "power_w", now_ms)
    load = role_total(devices, readings, Role.LOAD, "power_w", now_ms)
    socs = [
        readings[d].values["soc_pct"]
        for d, role in devices.items()
        if role is Role.STORAGE and is_fresh(readings.get(d), now_ms) and readings[d].values.get("soc_pct") is not None
    ]
    soc = sum(socs) / len(socs) if socs else None
    parts = (pv, storage, grid)
    consumption = None
    if grid.expected and all(p.value is not None for p in parts):
        consumption = pv.value + storage.value + grid.value
    return SiteTotals(pv, storage, grid, load, soc, consumption)
