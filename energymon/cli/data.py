"""The commands that read a database into files: ``export`` (CSV of samples or rollups) and ``report`` (the month)."""

from __future__ import annotations

import argparse
import contextlib
import io
import sqlite3
import sys
from collections.abc import Iterator, Sequence
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
        help="the monthly energy and carbon report (CSV, XLSX or PDF)",
        description="The monthly report of a site: one row per day and a total (energy from "
        "counters, self-consumption, self-sufficiency, avoided CO2, coal saved, coverage). Made from "
        "the database alone, so any past month can be reported at any time. Works with --db alone.",
    )
    site_args(p, config_required=False)
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, in the site's time zone")
    p.add_argument(
        "--format",
        choices=("csv", "xlsx", "pdf"),
        default=None,
        help="output format (default: from the --out file's extension)",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the XLSX and PDF (default en)")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="output file ('-' for stdout: XLSX and PDF only when it is not a terminal); "
        "an existing link, FIFO or device is refused",
    )


def out_path(text: str) -> Path | None:
    """``--out``: None for ``-`` (stdout), else the file, checked at once (an existing target must be a regular
    file: a link, a FIFO, a device node or a folder is refused before any work is done; energymon.atomic_file)."""
    if text == "-":
        return None
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
            start, end = parse_when(args.start, zone, end=False), parse_when(args.end, zone, end=True)
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


def cmd_report(args: argparse.Namespace) -> int:
    from energymon.report.make import read_month_report
    from energymon.report.write import write_report, write_report_to

    if args.config is None and args.db is None:
        print("energymon: error: report needs --db FILE or --config FILE", file=sys.stderr)
        return EXIT_USAGE
    out_file = out_path(args.out)
    fmt = args.format or (out_file.suffix.lower().lstrip(".") if out_file else "")
    if fmt not in ("csv", "xlsx", "pdf"):
        raise ReportError(f"--out {args.out}: say --format csv, xlsx or pdf (the file name does not tell)")
    stdout = binary_stdout(fmt) if out_file is None else None  # refused at once, before the month is read
    db_path = args.db if args.db else load_config(args.config).storage.database
    with reading(db_path):
        report = read_month_report(db_path, args.month)
    if stdout is not None:
        whole = io.BytesIO()  # made complete first: a failed report never leaves half a file in the pipe
        write_report_to(report, whole, fmt, args.lang)
        stdout.write(whole.getbuffer())
        stdout.flush()
    else:
        assert out_file is not None
        write_report(report, out_file, fmt, args.lang)
    total = report.total
    warn_damaged(db_path, report.damaged, ZoneInfo(report.timezone))
    if total.coverage_pct == 0:
        print(f"energymon: warning: the database has no data for {args.month}; the report is empty", file=sys.stderr)
    print(
        f"report {args.month} ({fmt}) written to {out_file or 'stdout'}: PV {total.flows.pv_wh / 1000:,.1f} kWh, "
        f"consumption {total.flows.consumption_wh / 1000:,.1f} kWh, coverage {total.coverage_pct:.1f} %",
        file=sys.stderr,
    )
    return EXIT_OK


COMMANDS = {
    "export": cmd_export,
    "report": cmd_report,
}
