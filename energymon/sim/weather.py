"""Seeded weather for the simulator: sky type per day, clear-sky index and air temperature.

Climate assumption: every site gets a Xi'an-like continental monsoon climate
(China Meteorological Administration 1971-2000 normals for Xi'an, station
57036, as tabulated in zh.wikipedia "Template:西安市气候数据"): monthly mean air
temperature, mean daily range (mean high - mean low) and the percentage of
possible sunshine (32 % in January .. 47 % in August, 37 % over the year).

Sky type per local day, one of clear / broken / overcast, drawn from monthly
frequencies derived from the relative sunshine s of the month:

    p_clear = 1.2 s - 0.1,   p_overcast = 0.75 - 1.2 s,   p_broken = the rest (0.35)

with day-to-day persistence (a day keeps the previous day's type with
probability 0.35, otherwise it is drawn afresh, so spells of several overcast
days occur while the monthly frequencies stay as above). With the clear-sky
index levels below, the monthly mean of GHI / clear-sky GHI comes out near
(0.25 + 0.5 s) / 0.75, the Angstrom-Prescott relation with the FAO-56
coefficients, so the simulated monthly irradiation matches what the sunshine
record implies.

Clear-sky index k_c = GHI / Haurwitz clear-sky GHI, per type:

- clear: a day level 0.80..0.95 (aerosol haze), less 0.05 in December to
  February and 0.03 in March and November (winter haze);
- broken: a day level 0.40..0.75 plus smooth passing clouds (value noise
  with 45 min and 7 min knots), within 0.10..the clear level;
- overcast: a day level 0.12..0.32 with slow variation.

Air temperature: the month's mean (interpolated between mid-month normals), a
daily anomaly of +-2.5 K, and a diurnal cosine peaking at 15:00 whose range is
the month's mean range times 1.2 (clear), 0.95 (broken) or 0.5 (overcast).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from energymon.sim.noise import day_rng, stable_key, value_noise
from energymon.sim.timebase import LocalTime, day_month

CLEAR, BROKEN, OVERCAST = 0, 1, 2
PERSISTENCE = 0.35
CHAIN_DAYS = 8  # a day's type is the end of a chain started this many days earlier

# CMA 1971-2000 normals, Xi'an (57036), January..December.
SUNSHINE_PCT = (32, 34, 33, 38, 40, 43, 44, 47, 34, 32, 32, 31)
MEAN_TEMP_C = (0.3, 3.6, 8.7, 15.4, 20.5, 25.3, 27.0, 25.1, 20.3, 14.1, 7.2, 1.5)
MEAN_HIGH_C = (5.1, 8.9, 14.4, 21.5, 26.6, 31.4, 32.4, 30.3, 25.6, 19.3, 12.4, 6.3)
MEAN_LOW_C = (-3.3, -0.4, 4.1, 10.3, 15.1, 19.9, 22.3, 21.0, 16.5, 10.2, 3.2, -2.2)
WINTER_HAZE = (0.05, 0.05, 0.03, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.03, 0.05)
_MID_MONTH_DOY = np.array([15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5])
_DIURNAL_FACTOR = (1.2, 0.95, 0.5)


def sky_probabilities(month: int) -> tuple[float, float, float]:
    """(p_clear, p_broken, p_overcast) of a day in ``month`` (1..12), from the month's relative sunshine."""
    s = SUNSHINE_PCT[month - 1] / 100.0
    p_clear = min(max(1.2 * s - 0.1, 0.0), 1.0)
    p_overcast = min(max(0.75 - 1.2 * s, 0.0), 1.0 - p_clear)
    return p_clear, 1.0 - p_clear - p_overcast, p_overcast


def _draw_sky(u: float, month: int) -> int:
    p_clear, p_broken, _ = sky_probabilities(month)
    return CLEAR if u < p_clear else (BROKEN if u < p_clear + p_broken else OVERCAST)


