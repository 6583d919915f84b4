"""Raw samples on disk: recent rows in ``samples``, older days in compact blocks.

New live samples go into the narrow ``samples`` table (cheap to append one
poll at a time, and plain SQL for anyone who queries today). Once a UTC day of
a channel is complete (its newest sample is more than
:data:`COMPACT_GRACE_MS` past the day), :func:`compact` moves the day into
one row of ``sample_blocks``: the timestamps and values encoded by
energymon.store.codec, about 2-4 bytes per sample instead of ~22. Generated
history is written straight into blocks.

A sample exists at most once: writers drop samples whose (channel, ts_ms) is
already stored, in either table. Readers see the union of both tables
(:func:`read_raw`). All functions take an open sqlite_utils database and run
inside the caller's transaction, except :func:`compact`, which commits one
transaction per channel.

Readers given a :class:`~energymon.store.damage.DamageLog` read around damaged
data (a block that fails the codec's checks, a malformed page): they leave its
samples out and note the span; without a log they raise.
"""

from __future__ import annotations

import sqlite3
import time
from typing import overload

import numpy as np
import sqlite_utils

from energymon.site_time import DAY_MS
from energymon.store import minute_blocks
from energymon.store.codec import CodecError, decode_timestamps, decode_values, encode_timestamps, encode_values
from energymon.store.damage import MINUTES, RAW, Damaged, DamageLog, by_day, note
from energymon.store.minute_blocks import Minutes

BLOCK_MS = DAY_MS  # one block per channel and UTC day
COMPACT_GRACE_MS = 10 * 60_000  # late samples of a day still land in the narrow table for this long


@overload
def block_start(ts_ms: int) -> int: ...
@overload
def block_start(ts_ms: np.ndarray) -> np.ndarray: ...
def block_start(ts_ms: np.ndarray | int) -> np.ndarray | int:
    """Start of the UTC day that holds the instant (epoch ms)."""
    return ts_ms - ts_ms % BLOCK_MS


BLOCKS_SQL = (
    "SELECT block_ms, count, ts, value FROM sample_blocks WHERE channel_id = ? AND block_ms >= ? AND block_ms < ?"
    " ORDER BY block_ms"
)
RAW_ROWS_SQL = "SELECT ts_ms, value FROM samples WHERE channel_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms"
MINUTE_BLOCKS_SQL = (
    "SELECT block_ms, count, data FROM rollup_1min_blocks WHERE channel_id = ? AND block_ms >= ? AND block_ms < ?"
    " ORDER BY block_ms"
)
MINUTE_ROWS_SQL = (
    "SELECT bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last FROM rollup_1min"
    " WHERE channel_id = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms"
)


def _blocks(db: sqlite_utils.Database, channel_id: int, from_ms: int, to_ms: int) -> list[tuple]:
    """(block_ms, count, ts_blob, value_blob) of the blocks that may hold samples in [from_ms, to_ms)."""
    return db.conn.execute(BLOCKS_SQL, (channel_id, block_start(from_ms), to_ms)).fetchall()


def _rows(
    db: sqlite_utils.Database,
    sql: str,
    channel_id: int,
    from_ms: int,
    to_ms: int,
    what: str,
    damage: DamageLog | None,
    by_block: bool = False,
) -> list[tuple]:
    """The rows of ``sql`` (params: channel, lower bound, upper bound) for [from_ms, to_ms), read around damaged
    pages (energymon.store.damage.by_day); ``by_block``: the lower bound is the start of its day's block."""
    return by_day(
        lambda lo, hi: db.conn.execute(sql, (channel_id, block_start(lo) if by_block else lo, hi)).fetchall(),
        channel_id,
        from_ms,
        to_ms,
        what,
        damage,
    )


def _decode(block: tuple) -> tuple[np.ndarray, np.ndarray]:
    _, count, ts_blob, value_blob = block
    return decode_timestamps(ts_blob, count), decode_values(value_blob, count)


