"""Channel rows: one per (device, quantity), with the quantity's unit and kind.

Both writers use it: the live writer (energymon.store.writer) for a quantity it
meets for the first time, the history writer (energymon.store.history) for the
quantities of a device's history.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from drivers.quantities import QUANTITIES


def channel_ids(db: sqlite_utils.Database, device_id: str, quantities: Iterable[str]) -> dict[str, int]:
    """The channel id of each (device, quantity), creating missing channels (in the caller's transaction)."""
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
