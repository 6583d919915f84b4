"""The annual report's tables as Decimals: one row per month, then the year's total (columns of docs/reports.md).

The one form of the year's figures that every file takes (CSV, XLSX, PDF), built by :func:`year_table`.

A month's row is its monthly report's total row as that report's CSV prints it
(:func:`energymon.report.daily.daily_table`: each day rounded, the month the sum of its rounded days), plus
its peak 15-minute demand (kW, 0.001) and its days without data. A month without any data has empty values
(None). The year's additive columns are the sums of the month rows as printed, so the file adds up exactly;
its shares come from those sums, its coverage is over all device-intervals of the year
(:func:`energymon.report.year.year_coverage_pct`), its peak is the highest month's.

Beside it, per month: the costs on the site's tariff (money rounded to 0.01, the year the sum of the rounded
months) and the data-quality counts (events, offline periods, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from energymon.accounting.flows import self_consumption_pct, self_sufficiency_pct
from energymon.events import SEVERITIES, WARNING
from energymon.report.daily import ADDITIVE, CENTI, MILLI, daily_table, rounded
from energymon.report.figures import MonthReport
from energymon.report.year import YearReport, month_has_data, year_coverage_pct

COLUMNS = (
    "month",
    "pv_kwh",
    "consumption_kwh",
    "metered_load_kwh",
    "grid_import_kwh",
    "grid_export_kwh",
    "storage_charge_kwh",
    "storage_discharge_kwh",
    "self_consumption_pct",
    "self_sufficiency_pct",
    "avoided_co2_kg",
    "coal_saved_kgce",
    "peak_demand_kw",
    "coverage_pct",
    "days_without_data",
)
FROM_MONTH_TOTAL = COLUMNS[1:12] + ("coverage_pct",)  # taken from the monthly report's total row as it is
COST_COLUMNS = ("import_cost", "export_revenue", "energy_cost", "demand_charge", "pv_saved", "storage_saved")
QUALITY_COLUMNS = (
    "coverage_pct",
    "days_without_data",
    "estimated_intervals",
    "spread_intervals",
    "offline_periods",
    "quality_periods",
    "damaged_spans",
    "events",
    "warnings",
)


@dataclass(frozen=True)
class MonthRow:
    """One row of the monthly table; ``month`` (YYYY-MM) None for the year's total."""

    month: str | None
    values: dict[str, Decimal | None]  # the columns from pv_kwh to coverage_pct; None: empty (unknown, undefined)
    days_without_data: int
    has_data: bool  # False: no data at all in the month (its values are empty)

    def value(self, column: str) -> Decimal | int | None:
        """The value of a column other than ``month``."""
        if column == "days_without_data":
            return self.days_without_data
        if column not in self.values:
            raise KeyError(column)
        return self.values[column]


@dataclass(frozen=True)
class CostRow:
    """A month's bill on the tariff (``month`` None for the year): money rounded to 0.01, None without a demand rate."""

    month: str | None
    values: dict[str, Decimal | None]  # COST_COLUMNS


@dataclass(frozen=True)
class YearTable:
    months: tuple[MonthRow, ...]
    total: MonthRow
    costs: tuple[CostRow, ...]  # empty without a tariff recorded with the site; else the months, then the year
    currency: str
    quality: tuple[dict[str, Decimal | int], ...]  # QUALITY_COLUMNS per month (same order as ``months``), year last

    @property
    def rows(self) -> tuple[MonthRow, ...]:
        """The months, then the total: the rows of the CSV."""
        return (*self.months, self.total)


def _kw(value: float | None) -> Decimal | None:
    return None if value is None else rounded(value, MILLI)


def month_row(month: MonthReport) -> MonthRow:
    """The month's row: its monthly report's total row as printed, its peak demand, its days without data."""
    total = daily_table(month).total
    values: dict[str, Decimal | None] = {c: total.value(c) for c in FROM_MONTH_TOTAL}
    values["peak_demand_kw"] = _kw(month.peak_demand_kw)
    has_data = month_has_data(month)
    if not has_data:  # unknown, not 0; the coverage (0 %) is known
        values = dict.fromkeys(values, None) | {"coverage_pct": rounded(month.total.coverage_pct, CENTI)}
    days_without = len(month.days) if not has_data else month.days_without_data
    return MonthRow(month.month, values, days_without, has_data)