def _block_damage(channel_id: int, block_ms: int, what: str, exc: CodecError) -> Damaged:
    return Damaged(channel_id, block_ms, block_ms + BLOCK_MS, what, f"damaged block: {exc}")


def read_raw(
    db: sqlite_utils.Database, channel_id: int, from_ms: int, to_ms: int, damage: DamageLog | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Raw samples of a channel with ``from_ms <= ts_ms < to_ms``: (ts_ms int64, values float64), by time.

    Damaged data is left out and noted in ``damage`` (raises without one).
    """
    blocks = _rows(db, BLOCKS_SQL, channel_id, from_ms, to_ms, RAW, damage, by_block=True)
    total = sum(block[1] for block in blocks)
    ts = np.empty(total, dtype=np.int64)  # every block decoded into its place: no per-block arrays to join
    values = np.empty(total, dtype=np.float64)
    at = 0
    for block in blocks:
        count = block[1]
        try:
            decode_timestamps(block[2], count, ts[at : at + count])
            decode_values(block[3], count, values[at : at + count])
        except CodecError as exc:
            note(damage, _block_damage(channel_id, block[0], RAW, exc))
            continue
        at += count
    ts, values = ts[:at], values[:at]
    rows = _rows(db, RAW_ROWS_SQL, channel_id, from_ms, to_ms, RAW, damage)
    if rows:
        array = np.array(rows, dtype=np.float64)
        ts = np.concatenate((ts, array[:, 0].astype(np.int64)))
        values = np.concatenate((values, array[:, 1]))
    if not bool((ts[1:] > ts[:-1]).all()):  # blocks (UTC days, by day) alone are in order; the narrow rows join
        order = np.argsort(ts, kind="stable")
        ts, values = ts[order], values[order]
    if ts.size and (ts[0] < from_ms or ts[-1] >= to_ms):  # only the blocks at the ends reach beyond the range
        lo, hi = np.searchsorted(ts, (from_ms, to_ms))
        ts, values = ts[lo:hi], values[lo:hi]
    return ts, values


def existing_mask(db: sqlite_utils.Database, channel_id: int, ts_ms: np.ndarray) -> np.ndarray:
    """Which of the (sorted) instants already have a stored sample of the channel."""
    if ts_ms.size == 0:
        return np.zeros(0, dtype=bool)
    lo, hi = int(ts_ms[0]), int(ts_ms[-1]) + 1
    stored, _ = read_raw(db, channel_id, lo, hi)
    return np.isin(ts_ms, stored, assume_unique=False)


def day_slices(ts_ms: np.ndarray) -> list[slice]:
    """The runs of sorted instants (or bucket starts) that fall into one UTC day (one block) each."""
    days = block_start(np.asarray(ts_ms, dtype=np.int64))
    cuts = np.flatnonzero(days[1:] != days[:-1]) + 1
    edges = [0, *cuts.tolist(), int(days.size)]
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def encode_block(ts_ms: np.ndarray, values: np.ndarray) -> tuple[int, int, int, int, bytes, bytes]:
    """A ``sample_blocks`` row without its channel: (block_ms, first_ms, last_ms, count, ts, value).

    ``ts_ms`` sorted, unique and within one UTC day.
    """
    return (
        int(block_start(int(ts_ms[0]))),
        int(ts_ms[0]),
        int(ts_ms[-1]),
        int(ts_ms.size),
        encode_timestamps(ts_ms),
        encode_values(values),
    )


def encode_minute_block(minutes: Minutes) -> tuple[int, int, bytes]:
    """A ``rollup_1min_blocks`` row without its channel: (block_ms, count, data); buckets of one UTC day."""
    return int(block_start(int(minutes.bucket_ms[0]))), len(minutes), minute_blocks.encode(minutes)


INSERT_BLOCK_SQL = (
    "INSERT OR REPLACE INTO sample_blocks (channel_id, block_ms, first_ms, last_ms, count, ts, value)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_MINUTE_BLOCK_SQL = (
    "INSERT OR REPLACE INTO rollup_1min_blocks (channel_id, block_ms, count, data) VALUES (?, ?, ?, ?)"
)


def write_blocks(db: sqlite_utils.Database, channel_id: int, ts_ms: np.ndarray, values: np.ndarray) -> None:
    """Merge samples (sorted, unique, none stored yet) into the channel's daily blocks."""
    if ts_ms.size == 0:
        return
    existing = {b[0]: b for b in _blocks(db, channel_id, int(ts_ms[0]), int(ts_ms[-1]) + 1)}
    rows = []
    for day in day_slices(ts_ms):
        ts, v = ts_ms[day], values[day]
        old = existing.get(int(block_start(int(ts[0]))))
        if old is not None:
            old_ts, old_v = _decode(old)
            ts = np.concatenate((old_ts, ts))
            v = np.concatenate((old_v, v))
            order = np.argsort(ts, kind="stable")
            ts, v = ts[order], v[order]
        rows.append((channel_id, *encode_block(ts, v)))
    db.conn.executemany(INSERT_BLOCK_SQL, rows)


def read_minutes(
    db: sqlite_utils.Database, channel_id: int, from_ms: int, to_ms: int, damage: DamageLog | None = None
) -> Minutes:
    """One-minute aggregates of a channel with ``from_ms <= bucket_ms < to_ms``: blocks and recent rows merged.

    Damaged data is left out and noted in ``damage`` (raises without one).
    """
    parts = []
    blocks = _rows(db, MINUTE_BLOCKS_SQL, channel_id, from_ms, to_ms, MINUTES, damage, by_block=True)
    for block_ms, count, data in blocks:
        try:
            minutes = minute_blocks.decode(data, count)
        except CodecError as exc:
            note(damage, _block_damage(channel_id, block_ms, MINUTES, exc))
            continue
        parts.append(minutes.select((minutes.bucket_ms >= from_ms) & (minutes.bucket_ms < to_ms)))
    parts.append(minute_blocks.from_rows(_rows(db, MINUTE_ROWS_SQL, channel_id, from_ms, to_ms, MINUTES, damage)))
    return minute_blocks.merge(*parts)


def write_minute_blocks(db: sqlite_utils.Database, channel_id: int, minutes: Minutes) -> None:
    """Merge one-minute aggregates (by bucket time) into the channel's day blocks."""
    if not len(minutes):
        return
    rows = []
    for day in day_slices(minutes.bucket_ms):
        part = minutes.select(day)
        old = db.conn.execute(
            "SELECT count, data FROM rollup_1min_blocks WHERE channel_id = ? AND block_ms = ?",
            (channel_id, int(block_start(int(part.bucket_ms[0])))),
        ).fetchone()
        if old is not None:
            part = minute_blocks.merge(minute_blocks.decode(old[1], old[0]), part)
        rows.append((channel_id, *encode_minute_block(part)))
    db.conn.executemany(INSERT_MINUTE_BLOCK_SQL, rows)


def compact(
    db: sqlite_utils.Database, grace_ms: int = COMPACT_GRACE_MS, budget_s: float | None = None
) -> tuple[int, bool]:
    """Move complete days from ``samples`` into ``sample_blocks`` (and their ``rollup_1min`` rows into
    ``rollup_1min_blocks``); returns (samples moved, whether all due work is done).

    A day of a channel is complete when the channel's newest sample is at
    least ``grace_ms`` past the end of the day (driven by the data's own
    time stamps, not the wall clock). One transaction per channel-day batch.
    With ``budget_s`` it stops after that much time (at a channel boundary),
    so a caller that also serves live writes can interleave them.
    """
    started = time.monotonic()
    moved, worked = 0, False
    for (channel_id,) in db.conn.execute("SELECT id FROM channels ORDER BY id").fetchall():
        oldest_ms = db.conn.execute("SELECT min(ts_ms) FROM samples WHERE channel_id = ?", (channel_id,)).fetchone()[0]
        if oldest_ms is None:
            continue
        newest_ms = db.conn.execute("SELECT max(ts_ms) FROM samples WHERE channel_id = ?", (channel_id,)).fetchone()[0]
        cutoff = int(block_start(newest_ms - grace_ms))
        if oldest_ms >= cutoff:
            continue
        if budget_s is not None and worked and time.monotonic() - started > budget_s:
            return moved, False  # at least one channel per call, so it always progresses
        worked = True
        with db.atomic():
            rows = db.conn.execute(
                "SELECT ts_ms, value FROM samples WHERE channel_id = ? AND ts_ms < ? ORDER BY ts_ms",
                (channel_id, cutoff),
            ).fetchall()
            array = np.array(rows, dtype=np.float64)
            write_blocks(db, channel_id, array[:, 0].astype(np.int64), array[:, 1])
            db.conn.execute("DELETE FROM samples WHERE channel_id = ? AND ts_ms < ?", (channel_id, cutoff))
            minutes = minute_blocks.from_rows(
                db.conn.execute(
                    "SELECT bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last FROM rollup_1min"
                    " WHERE channel_id = ? AND bucket_ms < ? ORDER BY bucket_ms",
                    (channel_id, cutoff),
                ).fetchall()
            )
            write_minute_blocks(db, channel_id, minutes)
            db.conn.execute("DELETE FROM rollup_1min WHERE channel_id = ? AND bucket_ms < ?", (channel_id, cutoff))
        moved += len(rows)
    return moved, True


def apply_retention(db: sqlite_utils.Database, retention_days: int) -> int:
    """Drop raw blocks that end more than ``retention_days`` before the newest stored block; returns blocks dropped.

    Rollups are kept for the life of the database. The reference is the
    newest data, not the wall clock, so a database copied or restored from
    long ago keeps its raw history until new data arrives.
    """
    newest = db.conn.execute("SELECT max(last_ms) FROM sample_blocks").fetchone()[0]
    if newest is None:
        return 0
    horizon = newest - retention_days * DAY_MS
    with db.atomic():
        cursor = db.conn.execute("DELETE FROM sample_blocks WHERE block_ms <= ?", (horizon - BLOCK_MS,))
    return cursor.rowcount


def raw_sample_count(db: sqlite_utils.Database, channel_ids: list[int] | None = None) -> int:
    """Number of raw samples stored (both tables), optionally of some channels only."""
    where = ""
    params: tuple[int, ...] = ()
    if channel_ids is not None:
        where = f" WHERE channel_id IN ({','.join('?' * len(channel_ids))})"
        params = tuple(channel_ids)
    try:
        blocks = db.conn.execute(f"SELECT coalesce(sum(count), 0) FROM sample_blocks{where}", params).fetchone()[0]
    except sqlite3.OperationalError:  # a database from before blocks existed, opened read-only
        blocks = 0
    rows = db.conn.execute(f"SELECT count(*) FROM samples{where}", params).fetchone()[0]
    return blocks + rows


def stored_span(db: sqlite_utils.Database, from_ms: int, to_ms: int) -> tuple[int, int] | None:
    """First and last stored sample time (UTC epoch ms, any channel) within ``[from_ms, to_ms)``, or None."""
    first, last = db.conn.execute(
        "SELECT min(a), max(b) FROM ("
        " SELECT min(ts_ms) AS a, max(ts_ms) AS b FROM samples WHERE ts_ms >= ?1 AND ts_ms < ?2"
        " UNION ALL SELECT max(min(first_ms), ?1), min(max(last_ms), ?2 - 1) FROM sample_blocks"
        "  WHERE last_ms >= ?1 AND first_ms < ?2)",
        (from_ms, to_ms),
    ).fetchone()
    return None if first is None else (first, last)
