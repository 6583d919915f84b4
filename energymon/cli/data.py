"""The commands that read a database into files: ``export`` (CSV of samples or rollups) and ``report`` (the month
or the year)."""

from __future__ import annotations

import argparse
import contextlib
import io
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from energymon.atomic_file import OutputFileError, check_replaceable, replaced_when_complete
from energymon.cli.common import EXIT_OK, EXIT_USAGE, site_args
from energymon.config import load_config
from energymon.report.formats import fmt_local
from energymon.report.month import ReportError
from energymon.store.damage import DamagedSpan
from energymon.store.export import ExportError, export_csv, parse_when
from energymon.store.faults import storage_cause
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError

REPORT_FORMATS = ("csv", "xlsx", "pdf")
FORMAT_NAMES = {"csv": "a CSV", "xlsx": "an XLSX", "pdf": "a PDF"}  # for "--out r.xlsx names an XLSX file"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="write raw samples or rollups of a time range as CSV",
        description="Write raw samples or rollups of a time range as CSV. Raw rows are "
        "timestamp,device_id,quantity,value; rollup rows add min,max,first,last,samples (the "
        "value of a bucket is the mean of a measurement, the last reading of a counter). "
        "Timestamps are ISO 8601 in the site's time zone with offset. Works with --db alone.",
    )
    site_args(p, config_required=False)
    p.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="DATE",
        help="first local day YYYY-MM-DD (or a local time YYYY-MM-DDTHH:MM)",
    )
    p.add_argument(
        "--to",
        dest="end",
        required=True,
        metavar="DATE",
        help="last local day YYYY-MM-DD, included (or a local time YYYY-MM-DDTHH:MM, excluded)",
    )
    p.add_argument("--device", action="append", metavar="ID", help="only this device (repeat for several)")
    p.add_argument(
        "--interval",
        choices=("raw", "1min", "15min", "1h", "1d"),
        default="raw",
        help="raw samples (default) or a rollup interval",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE.csv",
        help="output file ('-' for stdout; a file named '-' is ./-); an existing link, FIFO or device is refused",
    )

    p = sub.add_parser(
        "report",
        help="the monthly or annual energy and carbon report (CSV, XLSX or PDF)",
        description="The monthly or annual report of a site: for a month one row per day and a total, for a "
        "year one row per month and a total (energy from counters, self-consumption, self-sufficiency, avoided "
        "CO2, coal saved, coverage). Made from the database alone, so any past period can be reported at any "
        "time. Works with --db alone.",
    )
    site_args(p, config_required=False)
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="the month, in the site's time zone")
    period.add_argument("--year", metavar="YYYY", help="the year, in the site's time zone (the months begun so far)")
    p.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=None,
        help="output format (default: from the --out file's extension .csv, .xlsx or .pdf)",
    )
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default=None,
        help="language of the XLSX and PDF (default en); the CSV is language-neutral and refuses it",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="output file ('-' for stdout, with --format: XLSX and PDF only when it is not a terminal); "
        "an existing link, FIFO or device is refused",
    )


def out_path(text: str) -> Path | None:
    """``--out``: None for ``-`` (stdout), else the file, checked at once: an empty name is refused, and an
    existing target must be a regular file (a link, a FIFO, a device node or a folder is refused before any work
    is done; energymon.atomic_file)."""
    if text == "-":
        return None
    if not text.strip():
        raise OutputFileError(f"--out {text!r}: give a file name (or '-' for stdout)")
    path = Path(text)
    check_replaceable(path)
    return path


def binary_stdout(fmt: str) -> IO[bytes]:
    """stdout for the bytes of ``fmt``; a PDF or XLSX is refused when stdout is a terminal."""
    if fmt != "csv" and sys.stdout.isatty():
        raise OutputFileError(f"--out -: stdout is a terminal; send the {fmt.upper()} to a file or a pipe")
    sys.stdout.flush()
    return sys.stdout.buffer


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[None]:
    """An SQLite error while reading (a page damaged past reading around it, an I/O error) as one line naming
    the file."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db_path}: {storage_cause(exc, db_path)}") from None


def warn_damaged(db_path: Path, spans: Sequence[DamagedSpan], zone: ZoneInfo) -> None:
    """One warning line per span of stored data that could not be read and was left out, in the site's time."""
    tz = str(zone)
    for span in spans:
        print(
            f"energymon: warning: {db_path}: {span.device_id} {span.quantity}: {span.what} from"
            f" {fmt_local(span.from_ms, tz)} to {fmt_local(span.to_ms, tz)} ({zone}) cannot be read and are left"
            f" out ({span.cause})",
            file=sys.stderr,
        )


def when(flag: str, text: str, zone: ZoneInfo, end: bool) -> datetime:
    """``--from`` / ``--to`` by :func:`energymon.store.export.parse_when`, its one-line error naming ``flag``."""
    try:
        return parse_when(text, zone, end)
    except ExportError as exc:
        raise ExportError(f"{flag} {exc}") from None


