"""The monthly report's figures, computed from the store alone (so any past month, any time, same numbers).

For each device the energy of each of its flows comes from its energy
counter (energymon.accounting.counters: wrap, reset and replaced-meter aware,
bounded by rated power, gaps spread over the gap); only a device without that
counter has its power integrated, and those intervals are counted as
estimated. Raw samples are used while they are kept; beyond the raw retention
the first and last readings of the 15-minute rollups stand in for them (the
same energy, a little less resolution at day boundaries). Of the raw samples
only those that decide a figure go through the counter rules: a quarter whose
every step is an ordinary increase is taken first to last reading
(energymon.report.counter_points: the same figures, far fewer intervals).

Each interval's energy is assigned to days (and 15-minute buckets) pro rata
to its overlap with them, in the site's time zone: a day's energy is the
counter's value interpolated at the next local midnight minus that at this
local midnight.

Stored data that cannot be read (a damaged block or page) is left out, so its
intervals count as missing (a counter delta across them is spread, not
covered), and the report lists it (``damaged``), with the data-quality
periods paired from the month's events (``quality_periods``).

Coverage: the share of device-intervals (15 minutes x devices) that have
data: counter samples, or power samples where energy is estimated from power
(those are also counted as estimated). Intervals bridged by a counter delta
across a gap have no data: their energy is right, but they are not covered.

The records it fills (:class:`MonthReport` and its parts) are defined in
energymon.report.figures.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

import energymon
from drivers.quantities import Role
from energymon.accounting import carbon, tariffs
from energymon.accounting.counters import (
    METHODS,
    SPREAD,
    EnergyResult,
    counter_intervals,
    energy_per_bucket,
    integrate_power,
)
from energymon.accounting.flows import FLOWS_BY_ROLE, Flows, demand_kw
from energymon.config.tariff import TariffError, tariff_of_config_text
from energymon.events import DEVICE_OFFLINE, DEVICE_RECOVERED
from energymon.report.counter_points import counter_quarter_intervals
from energymon.report.figures import (
    Costs,
    DayRow,
    DeviceMonth,
    EventRow,
    MonthReport,
    OfflinePeriod,
    ReportError,
)
from energymon.report.quality_periods import quality_periods
from energymon.site_time import FIRST_YEAR, LAST_YEAR, QUARTER_MS, midnight_ms
from energymon.store.reader import StoreReader

GAP_POLLS = 3  # consecutive samples further apart than this many poll intervals bracket a gap
EDGE_MARGIN_MS = 3_600_000  # samples read beyond the month, so intervals across its edges are apportioned


def month_bounds(month: str, zone: ZoneInfo) -> tuple[date, date]:
    """First day of ``YYYY-MM`` and first day of the next month; a ReportError outside the supported years."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ReportError(f"--month {month!r}: expected YYYY-MM, e.g. 2026-10") from None
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        raise ReportError(f"--month {month!r}: expected a month of the years {FIRST_YEAR} to {LAST_YEAR}")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


def report_cut_ms(start_ms: int, end_ms: int, now_ms: int) -> int | None:
    """Where a month in progress is reported up to: the end of its last complete 15 minutes before ``now_ms``
    (whole quarters from the month's local start), or None for a month that has ended. UTC epoch ms."""
    if now_ms >= end_ms:
        return None
    return start_ms + (now_ms - start_ms) // QUARTER_MS * QUARTER_MS


