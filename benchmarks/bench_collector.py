"""Collector benchmark: CPU per request, polls on time, jitter and RSS at 200 / 1,000 / 2,000 devices.

Run: .venv/bin/python benchmarks/bench_collector.py [--quick] [--devices 200,1000,2000] [--duration S] [--reps R]

Each run starts the lightweight loopback Modbus TCP server (tests/loopback_modbus.py, its own process) and
one poller in a child process, 10 devices (energymon-load, 14 input registers) per connection, every
device at 1 s:

- collector: the real path of ``energymon collect``: a :class:`~energymon.collect.service.Collection`
  (collector + store writer into a temporary database);
- the collector alone (its readings go nowhere): what the store writer adds is the difference;
- baseline: a minimal asyncio Modbus TCP client (tests/loopback_modbus.raw_client) on the same grid,
  checking transaction id, unit, function code and byte count, in the same run.

The runs alternate (baseline, collector, collector alone, baseline, ...) and the figures are medians. CPU is the child's
process time (every thread) over the steady window (after a warm-up of a fifth of the run), per request
the server answered in it; on time and jitter are judged by the server from the arrival of each
device's requests (a slot is on time when its request came within half an interval). RSS is the
child's peak. The load average is printed with every figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from loopback_modbus import park_config, raw_client  # noqa: E402

CPU_RATIO_TARGET = 2.0  # collector CPU per request <= 2 x the raw client's
ON_TIME_TARGET_PCT = 99.0
CORE_TARGET_PCT = 30.0  # at 1,000 devices
RSS_TARGET_MB = 150.0  # at 1,000 devices


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _child_collector(
    port: int, devices: int, duration_s: float, warmup_s: float, store: bool = True
) -> dict[str, float]:
    from energymon.collect.collector import Collector
    from energymon.collect.service import Collection
    from energymon.config.parse import parse_config

    folder = Path(tempfile.mkdtemp(prefix="bench-collector-"))
    path = folder / "site.toml"
    path.write_text(park_config(port, devices), encoding="utf-8")
    config = parse_config(path.read_text(encoding="utf-8"), path)
    polls = [0]
    if store:
        collection = Collection(config, folder / "bench.db")
        collector = collection.collector
        run = asyncio.create_task(collection.run(duration_s))
    else:  # the collector alone: its readings go nowhere
        collector = Collector(config)
        run = asyncio.create_task(collector.run(duration_s))
    collector.reading_subscribers.append(lambda _r: polls.__setitem__(0, polls[0] + 1))
    await asyncio.sleep(warmup_s)
    cpu0, polls0, t0 = time.process_time(), polls[0], time.monotonic()
    await asyncio.sleep(duration_s - warmup_s - 0.5)
    cpu1, polls1, t1 = time.process_time(), polls[0], time.monotonic()
    await run
    return {"cpu_s": cpu1 - cpu0, "polls": polls1 - polls0, "wall_s": t1 - t0, "rss_mb": _rss_mb()}


async def _child_raw(port: int, devices: int, duration_s: float, warmup_s: float) -> dict[str, float]:
    run = asyncio.create_task(raw_client(port, devices, duration_s))
    await asyncio.sleep(warmup_s)
    cpu0, t0 = time.process_time(), time.monotonic()
    await asyncio.sleep(duration_s - warmup_s - 0.5)
    cpu1, t1 = time.process_time(), time.monotonic()
    good = await run
    polls = good * (t1 - t0) / duration_s  # answers in the window (the grid is uniform)
    return {"cpu_s": cpu1 - cpu0, "polls": polls, "wall_s": t1 - t0, "rss_mb": _rss_mb()}


def _one_run(kind: str, devices: int, duration_s: float) -> dict[str, float]:
    """One poller child against a fresh server; its figures and the server's on-time summary."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "loopback_modbus.py"), "--skip", str(duration_s / 5)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        child = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(port), str(devices), str(duration_s)],
            capture_output=True,
            text=True,
            timeout=duration_s * 3 + 60,
        )
        if child.returncode != 0:
            raise RuntimeError(f"{kind} child failed ({child.returncode}): {child.stderr[-2000:]}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    figures.update(json.loads(out.strip().splitlines()[-1]))
    figures["us_per_request"] = figures["cpu_s"] / max(1.0, figures["polls"]) * 1e6
    figures["core_pct"] = 100 * figures["cpu_s"] / figures["wall_s"]
    return figures


def _row(figure: str, target: str, measured: float, baseline: float | None, unit: str, ok: bool) -> dict:
    ratio = measured / baseline if baseline else None
    return {
        "figure": figure,
        "target": target,
        "measured": round(measured, 1),
        "baseline": None if baseline is None else round(baseline, 1),
        "ratio": None if ratio is None else round(ratio, 2),
        "unit": unit,
        "ok": ok,
        "load": round(os.getloadavg()[0], 2),
    }


def run(quick: bool, devices: tuple[int, ...] | None = None, duration_s: float | None = None, reps: int | None = None):
    """The figures as rows (figure, target, measured, baseline, ratio, unit, ok, load)."""
    devices = devices or ((200, 1000) if quick else (200, 1000, 2000))
    duration_s = duration_s or (12.0 if quick else 40.0)
    reps = reps or (1 if quick else 3)
    rows = []
    for n in devices:
        raws, cols, alone = [], [], []
        for _ in range(reps):  # interleaved A/B
            raws.append(_one_run("raw", n, duration_s))
            cols.append(_one_run("collector", n, duration_s))
            alone.append(_one_run("alone", n, duration_s))

        def med(runs: list[dict], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        us, raw_us = med(cols, "us_per_request"), med(raws, "us_per_request")
        core, raw_core = med(cols, "core_pct"), med(raws, "core_pct")
        on_time, raw_on_time = med(cols, "on_time_pct"), med(raws, "on_time_pct")
        jitter, raw_jitter = med(cols, "jitter_p99_ms"), med(raws, "jitter_p99_ms")
        rss, raw_rss = med(cols, "rss_mb"), med(raws, "rss_mb")
        at = f"collector {n} devices @ 1 s"
        alone_us = med(alone, "us_per_request")
        rows += [
            _row(f"{at}: CPU per request", "<= 2x raw", us, raw_us, "us", us <= CPU_RATIO_TARGET * raw_us),
            _row(f"{at}: CPU per request, no store", "-", alone_us, raw_us, "us", True),
            _row(f"{at}: share of a core", "< 30 % at 1,000", core, raw_core, "%", n > 1000 or core < CORE_TARGET_PCT),
            _row(f"{at}: polls on time", ">= 99 %", on_time, raw_on_time, "%", on_time >= ON_TIME_TARGET_PCT),
            _row(f"{at}: polls on time, no store", "-", med(alone, "on_time_pct"), raw_on_time, "%", True),
            _row(f"{at}: share of a core, no store", "-", med(alone, "core_pct"), raw_core, "%", True),
            _row(f"{at}: jitter p99", "-", jitter, raw_jitter, "ms", True),
            _row(f"{at}: RSS", "< 150 MB at 1,000", rss, raw_rss, "MB", n > 1000 or rss < RSS_TARGET_MB),
        ]
    return rows


def _print(rows: list[dict]) -> None:
    print(f"{'figure':52} {'target':>16} {'measured':>9} {'baseline':>9} {'ratio':>6} {'unit':>4} ok   load")
    for r in rows:
        print(
            f"{r['figure']:52} {r['target']:>16} {r['measured']:>9} {str(r['baseline']):>9} {str(r['ratio']):>6}"
            f" {r['unit']:>4} {'yes' if r['ok'] else 'NO ':3}  {r['load']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 devices, 12 s, one A/B pair")
    parser.add_argument("--devices", help="comma-separated device counts")
    parser.add_argument("--duration", type=float, help="seconds per run")
    parser.add_argument("--reps", type=int, help="A/B pairs per device count")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "PORT", "DEVICES", "DURATION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, port, n, duration_s = args.child[0], int(args.child[1]), int(args.child[2]), float(args.child[3])
        warmup_s = duration_s / 5
        if kind == "raw":
            figures = asyncio.run(_child_raw(port, n, duration_s, warmup_s))
        else:
            figures = asyncio.run(_child_collector(port, n, duration_s, warmup_s, store=kind == "collector"))
        print(json.dumps(figures), flush=True)
        return
    devices = tuple(int(n) for n in args.devices.split(",")) if args.devices else None
    _print(run(args.quick, devices, args.duration, args.reps))


if __name__ == "__main__":
    main()