def cmd_export(args: argparse.Namespace) -> int:
    if args.config is None and args.db is None:
        print("energymon: error: export needs --db FILE or --config FILE", file=sys.stderr)
        return EXIT_USAGE
    out_file = out_path(args.out)
    db_path = args.db if args.db else load_config(args.config).storage.database
    reader = StoreReader(db_path)
    try:
        with reading(db_path):
            zone = reader.zone()
            start, end = when("--from", args.start, zone, end=False), when("--to", args.end, zone, end=True)
            if end <= start:
                raise ExportError(
                    f"--to {args.end} ends before --from {args.start} starts (--to is the last day, included)"
                )
            if out_file is None:
                result = export_csv(reader, sys.stdout, start, end, args.interval, args.device)
            else:
                with replaced_when_complete(out_file) as out:
                    result = export_csv(reader, out, start, end, args.interval, args.device)
    finally:
        reader.close()
    warn_damaged(db_path, result.damaged, zone)
    where = "stdout" if out_file is None else str(out_file)
    damaged = f"; {len(result.damaged)} damaged spans left out (see the warnings)" if result.damaged else ""
    print(
        f"exported {result.rows:,} rows ({args.interval}) of {result.channels} channels to {where}{damaged}",
        file=sys.stderr,
    )
    return EXIT_OK


def report_format(fmt: str | None, out_text: str, out_file: Path | None) -> str:
    """The report's format: ``--format``, else the ``--out`` file's extension (.csv, .xlsx, .pdf, any case).

    A ReportError of one line when neither tells (stdout, no or an unknown extension), or when ``--format``
    and a known report extension disagree; ``--format`` with an unknown extension (``r.dat``) is allowed.
    """
    suffix = out_file.suffix.lower().lstrip(".") if out_file is not None else ""
    named = suffix if suffix in REPORT_FORMATS else None
    if fmt is None:
        if named is None:
            where = "stdout" if out_file is None else "the file name does not tell"
            raise ReportError(f"--out {out_text}: say --format csv, xlsx or pdf ({where})")
        return named
    if named is not None and named != fmt:
        raise ReportError(f"--format {fmt} but --out {out_text} names {FORMAT_NAMES[named]} file")
    return fmt


def report_lang(lang: str | None, fmt: str) -> str:
    """The language of the XLSX or PDF (``--lang``, en when absent); a ReportError for ``--lang zh`` with a CSV,
    whose column names are the contract's and which has no texts (``--lang en`` changes nothing there, so
    scripts that pass it keep working)."""
    if fmt == "csv" and lang not in (None, "en"):
        raise ReportError(
            f"--lang {lang}: the CSV is language-neutral (contract column names, no texts); "
            "--lang applies to XLSX and PDF"
        )
    return lang or "en"


def cmd_report(args: argparse.Namespace) -> int:
    from energymon.report.make import read_month_report, read_year_report
    from energymon.report.write import write_report, write_report_to, write_year_report, write_year_report_to
    from energymon.report.year import parse_year

    if args.config is None and args.db is None:
        print("energymon: error: report needs --db FILE or --config FILE", file=sys.stderr)
        return EXIT_USAGE
    out_file = out_path(args.out)
    fmt = report_format(args.format, args.out, out_file)
    lang = report_lang(args.lang, fmt)
    year = parse_year(args.year) if args.year is not None else None  # checked before the database is read
    stdout = binary_stdout(fmt) if out_file is None else None  # refused at once, before the period is read
    db_path = args.db if args.db else load_config(args.config).storage.database
    whole = io.BytesIO()  # for stdout, made complete first: a failed report never leaves half a file in the pipe
    if year is None:
        with reading(db_path):
            month = read_month_report(db_path, args.month)
        if out_file is None:
            write_report_to(month, whole, fmt, lang)
        else:
            write_report(month, out_file, fmt, lang)
        period, total, damaged, zone = args.month, month.total, month.damaged, month.timezone
        empty = total.coverage_pct == 0
    else:
        with reading(db_path):
            annual = read_year_report(db_path, year)
        if out_file is None:
            write_year_report_to(annual, whole, fmt, lang)
        else:
            write_year_report(annual, out_file, fmt, lang)
        period, total, zone = str(year), annual.total, annual.timezone
        damaged = tuple(span for m in annual.months for span in m.damaged)
        empty = not total.has_data
    if stdout is not None:
        stdout.write(whole.getbuffer())
        stdout.flush()
    warn_damaged(db_path, damaged, ZoneInfo(zone))
    if empty:
        print(f"energymon: warning: the database has no data for {period}; the report is empty", file=sys.stderr)
    print(
        f"report {period} ({fmt}) written to {out_file or 'stdout'}: PV {total.flows.pv_wh / 1000:,.1f} kWh, "
        f"consumption {total.flows.consumption_wh / 1000:,.1f} kWh, coverage {total.coverage_pct:.1f} %",
        file=sys.stderr,
    )
    return EXIT_OK


COMMANDS = {
    "export": cmd_export,
    "report": cmd_report,
}
