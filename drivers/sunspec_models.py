"""SunSpec model definitions, loaded from the JSON files that pysunspec2 ships.

Point names, types, sizes, offsets (counted from the model's ID register),
scale-factor points and units all come from ``sunspec2/models/json/model_<id>.json``;
nothing here copies a register offset. :data:`SUNSPEC_TYPES` maps each SunSpec
type to an energymon dtype and its "not implemented" values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from drivers.dtypes import DTYPES, DType

MODELS_PACKAGE = "sunspec2.models.json"
END_MODEL_ID = 0xFFFF


@dataclass(frozen=True)
class SunSpecType:
    """How a SunSpec point type decodes: energymon dtype (None: not a number) and its "not implemented" patterns."""

    name: str
    dtype: DType | None
    sentinels: tuple[int, ...] | None  # raw patterns; None for floats (NaN is missing already)


def _t(name: str, dtype: str | None, *sentinels: int) -> SunSpecType:
    d = DTYPES[dtype] if dtype else None
    return SunSpecType(name, d, None if d is not None and d.is_float else tuple(sentinels))


SUNSPEC_TYPES: dict[str, SunSpecType] = {
    t.name: t
    for t in (
        _t("int16", "i16", 0x8000),
        _t("uint16", "u16", 0xFFFF),
        _t("count", "u16", 0xFFFF),
        _t("acc16", "u16", 0),
        _t("enum16", "u16", 0xFFFF),
        _t("bitfield16", "u16", 0xFFFF),
        _t("sunssf", "i16", 0x8000),
        _t("int32", "i32", 0x80000000),
        _t("uint32", "u32", 0xFFFFFFFF),
        _t("acc32", "u32", 0),
        _t("enum32", "u32", 0xFFFFFFFF),
        _t("bitfield32", "u32", 0xFFFFFFFF),
        _t("ipaddr", "u32", 0),
        _t("int64", "i64", 0x8000000000000000),
        _t("uint64", "u64", 0xFFFFFFFFFFFFFFFF),
        _t("acc64", "u64", 0),
        _t("float32", "f32"),
        _t("float64", "f64"),
        _t("string", None),  # all zero = not implemented (drivers.dtypes.decode_string)
        _t("pad", None),
        _t("ipv6addr", None),
        _t("eui48", None),
    )
}


# -- model definitions -------------------------------------------------------------


@dataclass(frozen=True)
class PointDef:
    """One point of a model definition. ``offset`` counts from the model's ID register (ID 0, L 1, data from 2)."""

    name: str
    type: str
    size: int
    offset: int
    sf: str | int | None = None  # name of the scale-factor point, a fixed exponent, or none
    units: str | None = None
    label: str | None = None
    mandatory: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True)
