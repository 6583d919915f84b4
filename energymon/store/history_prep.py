"""Generated history made ready for the store without the database: encoded blocks and rollup rows.

Encoding a device-day of history (raw blocks, one-minute blocks, the 15-minute,
hourly and daily aggregates) is almost all of the cost of writing it; the SQL
inserts are a small rest. :func:`prepare` does the encoding anywhere (the
history process, energymon.backfill.process, so the process that collects and
shows live data stays responsive); the store's writer then only inserts
(energymon.store.history.write_prepared). Pure functions, no database.

A prepared channel holds exactly what energymon.store.history.write_history
would store for the same samples when nothing of them is stored yet; when some
are (a rare overlap with live data), the writer decodes the channel again
(:func:`decoded`) and merges it the ordinary way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import QUANTITIES, Kind
from energymon.store import minute_blocks, rollups
from energymon.store import samples as raw_store
from energymon.store.codec import decode_timestamps, decode_values

if TYPE_CHECKING:
    from energymon.store.history import DeviceHistory

ROW_INTERVALS = ("15min", "1h", "1d")  # kept as rows; one-minute aggregates go into day blocks


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
    stands)."""
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
