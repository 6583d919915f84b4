"""Aggregates of raw samples per time bucket (pure functions; numpy).

Four rollup intervals are kept for the life of the database: ``1min``,
``15min`` (the billing demand interval), ``1h`` and ``1d``: rows in
``rollup_<interval>``, except one-minute aggregates of complete past days,
which are kept as compact day blocks (energymon.store.minute_blocks). One- and
fifteen-minute buckets are aligned to UTC, which is the same as aligning them
to local time in every time zone in use (all UTC offsets are whole quarter
hours). Hourly and daily buckets are aligned to the site's local time (a
``1d`` bucket is a local calendar day, 23 or 25 hours long on a daylight-saving
change). Every bucket is keyed by its start as UTC epoch milliseconds.

Per bucket and channel: ``n`` samples; for measurements ``sum``, ``min`` and
``max`` of the values (the mean is ``sum / n``, a sample mean: polls are
regular); for counters the first and last sample of the bucket, their times as
milliseconds after the bucket start (``first_dt_ms``, ``last_dt_ms``), which
bound the energy of the bucket (see energymon.accounting.counters for the
wrap/reset-aware energy). The columns that do not apply to a kind are NULL,
which costs no space.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from zoneinfo import ZoneInfo

import numpy as np

from energymon.site_time import DAY_MS, HOUR_MS, MINUTE_MS, QUARTER_MS, epoch_day_midnight_ms, local_offsets_ms
from energymon.store import multirow

INTERVALS = ("1min", "15min", "1h", "1d")
TABLES = {interval: f"rollup_{interval}" for interval in INTERVALS}


@dataclass(frozen=True)
class Aggregates:
    """Aggregates of one channel, one entry per bucket (arrays of equal length)."""

    bucket_ms: np.ndarray  # bucket start, UTC epoch ms (int64)
    n: np.ndarray
    sum: np.ndarray
    min: np.ndarray
    max: np.ndarray
    first_ms: np.ndarray
    first: np.ndarray
    last_ms: np.ndarray
    last: np.ndarray
    first_index: np.ndarray  # index of each bucket's first sample in the input

    def rows(self, channel_ids: np.ndarray, is_counter: np.ndarray) -> list[tuple]:
        """Rows in the column order of the rollup tables; per-sample channel ids and counter flags.

        Counters get first/last, measurements sum/min/max; the other columns are NULL.
        """
        counters = is_counter[self.first_index]
        rows: list[tuple] = []
        for mask, counter in ((~counters, False), (counters, True)):
            if not mask.any():
                continue
            head = (channel_ids[self.first_index][mask].tolist(), self.bucket_ms[mask].tolist(), self.n[mask].tolist())
            nulls = repeat(None)
            if counter:
                tail = (
                    nulls,
                    nulls,
                    nulls,
                    (self.first_ms - self.bucket_ms)[mask].tolist(),
                    self.first[mask].tolist(),
                    (self.last_ms - self.bucket_ms)[mask].tolist(),
                    self.last[mask].tolist(),
                )
            else:
                tail = (
                    self.sum[mask].tolist(),
                    self.min[mask].tolist(),
                    self.max[mask].tolist(),
                    nulls,
                    nulls,
                    nulls,
                    nulls,
                )
            rows.extend(zip(*head, *tail))
        return rows


def bucket_starts(ts_ms: np.ndarray, interval: str, tz: ZoneInfo) -> np.ndarray:
    """Start (UTC epoch ms) of the ``interval`` bucket that holds each instant."""
    ts = np.asarray(ts_ms, dtype=np.int64)
    if interval == "1min":
        return ts - ts % MINUTE_MS
    if interval == "15min":
        return ts - ts % QUARTER_MS
    offsets = local_offsets_ms(ts, tz)
    local = ts + offsets
    if interval == "1h":
        return local - local % HOUR_MS - offsets
    if interval == "1d":
        days = local // DAY_MS
        unique, inverse = np.unique(days, return_inverse=True)
        midnights = np.array([epoch_day_midnight_ms(int(d), tz) for d in unique], dtype=np.int64)
        return midnights[inverse]
    raise ValueError(f"unknown rollup interval {interval!r}")


def aggregate(group_ids: np.ndarray, ts_ms: np.ndarray, values: np.ndarray, bucket_ms: np.ndarray) -> Aggregates:
    """Aggregates per (group, bucket) of samples sorted by group, then time.

    ``group_ids`` is typically the channel id of each sample; ``bucket_ms``
    comes from :func:`bucket_starts`. Returns one entry per group and bucket,
    in input order; ``first_index`` points at each entry's first sample.
    """
    ts = np.asarray(ts_ms, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    size = ts.size
    change = np.ones(size, dtype=bool)
    if size:
        change[1:] = (bucket_ms[1:] != bucket_ms[:-1]) | (group_ids[1:] != group_ids[:-1])
    starts = np.flatnonzero(change)
    if not size:
        return Aggregates(
            starts, starts, np.array([]), np.array([]), np.array([]), starts, np.array([]), starts, np.array([]), starts
        )
    ends = np.concatenate((starts[1:], [size])) - 1
    return Aggregates(
        bucket_ms=bucket_ms[starts],
        n=ends - starts + 1,
        sum=np.add.reduceat(v, starts),
        min=np.minimum.reduceat(v, starts),
        max=np.maximum.reduceat(v, starts),
        first_ms=ts[starts],
        first=v[starts],
        last_ms=ts[ends],
        last=v[ends],
        first_index=starts,
    )


# Merging a bucket's new samples into its stored aggregates (all right-hand sides see the old row).
UPSERT_HEAD = "INSERT INTO {table} (channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last)"
UPSERT_TAIL = """ON CONFLICT (channel_id, bucket_ms) DO UPDATE SET
    n = n + excluded.n,
    sum = sum + excluded.sum,
    min = min(min, excluded.min),
    max = max(max, excluded.max),
    first = CASE WHEN excluded.first_dt_ms < first_dt_ms THEN excluded.first ELSE first END,
    first_dt_ms = min(first_dt_ms, excluded.first_dt_ms),
    last = CASE WHEN excluded.last_dt_ms > last_dt_ms THEN excluded.last ELSE last END,
    last_dt_ms = max(last_dt_ms, excluded.last_dt_ms)"""
UPSERT_SQL = UPSERT_HEAD + "\nVALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)\n" + UPSERT_TAIL


def create_tables(db) -> None:
    """The four rollup tables and a readable view of each, and the one-minute blocks (store migrations)."""
    db.execute(
        """CREATE TABLE rollup_1min_blocks (channel_id INTEGER NOT NULL REFERENCES channels(id),
           block_ms INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL,
           PRIMARY KEY (channel_id, block_ms))"""
    )
    for table in TABLES.values():
        db.execute(
            f"""CREATE TABLE {table} (channel_id INTEGER NOT NULL REFERENCES channels(id),
                bucket_ms INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL, min REAL, max REAL,
                first_dt_ms INTEGER, first REAL, last_dt_ms INTEGER, last REAL,
                PRIMARY KEY (channel_id, bucket_ms)) WITHOUT ROWID"""
        )
        db.execute(
            f"""CREATE VIEW {table}_readable AS
            SELECT strftime('%Y-%m-%dT%H:%M:%SZ', r.bucket_ms / 1000, 'unixepoch') AS start_utc,
                   c.device_id, c.quantity, r.n, r.sum / r.n AS mean, r.min, r.max, r.first, r.last,
                   r.last - r.first AS last_minus_first, c.unit, c.kind
            FROM {table} r JOIN channels c ON c.id = r.channel_id"""
        )


def update(
    db,
    channel_ids: np.ndarray,
    is_counter: np.ndarray,
    ts_ms: np.ndarray,
    values: np.ndarray,
    tz: ZoneInfo,
    intervals: tuple[str, ...] = INTERVALS,
) -> None:
    """Merge new samples (grouped by channel, by time within a channel; none counted before) into rollup rows.

    Arrays are per sample: channel id, whether the channel is a counter, UTC
    epoch ms and value. Runs in the caller's transaction.
    """
    if len(ts_ms) == 0:
        return
    for interval in intervals:
        rows = bucket_rows(channel_ids, is_counter, ts_ms, values, interval, tz)
        multirow.insert_rows(db.conn, UPSERT_HEAD.format(table=TABLES[interval]), 10, rows, UPSERT_TAIL)


def bucket_rows(
    channel_ids: np.ndarray, is_counter: np.ndarray, ts_ms: np.ndarray, values: np.ndarray, interval: str, tz: ZoneInfo
) -> list[tuple]:
    """The ``interval`` rollup rows of samples (per-sample arrays as for :func:`update`), in table column order."""
    return aggregate(channel_ids, ts_ms, values, bucket_starts(ts_ms, interval, tz)).rows(channel_ids, is_counter)
