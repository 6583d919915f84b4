"""A light asyncio Modbus server for simulated devices: TCP (MBAP framing) or RTU framed over TCP.

Why not pymodbus's server: its datastore API is deprecated, it drops a
second request that arrives in the same TCP packet, and its CPU cost per
request is too high for large simulated parks. The client side (drivers/)
still uses pymodbus.

It answers read function codes 3 and 4 from a :class:`RegisterSource` per unit
id; coils/discrete inputs (1, 2) answer "illegal data address" (none are
served), every other function code "illegal function". A unit id that is not
served answers exception 0x0B "gateway target device failed to respond", as a
gateway does. Every received function code is counted in ``function_codes``.

``answer_delay_s(unit, pdu)`` may delay an answer (slow or late devices, for
tests); answers on one connection stay in order, like on a serial line behind
a gateway.

``fault_action(unit)`` (fault injection, see energymon.sim.faults) returns None
for a normal answer, or an action with ``kind``, ``delay_s`` and
``exception_code``: ``answer`` (``delay_s`` late), ``exception``, ``silence``
(the request is swallowed; later requests on the connection, e.g. for other
units behind the same gateway, are answered in order), ``garbage`` (random
bytes that are never a valid frame) or ``refuse`` (the connection is dropped).
Without the hook (the default) the normal path is unchanged.
"""

from __future__ import annotations

import asyncio
import random
import struct
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Protocol

from pymodbus.framer.rtu import FramerRTU

from drivers.modbus_limits import BIT_TABLES, MAX_REGISTERS, TABLE_BY_FUNCTION_CODE

ILLEGAL_FUNCTION = 0x01
ILLEGAL_DATA_ADDRESS = 0x02
ILLEGAL_DATA_VALUE = 0x03
SERVER_DEVICE_FAILURE = 0x04
GATEWAY_TARGET_FAILED = 0x0B
_MBAP = struct.Struct(">HHHB")  # transaction id, protocol id, length, unit id
FRAMINGS = ("socket", "rtu")
# RTU request lengths without CRC, by function code, for the requests whose length is fixed.
_RTU_FIXED_REQUEST = {1: 6, 2: 6, 3: 6, 4: 6, 5: 6, 6: 6, 8: 6}


class FaultAction(Protocol):
    @property
    def kind(self) -> str: ...  # answer | exception | silence | garbage | refuse
    @property
    def delay_s(self) -> float: ...
    @property
    def exception_code(self) -> int: ...


class RegisterSource(Protocol):
    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        """Register words, or a Modbus exception code."""


def crc16(data: bytes) -> bytes:
    """Modbus RTU CRC, low byte first as sent on the wire."""
    return FramerRTU.compute_CRC(data).to_bytes(2, "big")


