"""The values the configured alarms judge, from the latest readings: pure functions and a rolling mean.

A value is only computed from what is known now: every device it needs must
have a fresh answered reading (at most :data:`FRESH_POLLS` poll intervals old)
with the quantity present and not suspect (frozen or out of range,
energymon.collect.quality). Otherwise the value is None: an alarm is neither
started nor ended on a guess.

- role totals and the site's quantities [W]: ``import_power_w`` (grid power
  above 0, summed over grid meters), ``export_power_w`` (below 0, as a positive
  number), ``pv_power_w`` (pv power), ``consumption_w`` (by balance: grid + pv +
  storage power, which counts what load meters measure and what they miss);
- :class:`RollingMean`: the time-weighted mean over the last 15 minutes (each
  value holds until the next), the demand a utility bills (a sliding 15-minute
  window); a gap longer than :data:`MAX_GAP_S` starts the window again;
- :func:`park_ratio`: an inverter's kW per rated kW over the median of the
  same across the park's fresh inverters.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Mapping

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.config.alarms import SITE_CONSUMPTION, SITE_EXPORT, SITE_IMPORT, SITE_PV
from energymon.config.model import Device

FRESH_POLLS = 3  # a reading older than this many of its device's poll intervals is not used
DEMAND_WINDOW_S = 900.0  # the demand window: 15 minutes
MAX_GAP_S = 120.0  # readings further apart than this: the rolling window starts again

SITE_ROLES = {  # the roles each site quantity is computed from
    SITE_IMPORT: (Role.GRID,),
    SITE_EXPORT: (Role.GRID,),
    SITE_PV: (Role.PV,),
    SITE_CONSUMPTION: (Role.GRID, Role.PV, Role.STORAGE),
}


def fresh_value(reading: Reading | None, quantity: str, now_ms: int) -> float | None:
    """``quantity`` of ``reading`` if the reading is answered, fresh at ``now_ms`` and the value not suspect."""
    if reading is None or not reading.ok or quantity in reading.suspect:
        return None
    if now_ms - reading.ts_ms > FRESH_POLLS * reading.poll_interval_s * 1000:
        return None
    value = reading.values.get(quantity)
    return None if value is None else float(value)


def role_sum(
    devices: tuple[Device, ...], latest: Mapping[str, Reading], role: Role, quantity: str, now_ms: int
) -> float | None:
    """The sum of ``quantity`` over the ``role`` devices, or None if any of them has no fresh value."""
    total = 0.0
    members = [d for d in devices if d.role is role]
    if not members:
        return None
    for device in members:
        value = fresh_value(latest.get(device.id), quantity, now_ms)
        if value is None:
            return None
        total += value
    return total


def site_value(devices: tuple[Device, ...], latest: Mapping[str, Reading], quantity: str, now_ms: int) -> float | None:
    """One of the site's quantities [W] (see the module docstring), or None when not known now."""
    if quantity in (SITE_IMPORT, SITE_EXPORT):
        values = [fresh_value(latest.get(d.id), "power_w", now_ms) for d in devices if d.role is Role.GRID]
        if not values or any(v is None for v in values):
            return None
        known = [v for v in values if v is not None]
        if quantity == SITE_IMPORT:
            return sum(max(v, 0.0) for v in known)
        return sum(max(-v, 0.0) for v in known)
    if quantity == SITE_PV:
        return role_sum(devices, latest, Role.PV, "power_w", now_ms)
    total = 0.0
    for role in SITE_ROLES[SITE_CONSUMPTION]:
        if not any(d.role is role for d in devices):
            continue  # a site without storage (or pv) has none of its power
        part = role_sum(devices, latest, role, "power_w", now_ms)
        if part is None:
            return None
        total += part
    return total


def park_ratio(
    devices: tuple[Device, ...], latest: Mapping[str, Reading], device_id: str, now_ms: int, min_peers: int
) -> tuple[float, float] | None:
    """(the inverter's kW/rated kW, the park median of the same) over the fresh pv devices, or None
    when ``device_id`` has no fresh power or fewer than ``min_peers`` inverters (it included) have."""
    ratios: dict[str, float] = {}
    for device in devices:
        if device.role is Role.PV:
            power_w = fresh_value(latest.get(device.id), "power_w", now_ms)
            if power_w is not None:
                ratios[device.id] = power_w / 1000 / device.rated_power_kw
    if device_id not in ratios or len(ratios) < min_peers:
        return None
    return ratios[device_id], statistics.median(ratios.values())


class RollingMean:
    """The time-weighted mean of a value over the last ``window_s`` seconds (each sample holds until the next).

    :meth:`add` returns the mean once the samples cover the whole window, None before (and after a gap of
    more than ``max_gap_s``, which starts the window again). Holds at most one window of samples.
    """

    def __init__(self, window_s: float = DEMAND_WINDOW_S, max_gap_s: float = MAX_GAP_S) -> None:
        self.window_ms = window_s * 1000
        self.max_gap_ms = max_gap_s * 1000
        self.samples: deque[tuple[int, float]] = deque()

    def add(self, ts_ms: int, value: float) -> float | None:
        if self.samples and ts_ms <= self.samples[-1][0]:
            return None  # not later than the last sample: a clock step back; ignored
        if self.samples and ts_ms - self.samples[-1][0] > self.max_gap_ms:
            self.samples.clear()
        self.samples.append((ts_ms, value))
        start = ts_ms - self.window_ms
        while len(self.samples) >= 2 and self.samples[1][0] <= start:
            self.samples.popleft()
        if self.samples[0][0] > start:
            return None
        total = 0.0
        previous: tuple[int, float] | None = None
        for sample in self.samples:
            if previous is not None:
                total += previous[1] * (sample[0] - max(previous[0], start))
            previous = sample
        return total / self.window_ms
