"""PV performance of today, this month or this year: per inverter and for the park, from the rollups.

Runs on a reader thread (the GUI's PV performance page submits it). The
figures and their definitions are in :mod:`energymon.accounting.pv_yield`;
this module reads what they need:

- **Energy** of each inverter from its ``yield_wh`` counter as the overview
  reads it (energymon.views.overview): the last reading of the local day
  before the period (``rollup_1d``), the first and last reading of each day
  of the period before today (``rollup_1d``) and of each quarter hour of today
  (``rollup_15min``), through :func:`energymon.accounting.counters.counter_intervals`
  (wrap, reset and replaced-meter aware, bounded by the rated power) and
  apportioned pro rata at the period's start. An inverter's data is
  **complete** when its counter intervals cover the whole period up to
  :data:`COVERAGE_TOLERANCE_MS` (a gap the counter bridges counts: the
  counter kept counting). Only complete inverters are peers (median,
  peer ratio, ranking) and make up the park line; the others are listed with
  the energy their data gives and no rank.
- **Irradiation** [Wh/m2] of each ``meteo`` device's ``irradiance_w_m2``
  from the hourly rollups (``rollup_1h``: each hour's mean irradiance times the
  time its samples cover, samples x poll interval, at most the hour and at
  most until now). A sensor is used when its samples cover at least
  :data:`MIN_SENSOR_COVERAGE` of the period: a sensor gap would leave
  irradiation out and raise the PR. Several sensors: the mean of those used.

- **Basis** (:func:`energymon.accounting.pv_yield.park_basis`): the figures
  are per DC peak power [kWp] when every configured pv inverter has its
  ``dc_peak_power_kwp``, else per rated AC kW for all of them (a park of mixed
  bases: ``mixed_basis``, and no DC-based figure is compared with an
  AC-based one). Decided over the configured inverters, not the complete
  ones, so the basis does not change when an inverter drops out.

Energies in Wh, irradiation in Wh/m2, rated powers in kW (DC peak powers in kWp), times UTC epoch ms.
Nothing missing is shown as zero: an inverter without counter data has no
energy (None), a PR without a usable sensor is None with the reason in
:attr:`PvPerformance.pr_note`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import Role
from energymon.accounting import pv_yield
from energymon.accounting.counters import counter_intervals, energy_per_bucket
from energymon.site_time import HOUR_MS, MINUTE_MS, midnight_ms
from energymon.store.reader import StoreReader
from energymon.views.overview import rollup_counter_readings
from energymon.views.site import DeviceInfo, SiteInfo

PERIODS = ("today", "month", "year")
COVERAGE_TOLERANCE_MS = 15 * MINUTE_MS  # data starting or ending this close to the period's edges is complete
MIN_SENSOR_COVERAGE = 0.95  # a sensor whose samples cover less of the period is not used for the PR

# Why the peer ratios are not given (PvPerformance.peer_note)
FEW_PEERS = "few_peers"  # fewer than pv_yield.MIN_PEERS inverters with complete data
LITTLE_YIELD = "little_yield"  # the median is below pv_yield.MIN_MEDIAN_YIELD_KWH_PER_KW (before sunrise)
# Why the PR is not given (PvPerformance.pr_note)
NO_SENSOR = "no_sensor"  # no meteo device is configured
NO_SENSOR_DATA = "no_sensor_data"  # the sensors have no irradiance in the period
SENSOR_GAPS = "sensor_gaps"  # no sensor covers MIN_SENSOR_COVERAGE of the period
LITTLE_IRRADIATION = "little_irradiation"  # below pv_yield.MIN_IRRADIATION_WH_M2 (dawn)
NO_COMPLETE_INVERTER = "no_complete_inverter"  # no inverter's data covers the period


@dataclass(frozen=True)
class InverterPerformance:
    """One inverter over the period. ``energy_wh`` None: no counter data in the period."""

    device_id: str
    name: str
    rated_power_kw: float  # AC, as configured
    energy_wh: float | None
    covered_ms: int  # the part of the period its counter data covers
    complete: bool  # the data covers the whole period: a peer, ranked
    specific_yield_kwh_per_kw: float | None
    peer_ratio: float | None = None  # specific yield / park median (complete inverters, enough peers)
    rank: int | None = None  # 1 = highest specific yield among the complete inverters
    performance_ratio: float | None = None  # a fraction (0.8 = 80 %)
    basis: str = pv_yield.BASIS_AC  # what the figures are per: pv_yield.BASIS_DC (kWp) or BASIS_AC (rated kW)
    basis_power_kw: float = 0.0  # the DC peak power [kWp] or the rated AC power [kW] the figures are per

    @property
    def full_load_hours_h(self) -> float | None:
        """Equivalent full-load hours [h]: the specific yield's number (kWh per basis kW)."""
        return self.specific_yield_kwh_per_kw

    @property
    def low(self) -> bool:
        """Below :data:`energymon.accounting.pv_yield.LOW_PEER_RATIO` of the park median."""
        return pv_yield.is_low(self.peer_ratio)


