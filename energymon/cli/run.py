"""The commands that run the monitor: ``demo``, ``gui`` and ``collect`` (with their headless summaries).

The CLI's one upward import, ``ui.app`` for ``gui`` and ``demo``, is made lazily here, when the GUI is asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from energymon.cli.common import EXIT_OK, EXIT_USAGE, install_stop_signals, load_site, seconds, site_args


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        install_stop_signals(stop)
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

    config, db_path, text = load_site(args)

    async def body() -> None:
        stop = asyncio.Event()
        install_stop_signals(stop)
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
        _check_viewable(args.db)
        return run_site_gui(None, args.db, collect=False)
    config, db_path, text = load_site(args)
    if args.no_collect:
        _check_viewable(db_path)
    else:
        from energymon.store.startup import check_writable

        check_writable(db_path, config, text)  # before any window: one line naming the file, exit 2
    return run_site_gui(config, db_path, collect=not args.no_collect, config_text=text)


def _check_viewable(db_path: Path) -> None:
    """A database to view: StoreError (one line, exit 2) if it cannot be read; a warning if it is damaged."""
    import logging

    from energymon.store.health_check import quick_check
    from energymon.store.reader import StoreReader

    StoreReader(db_path).close()
    health = quick_check(db_path)
    for note in (health.cut_short(), health.warning()):
        if note is not None:
            logging.getLogger("energymon.cli").warning("%s", note)


COMMANDS = {
    "demo": cmd_demo,
    "collect": cmd_collect,
    "gui": cmd_gui,
}
