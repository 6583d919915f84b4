"""The ``simulate`` command: serve the config's devices as simulated Modbus devices, or write a simulated history."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from energymon.cli.common import EXIT_OK, EXIT_USAGE, install_stop_signals, seconds
from energymon.config import Config, load_config
from energymon.config.parse import read_config_text


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        "the state at the end of the history there (default: next to the database, "
        "DB.sim-state.json). Without a state, serving continues the last counters the "
        "database holds, so they never step back",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="DEVICE:KIND[@START_S[+DURATION_S]]",
        help="inject a fault into one device, START_S seconds after the start (default 0) for "
        "DURATION_S seconds (default: until stopped); repeatable. KIND: "
        "offline, black-hole, slow, exception, garbage, counter-wrap, counter-reset, frozen, "
        "frozen-power, not-implemented (docs/configuration.md)",
    )


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
        install_stop_signals(stop)
        state_path = args.state or default_state_path(config.storage.database)
        stored = None if state_path.exists() else last_stored_counters(config.storage.database)
        park = SimulatedPark(config, seed=args.seed, faults=faults, state_path=state_path, stored=stored)
        if park.resumed:
            print(f"resumed counters and SoC from {state_path}", flush=True)
        elif park.continued:
            print(
                f"continued the counters of {len(park.continued)} of {len(config.devices)} devices from the last "
                f"values in {config.storage.database}",
                flush=True,
            )
        else:
            print(f"starting from fresh counters (no state at {state_path}, no counters in the database)", flush=True)
        await park.start()
        for name, server in park.servers.items():
            units = ", ".join(f"{d.id}@{d.unit}" for d in config.devices if d.connection == name)
            print(f"serving {name} on {server.host}:{server.port}: {units}", flush=True)
            if server.host in WILDCARD_HOSTS:
                print(
                    f"energymon: warning: connections.{name}: host {server.host!r} listens on every network "
                    "interface: other machines can reach these simulated devices (use 127.0.0.1 for this PC only)",
                    file=sys.stderr,
                    flush=True,
                )
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
    state_path = args.state or default_state_path(db_path)
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
        read_config_text(args.config),
        lambda line: print(line, flush=True),
    )
    print(
        f"done: {result.samples:,} samples in {result.seconds:.1f} s; simulator state saved to {state_path} "
        f"(serve on from there with: energymon simulate --config {args.config} --state {state_path})",
        flush=True,
    )
    return EXIT_OK


WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # addresses that listen on every interface


def default_state_path(db_path: Path) -> Path:
    """Where the simulator keeps its state for a database unless told otherwise: ``DB.sim-state.json``."""
    return db_path.with_name(db_path.name + ".sim-state.json")


def last_stored_counters(db_path: Path) -> tuple[dict[str, dict[str, float]], float] | None:
    """The newest stored counters per device, and the time [s] of the newest, or None (no database,
    unreadable, or nothing stored): what a simulator serving on must continue from (SoC starts fresh)."""
    import sqlite3

    from drivers.quantities import QUANTITIES, Kind
    from energymon.store.last_counters import last_counter_values
    from energymon.store.reader import StoreReader

    if not db_path.is_file():
        return None
    try:
        reader = StoreReader(db_path)
        try:
            rows = last_counter_values(reader)
        finally:
            reader.close()
    except (sqlite3.Error, OSError):
        return None
    last: dict[str, dict[str, float]] = {}
    newest_ms = 0
    for device_id, quantity, ts_ms, value in rows:
        q = QUANTITIES.get(quantity)
        if value is not None and q is not None and (q.kind is Kind.COUNTER or quantity == "soc_pct"):
            last.setdefault(device_id, {})[quantity] = float(value)
            newest_ms = max(newest_ms, int(ts_ms))
    return (last, newest_ms / 1000.0) if last else None


COMMANDS = {
    "simulate": cmd_simulate,
}
