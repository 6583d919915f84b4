"""One month's report read from a database file: what ``energymon report`` and the GUI's report child both do.

:func:`read_month_report` opens the database read-only for the month
(energymon.store.reader), builds the figures
(:func:`energymon.report.month.build_month_report`) and closes it again.
"""

from __future__ import annotations

from pathlib import Path

from energymon.report.figures import MonthReport
from energymon.report.month import build_month_report
from energymon.store.reader import StoreReader


def read_month_report(db_path: Path, month: str) -> MonthReport:
    """The month's figures (``YYYY-MM``, site time zone) from the database, opened read-only for it."""
    reader = StoreReader(db_path)
    try:
        return build_month_report(reader, month)
    finally:
        reader.close()
