"""The ``energymon`` command line.

Every command documents itself (``energymon COMMAND --help``). Fatal problems
print one clear line naming the file/field/device and exit non-zero; no raw
tracebacks (set ENERGYMON_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback

from drivers.profile import ProfileError
from energymon import __version__, log_files
from energymon.atomic_file import OutputFileError
from energymon.cli import data, ingest, publish, run, scan, simulate, site, start
from energymon.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from energymon.collect.collector import CollectorError
from energymon.config import ConfigError
from energymon.report.month import ReportError
from energymon.sim.serve import SimulationError
from energymon.store.export import ExportError
from energymon.store.schema import StoreError

USER_ERRORS = (
    ConfigError,
    ProfileError,
    StoreError,
    OutputFileError,
    SimulationError,
    CollectorError,
    ExportError,
    ReportError,
)
FAMILIES = (run, simulate, site, data, scan, publish, ingest)  # in the order their commands are listed in --help
LOG_KINDS = {"gui": "gui", "collect": "collect", "demo": "demo"}  # the commands with a log file (energymon.log_files)
COMMANDS = {name: command for family in FAMILIES for name, command in family.COMMANDS.items()}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="energymon",
        description="Energy monitor for industrial parks: polls PV inverters, storage and meters over Modbus, "
        "logs to SQLite, shows a live desktop GUI.",
    )
    parser.add_argument("--version", action="version", version=f"energymon {__version__}")
    # No command: the GUI on the last site used, else the first-run screen (energymon.cli.start).
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=False)
    for family in FAMILIES:
        family.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    command = args.command or "(no command: the GUI)"
    kind = LOG_KINDS.get(args.command or "gui")  # no command opens the GUI (energymon.cli.start)
    if kind is not None and log_files.install(kind) is not None:
        log_files.file_only(logging.INFO, "energymon %s %s started (pid %d)", __version__, command, os.getpid())
    code = _run(args)
    if kind is not None:
        log_files.file_only(logging.INFO, "energymon %s exited with code %d", command, code)
    return code


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; an error becomes one line on stderr (and in the log file) and an exit code."""
    try:
        return (COMMANDS[args.command] if args.command else start.cmd_start)(args)
    except USER_ERRORS as exc:
        print(f"energymon: error: {exc}", file=sys.stderr)
        log_files.file_only(logging.ERROR, "error: %s", exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. 'export --out - | head': the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, not a traceback
        if os.environ.get("ENERGYMON_DEBUG"):
            traceback.print_exc()
        print(
            f"energymon: internal error: {type(exc).__name__}: {exc} "
            "(set ENERGYMON_DEBUG=1 for details and please report it)",
            file=sys.stderr,
        )
        log_files.file_only(logging.ERROR, "internal error: %s: %s", type(exc).__name__, exc, exc_info=exc)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
