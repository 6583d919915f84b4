"""What the Energy page shows of one day, month or year: energy per bucket and flow, totals, KPIs, comparisons.

Runs on the reader thread. The buckets are those of an
:class:`energymon.views.energy_periods.Period` (a day's hours, a month's days,
a year's months, local time), read by
:func:`energymon.views.energy_buckets.flow_buckets` from the rollups (``1h``
for a day, ``1d`` for a month or a year). Consumption per bucket follows
PRODUCT.md: ``pv + grid_import - grid_export + storage_discharge -
storage_charge``; a flow without devices at the site (no storage) counts 0.

A period in progress is read up to ``now_ms``; the buckets after it are
*future* (no data, not a gap). A bucket is **missing** when no device of any
flow has data in it, **partial** when some device of a flow with devices has
no reading in it (its bars are drawn apart and the page names the devices).

Comparisons: the previous period and the same period a year before
(:meth:`~energymon.views.energy_periods.Period.shifted`,
:meth:`~energymon.views.energy_periods.Period.year_before`). While the shown
period is in progress they are counted over the same elapsed time from their
start (e.g. this month's first 3 days 14 hours against last month's), so a
comparison never sets a part against a whole; the last, partial bucket of that
span is read from the next finer rollup (``1h`` for months and years, ``15min``
for days).

Energies in Wh (>= 0 per flow, in its own direction), CO2 in kg, shares in %,
times UTC epoch ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from energymon.accounting import carbon
from energymon.accounting.flows import FLOWS_BY_ROLE, self_consumption_pct, self_sufficiency_pct
from energymon.site_time import HOUR_MS, QUARTER_MS
from energymon.store.reader import StoreReader
from energymon.views.energy_buckets import BALANCE_FLOWS, FlowBuckets, flow_buckets
from energymon.views.energy_periods import INTERVAL_OF_KIND, Period
from energymon.views.site import SiteInfo

CONSUMPTION_SIGNS = {
    "pv_wh": 1,
    "grid_import_wh": 1,
    "grid_export_wh": -1,
    "storage_discharge_wh": 1,
    "storage_charge_wh": -1,
}
COVER_TOLERANCE_POLLS = 2  # the newest data may be this many poll intervals older than now and cover it ...
COVER_TOLERANCE_SHARE = 0.01  # ... and a device may miss this share of a bucket (a few polls a day in a month)
FINER = {"1d": ("1h", HOUR_MS), "1h": ("15min", QUARTER_MS)}  # the rollup a partial last bucket is read from


@dataclass(frozen=True)
class EnergyTotals:
    """The flows over ``[start_ms, end_ms)`` [Wh]; a flow is None where none of its devices has data (or the
    site has no device of it: then ``configured`` lacks it); ``complete``: every device of the flow reported
    in every bucket of the span."""

    start_ms: int
    end_ms: int
    energy_wh: dict[str, float | None]
    complete: dict[str, bool]
    configured: tuple[str, ...]  # the flows the site has devices for
    emission_factor_kg_per_kwh: float

    def flow_wh(self, flow: str) -> float | None:
        """A flow's energy [Wh]: 0 for a flow the site has no device of, None where its devices lack data."""
        if flow not in self.configured:
            return 0.0
        return self.energy_wh.get(flow)

    @property
    def has_data(self) -> bool:
        return any(self.energy_wh.get(f) is not None for f in self.configured)

    @property
    def consumption_wh(self) -> float | None:
        """Site consumption [Wh] (PRODUCT.md), None when a configured flow has no data at all."""
        parts = [self.flow_wh(f) for f in CONSUMPTION_SIGNS]
        if any(p is None for p in parts) or not self.has_data:
            return None
        return float(sum(CONSUMPTION_SIGNS[f] * (p or 0.0) for f, p in zip(CONSUMPTION_SIGNS, parts)))

    @property
    def consumption_complete(self) -> bool:
        return all(self.complete.get(f, True) for f in self.configured)

    @property
    def self_consumption_pct(self) -> float | None:
        pv, export = self.flow_wh("pv_wh"), self.flow_wh("grid_export_wh")
        return None if pv is None or export is None else self_consumption_pct(pv, export)

    @property
    def self_sufficiency_pct(self) -> float | None:
        consumption, imported = self.consumption_wh, self.flow_wh("grid_import_wh")
        return None if consumption is None or imported is None else self_sufficiency_pct(consumption, imported)

    @property
    def avoided_co2_kg(self) -> float | None:
        pv = self.flow_wh("pv_wh")
        if pv is None or "pv_wh" not in self.configured:
            return None
        return carbon.avoided_co2_kg(pv, self.emission_factor_kg_per_kwh)


