"""Profile files (TOML): loading and validation. Every error names the file and the row.

Format::

    [profile]
    name = "energymon-pv"          # unique; used as ``profile = "..."`` in site configs
    role = "pv"                    # pv | storage | load | grid (one role per profile)
    title = "..."                  # human readable
    source = "..."                 # the public document(s) the map was taken from
    word_order = "big"             # default for all points: big | little
    max_gap = 16                   # unmapped registers one read may span (some devices reject that: 0)
    max_registers_per_read = 125   # the device's limit per request, at most 125 (Modbus); old name: max_block

    [[points]]
    quantity = "power_w"           # canonical quantity (drivers.quantities)
    table = "holding"              # holding (FC 3) | input (FC 4)
    address = 0                    # zero-based register address on the wire
    dtype = "i32"                  # drivers.dtypes.DTYPES
    scale = 1.0                    # canonical value = raw x scale [x 10**sf]; negative flips a sign
    scale_factor = 12              # optional: address of an i16 scale-factor register (same table)
    sentinels = [0x7FFFFFFF]       # optional: raw patterns meaning "missing" (replaces the dtype's)
    word_order = "big"             # optional per-point override
    primary = true                 # optional: already primary-side, though the profile maps ct_ratio/pt_ratio
    rule = "ratio-or-percent"      # optional: a drivers.value_rules rule applied after scaling

    [[identity]]
    field = "serial"               # manufacturer | model | serial | version
    table = "holding"              # with address and registers: a string read from the device
    address = 30015
    registers = 10
    # value = "Huawei"             # or a fixed text instead of a register

Errors read like ``pv.toml: points[2].dtype: unknown dtype 'u17' (expected one of: u16, ...)``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from drivers.dtypes import DTYPES, WORD_ORDERS
from drivers.modbus_limits import MAX_ADDRESS, MAX_REGISTERS, REGISTER_TABLES
from drivers.profile import (
    IDENTITY_FIELDS,
    IdentityField,
    Point,
    Profile,
    ProfileError,
    plan_blocks,
)
from drivers.quantities import QUANTITIES, RATIOS, REQUIRED, Role, allowed_for
from drivers.value_rules import RULES

BUILTIN_DIR = Path(__file__).with_name("profiles")


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


Fail = Callable[[str, str], ProfileError]  # (field path, message) -> the error naming file and field


def _whole(value: Any, lo: int, hi: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def parse_profile(data: dict[str, Any], path: Path) -> Profile:
    """Validate a parsed profile document; every error names ``path`` and the field."""
    where = path.name

    def fail(field: str, message: str) -> ProfileError:
        return ProfileError(f"{where}: {field}: {message}")

    unknown = set(data) - {"profile", "points", "identity"}
    if unknown:
        raise fail(sorted(unknown)[0], "unknown key (expected 'profile', 'points' and 'identity')")
    head = data.get("profile")
    if not isinstance(head, dict):
        raise fail("profile", "missing [profile] table")
    allowed_head = {"name", "role", "title", "source", "word_order", "max_gap", "max_registers_per_read", "max_block"}
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
    if not _whole(max_gap, 0, MAX_REGISTERS):
        raise fail("profile.max_gap", f"expected a whole number of registers, 0..{MAX_REGISTERS}")
    if "max_block" in head and "max_registers_per_read" in head:
        raise fail("profile.max_block", "is the old name of max_registers_per_read: give one of them")
    limit_key = "max_block" if "max_block" in head else "max_registers_per_read"
    max_block = head.get(limit_key, MAX_REGISTERS)
    if not _whole(max_block, 1, MAX_REGISTERS):
        raise fail(f"profile.{limit_key}", f"expected a whole number of registers, 1..{MAX_REGISTERS}")

    rows = data.get("points")
    if not isinstance(rows, list) or not rows:
        raise fail("points", "at least one [[points]] row is required")
    points: list[Point] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        points.append(_point(row, f"points[{i}]", role, default_order, seen, i, fail))

    missing = REQUIRED[role] - set(seen)
    if missing:
        raise fail("points", f"role {role.value} requires {', '.join(sorted(missing))}")
    if not RATIOS & set(seen):
        for i, point in enumerate(points):
            if point.primary:
                raise fail(f"points[{i}].primary", "only applies to a profile that maps ct_ratio or pt_ratio")
    _check_overlaps(points, fail)
    identity = _identity(data.get("identity", []), fail)
    try:
        blocks = plan_blocks(points, max_gap, max_block)
    except ProfileError as exc:
        raise fail(f"profile.{limit_key}", str(exc)) from None
    return Profile(head["name"], role, head["title"], head["source"], tuple(points), blocks, path, identity)


def _point(row: Any, field: str, role: Role, default_order: str, seen: dict[str, int], i: int, fail: Fail) -> Point:
    if not isinstance(row, dict):
        raise fail(field, "expected a [[points]] table")
    allowed_row = {
        "quantity",
        "table",
        "address",
        "dtype",
        "scale",
        "word_order",
        "sentinels",
        "scale_factor",
        "primary",
        "rule",
    }
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
    if not isinstance(table, str) or table not in REGISTER_TABLES:
        raise fail(f"{field}.table", f"'{table}' is not holding or input")
    address = row.get("address")
    if not _whole(address, 0, MAX_ADDRESS):
        raise fail(f"{field}.address", "expected a register address 0..65535")
    dtype_name = row.get("dtype")
    if not isinstance(dtype_name, str) or dtype_name not in DTYPES:
        raise fail(f"{field}.dtype", f"unknown dtype '{dtype_name}' (expected one of: {', '.join(DTYPES)})")
    dtype = DTYPES[dtype_name]
    if address + dtype.registers > MAX_ADDRESS + 1:
        raise fail(f"{field}.address", "point runs past register 65535")
    scale = row.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale == 0:
        raise fail(f"{field}.scale", "expected a non-zero finite number")
    order = row.get("word_order", default_order)
    if order not in WORD_ORDERS:
        raise fail(f"{field}.word_order", f"'{order}' is not big or little")
    sentinels = row.get("sentinels")
    if sentinels is not None:
        width = 1 << dtype.bits
        if not isinstance(sentinels, list) or not all(_whole(s, 0, width - 1) for s in sentinels):
            raise fail(f"{field}.sentinels", f"expected a list of raw register patterns 0..{width - 1:#x}")
        if dtype.is_float:
            raise fail(f"{field}.sentinels", "float points already treat NaN as missing")
        sentinels = tuple(sentinels)
    scale_factor = row.get("scale_factor")
    if scale_factor is not None and not _whole(scale_factor, 0, MAX_ADDRESS):
        raise fail(f"{field}.scale_factor", "expected the register address 0..65535 of an i16 scale factor")
    primary = row.get("primary", False)
    if not isinstance(primary, bool):
        raise fail(f"{field}.primary", "expected true or false")
    rule = row.get("rule")
    if rule is not None and rule not in RULES:
        raise fail(f"{field}.rule", f"unknown rule '{rule}' (expected one of: {', '.join(RULES)})")
    return Point(quantity, table, address, dtype, float(scale), order, sentinels, scale_factor, primary, rule)


def _check_overlaps(points: list[Point], fail: Fail) -> None:
    owners: dict[tuple[str, int], str] = {}
    for p in points:
        for address in range(p.address, p.end):
            other = owners.setdefault((p.table, address), p.quantity)
            if other != p.quantity:
                raise fail("points", f"'{other}' and '{p.quantity}' overlap at {p.table} register {address}")
    for p in points:
        if p.scale_factor is not None and (p.table, p.scale_factor) in owners:
            raise fail(
                "points",
                f"scale factor of '{p.quantity}' at {p.table} register {p.scale_factor} "
                f"overlaps '{owners[(p.table, p.scale_factor)]}'",
            )


def _identity(rows: Any, fail: Fail) -> tuple[IdentityField, ...]:
    if not isinstance(rows, list):
        raise fail("identity", "expected [[identity]] rows")
    out: list[IdentityField] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        field = f"identity[{i}]"
        if not isinstance(row, dict):
            raise fail(field, "expected an [[identity]] table")
        for key in row:
            if key not in {"field", "table", "address", "registers", "value"}:
                raise fail(f"{field}.{key}", "unknown key (expected field, table, address, registers or value)")
        name = row.get("field")
        if name not in IDENTITY_FIELDS:
            raise fail(f"{field}.field", f"expected one of: {', '.join(IDENTITY_FIELDS)}")
        if name in seen:
            raise fail(f"{field}.field", f"'{name}' is given twice")
        seen.add(name)
        if "value" in row:
            if not isinstance(row["value"], str) or set(row) - {"field", "value"}:
                raise fail(f"{field}.value", "a fixed value is text, without table/address/registers")
            out.append(IdentityField(name, value=row["value"]))
            continue
        table = row.get("table", "holding")
        if table not in REGISTER_TABLES:
            raise fail(f"{field}.table", f"'{table}' is not holding or input")
        if not _whole(row.get("address"), 0, MAX_ADDRESS):
            raise fail(f"{field}.address", "expected a register address 0..65535")
        if not _whole(row.get("registers"), 1, MAX_REGISTERS) or row["address"] + row["registers"] > MAX_ADDRESS + 1:
            raise fail(f"{field}.registers", f"expected 1..{MAX_REGISTERS} registers of text within the register space")
        out.append(IdentityField(name, table, row["address"], row["registers"]))
    return tuple(out)