class ModbusTcpServer:
    """Serve ``units`` (unit id -> source) on ``host``:``port`` (0 = pick a free port).

    ``framing``: ``socket`` (Modbus TCP) or ``rtu`` (RTU frames with CRC over
    TCP, as a serial gateway in transparent mode forwards them).
    """

    def __init__(
        self,
        host: str,
        port: int,
        units: Mapping[int, RegisterSource],
        framing: str = "socket",
        answer_delay_s: Callable[[int, bytes], float] | None = None,
    ) -> None:
        if framing not in FRAMINGS:
            raise ValueError(f"unknown framing {framing!r}")
        self.host = host
        self.port = port
        self.units = units
        self.framing = framing
        self.answer_delay_s = answer_delay_s
        self.fault_action: Callable[[int], FaultAction | None] | None = None
        self.function_codes: Counter[int] = Counter()
        self.requests = 0
        self.bad_frames = 0
        self.faulted: Counter[str] = Counter()  # requests handled by a fault action, by kind
        self._rng = random.Random(0x5EED)
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task] = set()

    async def start(self) -> None:
        """Listen (again, after :meth:`stop`, on the same port once one was picked)."""
        self._server = await asyncio.start_server(self.serve_stream, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def serve_stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one byte stream (a TCP connection, or e.g. a pseudo-terminal standing in for RS-485)."""
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None, "a coroutine runs in a task"
        self._handlers.add(task)
        try:
            serve = self._serve_socket if self.framing == "socket" else self._serve_rtu
            await serve(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # client gone or server stopping: end this connection quietly
        finally:
            self._handlers.discard(task)
            self._writers.discard(writer)
            writer.close()

    async def _serve_socket(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            header = await reader.readexactly(_MBAP.size)
            tid, protocol, length, unit = _MBAP.unpack(header)
            if protocol != 0 or not 2 <= length <= 254:
                self.bad_frames += 1
                return  # not Modbus TCP: drop the connection like a real device
            pdu = await reader.readexactly(length - 1)
            answer = await self._answer(unit, pdu, writer)
            if answer is None:
                continue
            writer.write(_MBAP.pack(tid, 0, len(answer) + 1, unit) + answer)
            await writer.drain()

    async def _serve_rtu(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readexactly(2)
            unit, fc = head[0], head[1]
            body_length = _RTU_FIXED_REQUEST.get(fc)
            if body_length is None:
                # A request whose length we cannot know: skip what has arrived, answer nothing.
                self.bad_frames += 1
                await _drain_available(reader)
                continue
            rest = await reader.readexactly(body_length - 2 + 2)
            frame, crc = head + rest[:-2], rest[-2:]
            if crc16(frame) != crc:
                self.bad_frames += 1  # a real device stays silent on a CRC error
                await _drain_available(reader)
                continue
            pdu = frame[1:]
            answer = await self._answer(unit, pdu, writer)
            if answer is None:
                continue
            out = bytes([unit]) + answer
            writer.write(out + crc16(out))
            await writer.drain()

    async def _answer(self, unit: int, pdu: bytes, writer: asyncio.StreamWriter) -> bytes | None:
        """The response PDU to send (after any injected fault and delay), or None to send nothing."""
        if self.fault_action is not None and (action := self.fault_action(unit)) is not None:
            answer = await self._faulty(action, unit, pdu, writer)
            if answer is None:
                return None
        else:
            answer = self.handle(unit, pdu)
        await self._delay(unit, pdu)
        return answer

    async def _delay(self, unit: int, pdu: bytes) -> None:
        if self.answer_delay_s is not None:
            delay = self.answer_delay_s(unit, pdu)
            if delay > 0:
                await asyncio.sleep(delay)

    async def _faulty(self, action: FaultAction, unit: int, pdu: bytes, writer: asyncio.StreamWriter) -> bytes | None:
        """Handle a request under a fault: the response PDU to send, or None if nothing (more) is to be sent.

        ``garbage`` is written here; ``refuse`` raises ConnectionAbortedError (the connection is dropped).
        """
        self.faulted[action.kind] += 1
        if action.kind == "answer":
            answer = self.handle(unit, pdu)
        else:  # the request never reaches the device
            self.function_codes[pdu[0]] += 1
            self.requests += 1
            if action.kind == "refuse":
                raise ConnectionAbortedError("device offline")
            if action.kind == "silence":
                return None
            answer = bytes([pdu[0] | 0x80, action.exception_code]) if action.kind == "exception" else b""
        if action.delay_s > 0:
            await asyncio.sleep(action.delay_s)
        if action.kind == "garbage":
            writer.write(self.garbage())
            await writer.drain()
            return None
        return answer

    def garbage(self) -> bytes:
        """3..40 random bytes that are no valid Modbus TCP frame (protocol id not 0) or RTU frame (bad CRC)."""
        data = bytearray(self._rng.randbytes(self._rng.randint(3, 40)))
        if self.framing == "socket":
            if len(data) >= 4 and data[2] == data[3] == 0:
                data[3] = 0xA5
        elif crc16(bytes(data[:-2])) == bytes(data[-2:]):
            data[-1] ^= 0xFF
        return bytes(data)

    def handle(self, unit: int, pdu: bytes) -> bytes:
        """Answer one request PDU (function code + data) with a response PDU."""
        fc = pdu[0]
        self.function_codes[fc] += 1
        self.requests += 1
        table = TABLE_BY_FUNCTION_CODE.get(fc)
        if table is None:
            return bytes([fc | 0x80, ILLEGAL_FUNCTION])
        source = self.units.get(unit)
        if source is None:
            return bytes([fc | 0x80, GATEWAY_TARGET_FAILED])
        if len(pdu) != 5:
            return bytes([fc | 0x80, ILLEGAL_DATA_VALUE])
        address, count = struct.unpack(">HH", pdu[1:5])
        if table in BIT_TABLES:
            return bytes([fc | 0x80, ILLEGAL_DATA_ADDRESS])
        if not 1 <= count <= MAX_REGISTERS:
            return bytes([fc | 0x80, ILLEGAL_DATA_VALUE])
        try:
            result = source.read_registers(table, address, count)
        except Exception:  # noqa: BLE001 - a broken simulated device answers like a failed real one
            return bytes([fc | 0x80, SERVER_DEVICE_FAILURE])
        if isinstance(result, int):
            return bytes([fc | 0x80, result])
        return bytes([fc, 2 * count]) + struct.pack(f">{count}H", *result)


async def _drain_available(reader: asyncio.StreamReader, quiet_s: float = 0.01) -> None:
    """Discard bytes until the line has been quiet for ``quiet_s`` (resynchronise on a frame start)."""
    while True:
        try:
            chunk = await asyncio.wait_for(reader.read(256), quiet_s)
        except TimeoutError:
            return
        if not chunk:
            return
