"""Time-of-use electricity tariffs (分时电价): the optional ``[tariff]`` table of a site config, and costs.

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

Rules, checked when the config is loaded (every message names the field):

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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

import numpy as np

from energymon.store.rollups import DAY_MS, QUARTER_MS, local_offsets_ms

PERIODS = ("sharp", "peak", "flat", "valley", "deep_valley")  # dearest first
PERIOD_NAMES_ZH = {"sharp": "尖峰", "peak": "高峰", "flat": "平段", "valley": "低谷", "deep_valley": "深谷"}
QUARTERS_PER_DAY = 96
WH_PER_KWH = 1000.0
HOURS_PER_QUARTER = 0.25
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})$")
_SEPARATORS = re.compile(r"[,，、;；]")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class TariffError(ValueError):
    """An invalid ``[tariff]`` table (when parsed on its own, not through energymon.config.parse)."""


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


def _period_table(tariff: Tariff) -> np.ndarray:
    """(12, 96) array of indices into PERIODS."""
    index = {p: i for i, p in enumerate(PERIODS)}
    return np.array([[index[p] for p in month] for month in tariff.schedule], dtype=np.int8)


def period_of_buckets(tariff: Tariff, bucket_starts_utc_ms: Sequence[int] | np.ndarray, tz: tzinfo) -> list[str]:
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
    return names[codes].tolist()


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


# -- the [tariff] table ---------------------------------------------------------------------------------------------


def tariff_from_dict(data: dict, where: str = "tariff") -> Tariff:
    """A tariff from the parsed TOML of a ``[tariff]`` table; raises TariffError naming the field."""
    from energymon.config.parse import _Parser  # config imports this module: import when called

    class _TariffChecks(_Parser):
        """The config parser's typed getters, raising TariffError without a file name."""

        def __init__(self) -> None:
            pass

        def error(self, field_path: str, message: str) -> TariffError:
            return TariffError(f"{field_path}: {message}")

    tariff = parse_tariff(_TariffChecks(), data, where)
    if tariff is None:
        raise TariffError(f"{where}: missing table")
    return tariff


def parse_tariff(parser: Any, t: Any, where: str = "tariff") -> Tariff | None:
    """Validate a ``[tariff]`` table with the config parser's helpers; None if absent."""
    if t is None:
        return None
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table")
    parser.no_unknown(
        t, where, {"name", "currency", "demand_charge_per_kw_month", "export_price_per_kwh", "prices", "periods"}
    )
    name = parser.text(t, "name", where, required=False)
    currency = parser.text(t, "currency", where, default="CNY")
    if not _CURRENCY.match(currency):
        raise parser.error(f"{where}.currency", f"expected a three-letter ISO 4217 code such as CNY, got {currency!r}")
    demand = parser.number(t, "demand_charge_per_kw_month", where, 0, 10_000, required=False)
    export = parser.number(t, "export_price_per_kwh", where, 0, 100, required=False)
    prices = _prices(parser, t.get("prices"), f"{where}.prices")
    schedule = _schedule(parser, t.get("periods"), prices, where)
    return Tariff(
        prices_per_kwh=prices,
        schedule=schedule,
        currency=currency,
        name=name,
        demand_charge_per_kw_month=None if demand is None else float(demand),
        export_price_per_kwh=None if export is None else float(export),
    )


def _unknown_period(name: str) -> str:
    return f"unknown period '{name}' (expected one of: {', '.join(PERIODS)})"


def _prices(parser: Any, t: Any, where: str) -> dict[str, float]:
    if t is None:
        raise parser.error(where, "missing table: a price per kWh for each period used, e.g. peak = 0.90")
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table of period = price per kWh")
    for key in t:
        if key not in PERIODS:
            raise parser.error(f"{where}.{key}", _unknown_period(key))
    if not t:
        raise parser.error(where, "expected at least one price")
    prices = {p: float(parser.number(t, p, where, 0, 100)) for p in PERIODS if p in t}
    ordered = list(prices.items())
    for (dearer, dearer_price), (cheaper, price) in zip(ordered, ordered[1:]):
        if price > dearer_price:
            raise parser.error(
                f"{where}.{cheaper}", f"{price:g} is above {dearer} {dearer_price:g} (expected {' >= '.join(PERIODS)})"
            )
    return prices


