"""A year-long database of a large park, built in seconds, for benchmarks of the views that read a year.

``make_year_db(path, devices=60, days=365)`` writes an energymon database at
``path`` with ``days`` days of a park of ``devices`` devices ending now (or at
``end_ms``), as the collector would have left it, without running the
collector for a year:

- the site and its devices are recorded from a generated site config
  (``record_site``, the collector's own call; the config text with the demo
  park's ``[tariff]``, so the cost figures have a tariff to work with);
- every day before the last ``raw_days`` days is written as rollup rows only
  (``rollup_15min``, ``rollup_1h``, ``rollup_1d``): the rows the writer folds
  each batch into (energymon.store.rollups), computed with the store's own
  aggregation from the park's power sampled every 5 minutes; ``n`` and ``sum``
  are scaled to the 5-s polls the rows stand for (the mean is that of the
  5-minute samples), counters' first/last readings are the exact counter
  values at those instants. The raw samples of those days are not kept, as
  after the raw retention;
- the last ``raw_days`` days (from a local midnight) are written as raw
  samples at each device's poll interval through the store's history writer
  (energymon.store.history: raw day blocks, one-minute blocks and every
  rollup), so raw reads, one-minute reads and today's figures work too.

The park (``devices=60``): one grid meter, ``devices // 15`` batteries
(500 kW), ``devices // 4`` load meters, the rest PV inverters (250 kW),
all polled every 5 s (batteries every 2 s), in Asia/Shanghai. The physics are
simple and deterministic (a seeded cloud factor per day, a clear-sky bell by
season, loads with a working-day shape, batteries charging 01:00-05:00 and
discharging 08:00-10:00 and 18:00-20:00, the grid closing the balance), so
the figures are plausible and every counter is the exact integral of its
power (sign conventions of drivers.quantities: grid + = import, storage + =
discharge).

Returns a :class:`YearDb` naming the file, the time span and the devices by
role; :func:`read_year_db` gives the same of a database made before, and
:func:`year_db_at` (the benchmarks' ``--db``) reuses one or makes it. Run
on its own to build one and print what it holds:
``.venv/bin/python benchmarks/year_db.py /tmp/year.db``.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import QUANTITIES, Kind
from energymon.config.parse import parse_config
from energymon.demo import demo_template_text
from energymon.site_time import DAY_MS, midnight_ms
from energymon.store import rollups
from energymon.store.channels import channel_ids
from energymon.store.history import DeviceHistory, prepare, write_prepared
from energymon.store.schema import open_db
from energymon.store.site_record import record_site

TIMEZONE = "Asia/Shanghai"
COARSE_STEP_MS = 300_000  # the coarse days' samples, 5 minutes apart
ROW_INTERVALS = ("15min", "1h", "1d")
PV_RATED_KW = 250.0
STORAGE_RATED_KW = 500.0
STORAGE_CAPACITY_WH = 1_000_000.0
LOAD_BASE_W = 300_000.0
PROFILES = {"pv": "energymon-pv", "storage": "energymon-storage", "load": "energymon-load", "grid": "energymon-grid"}
POLL_S = {"pv": 5.0, "storage": 2.0, "load": 5.0, "grid": 5.0}


def demo_tariff_toml() -> str:
    """The ``[tariff]`` tables of the demo park's config (energymon/data/demo-park.toml), as text: the
    benchmark park is priced as the demo is (a two-part tariff with sharp, peak, flat and valley hours)."""
    lines, inside = [], False
    for line in demo_template_text().splitlines():
        if line.startswith("["):  # a table's header: [tariff], [tariff.prices], [[tariff.periods]], [site] ...
            inside = line.lstrip("[").split("]")[0].split(".")[0] == "tariff"
        if inside:
            lines.append(line)
    if not lines:
        raise ValueError("the demo config has no [tariff]")
    return "\n" + "\n".join(lines).strip() + "\n"


@dataclass(frozen=True)
class YearDb:
    """What :func:`make_year_db` wrote: the file, its span (UTC epoch ms) and the device ids by role."""

    path: Path
    timezone: str
    start_ms: int  # the first local midnight with data
    raw_from_ms: int  # raw samples from here (a local midnight) to end_ms
    end_ms: int  # the newest sample is just before this
    devices: dict[str, tuple[str, ...]]  # role -> device ids

    @property
    def device_ids(self) -> tuple[str, ...]:
        return tuple(d for ids in self.devices.values() for d in ids)


def park_roles(devices: int) -> dict[str, int]:
    """How many devices of each role a park of ``devices`` has (at least one grid meter and one inverter)."""
    if devices < 2:
        raise ValueError("a park needs at least 2 devices (a grid meter and an inverter)")
    storage = devices // 15
    load = devices // 4
    return {"grid": 1, "storage": storage, "load": load, "pv": devices - 1 - storage - load}


def site_config_text(devices: int) -> str:
    """A valid site config of the park (devices on a few loopback connections, with the tariff)."""
    counts = park_roles(devices)
    parts = [
        f'[site]\nname = "Benchmark park ({devices} devices)"\ntimezone = "{TIMEZONE}"\n'
        'latitude = 34.3\nlongitude = 109.06\n\n[carbon]\ngrid = "northwest"\n',
        demo_tariff_toml(),
    ]
    for role in counts:
        parts.append(f'\n[connections.{role}]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 1502\n')
    for role, count in counts.items():
        for i in range(count):
            rated = {"pv": PV_RATED_KW, "storage": STORAGE_RATED_KW, "load": 900.0, "grid": 10_000.0}[role]
            parts.append(
                f'\n[[devices]]\nid = "{role}-{i + 1:02d}"\nname = "{role} {i + 1}"\nrole = "{role}"\n'
                f'profile = "{PROFILES[role]}"\nconnection = "{role}"\nunit = {i % 247 + 1}\n'
                f"poll_interval_s = {POLL_S[role]:g}\nrated_power_kw = {rated:g}\n"
            )
    return "".join(parts)


def _local_hours(ts_ms: np.ndarray, zone: ZoneInfo) -> tuple[np.ndarray, np.ndarray]:
    """(local hour of day as a float, local day number since the epoch) of each instant (a zone without
    daylight saving, as the park's: the offset of the first instant)."""
    offset = datetime.fromtimestamp(int(ts_ms[0]) / 1000, UTC).astimezone(zone).utcoffset()
    offset_ms = int(offset.total_seconds() * 1000) if offset is not None else 0
    local = ts_ms + offset_ms
    return (local % DAY_MS) / 3_600_000.0, local // DAY_MS


def park_power_w(ts_ms: np.ndarray, counts: dict[str, int], zone: ZoneInfo, seed: int = 1) -> dict[str, np.ndarray]:
    """Power [W] of every device at each instant (device id -> array), with the sign conventions of the roles."""
    hour, day = _local_hours(ts_ms, zone)
    day_of_year = (day + 10) % 365
    noise = np.sin((day + 1000 * seed) * 12.9898) * 43758.5453
    clouds = 0.25 + 0.75 * (noise - np.floor(noise))  # one sky per local day, the same in every span
    day_length_h = 12.0 + 2.5 * np.sin(2 * math.pi * (day_of_year - 80) / 365.0)
    sunrise = 12.5 - day_length_h / 2
    bell = np.clip(np.sin(math.pi * (hour - sunrise) / day_length_h), 0.0, None) ** 1.3
    season = 0.75 + 0.25 * np.sin(2 * math.pi * (day_of_year - 80) / 365.0)
    power: dict[str, np.ndarray] = {}
    pv_total = np.zeros(ts_ms.size)
    for i in range(counts["pv"]):
        p = np.round(PV_RATED_KW * 1000 * 0.85 * bell * season * clouds * (0.95 + 0.1 * ((i * 37) % 11) / 10))
        power[f"pv-{i + 1:02d}"] = p
        pv_total += p
    working = ((hour >= 7.5) & (hour < 20.0)).astype(float)
    load_total = np.zeros(ts_ms.size)
    for i in range(counts["load"]):
        wobble = 0.05 * np.sin(2 * math.pi * (hour + i) / 3.0)
        p = np.round(LOAD_BASE_W * (0.55 + 0.45 * working + wobble) * (0.8 + 0.4 * ((i * 13) % 7) / 7))
        power[f"load-{i + 1:02d}"] = p
        load_total += p
    charging = (hour >= 1.0) & (hour < 5.0)
    discharging = ((hour >= 8.0) & (hour < 10.0)) | ((hour >= 18.0) & (hour < 20.0))
    storage_total = np.zeros(ts_ms.size)
    for i in range(counts["storage"]):
        p = np.where(charging, -0.25, 0.0) + np.where(discharging, 0.225, 0.0)
        p = np.round(p * STORAGE_RATED_KW * 1000)
        power[f"storage-{i + 1:02d}"] = p
        storage_total += p
    power["grid-01"] = load_total - pv_total - storage_total  # + = import
    return power


def _soc_pct(ts_ms: np.ndarray, power_w: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """State of charge [%]: 20 % at each local midnight, then the day's charge (95 % efficient) less discharge."""
    hour, day = _local_hours(ts_ms, zone)
    dt_h = np.diff(ts_ms, prepend=ts_ms[0]) / 3_600_000.0
    step_wh = np.where(power_w < 0, -0.95 * power_w, -power_w) * dt_h
    order_starts = np.flatnonzero(np.concatenate(([True], day[1:] != day[:-1])))
    cumulative = np.cumsum(step_wh)
    base = np.repeat(cumulative[order_starts] - step_wh[order_starts], np.diff(np.append(order_starts, day.size)))
    return np.clip(np.round(20.0 + 100.0 * (cumulative - base) / STORAGE_CAPACITY_WH, 1), 0.0, 100.0)


COUNTERS = {
    "pv": (("yield_wh", +1),),
    "load": (("consumed_wh", +1),),
    "grid": (("imported_wh", +1), ("exported_wh", -1)),
    "storage": (("discharged_wh", +1), ("charged_wh", -1)),
}


def device_values(
    role: str, ts_ms: np.ndarray, power_w: np.ndarray, start_wh: dict[str, float], zone: ZoneInfo
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Every stored quantity of a device at ``ts_ms`` (counters continue from ``start_wh``, their value at
    ``ts_ms[0]``), and each counter's value one step after the last instant (where the next span starts)."""
    values: dict[str, np.ndarray] = {"power_w": power_w}
    dt_ms = np.diff(ts_ms, append=ts_ms[-1] + (ts_ms[-1] - ts_ms[-2] if ts_ms.size > 1 else 0))
    ends: dict[str, float] = {}
    for quantity, sign in COUNTERS[role]:
        step_wh = np.clip(sign * power_w, 0.0, None) * dt_ms / 3_600_000.0  # power held until the next sample
        total = start_wh[quantity] + np.concatenate(([0.0], np.cumsum(step_wh)))
        values[quantity] = np.floor(total[:-1])  # a 1 Wh register
        ends[quantity] = float(total[-1])
    if role == "storage":
        values["soc_pct"] = _soc_pct(ts_ms, power_w, zone)
    return values, ends


def _coarse_rows(
    channel: int, counter: bool, ts_ms: np.ndarray, values: np.ndarray, buckets: dict[str, np.ndarray], scale: int
) -> dict[str, list[tuple]]:
    """The rollup rows of 5-minute samples, ``n`` and ``sum`` scaled to the polls they stand for."""
    ids = np.full(ts_ms.size, channel, dtype=np.int64)
    flags = np.full(ts_ms.size, counter)
    out = {}
    for interval, starts in buckets.items():
        agg = rollups.aggregate(ids, ts_ms, values, starts)
        agg = rollups.Aggregates(
            agg.bucket_ms,
            agg.n * scale,
            agg.sum * scale,
            agg.min,
            agg.max,
            agg.first_ms,
            agg.first,
            agg.last_ms,
            agg.last,
            agg.first_index,
        )
        out[interval] = agg.rows(ids, flags)
    return out


INSERT_SQL = (
    "INSERT INTO {table} (channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def make_year_db(
    path: str | Path,
    devices: int = 60,
    days: int = 365,
    *,
    end_ms: int | None = None,
    raw_days: int = 2,
    seed: int = 1,
) -> YearDb:
    """Write ``days`` days of a ``devices``-device park into a new database at ``path`` (see the module docstring).

    ``end_ms``: where the data ends (UTC epoch ms; default now, to the minute); the data starts at the local
    midnight ``days - 1`` days before the day of ``end_ms``. ``raw_days``: the last days (from a local midnight)
    kept as raw samples. Deterministic for a given ``end_ms`` and ``seed``. The file must not exist.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists: make_year_db writes a new database")
    zone = ZoneInfo(TIMEZONE)
    end = int(time.time() * 1000) if end_ms is None else int(end_ms)
    end -= end % 60_000
    last_day = datetime.fromtimestamp(end / 1000, UTC).astimezone(zone).date()
    start = midnight_ms(last_day - timedelta(days=max(days, 1) - 1), zone)
    raw_from = max(start, midnight_ms(last_day - timedelta(days=max(raw_days, 1) - 1), zone))
    counts = park_roles(devices)
    text = site_config_text(devices)
    config = parse_config(text, path.with_suffix(".toml"))
    db = open_db(path)
    try:
        record_site(db, config, text)
        db.execute("PRAGMA synchronous=OFF")  # a benchmark's scratch file: no need to survive a power cut
        roles = {d.id: d.role.value for d in config.devices}
        counters_at = {d: {q: 1e7 * (i + 1) for q, _ in COUNTERS[roles[d]]} for i, d in enumerate(roles)}
        if raw_from > start:
            counters_at = _write_coarse(db, roles, counts, start, raw_from, zone, counters_at, seed)
        _write_raw(db, roles, counts, raw_from, end, zone, counters_at, seed)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    by_role = {role: tuple(d for d, r in roles.items() if r == role) for role in counts}
    return YearDb(path, TIMEZONE, start, raw_from, end, by_role)


def read_year_db(path: str | Path) -> YearDb:
    """The :class:`YearDb` of a database :func:`make_year_db` wrote before (read only): its devices by role,
    its span from the stored data (the first daily rollup, the local midnight before the first raw sample,
    the minute after the newest)."""
    path = Path(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        site = dict(db.execute("SELECT key, value FROM site").fetchall())
        roles = dict(db.execute("SELECT id, role FROM devices ORDER BY rowid").fetchall())
        (start,) = db.execute(f"SELECT min(bucket_ms) FROM {rollups.TABLES['1d']}").fetchone()
        raw_from, newest = db.execute("SELECT min(first_ms), max(last_ms) FROM sample_blocks").fetchone()
    finally:
        db.close()
    if start is None or newest is None:
        raise ValueError(f"{path} holds no year database (no daily rollups or no raw samples)")
    timezone = json.loads(site.get("timezone", json.dumps(TIMEZONE)))
    by_role = {role: tuple(d for d, r in roles.items() if r == role) for role in ("grid", "storage", "load", "pv")}
    raw_day = datetime.fromtimestamp(raw_from / 1000, UTC).astimezone(ZoneInfo(timezone)).date()
    end = (int(newest) // 60_000 + 1) * 60_000  # make_year_db's end: the minute after the newest poll
    return YearDb(path, timezone, int(start), midnight_ms(raw_day, ZoneInfo(timezone)), end, by_role)


def year_db_at(path: Path, devices: int = 60, days: int = 365) -> YearDb:
    """The benchmarks' database: the one at ``path`` if it exists (:func:`read_year_db`), else a new one made
    there; prints which, and how long the making took."""
    if path.exists():
        year = read_year_db(path)
        print(f"database: {path} (reused), {len(year.device_ids)} devices, data up to {_utc(year.end_ms)} UTC")
        return year
    started = time.perf_counter()
    year = make_year_db(path, devices=devices, days=days)
    print(f"database: {path}, {len(year.device_ids)} devices, {days} days, {TIMEZONE}")
    print(f"  built in {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:,.0f} MB")
    return year


def _utc(ms: int) -> str:
    return f"{datetime.fromtimestamp(ms / 1000, UTC):%Y-%m-%d %H:%M}"


def _write_coarse(db, roles, counts, start, stop, zone, counters_at, seed) -> dict[str, dict[str, float]]:
    """The days [start, stop) as rollup rows from 5-minute samples; returns the counters' values at ``stop``."""
    ts = np.arange(start, stop, COARSE_STEP_MS, dtype=np.int64)
    buckets = {interval: rollups.bucket_starts(ts, interval, zone) for interval in ROW_INTERVALS}
    power = park_power_w(ts, counts, zone, seed)
    ends = {}
    with db.atomic():
        for device_id, role in roles.items():
            values, ends[device_id] = device_values(role, ts, power[device_id], counters_at[device_id], zone)
            ids = channel_ids(db, device_id, values)
            scale = int(COARSE_STEP_MS // (POLL_S[role] * 1000))
            for quantity, series in values.items():
                counter = QUANTITIES[quantity].kind is Kind.COUNTER
                for interval, rows in _coarse_rows(ids[quantity], counter, ts, series, buckets, scale).items():
                    db.conn.executemany(INSERT_SQL.format(table=rollups.TABLES[interval]), rows)
    return ends


def _write_raw(db, roles, counts, start, stop, zone, counters_at, seed) -> None:
    """The days [start, stop) as raw samples at each device's poll interval, through the history writer."""
    for poll_s in sorted(set(POLL_S.values())):
        ts = np.arange(start + 137, stop, int(poll_s * 1000), dtype=np.int64)  # a poll a little after each step
        if not ts.size:
            continue
        power = park_power_w(ts, counts, zone, seed)
        for device_id, role in roles.items():
            if POLL_S[role] != poll_s:
                continue
            values, _ = device_values(role, ts, power[device_id], counters_at[device_id], zone)
            write_prepared(db, prepare(DeviceHistory(device_id, ts, values), zone), zone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--devices", type=int, default=60)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    started = time.perf_counter()
    made = make_year_db(args.path, args.devices, args.days)
    print(
        f"{made.path}: {args.devices} devices, {args.days} days, {made.path.stat().st_size / 1e6:.0f} MB "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
