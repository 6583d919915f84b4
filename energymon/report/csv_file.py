"""The monthly report as CSV: the daily table (:mod:`energymon.report.daily`) as text, one row per day, then ``total``.

Columns fixed by docs/reports.md. Each value is printed as its Decimal is
rounded: energies in kWh and masses in kg with 3 decimals, percentages with 2.
An empty cell means "not defined" (self-consumption without PV,
self-sufficiency without consumption).
"""

from __future__ import annotations

import csv
from typing import TextIO

from energymon.report.daily import COLUMNS, DailyRow, daily_table
from energymon.report.figures import MonthReport

__all__ = ["COLUMNS", "report_rows", "row_text", "write_report_csv"]


def row_text(row: DailyRow) -> dict[str, str]:
    """A row of the daily table as the CSV prints it: ``total`` for the total's date, "" for None."""
    out = {"date": "total" if row.day is None else row.day.isoformat()}
    for column in COLUMNS[1:]:
        value = row.value(column)
        out[column] = "" if value is None else str(value)
    return out


def report_rows(report: MonthReport) -> list[dict[str, str]]:
    """The CSV rows (days, then ``total``) as text, exactly as written."""
    return [row_text(row) for row in daily_table(report).rows]


def write_report_csv(report: MonthReport, out: TextIO) -> int:
    """Write the CSV; returns the number of rows (days + total)."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = report_rows(report)
    writer.writerows(rows)
    return len(rows)
