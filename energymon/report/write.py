"""The one way every format of the monthly report reaches its file: :func:`write_report`.

The file appears complete or not at all: it is written as ``FILE.partial``
and renamed once complete (energymon.atomic_file). openpyxl and reportlab, large
libraries, are imported only when their format is asked for.
"""

from __future__ import annotations

from pathlib import Path

from energymon.atomic_file import replaced_when_complete
from energymon.report.csv_file import write_report_csv
from energymon.report.figures import MonthReport, ReportError

FORMATS = ("csv", "xlsx", "pdf")


def write_report(report: MonthReport, path: Path, fmt: str, lang: str = "en", make_parent: bool = False) -> None:
    """Write the report to ``path`` as ``fmt`` (csv, xlsx or pdf): a complete file or none (see atomic_file)."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected pdf, xlsx or csv)")
    with replaced_when_complete(path, make_parent) as partial:
        if fmt == "csv":
            with partial.open("w", encoding="utf-8", newline="") as out:
                write_report_csv(report, out)
        elif fmt == "xlsx":
            from energymon.report.xlsx_file import write_report_xlsx  # openpyxl only when asked for

            write_report_xlsx(report, partial, lang)
        else:
            from energymon.report.pdf import write_report_pdf  # reportlab only when asked for

            write_report_pdf(report, partial, lang)