class ModelDef:
    """A SunSpec model: its fixed points, in register order.

    Points of fixed groups are included (named ``group.point``); a repeating
    group ends the fixed part (``repeating`` is then True) and its points are
    in ``group``, with offsets counted from the start of one instance (so the
    k-th instance's point is at ``2 + length + k x group_size + offset``).
    ``length`` is the model length L of the fixed part (registers after the header).
    """

    id: int
    name: str
    label: str
    description: str
    points: tuple[PointDef, ...]
    length: int
    repeating: bool = False
    group: tuple[PointDef, ...] = ()  # the repeating group's points, offsets from the start of one instance
    _by_name: dict[str, PointDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({p.name: p for p in self.points})

    def point(self, name: str) -> PointDef | None:
        return self._by_name.get(name)

    @property
    def group_size(self) -> int:
        """Registers of one instance of the repeating group (0 without one)."""
        return max((p.end for p in self.group), default=0)

    def group_point(self, name: str) -> PointDef | None:
        return next((p for p in self.group if p.name == name), None)


class ModelDefinitionError(ValueError):
    """A model definition file is missing or malformed."""


def _model_file(model_id: int) -> Traversable:
    return resources.files(MODELS_PACKAGE).joinpath(f"model_{model_id}.json")


@cache
def known_model_ids() -> frozenset[int]:
    """Ids of every model definition that pysunspec2 ships."""
    ids = set()
    for entry in resources.files(MODELS_PACKAGE).iterdir():
        name = entry.name
        if name.startswith("model_") and name.endswith(".json") and name[6:-5].isdigit():
            ids.add(int(name[6:-5]))
    return frozenset(ids)


@cache
def load_model(model_id: int) -> ModelDef | None:
    """The definition of ``model_id``, or None if pysunspec2 ships none (e.g. a vendor model)."""
    if model_id not in known_model_ids():
        return None
    path = _model_file(model_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _parse_model(data, model_id)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelDefinitionError(f"SunSpec model definition model_{model_id}.json: {exc}") from None


def _parse_model(data: dict[str, Any], model_id: int) -> ModelDef:
    if data.get("id") != model_id:
        raise ValueError(f"declares id {data.get('id')!r}")
    group = data["group"]
    points: list[PointDef] = []
    offset, repeating = _walk_group(group, "", 0, points)
    repeated: list[PointDef] = []
    if repeating:
        first = next((g for g in _repeating_groups(group)), None)
        if first is not None and not first.get("groups"):  # a flat repeating group (e.g. model 160's modules)
            _walk_group(first, "", 0, repeated)
    names = {p.name for p in points}
    if points[:2] and (points[0].name, points[1].name) != ("ID", "L"):
        raise ValueError("does not start with the ID and L points")
    for p in points:
        if isinstance(p.sf, str) and p.sf not in names:
            raise ValueError(f"point {p.name}: scale factor {p.sf!r} is not a point of the model")
    return ModelDef(
        id=model_id,
        name=str(group.get("name", "")),
        label=str(group.get("label") or group.get("desc") or group.get("name") or f"model {model_id}").strip(),
        description=str(group.get("desc") or "").strip(),
        points=tuple(points),
        length=offset - 2,
        repeating=repeating,
        group=tuple(repeated),
    )


def _repeating_groups(group: dict[str, Any]) -> list[dict[str, Any]]:
    """The repeating subgroups of a group, in order (a ``count`` marks one)."""
    return [sub for sub in group.get("groups", []) if sub.get("count") is not None]


def _walk_group(group: dict[str, Any], prefix: str, offset: int, out: list[PointDef]) -> tuple[int, bool]:
    """Append the group's points (and those of fixed subgroups); stop at a repeating group."""
    for p in group.get("points", []):
        size = int(p["size"])
        if size < 1 or p["type"] not in SUNSPEC_TYPES:
            raise ValueError(f"point {p.get('name')}: unsupported type {p['type']!r} or size {size}")
        sf = p.get("sf")
        if isinstance(sf, str) and prefix and f"{prefix}{sf}" in {q["name"] for q in group.get("points", [])}:
            sf = f"{prefix}{sf}"
        out.append(
            PointDef(
                name=f"{prefix}{p['name']}",
                type=p["type"],
                size=size,
                offset=offset,
                sf=sf,
                units=p.get("units"),
                label=p.get("label"),
                mandatory=p.get("mandatory") == "M",
            )
        )
        offset += size
    for sub in group.get("groups", []):
        if sub.get("count") is not None:  # 0 (fills the model) or the name of a count point: repeating
            return offset, True
        offset, repeating = _walk_group(sub, f"{prefix}{sub['name']}.", offset, out)
        if repeating:
            return offset, True
    return offset, False


def model_label(model_id: int) -> str:
    """Human name of a model: the definition's label, or what kind of unknown model it is."""
    if model_id == END_MODEL_ID:
        return "end"
    definition = load_model(model_id)
    if definition is not None:
        return definition.label
    if 64000 <= model_id <= 65534:
        return "vendor model (no definition)"
    return "unknown model (no definition)"


# -- discovery ---------------------------------------------------------------------
