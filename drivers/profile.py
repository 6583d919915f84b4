"""Device profiles: the register map of one device type as data, planned into block reads.

A :class:`Profile` maps registers onto canonical quantities (drivers.quantities).
The same profile drives decoding (collector) and encoding (simulator). Profiles
come from TOML files (drivers.profile_file) or are built at run time from a
device's SunSpec models (drivers.sunspec).

Value of a point: ``raw x scale x 10**sf`` where ``sf`` is the signed 16-bit
scale-factor register named by ``scale_factor`` (SunSpec style), or 0 if none.
A raw value equal to one of the point's sentinels, or a scale factor that is
itself "not implemented" (0x8000) or outside -10..10, gives ``None``.

A point may name a rule of drivers.value_rules (e.g. a power factor that
devices give as a ratio or in percent), applied after the scaling. How points
combine into values (parts of a sum, fallbacks, conditions, ratios the meter
holds) is drivers.point_values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from drivers.dtypes import DTYPES, DType, decode, decode_string, encode, encode_string
from drivers.modbus_limits import READ_FUNCTION_CODES, REGISTER_TABLES
from drivers.point_values import active, combine, condition_words, held_ratios_applied, per_point
from drivers.quantities import QUANTITIES, RATIOS, Kind, Role
from drivers.value_rules import RULES

SF_DTYPE = DTYPES["i16"]
SF_NOT_IMPLEMENTED = 0x8000
IDENTITY_FIELDS = ("manufacturer", "model", "serial", "version")


class ProfileError(ValueError):
    """A profile is invalid; the message names the file and field."""


@dataclass(frozen=True)
class Point:
    quantity: str
    table: str
    address: int
    dtype: DType
    scale: float
    word_order: str
    sentinels: tuple[int, ...] | None = None  # None: the dtype's own sentinel
    scale_factor: int | None = None  # address of an i16 scale-factor register in the same table
    primary: bool = False  # reported on the primary side although the profile reads ratio registers
    rule: str | None = None  # a drivers.value_rules rule applied to the scaled value
    part: bool = False  # one of several points whose values add up to the quantity (e.g. PV power per MPPT)
    fallback: bool = False  # stands in when the earlier rows of its quantity are missing
    absent_as_zero: bool = False  # a part whose register says "not implemented" (an MPPT not fitted) adds 0
    when_address: int | None = None  # a u16 register (same table) whose word says whether this point applies
    when_values: tuple[int, ...] = ()  # the words of that register for which it does

    @property
    def end(self) -> int:
        """One past the last register of this point."""
        return self.address + self.dtype.registers

    @property
    def span(self) -> tuple[int, int]:
        """Registers that must be read in one request: the value, its scale factor and its condition."""
        lo, hi = self.address, self.end
        for extra in (self.scale_factor, self.when_address):
            if extra is not None:
                lo, hi = min(lo, extra), max(hi, extra + 1)
        return lo, hi


@dataclass(frozen=True)
class IdentityField:
    """A text field of the device's identity: read from registers, or fixed in the profile."""

    field: str  # manufacturer | model | serial | version
    table: str | None = None
    address: int | None = None
    registers: int = 0
    value: str | None = None


@dataclass(frozen=True)
class Block:
    """One contiguous read: ``count`` registers from ``address`` in ``table``."""

    table: str
    address: int
    count: int
    points: tuple[Point, ...]

    @property
    def function_code(self) -> int:
        return READ_FUNCTION_CODES[self.table]


