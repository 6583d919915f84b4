"""Peak-shaving dispatch on the site's time-of-use tariff: how a careful operator runs the batteries (pure).

The storage dispatch ``peak-shaving`` (``[devices.sim]``) keeps the site's
grid import under a demand limit and shifts energy from the cheap periods of
the site's ``[tariff]`` into its dear ones. The live simulator and the
generated history run it through the same function (:func:`dispatch_unit`,
called by energymon.sim.model.dispatch_storage), so they agree.

Each unit works on its share ``f`` of the site (its rated power over the
site's storage rated power): of the site's net load ``N = sum P_load -
sum P_pv`` [W] and of the demand limit ``L`` [W]. Per step, in this order:

1. **Peak shaving**: when ``f N > f L``, discharge at least ``f (N - L)``,
   down to ``soc_min_pct`` (the only use of the shaving reserve).
2. **Discharge into sharp and peak periods**: in a quarter hour of period
   ``sharp`` or ``peak`` (a *discharge quarter*) the energy above
   ``soc_min_pct + shaving_reserve_pct`` is spread evenly over the discharge
   quarters of the same price left before the next charge quarter, after
   setting aside full discharge power for the dearer quarters still to come
   (so December's 17:00-19:00 peak leaves the energy for its 19:00-21:00
   sharp period). Rate ``(E - R) / H``: ``E`` [Wh] the energy deliverable
   above the reserve, ``R`` = hours of dearer discharge quarters left x
   ``max_discharge_kw``, ``H`` [h] the same-price discharge time left,
   including the rest of the current quarter.
3. **Charge in the cheap periods, within the headroom**: in a *charge
   quarter* the energy that fits below ``soc_max_pct`` is spread evenly over
   the charge quarters of the same price left before the next discharge
   quarter, after keeping room for full charge power in the cheaper charge
   quarters still to come (the mirror of 2.), and never more than the
   headroom ``f (L - N)``, so the import stays under the limit while
   charging. A charge quarter is one whose next discharge quarter comes
   without a cheaper quarter in between, and whose price is below the
   round-trip efficiency times that discharge quarter's price (worth storing).
   With the demo's tariff: the valley 23:00-07:00, and the flat 07:00-08:00
   and 11:30-17:00 (two cycles a day); not the flat 22:00-23:00, which the
   valley follows.
4. PV surplus (``N < 0``) is always stored (at least ``f (-N)``); otherwise
   the unit is idle.

Spreading the energy keeps the power steady over each window (it changes at
quarter hours, when the load crosses the limit or the headroom, and with PV
surplus), rather than following every step of the load.

A discharge never exceeds the unit's share of the net load (the batteries
never export), and every request is then limited by
:func:`energymon.sim.storage.limited_power_w` (power limits, SoC window).
Import with storage is thus at most ``max(L, N)`` at every instant: a demand
limit below the month's peak 15-minute net load never raises that peak.

The tariff's day is looked up in the month of each step and taken as
repeating (the horizon of 23:00 on the last day of a month runs into the
same month's next day). Sign convention (drivers.quantities): power + =
discharge, - = charge. Times are UTC epoch seconds; quarters are the site's
local quarter hours (0 = 00:00-00:15).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from energymon.accounting.tariffs import QUARTERS_PER_DAY, Tariff
from energymon.sim.storage import Battery, limited_power_w, soc_after_pct
from energymon.sim.timebase import SECONDS_PER_DAY, utc_offset_s

IDLE, CHARGE, DISCHARGE = 0, 1, 2
DISCHARGE_PERIODS = frozenset(("sharp", "peak"))
QUARTER_S = SECONDS_PER_DAY // QUARTERS_PER_DAY
QUARTER_H = QUARTER_S / 3600.0


@dataclass(frozen=True, eq=False)
class TariffPlan:
    """What each local quarter hour of a day is for, per month (arrays of shape (12, 96), month 1 first).

    ``role``: IDLE, CHARGE or DISCHARGE. For a discharge quarter, ``same_quarters``
    counts the discharge quarters at its price from it (itself included) to the
    next charge quarter, ``better_quarters`` those at a higher price; for a charge
    quarter the same with the roles swapped (``better``: at a lower price); 0 when idle.
    """

    role: np.ndarray
    same_quarters: np.ndarray
    better_quarters: np.ndarray


@dataclass(frozen=True, eq=False)
class StepPlan:
    """The plan at each step: role, time left at the same price [h] (the rest of the current quarter
    included), time left at a better price [h] (dearer to discharge, cheaper to charge), both within the
    step's window of discharge or charge quarters."""

    role: np.ndarray
    same_h: np.ndarray
    better_h: np.ndarray


