"""The commands that run the monitor: ``demo``, ``gui`` and ``collect`` (with their headless summaries).

The CLI's one upward import, ``ui.app`` for ``gui`` and ``demo``, is made lazily here, when the GUI is asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType

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
    wall_args(p)

    p = sub.add_parser(
        "gui",
        help="open the desktop app (collects in the background unless --no-collect)",
        description="Open the desktop GUI. It collects in the background unless --no-collect, "
        "in which case it views a database that another collector writes.",
    )
    site_args(p, config_required=False)
    p.add_argument("--no-collect", action="store_true", help="only view the database, do not poll devices")
    no_publish_arg(p)
    wall_args(p)

    p = sub.add_parser(
        "collect",
        help="headless collector (for running as a service)",
        description="Poll every device of the config and log readings to the database.",
    )
    site_args(p)
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    no_publish_arg(p)
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


def _gui_unavailable(hint: str) -> int | None:
    """Exit 2 with one line when no Qt window can open here (energymon.cli.gui_check), else None."""
    from energymon.cli.gui_check import gui_problem

    problem = gui_problem()
    if problem is None:
        return None
    print(f"energymon: error: {problem}{hint}", file=sys.stderr)
    return EXIT_USAGE


def _import_gui() -> ModuleType:
    """ui.app, the CLI's one allowed upward import (lazily); exit 2 with one line when Qt's libraries fail."""
    try:
        import ui.app
    except ImportError as exc:
        from energymon.cli.gui_check import import_problem

        print(f"energymon: error: {import_problem(exc)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    return ui.app


def no_publish_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-publish",
        action="store_true",
        help="do not publish to the fleet's broker even if the config has a [publish] section "
        "(with one, collecting publishes too: docs/fleet.md)",
    )


def wall_args(p: argparse.ArgumentParser) -> None:
    """``--fullscreen`` and ``--cycle S``: the wall display of a control room (docs/gui.md)."""
    p.add_argument("--fullscreen", action="store_true", help="open full-screen, as a wall display (F11 toggles it)")
    p.add_argument(
        "--cycle",
        type=seconds,
        metavar="S",
        help="show the pages in turn, S seconds each (for this run; the settings page keeps a default)",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from energymon.demo import demo_dir

    if not args.headless:
        if (code := _gui_unavailable(" (or run 'energymon demo --headless')")) is not None:
            return code
        app = _import_gui()
        print(f"energymon demo: simulated park on 127.0.0.1; config and database in {demo_dir()}", flush=True)
        return app.run_demo_gui(
            duration_s=args.duration, backfill_days=args.backfill_days, fullscreen=args.fullscreen, cycle_s=args.cycle
        )

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
    from energymon.fleet.alongside import publishing
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
        with publishing(None if args.no_publish else config.publish, db_path):  # [publish]: a thread beside
            await run_until_stopped(collection, stop, args.duration)
            stop.set()
            await asyncio.gather(*tasks)
        print(f"stopped; {collection.writer.rows_committed} samples committed", flush=True)

    asyncio.run(body())
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    if (code := _gui_unavailable(" (on a machine without a screen, collect with 'energymon collect')")) is not None:
        return code
    app = _import_gui()
    wall = {"fullscreen": args.fullscreen, "cycle_s": args.cycle}
    if args.config is None:
        if not (args.no_collect and args.db):
            print(
                "energymon: error: gui needs --config FILE (or --no-collect --db FILE to view a database)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        _check_viewable(args.db)
        return app.run_site_gui(None, args.db, collect=False, **wall)
    config, db_path, text = load_site(args)
    if args.no_collect:
        _check_viewable(db_path)
    else:
        from energymon.site_open import check_outside_app_folder
        from energymon.store.startup import check_writable

        check_outside_app_folder(args.config, db_path)  # a frozen app's folder is replaced by its next install
        check_writable(db_path, config, text)  # before any window: one line naming the file, exit 2
    publish = not (args.no_collect or args.no_publish)
    return app.run_site_gui(config, db_path, collect=not args.no_collect, config_text=text, publish=publish, **wall)


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
