"""Publisher benchmark: samples/s from a park's SQLite to a loopback Mosquitto at QoS 1, and CPU per sample.

Run: .venv/bin/python benchmarks/bench_publish.py [--samples N] [--max-samples M]

The park: N samples (default 1,000,000) over 5 channels at 1 s, written as history (raw blocks) through the
store's writer before the clock starts. Figures, in the same run:

- baseline: the outbox alone (energymon.fleet.outbox, no MQTT): read the park's blocks, chunk, encode the
  JSON payloads; what the publisher costs before the network.
- publisher: energymon.fleet.publisher to a Mosquitto on 127.0.0.1 (the Debian package; a broker of this
  benchmark, in a temporary directory), from the start until the broker has acknowledged every sample and
  the marks are committed. CPU is this process's (every thread) and the broker's (from /proc) over that window.

The load average is printed with the figures: the machine is shared. Asserts nothing; exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from energymon.config.publish import PublishSettings  # noqa: E402
from energymon.fleet.marks import Marks, marks_path  # noqa: E402
from energymon.fleet.outbox import Outbox  # noqa: E402
from energymon.fleet.publisher import Publisher  # noqa: E402
from energymon.store.history import DeviceHistory  # noqa: E402
from energymon.store.reader import StoreReader  # noqa: E402
from energymon.store.writer import StoreWriter  # noqa: E402

CHANNELS = (
    ("pv-1", "power_w"),
    ("pv-1", "yield_wh"),
    ("pv-2", "power_w"),
    ("grid-1", "power_w"),
    ("bess-1", "soc_pct"),
)
START_MS = 1_764_547_200_000  # 2025-12-01T00:00Z


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def make_park(path: Path, samples: int) -> None:
    per_channel = samples // len(CHANNELS)
    ts = START_MS + 1000 * np.arange(per_channel, dtype=np.int64)
    rng = np.random.default_rng(1)
    writer = StoreWriter(path, max_delay_s=0.5)
    done = threading.Semaphore(0)
    devices: dict[str, dict[str, np.ndarray]] = {}
    for device, quantity in CHANNELS:
        devices.setdefault(device, {})[quantity] = np.round(rng.uniform(0, 1e5, per_channel), 1)
    for device, values in devices.items():
        writer.put_history(DeviceHistory(device, ts, values), done)
    for _ in devices:
        done.acquire()
    writer.close()


def cpu_ticks(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_broker(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("mosquitto", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
    if binary is None:
        sys.exit("mosquitto is not installed (Debian package mosquitto)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = folder / "mosquitto.conf"
    user = "user root\n" if os.geteuid() == 0 else ""
    config.write_text(f"listener {port} 127.0.0.1\n{user}allow_anonymous true\npersistence false\n")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("mosquitto did not start")


def baseline(db: Path, max_samples: int) -> tuple[float, float, int]:
    """(wall s, CPU s, samples) of draining the outbox without MQTT."""
    reader = StoreReader(db)
    marks = Marks(db.with_name("baseline.publish.db"))
    wall, cpu = time.perf_counter(), time.process_time()
    outbox = Outbox(reader, marks, "baseline", "bench park", max_samples, None)
    samples = 0
    while (message := outbox.next_message()) is not None:
        samples += message.samples
    result = time.perf_counter() - wall, time.process_time() - cpu, samples
    reader.close()
    marks.close()
    return result


def publish(db: Path, port: int, broker_pid: int, max_samples: int, total: int) -> tuple[float, float, float, int]:
    """(wall s, own CPU s, broker CPU s, samples acknowledged) of publishing the park to the broker."""
    settings = PublishSettings("127.0.0.1", port, False, "bench park", "bench", f"127.0.0.1:{port}", max_samples)
    publisher = Publisher(settings, db, poll_s=0.05, summary_every_s=3600)
    stop = threading.Event()

    def watch() -> None:
        while publisher.stats.samples_acked < total and not stop.is_set():
            time.sleep(0.01)
        stop.set()

    watcher = threading.Thread(target=watch, daemon=True)
    wall, cpu, broker = time.perf_counter(), time.process_time(), cpu_ticks(broker_pid)
    watcher.start()
    publisher.run(stop, duration_s=600)
    result = time.perf_counter() - wall, time.process_time() - cpu, cpu_ticks(broker_pid) - broker
    return (*result, publisher.stats.samples_acked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--max-samples", type=int, default=5_000, help="samples per message (default 5,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        folder = Path(tmp)
        db = folder / "park.db"
        make_park(db, args.samples)
        total = StoreReader(db).sample_count()
        print(f"park: {total:,} samples in {len(CHANNELS)} channels; {args.max_samples:,} samples per message")
        wall, cpu, n = baseline(db, args.max_samples)
        print(f"baseline (outbox, no MQTT): {n / wall:,.0f} samples/s, {cpu / n * 1e6:.2f} us CPU/sample; {load()}")
        broker, port = start_broker(folder)
        try:
            wall, cpu, broker_cpu, acked = publish(db, port, broker.pid, args.max_samples, total)
        finally:
            broker.terminate()
            broker.wait(10)
        print(
            f"publisher to loopback Mosquitto: {acked:,} samples acknowledged in {wall:.2f} s = {acked / wall:,.0f}"
            f" samples/s; CPU {cpu / acked * 1e6:.2f} us/sample (publisher), {broker_cpu / acked * 1e6:.2f}"
            f" us/sample (broker); {load()}"
        )
        print(f"marks file: {marks_path(db).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
