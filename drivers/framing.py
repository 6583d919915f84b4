"""What the link sees of every answer: the raw PDU bytes as the frame delimited them.

pymodbus decodes an answer's PDU into registers without comparing its byte
count with the registers asked for or with the frame's length: an answer
with an odd byte count, or with a stray byte before its data, comes out as a
full set of registers, every value shifted by a byte. And a frame it cannot
decode at all makes it raise inside asyncio's ``data_received``, which prints
a traceback and drops the connection.

So the link installs :class:`CheckedDecoder` in its pymodbus client: it keeps
the raw PDU (function code onwards, as the MBAP length or the RTU frame
delimited it) of every answer it decodes, for :func:`pdu_shape_error`, and
turns a frame it cannot decode into an :class:`UndecodableAnswer`, which the
link's checks refuse. :func:`guarded_framer` wraps the framer so that nothing
it raises escapes into asyncio (the buffer is dropped and the pending request
fails by timeout or by the checks), and notes bytes that came after an answer
in the same receive: with one request outstanding nothing should follow it,
and a stray byte the MBAP length field does not count leaves a frame of the
right shape whose data is shifted by that byte, the last data byte left over.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from pymodbus.framer import FramerBase
from pymodbus.pdu import DecodePDU, ModbusPDU


class UndecodableAnswer(ModbusPDU):
    """An answer frame whose PDU pymodbus could not decode (function code 0: no Modbus function)."""

    function_code = 0


class CheckedDecoder(DecodePDU):
    """pymodbus's client-side PDU decoder that remembers the raw bytes of each PDU it decodes."""

    def __init__(self) -> None:
        super().__init__(False)
        self._raw: WeakKeyDictionary[ModbusPDU, bytes] = WeakKeyDictionary()
        self._trailing: WeakKeyDictionary[ModbusPDU, int] = WeakKeyDictionary()

    def decode(self, frame: bytes) -> ModbusPDU | None:
        pdu = super().decode(frame) or UndecodableAnswer()
        self._raw[pdu] = bytes(frame)
        return pdu

    def raw_pdu(self, pdu: object) -> bytes | None:
        """The bytes ``pdu`` was decoded from (function code first), or None if it did not come through here."""
        if not isinstance(pdu, ModbusPDU):
            return None
        return self._raw.get(pdu)

    def note_trailing(self, pdu: ModbusPDU, count: int) -> None:
        """``count`` bytes followed ``pdu``'s frame in the same receive."""
        self._trailing[pdu] = count

    def trailing_bytes(self, pdu: object) -> int:
        """How many bytes followed ``pdu``'s frame in the same receive (0 if none, or not decoded here)."""
        return self._trailing.get(pdu, 0) if isinstance(pdu, ModbusPDU) else 0


def guarded_framer(framer: FramerBase, decoder: CheckedDecoder) -> FramerBase:
    """``framer`` whose ``handleFrame`` never raises (what it cannot take apart is dropped with the buffer)
    and tells ``decoder`` how many bytes followed each answer in the same receive."""
    handle = framer.handleFrame

    def handle_frame(data: bytes, exp_devid: int, exp_tid: int) -> tuple[int, ModbusPDU | None]:
        try:
            used, pdu = handle(data, exp_devid, exp_tid)
        except Exception:  # noqa: BLE001 - raised inside asyncio's data_received it would print a traceback
            return len(data), None
        if pdu is not None and used < len(data):
            decoder.note_trailing(pdu, len(data) - used)
        return used, pdu

    framer.handleFrame = handle_frame  # type: ignore[method-assign]  # per instance: this link's framer only
    return framer


def pdu_shape_error(raw: bytes, function_code: int, count: int) -> str | None:
    """Why a read answer's raw PDU does not fit the request (``count`` registers or bits), or None if it fits.

    A read answer is: function code, byte count N, N data bytes, and nothing
    more; N is 2 x count for registers (FC 3, 4) and ceil(count / 8) for bits
    (FC 1, 2). An exception answer is the function code with bit 7 set and one
    exception code byte.
    """
    if not raw:
        return "empty answer"
    if raw[0] == function_code | 0x80:
        return None if len(raw) == 2 else f"exception answer of {len(raw)} bytes, expected 2"
    if len(raw) < 2:
        return "answer without a byte count"
    registers = function_code in (3, 4)
    expected = 2 * count if registers else (count + 7) // 8
    byte_count = raw[1]
    if byte_count != expected:
        return f"byte count {byte_count}, expected {expected} for {count} {'registers' if registers else 'bits'}"
    if len(raw) != 2 + byte_count:
        return f"{len(raw) - 2} data bytes after a byte count of {byte_count}"
    return None
