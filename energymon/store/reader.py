"""Read-side queries for the read models (energymon.views), the monthly report, the headless summary and export.

The read side's SQL lives here: callers get plain rows, arrays or
:class:`~energymon.events.Event` records and build their own objects from them.

Each call is one short read transaction on the reader's own connection, so
WAL checkpoints of the writer are never starved.

Samples and rollups are read around damaged data (energymon.store.damage):
what cannot be read is left out and noted in :attr:`StoreReader.damage`, and
:meth:`StoreReader.damaged_spans` names it by device and quantity.

Over 400 lines on purpose: every read-side query is here, in one class, so
each one's transaction, index use and damage handling is reviewed in one place.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import Role
from energymon.events import Event, params_from_json
from energymon.site_time import MINUTE_MS, QUARTER_MS
from energymon.store import samples as raw_store
from energymon.store.damage import ROLLUPS, DamagedSpan, DamageLog, by_day
from energymon.store.damage import spans as damaged_spans
from energymon.store.minute_blocks import Minutes
from energymon.store.rollups import TABLES
from energymon.store.schema import has_column, open_db

ALL_TIME = (-(2**62), 2**62)  # UTC epoch ms bounds that hold every sample
ROLLUP_COLUMNS = {  # name -> SQL expression over a rollup table (energymon.store.rollups)
    "bucket_ms": "bucket_ms",
    "n": "n",
    "sum": "sum",
    "min": "min",
    "max": "max",
    "first": "first",
    "last": "last",
    "first_ts_ms": "bucket_ms + first_dt_ms",
    "last_ts_ms": "bucket_ms + last_dt_ms",
}


def _select(columns: Sequence[str]) -> str:
    return ", ".join(ROLLUP_COLUMNS[c] for c in columns)


@dataclass(frozen=True)
class CounterEnergy:
    """Energy [Wh] from counter deltas since a time, and the earliest sample it starts from."""

    energy_wh: float
    first_ts_ms: int | None
    devices_counted: int


@dataclass(frozen=True)
class PowerSeries:
    """Bucketed site power [W] per flow; ``None`` where a bucket lacks a device's data."""

    ts_ms: list[int]  # bucket start, UTC epoch ms
    pv_w: list[float | None]
    consumption_w: list[float | None]
    storage_w: list[float | None]
    grid_w: list[float | None]


class StoreReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = open_db(path, readonly=True)
        self.damage = DamageLog()  # what the reads so far had to leave out

    def damaged_spans(self, from_ms: int = ALL_TIME[0], to_ms: int = ALL_TIME[1]) -> list[DamagedSpan]:
        """The damaged data met by this reader's reads within [from_ms, to_ms) (energymon.store.damage.spans)."""
        names = {c: (d, q) for c, d, q in self.db.execute("SELECT id, device_id, quantity FROM channels").fetchall()}
        return damaged_spans(self.damage.items(), names, from_ms, to_ms)

    def close(self) -> None:
        self.db.close()

    def site(self) -> dict:
        return {row["key"]: json.loads(row["value"]) for row in self.db["site"].rows}

    def zone(self) -> ZoneInfo:
        """The site's time zone as recorded in the database; UTC if none is recorded yet."""
        return ZoneInfo(self.site().get("timezone") or "UTC")

    def devices(self) -> list[dict]:
        return list(self.db["devices"].rows)

    def channel_id(self, device_id: str, quantity: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM channels WHERE device_id = ? AND quantity = ?", (device_id, quantity)
        ).fetchone()
        return None if row is None else row[0]

    def raw(self, device_id: str, quantity: str, from_ms: int, to_ms: int) -> tuple[np.ndarray, np.ndarray]:
        """Raw samples ``from_ms <= ts_ms < to_ms`` of one quantity of a device: (ts_ms, values), by time."""
        channel = self.channel_id(device_id, quantity)
        if channel is None:
            return np.array([], dtype=np.int64), np.array([], dtype=np.float64)
        return raw_store.read_raw(self.db, channel, from_ms, to_ms, self.damage)

    def sample_count(self, device_id: str | None = None) -> int:
        """Raw samples stored (recent rows and compacted blocks)."""
        channels = None
        if device_id is not None:
            channels = [r[0] for r in self.db.execute("SELECT id FROM channels WHERE device_id = ?", (device_id,))]
        return raw_store.raw_sample_count(self.db, channels)

    def sample_keys(self) -> set[tuple[str, str, int]]:
        """Every stored raw sample as (device_id, quantity, ts_ms): for checks that nothing committed was lost."""
        keys: set[tuple[str, str, int]] = set()
        for channel, device_id, quantity in self.db.execute("SELECT id, device_id, quantity FROM channels").fetchall():
            ts, _ = raw_store.read_raw(self.db, channel, ALL_TIME[0], ALL_TIME[1])  # damage raises here
            keys.update((device_id, quantity, t) for t in ts.tolist())
        return keys

    def channels(self) -> list[tuple[str, str, str | None, str | None]]:
        """Every stored channel as (device_id, quantity, unit, kind), by device and quantity."""
        return self.db.execute(
            "SELECT device_id, quantity, unit, kind FROM channels ORDER BY device_id, quantity"
        ).fetchall()

    def channel_info(self, device_id: str, quantity: str) -> tuple[int, str | None, str] | None:
        """(channel id, unit, kind) of a stored (device, quantity), or None; the store always writes the kind
        (``measurement`` or ``counter``, energymon.store.channels)."""
        return self.db.execute(
            "SELECT id, unit, kind FROM channels WHERE device_id = ? AND quantity = ?", (device_id, quantity)
        ).fetchone()

    def wrap_at(self, channel_id: int) -> float | None:
        """Where the counter channel's register wraps to 0 [base unit], or None if unknown (or an older file)."""
        try:
            row = self.db.execute("SELECT wrap_at FROM channels WHERE id = ?", (channel_id,)).fetchone()
        except sqlite3.OperationalError:  # a file from before migration 4, opened read-only
            return None
        return None if row is None or row[0] is None else float(row[0])

    def read_raw(self, channel_id: int, from_ms: int, to_ms: int) -> tuple[np.ndarray, np.ndarray]:
        """Raw samples ``from_ms <= ts_ms < to_ms`` of a channel: (ts_ms, values), by time."""
        return raw_store.read_raw(self.db, channel_id, from_ms, to_ms, self.damage)

    def read_minutes(self, channel_id: int, from_ms: int, to_ms: int) -> Minutes:
        """One-minute aggregates of a channel with ``from_ms <= bucket_ms < to_ms``, by time."""
        return raw_store.read_minutes(self.db, channel_id, from_ms, to_ms, self.damage)

    def rollup_rows(
        self,
        channel_id: int,
        interval: str,
        columns: Sequence[str],
        from_ms: int,
        to_ms: int | None = None,
        *,
        to_included: bool = False,
        last_before_ms: int | None = None,
    ) -> list[tuple]:
        """Rows of the ``interval`` rollup (``15min``, ``1h``, ``1d``) of a channel, by bucket.

        ``columns``: names from :data:`ROLLUP_COLUMNS` (``first_ts_ms``/``last_ts_ms``: the time of the bucket's
        first/last reading, UTC epoch ms). Buckets with ``from_ms <= bucket_ms < to_ms`` (``<= to_ms`` with
        ``to_included``; no upper bound when ``to_ms`` is None) and, with ``last_before_ms``, whose last reading
        is before it. NULL stays None.
        """
        upper = ALL_TIME[1] if to_ms is None else to_ms + (1 if to_included else 0)

        def query(lo: int, hi: int) -> list[tuple]:
            where, params = ["channel_id = ?", "bucket_ms >= ?", "bucket_ms < ?"], [channel_id, lo, hi]
            if last_before_ms is not None:
                where.append("bucket_ms + last_dt_ms < ?")
                params.append(last_before_ms)
            return self.db.execute(
                f"SELECT {_select(columns)} FROM {TABLES[interval]} WHERE {' AND '.join(where)} ORDER BY bucket_ms",
                params,
            ).fetchall()

        return by_day(query, channel_id, from_ms, upper, f"{ROLLUPS} {interval}", self.damage)

    def last_rollup_row(
        self, channel_id: int, interval: str, columns: Sequence[str], before_ms: int | None = None
    ) -> tuple | None:
        """The ``columns`` of the channel's newest ``interval`` bucket (starting before ``before_ms``), or None."""
        where, params = "channel_id = ?", [channel_id]
        if before_ms is not None:
            where, params = "channel_id = ? AND bucket_ms < ?", [channel_id, before_ms]
        return self.db.execute(
            f"SELECT {_select(columns)} FROM {TABLES[interval]} WHERE {where} ORDER BY bucket_ms DESC LIMIT 1",
            params,
        ).fetchone()

    def day_buckets_ms(self) -> list[int]:
        """Start (UTC epoch ms, a local midnight) of every day that has a daily rollup of any channel."""
        return [ms for (ms,) in self.db.execute("SELECT DISTINCT bucket_ms FROM rollup_1d").fetchall()]

    def latest_values(self, since_ms: int) -> list[tuple[str, str, int, float]]:
        """(device_id, quantity, ts_ms, value) of each channel's newest recent sample, if at or after ``since_ms``."""
        return self.db.execute(
            """SELECT c.device_id, c.quantity, s.ts_ms, s.value
               FROM channels c JOIN samples s ON s.channel_id = c.id
               WHERE s.ts_ms = (SELECT max(ts_ms) FROM samples WHERE channel_id = c.id) AND s.ts_ms >= ?""",
            (since_ms,),
        ).fetchall()

    def events_between(self, from_ms: int, to_ms: int) -> list[Event]:
        """The stored events with ``from_ms <= ts_ms < to_ms``, oldest first (in order of storing on a tie).

        Their params are None where none are stored (events, or a database, from before params existed)."""
        rows = self.db.execute(
            f"SELECT ts_ms, device_id, kind, severity, detail, {self._params_column()} FROM events"
            " WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id",
            (from_ms, to_ms),
        ).fetchall()
        return [Event(r[0], r[1], r[2], r[3], r[4], params_from_json(r[5])) for r in rows]

    def last_events_before(self, kinds: Sequence[str], before_ms: int) -> list[Event]:
        """Each device's last stored event of ``kinds`` with ``ts_ms < before_ms``, oldest first.

        What the month's report starts from: a device whose last offline/recovered event before the month is
        "offline" went into the month offline."""
        if not kinds:
            return []
        marks = ", ".join("?" * len(kinds))
        rows = self.db.execute(
            f"SELECT ts_ms, device_id, kind, severity, detail, params FROM ("
            f" SELECT ts_ms, device_id, kind, severity, detail, {self._params_column()} AS params, id,"
            "  ROW_NUMBER() OVER (PARTITION BY device_id ORDER BY ts_ms DESC, id DESC) AS newest"
            f" FROM events WHERE device_id IS NOT NULL AND kind IN ({marks}) AND ts_ms < ?"
            ") WHERE newest = 1 ORDER BY ts_ms, id",
            (*kinds, before_ms),
        ).fetchall()
        return [Event(r[0], r[1], r[2], r[3], r[4], params_from_json(r[5])) for r in rows]

    def _params_column(self, alias: str = "") -> str:
        """The SQL of the events' params column: NULL in a database written before it was added (m005)."""
        return f"{alias}params" if has_column(self.db, "events", "params") else "NULL"

    def event_rows(
        self,
        since_ms: int,
        until_ms: int | None = None,
        device_id: str | None = None,
        collector_only: bool = False,
        severities: Sequence[str] | None = None,
        kind: str | None = None,
        unacknowledged_only: bool = False,
        limit: int = 5000,
    ) -> list[tuple]:
        """Events with ``since_ms <= ts_ms < until_ms`` (None: no upper bound), newest first, at most ``limit``.

        Each row: (id, ts_ms, device_id, kind, severity, detail, acked_by, acked_ms, note, params), acked_by,
        acked_ms and note from ``event_acks`` (None, None, None without an acknowledgement), params the stored
        JSON text (None: stored before params existed). ``collector_only``: the
        collector's own events (device_id NULL); else ``device_id`` (None: every device).
        ``severities``: only these (None: all). A database written before acknowledgements existed (no
        ``event_acks`` yet) reads as unacknowledged (acked_by None, note ``''``).
        """
        where: list[str] = ["e.ts_ms >= ?"]
        params: list[int | str] = [since_ms]
        if until_ms is not None:
            where.append("e.ts_ms < ?")
            params.append(until_ms)
        if collector_only:
            where.append("e.device_id IS NULL")
        elif device_id is not None:
            where.append("e.device_id = ?")
            params.append(device_id)
        if severities is not None:
            where.append(f"e.severity IN ({', '.join('?' * len(severities))})")
            params.extend(severities)
        if kind is not None:
            where.append("e.kind = ?")
            params.append(kind)
        has_acks = (
            self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_acks'").fetchone()
            is not None
        )
        if has_acks:
            columns, join = "a.acked_by, a.acked_ms, a.note", "LEFT JOIN event_acks a ON a.event_id = e.id"
            if unacknowledged_only:
                where.append("a.event_id IS NULL")
        else:
            columns, join = "NULL, NULL, ''", ""
        sql = (
            f"SELECT e.id, e.ts_ms, e.device_id, e.kind, e.severity, e.detail, {columns}, {self._params_column('e.')}"
            f" FROM events e {join}"
            f" WHERE {' AND '.join(where)} ORDER BY e.ts_ms DESC, e.id DESC LIMIT ?"
        )
        return self.db.execute(sql, (*params, int(limit))).fetchall()

    def _first_counter_sample(self, channel: int, since_ms: int) -> tuple[int, float] | None:
        """(ts_ms, value) of the channel's first counter sample at or after ``since_ms``."""
        since_bucket = since_ms - since_ms % QUARTER_MS
        if since_bucket < since_ms:  # inside a quarter hour: that quarter's samples from the raw store
            ts, values = raw_store.read_raw(self.db, channel, since_ms, since_bucket + QUARTER_MS, self.damage)
            if ts.size:
                return int(ts[0]), float(values[0])
            since_bucket += QUARTER_MS
        row = self.db.execute(
            "SELECT bucket_ms + first_dt_ms, first FROM rollup_15min WHERE channel_id = ? AND bucket_ms >= ?"
            " ORDER BY bucket_ms LIMIT 1",
            (channel, since_bucket),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def counter_energy_since(self, device_ids: list[str], quantity: str, since_ms: int) -> CounterEnergy:
        """Sum over devices of (last - first) counter value at or after ``since_ms``.

        First and last values come from the 15-minute rollups (the raw store
        only for the quarter hour ``since_ms`` falls in). A device whose counter went
        down in the interval (reset or replaced meter) is left out rather than
        counted negative.
        """
        total = 0.0
        first_ts: int | None = None
        counted = 0
        for device_id in device_ids:
            channel = self.channel_id(device_id, quantity)
            if channel is None:
                continue
            first = self._first_counter_sample(channel, since_ms)
            last = self.db.execute(
                "SELECT bucket_ms + last_dt_ms, last FROM rollup_15min WHERE channel_id = ?"
                " ORDER BY bucket_ms DESC LIMIT 1",
                (channel,),
            ).fetchone()
            if first is None or last is None or last[0] < first[0] or last[1] < first[1]:
                continue
            total += last[1] - first[1]
            counted += 1
            first_ts = first[0] if first_ts is None else min(first_ts, first[0])
        return CounterEnergy(total, first_ts, counted)

    def first_power_sample_ms(self, device_ids: list[str], since_ms: int) -> int | None:
        """Start of the earliest minute at or after ``since_ms``'s minute with a ``power_w`` sample of the devices."""
        since_minute = since_ms - since_ms % MINUTE_MS
        first = None
        for device_id in device_ids:
            channel = self.channel_id(device_id, "power_w")
            if channel is None:
                continue
            row = self.db.execute(  # the first quarter hour with data, then its first minute
                "SELECT bucket_ms FROM rollup_15min WHERE channel_id = ? AND bucket_ms >= ? ORDER BY bucket_ms LIMIT 1",
                (channel, since_minute - since_minute % QUARTER_MS),
            ).fetchone()
            if row is None:
                continue
            minutes = raw_store.read_minutes(
                self.db, channel, max(since_minute, row[0]), row[0] + QUARTER_MS, self.damage
            )
            if not len(minutes) and row[0] < since_minute:  # that quarter's data was before since_ms
                minutes = raw_store.read_minutes(self.db, channel, row[0] + QUARTER_MS, ALL_TIME[1], self.damage)
            if len(minutes) and (first is None or minutes.bucket_ms[0] < first):
                first = int(minutes.bucket_ms[0])
        return first

    def _power_means(self, roles: Mapping[str, Role], since_ms: int, bucket_ms: int) -> list[tuple[str, int, float]]:
        """(device_id, bucket index, mean power W) of every bucket with data; buckets of whole minutes
        come from the one-minute rollups, shorter ones from the raw samples."""
        means: list[tuple[str, int, float]] = []
        for device_id in roles:
            if bucket_ms % MINUTE_MS == 0:
                channel = self.channel_id(device_id, "power_w")
                if channel is None:
                    continue
                minutes = raw_store.read_minutes(
                    self.db, channel, since_ms - since_ms % MINUTE_MS, ALL_TIME[1], self.damage
                )
                ts, sums, counts = minutes.bucket_ms, minutes.sum, minutes.n
            else:
                ts, values = self.raw(device_id, "power_w", since_ms, ALL_TIME[1])
                sums, counts = values, np.ones(ts.size, dtype=np.int64)
            if not ts.size:
                continue
            buckets = ts // bucket_ms
            starts = np.flatnonzero(np.concatenate(([True], buckets[1:] != buckets[:-1])))
            mean = np.add.reduceat(sums, starts) / np.add.reduceat(counts, starts)
            means.extend(zip([device_id] * starts.size, buckets[starts].tolist(), mean.tolist()))
        return means

    def power_series(
        self, roles: dict[str, Role], since_ms: int, bucket_s: float, hold_ms: Mapping[str, int] | None = None
    ) -> PowerSeries:
        """Mean power per bucket, summed per flow over the devices of each role.

        Devices are polled at different moments, so a short bucket may lack a
        device that reported just before it. ``hold_ms[device]`` lets the
        device's last bucket mean stand in for at most that long (display
        alignment only: nothing is written back); beyond it the flow is
        ``None`` for that bucket rather than a sum with a device left out.
        """
        bucket_ms = max(1, int(bucket_s * 1000))
        if bucket_ms >= MINUTE_MS:
            bucket_ms -= bucket_ms % MINUTE_MS  # whole minutes: served by the 1-minute rollups
        rows = self._power_means(roles, since_ms, bucket_ms)
        by_bucket: dict[int, dict[str, float]] = defaultdict(dict)
        for device_id, bucket, mean_w in rows:
            if device_id in roles:
                by_bucket[bucket][device_id] = mean_w
        members = {role: [d for d, r in roles.items() if r is role] for role in Role}
        last_seen: dict[str, tuple[int, float]] = {}  # device -> (bucket, mean) of its latest data

        def value(device_id: str, bucket: int, values: dict[str, float]) -> float | None:
            if device_id in values:
                last_seen[device_id] = (bucket, values[device_id])
                return values[device_id]
            seen = last_seen.get(device_id)
            if seen is not None and hold_ms and (bucket - seen[0]) * bucket_ms <= hold_ms.get(device_id, 0):
                return seen[1]
            return None

        series = PowerSeries([], [], [], [], [])
        for bucket in sorted(by_bucket):
            values = by_bucket[bucket]
            flows: dict[Role, float | None] = {}
            for role in (Role.PV, Role.STORAGE, Role.GRID):
                parts = [value(d, bucket, values) for d in members[role]]
                known = [p for p in parts if p is not None]
                flows[role] = None if len(known) < len(parts) else sum(known)
            pv, storage, grid = flows[Role.PV], flows[Role.STORAGE], flows[Role.GRID]
            series.ts_ms.append(bucket * bucket_ms)
            series.pv_w.append(pv)
            series.storage_w.append(storage)
            series.grid_w.append(grid)
            if pv is None or storage is None or grid is None or not members[Role.GRID]:
                series.consumption_w.append(None)
            else:
                series.consumption_w.append(sum((pv, storage, grid)))
        return series