def _total_row(report: YearReport, months: list[MonthRow]) -> MonthRow:
    with_data = [row for row in months if row.has_data]
    values: dict[str, Decimal | None] = {}
    for column in ADDITIVE:
        present = [v for row in with_data if (v := row.values[column]) is not None]
        values[column] = sum(present, Decimal(0)) if with_data else None
    share: dict[str, Decimal | None] = {"self_consumption_pct": None, "self_sufficiency_pct": None}
    if with_data:
        pv, export = values["pv_kwh"], values["grid_export_kwh"]
        consumption, imported = values["consumption_kwh"], values["grid_import_kwh"]
        assert pv is not None and export is not None and consumption is not None and imported is not None
        sc = self_consumption_pct(float(pv), float(export))
        ss = self_sufficiency_pct(float(consumption), float(imported))
        share = {
            "self_consumption_pct": None if sc is None else rounded(sc, CENTI),
            "self_sufficiency_pct": None if ss is None else rounded(ss, CENTI),
        }
    values |= share
    peak = report.peak_month
    values["peak_demand_kw"] = _kw(peak.peak_demand_kw) if peak is not None else None
    values["coverage_pct"] = rounded(year_coverage_pct(report.months), CENTI)
    ordered = {c: values[c] for c in COLUMNS[1:-1]}
    return MonthRow(None, ordered, sum(row.days_without_data for row in months), bool(with_data))


def _money(value: float | None) -> Decimal | None:
    return None if value is None else rounded(value, CENTI)


def _costs(report: YearReport) -> tuple[tuple[CostRow, ...], str]:
    months = [m for m in report.months if m.costs is not None]
    if not months:
        return (), ""
    rows = []
    for month in months:
        costs = month.costs
        assert costs is not None
        saved = costs.savings
        raw = {
            "import_cost": saved.import_cost,
            "export_revenue": saved.export_revenue,
            "energy_cost": costs.energy_cost,
            "demand_charge": costs.demand_charge,
            "pv_saved": saved.pv_saved,
            "storage_saved": saved.storage_saved,
        }
        if not month_has_data(month):
            raw = dict.fromkeys(raw)
        rows.append(CostRow(month.month, {c: _money(v) for c, v in raw.items()}))
    total: dict[str, Decimal | None] = {}
    for column in COST_COLUMNS:
        present = [v for row in rows if (v := row.values[column]) is not None]
        total[column] = sum(present, Decimal(0)) if present else None
    assert months[0].costs is not None
    return (*rows, CostRow(None, total)), months[0].costs.currency


def quality_counts(month: MonthReport, row: MonthRow) -> dict[str, Decimal | int]:
    """The month's data-quality figures: coverage as printed, then counts."""
    warning = SEVERITIES.index(WARNING)
    coverage = row.values["coverage_pct"]
    return {
        "coverage_pct": coverage if coverage is not None else Decimal(0),
        "days_without_data": row.days_without_data,
        "estimated_intervals": month.total.estimated_intervals,
        "spread_intervals": month.total.spread_intervals,
        "offline_periods": len(month.offline_periods),
        "quality_periods": len(month.quality_periods),
        "damaged_spans": len(month.damaged),
        "events": len(month.events),
        "warnings": sum(1 for e in month.events if e.severity in SEVERITIES[warning:]),
    }


def year_table(report: YearReport) -> YearTable:
    """The annual report's tables: the month rows, the year's total, the costs and the data-quality counts."""
    months = [month_row(m) for m in report.months]
    total = _total_row(report, months)
    costs, currency = _costs(report)
    quality = [quality_counts(m, row) for m, row in zip(report.months, months, strict=True)]
    year_quality: dict[str, Decimal | int] = {
        c: sum((int(q[c]) for q in quality), 0) for c in QUALITY_COLUMNS if c != "coverage_pct"
    }
    year_quality = {"coverage_pct": total.values["coverage_pct"] or Decimal(0), **year_quality}
    return YearTable(tuple(months), total, costs, currency, (*quality, year_quality))
