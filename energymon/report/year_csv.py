"""The annual report as CSV: the monthly table (:mod:`energymon.report.year_table`) as text, one row per month,
then ``total``.

Columns fixed by docs/reports.md ("Annual report"). Each value is printed as its Decimal is rounded: energies
in kWh and masses in kg with 3 decimals, percentages with 2, the peak demand in kW with 3, days without data
as a whole number. An empty cell is unknown (a month without data) or not defined (no PV, no consumption).
"""

from __future__ import annotations

import csv
from typing import TextIO

from energymon.report.year import YearReport
from energymon.report.year_table import COLUMNS, MonthRow, year_table

__all__ = ["COLUMNS", "write_year_csv", "year_row_text", "year_rows"]


def year_row_text(row: MonthRow) -> dict[str, str]:
    """A row of the monthly table as the CSV prints it: ``total`` for the year's month, "" for None."""
    out = {"month": "total" if row.month is None else row.month}
    for column in COLUMNS[1:]:
        value = row.value(column)
        out[column] = "" if value is None else str(value)
    return out


def year_rows(report: YearReport) -> list[dict[str, str]]:
    """The CSV rows (months, then ``total``) as text, exactly as written."""
    return [year_row_text(row) for row in year_table(report).rows]


def write_year_csv(report: YearReport, out: TextIO) -> int:
    """Write the CSV; returns the number of rows (months + total)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = year_rows(report)
    writer.writerows(rows)
    return len(rows)