@dataclass(frozen=True)
class EnergyView:
    """One period on the Energy page. ``until_ms``: the end of what is counted (``now_ms`` in a period in
    progress, else the period's end); arrays are per bucket of ``edges_ms``."""

    period: Period
    now_ms: int
    until_ms: int
    edges_ms: tuple[int, ...]
    labels: tuple[int, ...]
    flows: dict[str, FlowBuckets]
    tolerance_ms: int  # see short_of
    totals: EnergyTotals
    previous: EnergyTotals
    year_before: EnergyTotals

    @property
    def in_progress(self) -> bool:
        return self.edges_ms[0] <= self.now_ms < self.edges_ms[-1]

    @property
    def future(self) -> np.ndarray:
        """Per bucket: it starts at or after ``now_ms`` (nothing to show yet, not a gap)."""
        return np.asarray(self.edges_ms[:-1]) >= self.now_ms

    @property
    def configured(self) -> tuple[str, ...]:
        return self.totals.configured

    @property
    def has_data(self) -> np.ndarray:
        """Per bucket: some device of some flow has data in it."""
        result = np.zeros(len(self.labels), dtype=bool)
        for flow in self.configured:
            result |= self.flows[flow].has_data
        return result

    @property
    def missing(self) -> np.ndarray:
        """Per bucket: elapsed, and no data at all."""
        return ~self.has_data & ~self.future

    def short(self, flow: str) -> np.ndarray:
        """Per bucket: elapsed, and some device of ``flow`` has data for less of it (a partial sum)."""
        return short_of(self.flows[flow], self.edges_ms, self.until_ms, self.tolerance_ms)

    @property
    def partial(self) -> np.ndarray:
        """Per bucket with data: some device of a configured flow does not cover it (its sums are partial)."""
        result = np.zeros(len(self.labels), dtype=bool)
        for flow in self.configured:
            result |= self.short(flow)
        return result & self.has_data

    def consumption_wh(self) -> np.ndarray:
        """Consumption per bucket [Wh]; NaN where a configured flow has no data in the bucket, or where partial
        sums give a negative consumption (grid data ending before the storage's, say): not computable there."""
        total = np.zeros(len(self.labels))
        valid = self.has_data.copy()
        for flow, sign in CONSUMPTION_SIGNS.items():
            if flow in self.configured:
                total += sign * self.flows[flow].energy_wh
                valid &= self.flows[flow].has_data
        valid &= ~(self.partial & (total < 0))
        return np.where(valid, total, np.nan)

    def incomplete_devices(self) -> dict[str, int]:
        """Device -> how many elapsed buckets it has no reading in (devices of configured flows; a device whose
        data ends early in a bucket is not named, the bucket is partial all the same)."""
        elapsed = ~self.future & self.has_data  # a bucket nobody has data in is missing, not partial
        counts: dict[str, int] = {}
        for flow in self.configured:
            for device_id, lacking in self.flows[flow].unreported.items():
                n = int((lacking & elapsed).sum())
                if n:
                    counts[device_id] = max(counts.get(device_id, 0), n)
        return counts

    def estimated_devices(self) -> tuple[str, ...]:
        return tuple(sorted({d for f in self.configured for d in self.flows[f].estimated}))


