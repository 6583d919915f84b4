"""Weather and load shapes for the simulator: deterministic, seeded functions of time.

Each returns a dimensionless factor; the same seed and time give the same value.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from functools import lru_cache


def _day_rng(seed: int, day_ordinal: int, salt: int = 0) -> random.Random:
    return random.Random(seed * 1_000_003 + day_ordinal * 7919 + salt)


def weather_factor(seed: int, local: datetime) -> float:
    """Share of clear-sky irradiance reaching the panels, 0.05..1.

    Each day is clear, broken or overcast (seeded); broken days vary smoothly
    within the day with passing clouds.
    """
    rng = _day_rng(seed, local.toordinal())
    kind = rng.random()
    hour = local.hour + local.minute / 60 + local.second / 3600
    if kind < 0.5:  # clear
        level = rng.uniform(0.88, 0.98)
        return level
    if kind < 0.8:  # broken clouds
        base = rng.uniform(0.45, 0.8)
        phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
        wobble = (
            0.18 * math.sin(2 * math.pi * hour / 1.7 + phases[0])
            + 0.10 * math.sin(2 * math.pi * hour / 0.45 + phases[1])
            + 0.06 * math.sin(2 * math.pi * hour / 0.13 + phases[2])
        )
        return max(0.05, min(1.0, base + wobble))
    return rng.uniform(0.12, 0.3)  # overcast


def ambient_temperature_c(local: datetime) -> float:
    """Ambient air temperature [degC] for a continental-monsoon climate like Xi'an's."""
    day = local.timetuple().tm_yday
    hour = local.hour + local.minute / 60
    seasonal = 14.5 + 13.0 * math.cos(2 * math.pi * (day - 200) / 365)
    diurnal = 5.0 * math.sin(2 * math.pi * (hour - 9) / 24)
    return seasonal + diurnal


_NOISE_TERMS = ((3700.0, 0.5), (911.0, 0.3), (97.0, 0.2))  # (period [s], weight)


@lru_cache(maxsize=4096)
def _noise_phases(seed: int) -> tuple[float, ...]:
    rng = random.Random(seed)
    return tuple(rng.uniform(0, 2 * math.pi) for _ in _NOISE_TERMS)


def _smooth_noise(seed: int, t_s: float) -> float:
    """Deterministic smooth noise in about -1..1 from incommensurate sines."""
    return sum(
        weight * math.sin(2 * math.pi * t_s / period_s + phase)
        for (period_s, weight), phase in zip(_NOISE_TERMS, _noise_phases(seed))
    )


def load_factor(shape: str, seed: int, local: datetime, t_s: float) -> float:
    """Load as a multiple of the device's base load, for ``shape``.

    - ``warehouse``: automated logistics warehouse, 24/7 with order waves
      (morning, afternoon and the evening e-commerce wave); stacker cranes and
      conveyors idle down at night; "dark" operation, little lighting.
    - ``office``: weekdays 08:00-18:30, a small base otherwise.
    - ``ev-fleet``: logistics vans charging mostly at night, top-ups at midday.
    """
    hour = local.hour + local.minute / 60 + local.second / 3600
    weekend = local.weekday() >= 5
    noise = _smooth_noise(seed, t_s)
    if shape == "warehouse":
        waves = sum(
            amp * math.exp(-((hour - centre) ** 2) / (2 * width**2))
            for centre, width, amp in ((10.0, 1.5, 0.35), (15.0, 1.8, 0.30), (21.0, 2.0, 0.45))
        )
        level = 0.62 + waves + (0.05 if weekend else 0.0)
        return max(0.2, level * (1 + 0.06 * noise))
    if shape == "office":
        working = (not weekend) and 8.0 <= hour < 18.5
        level = 1.0 if working else 0.25
        if working and 12.0 <= hour < 13.0:
            level = 0.8
        return max(0.1, level * (1 + 0.05 * noise))
    if shape == "ev-fleet":
        if hour >= 22.0 or hour < 5.0:
            level = 0.9
        elif 5.0 <= hour < 6.0:
            level = 0.9 * (6.0 - hour)
        elif 12.0 <= hour < 14.0:
            level = 0.3
        else:
            level = 0.04
        return max(0.0, level * (1 + 0.08 * noise))
    raise ValueError(f"unknown load shape {shape!r}")
