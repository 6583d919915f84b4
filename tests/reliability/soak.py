"""Soak: the small park served by the simulator, collected into a real SQLite file on a real small file system,
with every kind of fault injected over and over; then the checks that nothing was lost and everything was said.

Run ``python tests/reliability/soak.py --minutes 30 --dir /tmp/soak`` for a long run (as root: the database lives
on a tmpfs that is filled up to make the disk full). ``tests/reliability/test_soak.py`` runs the short mode (one
cycle, under a minute) in the suite. Each cycle of ``CYCLE_S`` seconds injects, on the nine devices behind two
gateways: a device offline (gateway exception 0x0B) and back, a black hole, an exception storm, garbage frames,
a counter reset (a replaced meter), a counter wrap, a frozen grid-meter power, a full disk and another program's
write lock. Checks (:func:`check`): every sample the collector produced and committed is in the file (none lost),
the energy of the clean devices equals what the simulator counted, every fault raised its event and its
recovery, integrity_check is ok; figures: polls scheduled and done, faults, events, samples, peak RSS and its
slope over the second half, database size.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sqlite3
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1])]  # tests/ (support, fault_fs) and the repo

from energymon.accounting.counters import counter_intervals  # noqa: E402
from energymon.collect.service import Collection  # noqa: E402
from energymon.config import load_config  # noqa: E402
from energymon.config.sim_params import Fault  # noqa: E402
from energymon.sim.serve import SimulatedPark  # noqa: E402
from energymon.store.reader import ALL_TIME, StoreReader  # noqa: E402

from fault_fs import fill, small_filesystem, write_lock  # noqa: E402
from support import free_port, small_site_toml, write_config  # noqa: E402

CYCLE_S = 60.0
POLL_S = 0.5
# The grid meter's freeze is short here; frequency (0.01 Hz steps) legitimately stands still for seconds.
QUALITY = '[devices.quality]\nfrozen_polls = 6\nfrozen_min_s = 4\nfrozen_ignore = ["frequency_hz"]\n'
NOON_S = 1_790_740_800.0  # 2026-09-30 12:00 Asia/Shanghai: the simulated park lives from its noon on, so PV runs
# device -> (fault kind, start in the cycle [s], duration [s]); the events each must raise (one of each set)
DEVICE_FAULTS = {
    "pv-2": ("offline", 4.0, 6.0),
    "load-2": ("black-hole", 12.0, 5.0),
    "pv-3": ("exception", 20.0, 4.0),
    "load-3": ("garbage", 26.0, 4.0),
    "load-1": ("counter-reset", 8.0, 10.0),
    "bess-2": ("counter-wrap", 16.0, 10.0),
    "grid-1": ("frozen-power", 30.0, 10.0),
}
EXPECTED_EVENTS = {
    "offline": ({"device_offline"}, {"device_recovered"}),
    "black-hole": ({"device_offline"}, {"device_recovered"}),
    "exception": ({"device_offline", "device_degraded"}, {"device_recovered", "device_complete"}),
    "garbage": ({"device_offline", "device_degraded"}, {"device_recovered", "device_complete"}),
    "counter-reset": ({"counter_reset", "meter_replaced"}, set()),
    "counter-wrap": ({"counter_wrap", "meter_replaced", "counter_reset"}, set()),
    "frozen-power": ({"data_frozen"}, {"data_ok"}),
}
CLEAN = ("pv-1", "bess-1")  # no fault: their stored energy must equal what the simulator counted
DISK_FULL = (44.0, 6.0)  # start in the cycle, duration [s]
LOCK = (52.0, 4.0)


@dataclass
class Run:
    minutes: float
    directory: Path
    # Samples produced per channel (device, quantity) and the newest time of each: counts, not keys, so the
    # soak's own bookkeeping does not grow with the run and the RSS slope is the product's.
    produced: Counter = field(default_factory=Counter)
    newest_ms: dict[tuple[str, str], int] = field(default_factory=dict)
    polls: Counter = field(default_factory=Counter)
    rss_mb: list[tuple[float, float]] = field(default_factory=list)
    storage_faults: list[str] = field(default_factory=list)
    truth_start: dict[str, dict[str, float]] = field(default_factory=dict)
    truth_end: dict[str, dict[str, float]] = field(default_factory=dict)
    elapsed_s: float = 0.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def faults_for(cycles: int) -> dict[str, list[Fault]]:
    return {
        device: [Fault(kind, k * CYCLE_S + start, duration) for k in range(cycles)]
        for device, (kind, start, duration) in DEVICE_FAULTS.items()
    }


def site(directory: Path, ports: dict[str, int]) -> Path:
    lines = {"grid-1": QUALITY}
    text = small_site_toml(ports, poll_interval_s=POLL_S, timeout_s=0.3, device_lines=lines)
    return write_config(directory, text.replace('database = "site.db"', 'database = "disk/site.db"'))


def storage_faults(run: Run, db_path: Path, start: float, cycles: int, stop: threading.Event) -> None:
    """In a thread: fill the disk, then hold a write lock, once a cycle at the cycle's times."""
    for k in range(cycles):
        for what, (at, duration) in (("disk full", DISK_FULL), ("write lock", LOCK)):
            if stop.wait(max(0.0, start + k * CYCLE_S + at - time.time())):
                return
            run.storage_faults.append(what)
            if what == "disk full":
                filler = fill(db_path.parent)
                stop.wait(duration)
                filler.unlink()
            else:
                with write_lock(db_path):
                    stop.wait(duration)


