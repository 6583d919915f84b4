"""Bulk writing of generated history (``simulate --backfill-days``, the demo's first start) into the store.

History goes straight into compact daily blocks (energymon.store.samples), the
one-minute rollups into their day blocks and the other rollups into their
rows, one device at a time, each device in one transaction: either as samples
(:func:`write_history`) or encoded beforehand away from the writer
(:func:`prepare`, then :func:`write_prepared`). Samples whose
(channel, time) is already stored are dropped, so history never duplicates or
overwrites what was read live. It must not run while another process writes
the same database: the caller holds the writer role (see energymon.store.writer).

Encoding a device-day of history (raw blocks, one-minute blocks, the 15-minute,
hourly and daily aggregates) is almost all of the cost of writing it; the SQL
inserts are a small rest. :func:`prepare` does the encoding anywhere, without
the database (the history process, energymon.backfill.process, so the process
that collects and shows live data stays responsive); the store's writer then
only inserts (:func:`write_prepared`). A prepared channel holds exactly what
:func:`write_history` would store for the same samples when nothing of them is
stored yet; when some are (a rare overlap with live data), the writer decodes
the channel again (:func:`decoded`) and merges it the ordinary way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import sqlite_utils

from drivers.quantities import QUANTITIES, Kind
from energymon.store import minute_blocks, rollups
from energymon.store import samples as raw_store
from energymon.store.channels import channel_ids
from energymon.store.codec import decode_timestamps, decode_values

ROW_INTERVALS = ("15min", "1h", "1d")  # kept as rows; one-minute aggregates go into day blocks


@dataclass(frozen=True)
class DeviceHistory:
    """Samples of one device: ``ts_ms`` (UTC epoch ms, int64) and one float array per quantity.

    NaN in a value array means "not read" and is not stored.
    """

    device_id: str
    ts_ms: np.ndarray
    values: Mapping[str, np.ndarray]

    def columns(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(quantity, ts_ms, values) per quantity: by time, without NaNs; the first of equal instants stands."""
        order = np.argsort(self.ts_ms, kind="stable")
        ts_all = np.asarray(self.ts_ms, dtype=np.int64)[order]
        unique = np.ones(ts_all.size, dtype=bool)
        unique[1:] = ts_all[1:] != ts_all[:-1]
        for quantity, values in self.values.items():
            values = np.asarray(values, dtype=np.float64)[order]
            keep = unique & ~np.isnan(values)
            yield quantity, ts_all[keep], values[keep]


# -- prepared history: encoded without the database ------------------------------------------------------------


@dataclass(frozen=True)
class PreparedChannel:
    """One quantity of one device, ready to insert (rows in the column order of their tables, minus channel_id)."""

    quantity: str
    first_ms: int  # first and last sample, UTC epoch ms
    last_ms: int
    count: int  # samples
    blocks: list[
        tuple[int, int, int, int, bytes, bytes]
    ]  # sample_blocks: block_ms, first_ms, last_ms, count, ts, value
    minute_blocks: list[tuple[int, int, bytes]]  # rollup_1min_blocks: block_ms, count, data
    rollup_rows: dict[
        str, list[tuple]
    ]  # interval -> (bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last)


@dataclass(frozen=True)
class PreparedHistory:
    """One device's history, encoded for the site time zone ``zone`` (IANA name; hourly and daily buckets)."""

    device_id: str
    zone: str
    channels: tuple[PreparedChannel, ...]

    @property
    def samples(self) -> int:
        return sum(c.count for c in self.channels)


def prepare(history: DeviceHistory, zone: ZoneInfo) -> PreparedHistory:
    """Encode a device's history (as :meth:`DeviceHistory.columns`: NaNs dropped, the first of equal instants
    stands). Pure: no database."""
    channels = tuple(_prepared_channel(quantity, ts, v, zone) for quantity, ts, v in history.columns() if ts.size)
    return PreparedHistory(history.device_id, zone.key, channels)


def _prepared_channel(quantity: str, ts: np.ndarray, v: np.ndarray, zone: ZoneInfo) -> PreparedChannel:
    counter = QUANTITIES[quantity].kind is Kind.COUNTER
    blocks = [raw_store.encode_block(ts[day], v[day]) for day in raw_store.day_slices(ts)]
    minutes = minute_blocks.from_samples(ts, v, counter)
    day_blocks = [raw_store.encode_minute_block(minutes.select(day)) for day in raw_store.day_slices(minutes.bucket_ms)]
    one_channel = np.zeros(ts.size, dtype=np.int64)
    is_counter = np.full(ts.size, counter)
    rows = {
        interval: [row[1:] for row in rollups.bucket_rows(one_channel, is_counter, ts, v, interval, zone)]
        for interval in ROW_INTERVALS
    }  # [1:]: without the placeholder channel id
    return PreparedChannel(quantity, int(ts[0]), int(ts[-1]), int(ts.size), blocks, day_blocks, rows)


