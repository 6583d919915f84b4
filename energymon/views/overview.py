"""Today's, this month's and this year's energy of the site for the overview: pure reads over a StoreReader.

The overview refreshes these figures every half minute, so a year must cost
milliseconds: instead of raw samples they come from the counter rollups
(docs/database.md). Per counter channel the readings used are

- the last reading of the local day before the year (``rollup_1d``), so the
  interval across the year's first midnight is apportioned to it pro rata;
- the first and last reading of every local day of the year before today
  (``rollup_1d``, at most 366 rows);
- the first and last reading of every quarter hour since today's local
  midnight (``rollup_15min``, at most 96 rows; the last is the newest reading
  committed).

Those readings go through :func:`energymon.accounting.counters.counter_intervals`
(reset, replaced-meter and wrap aware, bounded by rated power, never a
negative energy), and :func:`energymon.accounting.counters.energy_per_bucket`
splits each interval pro rata at the period starts (local midnights), the
same way the monthly report assigns energy to days. So a month's figure here
matches the monthly report's counter energy of the days so far, up to the
report's finer treatment of a reset in the middle of a day.

A device that has no counter for a flow at all (e.g. a SunSpec battery
without energy counters) has its power integrated instead, as the monthly
report does, from the hourly rollups (``rollup_1h``: mean power x the time
its samples cover, the positive and negative parts by the sign of each
hour's mean); such flows are listed in ``estimated``.

Energies are in Wh (base units); the GUI converts for display. Devices that
have no data for a flow in a period are listed in ``missing``; a total over a
role is given for the devices that have data, and figures that need every
flow (consumption, self-sufficiency) are ``None`` unless every device of
those flows was counted. ``latest_ms`` says where each device's data ends
(its newest reading counted): the age of a figure, and which devices are
behind the others (:meth:`PeriodEnergy.behind`: offline since, counted
until then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from energymon.accounting import carbon
from energymon.accounting.counters import counter_intervals, energy_per_bucket
from energymon.accounting.flows import FLOWS_BY_ROLE, Flows, self_sufficiency_pct
from energymon.site_time import HOUR_MS, midnight_ms
from energymon.store.reader import StoreReader
from energymon.views.site import SiteInfo

# The flows that make up consumption (accounting.consumption_wh) and the roles that feed them.
BALANCE_FLOWS = ("pv_wh", "grid_import_wh", "grid_export_wh", "storage_charge_wh", "storage_discharge_wh")
PERIODS = ("today", "month", "year")
READING_COLUMNS = ("first_ts_ms", "first", "last_ts_ms", "last")  # a rollup bucket's first and last reading


@dataclass(frozen=True)
class PeriodEnergy:
    """The site's energy flows [Wh] from ``start_ms`` (a local midnight, UTC epoch ms) to the newest reading.

    ``first_ts_ms``: when the counter data of the period starts (``start_ms`` when a
    reading before the period bridges into it; later when the first data came after
    the period began; ``None`` without any data). ``missing``: flow -> ids of the
    devices of that flow without any counter reading in the period.
    """

    start_ms: int
    flows: Flows
    first_ts_ms: int | None
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)  # flow -> devices counted
    estimated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # flow -> devices integrated from power
    avoided_co2_kg: float | None = None  # PV energy x grid emission factor
    coal_saved_kgce: float | None = None  # PV energy x coal factor
    # device -> UTC epoch ms of its newest reading counted in the period (where its data ends): a device whose
    # data ends well before the others' is behind (offline, say) and its energy is counted only until then
    latest_ms: dict[str, int] = field(default_factory=dict)
    counted_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # flow -> the devices counted

    def as_of_ms(self, flow: str | None = None) -> int | None:
        """The newest data [UTC epoch ms] of the period, of the devices counted for ``flow`` (None: all)."""
        return max((self.latest_ms[d] for d in self._ids(flow) if d in self.latest_ms), default=None)

    def behind(self, flow: str | None, lag_ms: int) -> tuple[str, ...]:
        """The devices counted for ``flow`` (None: all) whose data ends over ``lag_ms`` before the newest."""
        newest = self.as_of_ms(flow)
        if newest is None:
            return ()
        return tuple(d for d in self._ids(flow) if d in self.latest_ms and self.latest_ms[d] < newest - lag_ms)

    def _ids(self, flow: str | None) -> tuple[str, ...]:
        if flow is None:
            return tuple(self.latest_ms)
        return self.counted_ids.get(flow, ())

    def complete(self, *flows: str) -> bool:
        """Every device of each named flow (all balance flows if none named) has counter data."""
        return not any(self.missing.get(f) for f in (flows or BALANCE_FLOWS))

    @property
    def pv_wh(self) -> float | None:
        """PV energy [Wh] of the inverters with data; ``None`` if no inverter has any."""
        return self.flows.pv_wh if self.counted.get("pv_wh") else None

    @property
    def consumption_wh(self) -> float | None:
        """pv + import - export + discharge - charge [Wh]; ``None`` unless every balance flow is complete."""
        return self.flows.consumption_wh if self.complete() and self.counted.get("grid_import_wh") else None

    @property
    def self_sufficiency_pct(self) -> float | None:
        """(consumption - grid import) / consumption [%], clamped 0..100; ``None`` if not computable."""
        consumption = self.consumption_wh
        return None if consumption is None else self_sufficiency_pct(consumption, self.flows.grid_import_wh)


@dataclass(frozen=True)
class OverviewEnergy:
    now_ms: int
    today: PeriodEnergy
    month: PeriodEnergy
    year: PeriodEnergy
    emission_factor_kg_per_kwh: float
    coal_kgce_per_kwh: float | None
    coal_source: str


def period_starts_ms(now_ms: int, zone) -> dict[str, int]:
    """UTC epoch ms of the local midnights that start today, this month and this year at ``now_ms``."""
    today = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(zone).date()
    return {
        "today": midnight_ms(today, zone),
        "month": midnight_ms(today.replace(day=1), zone),
        "year": midnight_ms(today.replace(month=1, day=1), zone),
    }


def rollup_counter_readings(
    reader: StoreReader, channel: int, year_ms: int, today_ms: int, now_ms: int
) -> tuple[np.ndarray, np.ndarray]:
    """The counter readings used (see the module docstring): (ts_ms, values), strictly increasing in time.

    The last daily reading before ``year_ms``, the daily rows up to ``today_ms``, then the 15-minute rows
    up to ``now_ms``; also used by energymon.views.pv_performance from any period start.
    """
    # the year before: only its very last reading
    last_before = reader.last_rollup_row(channel, "1d", READING_COLUMNS, before_ms=year_ms)
    rows = [] if last_before is None else [(last_before[2], last_before[3], last_before[2], last_before[3])]
    rows += reader.rollup_rows(channel, "1d", READING_COLUMNS, year_ms, today_ms)
    rows += reader.rollup_rows(channel, "15min", READING_COLUMNS, today_ms, now_ms, to_included=True)
    if not rows:
        return np.empty(0, np.int64), np.empty(0)
    points = np.array(rows, dtype=np.float64)
    ts = np.column_stack((points[:, 0], points[:, 2])).ravel().astype(np.int64)
    values = np.column_stack((points[:, 1], points[:, 3])).ravel()
    keep = ts <= now_ms
    ts, values = ts[keep], values[keep]
    if ts.size:
        increasing = np.concatenate(([True], ts[1:] > np.maximum.accumulate(ts)[:-1]))  # first == last: once
        ts, values = ts[increasing], values[increasing]
    return ts, values


def _power_hours(
    reader: StoreReader, device_id: str, poll_ms: int, year_ms: int, now_ms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Hourly energy [Wh] from ``power_w`` since ``year_ms``, or None without power samples.

    Returns (bucket_ms, energy [Wh] with the sign of power, covered_ms) per hour with samples.

    Each hour's mean power times the time its samples cover (samples x poll
    interval, at most the hour and at most until ``now_ms``).
    """
    channel = reader.channel_id(device_id, "power_w")
    if channel is None:
        return None
    rows = reader.rollup_rows(channel, "1h", ("bucket_ms", "n", "sum"), year_ms, now_ms, to_included=True)
    if not rows:
        return None
    data = np.array(rows, dtype=np.float64)
    bucket, n, total = data[:, 0].astype(np.int64), data[:, 1], data[:, 2]
    covered_ms = np.minimum(np.minimum(n * poll_ms, HOUR_MS), np.maximum(now_ms - bucket, 0))
    return bucket, total / n * covered_ms / 3_600_000.0, covered_ms


