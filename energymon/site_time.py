"""Time units and the site's local calendar: durations, local midnights, UTC offsets, the site zone.

Everything is stored in UTC (epoch milliseconds, ``*_ms``, or seconds, ``*_s``);
the site's IANA time zone is applied only to find local days and hours for
rollups, reports and display. Pure functions, no I/O.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

MINUTE_MS = 60_000
QUARTER_MS = 15 * MINUTE_MS  # the billing demand interval; every UTC offset in use is whole quarters
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS  # a UTC day; a local day is 23 or 25 hours long on a daylight-saving change
DAY_S = DAY_MS / 1000

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# The years energymon reports and exports: from the UTC epoch (stored times are epoch ms) to the last year
# whose following year Python's calendar still has (a period's end is the start of the next one).
FIRST_YEAR, LAST_YEAR = 1970, 9998


def site_zone(timezone_json: str | None) -> ZoneInfo:
    """The site's time zone from its ``site`` row in the database (JSON text); UTC if there is none yet."""
    try:
        return ZoneInfo(json.loads(timezone_json)) if timezone_json else ZoneInfo("UTC")
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return ZoneInfo("UTC")


def midnight_ms(day: date, tz: ZoneInfo) -> int:
    """UTC epoch ms of the local midnight that starts ``day`` in ``tz`` (the first instant of the local day)."""
    return int(datetime.combine(day, time(0), tz).timestamp() * 1000)


def epoch_day_midnight_ms(days_since_epoch: int, tz: ZoneInfo) -> int:
    """UTC epoch ms of the local midnight that starts local calendar day ``days_since_epoch`` (0: 1970-01-01)."""
    return midnight_ms(date.fromordinal(_EPOCH_ORDINAL + days_since_epoch), tz)


def today_midnight_ms(now_s: float, tz: ZoneInfo) -> int:
    """UTC epoch ms of the local midnight that started the day ``now_s`` (UTC epoch s) falls in."""
    return midnight_ms(datetime.fromtimestamp(now_s, UTC).astimezone(tz).date(), tz)


def local_offsets_ms(ts_ms: npt.NDArray[np.int64], tz: tzinfo) -> npt.NDArray[np.int64]:
    """UTC offset [ms] in force at each instant (UTC epoch ms); offsets change only on quarter-hour boundaries."""
    quarters = ts_ms // QUARTER_MS
    low, high = int(quarters.min()), int(quarters.max())
    if high - low <= 4 * quarters.size + 1000:  # a dense span (the usual case): look up every quarter in it
        unique, inverse = np.arange(low, high + 1), quarters - low
    else:
        unique, inverse = np.unique(quarters, return_inverse=True)
    offsets = np.array([_offset_ms(int(q) * QUARTER_MS, tz) for q in unique], dtype=np.int64)
    return offsets[inverse]


def _offset_ms(ts_ms: int, tz: tzinfo) -> int:
    """UTC offset [ms] of ``tz`` at the instant ``ts_ms`` (UTC epoch ms)."""
    offset = datetime.fromtimestamp(ts_ms / 1000, tz).utcoffset()
    assert offset is not None, "a datetime made in a zone knows its offset"
    return int(offset.total_seconds() * 1000)
