"""One report (a month's or a year's) made from the database into a file, optionally in a child process.

:func:`generate_report` does what ``energymon report`` does:
:func:`energymon.report.make.read_month_report`, then
:func:`energymon.report.write.write_report` through a temporary file that
replaces ``FILE`` once complete (a complete report or none; energymon.atomic_file);
for a year (``kind="year"``) :func:`~energymon.report.make.read_year_report` and
:func:`~energymon.report.write.write_year_report`.

:func:`generate_report_in_child` runs it in a child process and waits for it.
The GUI uses it: a month's report is seconds of Python (counter energy,
tables, the PDF), and on a thread of the GUI's own process that work shares
the GIL with the GUI thread and stalls its event loop (benchmarks/bench_gui_lag.py
``--reports`` measures it). In a child it runs on the other core with its own GIL.

The child is started with multiprocessing's "spawn" method (a process with
threads must not fork), runs at a low CPU priority (POSIX nice, as the history
child: it takes the spare core, not the GUI's share) and sends over a pipe, in
order: ``("started", pid)``, ``("stage", "reading")``, ``("stage",
"writing")``, then ``("done", MonthReport or YearReport)`` or ``("failed", message)``. It
opens the database read-only and writes only the report file.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from energymon.atomic_file import OutputFileError
from energymon.child_priority import CHILD_NICENESS, lower_priority
from energymon.report.figures import MonthReport, ReportError
from energymon.report.make import read_month_report, read_year_report
from energymon.report.write import write_report, write_year_report
from energymon.report.year import YearReport, parse_year
from energymon.store.schema import StoreError

# raised on purpose, with a message for the user (a missing CJK font too; an output file that cannot be written)
EXPECTED_ERRORS = (ReportError, StoreError, OutputFileError)


PERIOD_KINDS = ("month", "year")


@dataclass(frozen=True)
class ReportJob:
    db_path: Path
    period: str  # the month (YYYY-MM) or the year (YYYY), in the site's time zone
    fmt: str  # pdf | xlsx | csv
    lang: str  # en | zh (XLSX and PDF)
    out: Path
    kind: str = "month"  # "month": the monthly report; "year": the annual report (PERIOD_KINDS)


def generate_report(job: ReportJob, stage: Callable[[str], None] = lambda s: None) -> MonthReport | YearReport:
    """Build the month's or the year's report from the database and write it to ``job.out`` (as the CLI does).

    ``stage("reading")`` then ``stage("writing")``. Raises ReportError, StoreError or OutputFileError with a message.
    """
    if job.kind not in PERIOD_KINDS:
        raise ReportError(f"unknown kind of report {job.kind!r} (expected month or year)")
    stage("reading")
    if job.kind == "year":
        year = read_year_report(job.db_path, parse_year(job.period))
        stage("writing")
        write_year_report(year, job.out, job.fmt, job.lang, make_parent=True)
        return year
    report = read_month_report(job.db_path, job.period)
    stage("writing")
    write_report(report, job.out, job.fmt, job.lang, make_parent=True)
    return report


def failure_text(exc: Exception) -> str:
    """What a user is told about a report that failed: the message of the errors we raise on purpose
    (:data:`EXPECTED_ERRORS`), otherwise the error's type too."""
    if isinstance(exc, EXPECTED_ERRORS):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _child_main(job: ReportJob, conn: Connection) -> None:
    lower_priority(CHILD_NICENESS)
    try:
        conn.send(("started", os.getpid()))
        report = generate_report(job, lambda stage: conn.send(("stage", stage)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which shows it
        if not isinstance(exc, EXPECTED_ERRORS):
            traceback.print_exc()  # the details, on the inherited stderr
        conn.send(("failed", failure_text(exc)))
    else:
        conn.send(("done", report))
    finally:
        conn.close()


def generate_report_in_child(
    job: ReportJob, stage: Callable[[str], None] = lambda s: None, started: Callable[[int], None] = lambda pid: None
) -> MonthReport | YearReport:
    """:func:`generate_report` in a child process; blocks (without holding the GIL) until it is done.

    ``started(pid)`` once the child runs, ``stage(...)`` as it goes. Raises
    :class:`ReportError` with the child's message if it fails, or if it ends
    without an answer (killed, crashed).
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(job, sender), name="energymon-report", daemon=True)
    process.start()
    sender.close()  # the child holds the only writing end: its exit ends our reads
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                process.join(timeout=10)
                raise ReportError(
                    f"the report process ended without an answer (exit code {process.exitcode})"
                ) from None
            if kind == "started":
                started(value)
            elif kind == "stage":
                stage(value)
            elif kind == "done":
                return value
            else:
                raise ReportError(value)
    finally:
        receiver.close()
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)
