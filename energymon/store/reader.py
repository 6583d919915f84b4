"""Read-side queries for the GUI, the headless summary and export.

Each call is one short read transaction on the reader's own connection, so
WAL checkpoints of the writer are never starved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import Role
from energymon.site_time import MINUTE_MS, QUARTER_MS
from energymon.store import samples as raw_store
from energymon.store.writer import open_db

ALL_TIME = (-(2**62), 2**62)  # UTC epoch ms bounds that hold every sample


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
        return raw_store.read_raw(self.db, channel, from_ms, to_ms)

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
            ts, _ = raw_store.read_raw(self.db, channel, ALL_TIME[0], ALL_TIME[1])
            keys.update((device_id, quantity, t) for t in ts.tolist())
        return keys

    def _first_counter_sample(self, channel: int, since_ms: int) -> tuple[int, float] | None:
        """(ts_ms, value) of the channel's first counter sample at or after ``since_ms``."""
        since_bucket = since_ms - since_ms % QUARTER_MS
        if since_bucket < since_ms:  # inside a quarter hour: that quarter's samples from the raw store
            ts, values = raw_store.read_raw(self.db, channel, since_ms, since_bucket + QUARTER_MS)
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
            minutes = raw_store.read_minutes(self.db, channel, max(since_minute, row[0]), row[0] + QUARTER_MS)
            if not len(minutes) and row[0] < since_minute:  # that quarter's data was before since_ms
                minutes = raw_store.read_minutes(self.db, channel, row[0] + QUARTER_MS, ALL_TIME[1])
            if len(minutes) and (first is None or minutes.bucket_ms[0] < first):
                first = int(minutes.bucket_ms[0])
        return first

    def _power_means(self, roles: Mapping[str, Role], since_ms: int, bucket_ms: int) -> list[tuple[str, int, float]]:
        """(device_id, bucket index, mean power W) of every bucket with data; buckets of whole minutes
        come from the one-minute rollups, shorter ones from the raw samples."""
        means = []
        for device_id in roles:
            if bucket_ms % MINUTE_MS == 0:
                channel = self.channel_id(device_id, "power_w")
                if channel is None:
                    continue
                minutes = raw_store.read_minutes(self.db, channel, since_ms - since_ms % MINUTE_MS, ALL_TIME[1])
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
            flows = {}
            for role in (Role.PV, Role.STORAGE, Role.GRID):
                parts = [value(d, bucket, values) for d in members[role]]
                flows[role] = None if None in parts else sum(parts)
            pv, storage, grid = flows[Role.PV], flows[Role.STORAGE], flows[Role.GRID]
            series.ts_ms.append(bucket * bucket_ms)
            series.pv_w.append(pv)
            series.storage_w.append(storage)
            series.grid_w.append(grid)
            parts = (pv, storage, grid)
            series.consumption_w.append(None if None in parts or not members[Role.GRID] else sum(parts))
        return series


def latest_readings(reader: StoreReader, devices: list, since_ms: int) -> dict:
    """Latest stored value of every quantity per device, as collector-like readings.

    For a viewer without its own collector (``gui --no-collect``). Only samples
    at or after ``since_ms`` count; ``devices`` are :class:`energymon.views.site.DeviceInfo`.
    """
    from types import MappingProxyType

    from energymon.views.live import Reading

    rows = reader.db.execute(
        """SELECT c.device_id, c.quantity, s.ts_ms, s.value
           FROM channels c JOIN samples s ON s.channel_id = c.id
           WHERE s.ts_ms = (SELECT max(ts_ms) FROM samples WHERE channel_id = c.id) AND s.ts_ms >= ?""",
        (since_ms,),
    ).fetchall()
    by_device: dict[str, dict] = {}
    stamps: dict[str, int] = {}
    for device_id, quantity, ts_ms, value in rows:
        by_device.setdefault(device_id, {})[quantity] = value
        stamps[device_id] = max(ts_ms, stamps.get(device_id, 0))
    out = {}
    for info in devices:
        if info.id in by_device:
            out[info.id] = Reading(
                info.id,
                info.role,
                stamps[info.id],
                MappingProxyType(by_device[info.id]),
                True,
                None,
                0.0,
                info.poll_interval_s,
            )
    return out
