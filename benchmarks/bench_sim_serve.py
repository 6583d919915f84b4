"""The simulator at scale: ``energymon simulate``'s server serving a park of N devices polled every second.

Run: .venv/bin/python benchmarks/bench_sim_serve.py [--quick] [--devices 200,1000] [--seconds 40] [--repeat 2]

The park is the demo's devices repeated (energymon.sim.large_park), every
device on its own unit and port as in the demo (TCP and RTU-over-TCP
gateways, hybrid units, SunSpec devices). The simulator runs in a child
process (``--serve sim``: a :class:`~energymon.sim.serve.SimulatedPark`, as
``energymon simulate`` runs it); this process is the load: a minimal asyncio
Modbus client, one connection per config connection, polling every device of
the connection once a second, one request per register block of its profile
(a SunSpec device: the SunSpec marker and common model), one after another as a
collector on a gateway does. After a warm-up it measures, over ``--seconds``:

- the CPU share of the server process (utime + stime from /proc, over wall time; target <= 1 core at 1,000);
- CPU per request [us];
- the share of polls answered on time (every request of the device answered, without an exception,
  before its next poll is due).

Baseline, measured in the same run, interleaved with the simulator (A/B, medians of ``--repeat`` runs):
``--serve fixed``, the same server (energymon.sim.modbus_server) on the same connections, units and
framings, answering every read with fixed registers: the cost of the wire and framing alone.
Prints the load average with each figure. ``run(quick)`` returns the rows for ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from energymon.config import Config  # noqa: E402
from energymon.config.parse import parse_config  # noqa: E402
from energymon.sim.large_park import repeated_demo_config_text  # noqa: E402
from energymon.sim.modbus_server import ModbusTcpServer, crc16  # noqa: E402

POLL_S = 1.0
SUNSPEC_READ = 70  # registers from 40000: "SunS" and the common model (1 + 1 + 66 registers)
WARMUP_S = 5.0
TARGET_CORE_SHARE = 1.0  # at 1,000 devices
TARGET_ON_TIME_PCT = 99.0
_MBAP = struct.Struct(">HHHB")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}/{five:.2f}/{fifteen:.2f}"


# -- the server (child process) ---------------------------------------------------------------


class FixedRegisters:
    """The baseline's device: every register reads the same pattern."""

    def read_registers(self, table: str, address: int, count: int) -> list[int]:
        return [(address + i) & 0xFF for i in range(count)]


def _fixed_servers(config: Config) -> dict[str, ModbusTcpServer]:
    servers = {}
    for name, conn in config.connections.items():
        units = {d.unit: FixedRegisters() for d in config.devices if d.connection == name}
        if units:
            framing = "rtu" if conn.transport == "rtu-over-tcp" else "socket"
            servers[name] = ModbusTcpServer("127.0.0.1", 0, units, framing=framing)
    return servers


async def _serve(kind: str, config_path: Path) -> None:
    from energymon.config import load_config
    from energymon.sim.serve import SimulatedPark

    config = load_config(config_path)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    if kind == "sim":
        park = SimulatedPark(config, host="127.0.0.1", ports={name: 0 for name in config.connections})
        await park.start()
        ports = park.ports
    else:
        servers = _fixed_servers(config)
        for server in servers.values():
            await server.start()
        ports = {name: s.port for name, s in servers.items()}
    print(json.dumps(ports), flush=True)
    await stopped.wait()
    if kind == "sim":
        await park.stop()


# -- the load (this process) -------------------------------------------------------------------


@dataclass
class Read:
    unit: int
    function_code: int
    address: int
    count: int


def device_reads(config: Config) -> dict[str, list[tuple[str, list[Read]]]]:
    """connection -> [(device id, its reads)]: one read per register block (SunSpec: marker and common model)."""
    out: dict[str, list[tuple[str, list[Read]]]] = {}
    for device in config.devices:
        profile = device.profile
        if profile is None:
            reads = [Read(device.unit, 3, 40000, SUNSPEC_READ)]
        else:
            reads = [Read(device.unit, 3 if b.table == "holding" else 4, b.address, b.count) for b in profile.blocks]
        out.setdefault(device.connection, []).append((device.id, reads))
    return out


@dataclass
class Tally:
    due: int = 0
    on_time: int = 0
    requests: int = 0
    exceptions: int = 0


def _request(framing: str, tid: int, read: Read) -> tuple[bytes, int]:
    """(the request frame, the length of a normal answer)."""
    pdu = struct.pack(">BHH", read.function_code, read.address, read.count)
    if framing == "rtu":
        frame = bytes([read.unit]) + pdu
        return frame + crc16(frame), 5 + 2 * read.count
    return _MBAP.pack(tid, 0, len(pdu) + 1, read.unit) + pdu, 9 + 2 * read.count


async def _answer(reader: asyncio.StreamReader, framing: str, expected: int) -> bool:
    """Read one answer; True if it is a normal one (not an exception)."""
    if framing == "rtu":
        head = await reader.readexactly(3)
        if head[1] & 0x80:
            await reader.readexactly(2)
            return False
        await reader.readexactly(expected - 3)
        return True
    header = await reader.readexactly(_MBAP.size)
    _, _, length, _ = _MBAP.unpack(header)
    body = await reader.readexactly(length - 1)
    return not body[0] & 0x80


