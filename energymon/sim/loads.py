"""Load shapes of a logistics park: power [W] of each load meter over time. Seeded, vectorized.

Each shape is scaled so that its long-run mean is close to the device's
``base_load_kw`` (``[devices.sim]``; default 40 % of the rated power) and is
capped at the rated power. Randomness comes from ``noise`` (pure functions of
seed, device and time), so any instant can be evaluated alone.

Order volume of a day (warehouse and EV fleet): a park-wide lognormal factor
(sigma 0.10) times a per-device one (sigma 0.05), times a weekday factor
(Monday 1.08 after the weekend backlog, Saturday 0.92, Sunday 0.85) and a
promotion factor (+15 % from 1 to 18 June, "618", and from 1 to 11 November,
"Double 11").

- ``warehouse``: an automated three-dimensional warehouse, around the clock.
  A fixed part of 0.30 (IT, ventilation, sorter and AGV standby, chargers),
  lighting 0.03 ("dark" operation: lights only where people work), and
  8 equipment groups (stacker crane aisles and conveyor loops) of 1.45 / 8
  each. Order demand D(t) = volume x wave(hour) with waves at 10:00, 15:00
  and 20:30 (the evening e-commerce wave) over a night replenishment level.
  Group k runs while D(t), plus a per-group jitter that changes every
  10 minutes, exceeds (k + 0.5) / 8, so machines shut down in steps when idle;
  a running group draws 55..100 % of its share as cranes accelerate and stop.
- ``office``: the control and office building: 0.3 around the clock
  (servers, security), up to 1.0 on weekdays 08:00-18:30 with ramps and a
  lunch dip, times an HVAC factor 1 + 0.025 x |daily mean temperature - 18|.
- ``ev-fleet``: logistics vans on DC chargers of about 60 kW (the rated power
  divided evenly). The day's energy (base x 24 h x volume, Sunday 0.8) is 80 %
  charged at night: each charger starts 21:30..23:00 and charges vans of
  40..90 kWh one after the other with 5..20 min swaps until its share
  (+-20 %) is done; the other 20 % are daytime top-ups between delivery runs
  (15..45 kWh, starting 09:00..17:00). The load steps by one charger's power
  as sessions start and end.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from energymon.sim.noise import day_rng, hash_uniform, key_array, stable_key, value_noise
from energymon.sim.timebase import LocalTime, day_weekday, local_midnight_s

WEEKDAY_VOLUME = (1.08, 1.0, 1.0, 1.0, 1.0, 0.92, 0.85)
PROMOTIONS = (((6, 1), (6, 18)), ((11, 1), (11, 11)))  # 618 and Double 11, (month, day) inclusive
PROMOTION_FACTOR = 1.15

WAREHOUSE_FIXED = 0.30
WAREHOUSE_LIGHTING = 0.03
WAREHOUSE_GROUPS = 8
WAREHOUSE_EQUIPMENT = 1.45
WAREHOUSE_NIGHT_LEVEL = 0.30
WAREHOUSE_WAVES = ((10.0, 1.6, 0.55), (15.0, 1.8, 0.50), (20.5, 1.8, 0.70))  # (centre h, width h, height)
WAREHOUSE_SCALE = 1.0  # the components above already average about 1 over a year

OFFICE_NIGHT = 0.30
OFFICE_SCALE = 1.0 / 0.62  # the level times HVAC factor averages 0.62 over a year: scaled to a mean of 1

EV_CHARGER_W = 60_000.0
EV_NIGHT_SHARE = 0.80


@lru_cache(maxsize=65536)
def day_volume(seed: int, device_key: str, day: int) -> float:
    """Order volume factor of local day number ``day`` for a device (park-wide x device x weekday x promotion)."""
    park = day_rng(seed, "park-volume", day).lognormvariate(0.0, 0.10)
    own = day_rng(seed, f"volume:{device_key}", day).lognormvariate(0.0, 0.05)
    date = np.datetime64(day, "D").item()
    promo = any(start <= (date.month, date.day) <= end for start, end in PROMOTIONS)
    return park * own * WEEKDAY_VOLUME[day_weekday(day)] * (PROMOTION_FACTOR if promo else 1.0)


def _volumes(seed: int, device_key: str, days: np.ndarray) -> np.ndarray:
    unique, inverse = np.unique(days, return_inverse=True)
    return np.array([day_volume(seed, device_key, int(d)) for d in unique])[inverse].reshape(days.shape)


def warehouse_wave(hour: np.ndarray) -> np.ndarray:
    """Order activity by local hour of day, 0..1: night replenishment plus three order waves."""
    level = np.full(np.shape(hour), WAREHOUSE_NIGHT_LEVEL)
    for centre, width, height in WAREHOUSE_WAVES:
        distance = np.abs(hour - centre)
        distance = np.minimum(distance, 24.0 - distance)
        level = level + height * np.exp(-0.5 * (distance / width) ** 2)
    return np.minimum(level, 1.0)


def warehouse_factors(seed: int, device_keys: tuple[str, ...], lt: LocalTime) -> np.ndarray:
    """Load of each warehouse in ``device_keys`` as a multiple of its base load (mean about 1): (n, T)."""
    n, groups = len(device_keys), WAREHOUSE_GROUPS
    volumes = np.stack([_volumes(seed, key, lt.day) for key in device_keys])
    demand_noise = value_noise(key_array([stable_key("wh-demand", seed, key) for key in device_keys]), lt.t_s, 1200.0)
    demand = volumes * warehouse_wave(lt.hour) * (1.0 + 0.08 * demand_noise)  # (n, T)
    slot = np.floor(lt.t_s / 600.0).astype(np.int64)
    group_keys = key_array([stable_key("wh-group", seed, key, k) for key in device_keys for k in range(groups)])
    jitter = 0.16 * (hash_uniform(group_keys, slot) - 0.5)  # (n * groups, T)
    thresholds = np.tile((np.arange(groups) + 0.5) / groups, n)[:, None]
    running = np.repeat(demand, groups, axis=0) + jitter > thresholds
    crane_keys = key_array([stable_key("wh-crane", seed, key, k) for key in device_keys for k in range(groups)])
    draw = 0.775 + 0.225 * value_noise(crane_keys, lt.t_s, 40.0)
    equipment = (WAREHOUSE_EQUIPMENT / groups) * np.where(running, draw, 0.0).reshape(n, groups, -1).sum(axis=1)
    fixed_noise = value_noise(key_array([stable_key("wh-fixed", seed, key) for key in device_keys]), lt.t_s, 3600.0)
    fixed = WAREHOUSE_FIXED * (1.0 + 0.03 * fixed_noise)
    return (fixed + WAREHOUSE_LIGHTING + equipment) * WAREHOUSE_SCALE


def _smoothstep(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    f = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return f * f * (3.0 - 2.0 * f)


def office_factor(seed: int, device_key: str, lt: LocalTime, daily_mean_temp_c: np.ndarray) -> np.ndarray:
    """Office load as a multiple of its base load (mean about 1): weekday hours, lunch dip, HVAC."""
    workday = lt.weekday < 5
    occupied = _smoothstep(lt.hour, 7.5, 8.5) * (1.0 - _smoothstep(lt.hour, 18.0, 19.0))
    lunch = 1.0 - 0.15 * _smoothstep(lt.hour, 11.8, 12.2) * (1.0 - _smoothstep(lt.hour, 13.3, 13.7))
    level = OFFICE_NIGHT + (1.0 - OFFICE_NIGHT) * np.where(workday, occupied * lunch, 0.0)
    hvac = 1.0 + 0.025 * np.abs(daily_mean_temp_c - 18.0)
    noise = 1.0 + 0.04 * value_noise(stable_key("office", seed, device_key), lt.t_s, 300.0)
    return level * hvac * noise * OFFICE_SCALE


@lru_cache(maxsize=4096)
def ev_sessions(
    seed: int, device_key: str, day: int, tz_key: str, base_w: float, rated_w: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Charging sessions planned on local day number ``day``: (start_s array, end_s array, charger power W)."""
    chargers = max(1, min(64, round(rated_w / EV_CHARGER_W)))
    charger_w = rated_w / chargers
    scale = charger_w / EV_CHARGER_W  # session energies scale with the charger size
    volume = day_volume(seed, device_key, day) * (0.8 / WEEKDAY_VOLUME[6] if day_weekday(day) == 6 else 1.0)
    energy_wh = base_w * 24.0 * volume
    midnight = local_midnight_s(day, tz_key)
    rng = day_rng(seed, f"ev:{device_key}", day)
    starts: list[float] = []
    ends: list[float] = []
    night_each = energy_wh * EV_NIGHT_SHARE / chargers
    for _ in range(chargers):
        t = midnight + rng.uniform(21.5, 23.0) * 3600.0
        left = night_each * rng.uniform(0.8, 1.2)
        while left > 0:
            session_wh = min(left, rng.uniform(40_000.0, 90_000.0) * scale)
            duration = session_wh / charger_w * 3600.0
            starts.append(t)
            ends.append(t + duration)
            left -= session_wh
            t += duration + rng.uniform(300.0, 1200.0)
    day_left = energy_wh * (1.0 - EV_NIGHT_SHARE)
    while day_left > 0:
        session_wh = min(day_left, rng.uniform(15_000.0, 45_000.0) * scale)
        start = midnight + rng.uniform(9.0, 17.0) * 3600.0
        starts.append(start)
        ends.append(start + session_wh / charger_w * 3600.0)
        day_left -= session_wh
    return np.array(starts), np.array(ends), charger_w


