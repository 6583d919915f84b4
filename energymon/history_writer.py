"""Bulk writing of generated history (``simulate --backfill-days``) into the store.

History goes straight into the ``samples`` table in large transactions, one
channel at a time in time order (the table's key order), which is the fast path
for SQLite's B-tree. It must not run while a collector writes the same
database: the caller holds the writer role (see energymon.store).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import sqlite_utils

from drivers.quantities import QUANTITIES

ROWS_PER_TRANSACTION = 200_000


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


def write_history(db: sqlite_utils.Database, histories: Iterable[DeviceHistory]) -> int:
    """Insert the histories; samples already present (same channel and time) are kept. Returns rows written."""
    written = 0
    pending: list[tuple[int, int, float]] = []

    def flush() -> None:
        nonlocal written, pending
        if pending:
            with db.atomic():
                cursor = db.conn.executemany(
                    "INSERT OR IGNORE INTO samples (channel_id, ts_ms, value) VALUES (?, ?, ?)", pending
                )
                written += cursor.rowcount
            pending = []

    for history in histories:
        with db.atomic():
            ids = channel_ids(db, history.device_id, history.values)
        ts = history.ts_ms.astype(np.int64)
        for quantity, values in history.values.items():
            keep = ~np.isnan(values)
            channel = ids[quantity]
            pending.extend(zip([channel] * int(keep.sum()), ts[keep].tolist(), values[keep].tolist()))
            if len(pending) >= ROWS_PER_TRANSACTION:
                flush()
    flush()
    return written
