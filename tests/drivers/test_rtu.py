"""RTU framing: over TCP (serial gateways) and on a serial line (a pseudo-terminal pair stands in
for RS-485), including the late answer that pymodbus alone would take for the next request's."""

from __future__ import annotations

import asyncio
import os
import pty
import sys
import time
import tty

import pytest

from drivers.link import LinkSettings, ModbusLink, ReadError
from energymon.sim.modbus_server import ModbusTcpServer, crc16

from support import run


class AddressEcho:
    """A device whose register at address a holds a (so every answer says which request it belongs to)."""

    def read_registers(self, table: str, address: int, count: int) -> list[int]:
        return [(address + i) & 0xFFFF for i in range(count)]


def late_once(delay_s: float):
    """Delay the answer to the first request only."""
    calls = {"n": 0}

    def delay(unit: int, pdu: bytes) -> float:
        calls["n"] += 1
        return delay_s if calls["n"] == 1 else 0.0

    return delay


async def _three_reads(link: ModbusLink) -> list:
    return [await link.read_registers(1, "holding", a, 2) for a in (100, 200, 300)]


@pytest.mark.wire
def test_rtu_over_tcp_reads_registers():
    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: AddressEcho(), 2: AddressEcho()}, framing="rtu")
        await server.start()
        link = ModbusLink(LinkSettings("rtu-over-tcp", host="127.0.0.1", port=server.port, timeout_s=1.0))
        try:
            return (
                [await link.read_registers(u, "input", 10, 3) for u in (1, 2)],
                await link.read_registers(9, "holding", 0, 1),
                dict(server.function_codes),
            )
        finally:
            link.close()
            await server.stop()

    values, missing_unit, codes = run(body)
    assert values == [[10, 11, 12], [10, 11, 12]]
    assert isinstance(missing_unit, ReadError) and missing_unit.exception_code == 0x0B
    assert set(codes) == {3, 4}


@pytest.mark.wire
@pytest.mark.parametrize("resync_s, second_is_correct", [(None, True), (0.0, False)])
def test_late_rtu_answer_is_never_taken_for_the_next_request(resync_s, second_is_correct):
    """The device answers the first request 0.45 s late (timeout 0.3 s). With the link's resync the
    late answer is dropped and the next read gets its own registers; with resync switched off the
    same test shows the hazard: the late answer [100, 101] is taken for the read of 200."""

    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: AddressEcho()}, framing="rtu", answer_delay_s=late_once(0.45))
        await server.start()
        link = ModbusLink(
            LinkSettings("rtu-over-tcp", host="127.0.0.1", port=server.port, timeout_s=0.3, resync_s=resync_s)
        )
        try:
            return await _three_reads(link), link.resyncs
        finally:
            link.close()
            await server.stop()

    (first, second, third), resyncs = run(body)
    assert isinstance(first, ReadError) and first.kind == "timeout"
    assert resyncs == 1
    if second_is_correct:
        assert second == [200, 201]
        assert third == [300, 301]
    else:
        assert second == [100, 101]  # pymodbus on its own: the previous request's registers


@pytest.mark.wire
def test_late_tcp_answer_is_rejected_by_transaction_id():
    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: AddressEcho()}, answer_delay_s=late_once(0.45))
        await server.start()
        link = ModbusLink(LinkSettings("tcp", host="127.0.0.1", port=server.port, timeout_s=0.3))
        try:
            return await _three_reads(link)
        finally:
            link.close()
            await server.stop()

    first, second, third = run(body)
    assert isinstance(first, ReadError) and first.kind == "timeout"
    assert second == [200, 201] and third == [300, 301]


@pytest.mark.wire
def test_frames_are_separated_by_the_configured_delay() -> None:
    arrivals: list[float] = []

    def stamp(unit: int, pdu: bytes) -> float:
        arrivals.append(time.monotonic())
        return 0.0

    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: AddressEcho()}, framing="rtu", answer_delay_s=stamp)
        await server.start()
        link = ModbusLink(LinkSettings("rtu-over-tcp", host="127.0.0.1", port=server.port, frame_delay_s=0.15))
        try:
            return await _three_reads(link)
        finally:
            link.close()
            await server.stop()

    assert run(body) == [[100, 101], [200, 201], [300, 301]]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert all(gap >= 0.15 for gap in gaps), gaps  # a lower bound: a slow machine only makes gaps longer


