"""Live samples of a batch as arrays: gathered from the writer's items, sorted, and cut to what is not stored yet.

The writer (energymon.store.writer) commits one transaction per batch of
:class:`SampleBatch` items. Turning those items into rows is most of its
Python work, so it is done here on flat lists and numpy arrays, once per batch,
instead of per sample: each item's values are appended in one step (the
channel ids of a device's quantity set are looked up once and reused), then
the whole batch is sorted by (channel, time) with one stable sort. The rows
and their order are the same as sorting each channel's samples on its own:
the first reading of a (channel, ts_ms) seen twice stands, and a sample whose
(channel, ts_ms) is already stored, in either table, is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast
from zoneinfo import ZoneInfo

import numpy as np
import sqlite_utils

from energymon.store import multirow, rollups
from energymon.store import samples as raw_store
from energymon.store.write_items import SampleBatch

ChannelsOf = Callable[[str, tuple[str, ...]], tuple[int, ...]]


def gather(batches: Iterable[SampleBatch], channels_of: ChannelsOf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(channel id, ts_ms, value) of every non-None value, sorted by channel then time; repeats of a
    (channel, ts_ms) after the first (in hand-over order) left out.

    ``channels_of(device_id, quantities)`` gives the channel ids of the quantities, in their order
    (creating missing channels), called only with quantities that have a value.
    """
    channels: list[int] = []
    values: list[float] = []
    stamps: list[int] = []
    counts: list[int] = []
    for batch in batches:
        row = list(batch.values.values())
        if None in row:
            keys = tuple(q for q, v in batch.values.items() if v is not None)
            row = [v for v in row if v is not None]
        else:
            keys = tuple(batch.values)
        if not row:
            continue
        channels.extend(channels_of(batch.device_id, keys))
        values.extend(cast(list[float], row))  # no None left in it
        stamps.append(batch.ts_ms)
        counts.append(len(row))
    channel = np.array(channels, dtype=np.int64)
    ts = np.repeat(np.array(stamps, dtype=np.int64), np.array(counts, dtype=np.int64))
    value = np.array(values, dtype=np.float64)
    order = np.lexsort((ts, channel))  # stable: of a (channel, ts_ms) seen twice, the first handed over comes first
    channel, ts, value = channel[order], ts[order], value[order]
    first = np.ones(ts.size, dtype=bool)
    first[1:] = (ts[1:] != ts[:-1]) | (channel[1:] != channel[:-1])
    return channel[first], ts[first], value[first]


def channel_runs(channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index and length of each channel's run in an array sorted by channel."""
    if not channel.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.concatenate(([True], channel[1:] != channel[:-1])))
    return starts, np.diff(np.concatenate((starts, [channel.size])))


def fresh(
    db: sqlite_utils.Database,
    channel: np.ndarray,
    ts: np.ndarray,
    newest_of: Callable[[int], int],
    newest_ms: dict[int, int],
) -> np.ndarray:
    """Which of the gathered samples are not stored yet.

    ``newest_of(channel)`` is the channel's newest stored ts_ms (or -1); only samples at or before it are
    looked up in the database. ``newest_ms`` (what ``newest_of`` remembers) is updated with the fresh samples.
    """
    starts, lengths = channel_runs(channel)
    ids = channel[starts].tolist()
    newest = np.array([newest_of(c) for c in ids], dtype=np.int64)
    keep = ts > np.repeat(newest, lengths)
    for run in np.flatnonzero(~keep[starts]).tolist():
        # A run is sorted by time, so its samples not newer than the stored ones are at its start.
        part = slice(int(starts[run]), int(starts[run] + lengths[run]))
        older = ~keep[part]
        if older.any():
            stored = raw_store.existing_mask(db, ids[run], ts[part][older])
            keep[part][older] = ~stored
    if keep.any():
        newest_kept = np.maximum.reduceat(np.where(keep, ts, -1), starts)  # runs are sorted: the last kept
        for run in np.flatnonzero(newest_kept >= 0).tolist():
            newest_ms[ids[run]] = max(newest_of(ids[run]), int(newest_kept[run]))
    return keep


def insert(
    db: sqlite_utils.Database,
    batches: list[SampleBatch],
    channels_of: ChannelsOf,
    newest_of: Callable[[int], int],
    newest_ms: dict[int, int],
    counter_channels: set[int],
    zone: ZoneInfo,
) -> int:
    """Insert the batches' new samples into ``samples`` and fold them into the rollups (in the caller's
    transaction); returns the samples inserted. See :func:`gather` and :func:`fresh` for what is left out."""
    channels, ts, values = gather(batches, channels_of)
    keep = fresh(db, channels, ts, newest_of, newest_ms)
    if not keep.all():
        channels, ts, values = channels[keep], ts[keep], values[keep]
    if not ts.size:
        return 0
    rows = zip(channels.tolist(), ts.tolist(), values.tolist())
    multirow.insert_rows(db.conn, "INSERT INTO samples (channel_id, ts_ms, value)", 3, rows)
    rollups.update(db, channels, np.isin(channels, list(counter_channels)), ts, values, zone)
    return int(ts.size)