def decoded(channel: PreparedChannel) -> tuple[np.ndarray, np.ndarray]:
    """The channel's samples again: (ts_ms int64, values float64), by time."""
    parts = [
        (decode_timestamps(ts_blob, count), decode_values(value_blob, count))
        for _, _, _, count, ts_blob, value_blob in channel.blocks
    ]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


# -- writing ---------------------------------------------------------------------------------------------------


def write_history(
    db: sqlite_utils.Database, histories: Iterable[DeviceHistory], zone: ZoneInfo
) -> tuple[int, set[int]]:
    """Store the histories; returns the samples written and the channels touched.

    ``zone`` is the site's time zone (for the hourly and daily rollups).
    """
    written = 0
    touched: set[int] = set()
    for history in histories:
        with db.atomic():
            ids = channel_ids(db, history.device_id, history.values)
            columns = [(quantity, ids[quantity], ts, v) for quantity, ts, v in history.columns()]
            written += _merge_columns(db, columns, zone, touched)
    return written, touched


def write_prepared(db: sqlite_utils.Database, history: PreparedHistory, zone: ZoneInfo) -> tuple[int, set[int]]:
    """Store a device's history encoded beforehand (:func:`prepare`) in one transaction.

    Returns the samples written and the channels touched. A channel of which
    nothing is stored yet in the history's days is inserted as prepared; one
    that overlaps stored samples or blocks (or was prepared for another time
    zone) is decoded and merged like :func:`write_history` does, so the result
    is the same either way.
    """
    written = 0
    touched: set[int] = set()
    with db.atomic():
        ids = channel_ids(db, history.device_id, [c.quantity for c in history.channels])
        to_merge = []
        for channel in history.channels:
            channel_id = ids[channel.quantity]
            if history.zone != zone.key or _overlaps_stored(db, channel_id, channel):
                to_merge.append((channel.quantity, channel_id, *decoded(channel)))
                continue
            db.conn.executemany(raw_store.INSERT_BLOCK_SQL, [(channel_id, *row) for row in channel.blocks])
            db.conn.executemany(
                raw_store.INSERT_MINUTE_BLOCK_SQL, [(channel_id, *row) for row in channel.minute_blocks]
            )
            for interval, rows in channel.rollup_rows.items():
                db.conn.executemany(
                    rollups.UPSERT_SQL.format(table=rollups.TABLES[interval]), [(channel_id, *row) for row in rows]
                )
            touched.add(channel_id)
            written += channel.count
        written += _merge_columns(db, to_merge, zone, touched)
    return written, touched


def _overlaps_stored(db: sqlite_utils.Database, channel_id: int, channel: PreparedChannel) -> bool:
    """Whether raw samples in the channel's span, or raw or one-minute blocks of its days, are stored already."""
    first_day, last_day = raw_store.block_start(channel.first_ms), raw_store.block_start(channel.last_ms)
    return (
        db.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM samples WHERE channel_id = ?1 AND ts_ms BETWEEN ?2 AND ?3)"
            " OR EXISTS (SELECT 1 FROM sample_blocks WHERE channel_id = ?1 AND block_ms BETWEEN ?4 AND ?5)"
            " OR EXISTS (SELECT 1 FROM rollup_1min_blocks WHERE channel_id = ?1 AND block_ms BETWEEN ?4 AND ?5)",
            (channel_id, channel.first_ms, channel.last_ms, first_day, last_day),
        ).fetchone()[0]
        == 1
    )


def _merge_columns(
    db: sqlite_utils.Database, columns: list[tuple[str, int, np.ndarray, np.ndarray]], zone: ZoneInfo, touched: set[int]
) -> int:
    """Store (quantity, channel id, ts_ms, values) columns, sorted and unique, dropping samples already stored.

    Runs in the caller's transaction; returns the samples written and adds the channels to ``touched``.
    """
    written = 0
    channel_parts, counter_parts, ts_parts, value_parts = [], [], [], []
    for quantity, channel, ts, v in columns:
        fresh = ~raw_store.existing_mask(db, channel, ts)
        ts, v = ts[fresh], v[fresh]
        if not ts.size:
            continue
        raw_store.write_blocks(db, channel, ts, v)
        counter = QUANTITIES[quantity].kind is Kind.COUNTER
        raw_store.write_minute_blocks(db, channel, minute_blocks.from_samples(ts, v, counter))
        touched.add(channel)
        channel_parts.append(np.full(ts.size, channel, dtype=np.int64))
        counter_parts.append(np.full(ts.size, counter))
        ts_parts.append(ts)
        value_parts.append(v)
        written += int(ts.size)
    if ts_parts:
        rollups.update(
            db,
            np.concatenate(channel_parts),
            np.concatenate(counter_parts),
            np.concatenate(ts_parts),
            np.concatenate(value_parts),
            zone,
            intervals=ROW_INTERVALS,
        )  # one-minute aggregates went into blocks above
    return written
