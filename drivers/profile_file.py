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
    part = true                    # optional: one of several rows of the same quantity that add up to it
    fallback = true                # optional: stands in when the earlier rows of its quantity are missing
    absent_as_zero = true          # optional, parts only: "not implemented" (an MPPT not fitted) adds 0
    when = {address = 5001, values = [2]}  # optional: applies while that u16 register reads one of the words

    [[identity]]
    field = "serial"               # manufacturer | model | serial | version
    table = "holding"              # with address and registers: a string read from the device
    address = 30015
    registers = 10
    # value = "Huawei"             # or a fixed text instead of a register

Errors read like ``pv.toml: points[2].dtype: unknown dtype 'u17' (expected one of: u16, ...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drivers import toml_file
from drivers.dtypes import WORD_ORDERS
from drivers.modbus_limits import MAX_ADDRESS, MAX_REGISTERS, REGISTER_TABLES
from drivers.profile import (
    IDENTITY_FIELDS,
    IdentityField,
    Profile,
    ProfileError,
    plan_blocks,
)
from drivers.profile_rows import Fail, parse_rows
from drivers.profile_rows import whole as _whole
from drivers.quantities import RATIOS, REQUIRED, Role

BUILTIN_DIR = Path(__file__).with_name("profiles")
MAX_PROFILE_BYTES = toml_file.MIB  # a vendor's full map is tens of kB; more is not a profile


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def load_profile(name_or_path: str | Path, base_dir: Path | None = None) -> Profile:
    """Load a built-in profile by name, or a profile file by path.

    A relative path is resolved against ``base_dir`` (the config file's folder). The file is read
    as drivers.toml_file reads it: a leading UTF-8 BOM is dropped; a path that is not a regular file
    (a FIFO, ``/dev/zero``, a folder), a file over ``MAX_PROFILE_BYTES``, a NUL character in the path
    and nesting deeper than the format has are refused with one line, the file never read.
    """
    text = str(name_or_path)
    if "\x00" in text:
        raise ProfileError(f"{text!r}: invalid profile path: it contains a NUL character")
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
        data = toml_file.parse(toml_file.read_text(path, MAX_PROFILE_BYTES, "profile file"), str(path))
    except toml_file.TomlFileError as exc:
        raise ProfileError(str(exc)) from None
    return parse_profile(data, path)


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
        raise fail(
            "profile.role", f"unknown role '{head['role']}' (expected pv, storage, load, grid or meteo)"
        ) from None
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
    points = parse_rows(rows, role, default_order, fail)
    seen = {p.quantity for p in points}

    missing = REQUIRED[role] - set(seen)
    if missing:
        raise fail("points", f"role {role.value} requires {', '.join(sorted(missing))}")
    if not RATIOS & seen:
        for i, point in enumerate(points):
            if point.primary:
                raise fail(f"points[{i}].primary", "only applies to a profile that maps ct_ratio or pt_ratio")
    identity = _identity(data.get("identity", []), fail)
    try:
        blocks = plan_blocks(points, max_gap, max_block)
    except ProfileError as exc:
        raise fail(f"profile.{limit_key}", str(exc)) from None
    return Profile(head["name"], role, head["title"], head["source"], tuple(points), blocks, path, identity)


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
