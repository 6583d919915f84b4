"""One-minute rollups of a channel as columns: merging, and a compact encoding per day.

Recent one-minute aggregates live as rows in ``rollup_1min``; complete days
move into ``rollup_1min_blocks`` (one row per channel and UTC day), like raw
samples do (energymon.store.samples). A day of a channel is 1,440 buckets: as
rows that is ~50 kB on disk, as a block ~5-10 kB.

Columns (one entry per bucket, by bucket time): ``bucket_ms`` (UTC epoch ms,
int64), ``n`` (samples), ``sum``, ``min``, ``max`` (measurements; NaN for
counters), ``first_dt_ms``, ``first``, ``last_dt_ms``, ``last`` (counters: the
first and last sample, time after the bucket start; NaN for measurements).

Block format (``data`` column): ``b"C"``, version 1, the number of columns
(9), then per column a 4-byte little-endian length and the column's blob:
``bucket_ms`` by :func:`energymon.store.codec.encode_timestamps`, the others
by :func:`energymon.store.codec.encode_values`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields

import numpy as np

from energymon.site_time import MINUTE_MS
from energymon.store.codec import CodecError, decode_timestamps, decode_values, encode_timestamps, encode_values
from energymon.store.rollups import Aggregates, aggregate

_COLUMNS = 9


@dataclass(frozen=True)
class Minutes:
    """One-minute aggregates of one channel (see the module docstring for the columns)."""

    bucket_ms: np.ndarray
    n: np.ndarray
    sum: np.ndarray
    min: np.ndarray
    max: np.ndarray
    first_dt_ms: np.ndarray
    first: np.ndarray
    last_dt_ms: np.ndarray
    last: np.ndarray

    def __len__(self) -> int:
        return int(self.bucket_ms.size)

    def mean(self) -> np.ndarray:
        return self.sum / self.n

    def select(self, mask: np.ndarray | slice) -> Minutes:
        """The aggregates at ``mask`` (a boolean or index array, or a slice)."""
        return Minutes(*(getattr(self, f.name)[mask] for f in fields(self)))


def empty() -> Minutes:
    floats = np.array([], dtype=np.float64)
    return Minutes(np.array([], dtype=np.int64), np.array([], dtype=np.int64), *([floats] * 7))


def from_aggregates(aggregates: Aggregates, counter: bool) -> Minutes:
    """The one-minute aggregates of one channel, with the columns of its kind."""
    nan = np.full(aggregates.bucket_ms.size, np.nan)
    if counter:
        stats = (
            nan,
            nan,
            nan,
            (aggregates.first_ms - aggregates.bucket_ms).astype(np.float64),
            aggregates.first,
            (aggregates.last_ms - aggregates.bucket_ms).astype(np.float64),
            aggregates.last,
        )
    else:
        stats = (aggregates.sum, aggregates.min, aggregates.max, nan, nan, nan, nan)
    return Minutes(aggregates.bucket_ms.astype(np.int64), aggregates.n.astype(np.int64), *stats)


def from_samples(ts_ms: np.ndarray, values: np.ndarray, counter: bool) -> Minutes:
    """The one-minute aggregates of one channel's samples (sorted by time); minutes are UTC-aligned."""
    return from_aggregates(aggregate(np.zeros(ts_ms.size), ts_ms, values, ts_ms - ts_ms % MINUTE_MS), counter)


def from_rows(rows: list[tuple]) -> Minutes:
    """From ``rollup_1min`` rows (bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last), by time."""
    if not rows:
        return empty()
    array = np.array(rows, dtype=np.float64)  # NULL -> NaN
    return Minutes(array[:, 0].astype(np.int64), array[:, 1].astype(np.int64), *(array[:, i] for i in range(2, 9)))


def merge(*parts: Minutes) -> Minutes:
    """Combine aggregates of the same channel; buckets present in several parts are merged exactly."""
    parts = tuple(p for p in parts if len(p))
    if not parts:
        return empty()
    if len(parts) == 1:
        return parts[0]
    cat = Minutes(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Minutes)))
    order = np.argsort(cat.bucket_ms, kind="stable")
    m = cat.select(order)
    starts = np.flatnonzero(np.concatenate(([True], m.bucket_ms[1:] != m.bucket_ms[:-1])))
    if starts.size == m.bucket_ms.size:
        return m
    ends = np.concatenate((starts[1:], [m.bucket_ms.size]))
    group = np.repeat(np.arange(starts.size), ends - starts)
    # first: the member with the earliest first sample; last: the member with the latest last sample
    # (NaN times - measurements - sort last and are ignored).
    by_first = np.lexsort((np.nan_to_num(m.first_dt_ms, nan=np.inf), group))
    by_last = np.lexsort((np.nan_to_num(m.last_dt_ms, nan=-np.inf), group))
    first_pick = by_first[starts]
    last_pick = by_last[ends - 1]
    with np.errstate(invalid="ignore"):
        return Minutes(
            bucket_ms=m.bucket_ms[starts],
            n=np.add.reduceat(m.n, starts),
            sum=np.add.reduceat(m.sum, starts),
            min=np.fmin.reduceat(m.min, starts),
            max=np.fmax.reduceat(m.max, starts),
            first_dt_ms=m.first_dt_ms[first_pick],
            first=m.first[first_pick],
            last_dt_ms=m.last_dt_ms[last_pick],
            last=m.last[last_pick],
        )


def encode(minutes: Minutes) -> bytes:
    """The block blob of at least one bucket."""
    blobs = [encode_timestamps(minutes.bucket_ms)]
    blobs += [encode_values(getattr(minutes, f.name).astype(np.float64)) for f in fields(Minutes)[1:]]
    return b"C" + bytes((1, _COLUMNS)) + b"".join(struct.pack("<I", len(b)) + b for b in blobs)


def decode(blob: bytes, count: int) -> Minutes:
    if len(blob) < 3 or blob[:3] != b"C" + bytes((1, _COLUMNS)):
        raise CodecError("not a version 1 one-minute rollup block")
    columns, offset = [], 3
    for index in range(_COLUMNS):
        if offset + 4 > len(blob):
            raise CodecError("truncated one-minute rollup block")
        (length,) = struct.unpack_from("<I", blob, offset)
        part = blob[offset + 4 : offset + 4 + length]
        offset += 4 + length
        columns.append(decode_timestamps(part, count) if index == 0 else decode_values(part, count))
    columns[1] = columns[1].astype(np.int64)
    return Minutes(*columns)
