"""The periods the Energy page shows: a local day, month or year, its buckets, its neighbours (pure).

A :class:`Period` is a calendar day (buckets: its local hours), month (its
days) or year (its months) in the site's time zone. Bucket edges are UTC
epoch milliseconds of local wall-clock boundaries, so a day on a
daylight-saving change has 23 or 25 hourly buckets and every bucket edge of a
month or a year is a local midnight. Navigation: :meth:`Period.shifted` (the
previous or next period of the same kind), :meth:`Period.year_before` (the
same period a year earlier: 29 February goes to the 28th), and
:func:`period_containing` (the period of a kind that holds an instant: "today",
"this month", "this year").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from energymon.site_time import FIRST_YEAR, HOUR_MS, LAST_YEAR, midnight_ms

KINDS = ("day", "month", "year")
INTERVAL_OF_KIND = {"day": "1h", "month": "1d", "year": "1d"}  # the rollup each kind's buckets are read from


@dataclass(frozen=True)
class Period:
    """A local calendar day, month or year: ``kind`` in :data:`KINDS`, ``first`` its first day."""

    kind: str
    first: date

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r} (expected day, month or year)")
        if self.kind != "day" and self.first.day != 1 or self.kind == "year" and self.first.month != 1:
            raise ValueError(f"{self.kind} must start on its first day, not {self.first}")

    @property
    def following(self) -> date:
        """The first day after the period."""
        if self.kind == "day":
            return self.first + timedelta(days=1)
        if self.kind == "month":
            return _add_months(self.first, 1)
        return self.first.replace(year=self.first.year + 1)

    def start_ms(self, zone: ZoneInfo) -> int:
        """UTC epoch ms of the local midnight that starts the period."""
        return midnight_ms(self.first, zone)

    def end_ms(self, zone: ZoneInfo) -> int:
        """UTC epoch ms of the local midnight that ends it (the next period's start)."""
        return midnight_ms(self.following, zone)

    def edges_ms(self, zone: ZoneInfo) -> list[int]:
        """Bucket edges (UTC epoch ms): local hours of a day, local midnights of a month's days, month starts
        of a year; n + 1 edges for n buckets."""
        start, end = self.start_ms(zone), self.end_ms(zone)
        if self.kind == "day":
            return list(range(start, end, HOUR_MS)) + [end]  # local hours: clock changes shift whole hours
        if self.kind == "month":
            days = (self.following - self.first).days
            return [midnight_ms(self.first + timedelta(days=i), zone) for i in range(days)] + [end]
        return [midnight_ms(self.first.replace(month=m), zone) for m in range(1, 13)] + [end]

    def bucket_labels(self, zone: ZoneInfo) -> list[int]:
        """Each bucket's local number: hour of day (0..23, repeated or skipped on a clock change), day of the
        month (1..31) or month (1..12)."""
        edges = self.edges_ms(zone)[:-1]
        if self.kind == "day":
            return [datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).hour for ms in edges]
        if self.kind == "month":
            return list(range(1, len(edges) + 1))
        return list(range(1, 13))

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier if negative), of the same kind."""
        if self.kind == "day":
            return Period("day", self.first + timedelta(days=steps))
        if self.kind == "month":
            return Period("month", _add_months(self.first, steps))
        return Period("year", self.first.replace(year=self.first.year + steps))

    def year_before(self) -> Period:
        """The same period a year earlier (a year view: the previous year; 29 February: the 28th)."""
        first = self.first
        try:
            return Period(self.kind, first.replace(year=first.year - 1))
        except ValueError:  # 29 February
            return Period(self.kind, first.replace(year=first.year - 1, day=28))

    def contains_ms(self, ts_ms: int, zone: ZoneInfo) -> bool:
        return self.start_ms(zone) <= ts_ms < self.end_ms(zone)

    def can_shift(self, steps: int) -> bool:
        """Whether :meth:`shifted` stays within the years energymon handles."""
        try:
            moved = self.shifted(steps)
        except (ValueError, OverflowError):
            return False
        return FIRST_YEAR <= moved.first.year <= LAST_YEAR


def period_containing(kind: str, ts_ms: int, zone: ZoneInfo) -> Period:
    """The day, month or year (local) that holds the instant ``ts_ms`` (UTC epoch ms)."""
    day = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(zone).date()
    if kind == "day":
        return Period("day", day)
    if kind == "month":
        return Period("month", day.replace(day=1))
    return Period(kind, day.replace(month=1, day=1))


def with_kind(period: Period, kind: str, ts_ms: int, zone: ZoneInfo) -> Period:
    """The period of ``kind`` to show when the kind changes: the one holding ``ts_ms`` if the current period
    does (switching from today to this month), else the one holding the current period's first day."""
    if period.contains_ms(ts_ms, zone):
        return period_containing(kind, ts_ms, zone)
    return period_containing(kind, period.start_ms(zone), zone)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
