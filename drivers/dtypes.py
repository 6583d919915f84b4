"""The one dtype table: register count, decoder, encoder and "not implemented" sentinel.

Registers are 16-bit words, each transmitted big-endian (Modbus). Multi-register
types are assembled in ``word_order``: ``"big"`` = most significant word first
(the Modbus/SunSpec norm), ``"little"`` = least significant word first.

A raw value equal to the dtype's sentinel decodes to ``None`` (missing), never
to a number. Floats decode NaN and infinities to ``None`` as well.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

WORD_ORDERS = ("big", "little")


@dataclass(frozen=True)
class DType:
    name: str
    registers: int
    struct_code: str  # big-endian struct format for the assembled bytes
    sentinel: int | None  # raw integer pattern meaning "not implemented", or None
    is_float: bool = False

    @property
    def signed(self) -> bool:
        return self.struct_code.islower() and not self.is_float

    @property
    def bits(self) -> int:
        return 16 * self.registers


DTYPES: dict[str, DType] = {
    d.name: d
    for d in (
        DType("u16", 1, ">H", 0xFFFF),
        DType("i16", 1, ">h", 0x8000),
        DType("u32", 2, ">I", 0xFFFFFFFF),
        DType("i32", 2, ">i", 0x80000000),
        DType("u64", 4, ">Q", 0xFFFFFFFFFFFFFFFF),
        DType("i64", 4, ">q", 0x8000000000000000),
        DType("f32", 2, ">f", None, is_float=True),
        DType("f64", 4, ">d", None, is_float=True),
    )
}


_WORD_PACKERS = {n: struct.Struct(f">{n}H") for n in (1, 2, 4)}  # the register widths of the dtypes


def _words_to_bytes(words: list[int] | tuple[int, ...], word_order: str) -> bytes:
    if word_order == "little":
        words = list(reversed(words))
    packer = _WORD_PACKERS.get(len(words))
    if packer is not None:
        try:
            return packer.pack(*words)  # one call per value: decoding runs for every point of every poll
        except struct.error:
            pass  # a word that is no 16-bit number: fails below as it always did
    return b"".join(w.to_bytes(2, "big") for w in words)


def _bytes_to_words(data: bytes, word_order: str) -> list[int]:
    words = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if word_order == "little":
        words.reverse()
    return words


def decode(
    dtype: DType, words: list[int] | tuple[int, ...], word_order: str = "big", sentinels: tuple[int, ...] | None = None
) -> float | None:
    """Decode ``dtype.registers`` words into a number, or ``None`` for a sentinel/NaN.

    ``sentinels`` are raw patterns (as unsigned integers of the dtype's width)
    that mean "not implemented"; ``None`` uses the dtype's own sentinel.
    """
    if len(words) != dtype.registers:
        raise ValueError(f"{dtype.name} needs {dtype.registers} registers, got {len(words)}")
    data = _words_to_bytes(words, word_order)
    if sentinels is None:
        sentinels = () if dtype.sentinel is None else (dtype.sentinel,)
    if sentinels and int.from_bytes(data, "big") in sentinels:
        return None
    (value,) = struct.unpack(dtype.struct_code, data)
    if dtype.is_float:
        return None if not math.isfinite(value) else float(value)
    return int(value)


def encode(dtype: DType, value: float | None, word_order: str = "big", wrap: bool = False) -> list[int]:
    """Encode a raw number (already divided by its scale) into register words.

    ``None`` encodes the sentinel (NaN for floats). Integers are rounded; with
    ``wrap`` unsigned values wrap modulo 2**bits like a real device counter;
    any other value outside the dtype's range raises ``OverflowError`` (a
    measurement never silently turns into another number).
    """
    if value is None:
        if dtype.is_float:
            data = struct.pack(dtype.struct_code, math.nan)
        else:
            assert dtype.sentinel is not None, f"{dtype.name}: an integer dtype has a sentinel"
            data = dtype.sentinel.to_bytes(2 * dtype.registers, "big")
        return _bytes_to_words(data, word_order)
    if dtype.is_float:
        data = struct.pack(dtype.struct_code, value)
    else:
        raw = int(round(value))
        if wrap and not dtype.signed:
            raw %= 1 << dtype.bits
        try:
            data = struct.pack(dtype.struct_code, raw)
        except struct.error:
            raise OverflowError(f"{value!r} does not fit in {dtype.name}") from None
    return _bytes_to_words(data, word_order)


def decode_string(words: list[int] | tuple[int, ...]) -> str | None:
    """Text from registers, two bytes each (high byte first); NUL padding and spaces stripped.

    All-NUL or all-0xFF registers (unset) decode to ``None``.
    """
    data = b"".join(w.to_bytes(2, "big") for w in words)
    if not data.strip(b"\x00") or not data.strip(b"\xff"):
        return None
    text = data.split(b"\x00", 1)[0].decode("utf-8", errors="replace").strip()
    return text or None


def encode_string(text: str | None, registers: int) -> list[int]:
    """Registers for ``text``, NUL-padded (truncated to ``2 x registers`` bytes)."""
    data = (text or "").encode("utf-8")[: 2 * registers].ljust(2 * registers, b"\x00")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
