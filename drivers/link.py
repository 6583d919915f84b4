"""Read-only Modbus links over pymodbus (TCP, RTU on a serial port, RTU framed over TCP),
with every response checked.

The public API can only *read*: function codes 1-4 are the only requests this
module can build (``READ_FUNCTIONS``); there is no write or diagnostic call.
Every response is checked against its request: transaction id (TCP), exception
code, function code, unit id, the byte count against the registers or bits
asked for, and the PDU's length against its byte count (drivers.framing keeps
the raw PDU of each answer); any failure comes back as a :class:`ReadError`
value, never as a number and never as an exception.

Requests on one link are serialised. On RTU (serial or over TCP) frames are
separated by the inter-frame gap the baud rate needs (3.5 characters, at
least 1.75 ms) plus an optional ``frame_delay_s``. RTU has no transaction id,
so after a timeout the line is resynchronised: the link stays quiet for
``resync_s`` before the next request, and an answer arriving while no request
is pending is dropped; a late answer can therefore not be taken for the next
request's. After a failed connect the link waits before trying again
(1 s, doubling to at most 60 s).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pymodbus import FramerType
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FRAMER_NAME_TO_CLASS
from pymodbus.pdu import ModbusPDU

from drivers.framing import CheckedDecoder, UndecodableAnswer, guarded_framer, pdu_shape_error
from drivers.modbus_limits import READ_FUNCTION_CODES

# Read function code -> pymodbus client method name. Read-only by construction.
_CLIENT_METHODS = {1: "read_coils", 2: "read_discrete_inputs", 3: "read_holding_registers", 4: "read_input_registers"}
# Register table name -> (function code, pymodbus client method name).
READ_FUNCTIONS: dict[str, tuple[int, str]] = {
    table: (code, _CLIENT_METHODS[code]) for table, code in READ_FUNCTION_CODES.items()
}

MODBUS_EXCEPTIONS = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "server device failure",
    5: "acknowledge",
    6: "server device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target device failed to respond",
}

TRANSPORTS = ("tcp", "rtu", "rtu-over-tcp")
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 60.0

# pymodbus logs every failed connect and timeout itself; energymon logs device
# state transitions once instead (see energymon.collect.collector).
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class ReadError:
    """Why a read produced no data. ``kind``: timeout | connection | exception | invalid."""

    kind: str
    detail: str
    exception_code: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class RegisterReader(Protocol):
    """What reading a device needs of a link (:class:`ModbusLink` has it; tests pass fakes)."""

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError: ...


@dataclass(frozen=True)
class LinkSettings:
    """How to reach a Modbus line. ``transport``: tcp | rtu | rtu-over-tcp."""

    transport: str = "tcp"
    host: str | None = None
    port: int | None = None
    serial_port: str | None = None
    baudrate: int = 9600
    parity: str = "N"
    stopbits: int = 1
    bytesize: int = 8
    timeout_s: float = 1.0
    frame_delay_s: float = 0.0  # extra pause between frames (slow RS-485 devices or gateways)
    resync_s: float | None = None  # quiet time after a timeout on RTU; default max(timeout_s, 0.5)

    @property
    def is_rtu(self) -> bool:
        return self.transport in ("rtu", "rtu-over-tcp")

    @property
    def address(self) -> str:
        if self.transport == "rtu":
            return f"{self.serial_port} ({self.baudrate} {self.bytesize}{self.parity}{self.stopbits})"
        return f"{self.host}:{self.port}"

    @property
    def inter_frame_gap_s(self) -> float:
        """Silence required between RTU frames: 3.5 characters of 11 bits, at least 1.75 ms."""
        if self.transport != "rtu":
            return self.frame_delay_s
        return max(3.5 * 11 / self.baudrate, 0.00175) + self.frame_delay_s

    @property
    def quiet_after_timeout_s(self) -> float:
        if not self.is_rtu:
            return 0.0
        return self.resync_s if self.resync_s is not None else max(self.timeout_s, 0.5)


class ModbusLink:
    """One Modbus connection; requests on it are serialised.

    Several devices (unit ids) may share a link, as behind a gateway or on an
    RS-485 bus. ``monotonic`` is injectable for tests of the timing rules.
    """

    def __init__(self, settings: LinkSettings, monotonic: Callable[[], float] = time.monotonic) -> None:
        if settings.transport not in TRANSPORTS:
            raise ValueError(f"unknown transport {settings.transport!r}")
        self.settings = settings
        self._monotonic = monotonic
        # No retries and no reconnect inside pymodbus: this class paces both itself.
        self._client: AsyncModbusSerialClient | AsyncModbusTcpClient
        if settings.transport == "rtu":
            if settings.serial_port is None:
                raise ValueError("transport rtu needs a serial_port")
            self._client = AsyncModbusSerialClient(
                settings.serial_port,
                framer=FramerType.RTU,
                baudrate=settings.baudrate,
                bytesize=settings.bytesize,
                parity=settings.parity,
                stopbits=settings.stopbits,
                timeout=settings.timeout_s,
                retries=0,
                reconnect_delay=0,
                name=settings.address,
                trace_pdu=self._trace_pdu,
            )
            framer_type = FramerType.RTU
        else:
            if settings.host is None or settings.port is None:
                raise ValueError(f"transport {settings.transport} needs a host and a port")
            framer_type = FramerType.RTU if settings.transport == "rtu-over-tcp" else FramerType.SOCKET
            self._client = AsyncModbusTcpClient(
                settings.host,
                port=settings.port,
                framer=framer_type,
                timeout=settings.timeout_s,
                retries=0,
                reconnect_delay=0,
                name=settings.address,
                trace_pdu=self._trace_pdu,
            )
        # Our decoder keeps each answer's raw PDU for the checks; the framer never raises into asyncio.
        self._decoder = CheckedDecoder()
        self._client.ctx.framer = guarded_framer(FRAMER_NAME_TO_CLASS[framer_type](self._decoder), self._decoder)
        self._has_transaction_ids = framer_type == FramerType.SOCKET
        self._sent_transaction_id = 0
        self._lock = asyncio.Lock()
        self._quiet_until = 0.0
        self._next_connect_at = 0.0
        self._reconnect_delay_s = 0.0
        self.requests_sent = 0
        self.timeouts = 0
        self.resyncs = 0

    @property
    def address(self) -> str:
        return self.settings.address

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError:
        """Read ``count`` registers (``holding`` or ``input``) or bits (``coils``/``discrete``).

        Returns the list of values, or a :class:`ReadError`.
        """
        if table not in READ_FUNCTIONS:
            return ReadError("invalid", f"unknown register table '{table}'")
        function_code, method = READ_FUNCTIONS[table]
        async with self._lock:
            problem = await self._ensure_connected()
            if problem is not None:
                return problem
            await self._wait_for_line()
            self.requests_sent += 1
            try:
                # A bound of our own over pymodbus's timeout (asyncio.timeout: no task per request).
                async with asyncio.timeout(self.settings.timeout_s * 1.5 + 0.1):
                    response: ModbusPDU = await getattr(self._client, method)(address, count=count, device_id=unit)
            except TimeoutError:
                return self._timed_out(unit)
            except ModbusException as exc:
                text = str(exc)
                if "No response" in text or "timeout" in text.lower():
                    return self._timed_out(unit)
                self._quiet_until = self._monotonic() + self.settings.inter_frame_gap_s
                if not self._client.connected:
                    return ReadError("connection", f"connection to {self.address} lost: {text}")
                return ReadError("invalid", f"unit {unit}: {text}")
            except Exception as exc:  # noqa: BLE001 - nothing may escape the wrapper
                self._quiet_until = self._monotonic() + self.settings.quiet_after_timeout_s
                return ReadError("invalid", f"unit {unit}: {type(exc).__name__}: {exc}")
            self._quiet_until = self._monotonic() + self.settings.inter_frame_gap_s
        return check_response(
            response,
            function_code,
            unit,
            count,
            self._decoder.raw_pdu(response),
            self._sent_transaction_id if self._has_transaction_ids else None,
            self._decoder.trailing_bytes(response),
        )

    def close(self) -> None:
        self._client.close()

    def allow_reconnect_now(self) -> None:
        """Let the next request try to connect at once, skipping the link's own reconnect wait.

        For a caller that paces its attempts itself (the collector backs off an
        offline device); otherwise a failed connect waits 1 s, doubling to 60 s.
        """
        self._next_connect_at = 0.0

    # -- internals ---------------------------------------------------------------
    def _trace_pdu(self, sending: bool, pdu: ModbusPDU) -> ModbusPDU:
        """pymodbus's PDU hook: remember the transaction id of the request sent (its own check skips id 0)."""
        if sending:
            self._sent_transaction_id = pdu.transaction_id
        return pdu

    async def _ensure_connected(self) -> ReadError | None:
        if self._client.connected:
            return None
        now = self._monotonic()
        if now < self._next_connect_at:
            return ReadError(
                "connection", f"{self.address} unreachable; next attempt in {self._next_connect_at - now:.0f} s"
            )
        try:
            connected = await self._client.connect()
            reason = "connection refused or timed out" if self.settings.transport != "rtu" else "cannot open port"
        except Exception as exc:  # noqa: BLE001 - any failure is a connection error
            connected, reason = False, str(exc) or type(exc).__name__
        if connected:
            self._reconnect_delay_s = 0.0
            self._next_connect_at = 0.0
            return None
        self._reconnect_delay_s = min(RECONNECT_MAX_S, max(RECONNECT_FIRST_S, 2 * self._reconnect_delay_s))
        self._next_connect_at = self._monotonic() + self._reconnect_delay_s
        return ReadError("connection", f"cannot connect to {self.address}: {reason}")

    async def _wait_for_line(self) -> None:
        delay = self._quiet_until - self._monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _timed_out(self, unit: int) -> ReadError:
        self.timeouts += 1
        if self.settings.is_rtu:
            self.resyncs += 1
        self._quiet_until = self._monotonic() + max(
            self.settings.quiet_after_timeout_s, self.settings.inter_frame_gap_s
        )
        return ReadError("timeout", f"no answer from unit {unit} within {self.settings.timeout_s:g} s")


