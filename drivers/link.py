"""Read-only Modbus links over pymodbus, with every response checked.

The public API can only *read*: function codes 1-4 are the only requests this
module can build (``READ_FUNCTIONS``); there is no write or diagnostic call.
Every response is checked for exception code, function code, unit id and
register count; any failure comes back as a :class:`ReadError` value, never
as a number and never as an exception.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

# Register table name -> (function code, pymodbus client method name). Read-only by construction.
READ_FUNCTIONS: dict[str, tuple[int, str]] = {
    "coils": (1, "read_coils"),
    "discrete": (2, "read_discrete_inputs"),
    "holding": (3, "read_holding_registers"),
    "input": (4, "read_input_registers"),
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

# pymodbus logs every failed connect and timeout itself; energymon logs device
# state transitions once instead (see energymon.collector).
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class ReadError:
    """Why a read produced no data. ``kind``: timeout | connection | exception | invalid."""

    kind: str
    detail: str
    exception_code: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class ModbusTcpLink:
    """One Modbus TCP connection; requests on it are serialised.

    Several devices (unit ids) may share a link, as behind a gateway.
    ``timeout_s`` bounds connecting and each request.
    """

    def __init__(self, host: str, port: int, timeout_s: float = 1.0) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self._client = AsyncModbusTcpClient(
            host, port=port, timeout=timeout_s, retries=0, reconnect_delay=0, name=f"{host}:{port}"
        )
        self._lock = asyncio.Lock()
        self.requests_sent = 0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError:
        """Read ``count`` registers (``holding`` or ``input``) or bits (``coils``/``discrete``).

        Returns the list of values, or a :class:`ReadError`.
        """
        if table not in READ_FUNCTIONS:
            return ReadError("invalid", f"unknown register table '{table}'")
        function_code, method = READ_FUNCTIONS[table]
        async with self._lock:
            if not self._client.connected:
                try:
                    connected = await self._client.connect()
                except Exception as exc:  # noqa: BLE001 - any failure is a connection error
                    connected = False
                    reason = str(exc) or type(exc).__name__
                else:
                    reason = "connection refused or timed out"
                if not connected:
                    return ReadError("connection", f"cannot connect to {self.address}: {reason}")
            self.requests_sent += 1
            try:
                response = await asyncio.wait_for(
                    getattr(self._client, method)(address, count=count, device_id=unit),
                    timeout=self.timeout_s * 1.5,
                )
            except (asyncio.TimeoutError, TimeoutError):
                return ReadError("timeout", f"no answer from unit {unit} within {self.timeout_s:g} s")
            except ModbusException as exc:
                text = str(exc)
                if "No response" in text or "timeout" in text.lower():
                    return ReadError("timeout", f"no answer from unit {unit} within {self.timeout_s:g} s")
                if not self._client.connected:
                    return ReadError("connection", f"connection to {self.address} lost: {text}")
                return ReadError("invalid", f"unit {unit}: {text}")
            except Exception as exc:  # noqa: BLE001 - nothing may escape the wrapper
                return ReadError("invalid", f"unit {unit}: {type(exc).__name__}: {exc}")
        return check_response(response, function_code, unit, count)

    def close(self) -> None:
        self._client.close()


def check_response(response: object, function_code: int, unit: int, count: int) -> list[int] | ReadError:
    """Validate a pymodbus response PDU against the request; return its values or an error."""
    if response is None:
        return ReadError("invalid", "empty response")
    fc = getattr(response, "function_code", None)
    if not isinstance(fc, int):
        return ReadError("invalid", f"response without function code: {type(response).__name__}")
    if fc == function_code | 0x80:
        code = getattr(response, "exception_code", None)
        name = MODBUS_EXCEPTIONS.get(code, "unknown exception")
        return ReadError("exception", f"unit {unit}: Modbus exception {code} ({name})", code)
    if fc != function_code:
        return ReadError("invalid", f"unit {unit}: answer has function code {fc}, expected {function_code}")
    dev_id = getattr(response, "dev_id", None)
    if dev_id != unit:
        return ReadError("invalid", f"answer from unit {dev_id}, expected {unit}")
    if function_code in (1, 2):
        bits = list(getattr(response, "bits", []) or [])
        if len(bits) < count:
            return ReadError("invalid", f"unit {unit}: {len(bits)} bits in answer, expected {count}")
        return [int(bool(b)) for b in bits[:count]]
    registers = list(getattr(response, "registers", []) or [])
    if len(registers) != count:
        return ReadError("invalid", f"unit {unit}: {len(registers)} registers in answer, expected {count}")
    if any(not isinstance(r, int) or not 0 <= r <= 0xFFFF for r in registers):
        return ReadError("invalid", f"unit {unit}: register value out of range")
    return registers
