"""Read-side queries for the GUI and the headless summary.

Each call is one short read transaction on the reader's own connection, so
WAL checkpoints of the writer are never starved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drivers.quantities import Role
from energymon.store import open_db


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

    def devices(self) -> list[dict]:
        return list(self.db["devices"].rows)

    def sample_count(self, device_id: str | None = None) -> int:
        sql = "SELECT count(*) FROM samples s JOIN channels c ON c.id = s.channel_id"
        params: tuple = ()
        if device_id is not None:
            sql += " WHERE c.device_id = ?"
            params = (device_id,)
        return self.db.execute(sql, params).fetchone()[0]

    def sample_keys(self) -> set[tuple[str, str, int]]:
        """Every stored sample as (device_id, quantity, ts_ms): for checks that nothing committed was lost."""
        rows = self.db.execute(
            "SELECT c.device_id, c.quantity, s.ts_ms FROM samples s JOIN channels c ON c.id = s.channel_id"
        ).fetchall()
        return {tuple(r) for r in rows}

    def counter_energy_since(self, device_ids: list[str], quantity: str, since_ms: int) -> CounterEnergy:
        """Sum over devices of (last - first) counter value at or after ``since_ms``.

        A device whose counter went down in the interval (reset or replaced
        meter) is left out rather than counted negative.
        """
        total = 0.0
        first_ts: int | None = None
        counted = 0
        for device_id in device_ids:
            row = self.db.execute(
                "SELECT id FROM channels WHERE device_id = ? AND quantity = ?", (device_id, quantity)
            ).fetchone()
            if row is None:
                continue
            first = self.db.execute(
                "SELECT ts_ms, value FROM samples WHERE channel_id = ? AND ts_ms >= ? ORDER BY ts_ms LIMIT 1",
                (row[0], since_ms),
            ).fetchone()
            last = self.db.execute(
                "SELECT ts_ms, value FROM samples WHERE channel_id = ? AND ts_ms >= ? ORDER BY ts_ms DESC LIMIT 1",
                (row[0], since_ms),
            ).fetchone()
            if first is None or last[1] < first[1]:
                continue
            total += last[1] - first[1]
            counted += 1
            first_ts = first[0] if first_ts is None else min(first_ts, first[0])
        return CounterEnergy(total, first_ts, counted)

    def first_power_sample_ms(self, device_ids: list[str], since_ms: int) -> int | None:
        """Time of the earliest ``power_w`` sample at or after ``since_ms`` of any of the devices."""
        first = None
        for device_id in device_ids:
            row = self.db.execute(
                """SELECT s.ts_ms FROM samples s JOIN channels c ON c.id = s.channel_id
                   WHERE c.device_id = ? AND c.quantity = 'power_w' AND s.ts_ms >= ?
                   ORDER BY s.ts_ms LIMIT 1""",
                (device_id, since_ms),
            ).fetchone()
            if row is not None and (first is None or row[0] < first):
                first = row[0]
        return first

    def power_series(self, roles: dict[str, Role], since_ms: int, bucket_s: float,
                     hold_ms: Mapping[str, int] | None = None) -> PowerSeries:
        """Mean power per bucket, summed per flow over the devices of each role.

        Devices are polled at different moments, so a short bucket may lack a
        device that reported just before it. ``hold_ms[device]`` lets the
        device's last bucket mean stand in for at most that long (display
        alignment only: nothing is written back); beyond it the flow is
        ``None`` for that bucket rather than a sum with a device left out.
        """
        bucket_ms = max(1, int(bucket_s * 1000))
        rows = self.db.execute(
            """SELECT c.device_id, s.ts_ms / ? AS b, AVG(s.value)
               FROM samples s JOIN channels c ON c.id = s.channel_id
               WHERE c.quantity = 'power_w' AND s.ts_ms >= ?
               GROUP BY c.device_id, b""",
            (bucket_ms, since_ms),
        ).fetchall()
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
    at or after ``since_ms`` count; ``devices`` are :class:`energymon.site.DeviceInfo`.
    """
    from types import MappingProxyType

    from energymon.live import Reading

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
            out[info.id] = Reading(info.id, info.role, stamps[info.id], MappingProxyType(by_device[info.id]),
                                   True, None, 0.0, info.poll_interval_s)
    return out
