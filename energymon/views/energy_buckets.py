"""The site's energy per flow and time bucket, from the counter rollups (read on the reader thread).

For every device of a balance flow (PV, grid import and export, storage
charge and discharge: ``energymon.accounting.flows.FLOWS_BY_ROLE``) the
readings used are the first and last reading of each rollup bucket of
``interval`` (``1d`` for the buckets of a month or a year, ``1h`` for a day's
hours, ``15min`` for the tariff's quarters) inside the buckets' span, plus the
last reading before it and the first after it, so an interval across the
span's edges is apportioned pro rata (``energy = difference of the counter's
readings``, as docs/database.md describes the rollups).
:func:`energymon.accounting.counters.counter_intervals` turns them into
intervals (reset, replaced-meter and wrap aware, bounded by rated power, never
a negative energy) and :func:`~energymon.accounting.counters.energy_per_bucket`
splits each interval at the bucket edges, as the overview and the monthly
report do. A device without the flow's counter has its power integrated from
the quarter-hour rollups of ``power_w`` (hourly if it is polled less often;
mean power x the time its samples cover; the positive and negative parts by the sign of each quarter's mean, so
a battery that charges and discharges within one quarter hour nets there: on
the demo park 0.1 % of a month's storage energy, 3 % with hourly means) and is
listed as estimated.

Energies are in Wh, each flow >= 0 in its own direction. A bucket is
*reported* by a device when one of its readings falls in it; a bucket that no
device's data reaches has no data (``has_data`` False), never 0 Wh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from energymon.accounting.counters import EnergyResult, counter_intervals, energy_per_bucket
from energymon.accounting.flows import FLOWS_BY_ROLE
from energymon.site_time import DAY_MS, HOUR_MS, QUARTER_MS
from energymon.store.reader import StoreReader
from energymon.views.site import DeviceInfo, SiteInfo

BALANCE_FLOWS = ("pv_wh", "grid_import_wh", "grid_export_wh", "storage_charge_wh", "storage_discharge_wh")
READING_COLUMNS = ("first_ts_ms", "first", "last_ts_ms", "last")  # a rollup bucket's first and last reading
AFTER_WINDOW_MS = {"15min": DAY_MS, "1h": DAY_MS, "1d": 32 * DAY_MS}  # how far to look for the next reading


@dataclass(frozen=True)
class FlowBuckets:
    """One flow of the site over the buckets ``[edges[i], edges[i+1])``.

    ``energy_wh``: the sum over the flow's devices [Wh] (0 where no data: see
    ``has_data``); ``has_data``: some device's data reaches the bucket;
    ``covered_ms``: the time of the bucket the least covered device's data
    covers [ms] (0 if a device has none there: a partial sum);
    ``reporting``: how many devices have a reading in it; ``device_ids``: the
    flow's devices (configured); ``unreported``: device -> buckets it has no
    reading in (only devices that lack some); ``estimated``: devices whose
    energy is integrated from power; ``latest_ms``: the newest reading counted.
    """

    flow: str
    energy_wh: np.ndarray
    has_data: np.ndarray
    reporting: np.ndarray
    device_ids: tuple[str, ...]
    covered_ms: np.ndarray
    unreported: dict[str, np.ndarray] = field(default_factory=dict)
    estimated: tuple[str, ...] = ()
    latest_ms: int | None = None

    @property
    def complete(self) -> np.ndarray:
        """Per bucket: every device of the flow has a reading in it."""
        return self.reporting >= len(self.device_ids)


def _points(
    reader: StoreReader, channel: int, interval: str, edges: np.ndarray, until_ms: int
) -> tuple[np.ndarray, np.ndarray]:
    """The counter readings used (see the module docstring): (ts_ms, values), strictly increasing in time."""
    start, end = int(edges[0]), int(edges[-1])
    before = reader.last_rollup_row(channel, interval, READING_COLUMNS, before_ms=start)
    rows = [] if before is None else [(before[2], before[3], before[2], before[3])]
    rows += reader.rollup_rows(channel, interval, READING_COLUMNS, start, min(end, until_ms), to_included=True)
    if end <= until_ms:
        rows += reader.rollup_rows(channel, interval, READING_COLUMNS, end, end + AFTER_WINDOW_MS[interval])[:1]
    if not rows:
        return np.empty(0, np.int64), np.empty(0)
    points = np.array(rows, dtype=np.float64)
    ts = np.column_stack((points[:, 0], points[:, 2])).ravel().astype(np.int64)
    values = np.column_stack((points[:, 1], points[:, 3])).ravel()
    keep = (ts <= until_ms) | (ts >= end)
    ts, values = ts[keep], values[keep]
    if ts.size:
        increasing = np.concatenate(([True], ts[1:] > np.maximum.accumulate(ts)[:-1]))  # first == last: once
        ts, values = ts[increasing], values[increasing]
    return ts, values


def _readings_per_bucket(ts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """How many of the readings ``ts`` fall in each bucket."""
    inside = ts[(ts >= edges[0]) & (ts < edges[-1])]
    return np.bincount(np.searchsorted(edges, inside, side="right") - 1, minlength=len(edges) - 1)


def _power_buckets(
    reader: StoreReader, device: DeviceInfo, interval: str, edges: np.ndarray, until_ms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(bucket start, energy [Wh] with the sign of power, covered ms) per rollup bucket of ``power_w``, or None."""
    channel = reader.channel_id(device.id, "power_w")
    if channel is None:
        return None
    # the finest rollup a poll fills (what a bucket's mean nets out stays small)
    power_interval, step_ms = ("15min", QUARTER_MS) if device.poll_interval_s * 1000 <= QUARTER_MS else ("1h", HOUR_MS)
    rows = reader.rollup_rows(
        channel, power_interval, ("bucket_ms", "n", "sum"), int(edges[0]), min(int(edges[-1]), until_ms)
    )
    if not rows:
        return None
    data = np.array(rows, dtype=np.float64)
    bucket, n, total = data[:, 0].astype(np.int64), data[:, 1], data[:, 2]
    poll_ms = float(device.poll_interval_s) * 1000
    covered_ms = np.minimum(np.minimum(n * poll_ms, step_ms), np.maximum(until_ms - bucket, 0))
    return bucket, total / n * covered_ms / 3_600_000.0, covered_ms


