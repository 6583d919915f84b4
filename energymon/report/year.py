"""The annual report's figures: the year made of its monthly reports, one per month that has begun.

Each month of the year is built by :func:`energymon.report.month.build_month_report`, exactly as its own
monthly report is, so a month's row of the annual report is that monthly report's total row, to the last
digit (same data, same rounding; :mod:`energymon.report.year_table` rounds). A month that had not begun when
the report was made (site time) is not a row; the year is then *in progress* and says so. A month that has
begun but has no data at all is a row whose values are empty (unknown, never 0).

The year's figures that are not sums come from the months: the peak 15-minute demand is the highest month's
(with when), the coverage is over every device-interval of the months reported (each month weighted by its
device-intervals), the carbon factors are those the site records (the same in every month), stated with
their data year when they are built-in factors (energymon/data/emission_factors.toml).

Times are UTC epoch ms, energies Wh, masses kg, as in :mod:`energymon.report.figures`.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from energymon.accounting import carbon
from energymon.accounting.flows import Flows
from energymon.report.figures import DayRow, DeviceMonth, MonthReport, ReportError
from energymon.report.month import build_month_report, months_with_data
from energymon.site_time import FIRST_YEAR, LAST_YEAR, QUARTER_MS, midnight_ms
from energymon.store.reader import StoreReader

MONTH_THREADS = 2  # months built side by side (a year's report is twelve monthly reports)
FACTOR_TOLERANCE = 5e-5  # a recorded factor equals a built-in one printed with 4 decimals


@dataclass(frozen=True)
class YearReport:
    """A year of a site: its monthly reports (the months begun when it was made, January first) and the factors."""

    site_name: str
    timezone: str
    year: int
    start_ms: int  # local midnight of 1 January
    end_ms: int  # local midnight of 1 January of the next year
    months: tuple[MonthReport, ...]  # the months begun, in order; each is that month's monthly report
    made_at_ms: int  # when the report was made (decides which months have begun)
    emission_factor_kg_per_kwh: float
    emission_factor_source: str
    emission_factor_year: int | None  # the factor's data year; None: not a built-in factor (explicit in the config)
    coal_factor_kgce_per_kwh: float
    coal_factor_source: str
    coal_factor_year: int | None

    @property
    def in_progress(self) -> bool:
        """The year had not ended when the report was made: later months are not rows, the last may be partial."""
        return self.made_at_ms < self.end_ms

    @property
    def reported_end_ms(self) -> int:
        """The end of what the report covers: the year's end, or that of its last month's report."""
        return self.months[-1].reported_end_ms if self.months else self.start_ms

    @property
    def total(self) -> DayRow:
        """The year's figures unrounded (flows, carbon, coverage, intervals), as a month's ``total`` is."""
        flows = Flows()
        for month in self.months:
            if month_has_data(month):
                flows = flows + month.total.flows
        with_data = [m for m in self.months if month_has_data(m)]
        return DayRow(
            None,
            flows,
            sum(m.total.avoided_co2_kg for m in with_data),
            sum(m.total.coal_saved_kgce for m in with_data),
            year_coverage_pct(self.months),
            sum(m.total.estimated_intervals for m in self.months),
            sum(m.total.spread_intervals for m in self.months),
            has_data=bool(with_data),
        )

    @property
    def peak_month(self) -> MonthReport | None:
        """The month of the year's highest 15-minute demand (the first of equals), None without a grid meter."""
        with_peak = [m for m in self.months if m.peak_demand_kw is not None and month_has_data(m)]
        return max(with_peak, key=lambda m: m.peak_demand_kw or 0.0) if with_peak else None


def month_has_data(month: MonthReport) -> bool:
    """Whether any device had any energy interval in the month (measured, spread over a gap or estimated).

    A month without one is a row with empty values. A spread interval has no coverage, so both are looked at.
    """
    if not any(day.has_data for day in month.days):
        return False
    return month.total.coverage_pct > 0 or month.total.spread_intervals > 0 or month.total.estimated_intervals > 0


def device_intervals(month: MonthReport) -> int:
    """The device-intervals (15 minutes x devices) the month's report covers: its coverage's denominator."""
    return len(month.devices) * max(0, month.reported_end_ms - month.start_ms) // QUARTER_MS


def year_coverage_pct(months: tuple[MonthReport, ...]) -> float:
    """Share [%] of the device-intervals of all ``months`` that have data (each month weighted by its own)."""
    possible = sum(device_intervals(m) for m in months)
    covered = sum(m.total.coverage_pct / 100.0 * device_intervals(m) for m in months)
    return 100.0 * covered / possible if possible else 0.0


