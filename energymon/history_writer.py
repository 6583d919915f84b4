"""Bulk writing of generated history (``simulate --backfill-days``) into the store.

History goes straight into compact daily blocks (energymon.raw_store), the
one-minute rollups into their day blocks and the other rollups into their rows, one device at a time, each device in one transaction. Samples whose
(channel, time) is already stored are dropped, so history never duplicates or
overwrites what was read live. It must not run while another process writes
the same database: the caller holds the writer role (see energymon.store).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import sqlite_utils

from drivers.quantities import QUANTITIES, Kind
from energymon import minute_blocks, raw_store, rollups


@dataclass(frozen=True)
class DeviceHistory:
    """Samples of one device: ``ts_ms`` (UTC epoch ms, int64) and one float array per quantity.

    NaN in a value array means "not read" and is not stored.
    """

    device_id: str
    ts_ms: np.ndarray
    values: Mapping[str, np.ndarray]


def channel_ids(db: sqlite_utils.Database, device_id: str, quantities: Iterable[str]) -> dict[str, int]:
    """The channel id of each (device, quantity), creating missing channels."""
    ids = {}
    for quantity in quantities:
        q = QUANTITIES[quantity]
        db.conn.execute(
            "INSERT OR IGNORE INTO channels (device_id, quantity, unit, kind) VALUES (?, ?, ?, ?)",
            (device_id, quantity, q.unit, q.kind.value),
        )
        ids[quantity] = db.conn.execute(
            "SELECT id FROM channels WHERE device_id = ? AND quantity = ?", (device_id, quantity)
        ).fetchone()[0]
    return ids


def write_history(db: sqlite_utils.Database, histories: Iterable[DeviceHistory],
                  zone: ZoneInfo) -> tuple[int, set[int]]:
    """Store the histories; returns the samples written and the channels touched.

    ``zone`` is the site's time zone (for the hourly and daily rollups).
    """
    written = 0
    touched: set[int] = set()
    for history in histories:
        order = np.argsort(history.ts_ms, kind="stable")
        ts_all = np.asarray(history.ts_ms, dtype=np.int64)[order]
        unique = np.ones(ts_all.size, dtype=bool)
        unique[1:] = ts_all[1:] != ts_all[:-1]
        with db.atomic():
            ids = channel_ids(db, history.device_id, history.values)
            channel_parts, counter_parts, ts_parts, value_parts = [], [], [], []
            for quantity, values in history.values.items():
                values = np.asarray(values, dtype=np.float64)[order]
                keep = unique & ~np.isnan(values)
                ts, v = ts_all[keep], values[keep]
                channel = ids[quantity]
                fresh = ~raw_store.existing_mask(db, channel, ts)
                ts, v = ts[fresh], v[fresh]
                if not ts.size:
                    continue
                raw_store.write_blocks(db, channel, ts, v)
                counter = QUANTITIES[quantity].kind is Kind.COUNTER
                minutes = rollups.aggregate(np.zeros(ts.size), ts, v, rollups.bucket_starts(ts, "1min", zone))
                raw_store.write_minute_blocks(db, channel, minute_blocks.from_aggregates(minutes, counter))
                touched.add(channel)
                channel_parts.append(np.full(ts.size, channel, dtype=np.int64))
                counter_parts.append(np.full(ts.size, counter))
                ts_parts.append(ts)
                value_parts.append(v)
                written += int(ts.size)
            if ts_parts:
                rollups.update(db, np.concatenate(channel_parts), np.concatenate(counter_parts),
                               np.concatenate(ts_parts), np.concatenate(value_parts), zone,
                               intervals=("15min", "1h", "1d"))  # one-minute aggregates went into blocks above
    return written, touched