def flow_buckets(
    reader: StoreReader,
    site: SiteInfo,
    interval: str,
    edges_ms: Sequence[int] | np.ndarray,
    until_ms: int,
    flows: Sequence[str] = BALANCE_FLOWS,
) -> dict[str, FlowBuckets]:
    """Each of ``flows`` per bucket of ``edges_ms`` (UTC epoch ms, strictly increasing), from the ``interval``
    rollups, counting readings up to ``until_ms`` (the clock: nothing after it is read)."""
    edges = np.asarray(edges_ms, dtype=np.int64)
    nb = len(edges) - 1
    energy = {f: np.zeros(nb) for f in flows}
    has_data = {f: np.zeros(nb, dtype=bool) for f in flows}
    reporting = {f: np.zeros(nb, dtype=np.int64) for f in flows}
    covered_ms = {f: np.full(nb, np.iinfo(np.int64).max, dtype=np.int64) for f in flows}
    ids: dict[str, list[str]] = {f: [] for f in flows}
    unreported: dict[str, dict[str, np.ndarray]] = {f: {} for f in flows}
    estimated: dict[str, list[str]] = {f: [] for f in flows}
    latest: dict[str, int | None] = {f: None for f in flows}
    for device in site.devices:
        power: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        power_read = False
        for flow, quantity, sign in FLOWS_BY_ROLE[device.role]:
            if flow not in energy:
                continue
            ids[flow].append(device.id)
            channel = reader.channel_id(device.id, quantity)
            if channel is None:  # no such counter: integrate power (estimated)
                if not power_read:
                    power, power_read = _power_buckets(reader, device, interval, edges, until_ms), True
                if power is None:
                    unreported[flow][device.id] = np.ones(nb, dtype=bool)
                    covered_ms[flow][:] = 0
                    continue
                starts, signed_wh, covered = power
                index = np.searchsorted(edges, starts, side="right") - 1
                inside = (index >= 0) & (index < nb)
                part = np.clip(sign * signed_wh, 0.0, None)
                energy[flow] += np.bincount(index[inside], weights=part[inside], minlength=nb)
                device_covered = np.bincount(index[inside], weights=covered[inside], minlength=nb)
                covered_ms[flow] = np.minimum(covered_ms[flow], device_covered.astype(np.int64))
                seen = device_covered > 0
                has_data[flow] |= seen
                reporting[flow] += seen
                if not seen.all():
                    unreported[flow][device.id] = ~seen
                estimated[flow].append(device.id)
                end = int(starts[-1] + covered[-1])
                latest[flow] = max(end, latest[flow] or end)
                continue
            ts, values = _points(reader, channel, interval, edges, until_ms)
            result = EnergyResult.empty()
            device_covered = np.zeros(nb, dtype=np.int64)
            if ts.size >= 2:
                rated_w = float(device.rated_power_kw) * 1000 if device.rated_power_kw else None
                result = counter_intervals(ts, values, wrap_at_wh=reader.wrap_at(channel), max_power_w=rated_w)
            if len(result):
                per_bucket = energy_per_bucket(result, edges)
                energy[flow] += per_bucket.energy_wh
                has_data[flow] |= per_bucket.has_data
                device_covered = per_bucket.covered_ms
            covered_ms[flow] = np.minimum(covered_ms[flow], device_covered)
            seen = _readings_per_bucket(ts, edges) > 0
            reporting[flow] += seen
            if not seen.all():
                unreported[flow][device.id] = ~seen
            counted = ts[ts < edges[-1]]
            if counted.size and counted[-1] >= edges[0]:
                latest[flow] = max(int(counted[-1]), latest[flow] or 0)
    return {
        f: FlowBuckets(
            f,
            energy[f],
            has_data[f],
            reporting[f],
            tuple(ids[f]),
            np.where(covered_ms[f] == np.iinfo(np.int64).max, 0, covered_ms[f]),
            unreported[f],
            tuple(estimated[f]),
            latest[f],
        )
        for f in flows
    }