@dataclass(frozen=True)
class PvPerformance:
    """The PV performance of one period, from ``start_ms`` (a local midnight) to ``now_ms``.

    ``inverters``: ranked ones first (by rank), then the incomplete ones and those without data (config
    order). The park line (``park_*``) is over the complete inverters. ``basis``: what every figure is per
    (pv_yield.BASIS_DC: kWp, BASIS_AC: rated AC kW); ``mixed_basis``: only some inverters have a DC peak
    power, so all figures are per AC kW. ``irradiation_wh_m2``: the
    plane-of-array irradiation used for the PR (None: see ``pr_note``); ``sensor_coverage``: the best
    share of the period a sensor covers (None without sensor data).
    """

    period: str
    start_ms: int
    now_ms: int
    inverters: tuple[InverterPerformance, ...]
    park_energy_wh: float | None
    park_rated_kw: float
    park_specific_yield_kwh_per_kw: float | None
    park_performance_ratio: float | None
    median_kwh_per_kw: float | None
    peer_note: str | None
    sensors: tuple[str, ...]  # the site's meteo devices
    sensors_used: tuple[str, ...]
    irradiation_wh_m2: float | None
    sensor_coverage: float | None
    pr_note: str | None
    basis: str = pv_yield.BASIS_AC
    mixed_basis: bool = False
    park_basis_power_kw: float = 0.0  # the complete inverters' basis powers summed [kWp or kW]

    @property
    def complete_count(self) -> int:
        return sum(1 for i in self.inverters if i.complete)

    @property
    def incomplete(self) -> tuple[InverterPerformance, ...]:
        return tuple(i for i in self.inverters if not i.complete)

    @property
    def park_full_load_hours_h(self) -> float | None:
        return self.park_specific_yield_kwh_per_kw


def period_start_ms(period: str, now_ms: int, zone: ZoneInfo) -> int:
    """UTC epoch ms of the local midnight that starts ``period`` (today, month, year) at ``now_ms``."""
    today = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(zone).date()
    day = {"today": today, "month": today.replace(day=1), "year": today.replace(month=1, day=1)}[period]
    return midnight_ms(day, zone)


def _inverter_energy(
    reader: StoreReader, device: DeviceInfo, start_ms: int, today_ms: int, now_ms: int
) -> tuple[float | None, int]:
    """(energy [Wh] in ``[start_ms, now_ms]`` or None without counter data, the time [ms] the data covers)."""
    channel = reader.channel_id(device.id, "yield_wh")
    if channel is None:
        return None, 0
    ts, values = rollup_counter_readings(reader, channel, start_ms, today_ms, now_ms)
    if ts.size < 2:
        return None, 0
    rated_w = device.rated_power_kw * 1000.0 if device.rated_power_kw else None
    result = counter_intervals(ts, values, wrap_at_wh=reader.wrap_at(channel), max_power_w=rated_w)
    if not len(result):
        return None, 0
    bucket = energy_per_bucket(result, np.array([start_ms, now_ms + 1], dtype=np.int64))
    covered = int(bucket.covered_ms[0])
    if covered <= 0:
        return None, 0
    return float(bucket.energy_wh[0]), covered


def _irradiation(reader: StoreReader, sensor: DeviceInfo, start_ms: int, now_ms: int) -> tuple[float | None, float]:
    """(plane-of-array irradiation [Wh/m2] or None without samples, the share of the period covered 0..1)."""
    channel = reader.channel_id(sensor.id, "irradiance_w_m2")
    if channel is None:
        return None, 0.0
    rows = reader.rollup_rows(channel, "1h", ("bucket_ms", "n", "sum"), start_ms, now_ms, to_included=True)
    rows = [r for r in rows if r[1] and r[2] is not None]
    if not rows:
        return None, 0.0
    data = np.array(rows, dtype=np.float64)
    bucket, n, total = data[:, 0].astype(np.int64), data[:, 1], data[:, 2]
    poll_ms = sensor.poll_interval_s * 1000.0
    covered_ms = np.minimum(np.minimum(n * poll_ms, HOUR_MS), np.maximum(now_ms - bucket, 0))
    irradiation = float((total / n * covered_ms).sum() / HOUR_MS)
    return irradiation, float(covered_ms.sum()) / max(now_ms - start_ms, 1)


