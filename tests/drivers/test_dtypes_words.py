"""Decoding packs register words in one call; words that are no 16-bit numbers still fail as before."""

from __future__ import annotations

import random
import struct

import pytest

from drivers.dtypes import DTYPES, decode


def reference_decode(name: str, words: list[int], word_order: str) -> float | None:
    """The decoding as it was written first: bytes word by word."""
    dtype = DTYPES[name]
    ordered = list(reversed(words)) if word_order == "little" else words
    data = b"".join(w.to_bytes(2, "big") for w in ordered)
    if dtype.sentinel is not None and int.from_bytes(data, "big") == dtype.sentinel:
        return None
    (value,) = struct.unpack(dtype.struct_code, data)
    if dtype.is_float:
        return None if value != value or value in (float("inf"), float("-inf")) else float(value)
    return int(value)


def test_decode_matches_the_word_by_word_reference():
    rng = random.Random(20)
    for name, dtype in DTYPES.items():
        for _ in range(500):
            words = [rng.choice((0, 1, 0x7FFF, 0x8000, 0xFFFF, rng.randrange(0x10000))) for _ in range(dtype.registers)]
            for order in ("big", "little"):
                assert decode(dtype, words, order) == reference_decode(name, words, order), (name, words, order)


@pytest.mark.parametrize("bad", [0x10000, -1])
def test_a_word_out_of_range_still_raises_overflow(bad: int):
    with pytest.raises(OverflowError):
        decode(DTYPES["u32"], [1, bad])
