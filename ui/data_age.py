"""How old the data on screen is, in words: "2 s ago", "4 min ago", "as of 13:05:10", "stale since 13:05:10".

The overview's tiles and the devices table say how old each value is. Times
are UTC epoch ms, shown in the site's local time; an age is ``now - then``,
never negative (a clock a little ahead of the collector's shows "0 s ago").
The texts are translated in the context "DataAge".
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from ui.format import fill

translate = QCoreApplication.translate
STALE_COLOUR = "#b7791f"  # as the devices table's "stale" status
AGE_COLOUR = "#718096"


def age_text(age_ms: int) -> str:
    """An age as "12 s ago", "4 min ago", "2 h 05 min ago" or "3 d ago"."""
    seconds = max(0, age_ms) // 1000
    if seconds < 60:
        return fill(translate("DataAge", "%1 s ago"), str(seconds))
    minutes = seconds // 60
    if minutes < 60:
        return fill(translate("DataAge", "%1 min ago"), str(minutes))
    hours = minutes // 60
    if hours < 48:
        return fill(translate("DataAge", "%1 h %2 min ago"), str(hours), f"{minutes % 60:02d}")
    return fill(translate("DataAge", "%1 d ago"), str(hours // 24))


def clock(ts_ms: int, tz: tzinfo, now_ms: int | None = None) -> str:
    """A time of day in ``tz`` ("13:05:10"), with the date when it is not the day of ``now_ms``."""
    then = datetime.fromtimestamp(ts_ms / 1000, tz)
    if now_ms is not None and datetime.fromtimestamp(now_ms / 1000, tz).date() != then.date():
        return then.strftime("%m-%d %H:%M")
    return then.strftime("%H:%M:%S")


def as_of(ts_ms: int, now_ms: int, tz: tzinfo) -> str:
    """Live data's age: "as of 13:05:10, 2 s ago"."""
    return fill(translate("DataAge", "as of %1, %2"), clock(ts_ms, tz, now_ms), age_text(now_ms - ts_ms))


def stale_since(ts_ms: int, now_ms: int, tz: tzinfo) -> str:
    """A value no longer live: "stale since 13:05:10 (4 min ago)"."""
    return fill(translate("DataAge", "stale since %1 (%2)"), clock(ts_ms, tz, now_ms), age_text(now_ms - ts_ms))