@lru_cache(maxsize=8192)
def sky_type(seed: int, day: int) -> int:
    """Sky type (CLEAR, BROKEN, OVERCAST) of local day number ``day``: a persistent chain over the week before."""
    first = day - CHAIN_DAYS
    sky = _draw_sky(day_rng(seed, "sky-start", first).random(), day_month(first))
    for d in range(first + 1, day + 1):
        rng = day_rng(seed, "sky", d)
        keep, u = rng.random(), rng.random()
        if keep >= PERSISTENCE:
            sky = _draw_sky(u, day_month(d))
    return sky


@dataclass(frozen=True)
class DayWeather:
    sky: int
    level: float  # clear-sky index of the day (clear and overcast), or the base level (broken)
    clear_level: float  # ceiling of the clear-sky index on this day
    temp_anomaly_k: float


@lru_cache(maxsize=8192)
def day_weather(seed: int, day: int) -> DayWeather:
    """The seeded weather parameters of local day number ``day``."""
    sky = sky_type(seed, day)
    rng = day_rng(seed, "weather", day)
    clear_level = rng.uniform(0.80, 0.95) - WINTER_HAZE[day_month(day) - 1]
    broken = rng.uniform(0.40, 0.75)
    overcast = rng.uniform(0.12, 0.32)
    anomaly = rng.uniform(-2.5, 2.5)
    level = (clear_level, broken, overcast)[sky]
    return DayWeather(sky, level, clear_level, anomaly)


def _per_day(seed: int, days: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-element arrays (sky, level, clear_level, anomaly) for the local day numbers ``days``."""
    unique, inverse = np.unique(days, return_inverse=True)
    rows = [day_weather(seed, int(d)) for d in unique]
    cols = (
        np.array([r.sky for r in rows]),
        np.array([r.level for r in rows]),
        np.array([r.clear_level for r in rows]),
        np.array([r.temp_anomaly_k for r in rows]),
    )
    return tuple(c[inverse].reshape(days.shape) for c in cols)


def clear_sky_index(seed: int, lt: LocalTime) -> np.ndarray:
    """GHI / clear-sky GHI at the times of ``lt`` (0.10..0.95; smooth within a day)."""
    sky, level, clear_level, _ = _per_day(seed, lt.day)
    passing = 0.25 * value_noise(stable_key("clouds-45min", seed), lt.t_s, 2700.0) + 0.12 * value_noise(
        stable_key("clouds-7min", seed), lt.t_s, 420.0
    )
    slow = 0.25 * value_noise(stable_key("overcast-2h", seed), lt.t_s, 7200.0)
    broken = np.clip(level + passing, 0.10, clear_level)
    overcast = level * (1.0 + slow)
    return np.where(sky == CLEAR, level, np.where(sky == BROKEN, broken, overcast))


def _seasonal(values: tuple[float, ...], day_of_year: np.ndarray) -> np.ndarray:
    return np.interp(day_of_year, _MID_MONTH_DOY, np.array(values), period=365.0)


def daily_mean_temperature_c(seed: int, lt: LocalTime) -> np.ndarray:
    """Mean air temperature [degC] of the local day of each time in ``lt`` (climate normal + anomaly)."""
    _, _, _, anomaly = _per_day(seed, lt.day)
    return _seasonal(MEAN_TEMP_C, lt.day_of_year) + anomaly


def ambient_temperature_c(seed: int, lt: LocalTime) -> np.ndarray:
    """Air temperature [degC] at the times of ``lt``: daily mean plus a diurnal cycle peaking at 15:00."""
    sky, _, _, anomaly = _per_day(seed, lt.day)
    mean = _seasonal(MEAN_TEMP_C, lt.day_of_year) + anomaly
    day_range = _seasonal(tuple(h - lo for h, lo in zip(MEAN_HIGH_C, MEAN_LOW_C)), lt.day_of_year)
    factor = np.choose(sky, _DIURNAL_FACTOR)
    return mean + 0.5 * day_range * factor * np.cos(2.0 * math.pi * (lt.hour - 15.0) / 24.0)
