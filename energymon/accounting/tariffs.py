"""Time-of-use electricity tariffs (分时电价): periods, costs, savings, demand charge (pure).

The ``[tariff]`` table of a site config is read by energymon.config.tariff.
A tariff names, for every 15 minutes of the day in every month, one *period*
from a closed vocabulary, and gives each period a price per kWh imported::

    [tariff]
    name = "Example two-part 1-10 kV tariff (illustrative)"   # free text, shown in the report
    currency = "CNY"                     # ISO 4217 code of every price below (default CNY)
    demand_charge_per_kw_month = 30.0    # optional: 需量电价 [currency/kW/month] on the month's peak 15-min import
    export_price_per_kwh = 0.35          # optional: what exported energy earns [currency/kWh]

    [tariff.prices]                      # [currency/kWh] imported
    sharp = 1.08                         # 尖峰
    peak = 0.90                          # 高峰
    flat = 0.60                          # 平段
    valley = 0.30                        # 低谷
    # deep_valley = 0.24                 # 深谷

    [[tariff.periods]]
    months = [1,2,3,4,5,6,7,8,9,10,11,12]          # default: all twelve
    hours = { valley = "23:00-07:00", flat = "07:00-08:00, 11:30-17:00, 22:00-23:00",
              peak = "08:00-11:30, 17:00-22:00" }
    [[tariff.periods]]
    months = [1, 7, 8, 12]
    override = true                      # replaces what earlier rows say, for these hours in these months
    hours = { sharp = "19:00-21:00" }

Rules, checked when the config is loaded (energymon.config.tariff; every message names the field):

- period names are ``sharp``, ``peak``, ``flat``, ``valley``, ``deep_valley``;
- every period used in ``tariff.periods`` has a price; prices are ordered
  sharp >= peak >= flat >= valley >= deep_valley (a typo guard);
- times are the site's local wall-clock time (``site.timezone``), ``"HH:MM-HH:MM"``
  with minutes 00, 15, 30 or 45; an end before the start runs past midnight;
  ``24:00`` ends a day; several spans are separated by commas (``,``, ``，`` or ``、``);
- within one row no two spans overlap; a later row may not overlap an earlier
  row in the same month unless it says ``override = true``, then it wins there;
- every 15 minutes of every month end up in exactly one period.

Every day of the week and public holidays are treated alike (no weekday rule).

Timestamps are UTC epoch milliseconds (``*_utc_ms``), energy in Wh per
15-minute bucket (``*_wh``), power in kW, prices in the tariff's currency.
Pure functions; numpy for the bucket lookup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

import numpy as np
import numpy.typing as npt

from energymon.site_time import DAY_MS, QUARTER_MS, local_offsets_ms

PERIODS = ("sharp", "peak", "flat", "valley", "deep_valley")  # dearest first
QUARTERS_PER_DAY = 96
WH_PER_KWH = 1000.0
HOURS_PER_QUARTER = 0.25

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Tariff:
    """A validated time-of-use tariff.

    ``schedule[month - 1][quarter]`` is the period in force during local
    quarter-hour ``quarter`` (0 = 00:00-00:15 .. 95 = 23:45-24:00) of every day
    of ``month``; ``prices_per_kwh`` holds a price for every period in it.
    """

    prices_per_kwh: dict[str, float]
    schedule: tuple[tuple[str, ...], ...]
    currency: str = "CNY"
    name: str | None = None
    demand_charge_per_kw_month: float | None = None
    export_price_per_kwh: float | None = None


# -- lookups -------------------------------------------------------------------------------------------------------


def period_at(tariff: Tariff, local_datetime: datetime) -> str:
    """The period in force at a site-local wall-clock time.

    Parameters
    ----------
    tariff : Tariff
    local_datetime : datetime
        Local time at the site (naive, or aware in the site's zone: only its
        month, hour and minute are read). A span ``"08:00-11:30"`` holds from
        08:00 inclusive to 11:30 exclusive.
    """
    quarter = local_datetime.hour * 4 + local_datetime.minute // 15
    return tariff.schedule[local_datetime.month - 1][quarter]


def _period_table(tariff: Tariff) -> npt.NDArray[np.int8]:
    """(12, 96) array of indices into PERIODS."""
    index = {p: i for i, p in enumerate(PERIODS)}
    return np.array([[index[p] for p in month] for month in tariff.schedule], dtype=np.int8)


def period_of_buckets(
    tariff: Tariff, bucket_starts_utc_ms: Sequence[int] | npt.NDArray[np.int64], tz: tzinfo
) -> list[str]:
    """The period of each 15-minute bucket, by its start.

    Parameters
    ----------
    bucket_starts_utc_ms : sequence of int
        Starts of 15-minute buckets [UTC epoch ms], as in the ``rollup_15min``
        table; each must be a local quarter hour (true of every bucket when the
        zone's UTC offsets are whole quarter hours, as all in use are).
    tz : tzinfo
        The site's time zone (``config.site.tz``); the schedule is in its wall-clock time.

    Returns
    -------
    list of str, one period per bucket, in input order. Raises ValueError for a
    start that is not on a quarter hour.
    """
    ts = np.asarray(bucket_starts_utc_ms, dtype=np.int64)
    if ts.size == 0:
        return []
    local_ms = ts + local_offsets_ms(ts, tz)
    if np.any(local_ms % QUARTER_MS):
        bad = int(ts[np.flatnonzero(local_ms % QUARTER_MS)[0]])
        raise ValueError(f"bucket start {bad} ms is not on a local quarter hour")
    days = local_ms // DAY_MS
    quarters = (local_ms % DAY_MS) // QUARTER_MS
    unique_days, inverse = np.unique(days, return_inverse=True)
    month_of_day = np.array([date.fromordinal(_EPOCH_ORDINAL + int(d)).month for d in unique_days], dtype=np.int64)
    codes = _period_table(tariff)[month_of_day[inverse] - 1, quarters]
    names = np.array(PERIODS, dtype=object)
    periods: list[str] = names[codes].tolist()
    return periods


def changes_on_whole_hours(tariff: Tariff) -> bool:
    """Whether every period of the schedule starts and ends on a whole local hour, so hourly energies priced by
    the period of each hour's start cost exactly what their quarter hours would."""
    return all(len(set(day[q : q + 4])) == 1 for day in tariff.schedule for q in range(0, QUARTERS_PER_DAY, 4))


def day_windows(tariff: Tariff, month: int) -> list[tuple[str, str]]:
    """The periods of a day in ``month`` (1..12) as ``(period, "HH:MM-HH:MM")`` runs from 00:00, for display."""
    day = tariff.schedule[month - 1]
    runs = []
    start = 0
    for q in range(1, QUARTERS_PER_DAY + 1):
        if q == QUARTERS_PER_DAY or day[q] != day[start]:
            runs.append((day[start], f"{_clock(start)}-{_clock(q)}"))
            start = q
    return runs


# -- money ---------------------------------------------------------------------------------------------------------


def cost_by_period(
    import_wh_per_bucket: Sequence[float | None], periods: Sequence[str], prices_per_kwh: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """Grid import energy and its cost per period.

    Parameters
    ----------
    import_wh_per_bucket : sequence of float or None
        Energy imported from the grid in each 15-minute bucket [Wh]; None (no
        data) buckets are left out.
    periods : sequence of str
        Period of each bucket (:func:`period_of_buckets`), same length.
    prices_per_kwh : dict
        Price of each period [currency/kWh] (``tariff.prices_per_kwh``).

    Returns
    -------
    ``{period: (energy_kwh, cost)}`` for every period that occurs in ``periods``,
    dearest first; cost in the tariff's currency.
    """
    _same_length(periods, import_wh=import_wh_per_bucket)
    energy_wh: dict[str, list[float]] = {}
    for wh, period in zip(import_wh_per_bucket, periods):
        values = energy_wh.setdefault(period, [])
        if wh is not None:
            values.append(float(wh))
    result = {}
    for period in sorted(energy_wh, key=_rank):
        if period not in prices_per_kwh:
            raise ValueError(f"no price for period '{period}'")
        kwh = math.fsum(energy_wh[period]) / WH_PER_KWH
        result[period] = (kwh, kwh * prices_per_kwh[period])
    return result


def peak_demand_kw(import_wh_per_bucket: Sequence[float | None]) -> float | None:
    """Highest 15-minute average import power [kW]: the billing demand (最大需量) of those buckets.

    ``import_wh_per_bucket`` [Wh per 15-minute bucket]; None buckets are left
    out; None if there is no data.
    """
    values = [float(wh) for wh in import_wh_per_bucket if wh is not None]
    if not values:
        return None
    return max(values) / WH_PER_KWH / HOURS_PER_QUARTER


def demand_charge(peak_15min_kw: float | None, tariff: Tariff) -> float | None:
    """Demand charge (需量电费) of one billing month [currency].

    ``peak_15min_kw`` [kW] is the month's highest 15-minute average import
    (:func:`peak_demand_kw` of the month's buckets). None when the tariff has
    no ``demand_charge_per_kw_month`` or there is no peak.
    """
    if tariff.demand_charge_per_kw_month is None or peak_15min_kw is None:
        return None
    return max(peak_15min_kw, 0.0) * tariff.demand_charge_per_kw_month


@dataclass(frozen=True)
class Savings:
    """What PV and storage saved on the energy bill, in the tariff's currency (see :func:`savings`)."""

    baseline_cost: float  # consumption x import price: the bill had every kWh of the load been imported
    import_cost: float  # grid import x import price
    export_revenue: float  # grid export x export price (0 without export_price_per_kwh)
    total_saved: float  # baseline_cost - (import_cost - export_revenue) = pv_saved + storage_saved
    pv_saved: float  # PV energy kept on site x import price + exported energy x export price
    storage_saved: float  # (discharge - charge) x import price: the worth of shifting energy in time
    demand_saved: float | None  # (peak 15-min consumption - peak 15-min import) x demand rate; None without one
    buckets: int  # buckets counted
    buckets_skipped: int  # buckets left out because a quantity was None


def savings(
    tariff: Tariff,
    periods: Sequence[str],
    *,
    pv_wh: Sequence[float | None],
    import_wh: Sequence[float | None],
    export_wh: Sequence[float | None],
    charge_wh: Sequence[float | None] | None = None,
    discharge_wh: Sequence[float | None] | None = None,
) -> Savings:
    """What the PV and the storage saved over a run of 15-minute buckets (one billing month, typically).

    Every argument is per 15-minute bucket, in the order of ``periods``
    [Wh, >= 0 each]: PV generation, grid import, grid export, storage charge
    and discharge (None for a site without storage: zeros). A bucket where any
    of them is None is left out (counted in ``buckets_skipped``).

    Definitions (p = import price of the bucket's period, e = export price, 0 if not set):

    - consumption = pv + import - export + discharge - charge (PRODUCT.md);
    - baseline_cost = sum(consumption x p): the load had it all been imported;
    - total_saved = baseline_cost - (sum(import x p) - sum(export x e));
    - pv_saved = sum((pv - export) x p) + sum(export x e): PV energy used on
      site or stored is worth the import price of the quarter it was made in,
      exported energy the export price;
    - storage_saved = sum((discharge - charge) x p): energy released at the
      price of its quarter less energy taken in at the price of its quarter
      (arbitrage; the round-trip loss counts against it; PV energy stored
      was already credited to PV at the price of its own quarter);
    - pv_saved + storage_saved = total_saved exactly (the energy balance);
    - demand_saved = (max consumption - max import) per 15 minutes [kW] x
      demand rate: not split between PV and storage, not in total_saved.
    """
    n = len(periods)
    zeros = [0.0] * n
    charge = zeros if charge_wh is None else charge_wh
    discharge = zeros if discharge_wh is None else discharge_wh
    _same_length(
        periods, pv_wh=pv_wh, import_wh=import_wh, export_wh=export_wh, charge_wh=charge, discharge_wh=discharge
    )
    e = tariff.export_price_per_kwh or 0.0
    baseline, imported, exported, pv_terms, storage_terms = [], [], [], [], []
    consumption_wh, import_kept_wh = [], []
    skipped = 0
    for period, pv, imp, exp, ch, dis in zip(periods, pv_wh, import_wh, export_wh, charge, discharge):
        if pv is None or imp is None or exp is None or ch is None or dis is None:
            skipped += 1
            continue
        p = tariff.prices_per_kwh[period] / WH_PER_KWH  # per Wh
        load = pv + imp - exp + dis - ch
        consumption_wh.append(load)
        import_kept_wh.append(imp)
        baseline.append(load * p)
        imported.append(imp * p)
        exported.append(exp * e / WH_PER_KWH)
        pv_terms.append((pv - exp) * p + exp * e / WH_PER_KWH)
        storage_terms.append((dis - ch) * p)
    baseline_cost, import_cost, export_revenue = math.fsum(baseline), math.fsum(imported), math.fsum(exported)
    demand_saved = None
    if tariff.demand_charge_per_kw_month is not None and consumption_wh:
        delta_kw = (max(consumption_wh) - max(import_kept_wh)) / WH_PER_KWH / HOURS_PER_QUARTER
        demand_saved = delta_kw * tariff.demand_charge_per_kw_month
    return Savings(
        baseline_cost=baseline_cost,
        import_cost=import_cost,
        export_revenue=export_revenue,
        total_saved=baseline_cost - (import_cost - export_revenue),
        pv_saved=math.fsum(pv_terms),
        storage_saved=math.fsum(storage_terms),
        demand_saved=demand_saved,
        buckets=n - skipped,
        buckets_skipped=skipped,
    )


def _same_length(periods: Sequence[str], **series: Sequence[Any]) -> None:
    for name, values in series.items():
        if len(values) != len(periods):
            raise ValueError(f"{name} has {len(values)} buckets, periods has {len(periods)}")


def _rank(period: str) -> int:
    return PERIODS.index(period) if period in PERIODS else len(PERIODS)


def _clock(quarter: int) -> str:
    return f"{quarter // 4:02d}:{quarter % 4 * 15:02d}"
