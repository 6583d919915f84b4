"""The one way every format of the monthly and the annual report reaches its file: :func:`write_report` and
:func:`write_year_report` (or a stream: :func:`write_report_to`, :func:`write_year_report_to`).

The file appears complete or not at all, and only where it was asked for:
energymon.atomic_file writes it into a temporary file created exclusively in
the target's folder and puts it in place with one rename; a target that is not
a regular file (a link, a FIFO, a device, a folder) is refused and left as it
was. :func:`write_report_to` writes the same bytes into any binary stream (the
CLI's ``--out -``). openpyxl and reportlab, large libraries, are imported only
when their format is asked for.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from energymon.atomic_file import replaced_when_complete
from energymon.report.csv_file import write_report_csv
from energymon.report.figures import MonthReport, ReportError
from energymon.report.year import YearReport
from energymon.report.year_csv import write_year_csv

FORMATS = ("csv", "xlsx", "pdf")


def write_report(report: MonthReport, path: Path, fmt: str, lang: str = "en", make_parent: bool = False) -> None:
    """Write the report to ``path`` as ``fmt`` (csv, xlsx or pdf): a complete file or none (see atomic_file)."""
    _check_format(fmt)
    with replaced_when_complete(path, make_parent, binary=True) as out:
        write_report_to(report, out, fmt, lang)


def write_report_to(report: MonthReport, out: IO[bytes], fmt: str, lang: str = "en") -> None:
    """Write the report as ``fmt`` into the binary stream ``out`` (CSV as UTF-8); ``out`` stays open."""
    _check_format(fmt)
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        write_report_csv(report, text)
        text.flush()
        text.detach()  # leaves ``out`` open for the caller
    elif fmt == "xlsx":
        from energymon.report.xlsx_file import write_report_xlsx  # openpyxl only when asked for

        # Built in memory, then written: openpyxl leaves its zip file open when a write fails, and that
        # zip file's finaliser would then print a traceback when it meets the closed file.
        workbook = io.BytesIO()
        write_report_xlsx(report, workbook, lang)
        out.write(workbook.getbuffer())
    else:
        from energymon.report.pdf import write_report_pdf  # reportlab only when asked for

        write_report_pdf(report, out, lang)


def write_year_report(report: YearReport, path: Path, fmt: str, lang: str = "en", make_parent: bool = False) -> None:
    """Write the annual report to ``path`` as ``fmt`` (csv, xlsx or pdf): a complete file or none (see atomic_file)."""
    _check_format(fmt)
    with replaced_when_complete(path, make_parent, binary=True) as out:
        write_year_report_to(report, out, fmt, lang)


def write_year_report_to(report: YearReport, out: IO[bytes], fmt: str, lang: str = "en") -> None:
    """Write the annual report as ``fmt`` into the binary stream ``out`` (CSV as UTF-8); ``out`` stays open."""
    _check_format(fmt)
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        write_year_csv(report, text)
        text.flush()
        text.detach()  # leaves ``out`` open for the caller
    elif fmt == "xlsx":
        from energymon.report.year_xlsx import write_year_xlsx  # openpyxl only when asked for

        workbook = io.BytesIO()  # in memory first, as for the month (openpyxl and a failed write)
        write_year_xlsx(report, workbook, lang)
        out.write(workbook.getbuffer())
    else:
        from energymon.report.pdf.year import write_year_report_pdf  # reportlab only when asked for

        write_year_report_pdf(report, out, lang)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected pdf, xlsx or csv)")
