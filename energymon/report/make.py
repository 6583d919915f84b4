"""A month's or a year's report read from a database file: what ``energymon report`` and the GUI's report child
both do.

:func:`read_month_report` opens the database read-only for the month
(energymon.store.reader), builds the figures
(:func:`energymon.report.month.build_month_report`) and closes it again;
:func:`read_year_report` does the same for a year
(:func:`energymon.report.year.build_year_report`).
"""

from __future__ import annotations

from pathlib import Path

from energymon.report.figures import MonthReport
from energymon.report.month import build_month_report
from energymon.report.year import YearReport, build_year_report
from energymon.store.reader import StoreReader


def read_month_report(db_path: Path, month: str, now_ms: int | None = None) -> MonthReport:
    """The month's figures (``YYYY-MM``, site time zone; a month in progress up to ``now_ms``, the clock if None)
    from the database, opened read-only for it."""
    reader = StoreReader(db_path)
    try:
        return build_month_report(reader, month, now_ms=now_ms, database=str(db_path))
    finally:
        reader.close()


def read_year_report(db_path: Path, year: int, now_ms: int | None = None) -> YearReport:
    """The year's figures (site time zone; the months begun by ``now_ms``, the clock if None) from the database,
    opened read-only for it."""
    reader = StoreReader(db_path)
    try:
        return build_year_report(reader, year, now_ms, database=str(db_path))
    finally:
        reader.close()
