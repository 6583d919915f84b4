"""The register inspector's Modbus part: read any address range of a device, decode it, for commissioning.

Read-only by construction: the only device call here is
:meth:`drivers.link.ModbusLink.read_registers` (function codes 1-4, every
answer checked by ``drivers.link.check_response``). A failed read comes back
as the link's :class:`~drivers.link.ReadError` text, never as numbers.

Each probe opens its own short-lived link and closes it again, so it can run
on any thread (``asyncio.run(probe(...))``, see :func:`run_probe`) while the
collector polls the same TCP gateway on its own connection. A serial port
(transport ``rtu``) can only be opened once: :func:`busy_reason` says when a
probe must not try.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from drivers.dtypes import DTYPES, WORD_ORDERS, decode
from drivers.link import READ_FUNCTIONS, LinkSettings, ModbusLink, ReadError
from drivers.modbus_limits import BIT_TABLES, MAX_ADDRESS, MAX_BITS, MAX_REGISTERS, REGISTER_TABLES
from drivers.profile import Profile
from drivers.sunspec import DiscoveryFailure, discover, identity_fields, read_identity

# The limits a request is checked against come from drivers.modbus_limits; they are part of this API
# because the register inspector (ui) offers and bounds its fields with them.
__all__ = [
    "TABLES",
    "IdentityResult",
    "ProbeRequest",
    "ProbeResult",
    "ProbeRow",
    "busy_reason",
    "decode_rows",
    "identify",
    "probe",
    "run_identify",
    "run_probe",
    "shares_rtu_line",
]

TABLES = REGISTER_TABLES + BIT_TABLES  # what the inspector offers, in this order


@dataclass(frozen=True)
class ProbeRequest:
    """One read: ``count`` registers (or bits) of ``table`` from ``address``, decoded as ``dtype``."""

    settings: LinkSettings
    unit: int
    table: str = "holding"
    address: int = 0
    count: int = 1
    dtype: str = "u16"
    word_order: str = "big"

    @property
    def is_bits(self) -> bool:
        return self.table in BIT_TABLES

    def problem(self) -> str | None:
        """Why this request cannot be sent (English, for logs and exceptions), or None."""
        if self.table not in READ_FUNCTIONS:
            return f"unknown register table '{self.table}'"
        if self.dtype not in DTYPES:
            return f"unknown dtype '{self.dtype}'"
        if self.word_order not in WORD_ORDERS:
            return f"unknown word order '{self.word_order}'"
        if not 0 <= self.unit <= 255:
            return f"unit id {self.unit} is outside 0..255"
        limit = MAX_BITS if self.is_bits else MAX_REGISTERS
        if not 1 <= self.count <= limit:
            return f"count {self.count} is outside 1..{limit}"
        if not 0 <= self.address <= MAX_ADDRESS or self.address + self.count - 1 > MAX_ADDRESS:
            return f"addresses {self.address}..{self.address + self.count - 1} are outside 0..{MAX_ADDRESS}"
        return None


@dataclass(frozen=True)
class ProbeRow:
    """One dtype step of a read: its first address, the words (or bit) it covers and what they decode to.

    ``value`` is None when the step is the dtype's "not implemented" sentinel (or a
    NaN/infinite float) or when the read ended before the step was complete;
    ``note`` says which (``sentinel`` | ``nan`` | ``incomplete``), else it is empty.
    """

    address: int
    words: tuple[int, ...]
    value: float | int | None
    note: str = ""

    @property
    def raw_hex(self) -> str:
        return " ".join(f"0x{w:04X}" for w in self.words)

    @property
    def text(self) -> str:
        """The words as two characters each (printable ASCII only, others as '.'): serial numbers, models."""
        data = b"".join(w.to_bytes(2, "big") for w in self.words)
        return "".join(chr(b) if 32 <= b < 127 else "." for b in data)


@dataclass(frozen=True)
class ProbeResult:
    request: ProbeRequest
    rows: tuple[ProbeRow, ...] = ()
    error: ReadError | None = None
    latency_s: float = 0.0
    requests_sent: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


def decode_rows(
    words: list[int] | tuple[int, ...], address: int, dtype: str, word_order: str = "big", bits: bool = False
) -> tuple[ProbeRow, ...]:
    """Split what a read returned into dtype steps and decode each (pure).

    ``bits``: coils or discrete inputs, one row per bit (the dtype does not apply).
    """
    if bits:
        return tuple(ProbeRow(address + i, (b,), b) for i, b in enumerate(words))
    kind = DTYPES[dtype]
    rows = []
    for offset in range(0, len(words), kind.registers):
        step = tuple(words[offset : offset + kind.registers])
        if len(step) < kind.registers:
            rows.append(ProbeRow(address + offset, step, None, "incomplete"))
            continue
        value = decode(kind, step, word_order)
        note = ""
        if value is None:
            note = "nan" if kind.is_float else "sentinel"
        rows.append(ProbeRow(address + offset, step, value, note))
    return tuple(rows)


async def probe(request: ProbeRequest) -> ProbeResult:
    """Open a link, make the one read the request describes, close the link; decode what came back."""
    problem = request.problem()
    if problem is not None:
        raise ValueError(problem)
    link = ModbusLink(request.settings)
    started = time.perf_counter()
    try:
        words = await link.read_registers(request.unit, request.table, request.address, request.count)
    finally:
        link.close()
    latency = time.perf_counter() - started
    if isinstance(words, ReadError):
        return ProbeResult(request, (), words, latency, link.requests_sent)
    rows = decode_rows(words, request.address, request.dtype, request.word_order, bits=request.is_bits)
    return ProbeResult(request, rows, None, latency, link.requests_sent)


def run_probe(request: ProbeRequest) -> ProbeResult:
    """:func:`probe` on its own event loop, for a worker thread (never the GUI thread)."""
    return asyncio.run(probe(request))


@dataclass(frozen=True)
class IdentityResult:
    """What a device says about itself: ``fields`` (manufacturer, model, serial, version: text or None).

    ``error`` when nothing answered (or, for a SunSpec device, no SunSpec marker
    was found); ``has_fields`` False when the profile declares no identity fields.
    """

    fields: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None
    has_fields: bool = True


async def identify(settings: LinkSettings, unit: int, profile: Profile | None) -> IdentityResult:
    """Read the identity of a device (``profile`` None: a SunSpec device, found by discovery)."""
    link = ModbusLink(settings)
    try:
        if profile is None:
            found = await discover(link, unit)
            if isinstance(found, DiscoveryFailure):
                return IdentityResult(error=str(found))
            fields = identity_fields(found)
        else:
            fields = profile.identity
        if not fields:
            return IdentityResult(has_fields=False)
        recorder = _ErrorRecorder(link)
        values = await read_identity(recorder, unit, fields)
        if recorder.errors and all(v is None for v in values.values()):
            return IdentityResult(values, error=str(recorder.errors[0]))
        return IdentityResult(values)
    finally:
        link.close()


class _ErrorRecorder:
    """A link that remembers why its reads failed (read_identity turns a failed field into None)."""

    def __init__(self, link: ModbusLink) -> None:
        self._link = link
        self.address = link.address
        self.errors: list[ReadError] = []

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError:
        words = await self._link.read_registers(unit, table, address, count)
        if isinstance(words, ReadError):
            self.errors.append(words)
        return words


def run_identify(settings: LinkSettings, unit: int, profile: Profile | None) -> IdentityResult:
    """:func:`identify` on its own event loop, for a worker thread."""
    return asyncio.run(identify(settings, unit, profile))


def busy_reason(settings: LinkSettings, collecting: bool) -> str | None:
    """Why a probe must not open this connection now (English), or None.

    A serial port opens once: while the collector polls it, a second opener gets
    "port busy" at best. Over TCP a second connection is normally accepted.
    """
    if collecting and settings.transport == "rtu":
        return f"the collector has the serial port {settings.serial_port} open"
    return None


def shares_rtu_line(settings: LinkSettings, collecting: bool) -> bool:
    """True when a probe would share an RTU line with the collector through a transparent gateway.

    RTU frames carry no transaction id: a gateway with two TCP clients may
    interleave their requests on the bus. The collector checks every answer
    (function code, unit, count), but a probe may cost it a failed poll.
    """
    return collecting and settings.transport == "rtu-over-tcp"
