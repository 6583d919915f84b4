"""A lightweight loopback Modbus TCP server, a config of many devices for it, and a raw asyncio client.

For the collector at scale (tests/collect/test_collector_scale.py, benchmarks/bench_collector.py):

- :func:`serve`: an asyncio Modbus TCP server that answers every read of holding or input registers
  (FC 3, 4) from any unit with a fixed pattern (:data:`PATTERN`, indexed by address): plausible values
  for the ``energymon-load`` profile. It costs a few tens of microseconds per request, so a thousand
  devices do not need a core; it notes when each (connection, unit) asked (:class:`Arrivals`) to judge
  whether the polls came on time from outside the poller.
- :func:`park_config`: a site config of ``devices`` load meters on ``connections`` TCP connections to
  one server port (10 units per connection, like gateways).
- :func:`raw_client`: the floor to compare with: a minimal asyncio Modbus TCP client polling the same
  devices on the same grid, checking transaction id, function code, unit and byte count.

Run as a script it serves a port until stopped: ``python tests/loopback_modbus.py --port 0`` prints the port;
SIGTERM or SIGINT stop it and it prints its arrivals as JSON (:meth:`Arrivals.summary`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import signal
import struct
import sys
import time
from dataclasses import dataclass, field

# Register values by address (energymon-load: power i32 = 1000 W, consumed u64 = 12345 Wh, 230.0 V, 10.0 A,
# 50.00 Hz, power factor 0.990); the pattern repeats every 16 registers.
PATTERN = (0, 1000, 0, 0, 0, 12345, 2300, 2300, 2300, 100, 100, 100, 5000, 990, 0, 0)
_MBAP = struct.Struct(">HHHB")  # transaction id, protocol id, length, unit id
MAX_REGISTERS = 125


def answer_pdu(function_code: int, address: int, count: int) -> bytes:
    """The PDU answering a read of ``count`` registers at ``address`` (or exception 1 / 3)."""
    if function_code not in (3, 4):
        return bytes((function_code | 0x80, 1))
    if not 1 <= count <= MAX_REGISTERS:
        return bytes((function_code | 0x80, 3))
    words = [PATTERN[(address + i) % len(PATTERN)] for i in range(count)]
    return bytes((function_code, 2 * count)) + struct.pack(f">{count}H", *words)


@dataclass
class Arrivals:
    """When each (connection, unit) sent a request [monotonic s], for judging the poller from outside."""

    times: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    requests: int = 0

    def note(self, connection: int, unit: int, at_s: float) -> None:
        self.requests += 1
        self.times.setdefault((connection, unit), []).append(at_s)

    def summary(self, interval_s: float, start_s: float, end_s: float) -> dict[str, float]:
        """On-time share and lateness of the polls due in [start_s, end_s).

        Each device's grid is its own: slot k at ``phase + k * interval``, the phase set by its least late
        request of the window (each arrival's offset from the first is taken in [-interval/4, 3 interval/4):
        early by a little or late by up to three quarters). A slot is on time when a request came within half
        an interval of it; a slot with no request counts as late. Lateness (the jitter) is each request's
        delay after its slot [ms].
        """
        p = interval_s
        slots = on_time = 0
        lateness_ms: list[float] = []
        for arrivals in self.times.values():
            window = [t for t in arrivals if start_s <= t < end_s]
            if len(window) < 2:
                continue
            base = window[0]
            residues = [(t - base + p / 4) % p - p / 4 for t in window]
            offset = min(residues)
            hit: set[int] = set()
            for t, r in zip(window, residues, strict=True):
                late_s = r - offset
                lateness_ms.append(late_s * 1000)
                if late_s < p / 2:
                    hit.add(round((t - base - r) / p))
            first = math.ceil((start_s - base - offset) / p)
            last = math.ceil((end_s - base - offset) / p) - 1
            slots += max(last - first + 1, len(hit))
            on_time += len(hit)
        lateness_ms.sort()
        p99 = lateness_ms[min(len(lateness_ms) - 1, int(0.99 * len(lateness_ms)))] if lateness_ms else 0.0
        return {
            "devices": len(self.times),
            "requests": self.requests,
            "on_time_pct": 100.0 * on_time / slots if slots else 0.0,
            "jitter_p99_ms": p99,
        }


class _ServerProtocol(asyncio.Protocol):
    def __init__(self, arrivals: Arrivals, connection: int) -> None:
        self.arrivals = arrivals
        self.connection = connection
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data
        now = time.monotonic()
        out = []
        while len(buffer) >= 12:
            tid, _protocol, length, unit = _MBAP.unpack_from(buffer)
            if len(buffer) < 6 + length:
                break
            function_code, address, count = struct.unpack_from(">BHH", buffer, 7)
            buffer = buffer[6 + length :]
            self.arrivals.note(self.connection, unit, now)
            pdu = answer_pdu(function_code, address, count)
            out.append(_MBAP.pack(tid, 0, len(pdu) + 1, unit) + pdu)
        self.buffer = buffer
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


async def serve(arrivals: Arrivals, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start the server; its port: ``server.sockets[0].getsockname()[1]``."""
    counter = iter(range(1 << 30))
    return await asyncio.get_running_loop().create_server(
        lambda: _ServerProtocol(arrivals, next(counter)), host, port, backlog=4096
    )