@dataclass(frozen=True)
class Profile:
    name: str
    role: Role
    title: str
    source: str
    points: tuple[Point, ...]
    blocks: tuple[Block, ...]
    path: Path | None = None
    identity: tuple[IdentityField, ...] = field(default=())

    @property
    def quantities(self) -> tuple[str, ...]:
        """Each quantity once, in the order of its first point."""
        return tuple(dict.fromkeys(p.quantity for p in self.points))

    def counter_wrap_at(self, quantity: str) -> float | None:
        """The value [base unit, e.g. Wh] at which a counter's register rolls over to zero, or None.

        Known for unsigned integer registers with a fixed scale (2**bits x
        scale); None for floats, signed registers and points scaled by a
        scale-factor register (the modulus would depend on the factor read).
        """
        for point in self.points:
            if point.quantity == quantity:
                if point.dtype.is_float or point.dtype.signed or point.scale_factor is not None or point.part:
                    return None
                return float(2**point.dtype.bits) * point.scale
        return None

    def resolution(self, quantity: str) -> float:
        """One register step of a quantity [base unit]: its fixed scale; 0 if unknown (floats, scale factors)."""
        for point in self.points:
            if point.quantity == quantity:
                return 0.0 if point.dtype.is_float or point.scale_factor is not None else abs(point.scale)
        return 0.0

    def decode_blocks(self, words_by_block: Sequence[list[int] | None]) -> dict[str, float | None]:
        """Turn the words of each planned block into canonical values.

        ``words_by_block[i]`` are the registers read for ``self.blocks[i]``, or
        ``None`` if that read failed; the points of a failed block are ``None``.
        """
        decoded: dict[int, float | None] = {}
        for block, words in zip(self.blocks, words_by_block, strict=True):
            for point in block.points:
                value = None if words is None else decode_point(point, block, words)
                if value is None and words is not None and point.absent_as_zero:
                    value = 0.0  # read, and the device says it has no such part
                decoded[id(point)] = value
        values = combine(self.points, [decoded[id(p)] for p in self.points])
        return held_ratios_applied(self.points, values, to_primary=True)

    @property
    def simulated_quantities(self) -> tuple[str, ...]:
        """The quantities the simulator's image of this profile holds: those of points whose condition
        (``when``) the words it writes satisfy (drivers.point_values.condition_words)."""
        words = condition_words(self.points)
        return tuple(dict.fromkeys(p.quantity for p in self.points if active(p, words)))

    def optional_block(self, index: int) -> bool:
        """Whether every point of block ``index`` has a fallback row in another block: a device that lacks
        these registers (a model without the finer ones) answers with an exception, and that is no fault."""
        block = self.blocks[index]
        inside = {id(p) for p in block.points}
        return all(
            any(q.fallback and q.quantity == p.quantity and id(q) not in inside for q in self.points)
            for p in block.points
        )

    @property
    def held_ratios(self) -> frozenset[str]:
        """The transformer ratios this profile reads from the device (``ct_ratio``, ``pt_ratio``)."""
        return RATIOS & set(self.quantities)

    def encode_values(self, values: Mapping[str, float | None]) -> dict[str, dict[int, int]]:
        """Register image for the simulator: ``{table: {address: word}}``.

        Quantities absent from ``values`` or ``None`` encode the point's first
        sentinel. A scale-factor register gets the smallest exponent (from -2
        up) at which every value that uses it fits its register. Values are
        primary; a profile that reads ratio registers encodes them divided by
        the ``ct_ratio``/``pt_ratio`` in ``values`` (1 where absent), as such a
        meter reports them.
        """
        image: dict[str, dict[int, int]] = {t: {} for t in REGISTER_TABLES}
        values = held_ratios_applied(self.points, dict(values), to_primary=False)
        exponents = _choose_exponents(self.points, values)
        for (table, address), exponent in exponents.items():
            image[table][address] = encode(SF_DTYPE, exponent)[0]
        conditions = condition_words(self.points)
        for (table, address), word in conditions.items():
            image[table][address] = word
        for point, value in zip(self.points, per_point(self.points, values), strict=True):
            if not active(point, conditions):
                continue  # another point holds these registers while the condition reads this word
            exponent = exponents.get((point.table, point.scale_factor), 0) if point.scale_factor is not None else 0
            if value is None:
                words = _sentinel_words(point)
            else:
                counter = QUANTITIES[point.quantity].kind is Kind.COUNTER  # counters wrap like a meter's
                words = encode(point.dtype, value / point.scale / 10.0**exponent, point.word_order, wrap=counter)
            for i, word in enumerate(words):
                image[point.table][point.address + i] = word
        return image

    def decode_identity(self, words_by_field: dict[str, list[int] | None]) -> dict[str, str | None]:
        """Identity text per field; ``words_by_field`` holds the registers read for register-backed fields."""
        return decode_identity(self.identity, words_by_field)

    def encode_identity(self, texts: dict[str, str]) -> dict[str, dict[int, int]]:
        """Register image of the register-backed identity fields (simulator)."""
        image: dict[str, dict[int, int]] = {t: {} for t in REGISTER_TABLES}
        for item in self.identity:
            if item.value is None:
                assert item.table is not None and item.address is not None, "a field without value is register-backed"
                for i, word in enumerate(encode_string(texts.get(item.field), item.registers)):
                    image[item.table][item.address + i] = word
        return image


def decode_identity(
    fields: tuple[IdentityField, ...], words_by_field: dict[str, list[int] | None]
) -> dict[str, str | None]:
    """Identity text per field, in field order: fixed values as given, register-backed ones decoded
    from ``words_by_field`` (``None`` where the read failed or the registers are unset)."""
    out: dict[str, str | None] = {}
    for item in fields:
        if item.value is not None:
            out[item.field] = item.value
        else:
            words = words_by_field.get(item.field)
            out[item.field] = None if words is None else decode_string(words)
    return out


