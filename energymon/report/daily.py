"""The monthly report's daily table as Decimals: one row per day, then the total row (columns of docs/reports.md).

This is the one form of the daily figures that every file takes: the CSV
formats it to text, the XLSX writes its numbers as cells, the PDF rounds them
for display. Built once per file from the MonthReport by :func:`daily_table`.

Energies in kWh rounded to 0.001 (1 Wh), masses in kg rounded to 0.001,
percentages rounded to 0.01, all half to even. The additive columns of the
total row are the sums of the rounded day values, so the table adds up
exactly; its shares are computed from those totals (not summed), its coverage
is the month's. ``None`` means "not defined" (self-consumption without PV,
self-sufficiency without consumption) or, for every value of a day without any
data, "unknown": an empty cell in the CSV, never 0. Such a day keeps its
coverage (0) and the total sums the days with data
(:attr:`DailyTable.days_without_data` says how many it lacks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from energymon.accounting.flows import self_consumption_pct, self_sufficiency_pct
from energymon.report.figures import DayRow, MonthReport

COLUMNS = (
    "date",
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
    "coverage_pct",
)
ADDITIVE = (
    "pv_kwh",
    "consumption_kwh",
    "metered_load_kwh",
    "grid_import_kwh",
    "grid_export_kwh",
    "storage_charge_kwh",
    "storage_discharge_kwh",
    "avoided_co2_kg",
    "coal_saved_kgce",
)
MILLI = Decimal("0.001")
CENTI = Decimal("0.01")


@dataclass(frozen=True)
class DailyRow:
    """One row of the daily table; the fields after ``day`` are the CSV columns after ``date``."""

    day: date | None  # None: the total row
    pv_kwh: Decimal | None  # this and every value up to coal_saved_kgce: None on a day without data
    consumption_kwh: Decimal | None
    metered_load_kwh: Decimal | None
    grid_import_kwh: Decimal | None
    grid_export_kwh: Decimal | None
    storage_charge_kwh: Decimal | None
    storage_discharge_kwh: Decimal | None
    self_consumption_pct: Decimal | None  # None without PV
    self_sufficiency_pct: Decimal | None  # None without consumption
    avoided_co2_kg: Decimal | None
    coal_saved_kgce: Decimal | None
    coverage_pct: Decimal
    has_data: bool = True  # False: a day without any data, its values unknown (None)

    def value(self, column: str) -> Decimal | None:
        """The value of a CSV column other than ``date``."""
        if column not in _VALUE_COLUMNS:
            raise KeyError(column)
        value: Decimal | None = getattr(self, column)
        return value

    def amount(self, column: str) -> Decimal:
        """The value of a column that must be known: every additive column of the total row, or of a day with
        data. A ValueError for an unknown one (a day without data)."""
        value = self.value(column)
        if value is None:
            raise ValueError(f"{column} of {self.day or 'the total'} is not known")
        return value


_VALUE_COLUMNS = frozenset(COLUMNS[1:])  # the field names (a test checks it)


@dataclass(frozen=True)
class DailyTable:
    """The days of the month in order, and their total."""

    days: tuple[DailyRow, ...]
    total: DailyRow

    @property
    def days_without_data(self) -> int:
        """Days whose values are unknown (empty): the total lacks them."""
        return sum(1 for row in self.days if not row.has_data)

    @property
    def rows(self) -> tuple[DailyRow, ...]:
        """The days, then the total: the rows of the CSV."""
        return (*self.days, self.total)

    def dates(self) -> list[date]:
        """The date of each day row."""
        out = []
        for row in self.days:
            assert row.day is not None  # only the total row has no date
            out.append(row.day)
        return out


def rounded(value: float, step: Decimal) -> Decimal:
    """``value`` rounded half to even to ``step``, from its shortest decimal form (no binary noise)."""
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_EVEN)


def _share(value: float | None) -> Decimal | None:
    return None if value is None else rounded(value, CENTI)


def _day_values(row: DayRow) -> dict[str, Decimal]:
    """The additive columns of a day, rounded as printed."""
    f = row.flows
    kwh = {
        "pv_kwh": f.pv_wh,
        "consumption_kwh": f.consumption_wh,
        "metered_load_kwh": f.metered_load_wh,
        "grid_import_kwh": f.grid_import_wh,
        "grid_export_kwh": f.grid_export_wh,
        "storage_charge_kwh": f.storage_charge_wh,
        "storage_discharge_kwh": f.storage_discharge_wh,
    }
    out = {k: rounded(v / 1000.0, MILLI) for k, v in kwh.items()}
    out["avoided_co2_kg"] = rounded(row.avoided_co2_kg, MILLI)
    out["coal_saved_kgce"] = rounded(row.coal_saved_kgce, MILLI)
    return out


def daily_row(
    day: date | None,
    additive: dict[str, Decimal | None],
    self_consumption: Decimal | None,
    self_sufficiency: Decimal | None,
    coverage: Decimal,
    has_data: bool = True,
) -> DailyRow:
    """A row of the table from its additive values (by column), shares and coverage."""
    return DailyRow(
        day=day,
        pv_kwh=additive["pv_kwh"],
        consumption_kwh=additive["consumption_kwh"],
        metered_load_kwh=additive["metered_load_kwh"],
        grid_import_kwh=additive["grid_import_kwh"],
        grid_export_kwh=additive["grid_export_kwh"],
        storage_charge_kwh=additive["storage_charge_kwh"],
        storage_discharge_kwh=additive["storage_discharge_kwh"],
        self_consumption_pct=self_consumption,
        self_sufficiency_pct=self_sufficiency,
        avoided_co2_kg=additive["avoided_co2_kg"],
        coal_saved_kgce=additive["coal_saved_kgce"],
        coverage_pct=coverage,
        has_data=has_data,
    )


def daily_table(report: MonthReport) -> DailyTable:
    """The daily table of ``report``: each day rounded, the total the sum of the rounded days."""
    days = []
    sums = {k: Decimal(0) for k in ADDITIVE}
    for day in report.days:
        coverage = rounded(day.coverage_pct, CENTI)
        if not day.has_data:
            days.append(daily_row(day.day, dict.fromkeys(ADDITIVE), None, None, coverage, has_data=False))
            continue
        values = _day_values(day)
        for k in ADDITIVE:
            sums[k] += values[k]
        days.append(
            daily_row(
                day.day,
                dict[str, Decimal | None](values),
                _share(day.self_consumption_pct),
                _share(day.self_sufficiency_pct),
                coverage,
            )
        )
    # totals of the rounded days; shares from the month's totals
    pv, export = float(sums["pv_kwh"]), float(sums["grid_export_kwh"])
    consumption, imported = float(sums["consumption_kwh"]), float(sums["grid_import_kwh"])
    total = daily_row(
        None,
        dict[str, Decimal | None](sums),
        _share(self_consumption_pct(pv, export)),
        _share(self_sufficiency_pct(consumption, imported)),
        rounded(report.total.coverage_pct, CENTI),
    )
    return DailyTable(tuple(days), total)