def year_devices(report: YearReport) -> tuple[DeviceMonth, ...]:
    """Each device over the year: its energy per flow summed over the months, coverage over its device-intervals,
    estimated and spread intervals summed, the methods of all months (one :class:`DeviceMonth` per device)."""
    by_id: dict[str, list[tuple[DeviceMonth, int]]] = {}
    for month in report.months:
        quarters = device_intervals(month) // max(1, len(month.devices))
        for device in month.devices:
            by_id.setdefault(device.device_id, []).append((device, quarters))
    out = []
    for device_id, parts in by_id.items():
        last = parts[-1][0]
        energy: dict[str, float] = {}
        for device, _ in parts:
            for flow, wh in device.energy_wh.items():
                energy[flow] = energy.get(flow, 0.0) + wh
        methods = {part for device, _ in parts for part in device.method.split(" + ") if part != "no data"}
        quarters = sum(q for _, q in parts)
        covered = sum(device.coverage_pct / 100.0 * q for device, q in parts)
        out.append(
            DeviceMonth(
                device_id,
                last.name,
                last.role,
                last.rated_power_kw,
                energy,
                " + ".join(sorted(methods)) or "no data",
                100.0 * covered / quarters if quarters else 0.0,
                sum(device.estimated_intervals for device, _ in parts),
                sum(device.spread_intervals for device, _ in parts),
            )
        )
    return tuple(sorted(out, key=lambda d: (d.role.value, d.device_id)))


def parse_year(text: str) -> int:
    """``--year YYYY`` as a number, from FIRST_YEAR to LAST_YEAR (site_time); otherwise a ReportError of one line
    naming the argument (not four digits, or a year energymon does not report)."""
    if not re.fullmatch(r"\d{4}", text.strip()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ReportError(f"--year {text!r}: expected YYYY from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026")
    return int(text)


def years_with_data(reader: StoreReader) -> list[int]:
    """Every year (site time zone) with at least one day of data, newest first. Runs on the reader thread."""
    return sorted({int(month[:4]) for month in months_with_data(reader)}, reverse=True)


def default_year(years: list[int], today: date) -> int:
    """The last complete year if it has data, else the newest year that has (else the last complete one)."""
    last = today.year - 1
    return last if last in years or not years else years[0]


def _factor_year(kg_per_kwh: float, source: str) -> int | None:
    """The data year of the built-in grid factor the site records (same value and source), else None."""
    for factor in carbon.builtin_factors():
        if factor.source == source and abs(factor.kg_per_kwh - kg_per_kwh) < FACTOR_TOLERANCE:
            return factor.year
    return None


def _coal_year(kgce_per_kwh: float, source: str) -> int | None:
    for factor in carbon.builtin_coal_factors():
        if factor.source == source and abs(factor.kgce_per_kwh - kgce_per_kwh) < FACTOR_TOLERANCE:
            return factor.year
    return None


def _month_reports(reader: StoreReader, months: list[str], now_ms: int, database: str) -> tuple[MonthReport, ...]:
    """The monthly reports of ``months``, in order, built :data:`MONTH_THREADS` at a time.

    A month's figures are mostly the reading and decoding of its raw samples (SQLite, zlib and numpy, which
    let other threads run), so the months of a year are read side by side, each through its own read-only
    connection (a StoreReader of the same file; a connection is not shared between threads); this thread
    builds months too, on ``reader`` itself, taking the next month whenever it is free. Each month is built
    exactly as its own monthly report."""

    built: dict[str, MonthReport] = {}
    waiting = deque(months)  # taken one month at a time by whichever thread is free (popleft is atomic)

    def drain(month_reader: StoreReader) -> None:
        while True:
            try:
                month = waiting.popleft()
            except IndexError:
                return
            built[month] = build_month_report(month_reader, month, now_ms=now_ms, database=database)

    def drain_alone() -> None:
        month_reader = StoreReader(reader.path)
        try:
            drain(month_reader)
        finally:
            month_reader.close()

    threads = min(MONTH_THREADS, os.cpu_count() or 1, len(months))
    with ThreadPoolExecutor(max(1, threads - 1), thread_name_prefix="year-report") as pool:  # and this thread
        helpers = [pool.submit(drain_alone) for _ in range(threads - 1)]
        try:
            drain(reader)
        except BaseException:
            waiting.clear()  # the other threads stop after the month they are on
            raise
        for helper in helpers:
            helper.result()  # a month's error is raised here as it would be alone
    return tuple(built[m] for m in months)


def build_year_report(reader: StoreReader, year: int, now_ms: int | None = None, database: str = "") -> YearReport:
    """The annual report of ``year`` (site time zone) from the database behind ``reader``, as of ``now_ms``
    (UTC epoch ms; the clock if None): one monthly report for each month begun by then."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReportError(f"--year {year}: expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    made_at_ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    zone = reader.zone()
    start_ms, end_ms = midnight_ms(date(year, 1, 1), zone), midnight_ms(date(year + 1, 1, 1), zone)
    begun = [m for m in range(1, 13) if midnight_ms(date(year, m, 1), zone) < made_at_ms]
    if not begun:
        raise ReportError(f"--year {year}: the year has not begun yet ({zone})")
    months = _month_reports(reader, [f"{year}-{m:02d}" for m in begun], made_at_ms, database)
    first_month = months[0]
    return YearReport(
        first_month.site_name,
        first_month.timezone,
        year,
        start_ms,
        end_ms,
        months,
        made_at_ms,
        first_month.emission_factor_kg_per_kwh,
        first_month.emission_factor_source,
        _factor_year(first_month.emission_factor_kg_per_kwh, first_month.emission_factor_source),
        first_month.coal_factor_kgce_per_kwh,
        first_month.coal_factor_source,
        _coal_year(first_month.coal_factor_kgce_per_kwh, first_month.coal_factor_source),
    )