def as_load_meter(profile: Profile) -> Profile:
    """A grid-meter profile used for a load (sub-)meter: imported energy is the consumed energy.

    ``power_w`` keeps its meaning (+ = power drawn through the meter); exported
    energy and anything else a load does not report are dropped. Raises
    :class:`ProfileError` for a profile that is not a grid meter.
    """
    from drivers.quantities import allowed_for

    if profile.role is not Role.GRID:
        raise ProfileError(f"profile '{profile.name}' is for role {profile.role.value}, not a meter (grid)")
    rename = {"imported_wh": "consumed_wh"}
    allowed = allowed_for(Role.LOAD)
    points = tuple(
        replace(p, quantity=rename.get(p.quantity, p.quantity))
        for p in profile.points
        if rename.get(p.quantity, p.quantity) in allowed
    )
    # Keep the grid profile's reads (same blocks, so the device sees the same requests); drop unused points.
    blocks = []
    for block in profile.blocks:
        kept = tuple(
            q for q in points if block.address <= q.address < block.address + block.count and q.table == block.table
        )
        if kept:
            blocks.append(Block(block.table, block.address, block.count, kept))
    return Profile(
        profile.name,
        Role.LOAD,
        f"{profile.title} (as load meter)",
        profile.source,
        points,
        tuple(blocks),
        profile.path,
        profile.identity,
    )


def decode_point(point: Point, block: Block, words: list[int]) -> float | None:
    if point.when_address is not None and words[point.when_address - block.address] not in point.when_values:
        return None  # the condition register says this point does not apply
    offset = point.address - block.address
    raw = decode(point.dtype, words[offset : offset + point.dtype.registers], point.word_order, point.sentinels)
    if raw is None:
        return None
    exponent = 0
    if point.scale_factor is not None:
        sf_word = words[point.scale_factor - block.address]
        if sf_word == SF_NOT_IMPLEMENTED:
            return None
        sf = decode(SF_DTYPE, [sf_word], "big", ())  # an i16 without sentinels: never None
        if sf is None or not -10 <= sf <= 10:
            return None
        exponent = int(sf)  # already an int: i16 decodes to one
    value = raw * point.scale * 10.0**exponent
    return value if point.rule is None else RULES[point.rule](value)


def _sentinel_words(point: Point) -> list[int]:
    if point.sentinels is None:
        return encode(point.dtype, None, point.word_order)
    if not point.sentinels:  # no pattern means "missing": a simulator has nothing better than 0
        return encode(point.dtype, 0, point.word_order)
    data = point.sentinels[0].to_bytes(2 * point.dtype.registers, "big")
    words = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    return list(reversed(words)) if point.word_order == "little" else words


def _fits(point: Point, raw: float) -> bool:
    d = point.dtype
    if d.is_float:
        return math.isfinite(raw)
    lo, hi = (-(1 << (d.bits - 1)), (1 << (d.bits - 1)) - 1) if d.signed else (0, (1 << d.bits) - 1)
    return lo <= round(raw) <= hi


def _fits_or_missing(point: Point, value: float | None, exponent: int) -> bool:
    """Whether ``value`` (None: missing, encoded as a sentinel) fits the register at scale factor ``exponent``."""
    return value is None or _fits(point, value / point.scale / 10.0**exponent)


def _choose_exponents(points: tuple[Point, ...], values: Mapping[str, float | None]) -> dict[tuple[str, int], int]:
    users: dict[tuple[str, int], list[Point]] = {}
    for p in points:
        if p.scale_factor is not None:
            users.setdefault((p.table, p.scale_factor), []).append(p)
    chosen: dict[tuple[str, int], int] = {}
    for key, pts in users.items():
        for exponent in range(-2, 11):
            if all(_fits_or_missing(p, values.get(p.quantity), exponent) for p in pts):
                chosen[key] = exponent
                break
        else:
            raise OverflowError(f"no scale factor makes {', '.join(p.quantity for p in pts)} fit")
    return chosen


def plan_blocks(points: list[Point], max_gap: int, max_block: int) -> tuple[Block, ...]:
    """Coalesce points into the fewest contiguous reads.

    A point and its scale-factor register always land in the same read (so a
    value is never combined with another moment's scale factor). Spans of one
    table are merged while the unmapped gap between them is at most
    ``max_gap`` registers and the block stays within ``max_block``.
    Raises :class:`ProfileError` if a single span exceeds ``max_block``.
    """
    blocks: list[Block] = []
    for table in REGISTER_TABLES:
        current: list[Point] = []
        start = end = 0
        for point in sorted((p for p in points if p.table == table), key=lambda p: p.span):
            lo, hi = point.span
            if hi - lo > max_block:
                raise ProfileError(
                    f"'{point.quantity}' and its scale factor span {hi - lo} registers, "
                    f"more than one read of {max_block}"
                )
            if current and (lo - end > max_gap or max(end, hi) - start > max_block):
                blocks.append(Block(table, start, end - start, tuple(current)))
                current = []
            if not current:
                start, end = lo, hi
            current.append(point)
            end = max(end, hi)
        if current:
            blocks.append(Block(table, start, end - start, tuple(current)))
    return tuple(blocks)
