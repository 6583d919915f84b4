"""History generator benchmark: time to generate N days of the demo park (no database).

Run: .venv/bin/python benchmarks/bench_backfill.py [--days 30] [--seed 1] [--step 5]

Generates the demo park's history (17 devices, polls every 2-5 s) with
energymon.sim.backfill.generate_history day by day, as `energymon simulate
--backfill-days` and the demo do, and prints the wall time, the number of
samples and values, and the month's energy balance. With --store it then
also runs the whole backfill as `energymon simulate --backfill-days` does
(generation at register resolution + writing through the store's writer into
a temporary database) and prints that time and the bytes per sample, so the
cost of the store is seen against the generation measured in the same run.
Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import platform
import time
from importlib import resources

from drivers.quantities import Role
from energymon.config import load_config
from energymon.sim.backfill import generate_history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", type=float, default=5.0, help="internal step [s]")
    parser.add_argument("--end", type=float, default=None, help="end, UTC epoch s (default: now)")
    parser.add_argument("--store", action="store_true", help="also write the history into a temporary database")
    args = parser.parse_args()

    config = load_config(str(resources.files("energymon.data").joinpath("demo-park.toml")))
    end_s = args.end if args.end is not None else time.time()
    start_s = end_s - args.days * 86_400
    first: dict[str, dict[str, float]] = {}
    last: dict[str, dict[str, float]] = {}
    polls = values = 0
    started = time.perf_counter()
    for chunk in generate_history(config, start_s, end_s, seed=args.seed, step_s=args.step, full=True):
        for device_id, samples in chunk.devices.items():
            polls += samples.ts_ms.size
            values += samples.ts_ms.size * len(samples.values)
            first.setdefault(device_id, {q: float(v[0]) for q, v in samples.values.items()})
            last[device_id] = {q: float(v[-1]) for q, v in samples.values.items()}
    seconds = time.perf_counter() - started

    def delta(role: Role, q: str) -> float:
        return sum(last[d.id][q] - first[d.id][q] for d in config.devices if d.role is role)

    supplied = (
        delta(Role.PV, "yield_wh")
        + delta(Role.GRID, "imported_wh")
        - delta(Role.GRID, "exported_wh")
        + delta(Role.STORAGE, "discharged_wh")
        - delta(Role.STORAGE, "charged_wh")
    )
    load = delta(Role.LOAD, "consumed_wh")
    kwp = sum(d.rated_power_kw * d.sim.dc_ac_ratio for d in config.devices if d.role is Role.PV)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"demo park, {len(config.devices)} devices, {args.days} days, seed {args.seed}, step {args.step:g} s")
    print(f"generated in {seconds:.2f} s: {polls / 1e6:.2f} M polls, {values / 1e6:.1f} M values (every quantity)")
    print(
        f"PV {delta(Role.PV, 'yield_wh') / 1e6:.1f} MWh = {delta(Role.PV, 'yield_wh') / 1e3 / kwp / args.days:.2f}"
        f" kWh/kWp/day; metered load {load / 1e6:.1f} MWh; balance error {(supplied - load) / load:+.2e}"
    )
    if args.store:
        bench_store(config, args.days, args.seed, seconds)


def bench_store(config, days: int, seed: int, generation_s: float) -> None:
    import tempfile
    from pathlib import Path

    from energymon.backfill.runner import backfill_database

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "history.db"
        result = backfill_database(config, db, days, seed, Path(tmp) / "state.json", report=lambda line: None)
        size = sum(p.stat().st_size for p in Path(tmp).glob("history.db*"))
    print(
        f"with the store: {result.seconds:.1f} s for {result.samples / 1e6:.1f} M stored samples "
        f"({result.samples / result.seconds:,.0f} samples/s; generation alone {generation_s:.1f} s), "
        f"{size / 1e9:.2f} GB = {size / result.samples:.1f} bytes/sample"
    )


if __name__ == "__main__":
    main()
