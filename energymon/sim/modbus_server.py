"""A light asyncio Modbus TCP server for simulated devices.

Why not pymodbus's server: its 3.16 datastore API is deprecated, it drops a
second request that arrives in the same TCP packet, and it costs about 300 us
of CPU per request (this one about 50 us), which matters for large simulated
parks. The client side (drivers/) still uses pymodbus.

It answers read function codes 3 and 4 from a :class:`RegisterSource` per unit
id; coils/discrete inputs (1, 2) answer "illegal data address" (none are
served), every other function code "illegal function". A unit id that is not
served answers exception 0x0B "gateway target device failed to respond", as a
gateway does. Every received function code is counted in ``function_codes``.
"""

from __future__ import annotations

import asyncio
import struct
from collections import Counter
from typing import Protocol

ILLEGAL_FUNCTION = 0x01
ILLEGAL_DATA_ADDRESS = 0x02
ILLEGAL_DATA_VALUE = 0x03
SERVER_DEVICE_FAILURE = 0x04
GATEWAY_TARGET_FAILED = 0x0B
_MBAP = struct.Struct(">HHHB")  # transaction id, protocol id, length, unit id


class RegisterSource(Protocol):
    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        """Register words, or a Modbus exception code."""


class ModbusTcpServer:
    """Serve ``units`` (unit id -> source) on ``host``:``port`` (0 = pick a free port)."""

    def __init__(self, host: str, port: int, units: dict[int, RegisterSource]) -> None:
        self.host = host
        self.port = port
        self.units = units
        self.function_codes: Counter[int] = Counter()
        self.requests = 0
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve_client, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                header = await reader.readexactly(_MBAP.size)
                tid, protocol, length, unit = _MBAP.unpack(header)
                if protocol != 0 or not 2 <= length <= 254:
                    break  # not Modbus TCP: drop the connection like a real device
                pdu = await reader.readexactly(length - 1)
                answer = self.handle(unit, pdu)
                writer.write(_MBAP.pack(tid, 0, len(answer) + 1, unit) + answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def handle(self, unit: int, pdu: bytes) -> bytes:
        """Answer one request PDU (function code + data) with a response PDU."""
        fc = pdu[0]
        self.function_codes[fc] += 1
        self.requests += 1
        if fc not in (1, 2, 3, 4):
            return bytes([fc | 0x80, ILLEGAL_FUNCTION])
        source = self.units.get(unit)
        if source is None:
            return bytes([fc | 0x80, GATEWAY_TARGET_FAILED])
        if len(pdu) != 5:
            return bytes([fc | 0x80, ILLEGAL_DATA_VALUE])
        address, count = struct.unpack(">HH", pdu[1:5])
        if fc in (1, 2):
            return bytes([fc | 0x80, ILLEGAL_DATA_ADDRESS])
        if not 1 <= count <= 125:
            return bytes([fc | 0x80, ILLEGAL_DATA_VALUE])
        try:
            result = source.read_registers("holding" if fc == 3 else "input", address, count)
        except Exception:  # noqa: BLE001 - a broken simulated device answers like a failed real one
            return bytes([fc | 0x80, SERVER_DEVICE_FAILURE])
        if isinstance(result, int):
            return bytes([fc | 0x80, result])
        return bytes([fc, 2 * count]) + struct.pack(f">{count}H", *result)
