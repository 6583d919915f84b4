"""The monthly report's daily table as Decimals: one row per day, then the total row (columns of docs/reports.md).

This is the one form of the daily figures that every file takes: the CSV
formats it to text, the XLSX writes its numbers as cells, the PDF rounds them
for display. Built once per file from the MonthReport by :func:`daily_table`.

Energies in kWh rounded to 0.001 (1 Wh), masses in kg rounded to 0.001,
percentages rounded to 0.01, all half to even. The additive columns of the
total row are the sums of the rounded day values, so the table adds up
exactly; its shares are computed from those totals (not summed), its coverage
is the month's. ``None`` means "not defined" (self-consumption without PV,
self-sufficiency without consumption): an empty cell in the CSV.
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
    pv_kwh: Decimal
    consumption_kwh: Decimal
    metered_load_kwh: Decimal
    grid_import_kwh: Decimal
    grid_export_kwh: Decimal
    storage_charge_kwh: Decimal
    storage_discharge_kwh: Decimal
    self_consumption_pct: Decimal | None  # None without PV
    self_sufficiency_pct: Decimal | None  # None without consumption
    avoided_co2_kg: Decimal
    coal_saved_kgce: Decimal
    coverage_pct: Decimal

    def value(self, column: str) -> Decimal | None:
        """The value of a CSV column other than ``date``."""
        if column not in _VALUE_COLUMNS:
            raise KeyError(column)
        value: Decimal | None = getattr(self, column)
        return value


_VALUE_COLUMNS = frozenset(COLUMNS[1:])  # the field names (a test checks it)


@dataclass(frozen=True)
class DailyTable:
    """The days of the month in order, and their total."""

    days: tuple[DailyRow, ...]
    total: DailyRow

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


def _row(
    day: date | None,
    additive: dict[str, Decimal],
    self_consumption: Decimal | None,
    self_sufficiency: Decimal | None,
    coverage: Decimal,
) -> DailyRow:
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
    )


def daily_table(report: MonthReport) -> DailyTable:
    """The daily table of ``report``: each day rounded, the total the sum of the rounded days."""
    days = []
    sums = {k: Decimal(0) for k in ADDITIVE}
    for day in report.days:
        values = _day_values(day)
        for k in ADDITIVE:
            sums[k] += values[k]
        days.append(
            _row(
                day.day,
                values,
                _share(day.self_consumption_pct),
                _share(day.self_sufficiency_pct),
                rounded(day.coverage_pct, CENTI),
            )
        )
    # totals of the rounded days; shares from the month's totals
    pv, export = float(sums["pv_kwh"]), float(sums["grid_export_kwh"])
    consumption, imported = float(sums["consumption_kwh"]), float(sums["grid_import_kwh"])
    total = _row(
        None,
        sums,
        _share(self_consumption_pct(pv, export)),
        _share(self_sufficiency_pct(consumption, imported)),
        rounded(report.total.coverage_pct, CENTI),
    )
    return DailyTable(tuple(days), total)
