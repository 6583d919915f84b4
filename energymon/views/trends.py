"""Trend series: one quantity of one device over a time range, read at the resolution the range needs.

Pure functions over a :class:`energymon.store.reader.StoreReader`; the GUI's trends
page calls them on its reader thread.

Source by range
---------------
:func:`series` returns at most ``max_points`` points (the hard bound; a
12-month view reads a few hundred rows). It takes the finest source that fits:

============  ===============================  =================================================
source        used when                        with ``max_points = 2000`` (the default)
============  ===============================  =================================================
``raw``       span <= 6 h and at most           up to ~2.8 h of a 5 s poll, ~1.1 h of a 2 s poll
              ``max_points`` raw samples in it
``1min``      span / 1 min <= ``max_points``    up to 33 h: "today", "yesterday"
``15min``     span / 15 min <= ``max_points``   up to 20.8 days: "7 days"
``1h``        span / 1 h <= ``max_points``      up to 83 days: "30 days"
``1d``        otherwise                         "12 months" (365 points); beyond 5.5 years days
                                                are merged k at a time to stay within the bound
============  ===============================  =================================================

Raw samples older than the raw retention (``raw_retention_days``) are gone
while the rollups are kept for the life of the database: a short range
without raw samples is answered from the one-minute rollups instead.

A point is a raw sample (its time) or a rollup bucket (its start, UTC epoch
ms; ``bucket_ms`` is the bucket's nominal length). Buckets that overlap the
range are included, so the curve reaches both edges.

What a point holds (``statistic``)
----------------------------------
- measurements: ``"sample"`` (raw: ``mean`` is the value, ``min``/``max`` NaN)
  or ``"mean"`` (rollups: mean of the bucket's samples, ``min``/``max`` their
  extremes).
- counters, ``energy=False``: ``"last"``, the counter reading (the last one
  in each bucket, as the export's rollup rows do); ``min``/``max`` NaN.
- counters, ``energy=True``: ``"delta"``, the energy counted in each bucket,
  ``last[k] - last[k-1]`` when bucket ``k-1`` is the bucket right before it
  (one bucket before the range is read for the first one), otherwise (after a
  gap in the data) ``last[k] - first[k]``, the energy between the bucket's own
  first and last reading. A negative difference (a counter reset or a replaced
  meter) is NaN: no number rather than a wrong one. Always from rollups (one
  minute at the finest): per-poll differences are noise. This is a display
  figure; reports use :mod:`energymon.accounting.counters` (wrap, reset and
  replaced-meter aware, bounded by rated power).
- site series (:mod:`energymon.views.site_trends`): ``"sum"``, a site power
  as the sum of its devices' bucket means (``min``/``max`` NaN), or
  ``"delta"``, a site energy per interval summed over the devices; with the
  number of devices each point sums in ``reporting``, out of ``devices``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import numpy as np

from energymon.site_time import DAY_MS, HOUR_MS, MINUTE_MS, QUARTER_MS
from energymon.store.export import local_iso
from energymon.store.reader import StoreReader

RAW_MAX_SPAN_MS = 6 * HOUR_MS  # longer ranges never read raw samples
LEVELS: tuple[tuple[str, int], ...] = (("1min", MINUTE_MS), ("15min", QUARTER_MS), ("1h", HOUR_MS), ("1d", DAY_MS))
LEVEL_MS = dict(LEVELS)
COLUMNS = ("bucket_ms", "n", "sum", "min", "max", "first", "last")  # of a rollup level, as read
CSV_HEADER = ("timestamp", "device_id", "quantity", "interval", "statistic", "value", "min", "max", "unit")


@dataclass(frozen=True)
class Channel:
    """A stored (device, quantity) with its base unit and kind ("measurement" or "counter")."""

    device_id: str
    quantity: str
    unit: str
    kind: str

    @property
    def counter(self) -> bool:
        return self.kind == "counter"


@dataclass(frozen=True)
class Series:
    """Points of one channel by time; see the module docstring for what a point holds."""

    ts_ms: np.ndarray  # int64: sample time (raw) or bucket start, UTC epoch ms
    mean: np.ndarray  # float64: the value drawn (sample, bucket mean, counter reading or energy)
    min: np.ndarray  # float64: bucket minimum (NaN where it does not apply)
    max: np.ndarray  # float64: bucket maximum (NaN where it does not apply)
    source: str  # "raw", "1min", "15min", "1h", "1d"
    bucket_ms: int = 0  # nominal length of a point's bucket [ms]; 0 for raw samples
    statistic: str = "sample"  # "sample", "mean", "last" or "delta"
    device_id: str = ""
    quantity: str = ""
    unit: str = ""  # base unit of the quantity (W, Wh, %, V, A, Hz, degC, var or "")
    kind: str = "measurement"
    from_ms: int = 0  # the range asked for
    to_ms: int = 0
    # Site series (energymon.views.site_trends): devices whose data each point sums, out of ``devices``.
    reporting: np.ndarray | None = None  # int64 per point; None for a device's own series
    devices: int = 0  # the devices a site series sums when all report; 0 for a device's own series

    def __len__(self) -> int:
        return int(self.ts_ms.size)

    @property
    def has_band(self) -> bool:
        """Whether min/max are defined (rollup means of a measurement)."""
        return self.statistic == "mean"

    def visible(self, from_ms: int, to_ms: int) -> Series:
        """The points whose sample or bucket overlaps ``[from_ms, to_ms)``."""
        keep = (self.ts_ms < to_ms) & (self.ts_ms + max(self.bucket_ms, 1) > from_ms)
        return replace(
            self,
            ts_ms=self.ts_ms[keep],
            mean=self.mean[keep],
            min=self.min[keep],
            max=self.max[keep],
            reporting=None if self.reporting is None else self.reporting[keep],
            from_ms=max(self.from_ms, from_ms),
            to_ms=min(self.to_ms, to_ms),
        )


def channels(reader: StoreReader) -> list[Channel]:
    """Every stored channel, by device and quantity."""
    return [Channel(d, q, u or "", k or "measurement") for d, q, u, k in reader.channels()]


def choose_level(span_ms: int, max_points: int) -> tuple[str, int]:
    """(rollup level, merge factor): the finest level with at most ``max_points`` buckets in ``span_ms``.

    The factor is 1 except for spans longer than ``max_points`` days, whose
    days are merged that many at a time.
    """
    span_ms = max(int(span_ms), 1)
    max_points = max(int(max_points), 1)
    for name, length in LEVELS:
        if -(-span_ms // length) <= max_points:
            return name, 1
    return "1d", -(-span_ms // (DAY_MS * max_points))


def _empty() -> dict[str, np.ndarray]:
    floats = np.array([], dtype=np.float64)
    return {
        "bucket_ms": np.array([], dtype=np.int64),
        "n": floats,
        "sum": floats,
        "min": floats,
        "max": floats,
        "first": floats,
        "last": floats,
    }


def _read_level(reader: StoreReader, channel_id: int, level: str, from_ms: int, to_ms: int) -> dict[str, np.ndarray]:
    """Buckets of ``level`` with ``from_ms <= bucket_ms < to_ms`` as columns (NULL -> NaN)."""
    if level == "1min":
        minutes = reader.read_minutes(channel_id, from_ms, to_ms)
        return {
            "bucket_ms": minutes.bucket_ms.astype(np.int64),
            "n": minutes.n.astype(np.float64),
            "sum": minutes.sum,
            "min": minutes.min,
            "max": minutes.max,
            "first": minutes.first,
            "last": minutes.last,
        }
    rows = reader.rollup_rows(channel_id, level, COLUMNS, from_ms, to_ms)
    if not rows:
        return _empty()
    array = np.array(rows, dtype=np.float64)  # NULL -> NaN
    columns = {name: array[:, i] for i, name in enumerate(COLUMNS)}
    columns["bucket_ms"] = array[:, 0].astype(np.int64)
    return columns


def _merge(columns: dict[str, np.ndarray], width_ms: int) -> dict[str, np.ndarray]:
    """Merge buckets into groups ``width_ms`` long (counted from the first bucket): sums, extremes, first, last."""
    ts = columns["bucket_ms"]
    if ts.size == 0:
        return columns
    group = (ts - ts[0]) // width_ms
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    ends = np.concatenate((starts[1:], [ts.size])) - 1
    return {
        "bucket_ms": ts[starts],
        "n": np.add.reduceat(columns["n"], starts),
        "sum": np.add.reduceat(columns["sum"], starts),
        "min": np.minimum.reduceat(columns["min"], starts),
        "max": np.maximum.reduceat(columns["max"], starts),
        "first": columns["first"][starts],
        "last": columns["last"][ends],
    }


def _energy(columns: dict[str, np.ndarray], bucket_ms: int) -> np.ndarray:
    """Energy counted in each bucket of a counter (see the module docstring), NaN for a reset."""
    last, first, ts = columns["last"], columns["first"], columns["bucket_ms"]
    energy = last - first
    if ts.size > 1:
        adjacent = np.diff(ts) <= 1.5 * bucket_ms  # 1d buckets are 23-25 h long
        energy[1:] = np.where(adjacent, last[1:] - last[:-1], energy[1:])
    energy[energy < 0] = np.nan
    return energy


def series(
    reader: StoreReader,
    device_id: str,
    quantity: str,
    from_ms: int,
    to_ms: int,
    max_points: int = 2000,
    energy: bool = False,
    rollups_only: bool = False,
) -> Series:
    """The points of ``device_id``'s ``quantity`` in ``[from_ms, to_ms)`` (UTC epoch ms), at most ``max_points``.

    ``energy`` (counters only): energy counted per bucket instead of the
    counter reading. The source follows the range (module docstring);
    ``rollups_only`` never reads raw samples (one-minute rollups at the
    finest), so that series of several devices share their buckets.
    """
    from_ms, to_ms = int(from_ms), int(to_ms)
    row = reader.channel_info(device_id, quantity)
    channel_id, unit, kind = (None, "", "measurement") if row is None else (row[0], row[1] or "", row[2])
    counter = kind == "counter"
    energy = energy and counter
    span = max(to_ms - from_ms, 1)

    def made(
        ts: np.ndarray,
        mean: np.ndarray,
        low: np.ndarray,
        high: np.ndarray,
        source: str,
        bucket_ms: int = 0,
        statistic: str = "sample",
    ) -> Series:
        """A Series of this channel and range."""
        return Series(
            ts, mean, low, high, source, bucket_ms, statistic, device_id, quantity, unit, kind, from_ms, to_ms
        )

    nan0 = np.array([], dtype=np.float64)

    if not energy and not rollups_only and span <= RAW_MAX_SPAN_MS:
        if channel_id is None:
            return made(np.array([], dtype=np.int64), nan0, nan0, nan0, "raw")
        ts, values = reader.read_raw(channel_id, from_ms, to_ms)
        if 0 < ts.size <= max_points:
            nan = np.full(ts.size, np.nan)
            return made(ts, values, nan, nan.copy(), "raw", 0, "sample")
        # too many raw samples, or none left (raw retention): the one-minute rollups answer

    level, factor = choose_level(span, max_points)
    length = LEVEL_MS[level]
    width = length * factor
    statistic = "delta" if energy else "last" if counter else "mean"
    if channel_id is None:
        return made(np.array([], dtype=np.int64), nan0, nan0, nan0, level, width, statistic)
    # buckets that overlap the range; for energy also the bucket before the first (for its difference)
    lead = width if energy else 0
    columns = _read_level(reader, channel_id, level, from_ms - length + 1 - lead, to_ms)
    if factor > 1:
        columns = _merge(columns, width)
    ts = columns["bucket_ms"]
    if energy:
        values = _energy(columns, width)
        keep = ts + width > from_ms
        ts, values = ts[keep], values[keep]
        nan = np.full(ts.size, np.nan)
        return made(ts, values, nan, nan.copy(), level, width, statistic)
    if counter:
        nan = np.full(ts.size, np.nan)
        return made(ts, columns["last"], nan, nan.copy(), level, width, statistic)
    return made(ts, columns["sum"] / columns["n"], columns["min"], columns["max"], level, width, statistic)


def _number(value: float) -> str:
    return repr(float(value)) if np.isfinite(value) else ""


def write_csv(series_: Series | Iterable[Series], out: TextIO, zone: ZoneInfo) -> int:
    """Write the points of one series or of several (one after the other) as CSV (``CSV_HEADER``); returns the
    number of rows.

    ``timestamp`` is the sample time or bucket start, ISO 8601 in ``zone`` with
    its UTC offset; ``interval`` is ``raw`` or the bucket (``1min``, ``15min``,
    ``1h``, ``1d``, or e.g. ``7d`` for merged days); ``statistic`` says what
    ``value`` is (module docstring); values in the base ``unit``, empty where
    they do not apply or are missing. A site series
    (energymon.views.site_trends) has ``device_id`` ``@site`` and its
    site quantity's name (e.g. ``pv_power_w``).
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    return sum(_write_rows(writer, s, zone) for s in ([series_] if isinstance(series_, Series) else series_))


def _write_rows(writer: Any, series_: Series, zone: ZoneInfo) -> int:  # writer: a csv.writer
    """The rows of one series (see :func:`write_csv`)."""
    interval = "raw" if series_.bucket_ms == 0 else interval_name(series_.bucket_ms)
    stamps = local_iso(series_.ts_ms, zone, "ms" if series_.bucket_ms == 0 else "s")
    for stamp, value, low, high in zip(stamps, series_.mean.tolist(), series_.min.tolist(), series_.max.tolist()):
        writer.writerow(
            (
                stamp,
                series_.device_id,
                series_.quantity,
                interval,
                series_.statistic,
                _number(value),
                _number(low),
                _number(high),
                series_.unit,
            )
        )
    return len(series_)


def interval_name(bucket_ms: int) -> str:
    """``1min``, ``15min``, ``1h``, ``1d``, ``7d``, ... for a bucket length [ms]."""
    for length, suffix in ((DAY_MS, "d"), (HOUR_MS, "h"), (MINUTE_MS, "min")):
        if bucket_ms >= length and bucket_ms % length == 0:
            return f"{bucket_ms // length}{suffix}"
    return f"{bucket_ms}ms"
