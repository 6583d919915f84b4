"""Read one device through a link with its profile: planned block reads -> canonical values."""

from __future__ import annotations

import time
from dataclasses import dataclass

from drivers.link import ReadError, RegisterReader
from drivers.profile import Profile


@dataclass(frozen=True)
class DeviceRead:
    """The outcome of one poll of one device.

    ``values`` maps every quantity of the profile to a float in base units, or
    ``None`` where its read failed or the device reported "not implemented".
    ``errors`` lists the failed block reads (empty when every read succeeded).
    """

    values: dict[str, float | None]
    errors: tuple[ReadError, ...]
    blocks_read: int
    blocks_planned: int
    latency_s: float

    @property
    def ok(self) -> bool:
        """True when at least one block was read."""
        return self.blocks_read > 0

    @property
    def complete(self) -> bool:
        return not self.errors


async def read_device(link: RegisterReader, unit: int, profile: Profile) -> DeviceRead:
    """Read every planned block of ``profile`` from ``unit`` on ``link``.

    After the first connection-level failure the remaining blocks are not
    tried (the device is unreachable); their values are ``None`` too. An
    exception answer to a block whose every point has a fallback elsewhere
    (registers only some models have) is not an error: the fallbacks hold.
    """
    started = time.perf_counter()
    words_by_block: list[list[int] | None] = []
    errors: list[ReadError] = []
    for i, block in enumerate(profile.blocks):
        if errors and errors[-1].kind in ("connection", "timeout"):
            words_by_block.append(None)
            continue
        result = await link.read_registers(unit, block.table, block.address, block.count)
        if isinstance(result, ReadError):
            if not (result.kind == "exception" and profile.optional_block(i)):
                errors.append(result)
            words_by_block.append(None)
        else:
            words_by_block.append(result)
    values = profile.decode_blocks(words_by_block)
    blocks_read = sum(words is not None for words in words_by_block)
    return DeviceRead(values, tuple(errors), blocks_read, len(profile.blocks), time.perf_counter() - started)
