"""What the reports page offers to report: the months or the years with data, their labels, the default choice.

Pure functions of the months with data (read on the reader thread, newest first) and today's date in the
site's time zone. The years are those of the months with data. The labels belong to the reports page and are
translated in its context ("ReportsPage" in ui/translations).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from energymon.report.month import default_month, last_complete_month
from energymon.report.year import default_year
from ui.format import fill

translate = QCoreApplication.translate
KINDS = ("month", "year")  # the kinds of report (energymon.report.job.PERIOD_KINDS)


def years_of(months: list[str]) -> list[int]:
    """The years of ``months`` (``YYYY-MM``), newest first."""
    return sorted({int(month[:4]) for month in months}, reverse=True)


def period_choices(kind: str, months: list[str] | None, today: date) -> list[tuple[str, str]]:
    """(period, label) of each month (``YYYY-MM``) or year (``YYYY``) offered, newest first.

    ``months``: the months with data, None while not read yet. Without any data, only the last complete month
    or year is offered, "(no data yet)" once the database is known to have none; the current month or year
    reads "(month to date)" / "(year to date)".
    """
    if kind == "year":
        periods = [str(y) for y in years_of(months)] if months else [str(today.year - 1)]
        current, to_date = str(today.year), translate("ReportsPage", "%1 (year to date)")
    else:
        periods = list(months) if months else [last_complete_month(today)]
        current, to_date = today.strftime("%Y-%m"), translate("ReportsPage", "%1 (month to date)")
    out = []
    for period in periods:
        if months == []:  # read, and the database has no data at all
            label = fill(translate("ReportsPage", "%1 (no data yet)"), period)
        elif period == current:
            label = fill(to_date, period)
        else:
            label = period
        out.append((period, label))
    return out


def default_period(kind: str, months: list[str] | None, today: date) -> str:
    """The last complete month or year if it has data, else the newest that has (else the last complete one)."""
    if kind == "year":
        return str(default_year(years_of(months or []), today))
    return default_month(months or [], today)
