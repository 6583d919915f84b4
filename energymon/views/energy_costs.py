"""What the energy of a day, month or year cost and saved on the site's tariff (read on the reader thread).

The tariff is the ``[tariff]`` of the config the database records (as the
monthly report uses it). The flows are read per bucket with
:func:`energymon.views.energy_buckets.flow_buckets`: hourly (``rollup_1h``)
when every period of the tariff changes on a whole hour (then an hour's energy
has one price, and the figures equal the quarter-hour ones), else per quarter
hour (``rollup_15min``). :func:`energymon.accounting.tariffs.savings` gives the
import cost, the export revenue and what PV and storage saved, by the same
definitions as the monthly report.

Demand: the highest 15-minute mean grid import of the span [kW] (from the
grid meters' quarter-hour rollups when the energy is priced per hour). The
demand charge is monthly (最大需量 per billing month): a month's is
``demand_charge(peak of the month)``; a day has a peak but no charge of its
own (None). A year is the sum of its months (money, and the demand charges
each at its month's peak; the peak is the highest month's). A complete month's
figures are kept per database and tariff for the process's life, so a year
and its comparisons are read once, not on every look.

Money in the tariff's currency, energies in Wh, powers in kW, times UTC epoch ms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from energymon.accounting import tariffs
from energymon.config.tariff import tariff_of_config_text
from energymon.site_time import HOUR_MS, QUARTER_MS
from energymon.store.reader import StoreReader
from energymon.views.energy_buckets import BALANCE_FLOWS, flow_buckets
from energymon.views.energy_periods import Period
from energymon.views.site import SiteInfo


@dataclass(frozen=True)
class PeriodCosts:
    """The span ``[start_ms, end_ms)`` on the tariff (see the module docstring)."""

    start_ms: int
    end_ms: int
    tariff_name: str
    currency: str
    savings: tariffs.Savings
    peak_demand_kw: float | None
    demand_charge: float | None  # None: a day, no demand rate, or no grid import data
    resolution: str  # "1h" or "15min": the buckets priced

    @property
    def energy_cost(self) -> float:
        """What the grid import cost less what the export earned."""
        return self.savings.import_cost - self.savings.export_revenue


def site_tariff(reader: StoreReader) -> tariffs.Tariff | None:
    """The tariff the database records (None: none; TariffError: not valid)."""
    return tariff_of_config_text(reader.site().get("config_toml"))


def _edges(start_ms: int, end_ms: int, step_ms: int) -> list[int]:
    return list(range(start_ms, end_ms, step_ms)) + [end_ms]


def _peak_kw(reader: StoreReader, site: SiteInfo, start_ms: int, end_ms: int) -> float | None:
    """The highest 15-minute mean grid import [kW] of ``[start_ms, end_ms)``, None without grid data."""
    edges = _edges(start_ms, end_ms, QUARTER_MS)
    flow = flow_buckets(reader, site, "15min", edges, end_ms, ("grid_import_wh",))["grid_import_wh"]
    return tariffs.peak_demand_kw([float(v) if seen else None for v, seen in zip(flow.energy_wh, flow.has_data)])


def _span_costs(
    reader: StoreReader, site: SiteInfo, tariff: tariffs.Tariff, start_ms: int, end_ms: int, monthly: bool
) -> PeriodCosts:
    """``[start_ms, end_ms)`` (within one billing month; ``monthly``: the demand charge applies) on ``tariff``."""
    zone = site.tz
    hourly = tariffs.changes_on_whole_hours(tariff)
    interval, step_ms = ("1h", HOUR_MS) if hourly else ("15min", QUARTER_MS)
    periods: list[str] = []
    series: dict[str, list[float]] = {f: [] for f in BALANCE_FLOWS}
    peak = None
    if end_ms > start_ms:
        edges = _edges(start_ms, end_ms, step_ms)
        flows = flow_buckets(reader, site, interval, edges, end_ms, BALANCE_FLOWS)
        periods = tariffs.period_of_buckets(tariff, np.asarray(edges[:-1], dtype=np.int64), zone)
        series = {f: flows[f].energy_wh.tolist() for f in BALANCE_FLOWS}
        imported = flows["grid_import_wh"]
        if hourly:  # the demand is per quarter hour: the grid meters' own quarter-hour rollups
            peak = _peak_kw(reader, site, start_ms, end_ms)
        elif imported.has_data.any():
            peak = tariffs.peak_demand_kw(
                [float(v) if seen else None for v, seen in zip(imported.energy_wh, imported.has_data)]
            )
    saved = tariffs.savings(
        tariff,
        periods,
        pv_wh=series["pv_wh"],
        import_wh=series["grid_import_wh"],
        export_wh=series["grid_export_wh"],
        charge_wh=series["storage_charge_wh"],
        discharge_wh=series["storage_discharge_wh"],
    )
    if hourly:  # savings' demand figure needs quarter hours: the page does not show it
        saved = replace(saved, demand_saved=None)
    charge = tariffs.demand_charge(peak, tariff) if monthly else None
    return PeriodCosts(start_ms, end_ms, tariff.name or "", tariff.currency, saved, peak, charge, interval)


_MONTHS: dict[tuple, PeriodCosts] = {}  # complete months' costs: (database, tariff, start, end) -> costs
MAX_CACHED_MONTHS = 600


def _month_costs(
    reader: StoreReader, site: SiteInfo, tariff: tariffs.Tariff, start_ms: int, end_ms: int, month_end_ms: int
) -> PeriodCosts:
    """One month up to ``end_ms``; a complete month is computed once per database and tariff (a year view and
    its comparisons read twelve months each, the next look at them none)."""
    key = (str(reader.path), site.name, repr(tariff), start_ms, end_ms)
    cached = _MONTHS.get(key) if end_ms == month_end_ms else None
    if cached is not None:
        return cached
    costs = _span_costs(reader, site, tariff, start_ms, end_ms, monthly=True)
    if end_ms == month_end_ms:
        if len(_MONTHS) >= MAX_CACHED_MONTHS:
            forget_months()
        _MONTHS[key] = costs
    return costs


def forget_months() -> None:
    """Drop the kept months' costs (a benchmark's first look; a database whose past was rewritten)."""
    _MONTHS.clear()


def _sum(parts: list[PeriodCosts], start_ms: int, end_ms: int, tariff: tariffs.Tariff, interval: str) -> PeriodCosts:
    """A year from its months: money and buckets add up, demand is the highest month's, charges add up."""
    saved = [p.savings for p in parts]
    demand = [s.demand_saved for s in saved]
    total = tariffs.Savings(
        **{f: sum(getattr(s, f) for s in saved) for f in ("baseline_cost", "import_cost", "export_revenue")},
        total_saved=sum(s.total_saved for s in saved),
        pv_saved=sum(s.pv_saved for s in saved),
        storage_saved=sum(s.storage_saved for s in saved),
        demand_saved=None if not demand or None in demand else sum(d or 0.0 for d in demand),
        buckets=sum(s.buckets for s in saved),
        buckets_skipped=sum(s.buckets_skipped for s in saved),
    )
    peaks = [p.peak_demand_kw for p in parts if p.peak_demand_kw is not None]
    charges = [p.demand_charge for p in parts if p.demand_charge is not None]
    return PeriodCosts(
        start_ms,
        end_ms,
        tariff.name or "",
        tariff.currency,
        total,
        max(peaks) if peaks else None,
        sum(charges) if charges else None,
        interval,
    )


def period_costs(
    reader: StoreReader, site: SiteInfo, tariff: tariffs.Tariff, period: Period, until_ms: int
) -> PeriodCosts:
    """``period`` from its start to ``until_ms`` (at most its end) on ``tariff``; a year is the sum of its
    months (each month's demand charge at its own peak)."""
    zone = site.tz
    start = period.start_ms(zone)
    end = max(start, min(until_ms, period.end_ms(zone)))
    if period.kind == "day":
        return _span_costs(reader, site, tariff, start, end, monthly=False)
    months = (
        [period] if period.kind == "month" else [Period("month", period.first.replace(month=m)) for m in range(1, 13)]
    )
    parts = []
    for month in months:
        month_start, month_end = month.start_ms(zone), month.end_ms(zone)
        if month_start >= end:
            break
        parts.append(_month_costs(reader, site, tariff, month_start, min(month_end, end), month_end))
    if period.kind == "month":
        return parts[0] if parts else _span_costs(reader, site, tariff, start, end, monthly=True)
    interval = "1h" if tariffs.changes_on_whole_hours(tariff) else "15min"
    return _sum(parts, start, end, tariff, interval)