def overview_energy(
    reader: StoreReader, site: SiteInfo, now_ms: int, coal: carbon.CoalFactor | None = None
) -> OverviewEnergy:
    """Energy of today, this month and this year up to ``now_ms``, from the counter rollups.

    Runs on a reader thread.
    """
    zone = site.tz
    starts = period_starts_ms(now_ms, zone)
    edges = np.array(sorted({starts["year"], starts["month"], starts["today"], now_ms + 1}), dtype=np.int64)
    first_bucket = {p: int(np.searchsorted(edges, starts[p])) for p in PERIODS}
    totals = {p: {f: 0.0 for f in Flows.__dataclass_fields__} for p in PERIODS}
    first_ts: dict[str, int | None] = {p: None for p in PERIODS}
    missing: dict[str, dict[str, list[str]]] = {p: {} for p in PERIODS}
    counted: dict[str, dict[str, int]] = {p: {} for p in PERIODS}
    estimated: dict[str, dict[str, list[str]]] = {p: {} for p in PERIODS}
    counted_ids: dict[str, dict[str, list[str]]] = {p: {} for p in PERIODS}
    latest: dict[str, dict[str, int]] = {p: {} for p in PERIODS}
    for device in site.devices:
        power_read = False
        power_hours: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        for flow, quantity, sign in FLOWS_BY_ROLE[device.role]:
            channel = reader.channel_id(device.id, quantity)
            if channel is None:  # no such counter: integrate power (estimated)
                if not power_read:
                    power_hours = _power_hours(
                        reader, device.id, int(device.poll_interval_s * 1000), starts["year"], now_ms
                    )
                    power_read = True
                for period in PERIODS:
                    hours = None if power_hours is None else power_hours[0] >= starts[period]
                    if power_hours is None or hours is None or not hours.any():
                        missing[period].setdefault(flow, []).append(device.id)
                        continue
                    totals[period][flow] += float(np.clip(sign * power_hours[1][hours], 0.0, None).sum())
                    counted[period][flow] = counted[period].get(flow, 0) + 1
                    counted_ids[period].setdefault(flow, []).append(device.id)
                    estimated[period].setdefault(flow, []).append(device.id)
                    end = int(power_hours[0][-1] + power_hours[2][-1])  # the last hour's samples, from its start
                    latest[period][device.id] = max(end, latest[period].get(device.id, end))
                    # The first hour's samples are taken to lie at its end (a device that started mid-hour).
                    i = int(np.flatnonzero(hours)[0])
                    first = max(starts[period], int(power_hours[0][i] + HOUR_MS - power_hours[2][i]))
                    earliest = first_ts[period]
                    first_ts[period] = first if earliest is None else min(earliest, first)
                continue
            ts, values = rollup_counter_readings(reader, channel, starts["year"], starts["today"], now_ms)
            rated_w = float(device.rated_power_kw) * 1000 if device.rated_power_kw else None
            per_bucket = None
            if ts.size >= 2:
                result = counter_intervals(ts, values, wrap_at_wh=reader.wrap_at(channel), max_power_w=rated_w)
                if len(result):
                    per_bucket = energy_per_bucket(result, edges).energy_wh
                    starts_i, ends_i = result.start_ms, result.end_ms
            for period in PERIODS:
                start = starts[period]
                begins = [int(t) for t in ts[ts >= start][:1]]  # the first reading in the period
                if per_bucket is not None:
                    crossing = ends_i > start
                    if crossing.any():
                        begins.append(max(start, int(starts_i[crossing].min())))
                if not begins:
                    missing[period].setdefault(flow, []).append(device.id)
                    continue
                if per_bucket is not None:
                    totals[period][flow] += float(per_bucket[first_bucket[period] :].sum())
                counted[period][flow] = counted[period].get(flow, 0) + 1
                counted_ids[period].setdefault(flow, []).append(device.id)
                if ts.size and ts[-1] >= start:
                    latest[period][device.id] = max(int(ts[-1]), latest[period].get(device.id, 0))
                first = min(begins)
                earliest = first_ts[period]
                first_ts[period] = first if earliest is None else min(earliest, first)

    coal = coal or carbon.coal_factor()
    factor = float(site.emission_factor_kg_per_kwh or 0.0)
    periods = {}
    for period in PERIODS:
        flows = Flows(**totals[period])
        has_pv = bool(counted[period].get("pv_wh"))
        periods[period] = PeriodEnergy(
            starts[period],
            flows,
            first_ts[period],
            {f: tuple(ids) for f, ids in missing[period].items()},
            dict(counted[period]),
            {f: tuple(ids) for f, ids in estimated[period].items()},
            avoided_co2_kg=carbon.avoided_co2_kg(flows.pv_wh, factor) if has_pv else None,
            coal_saved_kgce=carbon.coal_saved_kgce(flows.pv_wh, coal.kgce_per_kwh) if has_pv and coal else None,
            latest_ms=dict(latest[period]),
            counted_ids={f: tuple(ids) for f, ids in counted_ids[period].items()},
        )
    return OverviewEnergy(
        now_ms,
        periods["today"],
        periods["month"],
        periods["year"],
        factor,
        None if coal is None else coal.kgce_per_kwh,
        "" if coal is None else coal.source,
    )


def late_start_ms(period: PeriodEnergy, tolerance_ms: int = 10 * 60 * 1000) -> int | None:
    """When the period's data starts, if that is more than ``tolerance_ms`` after the period began; else None."""
    if period.first_ts_ms is None or period.first_ts_ms <= period.start_ms + tolerance_ms:
        return None
    return period.first_ts_ms