def ev_fleet_power_w(
    seed: int, device_key: str, t_s: np.ndarray, lt: LocalTime, tz_key: str, base_w: float, rated_w: float
) -> np.ndarray:
    """EV fleet charging power [W] at sorted times ``t_s``: the sum of the chargers in session."""
    t_s = np.asarray(t_s, dtype=np.float64)
    power = np.zeros(t_s.shape[0] + 1)
    if t_s.size == 0:
        return power[:0]
    first, last = int(lt.day.min()), int(lt.day.max())
    for day in range(first - 1, last + 1):  # sessions of the evening before run past midnight
        starts, ends, charger_w = ev_sessions(seed, device_key, day, tz_key, base_w, rated_w)
        np.add.at(power, np.searchsorted(t_s, starts, side="left"), charger_w)
        np.add.at(power, np.searchsorted(t_s, ends, side="left"), -charger_w)
    return np.maximum(np.cumsum(power)[:-1], 0.0)


def load_powers_w(
    loads: tuple[tuple[str, str, float, float], ...],
    seed: int,
    t_s: np.ndarray,
    lt: LocalTime,
    tz_key: str,
    daily_mean_temp_c: np.ndarray,
) -> np.ndarray:
    """Power [W] of load meters at sorted UTC epoch times ``t_s``, each capped at its rated power: (n, T).

    ``loads`` holds (device key, shape, base W, rated W) per meter; warehouses are evaluated together.
    """
    power = np.zeros((len(loads), np.shape(t_s)[0]))
    warehouses = [i for i, (_, shape, _, _) in enumerate(loads) if shape == "warehouse"]
    if warehouses:
        factors = warehouse_factors(seed, tuple(loads[i][0] for i in warehouses), lt)
        for row, i in enumerate(warehouses):
            power[i] = loads[i][2] * factors[row]
    for i, (key, shape, base_w, rated_w) in enumerate(loads):
        if shape == "office":
            power[i] = base_w * office_factor(seed, key, lt, daily_mean_temp_c)
        elif shape == "ev-fleet":
            power[i] = ev_fleet_power_w(seed, key, t_s, lt, tz_key, base_w, rated_w)
        elif shape != "warehouse":
            raise ValueError(f"unknown load shape {shape!r}")
    return np.clip(power, 0.0, np.array([rated for *_, rated in loads])[:, None])