def test_inter_frame_gap_follows_the_baud_rate():
    assert LinkSettings("rtu", serial_port="x", baudrate=9600).inter_frame_gap_s == pytest.approx(3.5 * 11 / 9600)
    assert LinkSettings("rtu", serial_port="x", baudrate=115200).inter_frame_gap_s == pytest.approx(0.00175)
    assert LinkSettings("rtu", serial_port="x", baudrate=9600, frame_delay_s=0.05).inter_frame_gap_s == pytest.approx(
        3.5 * 11 / 9600 + 0.05
    )
    assert LinkSettings("tcp", host="h", port=1).quiet_after_timeout_s == 0.0
    assert LinkSettings("rtu-over-tcp", host="h", port=1, timeout_s=2).quiet_after_timeout_s == 2.0


@pytest.mark.wire
def test_reconnect_waits_after_a_failed_connect():
    now = {"t": 1000.0}

    async def body():
        from support import free_port

        port = free_port()
        link = ModbusLink(LinkSettings("tcp", host="127.0.0.1", port=port, timeout_s=0.5), monotonic=lambda: now["t"])
        first = await link.read_registers(1, "holding", 0, 1)
        server = ModbusTcpServer("127.0.0.1", port, {1: AddressEcho()})
        await server.start()
        try:
            held_back = await link.read_registers(1, "holding", 0, 1)  # within the 1 s backoff: not even tried
            now["t"] += 1.01
            after = await link.read_registers(1, "holding", 7, 1)
            return first, held_back, after, server.requests
        finally:
            link.close()
            await server.stop()

    first, held_back, after, requests = run(body)
    assert isinstance(first, ReadError) and first.kind == "connection"
    assert isinstance(held_back, ReadError) and "next attempt" in held_back.detail
    assert after == [7]
    assert requests == 1


# -- a real serial line: pseudo-terminal pair ------------------------------------------------------
pytestmark_serial = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


async def _serve_pty(server: ModbusTcpServer, master_fd: int) -> tuple[asyncio.Task, list]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    read_file = os.fdopen(os.dup(master_fd), "rb", buffering=0)
    write_file = os.fdopen(os.dup(master_fd), "wb", buffering=0)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), read_file)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, write_file)
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    return asyncio.create_task(server.serve_stream(reader, writer)), [read_file, write_file, transport]


@pytest.mark.wire
@pytestmark_serial
@pytest.mark.parametrize("late", [False, True])
def test_rtu_on_a_serial_line(late):
    master_fd, slave_fd = pty.openpty()
    tty.setraw(slave_fd)
    port_name = os.ttyname(slave_fd)

    async def body():
        server = ModbusTcpServer(
            "-", 0, {3: AddressEcho()}, framing="rtu", answer_delay_s=late_once(0.45) if late else None
        )
        task, keep = await _serve_pty(server, master_fd)
        link = ModbusLink(LinkSettings("rtu", serial_port=port_name, baudrate=19200, timeout_s=0.3))
        try:
            return [await link.read_registers(3, "holding", a, 2) for a in (100, 200, 300)], dict(server.function_codes)
        finally:
            link.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            keep[2].close()

    try:
        results, codes = run(body)
    finally:
        os.close(slave_fd)
        os.close(master_fd)
    if late:
        assert isinstance(results[0], ReadError) and results[0].kind == "timeout"
        assert results[1:] == [[200, 201], [300, 301]]
    else:
        assert results == [[100, 101], [200, 201], [300, 301]]
    assert set(codes) == {3}


def test_crc_matches_the_modbus_reference_frame():
    # Modbus over serial line spec example: read 1 holding register at 0x006B... use the classic
    # frame 01 03 00 00 00 0A -> CRC C5 CD (low byte first on the wire).
    assert crc16(bytes.fromhex("01030000000A")) == bytes.fromhex("C5CD")
