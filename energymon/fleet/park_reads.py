"""What the publisher reads of the park's SQLite besides StoreReader's queries: where a channel's next sample
is, per UTC day how many samples a channel holds, events by id, and the site description.

Read only, on the StoreReader's own read-only connection (one short read each). A UTC day's count is exact
and cheap: the raw block of the day (``sample_blocks.count``, one block per channel and UTC day) plus the
day's rows in the narrow ``samples`` table; no sample is in both (energymon.store.samples).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from energymon.events import Event, params_from_json
from energymon.site_time import DAY_MS
from energymon.store.reader import StoreReader
from energymon.store.schema import has_column

SITE_KEYS = ("name", "latitude", "longitude", "emission_factor_kg_per_kwh", "emission_factor_source")
DEVICE_KEYS = ("name", "dc_peak_power_kwp")  # besides id, role and rated_power_kw; None values are left out


def next_sample_at_or_after(reader: StoreReader, channel_id: int, from_ms: int) -> int | None:
    """A lower bound [UTC epoch ms] of the channel's first sample at or after ``from_ms``: the exact instant
    from the narrow table, the start of the day from a block (None: no such sample)."""
    db = reader.db.conn
    block = db.execute(
        "SELECT MIN(block_ms) FROM sample_blocks WHERE channel_id = ? AND last_ms >= ?", (channel_id, from_ms)
    ).fetchone()[0]
    row = db.execute("SELECT MIN(ts_ms) FROM samples WHERE channel_id = ? AND ts_ms >= ?", (channel_id, from_ms))
    narrow = row.fetchone()[0]
    found = [int(v) for v in (block, narrow) if v is not None]
    return max(min(found), from_ms) if found else None


def day_counts(reader: StoreReader, channel_id: int, from_ms: int, to_ms: int) -> dict[int, int]:
    """UTC day start [ms] -> the channel's raw samples that day, for days starting in [from_ms, to_ms)."""
    db = reader.db.conn
    counts: dict[int, int] = {}
    blocks = db.execute(
        "SELECT block_ms, count FROM sample_blocks WHERE channel_id = ? AND block_ms >= ? AND block_ms < ?",
        (channel_id, from_ms, to_ms),
    )
    for day_ms, n in blocks.fetchall():
        counts[int(day_ms)] = counts.get(int(day_ms), 0) + int(n)
    narrow = db.execute(
        "SELECT ts_ms - ts_ms % ? AS day, COUNT(*) FROM samples WHERE channel_id = ? AND ts_ms >= ? AND ts_ms < ?"
        " GROUP BY day",
        (DAY_MS, channel_id, from_ms, to_ms),
    )
    for day_ms, n in narrow.fetchall():
        counts[int(day_ms)] = counts.get(int(day_ms), 0) + int(n)
    return counts


def events_after(reader: StoreReader, after_id: int, limit: int) -> list[tuple[int, Event]]:
    """The events with id > ``after_id``, by id, at most ``limit``: (id, event)."""
    params = "params" if has_column(reader.db, "events", "params") else "NULL"
    rows = reader.db.conn.execute(
        f"SELECT id, ts_ms, device_id, kind, severity, detail, {params} FROM events WHERE id > ? ORDER BY id LIMIT ?",
        (after_id, limit),
    ).fetchall()
    return [(int(r[0]), Event(int(r[1]), r[2], r[3], r[4], r[5] or "", params_from_json(r[6]))) for r in rows]


def site_description(reader: StoreReader) -> dict[str, Any]:
    """The site description the park's database records (energymon.store.site_record), for a ``site`` message:
    the time zone, the site's plain facts (never the config text, which may hold the broker's password) and
    its devices."""
    facts = reader.site()
    description: dict[str, Any] = {"timezone": facts.get("timezone") or "UTC"}
    description.update({k: facts[k] for k in SITE_KEYS if facts.get(k) is not None})
    devices = []
    for row in sorted(reader.devices(), key=lambda d: str(d["id"])):
        device = {"id": row["id"], "role": row["role"], "rated_power_kw": float(row["rated_power_kw"] or 0.0)}
        device.update({k: row[k] for k in DEVICE_KEYS if row.get(k) is not None})
        devices.append(device)
    description["devices"] = devices
    return description


def description_hash(description: dict[str, Any]) -> str:
    """A stable hash (SHA-256 hex) of a site description: a changed description is published again."""
    text = json.dumps(description, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
