"""The ``energymon`` command line.

Every command documents itself (``energymon COMMAND --help``). Fatal problems
print one clear line naming the file/field/device and exit non-zero; no raw
tracebacks (set ENERGYMON_DEBUG=1 to see one for an internal error).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

from drivers.profile import ProfileError
from drivers.profile_file import builtin_names, load_profile
from energymon import __version__
from energymon.atomic_file import replaced_when_complete
from energymon.collect.collector import CollectorError
from energymon.config import Config, ConfigError, load_config
from energymon.report.month import ReportError
from energymon.sim.serve import SimulationError
from energymon.store.export import ExportError, export_csv, parse_when
from energymon.store.reader import StoreReader
from energymon.store.writer import StoreError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2
USER_ERRORS = (ConfigError, ProfileError, StoreError, SimulationError, CollectorError, ExportError, ReportError)


def seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < 10 * 365 * 86400 or value != value:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="energymon",
        description="Energy monitor for industrial parks: polls PV inverters, storage and meters over Modbus, "
        "logs to SQLite, shows a live desktop GUI.",
    )
    parser.add_argument("--version", action="version", version=f"energymon {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def site_args(p: argparse.ArgumentParser, config_required: bool = True) -> None:
        p.add_argument(
            "--config", type=Path, required=config_required, metavar="FILE", help="site configuration (TOML)"
        )
        p.add_argument(
            "--db", type=Path, metavar="FILE", help="database file (overrides the config's storage.database)"
        )

    p = sub.add_parser(
        "demo",
        help="run the built-in demo park (simulated devices, live collection, GUI)",
        description="Start the built-in demo park: simulated devices on free loopback ports, "
        "live collection into a database under the user data directory, and the GUI.",
    )
    p.add_argument("--headless", action="store_true", help="no GUI: print a live summary every few seconds")
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    p.add_argument(
        "--summary-every", type=seconds, default=5.0, metavar="S", help="seconds between headless summaries (default 5)"
    )
    p.add_argument(
        "--backfill-days",
        type=float,
        default=30.0,
        metavar="N",
        help="on the first start, fill N days of history behind the live view (default 30; 0 = none)",
    )

    p = sub.add_parser(
        "gui",
        help="open the desktop app (collects in the background unless --no-collect)",
        description="Open the desktop GUI. It collects in the background unless --no-collect, "
        "in which case it views a database that another collector writes.",
    )
    site_args(p, config_required=False)
    p.add_argument("--no-collect", action="store_true", help="only view the database, do not poll devices")

    p = sub.add_parser(
        "collect",
        help="headless collector (for running as a service)",
        description="Poll every device of the config and log readings to the database.",
    )
    site_args(p)
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    p.add_argument(
        "--summary-every",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds between summary lines (default 60; 0 = none)",
    )

    p = sub.add_parser(
        "simulate",
        help="serve every device of the config as a simulated Modbus device",
        description="Serve every device of the config as a simulated Modbus TCP device on its "
        "connection's host and port, until interrupted.",
    )
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="site configuration (TOML)")
    p.add_argument("--seed", type=int, default=1, help="weather and load seed (default 1)")
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    p.add_argument(
        "--backfill-days",
        type=seconds,
        metavar="N",
        help="instead of serving: write N days of history ending now into the database, then exit",
    )
    p.add_argument(
        "--db",
        type=Path,
        metavar="FILE",
        help="with --backfill-days: database to write (default: the config's storage.database)",
    )
    p.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="simulator state (counters, SoC): resumed from and saved to FILE; --backfill-days saves "
        "the state at the end of the history there (default: next to the database)",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="DEVICE:KIND[@START_S[+DURATION_S]]",
        help="inject a fault into one device, START_S seconds after the start (default 0) for "
        "DURATION_S seconds (default: until stopped); repeatable. KIND: "
        "offline, black-hole, slow, exception, garbage, counter-wrap, counter-reset, frozen, "
        "not-implemented (docs/configuration.md)",
    )

    p = sub.add_parser(
        "check-config",
        help="validate a site configuration (exit 0 if valid, 2 if not)",
        description="Validate a site configuration: exit 0 if valid, 2 if not.",
    )
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="site configuration (TOML)")

    sub.add_parser(
        "profiles",
        help="list the built-in device profiles with role and source",
        description="List the built-in device profiles with their role, reads per poll and source.",
    )

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
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="output file ('-' for stdout)")

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
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="output file ('-' for stdout, CSV only)")

    p = sub.add_parser(
        "scan",
        help="SunSpec discovery and a probe of one device (for commissioning)",
        description="Probe one Modbus device (TCP, or RTU over TCP): find its SunSpec models (marker 'SunS' at "
        "holding register 40000, 0 or 50000), print them, its identity and the current "
        "values of every role its models support. With --profile, read the device "
        "with that profile instead. Exit 1 if nothing answers or no SunSpec device "
        "is found. Only reads.",
    )
    p.add_argument("--host", required=True, metavar="H", help="host name or IP address of the device or gateway")
    p.add_argument("--port", type=int, required=True, metavar="P", help="Modbus TCP port, e.g. 502")
    p.add_argument("--unit", type=int, default=1, metavar="U", help="Modbus unit id (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument(
        "--transport",
        choices=("tcp", "rtu-over-tcp"),
        default="tcp",
        help="tcp (default), or rtu-over-tcp for a serial gateway in transparent mode",
    )
    p.add_argument(
        "--profile", metavar="NAME", help="read with this built-in profile or profile file instead of SunSpec discovery"
    )
    p.add_argument(
        "--timeout",
        type=seconds,
        default=1.0,
        metavar="S",
        help="seconds to wait for the connection and for each answer (default 1)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        print(f"energymon: error: {exc}", file=sys.stderr)
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
        return EXIT_INTERNAL


# -- commands --------------------------------------------------------------------
def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    roles: dict[str, int] = {}
    for d in config.devices:
        roles[d.role.value] = roles.get(d.role.value, 0) + 1
    summary = ", ".join(f"{n} {role}" for role, n in sorted(roles.items()))
    print(
        f"{args.config}: valid: site '{config.site.name}', {len(config.devices)} devices ({summary}) "
        f"on {len(config.connections)} connections; database {config.storage.database}"
    )
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    print(f"{'name':<22} {'role':<8} {'values':>6} {'reads':>5}  source")
    for name in builtin_names():
        profile = load_profile(name)
        print(f"{name:<22} {profile.role.value:<8} {len(profile.points):>6} {len(profile.blocks):>5}  {profile.source}")
    print(
        f"{'sunspec':<22} {'any':<8} {'-':>6} {'-':>5}  discovered from the device: SunSpec models from pysunspec2's "
        "definitions (pv 101-103, 111-113, 701; storage 124, 802; meters 201-204, 211-214)"
    )
    return EXIT_OK


def _load_site(args: argparse.Namespace) -> tuple[Config, Path, str]:
    config = load_config(args.config)
    db_path = args.db if args.db else config.storage.database
    return config, db_path, args.config.read_text(encoding="utf-8")


def _install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: KeyboardInterrupt still ends the run
            pass


def cmd_simulate(args: argparse.Namespace) -> int:
    from energymon.config.sim_params import parse_fault_spec
    from energymon.sim.serve import SimulatedPark

    config = load_config(args.config)
    faults: dict[str, list] = {}
    known = {d.id for d in config.devices}
    for spec in args.fault:
        try:
            device_id, fault = parse_fault_spec(spec)
        except ValueError as exc:
            print(f"energymon: error: --fault: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if device_id not in known:
            print(f"energymon: error: --fault {spec}: {args.config} has no device '{device_id}'", file=sys.stderr)
            return EXIT_USAGE
        faults.setdefault(device_id, []).append(fault)

    if args.backfill_days is not None:
        return _backfill(args, config)

    async def body() -> None:
        stop = asyncio.Event()
        _install_stop_signals(stop)
        park = SimulatedPark(config, seed=args.seed, faults=faults, state_path=args.state)
        if park.resumed:
            print(f"resumed counters and SoC from {args.state}", flush=True)
        await park.start()
        for name, server in park.servers.items():
            units = ", ".join(f"{d.id}@{d.unit}" for d in config.devices if d.connection == name)
            print(f"serving {name} on {server.host}:{server.port}: {units}", flush=True)
        for line in park.faults.schedule():
            print(f"fault {line}", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), args.duration)
        except TimeoutError:
            pass
        finally:
            await park.stop()
            print(f"stopped; {sum(s.requests for s in park.servers.values())} requests served", flush=True)

    asyncio.run(body())
    return EXIT_OK


def _backfill(args: argparse.Namespace, config: Config) -> int:
    from energymon.backfill.runner import backfill_database

    if args.fault:
        print("energymon: error: --fault applies to serving, not to --backfill-days", file=sys.stderr)
        return EXIT_USAGE
    db_path = args.db or config.storage.database
    state_path = args.state or db_path.with_name(db_path.name + ".sim-state.json")
    print(
        f"writing {args.backfill_days:g} days of simulated history for {len(config.devices)} devices "
        f"into {db_path} (seed {args.seed})",
        flush=True,
    )
    result = backfill_database(
        config,
        db_path,
        args.backfill_days,
        args.seed,
        state_path,
        args.config.read_text(encoding="utf-8"),
        lambda line: print(line, flush=True),
    )
    print(
        f"done: {result.samples:,} samples in {result.seconds:.1f} s; simulator state saved to {state_path} "
        f"(serve on from there with: energymon simulate --config {args.config} --state {state_path})",
        flush=True,
    )
    return EXIT_OK


async def _print_summaries(site, collector, db_path: Path, every_s: float, stop: asyncio.Event, backfill=None) -> None:
    from drivers.quantities import Role
    from energymon.site_time import today_midnight_ms
    from energymon.store.reader import StoreReader
    from energymon.views.live import site_totals
    from energymon.views.summary import backfill_line, device_lines, energy_line, site_line

    reader: StoreReader | None = None
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), every_s)
                break
            except TimeoutError:
                pass
            now = time.time()
            now_ms = int(now * 1000)
            latest = dict(collector.latest)
            totals = site_totals(site.roles, latest, now_ms)
            midnight = today_midnight_ms(now, site.tz)
            if reader is None and db_path.exists():
                reader = StoreReader(db_path)
            energy = None
            if reader is not None:
                energy = await asyncio.to_thread(reader.counter_energy_since, site.ids(Role.PV), "yield_wh", midnight)
            stamp = datetime.fromtimestamp(now, site.tz).strftime("%H:%M:%S")
            lines = [f"[{stamp}] {site_line(totals)}"]
            if energy is not None:
                lines.append(
                    "  "
                    + energy_line(
                        energy.energy_wh, energy.first_ts_ms, site.emission_factor_kg_per_kwh, site.tz, midnight
                    )
                )
            if backfill is not None:
                lines.append("  " + backfill_line(backfill))
            states = {d: h.state for d, h in collector.health.items()}
            lines += device_lines(collector.config, latest, states, now_ms)
            print("\n".join(lines), flush=True)
    finally:
        if reader is not None:
            reader.close()


def display_problem() -> str | None:
    """Why a Qt window cannot open here, or None. (Qt itself aborts the process without a display.)"""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def _gui_unavailable(hint: str) -> int | None:
    problem = display_problem()
    if problem is None:
        return None
    print(f"energymon: error: {problem}; {hint}", file=sys.stderr)
    return EXIT_USAGE


def cmd_demo(args: argparse.Namespace) -> int:
    from energymon.demo import demo_dir

    if not args.headless:
        if (code := _gui_unavailable("run 'energymon demo --headless', or set QT_QPA_PLATFORM=offscreen")) is not None:
            return code
        from ui.app import run_demo_gui  # the CLI's one allowed upward import, lazily

        print(f"energymon demo: simulated park on 127.0.0.1; config and database in {demo_dir()}", flush=True)
        return run_demo_gui(duration_s=args.duration, backfill_days=args.backfill_days)

    from energymon.demo import run_demo
    from energymon.views.site import SiteInfo

    async def body() -> None:
        stop = asyncio.Event()
        _install_stop_signals(stop)
        tasks = []

        demos = []

        def started(demo) -> None:
            demos.append(demo)
            print(
                f"energymon demo: {len(demo.config.devices)} simulated devices on 127.0.0.1 "
                f"(ports {', '.join(str(p) for p in demo.simulator.ports.values())})",
                flush=True,
            )
            print(f"config:   {demo.config.path}\ndatabase: {demo.db_path}", flush=True)
            site = SiteInfo.from_config(demo.config)
            if demo.backfill is not None:
                print(f"history: filling the last {demo.backfill.days:g} days behind the live view", flush=True)
            tasks.append(
                asyncio.create_task(
                    _print_summaries(
                        site, demo.collection.collector, demo.db_path, args.summary_every, stop, demo.backfill
                    )
                )
            )

        await run_demo(stop, started, demo_dir(), args.duration, backfill_days=args.backfill_days)
        stop.set()
        await asyncio.gather(*tasks)
        if demos and demos[0].backfill is not None:
            from energymon.views.summary import backfill_line

            print(backfill_line(demos[0].backfill), flush=True)

    asyncio.run(body())
    return EXIT_OK


def cmd_collect(args: argparse.Namespace) -> int:
    from energymon.collect.service import Collection, run_until_stopped
    from energymon.views.site import SiteInfo

    config, db_path, text = _load_site(args)

    async def body() -> None:
        stop = asyncio.Event()
        _install_stop_signals(stop)
        collection = Collection(config, db_path, text)
        print(f"collecting {len(config.devices)} devices into {db_path}", flush=True)
        tasks = []
        if args.summary_every and args.summary_every > 0:
            tasks.append(
                asyncio.create_task(
                    _print_summaries(
                        SiteInfo.from_config(config), collection.collector, db_path, args.summary_every, stop
                    )
                )
            )
        await run_until_stopped(collection, stop, args.duration)
        stop.set()
        await asyncio.gather(*tasks)
        print(f"stopped; {collection.writer.rows_committed} samples committed", flush=True)

    asyncio.run(body())
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    if (code := _gui_unavailable("use 'energymon collect' on a machine without a screen")) is not None:
        return code
    from ui.app import run_site_gui  # the CLI's one allowed upward import, lazily

    if args.config is None:
        if not (args.no_collect and args.db):
            print(
                "energymon: error: gui needs --config FILE (or --no-collect --db FILE to view a database)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return run_site_gui(None, args.db, collect=False)
    config, db_path, text = _load_site(args)
    return run_site_gui(config, db_path, collect=not args.no_collect, config_text=text)


def cmd_export(args: argparse.Namespace) -> int:
    if args.config is None and args.db is None:
        print("energymon: error: export needs --db FILE or --config FILE", file=sys.stderr)
        return EXIT_USAGE
    db_path = args.db if args.db else load_config(args.config).storage.database
    reader = StoreReader(db_path)
    try:
        zone = reader.zone()
        start, end = parse_when(args.start, zone, end=False), parse_when(args.end, zone, end=True)
        if end <= start:
            raise ExportError(
                f"--to {args.end} ends before --from {args.start} starts (--to is the last day, included)"
            )
        if str(args.out) == "-":
            result = export_csv(reader, sys.stdout, start, end, args.interval, args.device)
        else:
            with replaced_when_complete(args.out) as partial, partial.open("w", encoding="utf-8", newline="") as out:
                result = export_csv(reader, out, start, end, args.interval, args.device)
    finally:
        reader.close()
    where = "stdout" if str(args.out) == "-" else str(args.out)
    print(f"exported {result.rows:,} rows ({args.interval}) of {result.channels} channels to {where}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from energymon.report.csv_file import write_report, write_report_csv
    from energymon.report.job import read_month_report

    if args.config is None and args.db is None:
        print("energymon: error: report needs --db FILE or --config FILE", file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "pdf"):
        raise ReportError(f"--out {args.out}: say --format csv, xlsx or pdf (the file name does not tell)")
    if str(args.out) == "-" and fmt != "csv":
        raise ReportError("--out -: only CSV can go to stdout")
    db_path = args.db if args.db else load_config(args.config).storage.database
    report = read_month_report(db_path, args.month)
    if str(args.out) == "-":
        write_report_csv(report, sys.stdout)
        return EXIT_OK
    write_report(report, args.out, fmt, args.lang)
    total = report.total
    if total.coverage_pct == 0:
        print(f"energymon: warning: the database has no data for {args.month}; the report is empty", file=sys.stderr)
    print(
        f"report {args.month} ({fmt}) written to {args.out}: PV {total.flows.pv_wh / 1000:,.1f} kWh, "
        f"consumption {total.flows.consumption_wh / 1000:,.1f} kWh, coverage {total.coverage_pct:.1f} %",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_scan(args: argparse.Namespace) -> int:
    import json

    from drivers.link import LinkSettings, ModbusLink
    from drivers.sunspec import DiscoveryFailure
    from drivers.sunspec_scan import scan

    if not 1 <= args.port <= 65535:
        print(f"energymon: error: --port: expected a TCP port 1..65535, got {args.port}", file=sys.stderr)
        return EXIT_USAGE
    if not 0 <= args.unit <= 255:
        print(f"energymon: error: --unit: expected a Modbus unit id 0..255, got {args.unit}", file=sys.stderr)
        return EXIT_USAGE
    profile = load_profile(args.profile) if args.profile and args.profile != "sunspec" else None

    async def probe():
        link = ModbusLink(LinkSettings(args.transport, host=args.host, port=args.port, timeout_s=args.timeout))
        try:
            return await scan(link, args.unit, profile)
        finally:
            link.close()

    report = asyncio.run(probe())
    if isinstance(report, DiscoveryFailure):  # nothing answered, or no SunSpec marker: say where, exit 1
        what = "no SunSpec device" if report.kind == "not-sunspec" else "no answer"
        print(f"energymon: error: {what}: {report}", file=sys.stderr)
        return 1
    nothing_read = report["roles"] and not any(info["reads"]["ok"] for info in report["roles"].values())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 1 if nothing_read else EXIT_OK

    def number(value: float | None, unit: str) -> str:
        if value is None:
            return "missing"
        text = f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")
        if text in ("0", "-0") and value != 0:
            text = f"{value:.3g}"
        return f"{text} {unit}".rstrip()

    lines: list[str] = []
    spec = report["sunspec"]
    if spec is not None:
        lines.append(
            f"SunSpec device at {report['address']}, unit {report['unit']} (marker at holding register {spec['base']})"
        )
        lines.append(f"  {'id':>5}  {'model':<40} {'address':>7} {'length':>6}")
        for m in spec["models"]:
            lines.append(f"  {m['id']:>5}  {m['name'][:40]:<40} {m['address']:>7} {m['length']:>6}")
        lines += [f"  problem: {text}" for text in spec["problems"]]
    else:
        role = next(iter(report["roles"]))
        lines.append(
            f"device at {report['address']}, unit {report['unit']}, read with profile "
            f"'{report['roles'][role]['profile']}' ({role})"
        )
    identity = report["identity"]
    if identity:
        lines.append("identity: " + ", ".join(f"{k} {v if v is not None else 'missing'}" for k, v in identity.items()))
    else:
        lines.append(
            "identity: none (no SunSpec common model 1)"
            if spec is not None
            else "identity: the profile has no identity fields"
        )
    if not report["roles"]:
        lines.append("no model of a pv inverter, storage or meter that energymon reads")
    for role, info in report["roles"].items():
        lines.append(f"{role}: {info['source']}")
        for quantity, value in info["values"].items():
            lines.append(f"  {quantity:<20} {number(value, info['units'][quantity])}")
        for quantity, why in info["missing"].items():
            lines.append(f"  {quantity:<20} not available: {why}")
        lines += [f"  read error: {text}" for text in info["errors"]]
    print("\n".join(lines))
    return 1 if nothing_read else EXIT_OK  # the device answered, but not one read of its values succeeded


COMMANDS = {
    "check-config": cmd_check_config,
    "profiles": cmd_profiles,
    "simulate": cmd_simulate,
    "demo": cmd_demo,
    "collect": cmd_collect,
    "gui": cmd_gui,
    "export": cmd_export,
    "report": cmd_report,
    "scan": cmd_scan,
}

if __name__ == "__main__":
    sys.exit(main())