def day_plan(
    periods: tuple[str, ...], prices_per_kwh: dict[str, float], round_trip_efficiency: float
) -> tuple[list[int], list[int], list[int]]:
    """(role, same_quarters, better_quarters) of each of a day's 96 quarters, given their periods.

    ``round_trip_efficiency`` (AC to AC, 0..1) decides whether charging in a
    quarter is worth it (see the module docstring). The day is taken as repeating.
    """
    n = len(periods)
    price = [prices_per_kwh[p] for p in periods]
    role = [DISCHARGE if p in DISCHARGE_PERIODS else IDLE for p in periods]
    for q in range(n):
        if role[q] == DISCHARGE:
            continue
        for step in range(1, n):
            j = (q + step) % n
            if role[j] == DISCHARGE:
                if price[q] < round_trip_efficiency * price[j]:
                    role[q] = CHARGE
                break
            if price[j] < price[q]:
                break  # a cheaper quarter comes first: charge there instead
    same, better = [0] * n, [0] * n
    for q in range(n):
        if role[q] == IDLE:
            continue
        other = CHARGE if role[q] == DISCHARGE else DISCHARGE
        sign = 1.0 if role[q] == DISCHARGE else -1.0  # better: dearer to discharge, cheaper to charge
        for step in range(n):
            j = (q + step) % n
            if role[j] == other:
                break
            if role[j] == role[q]:
                if price[j] == price[q]:
                    same[q] += 1
                elif sign * (price[j] - price[q]) > 0:
                    better[q] += 1
    return role, same, better


def tariff_plan(tariff: Tariff, round_trip_efficiency: float) -> TariffPlan:
    """The :class:`TariffPlan` of ``tariff`` for a battery of ``round_trip_efficiency`` (AC to AC)."""
    rows = [day_plan(month, tariff.prices_per_kwh, round_trip_efficiency) for month in tariff.schedule]
    return TariffPlan(*(np.array([row[k] for row in rows], dtype=np.int64) for k in range(3)))


def plan_at(plan: TariffPlan, t_s: np.ndarray, tz: ZoneInfo) -> StepPlan:
    """The plan at UTC epoch times ``t_s`` [s] in the site's zone ``tz`` (vectorized)."""
    t_s = np.asarray(t_s, dtype=np.float64)
    local_s = t_s + utc_offset_s(t_s, tz)
    day = np.floor(local_s / SECONDS_PER_DAY).astype(np.int64)
    of_day_s = local_s - day * SECONDS_PER_DAY
    quarter = np.minimum((of_day_s // QUARTER_S).astype(np.int64), QUARTERS_PER_DAY - 1)
    left_h = ((quarter + 1) * QUARTER_S - of_day_s) / 3600.0
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    role = plan.role[month, quarter]
    same = plan.same_quarters[month, quarter]
    same_h = np.where(role != IDLE, (same - 1) * QUARTER_H + left_h, 0.0)
    return StepPlan(role, same_h, plan.better_quarters[month, quarter] * QUARTER_H)


def dispatch_unit(
    battery: Battery, share: float, steps: StepPlan, net_load_w: np.ndarray, dt_s: np.ndarray, soc_pct: float
) -> tuple[list[float], list[float], float]:
    """One unit's power [W] and SoC at each step's start [%] over the steps, and its SoC at the end.

    ``net_load_w`` is the site's load minus PV [W] at each step's start,
    ``dt_s`` the step lengths [s], ``share`` the unit's share of the site's
    storage power, ``soc_pct`` its SoC at the first step's start. The battery's
    ``demand_limit_w`` is the site's limit [W] (the unit takes its share).
    """
    assert battery.demand_limit_w is not None, "peak-shaving needs a demand limit (checked with the config)"
    limit_w = share * battery.demand_limit_w
    eta = battery.one_way_efficiency
    out_per_pct = battery.capacity_wh * eta / 100.0  # AC Wh delivered per SoC % discharged
    in_per_pct = battery.capacity_wh / eta / 100.0  # AC Wh taken per SoC % charged
    floor_pct, top_pct = battery.soc_min_pct + battery.shaving_reserve_pct, battery.soc_max_pct
    roles, same_h, better_h = steps.role.tolist(), steps.same_h.tolist(), steps.better_h.tolist()
    nets = (share * np.asarray(net_load_w, dtype=np.float64)).tolist()
    dts = np.asarray(dt_s, dtype=np.float64).tolist()
    powers = [0.0] * len(nets)
    socs = [0.0] * len(nets)
    soc = soc_pct
    for k, net in enumerate(nets):
        socs[k] = soc
        dt = dts[k]
        role = roles[k]
        hours = max(same_h[k], dt / 3600.0)
        want = net - limit_w if net > limit_w else 0.0  # peak shaving
        if role == DISCHARGE and net > 0.0:
            spare_wh = (soc - floor_pct) * out_per_pct - better_h[k] * battery.max_discharge_w
            if spare_wh > 0.0:
                want = max(want, spare_wh / hours)
        if want > 0.0:
            request = min(want, net)  # never export
        else:
            take = 0.0
            if role == CHARGE and net < limit_w:
                room_wh = (top_pct - soc) * in_per_pct - better_h[k] * battery.max_charge_w
                if room_wh > 0.0:
                    take = min(room_wh / hours, limit_w - net)  # within the headroom
            request = -max(take, -net)  # PV surplus is always stored
        if request != 0.0:
            power = limited_power_w(battery, request, soc, dt)
            if power != 0.0:
                powers[k] = power
                soc = soc_after_pct(battery, soc, power, dt)
    return powers, socs, soc
