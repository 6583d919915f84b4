"""The overview chart's read model: today's power of each role from the database, bucketed for drawing.

The chart's time axis is the whole local day, from its midnight to the next
(:func:`day_bounds_ms`: 23 or 25 hours on a daylight-saving change), so the
curves fill it from the left as the day goes on. The data spans from local
midnight (or the first stored power sample after it) to now in about
``points`` buckets of at least ``MIN_BUCKET_S``; a device
whose poll missed a bucket keeps its last value for up to ``HOLD_POLLS`` poll
intervals. A viewer that does not collect itself (``gui --no-collect``) also
reads the latest readings here. Times are UTC epoch ms, powers W.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from energymon.site_time import midnight_ms
from energymon.store.reader import PowerSeries, StoreReader
from energymon.views.live import latest_readings
from energymon.views.site import SiteInfo


@dataclass(frozen=True)
class ChartRequest:
    """What the overview's chart asks of the database (times UTC epoch ms)."""

    db_path: Path
    site: SiteInfo
    since_ms: int  # start of the chart window
    now_ms: int
    points: int  # about this many buckets across the data shown
    want_latest: bool  # viewer mode: also read the latest values


@dataclass(frozen=True)
class ChartView:
    """The chart's answer: bucketed power per role, and in viewer mode the latest readings."""

    series: PowerSeries
    latest: dict | None
    start_ms: int  # the data shown: from the window start or the first data, to now
    end_ms: int
    day_start_ms: int = 0  # the time axis: the local day's midnight to the next one
    day_end_ms: int = 0


MIN_BUCKET_S = 2.0
HOLD_POLLS = 3  # a device's last value may stand in for 3 poll intervals when its polls miss a bucket


def day_bounds_ms(now_ms: int, tz: ZoneInfo) -> tuple[int, int]:
    """The local day ``now_ms`` falls in, as UTC epoch ms of its midnight and of the next day's midnight."""
    today = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(tz).date()
    return midnight_ms(today, tz), midnight_ms(today + timedelta(days=1), tz)


def chart_view(reader: StoreReader, request: ChartRequest) -> ChartView:
    """What the overview's chart shows from the database (runs on the GUI's reader thread)."""
    site = request.site
    first = reader.first_power_sample_ms(list(site.roles), request.since_ms)
    start = request.since_ms if first is None else max(request.since_ms, first)
    bucket_s = max(MIN_BUCKET_S, (request.now_ms - start) / 1000 / request.points)
    hold = {d.id: int(HOLD_POLLS * d.poll_interval_s * 1000) for d in site.devices}
    series = reader.power_series(site.roles, start, bucket_s, hold)
    latest = latest_readings(reader, list(site.devices), request.since_ms) if request.want_latest else None
    day_start, day_end = day_bounds_ms(request.now_ms, site.tz)
    return ChartView(series, latest, start, request.now_ms, day_start, day_end)
