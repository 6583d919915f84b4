"""The ``simulate`` command: serve the config's devices as simulated Modbus devices, or write a simulated history."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from energymon.cli.common import EXIT_OK, EXIT_USAGE, install_stop_signals, seconds
from energymon.config import Config, load_config


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


COMMANDS = {
    "simulate": cmd_simulate,
}