def pv_performance(reader: StoreReader, site: SiteInfo, period: str, now_ms: int) -> PvPerformance:
    """The PV performance of ``period`` (``today``, ``month`` or ``year``) up to ``now_ms``."""
    if period not in PERIODS:
        raise ValueError(f"period {period!r} is not one of {', '.join(PERIODS)}")
    zone = site.tz
    start_ms = period_start_ms(period, now_ms, zone)
    today_ms = period_start_ms("today", now_ms, zone)
    span_ms = now_ms - start_ms
    inverters = [d for d in site.devices if d.role is Role.PV]
    measured: dict[str, tuple[float | None, int]] = {
        d.id: _inverter_energy(reader, d, start_ms, today_ms, now_ms) for d in inverters
    }
    complete = {
        d.id
        for d in inverters
        if measured[d.id][0] is not None and measured[d.id][1] >= span_ms - COVERAGE_TOLERANCE_MS
    }
    dc_powers = [d.dc_peak_power_kwp for d in inverters]
    basis = pv_yield.park_basis(dc_powers)
    mixed = basis == pv_yield.BASIS_AC and any(p is not None for p in dc_powers)
    per_kw = {d.id: pv_yield.basis_power_kw(d.rated_power_kw, d.dc_peak_power_kwp, basis) for d in inverters}
    yields = {d.id: pv_yield.specific_yield_kwh_per_kw(measured[d.id][0], per_kw[d.id]) for d in inverters}
    peer_yields = {i: y for i, y in yields.items() if i in complete and y is not None}
    median, ratios = pv_yield.peer_ratios(peer_yields)
    peer_note = None
    if len(peer_yields) < pv_yield.MIN_PEERS:
        peer_note = FEW_PEERS
    elif not ratios:
        peer_note = LITTLE_YIELD
    ranks = {} if peer_note == LITTLE_YIELD else pv_yield.ranking(peer_yields)  # no ranking of zeros at night

    park_devices = [d for d in inverters if d.id in peer_yields]
    park_rated_kw = sum(d.rated_power_kw for d in park_devices)
    park_basis_kw = sum(per_kw[d.id] for d in park_devices)
    park_energy = sum(measured[d.id][0] or 0.0 for d in park_devices) if park_devices else None
    park_yield = pv_yield.specific_yield_kwh_per_kw(park_energy, park_basis_kw)

    sensors = [d for d in site.devices if d.role is Role.METEO]
    readings = {s.id: _irradiation(reader, s, start_ms, now_ms) for s in sensors}
    used = [s.id for s in sensors if readings[s.id][0] is not None and readings[s.id][1] >= MIN_SENSOR_COVERAGE]
    irradiation = sum(readings[s][0] or 0.0 for s in used) / len(used) if used else None
    coverages = [c for value, c in readings.values() if value is not None]
    pr_note = None
    if not sensors:
        pr_note = NO_SENSOR
    elif not coverages:
        pr_note = NO_SENSOR_DATA
    elif irradiation is None:
        pr_note = SENSOR_GAPS
    elif irradiation < pv_yield.MIN_IRRADIATION_WH_M2:
        pr_note = LITTLE_IRRADIATION
    elif park_yield is None:
        pr_note = NO_COMPLETE_INVERTER
    usable = irradiation if pr_note is None else None

    rows = []
    for d in inverters:
        energy, covered = measured[d.id]
        rows.append(
            InverterPerformance(
                d.id,
                d.name,
                d.rated_power_kw,
                energy,
                covered,
                d.id in peer_yields,
                yields[d.id],
                ratios.get(d.id),
                ranks.get(d.id),
                pv_yield.performance_ratio(yields[d.id], usable) if d.id in peer_yields else None,
                basis,
                per_kw[d.id],
            )
        )
    order = {d.id: i for i, d in enumerate(inverters)}
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, order[r.device_id]))
    return PvPerformance(
        period,
        start_ms,
        now_ms,
        tuple(rows),
        park_energy,
        park_rated_kw,
        park_yield,
        pv_yield.performance_ratio(park_yield, usable),
        median,
        peer_note,
        tuple(s.id for s in sensors),
        tuple(used),
        irradiation,
        max(coverages) if coverages else None,
        pr_note,
        basis,
        mixed,
        park_basis_kw,
    )