async def _poll_connection(
    port: int, framing: str, devices: list[tuple[str, list[Read]]], window: tuple[float, float], tally: Tally
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    loop = asyncio.get_running_loop()
    start, end = window
    tid = 0
    slot = start - WARMUP_S + (port % 97) / 97 * POLL_S  # each connection at its own phase of the second
    try:
        while slot < end:
            await asyncio.sleep(max(0.0, slot - loop.time()))
            for _, reads in devices:
                ok = True
                for read in reads:
                    tid = (tid + 1) & 0xFFFF
                    frame, expected = _request(framing, tid, read)
                    writer.write(frame)
                    ok = await _answer(reader, framing, expected) and ok
                    if start <= slot < end:
                        tally.requests += 1
                        tally.exceptions += not ok
                if start <= slot < end:
                    tally.due += 1
                    tally.on_time += ok and loop.time() < slot + POLL_S
            slot += POLL_S
            while slot + POLL_S < loop.time():  # a cycle that overran its slot: the polls missed are late
                if start <= slot < end:
                    tally.due += len(devices)
                slot += POLL_S
    finally:
        writer.close()


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime


async def _load(config: Config, ports: dict[str, int], pid: int, seconds: float) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    start = loop.time() + WARMUP_S
    window = (start, start + seconds)
    tally = Tally()
    reads = device_reads(config)
    framing = {n: "rtu" if c.transport == "rtu-over-tcp" else "socket" for n, c in config.connections.items()}
    tasks = [
        asyncio.create_task(_poll_connection(ports[name], framing[name], devices, window, tally))
        for name, devices in reads.items()
    ]
    await asyncio.sleep(max(0.0, start - loop.time()))
    cpu0, wall0 = _cpu_s(pid), time.monotonic()
    await asyncio.sleep(max(0.0, window[1] - loop.time()))
    cpu1, wall1 = _cpu_s(pid), time.monotonic()
    await asyncio.gather(*tasks)
    cpu = cpu1 - cpu0
    return {
        "core_share": cpu / (wall1 - wall0),
        "us_per_request": cpu / max(tally.requests, 1) * 1e6,
        "on_time_pct": 100.0 * tally.on_time / max(tally.due, 1),
        "requests_per_s": tally.requests / seconds,
        "exceptions": tally.exceptions,
    }


def measure(kind: str, devices: int, seconds: float, directory: Path) -> dict[str, float]:
    """Serve a park of ``devices`` (``kind``: sim or fixed) in a child process and load it for ``seconds``."""
    path = directory / f"park-{devices}.toml"
    path.write_text(repeated_demo_config_text(devices), encoding="utf-8")
    config = parse_config(path.read_text(encoding="utf-8"), path)
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--config", str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        ports = json.loads(child.stdout.readline())
        return asyncio.run(_load(config, ports, child.pid, seconds))
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)


def rows(sizes: list[int], seconds: float, repeat: int) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for devices in sizes:
            runs: dict[str, list[dict[str, float]]] = {"sim": [], "fixed": []}
            for _ in range(repeat):  # interleaved A/B
                for kind in ("fixed", "sim"):
                    result = measure(kind, devices, seconds, Path(tmp))
                    runs[kind].append(result)
                    print(
                        f"  {kind:5} {devices:5} devices: {result['core_share'] * 100:5.1f} % of a core, "
                        f"{result['us_per_request']:6.0f} us/request, {result['on_time_pct']:5.1f} % on time, "
                        f"{result['requests_per_s']:6.0f} req/s, {result['exceptions']:.0f} exceptions "
                        f"(load {load_average()})",
                        flush=True,
                    )
            med = {k: {f: statistics.median(r[f] for r in v) for f in v[0]} for k, v in runs.items()}
            sim, fixed = med["sim"], med["fixed"]
            share_target = TARGET_CORE_SHARE if devices >= 1000 else None
            for figure, unit, key, target, better_low in (
                ("core share", "cores", "core_share", share_target, True),
                ("CPU per request", "us", "us_per_request", None, True),
                ("polls on time", "%", "on_time_pct", TARGET_ON_TIME_PCT, False),
            ):
                measured, baseline = sim[key], fixed[key]
                ok = None if target is None else (measured <= target if better_low else measured >= target)
                out.append(
                    {
                        "figure": f"simulator {devices} devices @ 1 s: {figure}",
                        "target": target,  # a number (None: no target); target_op says which side meets it
                        "target_op": "<=" if better_low else ">=",
                        "measured": round(measured, 3),
                        "baseline": round(baseline, 3),
                        "ratio": round(measured / baseline, 2) if baseline else None,
                        "unit": unit,
                        "ok": ok,
                        "load": load_average(),
                    }
                )
    return out


def target_text(row: dict) -> str:
    return "" if row["target"] is None else f"{row['target_op']} {row['target']:g}"


def run(quick: bool) -> list[dict]:
    """The rows for ``python -m benchmarks``: 200 and 1,000 devices (quick: 12 s each, once; else 40 s, twice)."""
    return rows([200, 1000], 12.0 if quick else 40.0, 1 if quick else 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--devices", default="200,1000")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--serve", choices=("sim", "fixed"), help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve, args.config))
        return
    seconds = args.seconds or (12.0 if args.quick else 40.0)
    repeat = args.repeat or (1 if args.quick else 2)
    print(f"bench_sim_serve: {os.cpu_count()} CPUs, load {load_average()}", flush=True)
    table = rows([int(n) for n in args.devices.split(",")], seconds, repeat)
    print(f"{'figure':52} {'target':>8} {'measured':>10} {'baseline':>10} {'ratio':>6} unit   ok   load")
    for row in table:
        print(
            f"{row['figure']:52} {target_text(row):>8} {row['measured']:>10} {row['baseline']:>10} "
            f"{row['ratio']!s:>6} {row['unit']:6} {row['ok']!s:5} {row['load']}"
        )


if __name__ == "__main__":
    main()
