"""Shared helpers of the vendor-profile tests: register images in, decoded values out, compared exactly.

An image is ``{(table, address): word}``; a register it does not set answers 0, as a device's reserved
registers would. Expected values in the tests are worked out by hand from the documented type, unit and gain.
"""

from __future__ import annotations

import math

from drivers.profile import Profile
from drivers.profile_file import load_profile

H, I = "holding", "input"  # noqa: E741 - the register tables, as the vendor maps write them


def words_for_blocks(profile: Profile, registers: dict[tuple[str, int], int]) -> list[list[int]]:
    """What a device with register image ``registers`` answers to each planned block read (unset registers: 0)."""
    return [[registers.get((b.table, a), 0) for a in range(b.address, b.address + b.count)] for b in profile.blocks]


def decode(name: str, registers: dict[tuple[str, int], int]) -> dict[str, float | None]:
    """The canonical values built-in profile ``name`` decodes from ``registers``."""
    profile = load_profile(name)
    return profile.decode_blocks(words_for_blocks(profile, registers))


def assert_values(values: dict, expected: dict) -> None:
    """Exactly the expected quantities; each value equal (1e-9) or, where ``None`` is expected, missing."""
    assert set(values) == set(expected), sorted(set(values) ^ set(expected))
    for quantity, want in expected.items():
        got = values[quantity]
        if want is None:
            assert got is None, (quantity, got)
        else:
            assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (quantity, got, want)


def spans(profile: Profile) -> list[tuple[str, int, int]]:
    """The planned reads: (table, first register, count)."""
    return [(b.table, b.address, b.count) for b in profile.blocks]
