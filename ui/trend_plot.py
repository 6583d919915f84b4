"""The trends chart's pure helpers: time-axis ticks, preset ranges, gaps in a line, values in their units.

No widgets here: ui.trend_chart draws with these, ui.trends_page picks the
range and reads the data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from pyqtgraph.graphicsItems import DateAxisItem as date_axis  # noqa: N813 - the module, not the class

from energymon.site_time import DAY_MS, DAY_S, HOUR_MS, MINUTE_MS, midnight_ms
from energymon.views.trends import Series

PRESETS = ("today", "yesterday", "7d", "30d", "12m")
SI_UNITS = ("W", "Wh", "var", "VA")  # shown with k/M/G prefixes
DISPLAY_UNITS = {"degC": "°C", "W/m2": "W/m²"}
MINUTE_S, HOUR_S = MINUTE_MS // 1000, HOUR_MS // 1000


def numeric_zoom_levels() -> dict:
    """pyqtgraph's date-axis zoom levels with numeric dates ("11-17", "2026-03") instead of English
    month and weekday names, so the axis reads the same in every language."""
    spec, level = date_axis.TickSpec, date_axis.ZoomLevel
    day, hour, minute = date_axis.DAY_SPACING, date_axis.HOUR_SPACING, date_axis.MINUTE_SPACING
    months = spec(date_axis.MONTH_SPACING, date_axis.makeMStepper(1), "%Y-%m")
    days = spec(day, date_axis.makeSStepper(day), "%m-%d", autoSkip=[1, 2, 5])
    return {
        np.inf: level(
            [
                spec(date_axis.YEAR_SPACING, date_axis.makeYStepper(1), "%Y", autoSkip=[1, 5, 10, 25]),
                spec(date_axis.MONTH_SPACING, date_axis.makeMStepper(1), "%Y-%m", autoSkip=[1, 3, 6]),
            ],
            "0000-00",
        ),
        5 * DAY_S: level([months, days], "0000-00"),
        6 * HOUR_S: level(
            [
                spec(day, date_axis.makeSStepper(day), "%m-%d"),
                spec(hour, date_axis.makeSStepper(hour), "%H:%M", autoSkip=[1, 3, 6]),
            ],
            "00-00",
        ),
        15 * MINUTE_S: level(
            [
                spec(day, date_axis.makeSStepper(day), "%m-%d"),
                spec(minute, date_axis.makeSStepper(minute), "%H:%M", autoSkip=[1, 5, 15]),
            ],
            "00-00",
        ),
        30: date_axis.HMS_ZOOM_LEVEL,
        1: date_axis.MS_ZOOM_LEVEL,
    }


def preset_range(preset: str, now_s: float, tz: ZoneInfo) -> tuple[int, int]:
    """[from_ms, to_ms) of a preset in the site's time zone: local calendar days, or the last N days up to now."""
    today = datetime.fromtimestamp(now_s, UTC).astimezone(tz).date()
    now_ms = int(now_s * 1000)
    if preset == "today":
        return midnight_ms(today, tz), midnight_ms(today + timedelta(days=1), tz)
    if preset == "yesterday":
        return midnight_ms(today - timedelta(days=1), tz), midnight_ms(today, tz)
    days = {"7d": 7, "30d": 30, "12m": 365}[preset]
    return now_ms - days * DAY_MS, now_ms


def with_gaps(series_: Series) -> tuple[np.ndarray, list[np.ndarray]]:
    """x [s] and (mean, min, max) with a NaN point wherever the data has a gap, so no line bridges it.

    A gap is more than 1.5 buckets between rollup points, or more than three
    times the usual spacing between raw samples.
    """
    ts = series_.ts_ms
    columns = [series_.mean, series_.min, series_.max]
    if ts.size < 2:
        return ts / 1000.0, columns
    steps = np.diff(ts)
    limit = 1.5 * series_.bucket_ms if series_.bucket_ms else 3.0 * float(np.median(steps))
    cuts = np.flatnonzero(steps > limit) + 1
    if not cuts.size:
        return ts / 1000.0, columns
    x = np.insert(ts.astype(np.float64), cuts, ts[cuts - 1] + max(series_.bucket_ms, 1)) / 1000.0
    return x, [np.insert(c, cuts, np.nan) for c in columns]


def format_value(value: float, unit: str) -> str:
    """A value in its base unit for the read-out: W/Wh/var with k, M, G prefixes, others as they are."""
    if not np.isfinite(value):
        return "—"
    if unit in SI_UNITS:
        for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= factor:
                return f"{value / factor:,.2f} {prefix}{unit}"
        return f"{value:,.1f} {unit}"
    if not unit:
        return f"{value:.3g}"
    shown = DISPLAY_UNITS.get(unit, unit)
    return f"{value:,.1f} {shown}" if unit in ("%", "degC") else f"{value:,.2f} {shown}"


def point_at(series_: Series, x_ms: int) -> int | None:
    """The index of the point the cursor at ``x_ms`` reads out: the nearest raw sample (not across a gap in the
    data), or the bucket ``x_ms`` falls in; None if there is none."""
    s = series_
    if not len(s):
        return None
    if s.bucket_ms == 0:  # the nearest sample
        i = int(np.clip(np.searchsorted(s.ts_ms, x_ms), 1, len(s) - 1)) if len(s) > 1 else 0
        if len(s) > 1 and abs(s.ts_ms[i - 1] - x_ms) <= abs(s.ts_ms[i] - x_ms):
            i -= 1
        reach = 1.5 * float(np.median(np.diff(s.ts_ms))) if len(s) > 1 else float(MINUTE_MS)
        return i if abs(int(s.ts_ms[i]) - x_ms) <= reach else None
    i = int(np.searchsorted(s.ts_ms, x_ms, side="right")) - 1  # the bucket under the cursor
    return i if i >= 0 and x_ms < s.ts_ms[i] + s.bucket_ms else None
