"""Device profiles: register maps as data, validated when loaded.

A profile is a TOML file::

    [profile]
    name = "energymon-pv"          # unique; used as ``profile = "..."`` in site configs
    role = "pv"                    # pv | storage | load | grid (one role per profile)
    title = "..."                  # human readable
    source = "..."                 # the document the map was taken from
    word_order = "big"             # default for all points: big | little
    max_gap = 16                   # unmapped registers a block read may span
    max_block = 125                # registers per read, at most 125 (Modbus limit)

    [[points]]
    quantity = "power_w"           # canonical quantity (drivers.quantities)
    table = "holding"              # holding (FC 3) | input (FC 4)
    address = 0                    # zero-based register address on the wire
    dtype = "i32"                  # drivers.dtypes.DTYPES
    scale = 1.0                    # canonical value = raw x scale (base units: W, Wh, ...)
    word_order = "big"             # optional per-point override

Every error names the file and the row, e.g.
``pv.toml: points[2].dtype: unknown dtype 'u17' (expected one of: u16, i16, ...)``.
The same profile drives decoding (collector) and encoding (simulator).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.dtypes import DTYPES, WORD_ORDERS, DType, decode, encode
from drivers.quantities import QUANTITIES, REQUIRED, Role, allowed_for

TABLES = {"holding": 3, "input": 4}  # register table -> Modbus read function code
MODBUS_MAX_REGISTERS = 125
BUILTIN_DIR = Path(__file__).with_name("profiles")


class ProfileError(ValueError):
    """A profile file is invalid; the message names the file and field."""


@dataclass(frozen=True)
class Point:
    quantity: str
    table: str
    address: int
    dtype: DType
    scale: float
    word_order: str

    @property
    def end(self) -> int:
        """One past the last register of this point."""
        return self.address + self.dtype.registers


@dataclass(frozen=True)
class Block:
    """One contiguous read: ``count`` registers from ``address`` in ``table``."""

    table: str
    address: int
    count: int
    points: tuple[Point, ...]

    @property
    def function_code(self) -> int:
        return TABLES[self.table]


@dataclass(frozen=True)
class Profile:
    name: str
    role: Role
    title: str
    source: str
    points: tuple[Point, ...]
    blocks: tuple[Block, ...]
    path: Path | None = None

    @property
    def quantities(self) -> tuple[str, ...]:
        return tuple(p.quantity for p in self.points)

    def decode_blocks(self, words_by_block: list[list[int] | None]) -> dict[str, float | None]:
        """Turn the words of each planned block into canonical values.

        ``words_by_block[i]`` are the registers read for ``self.blocks[i]``, or
        ``None`` if that read failed; the points of a failed block are ``None``.
        """
        values: dict[str, float | None] = {}
        for block, words in zip(self.blocks, words_by_block, strict=True):
            for point in block.points:
                if words is None:
                    values[point.quantity] = None
                    continue
                offset = point.address - block.address
                raw = decode(point.dtype, words[offset : offset + point.dtype.registers], point.word_order)
                values[point.quantity] = None if raw is None else raw * point.scale
        return values

    def encode_values(self, values: dict[str, float | None]) -> dict[str, dict[int, int]]:
        """Register image for the simulator: ``{table: {address: word}}``.

        Quantities absent from ``values`` or ``None`` encode the dtype's sentinel.
        """
        image: dict[str, dict[int, int]] = {t: {} for t in TABLES}
        for point in self.points:
            value = values.get(point.quantity)
            raw = None if value is None else value / point.scale
            words = encode(point.dtype, raw, point.word_order)
            table = image[point.table]
            for i, word in enumerate(words):
                table[point.address + i] = word
        return image


def plan_blocks(points: list[Point], max_gap: int, max_block: int) -> tuple[Block, ...]:
    """Coalesce points into the fewest contiguous reads.

    Points of one table are merged while the unmapped gap between them is at
    most ``max_gap`` registers and the block stays within ``max_block``.
    """
    blocks: list[Block] = []
    for table in TABLES:
        current: list[Point] = []
        for point in sorted((p for p in points if p.table == table), key=lambda p: p.address):
            if current and (
                point.address - current[-1].end > max_gap
                or point.end - current[0].address > max_block
            ):
                blocks.append(_block(table, current))
                current = []
            current.append(point)
        if current:
            blocks.append(_block(table, current))
    return tuple(blocks)


def _block(table: str, points: list[Point]) -> Block:
    start = points[0].address
    end = max(p.end for p in points)
    return Block(table, start, end - start, tuple(points))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def load_profile(name_or_path: str | Path, base_dir: Path | None = None) -> Profile:
    """Load a built-in profile by name, or a profile file by path.

    A relative path is resolved against ``base_dir`` (the config file's folder).
    """
    text = str(name_or_path)
    if text in builtin_names():
        path = BUILTIN_DIR / f"{text}.toml"
    else:
        path = Path(text)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.suffix and not path.exists():
            raise ProfileError(
                f"unknown profile '{text}' (built-in profiles: {', '.join(builtin_names())};"
                " or give the path of a profile file)"
            )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: profile file not found") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: TOML syntax error: {exc}") from None
    except ValueError as exc:  # e.g. a NUL character in the path
        raise ProfileError(f"{str(path)!r}: invalid profile path: {exc}") from None
    return parse_profile(data, path)


def parse_profile(data: dict[str, Any], path: Path) -> Profile:
    """Validate a parsed profile document; every error names ``path`` and the field."""
    where = path.name

    def fail(field: str, message: str) -> ProfileError:
        return ProfileError(f"{where}: {field}: {message}")

    unknown = set(data) - {"profile", "points"}
    if unknown:
        raise fail(sorted(unknown)[0], "unknown key (expected 'profile' and 'points')")
    head = data.get("profile")
    if not isinstance(head, dict):
        raise fail("profile", "missing [profile] table")
    allowed_head = {"name", "role", "title", "source", "word_order", "max_gap", "max_block"}
    for key in head:
        if key not in allowed_head:
            raise fail(f"profile.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed_head))})")
    for key in ("name", "role", "title", "source"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise fail(f"profile.{key}", "required text is missing")
    try:
        role = Role(head["role"])
    except ValueError:
        raise fail("profile.role", f"unknown role '{head['role']}' (expected pv, storage, load or grid)") from None
    default_order = head.get("word_order", "big")
    if default_order not in WORD_ORDERS:
        raise fail("profile.word_order", f"'{default_order}' is not big or little")
    max_gap = head.get("max_gap", 16)
    if not isinstance(max_gap, int) or isinstance(max_gap, bool) or not 0 <= max_gap <= MODBUS_MAX_REGISTERS:
        raise fail("profile.max_gap", "expected a whole number of registers, 0..125")
    max_block = head.get("max_block", MODBUS_MAX_REGISTERS)
    if not isinstance(max_block, int) or isinstance(max_block, bool) or not 1 <= max_block <= MODBUS_MAX_REGISTERS:
        raise fail("profile.max_block", "expected a whole number of registers, 1..125")

    rows = data.get("points")
    if not isinstance(rows, list) or not rows:
        raise fail("points", "at least one [[points]] row is required")
    allowed_row = {"quantity", "table", "address", "dtype", "scale", "word_order"}
    points: list[Point] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        field = f"points[{i}]"
        if not isinstance(row, dict):
            raise fail(field, "expected a [[points]] table")
        for key in row:
            if key not in allowed_row:
                raise fail(f"{field}.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed_row))})")
        quantity = row.get("quantity")
        if not isinstance(quantity, str) or quantity not in QUANTITIES:
            raise fail(f"{field}.quantity", f"unknown quantity '{quantity}'")
        if quantity not in allowed_for(role):
            raise fail(f"{field}.quantity", f"'{quantity}' is not a quantity of role {role.value}")
        if quantity in seen:
            raise fail(f"{field}.quantity", f"'{quantity}' is already mapped by points[{seen[quantity]}]")
        seen[quantity] = i
        table = row.get("table", "holding")
        if not isinstance(table, str) or table not in TABLES:
            raise fail(f"{field}.table", f"'{table}' is not holding or input")
        address = row.get("address")
        if not isinstance(address, int) or isinstance(address, bool) or not 0 <= address <= 0xFFFF:
            raise fail(f"{field}.address", "expected a register address 0..65535")
        dtype_name = row.get("dtype")
        if not isinstance(dtype_name, str) or dtype_name not in DTYPES:
            raise fail(f"{field}.dtype", f"unknown dtype '{dtype_name}' (expected one of: {', '.join(DTYPES)})")
        dtype = DTYPES[dtype_name]
        if address + dtype.registers > 0x10000:
            raise fail(f"{field}.address", "point runs past register 65535")
        scale = row.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale == 0:
            raise fail(f"{field}.scale", "expected a non-zero finite number")
        order = row.get("word_order", default_order)
        if order not in WORD_ORDERS:
            raise fail(f"{field}.word_order", f"'{order}' is not big or little")
        points.append(Point(quantity, table, address, dtype, float(scale), order))

    missing = REQUIRED[role] - set(seen)
    if missing:
        raise fail("points", f"role {role.value} requires {', '.join(sorted(missing))}")
    by_table: dict[str, list[Point]] = {}
    for p in points:
        by_table.setdefault(p.table, []).append(p)
    for table_points in by_table.values():
        table_points.sort(key=lambda p: p.address)
        for a, b in zip(table_points, table_points[1:]):
            if b.address < a.end:
                raise fail("points", f"'{a.quantity}' and '{b.quantity}' overlap at {b.table} register {b.address}")
    for p in points:
        if p.dtype.registers > max_block:
            raise fail("profile.max_block", f"'{p.quantity}' needs {p.dtype.registers} registers")
    blocks = plan_blocks(points, max_gap, max_block)
    return Profile(head["name"], role, head["title"], head["source"], tuple(points), blocks, path)