def _configured(site: SiteInfo) -> tuple[str, ...]:
    present = {flow for d in site.devices for flow, _q, _s in FLOWS_BY_ROLE[d.role]}
    return tuple(f for f in BALANCE_FLOWS if f in present)


def tolerance_ms(site: SiteInfo) -> int:
    """How much older than now the newest data may be and still cover up to now: two of the longest poll."""
    return int(COVER_TOLERANCE_POLLS * max((d.poll_interval_s for d in site.devices), default=5.0) * 1000)


def short_of(buckets: FlowBuckets, edges_ms: Sequence[int], until_ms: int, tolerance: int) -> np.ndarray:
    """Per bucket: elapsed, and some device's data covers less of it than it should: the whole bucket up to
    ``until_ms - tolerance`` [ms], less :data:`COVER_TOLERANCE_SHARE` of it."""
    edges = np.asarray(edges_ms, dtype=np.int64)
    span = np.clip(np.minimum(edges[1:], until_ms) - edges[:-1], 0, None)
    needed = np.clip(np.minimum(edges[1:], until_ms - tolerance) - edges[:-1], 0, None)
    return (span > 0) & (buckets.covered_ms < needed - COVER_TOLERANCE_SHARE * span)


Part = tuple[dict[str, FlowBuckets], Sequence[int]]  # flows per bucket, and the buckets' edges


def _totals(parts: list[Part], start_ms: int, end_ms: int, configured: tuple[str, ...], site: SiteInfo) -> EnergyTotals:
    energy: dict[str, float | None] = {}
    complete: dict[str, bool] = {}
    tolerance = tolerance_ms(site)
    for flow in BALANCE_FLOWS:
        seen = any(bool(b[flow].has_data.any()) for b, _e in parts)
        energy[flow] = float(sum(float(b[flow].energy_wh.sum()) for b, _e in parts)) if seen else None
        short = any(bool(short_of(b[flow], e, end_ms, tolerance).any()) for b, e in parts)
        complete[flow] = seen and not short
    return EnergyTotals(start_ms, end_ms, energy, complete, configured, site.emission_factor_kg_per_kwh)


def span_totals(reader: StoreReader, site: SiteInfo, period: Period, until_ms: int) -> EnergyTotals:
    """The flows of ``period`` from its start to ``until_ms`` (at most its end): its whole buckets from the
    period's rollup, a last partial bucket from the next finer one."""
    zone = site.tz
    configured = _configured(site)
    interval = INTERVAL_OF_KIND[period.kind]
    edges = period.edges_ms(zone)
    end = min(until_ms, edges[-1])
    whole = [e for e in edges if e <= end]
    parts: list[Part] = []
    if len(whole) >= 2:
        parts.append((flow_buckets(reader, site, interval, whole, end), whole))
    if whole[-1] < end:
        finer, step_ms = FINER[interval]
        tail = list(range(whole[-1], end, step_ms)) + [end]
        parts.append((flow_buckets(reader, site, finer, tail, end), tail))
    return _totals(parts, edges[0], end, configured, site)


def energy_view(reader: StoreReader, site: SiteInfo, period: Period, now_ms: int) -> EnergyView:
    """The Energy page's figures of ``period`` as of ``now_ms`` (UTC epoch ms; nothing after it is read)."""
    zone = site.tz
    edges = period.edges_ms(zone)
    until_ms = min(now_ms, edges[-1])
    flows = flow_buckets(reader, site, INTERVAL_OF_KIND[period.kind], edges, until_ms)
    configured = _configured(site)
    totals = _totals([(flows, edges)], edges[0], until_ms, configured, site)
    elapsed_ms = max(until_ms - edges[0], 0)
    compared = []
    for other in (period.shifted(-1), period.year_before()):
        start = other.start_ms(zone)
        compared.append(span_totals(reader, site, other, start + elapsed_ms if elapsed_ms else start))
    return EnergyView(
        period,
        now_ms,
        until_ms,
        tuple(edges),
        tuple(period.bucket_labels(zone)),
        flows,
        tolerance_ms(site),
        totals,
        compared[0],
        compared[1],
    )