def park_config(port: int, devices: int, per_connection: int = 10, poll_interval_s: float = 1.0) -> str:
    """A site config: ``devices`` energymon-load meters, ``per_connection`` units on each connection."""
    lines = [
        "[site]",
        'name = "scale park"',
        'timezone = "UTC"',
        "latitude = 34.3",
        "longitude = 109.0",
        "",
    ]
    connections = (devices + per_connection - 1) // per_connection
    for c in range(connections):
        lines += [f"[connections.gw{c:04d}]", 'transport = "tcp"', 'host = "127.0.0.1"', f"port = {port}", ""]
    for d in range(devices):
        lines += [
            "[[devices]]",
            f'id = "m{d:05d}"',
            'role = "load"',
            'profile = "energymon-load"',
            f'connection = "gw{d // per_connection:04d}"',
            f"unit = {d % per_connection + 1}",
            f"poll_interval_s = {poll_interval_s:g}",
            "rated_power_kw = 100",
            "",
        ]
    return "\n".join(lines)


async def raw_client(
    port: int, devices: int, duration_s: float, per_connection: int = 10, interval_s: float = 1.0
) -> int:
    """Poll ``devices`` (14 input registers each, like energymon-load) on the collector's staggered grid for
    ``duration_s``; return the number of answers that passed the checks."""
    good = 0
    deadline = time.monotonic() + duration_s

    async def connection(c: int, units: int) -> None:
        nonlocal good
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        start = time.monotonic()
        due = [start + interval_s * (c * per_connection + i) / devices for i in range(units)]
        tid = 0
        try:
            while True:
                i = min(range(units), key=due.__getitem__)
                delay = due[i] - time.monotonic()
                if due[i] >= deadline:
                    return
                if delay > 0:
                    await asyncio.sleep(delay)
                tid = (tid + 1) & 0xFFFF
                writer.write(_MBAP.pack(tid, 0, 6, i + 1) + struct.pack(">BHH", 4, 0, 14))
                header = await reader.readexactly(7)
                rtid, _p, length, unit = _MBAP.unpack(header)
                pdu = await reader.readexactly(length - 1)
                if rtid == tid and unit == i + 1 and pdu[0] == 4 and pdu[1] == 28 and len(pdu) == 30:
                    _words = struct.unpack(">14H", pdu[2:])
                    good += 1
                due[i] += interval_s
        finally:
            writer.close()

    connections = (devices + per_connection - 1) // per_connection
    await asyncio.gather(
        *(connection(c, min(per_connection, devices - c * per_connection)) for c in range(connections))
    )
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--interval", type=float, default=1.0, help="poll interval for the on-time summary [s]")
    parser.add_argument("--skip", type=float, default=5.0, help="seconds after the first request not judged")
    args = parser.parse_args()

    async def body() -> None:
        arrivals = Arrivals()
        server = await serve(arrivals, port=args.port)
        print(server.sockets[0].getsockname()[1], flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.close()
        first = min((t[0] for t in arrivals.times.values()), default=0.0)
        last = max((t[-1] for t in arrivals.times.values()), default=0.0)
        summary = arrivals.summary(args.interval, first + args.skip, last - args.interval)
        print(json.dumps(summary), flush=True)

    asyncio.run(body())
    sys.exit(0)


if __name__ == "__main__":
    main()
