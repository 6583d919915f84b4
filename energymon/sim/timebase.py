"""Local calendar of UTC epoch times in a site's time zone: vectorized pure functions.

Every simulator model takes time as UTC epoch seconds (a float64 array) and
looks up what it needs of the local calendar here: the local day number, the
hour of day, weekday, month and day of year. Offsets come from the IANA time
zone (``zoneinfo``), so daylight saving time is handled where a site has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

SECONDS_PER_DAY = 86_400
OFFSET_BLOCK_S = 900  # UTC offsets only change on quarter hours (every zone's transitions do)
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class LocalTime:
    """Local calendar fields of an array of UTC epoch times (all arrays of the same shape)."""

    t_s: np.ndarray  # UTC epoch seconds
    day: np.ndarray  # local day number: days since 1970-01-01 in local time (int64)
    hour: np.ndarray  # local hour of day, 0 <= hour < 24 (float64)
    weekday: np.ndarray  # 0 = Monday .. 6 = Sunday
    month: np.ndarray  # 1..12
    day_of_year: np.ndarray  # 1..366


@lru_cache(maxsize=100_000)
def _offset_s(block: int, tz_key: str) -> float:
    when = datetime.fromtimestamp(block * OFFSET_BLOCK_S, UTC)
    offset = when.astimezone(ZoneInfo(tz_key)).utcoffset()
    assert offset is not None, "a datetime made in a zone knows its offset"
    return offset.total_seconds()


def utc_offset_s(t_s: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """UTC offset [s] of the time zone ``tz`` at each UTC epoch time ``t_s`` [s]."""
    t_s = np.asarray(t_s, dtype=np.float64)
    blocks = np.floor(t_s / OFFSET_BLOCK_S).astype(np.int64)
    unique, inverse = np.unique(blocks, return_inverse=True)
    offsets = np.array([_offset_s(int(b), tz.key) for b in unique], dtype=np.float64)
    return offsets[inverse].reshape(t_s.shape)


def local_time(t_s: np.ndarray, tz: ZoneInfo) -> LocalTime:
    """The local calendar (day number, hour, weekday, month, day of year) of UTC epoch times ``t_s`` [s]."""
    t_s = np.asarray(t_s, dtype=np.float64)
    local_s = t_s + utc_offset_s(t_s, tz)
    day = np.floor(local_s / SECONDS_PER_DAY).astype(np.int64)
    hour = (local_s - day * SECONDS_PER_DAY) / 3600.0
    dates = day.astype("datetime64[D]")
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    return LocalTime(t_s, day, hour, weekday, month, day_of_year)


@lru_cache(maxsize=4096)
def local_midnight_s(day: int, tz_key: str) -> float:
    """UTC epoch time [s] at which local day number ``day`` begins in the time zone ``tz_key``."""
    naive = _EPOCH + timedelta(days=day)
    return naive.replace(tzinfo=ZoneInfo(tz_key)).timestamp()


def day_month(day: int) -> int:
    """Month (1..12) of local day number ``day``."""
    return (_EPOCH + timedelta(days=day)).month


def day_weekday(day: int) -> int:
    """Weekday (0 = Monday) of local day number ``day``."""
    return (day + 3) % 7
