"""The newest value of each counter channel, wherever it is stored: what a simulator serving on continues from.

Recent samples sit in ``samples``, older ones in compacted blocks; the newest
15-minute rollup of a channel holds its last value and time either way (every
write updates it; rollups keep first/last of counters only).
"""

from __future__ import annotations

from energymon.store.reader import StoreReader


def last_counter_values(reader: StoreReader) -> list[tuple[str, str, int, float]]:
    """(device_id, quantity, ts_ms, value) of each counter channel's newest sample."""
    return reader.db.execute(
        """SELECT c.device_id, c.quantity, r.bucket_ms + r.last_dt_ms, r.last
           FROM channels c JOIN rollup_15min r ON r.channel_id = c.id
           WHERE r.bucket_ms = (SELECT max(bucket_ms) FROM rollup_15min WHERE channel_id = c.id)
             AND r.last IS NOT NULL"""
    ).fetchall()
