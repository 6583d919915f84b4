"""One ``[[points]]`` row of a profile file -> a :class:`drivers.profile.Point`, and the checks across rows.

Part of the profile file format (drivers.profile_file has the whole format).
Rows of one quantity: a quantity is mapped once, unless every row of it says
``part = true`` (a sum) or a later row says ``fallback = true`` (it stands in
when the rows before are missing). Points may overlap only when each has a
condition (``when``) on the same register and no word satisfies both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeGuard

from drivers.dtypes import DTYPES, WORD_ORDERS
from drivers.modbus_limits import MAX_ADDRESS, REGISTER_TABLES
from drivers.profile import Point, ProfileError
from drivers.quantities import QUANTITIES, Role, allowed_for
from drivers.value_rules import RULES

Fail = Callable[[str, str], ProfileError]  # (field path, message) -> the error naming file and field

ROW_KEYS = frozenset(
    {
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
        "part",
        "fallback",
        "absent_as_zero",
        "when",
    }
)


def whole(value: Any, lo: int, hi: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def _flag(row: dict[str, Any], key: str, field: str, fail: Fail) -> bool:
    value = row.get(key, False)
    if not isinstance(value, bool):
        raise fail(f"{field}.{key}", "expected true or false")
    return value


def parse_rows(rows: list[Any], role: Role, default_order: str, fail: Fail) -> list[Point]:
    """Every row of ``points``, checked one by one and against each other (repeated quantities, overlaps)."""
    points: list[Point] = []
    first_row: dict[str, int] = {}
    for i, row in enumerate(rows):
        field = f"points[{i}]"
        point = _point(row, field, role, default_order, fail)
        if point.quantity in first_row:
            earlier = [p for p in points if p.quantity == point.quantity]
            if not (point.fallback or (point.part and all(p.part for p in earlier))):
                hint = (
                    " (rows that add up to one quantity all say part = true)" if point.part or earlier[0].part else ""
                )
                mapped = f"'{point.quantity}' is already mapped by points[{first_row[point.quantity]}]"
                raise fail(f"{field}.quantity", mapped + hint)
        elif point.fallback:
            raise fail(f"{field}.fallback", f"no earlier row of '{point.quantity}' for it to stand in for")
        first_row.setdefault(point.quantity, i)
        points.append(point)
    for quantity, i in first_row.items():
        if points[i].part and sum(p.quantity == quantity and p.part for p in points) < 2:
            raise fail(f"points[{i}].part", f"'{quantity}' has one part only: a sum needs two or more rows")
    _check_overlaps(points, fail)
    return points


def _point(row: Any, field: str, role: Role, default_order: str, fail: Fail) -> Point:
    if not isinstance(row, dict):
        raise fail(field, "expected a [[points]] table")
    for key in row:
        if key not in ROW_KEYS:
            raise fail(f"{field}.{key}", f"unknown key (expected one of: {', '.join(sorted(ROW_KEYS))})")
    quantity = row.get("quantity")
    if not isinstance(quantity, str) or quantity not in QUANTITIES:
        raise fail(f"{field}.quantity", f"unknown quantity '{quantity}'")
    if quantity not in allowed_for(role):
        raise fail(f"{field}.quantity", f"'{quantity}' is not a quantity of role {role.value}")
    table = row.get("table", "holding")
    if not isinstance(table, str) or table not in REGISTER_TABLES:
        raise fail(f"{field}.table", f"'{table}' is not holding or input")
    address = row.get("address")
    if not whole(address, 0, MAX_ADDRESS):
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
        if not isinstance(sentinels, list) or not all(whole(s, 0, width - 1) for s in sentinels):
            raise fail(f"{field}.sentinels", f"expected a list of raw register patterns 0..{width - 1:#x}")
        if dtype.is_float:
            raise fail(f"{field}.sentinels", "float points already treat NaN as missing")
        sentinels = tuple(sentinels)
    scale_factor = row.get("scale_factor")
    if scale_factor is not None and not whole(scale_factor, 0, MAX_ADDRESS):
        raise fail(f"{field}.scale_factor", "expected the register address 0..65535 of an i16 scale factor")
    rule = row.get("rule")
    if rule is not None and rule not in RULES:
        raise fail(f"{field}.rule", f"unknown rule '{rule}' (expected one of: {', '.join(RULES)})")
    part, fallback = _flag(row, "part", field, fail), _flag(row, "fallback", field, fail)
    if part and fallback:
        raise fail(f"{field}.fallback", "a row is a part of a sum or a fallback, not both")
    absent_as_zero = _flag(row, "absent_as_zero", field, fail)
    if absent_as_zero and not part:
        raise fail(f"{field}.absent_as_zero", "only a part of a sum can be absent (e.g. an MPPT the model lacks)")
    when_address, when_values = _condition(row.get("when"), f"{field}.when", fail)
    return Point(
        quantity,
        table,
        address,
        dtype,
        float(scale),
        order,
        sentinels,
        scale_factor,
        primary=_flag(row, "primary", field, fail),
        rule=rule,
        part=part,
        fallback=fallback,
        absent_as_zero=absent_as_zero,
        when_address=when_address,
        when_values=when_values,
    )


def _condition(when: Any, field: str, fail: Fail) -> tuple[int | None, tuple[int, ...]]:
    """``when = {address = 5001, values = [1]}``: the point applies while that u16 register reads one of ``values``."""
    if when is None:
        return None, ()
    if not isinstance(when, dict) or set(when) != {"address", "values"}:
        raise fail(field, "expected a table {address = register, values = [words]}")
    address, values = when["address"], when["values"]
    if not whole(address, 0, MAX_ADDRESS):
        raise fail(f"{field}.address", "expected a register address 0..65535 (same table as the point)")
    if not isinstance(values, list) or not values or not all(whole(v, 0, 0xFFFF) for v in values):
        raise fail(f"{field}.values", "expected a list of register words 0..0xffff")
    return address, tuple(values)


def _check_overlaps(points: list[Point], fail: Fail) -> None:
    owner: dict[tuple[str, int], int] = {}
    for i, p in enumerate(points):
        for address in range(p.address, p.end):
            j = owner.setdefault((p.table, address), i)
            if j != i and not _exclusive(points[j], p):
                other = points[j].quantity
                raise fail("points", f"'{other}' and '{p.quantity}' overlap at {p.table} register {address}")
    for p in points:
        for extra, what in ((p.scale_factor, "scale factor"), (p.when_address, "condition register")):
            if extra is not None and (p.table, extra) in owner:
                other = points[owner[(p.table, extra)]].quantity
                raise fail("points", f"{what} of '{p.quantity}' at {p.table} register {extra} overlaps '{other}'")


def _exclusive(a: Point, b: Point) -> bool:
    """Two points that never apply at once: conditions on the same register with no word in common."""
    return (
        a.when_address is not None and a.when_address == b.when_address and not set(a.when_values) & set(b.when_values)
    )
