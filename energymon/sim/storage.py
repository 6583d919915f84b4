"""Battery storage: dispatch and state of charge. Pure functions.

The request (:func:`requested_power_w`) depends only on the site's surplus and
the hour, so it is computed for many steps at once; the limits and the SoC
(:func:`limited_power_w`, :func:`soc_after_pct`) are sequential, one step at a
time.

Sign convention (drivers.quantities): power + = discharge (delivered to the
site), - = charge (taken from the site).

One-way efficiency is the square root of the round-trip efficiency
(``round_trip_efficiency`` in ``[devices.sim]``, AC to AC), applied on both
ways: charging P for dt adds P dt eta to the stored energy, discharging P for
dt removes P dt / eta. SoC [%] = stored energy / capacity x 100.

Dispatch, per unit, from the site's PV surplus (PV minus load, W) and the
unit's share of the site's storage (its rated power over the sum):

- ``pv-surplus``: charge from PV surplus (share x surplus); in the
  ``discharge_window`` (local hours, default 17:00-22:00) discharge to cover
  the share of the deficit (never more, so the battery does not export);
  otherwise idle.
- ``time-of-use``: the same, and in the ``charge_window`` (default
  00:00-06:00, the valley tariff) charge from the grid at full charge power.
- ``peak-shaving``: under the site's demand limit, on the site's tariff:
  energymon.sim.dispatch (step by step, it needs the SoC).

The request is then limited to the unit's charge/discharge power limits and to
the energy that fits between the SoC limits within the step, so the SoC never
leaves [soc_min_pct, soc_max_pct] (the last step before a limit is partial).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Battery:
    """Parameters of one storage unit (from its device and ``[devices.sim]`` table)."""

    capacity_wh: float
    soc_min_pct: float
    soc_max_pct: float
    max_charge_w: float
    max_discharge_w: float
    round_trip_efficiency: float
    dispatch: str  # pv-surplus | time-of-use | peak-shaving
    charge_window: tuple[float, float]
    discharge_window: tuple[float, float]
    demand_limit_w: float | None = None  # peak-shaving: the site's grid import limit [W]
    shaving_reserve_pct: float = 0.0  # peak-shaving: SoC above soc_min_pct kept for peak shaving [%]

    @property
    def one_way_efficiency(self) -> float:
        return math.sqrt(self.round_trip_efficiency)


def window_mask(hour: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """Whether each local ``hour`` lies in ``window`` (start, end) [h]; an end before the start wraps midnight."""
    start, end = window
    hour = np.asarray(hour, dtype=np.float64)
    return (hour >= start) & (hour < end) if start < end else (hour >= start) | (hour < end)


def requested_power_w(battery: Battery, share: float, surplus_w: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """What the dispatch asks of one unit [W] (+ discharge, - charge) before limits, at each step.

    ``surplus_w`` is the site's PV minus load [W], ``hour`` the local hour of
    day, ``share`` the unit's share of the site's storage power.
    """
    surplus_w = np.asarray(surplus_w, dtype=np.float64)
    discharging = (surplus_w <= 0) & window_mask(hour, battery.discharge_window)
    request = np.where(surplus_w > 0, -share * surplus_w, np.where(discharging, share * -surplus_w, 0.0))
    if battery.dispatch == "time-of-use":
        grid_charging = window_mask(hour, battery.charge_window) & ~discharging
        request = np.where(grid_charging, -battery.max_charge_w, request)
    return request


def limited_power_w(battery: Battery, request_w: float, soc_pct: float, dt_s: float) -> float:
    """``request_w`` limited to the unit's power limits and to the SoC headroom over ``dt_s`` seconds."""
    hours = dt_s / 3600.0
    eta = battery.one_way_efficiency
    if request_w < 0:
        room_wh = max(0.0, (battery.soc_max_pct - soc_pct) / 100.0 * battery.capacity_wh)
        return -min(-request_w, battery.max_charge_w, room_wh / (eta * hours))
    if request_w > 0:
        available_wh = max(0.0, (soc_pct - battery.soc_min_pct) / 100.0 * battery.capacity_wh)
        return min(request_w, battery.max_discharge_w, available_wh * eta / hours)
    return 0.0


def soc_after_pct(battery: Battery, soc_pct: float, power_w: float, dt_s: float) -> float:
    """SoC [%] after holding ``power_w`` for ``dt_s`` seconds (losses split evenly on both ways)."""
    energy_wh = power_w * dt_s / 3600.0
    eta = battery.one_way_efficiency
    stored_wh = -energy_wh * eta if power_w < 0 else -energy_wh / eta
    return soc_pct + stored_wh / battery.capacity_wh * 100.0