async def soak(run: Run) -> None:
    cycles = max(1, int(run.minutes * 60 // CYCLE_S))
    duration_s = cycles * CYCLE_S
    ports = {"c1": free_port(), "c2": free_port()}
    config = load_config(site(run.directory, ports))
    db_path = config.storage.database
    offset_s = NOON_S - time.time()
    sim = SimulatedPark(
        config, clock=lambda: time.time() + offset_s, host="127.0.0.1", ports=ports, faults=faults_for(cycles)
    )
    await sim.start()
    collection = Collection(config, db_path, busy_timeout_s=0.5, retry_first_s=0.5, retry_max_s=2.0)

    def record(reading) -> None:
        run.polls[reading.device_id] += 1
        if reading.ok:
            for q, v in reading.values.items():
                if v is not None:
                    run.produced[(reading.device_id, q)] += 1
                    run.newest_ms[(reading.device_id, q)] = reading.ts_ms

    collection.collector.reading_subscribers.append(record)
    run.truth_start = {d: dict(s.counters_wh) for d, s in sim.park.devices.items()}
    stop = threading.Event()
    started = time.time()
    thread = threading.Thread(target=storage_faults, args=(run, db_path, started, cycles, stop), daemon=True)
    thread.start()
    task = asyncio.create_task(collection.run(duration_s))
    try:
        while not task.done():
            run.rss_mb.append((time.time() - started, rss_mb()))
            await asyncio.sleep(5.0)
        await task
    finally:
        stop.set()
        thread.join(30)
        sim.park.advance_to(time.time() + offset_s)
        run.truth_end = {d: dict(s.counters_wh) for d, s in sim.park.devices.items()}
        await sim.stop()
    run.elapsed_s = time.time() - started


def check(run: Run, db_path: Path) -> dict:
    """The soak's verdict and figures (a dict, printed as JSON)."""
    reader = StoreReader(db_path)
    try:
        stored: Counter = Counter()
        stored_newest: dict[tuple[str, str], int] = {}
        for device_id, quantity, _, _ in reader.channels():
            ts, _ = reader.raw(device_id, quantity, *ALL_TIME)
            stored[(device_id, quantity)] = int(ts.size)
            if ts.size:
                stored_newest[(device_id, quantity)] = int(ts[-1])
        events = reader.db.execute("SELECT device_id, kind FROM events ORDER BY id").fetchall()
        energy = {}
        for device_id in CLEAN:
            for quantity, start_wh in run.truth_start[device_id].items():
                ts, values = reader.raw(device_id, quantity, *ALL_TIME)
                counted = counter_intervals(ts, values).total_wh if ts.size >= 2 else 0.0
                truth = run.truth_end[device_id][quantity] - start_wh
                energy[f"{device_id}.{quantity}"] = (round(counted, 1), round(truth, 1))
    finally:
        reader.close()
    con = sqlite3.connect(db_path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    kinds: dict[str | None, set[str]] = {}
    for device_id, kind in events:
        kinds.setdefault(device_id, set()).add(kind)
    missing_events = []
    for device_id, (kind, _, _) in DEVICE_FAULTS.items():
        raised, recovered = EXPECTED_EVENTS[kind]
        seen = kinds.get(device_id, set())
        if not raised & seen or (recovered and not recovered & seen):
            missing_events.append(f"{device_id} {kind}: saw {sorted(seen)}")
    for kind in ("storage_failed", "storage_resumed"):
        if kind not in kinds.get(None, set()):
            missing_events.append(f"site {kind}")
    half = [(t, m) for t, m in run.rss_mb if t >= run.elapsed_s / 2]
    slope = float(np.polyfit([t for t, _ in half], [m for _, m in half], 1)[0] * 3600) if len(half) >= 3 else 0.0
    last15 = [(t, m) for t, m in run.rss_mb if t >= run.elapsed_s - 900]
    slope15 = (
        float(np.polyfit([t for t, _ in last15], [m for _, m in last15], 1)[0] * 3600) if len(last15) >= 3 else 0.0
    )
    scheduled = int(run.elapsed_s / POLL_S) * len(run.truth_start)
    return {
        "minutes": round(run.elapsed_s / 60, 2),
        "polls_scheduled": scheduled,
        "polls_done": sum(run.polls.values()),
        "faults_injected": sum(int(run.elapsed_s // CYCLE_S) for _ in DEVICE_FAULTS) + len(run.storage_faults),
        "storage_faults": Counter(run.storage_faults),
        "events": Counter(k for _, k in events),
        "samples_produced": sum(run.produced.values()),
        "samples_lost": sum(max(0, n - stored[key]) for key, n in run.produced.items())
        + sum(1 for key, t in run.newest_ms.items() if stored_newest.get(key) != t),  # the newest one is there too
        "energy_counted_vs_true_wh": energy,
        "missing_events": missing_events,
        "integrity": integrity,
        "rss_peak_mb": round(max(m for _, m in run.rss_mb), 1) if run.rss_mb else None,
        "rss_slope_second_half_mb_per_h": round(slope, 2),
        "rss_slope_last_15_min_mb_per_h": round(slope15, 2),
        "db_mb": round(sum(p.stat().st_size for p in db_path.parent.glob("site.db*")) / 2**20, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--disk-mb", type=int, default=256, help="size of the tmpfs the database lives on")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    run = Run(args.minutes, args.dir)
    with small_filesystem(args.dir / "disk", args.disk_mb * 1024):
        asyncio.run(soak(run))
        figures = check(run, args.dir / "disk" / "site.db")
    print(json.dumps(figures, indent=2, default=dict))
    ok = figures["samples_lost"] == 0 and not figures["missing_events"] and figures["integrity"] == "ok"
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