def _series(reader: StoreReader, channel: int, from_ms: int, to_ms: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Counter samples of [from_ms, to_ms): raw where kept, 15-minute rollup first/last points before that.

    Returns (ts_ms, values, whether rollup points were used).
    """
    ts, values = reader.read_raw(channel, from_ms, to_ms)
    raw_from = int(ts[0]) if ts.size else to_ms
    if raw_from - from_ms <= QUARTER_MS:
        return ts, values, False
    rows = reader.rollup_rows(
        channel,
        "15min",
        ("first_ts_ms", "first", "last_ts_ms", "last"),
        from_ms - from_ms % QUARTER_MS,
        last_before_ms=raw_from,
    )
    if not rows:
        return ts, values, False
    points = np.array(rows, dtype=np.float64)
    early_ts = np.column_stack((points[:, 0], points[:, 2])).ravel().astype(np.int64)
    early_v = np.column_stack((points[:, 1], points[:, 3])).ravel()
    keep = np.concatenate(([True], early_ts[1:] > early_ts[:-1]))  # a bucket with one sample: first == last
    early_ts, early_v = early_ts[keep], early_v[keep]
    keep = (early_ts >= from_ms) & (early_ts < raw_from)
    return np.concatenate((early_ts[keep], ts)), np.concatenate((early_v[keep], values)), True


def _device_flows(
    reader: StoreReader, device: dict, role: Role, from_ms: int, to_ms: int
) -> tuple[dict[str, EnergyResult], str]:
    """Energy intervals of each flow of a device, and how they were obtained."""
    poll_ms = int(float(device["poll_interval_s"]) * 1000)
    rated_w = float(device["rated_power_kw"]) * 1000 if device["rated_power_kw"] else None
    results: dict[str, EnergyResult] = {}
    methods = set()
    power = None
    for flow, quantity, sign in FLOWS_BY_ROLE[role]:
        channel = reader.channel_id(device["id"], quantity)
        ts = np.array([], dtype=np.int64)
        if channel is not None:
            ts, values, from_rollups = _series(reader, channel, from_ms, to_ms)
        if ts.size >= 2:
            gap_ms = GAP_POLLS * poll_ms + (QUARTER_MS if from_rollups else 0)
            assert channel is not None, "a series was read from it"
            wrap_at = reader.wrap_at(channel)  # a wrap keeps its energy; without the modulus it is a reset
            if from_rollups:
                results[flow] = counter_intervals(ts, values, wrap_at_wh=wrap_at, max_power_w=rated_w, gap_ms=gap_ms)
            else:  # from_ms is on the month's quarter grid (EDGE_MARGIN_MS is whole quarters)
                results[flow] = counter_quarter_intervals(
                    ts, values, from_ms, wrap_at_wh=wrap_at, max_power_w=rated_w, gap_ms=gap_ms
                )
            methods.add("counter (rollups)" if from_rollups else "counter")
            continue
        if power is None:  # no counter: integrate power (estimated)
            p_ts, p_w = reader.raw(device["id"], "power_w", from_ms, to_ms)
            power = integrate_power(p_ts, p_w, max_gap_ms=GAP_POLLS * poll_ms) if p_ts.size >= 2 else None
        if power is not None:
            results[flow] = power[0] if sign > 0 else power[1]
            methods.add("power integration (estimated)")
    return results, " + ".join(sorted(methods)) or "no data"


def _coverage(result: EnergyResult, edges: np.ndarray) -> np.ndarray:
    """Per bucket: covered by intervals with data (counter or power samples), not by a gap bridged by a counter."""
    measured = result.method != METHODS.index(SPREAD)
    subset = EnergyResult(
        result.start_ms[measured], result.end_ms[measured], result.energy_wh[measured], result.method[measured]
    )
    if not len(subset):
        return np.zeros(len(edges) - 1, dtype=bool)
    return energy_per_bucket(subset, edges).has_data


def months_with_data(reader: StoreReader) -> list[str]:
    """``YYYY-MM`` of every month (site time zone) with at least one day of data, newest first.

    Runs on the reader thread. Daily rollup buckets start at local midnights.
    """
    zone = reader.zone()
    days_ms = reader.day_buckets_ms()
    return sorted({datetime.fromtimestamp(ms / 1000, zone).strftime("%Y-%m") for ms in days_ms}, reverse=True)


def last_complete_month(today: date) -> str:
    """The month before ``today``'s, as ``YYYY-MM``."""
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


def default_month(months: list[str], today: date) -> str:
    """The last complete month if it has data, else the newest month that has (else the last complete one)."""
    last = last_complete_month(today)
    return last if last in months or not months else months[0]


def build_month_report(
    reader: StoreReader,
    month: str,
    coal: carbon.CoalFactor | None = None,
    now_ms: int | None = None,
    database: str = "",
) -> MonthReport:
    """The report of ``YYYY-MM`` in the site's time zone, from the database behind ``reader``, as of ``now_ms``
    (UTC epoch ms; the clock if None). ``database``: the file's name as the report states it.

    A month in progress is reported up to its last complete 15 minutes (``cut_ms``): only the days begun by
    then, coverage over the elapsed time only, nothing after it (an offline period still open ends there).
    A month that has not begun is a ReportError.
    """
    made_at_ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    site = reader.site()
    zone = ZoneInfo(site.get("timezone") or "UTC")
    first, following = month_bounds(month, zone)
    start_ms, end_ms = midnight_ms(first, zone), midnight_ms(following, zone)
    if made_at_ms < start_ms + QUARTER_MS:
        raise ReportError(f"--month {month}: the month has no complete 15 minutes yet ({zone}); nothing to report")
    cut_ms = report_cut_ms(start_ms, end_ms, made_at_ms)
    until_ms = end_ms if cut_ms is None else cut_ms  # the end of what is reported
    all_days = [first + timedelta(days=i) for i in range((following - first).days)]
    days = [d for d in all_days if midnight_ms(d, zone) < until_ms]
    day_edges = np.array([midnight_ms(d, zone) for d in days] + [until_ms], dtype=np.int64)
    quarter_edges = np.arange(start_ms, until_ms + 1, QUARTER_MS, dtype=np.int64)
    quarters_per_day = np.diff(np.searchsorted(quarter_edges, day_edges))

    day_flows = {f: np.zeros(len(days)) for f in Flows.__dataclass_fields__}
    quarter = {f: np.zeros(len(quarter_edges) - 1) for f in Flows.__dataclass_fields__}
    consumption_q = np.zeros(len(quarter_edges) - 1)
    covered = np.zeros(len(days))
    possible = np.zeros(len(days))
    estimated = np.zeros(len(days), dtype=np.int64)
    spread = np.zeros(len(days), dtype=np.int64)
    with_data = np.zeros(len(days), dtype=bool)  # any energy interval of any device overlaps the day
    devices_out = []
    for device in sorted(reader.devices(), key=lambda d: (d["role"], d["id"])):
        role = Role(device["role"])
        if not FLOWS_BY_ROLE[role]:
            continue  # a weather sensor: no energy, so neither a row nor coverage of the report
        results, method = _device_flows(reader, device, role, start_ms - EDGE_MARGIN_MS, until_ms + EDGE_MARGIN_MS)
        energy = {}
        device_cover = np.zeros(len(quarter_edges) - 1, dtype=bool)
        device_est = np.zeros(len(quarter_edges) - 1, dtype=bool)
        device_spread = np.zeros(len(quarter_edges) - 1, dtype=bool)
        device_data = np.zeros(len(quarter_edges) - 1, dtype=bool)
        for flow, result in results.items():
            per_quarter = energy_per_bucket(result, quarter_edges) if len(result) else None
            if per_quarter is None:
                energy[flow] = 0.0
                continue
            per_day = np.add.reduceat(per_quarter.energy_wh, np.searchsorted(quarter_edges, day_edges[:-1]))
            day_flows[flow] += per_day
            energy[flow] = float(per_day.sum())
            if flow in quarter:
                quarter[flow] += per_quarter.energy_wh
            sign = {
                "pv_wh": 1,
                "grid_import_wh": 1,
                "grid_export_wh": -1,
                "storage_discharge_wh": 1,
                "storage_charge_wh": -1,
            }.get(flow, 0)
            consumption_q += sign * per_quarter.energy_wh
            device_cover |= _coverage(result, quarter_edges)
            device_data |= per_quarter.has_data
            device_est |= per_quarter.estimated
            device_spread |= per_quarter.spread & ~per_quarter.estimated
        starts = np.searchsorted(quarter_edges, day_edges[:-1])
        covered += np.add.reduceat(device_cover.astype(np.int64), starts)
        possible += quarters_per_day
        estimated += np.add.reduceat(device_est.astype(np.int64), starts)
        spread += np.add.reduceat(device_spread.astype(np.int64), starts)
        with_data |= np.add.reduceat(device_data.astype(np.int64), starts) > 0
        n_quarters = len(quarter_edges) - 1
        devices_out.append(
            DeviceMonth(
                device["id"],
                device["name"],
                role,
                float(device["rated_power_kw"] or 0.0),
                energy,
                method,
                float(100.0 * device_cover.sum() / n_quarters),
                int(device_est.sum()),
                int(device_spread.sum()),
            )
        )

    factor = float(site.get("emission_factor_kg_per_kwh") or 0.0)
    coal = coal or carbon.coal_factor()
    if coal is None:
        raise ReportError("no built-in coal factor: energymon/data/emission_factors.toml has no [[coal]] row")
    rows = []
    for i, day in enumerate(days):
        flows = Flows(**{f: float(v[i]) for f, v in day_flows.items()})
        rows.append(
            DayRow(
                day,
                flows,
                carbon.avoided_co2_kg(flows.pv_wh, factor),
                carbon.coal_saved_kgce(flows.pv_wh, coal.kgce_per_kwh),
                float(100.0 * covered[i] / possible[i]) if possible[i] else 0.0,
                int(estimated[i]),
                int(spread[i]),
                bool(with_data[i]),
            )
        )
    total_flows = Flows(**{f: float(v.sum()) for f, v in day_flows.items()})
    total = DayRow(
        None,
        total_flows,
        carbon.avoided_co2_kg(total_flows.pv_wh, factor),
        carbon.coal_saved_kgce(total_flows.pv_wh, coal.kgce_per_kwh),
        float(100.0 * covered.sum() / possible.sum()) if possible.sum() else 0.0,
        int(estimated.sum()),
        int(spread.sum()),
    )
    peak_kw = peak_at = None
    if any(d.role is Role.GRID for d in devices_out) and quarter["grid_import_wh"].size:
        k = int(np.argmax(quarter["grid_import_wh"]))
        peak_kw, peak_at = demand_kw(float(quarter["grid_import_wh"][k])), int(quarter_edges[k])
    events = tuple(reader.events_between(start_ms, until_ms))
    before = tuple(reader.last_events_before((DEVICE_OFFLINE, DEVICE_RECOVERED), start_ms))
    return MonthReport(
        site.get("name", ""),
        str(zone),
        month,
        start_ms,
        end_ms,
        tuple(rows),
        total,
        tuple(devices_out),
        peak_kw,
        peak_at,
        factor,
        site.get("emission_factor_source", ""),
        coal.kgce_per_kwh,
        coal.source,
        events,
        offline_periods(before + events),
        tuple(quarter["grid_import_wh"].tolist()),
        tuple(consumption_q.tolist()),
        tuple(quarter["grid_export_wh"].tolist()),
        _costs(site, zone, quarter_edges[:-1], quarter, peak_kw),
        quality_periods(events),
        tuple(reader.damaged_spans(start_ms, until_ms)),
        cut_ms,
        made_at_ms,
        energymon.__version__,
        database,
    )


def recorded_tariff(site: dict) -> tariffs.Tariff | None:
    """The ``[tariff]`` of the config text the database records (site ``config_toml``), or None."""
    try:
        return tariff_of_config_text(site.get("config_toml"))
    except TariffError as exc:
        raise ReportError(f"the tariff recorded in the database is not valid: {exc}") from None


def _costs(
    site: dict, zone: ZoneInfo, quarter_starts: np.ndarray, quarter: dict[str, np.ndarray], peak_kw: float | None
) -> Costs | None:
    tariff = recorded_tariff(site)
    if tariff is None:
        return None
    periods = tariffs.period_of_buckets(tariff, quarter_starts, zone)
    imported = quarter["grid_import_wh"].tolist()
    saved = tariffs.savings(
        tariff,
        periods,
        pv_wh=quarter["pv_wh"].tolist(),
        import_wh=imported,
        export_wh=quarter["grid_export_wh"].tolist(),
        charge_wh=quarter["storage_charge_wh"].tolist(),
        discharge_wh=quarter["storage_discharge_wh"].tolist(),
    )
    return Costs(
        tariff.name or "",
        tariff.currency,
        tariffs.cost_by_period(imported, periods, tariff.prices_per_kwh),
        saved,
        peak_kw,
        tariffs.demand_charge(peak_kw, tariff),
    )


def offline_periods(events: tuple[EventRow, ...]) -> tuple[OfflinePeriod, ...]:
    """Pairs of device_offline -> device_recovered per device, oldest first; one still open at the end of the
    events has no end. ``events`` in time order: to list a period that began before the month, they start with
    each device's last offline/recovered event before it."""
    open_since: dict[str, int] = {}
    periods = []
    for event in events:
        if event.device_id is None:
            continue
        if event.kind == DEVICE_OFFLINE and event.device_id not in open_since:
            open_since[event.device_id] = event.ts_ms
        elif event.kind == DEVICE_RECOVERED and event.device_id in open_since:
            periods.append(OfflinePeriod(event.device_id, open_since.pop(event.device_id), event.ts_ms))
    periods += [OfflinePeriod(d, t, None) for d, t in open_since.items()]
    return tuple(sorted(periods, key=lambda p: (p.start_ms, p.device_id)))