def _spans(parser: Any, value: Any, where: str) -> list[tuple[str, list[int]]]:
    """``"HH:MM-HH:MM, ..."`` (or a list of such) -> [(span text, local quarters it covers)]."""
    if isinstance(value, str):
        texts = [s.strip() for s in _SEPARATORS.split(value)]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        texts = [s.strip() for v in value for s in _SEPARATORS.split(v)]
    else:
        raise parser.error(where, f'expected "HH:MM-HH:MM" spans separated by commas, got {value!r}')
    texts = [text for text in texts if text]  # a trailing comma is harmless
    if not texts:
        raise parser.error(where, f'expected "HH:MM-HH:MM" spans separated by commas, got {value!r}')
    spans = []
    for text in texts:
        m = _SPAN.match(text)
        if not m:
            raise parser.error(where, f"'{text}' is not HH:MM-HH:MM (local time, e.g. 23:00-07:00)")
        h0, m0, h1, m1 = (int(g) for g in m.groups())
        if h0 > 23 or m0 > 59 or h1 > 24 or m1 > 59 or (h1 == 24 and m1):
            raise parser.error(where, f"'{text}' is not a time of day (00:00..24:00)")
        if m0 % 15 or m1 % 15:
            raise parser.error(where, f"'{text}': minutes must be 00, 15, 30 or 45 (15-minute steps)")
        start, end = h0 * 4 + m0 // 15, h1 * 4 + m1 // 15
        if start == end % QUARTERS_PER_DAY and not (start == 0 and end == QUARTERS_PER_DAY):
            raise parser.error(where, f"'{text}' is empty (write 00:00-24:00 for a whole day)")
        quarters = (
            list(range(start, end))
            if start < end
            else list(range(start, QUARTERS_PER_DAY)) + list(range(0, end % QUARTERS_PER_DAY))
        )
        spans.append((f"{_clock(start)}-{_clock(end)}", quarters))
    return spans


def _months(parser: Any, row: dict, where: str) -> list[int]:
    months = row.get("months", list(range(1, 13)))
    if not isinstance(months, list) or not months:
        raise parser.error(f"{where}.months", f"expected a list of months 1..12, got {months!r}")
    for m in months:
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise parser.error(f"{where}.months", f"{m!r} is not a month (expected 1..12)")
    duplicates = sorted({m for m in months if months.count(m) > 1})
    if duplicates:
        raise parser.error(f"{where}.months", f"month {duplicates[0]} is listed twice")
    return months


def _month_list(months: Sequence[int]) -> str:
    return ", ".join(MONTH_NAMES[m - 1] for m in sorted(months))


def _schedule(parser: Any, rows: Any, prices: dict[str, float], where: str) -> tuple[tuple[str, ...], ...]:
    at_rows = f"{where}.periods"
    if rows is None:
        raise parser.error(at_rows, "missing: at least one [[tariff.periods]] row (months and hours)")
    if not isinstance(rows, list) or not rows:
        raise parser.error(at_rows, "expected [[tariff.periods]] rows")
    # who[month][quarter] = (row index, period, span text) of the row that set it
    who: list[list[tuple[int, str, str] | None]] = [[None] * QUARTERS_PER_DAY for _ in range(12)]
    for i, row in enumerate(rows):
        at = f"{at_rows}[{i}]"
        if not isinstance(row, dict):
            raise parser.error(at, "expected a table")
        parser.no_unknown(row, at, {"months", "hours", "override"})
        months = _months(parser, row, at)
        override = row.get("override", False)
        if not isinstance(override, bool):
            raise parser.error(f"{at}.override", "expected true or false")
        hours = row.get("hours")
        if not isinstance(hours, dict) or not hours:
            raise parser.error(
                f"{at}.hours", 'expected a table of period = "HH:MM-HH:MM", e.g. { peak = "08:00-11:30" }'
            )
        day: list[tuple[str, str] | None] = [None] * QUARTERS_PER_DAY
        for period, value in hours.items():
            field = f"{at}.hours.{period}"
            if period not in PERIODS:
                raise parser.error(field, _unknown_period(period))
            if period not in prices:
                raise parser.error(field, f"period '{period}' has no price in {where}.prices")
            for text, quarters in _spans(parser, value, field):
                for q in quarters:
                    if day[q] is not None:
                        other_period, other_text = day[q]
                        other = other_text if other_period == period else f"{other_period} {other_text}"
                        raise parser.error(field, f"{text} overlaps {other} in the same row")
                    day[q] = (period, text)
        # Later rows: no overlap with earlier rows unless override = true.
        for q, slot in enumerate(day):
            if slot is None:
                continue
            period, text = slot
            if not override:
                clashes = [m for m in months if who[m - 1][q] is not None]
                if clashes:
                    j, other_period, other_text = who[clashes[0] - 1][q]
                    same = [m for m in clashes if who[m - 1][q] == (j, other_period, other_text)]
                    raise parser.error(
                        f"{at}.hours.{period}",
                        f"{text} overlaps {at_rows}[{j}].hours.{other_period} {other_text} in {_month_list(same)} "
                        f"(set override = true in {at} if it is meant to replace it there)",
                    )
            for m in months:
                who[m - 1][q] = (i, period, text)
    for m in range(12):
        if None in who[m]:
            start = who[m].index(None)
            end = start
            while end < QUARTERS_PER_DAY and who[m][end] is None:
                end += 1
            months = [k + 1 for k in range(12) if all(who[k][q] is None for q in range(start, end))]
            span = f"{_clock(start)}-{_clock(end)}"
            when = f"{span} in every month" if len(months) == 12 else f"{_month_list(months)} {span}"
            raise parser.error(at_rows, f"{when} has no period (every 15 minutes of every month needs exactly one)")
    return tuple(tuple(slot[1] for slot in month) for month in who)  # type: ignore[index]