class ModbusTcpLink(ModbusLink):
    """A Modbus TCP link (kept for callers that only know host and port)."""

    def __init__(self, host: str, port: int, timeout_s: float = 1.0) -> None:
        super().__init__(LinkSettings("tcp", host=host, port=port, timeout_s=timeout_s))
        self.host = host
        self.port = port
        self.timeout_s = timeout_s


def check_response(
    response: ModbusPDU | None,
    function_code: int,
    unit: int,
    count: int,
    raw_pdu: bytes | None = None,
    transaction_id: int | None = None,
    trailing_bytes: int = 0,
) -> list[int] | ReadError:
    """Validate a pymodbus response PDU against the request; return its values or an error.

    ``raw_pdu``: the bytes the answer was decoded from (function code first),
    checked for its byte count and length (drivers.framing.pdu_shape_error).
    ``transaction_id``: the request's (Modbus TCP); an answer with another one,
    0 included, is a late or stray answer. ``trailing_bytes``: bytes that
    followed the answer in the same receive (a stray byte its length field
    did not count shifts its data). Every attribute is read defensively
    (``getattr``): whatever pymodbus hands back, even an object that is no PDU,
    becomes a value or a ReadError.
    """
    if response is None:
        return ReadError("invalid", "empty response")
    if isinstance(response, UndecodableAnswer):
        return ReadError("invalid", f"unit {unit}: answer could not be decoded")
    if transaction_id is not None and getattr(response, "transaction_id", None) != transaction_id:
        answered = getattr(response, "transaction_id", None)
        return ReadError("invalid", f"unit {unit}: answer to transaction {answered}, expected {transaction_id}")
    fc = getattr(response, "function_code", None)
    if not isinstance(fc, int):
        return ReadError("invalid", f"response without function code: {type(response).__name__}")
    if fc == function_code | 0x80:
        code = getattr(response, "exception_code", None)
        name = MODBUS_EXCEPTIONS.get(code, "unknown exception") if isinstance(code, int) else "unknown exception"
        return ReadError("exception", f"unit {unit}: Modbus exception {code} ({name})", code)
    if fc != function_code:
        return ReadError("invalid", f"unit {unit}: answer has function code {fc}, expected {function_code}")
    dev_id = getattr(response, "dev_id", None)
    if dev_id != unit:
        return ReadError("invalid", f"answer from unit {dev_id}, expected {unit}")
    if raw_pdu is not None and (problem := pdu_shape_error(raw_pdu, function_code, count)) is not None:
        return ReadError("invalid", f"unit {unit}: {problem}")
    if trailing_bytes:
        return ReadError("invalid", f"unit {unit}: {trailing_bytes} stray bytes after the answer")
    if function_code in (1, 2):
        bits = list(getattr(response, "bits", []) or [])
        # Bits come padded to whole bytes: more than count is normal, more than a byte's worth is not.
        if not count <= len(bits) < count + 8:
            return ReadError("invalid", f"unit {unit}: {len(bits)} bits in answer, expected {count}")
        return [int(bool(b)) for b in bits[:count]]
    registers = list(getattr(response, "registers", []) or [])
    if len(registers) != count:
        return ReadError("invalid", f"unit {unit}: {len(registers)} registers in answer, expected {count}")
    if any(not isinstance(r, int) or not 0 <= r <= 0xFFFF for r in registers):
        return ReadError("invalid", f"unit {unit}: register value out of range")
    return registers
