"""SunSpec: profiles built from a device's discovered models, and the public face of the SunSpec support.

Nothing here copies a register offset. The point names, types, sizes, offsets,
scale-factor points and units come from the JSON model definitions that
pysunspec2 ships (``sunspec2/models/json/model_<id>.json``), loaded by
:mod:`drivers.sunspec_models`. Which point means which canonical quantity is
the data table in :mod:`drivers.sunspec_map`. The model chain of a device is
found by :mod:`drivers.sunspec_discovery`.

Public API (re-exported here, so callers need one module)::

    load_model(model_id) -> ModelDef | None
    SUNSPEC_TYPES: dict[str, SunSpecType]          # SunSpec type -> energymon dtype and sentinels
    await discover(link, unit) -> SunSpecDevice | DiscoveryFailure
    build_profile(device, role, require_complete=True) -> drivers.profile.Profile
    missing_required(profile) -> tuple[str, ...]
    await read_identity(link, unit, profile.identity) -> dict[str, str | None]
    drivers.sunspec_scan.scan(link, unit, profile=None) -> dict | DiscoveryFailure   # energymon scan
    await sunspec_profile(link, unit, role) -> Profile        # discover + build_profile, raises SunSpecError

"Not implemented" values (SunSpec) become sentinels of the profile's points,
so they decode to ``None``: int16 0x8000, uint16/enum16/bitfield16/count
0xFFFF, acc16/acc32/acc64 0 (an accumulator at zero reads as missing),
int32 0x80000000, uint32/enum32/bitfield32 0xFFFFFFFF, int64
0x8000000000000000, uint64 0xFFFFFFFFFFFFFFFF, sunssf 0x8000, float NaN,
strings all zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.link import ReadError, RegisterReader
from drivers.modbus_limits import MAX_REGISTERS
from drivers.profile import IdentityField, Point, Profile, ProfileError, decode_identity, plan_blocks
from drivers.quantities import QUANTITIES, REQUIRED, Role
from drivers.sunspec_discovery import (
    BASE_ADDRESSES,
    MARKER,
    MAX_MODELS,
    MPPT_MODEL,
    TABLE,
    DiscoveryFailure,
    ModelInstance,
    SunSpecDevice,
    discover,
)
from drivers.sunspec_map import COMMON, NOT_IN_SUNSPEC, ROLE_MAP, UNIT_FACTORS, VALUE_RULES, role_models
from drivers.sunspec_models import (
    END_MODEL_ID,
    MODELS_PACKAGE,
    SUNSPEC_TYPES,
    ModelDef,
    ModelDefinitionError,
    PointDef,
    SunSpecType,
    known_model_ids,
    load_model,
    model_label,
)
from drivers.sunspec_mppt import is_hybrid, pv_points

__all__ = [
    # discovery (drivers.sunspec_discovery)
    "BASE_ADDRESSES",
    "MARKER",
    "MAX_MODELS",
    "DiscoveryFailure",
    "ModelInstance",
    "SunSpecDevice",
    "discover",
    # model definitions (drivers.sunspec_models)
    "END_MODEL_ID",
    "MODELS_PACKAGE",
    "SUNSPEC_TYPES",
    "ModelDef",
    "ModelDefinitionError",
    "PointDef",
    "SunSpecType",
    "known_model_ids",
    "load_model",
    "model_label",
    # profiles (this module)
    "ResolvedPoint",
    "SunSpecError",
    "build_profile",
    "identity_fields",
    "missing_required",
    "read_identity",
    "resolve_role",
    "sunspec_profile",
    "unit_factor",
]


# Inverter-model quantities a hybrid's model 160 replaces (AC power/energy and total DC power include the battery).
HYBRID_REPLACED = frozenset({"power_w", "yield_wh", "dc_power_w"})


class SunSpecError(ProfileError):
    """A SunSpec device cannot give a profile for a role; the message names the models found.

    ``failure`` is set when discovery itself failed (its ``kind`` tells a dead
    device, "connection"/"timeout", from one that is not SunSpec).
    """

    def __init__(self, message: str, failure: DiscoveryFailure | None = None) -> None:
        super().__init__(message)
        self.failure = failure


def unit_factor(quantity: str, units: str | None) -> float:
    """Factor from a SunSpec point's ``units`` to ``quantity``'s canonical unit; KeyError if they do not fit."""
    return UNIT_FACTORS[QUANTITIES[quantity].unit][units]


@dataclass(frozen=True)
class ResolvedPoint:
    """A mapping candidate resolved against a device: where the value and its scale factor are."""

    quantity: str
    model: ModelInstance
    point: PointDef
    sf_point: PointDef | None
    point_def_type: SunSpecType

    def to_point(self, sign: int) -> Point:
        exponent = self.point.sf if isinstance(self.point.sf, int) else 0
        scale = sign * unit_factor(self.quantity, self.point.units) * 10.0**exponent
        sf_address = self.model.address + self.sf_point.offset if self.sf_point is not None else None
        t = self.point_def_type
        assert t.dtype is not None, "resolved points have a numeric type (see _resolve)"
        address = self.model.address + self.point.offset
        rule = VALUE_RULES.get((self.quantity, self.point.units))
        return Point(self.quantity, TABLE, address, t.dtype, scale, "big", t.sentinels, sf_address, rule=rule)


def _resolve(device: SunSpecDevice, quantity: str, model_id: int, name: str) -> ResolvedPoint | None:
    model = device.first(model_id)
    if model is None or model.definition is None:
        return None
    point = model.definition.point(name)
    if point is None or not model.contains(point):
        return None
    if point.units not in UNIT_FACTORS.get(QUANTITIES[quantity].unit, {}):
        return None  # a (future) definition whose units do not fit the quantity is not guessed at
    t = SUNSPEC_TYPES[point.type]
    if t.dtype is None or t.dtype.registers != point.size:
        return None
    sf_point = None
    if isinstance(point.sf, str):
        sf_point = model.definition.point(point.sf)
        if sf_point is None or sf_point.type != "sunssf" or not model.contains(sf_point):
            return None
    return ResolvedPoint(quantity, model, point, sf_point, t)


def resolve_role(device: SunSpecDevice, role: Role | str) -> dict[str, tuple[ResolvedPoint, int]]:
    """For each quantity of ``role`` the device can supply: the chosen point and its sign."""
    role = Role(role)
    chosen: dict[str, tuple[ResolvedPoint, int]] = {}
    for quantity, candidates in ROLE_MAP[role].items():
        for model_id, name, sign in candidates:
            resolved = _resolve(device, quantity, model_id, name)
            if resolved is not None:
                chosen[quantity] = (resolved, sign)
                break
    return chosen


def _identity(device: SunSpecDevice, anchor: int | None) -> tuple[tuple[IdentityField, ...], ModelInstance | None]:
    """Identity from the common model (1) that precedes the role's models (gateways repeat model 1 per device)."""
    commons = [m for m in device.models if m.id == COMMON]
    if not commons:
        return (), None
    before = [m for m in commons if anchor is not None and m.address < anchor]
    common = before[-1] if before else commons[0]
    definition = common.definition
    fields = []
    for field_name, point_name in (("manufacturer", "Mn"), ("model", "Md"), ("serial", "SN"), ("version", "Vr")):
        point = definition.point(point_name) if definition else None
        if point is not None and common.contains(point):
            fields.append(IdentityField(field_name, TABLE, common.address + point.offset, point.size))
    return tuple(fields), common


def build_profile(device: SunSpecDevice, role: Role | str, require_complete: bool = True) -> Profile:
    """A profile that reads ``role``'s quantities from the device's discovered models.

    Addresses are absolute; each value and its scale-factor register are in one
    read (:func:`drivers.profile.plan_blocks`). Identity fields come from the
    common model (1). Raises :class:`SunSpecError` (a ProfileError) naming the
    models found when the device has no model for ``role``, or, with
    ``require_complete``, when a required quantity of the role is missing
    (e.g. a SunSpec storage device has no charged/discharged energy counters).
    With ``require_complete=False`` the profile holds what the device has; see
    :func:`missing_required`.
    """
    role = Role(role)
    chosen = resolve_role(device, role)
    if not chosen:
        wanted = ", ".join(str(m) for m in role_models(role))
        raise SunSpecError(
            f"SunSpec device has no model for role {role.value}: found {device.describe()}; "
            f"role {role.value} needs one of models {wanted}"
        )
    points = [resolved.to_point(sign) for resolved, sign in chosen.values()]
    models = {resolved.model.address: resolved.model for resolved, _ in chosen.values()}
    mppt = device.first(MPPT_MODEL)
    hybrid = role is Role.PV and mppt is not None and is_hybrid(device)
    hybrid_pv = pv_points(device) if hybrid else {}
    if hybrid and mppt is not None:  # PV from model 160's PV modules, not the inverter model's AC or total DC values
        kept = [p for p in points if p.quantity not in HYBRID_REPLACED]
        points = kept + [p for rows in hybrid_pv.values() for p in rows]
        models[mppt.address] = mppt
    missing = sorted(REQUIRED[role] - {p.quantity for p in points})
    if missing and require_complete:
        why = [NOT_IN_SUNSPEC.get(role, {}).get(q) for q in missing]
        if hybrid:
            why.append("a hybrid's model 160 gives PV power and energy only for the modules that report them")
        reasons = "; ".join(dict.fromkeys(w for w in why if w))
        raise SunSpecError(
            f"SunSpec device ({device.describe()}) gives no {', '.join(missing)} for role "
            f"{role.value}" + (f": {reasons}" if reasons else "")
        )
    used = sorted(models.values(), key=lambda m: m.address)
    identity, common = _identity(device, used[0].address)
    ids = sorted({m.id for m in used} | ({common.id} if common is not None and identity else set()))
    blocks = plan_blocks(points, MAX_REGISTERS, MAX_REGISTERS)
    title = f"SunSpec {role.value}: " + ", ".join(f"{m.label} ({m.id})" for m in used)
    source = f"SunSpec models {', '.join(str(i) for i in ids)} (discovered at {device.base})"
    return Profile("sunspec", role, title, source, tuple(points), blocks, None, identity)


def missing_required(profile: Profile) -> tuple[str, ...]:
    """Required quantities of the profile's role that it does not read."""
    return tuple(sorted(REQUIRED[profile.role] - set(profile.quantities)))


async def read_identity(link: RegisterReader, unit: int, fields: tuple[IdentityField, ...]) -> dict[str, str | None]:
    """Read identity fields (e.g. ``profile.identity``); register-backed ones coalesced into few reads.

    A field whose read fails or whose registers are unset is ``None``; fixed-text fields are returned as they are.
    """
    words_by_field: dict[str, list[int] | None] = {}
    # (table, address, field) of the register-backed fields, in register order
    spans: list[tuple[str, int, IdentityField]] = sorted(
        ((f.table, f.address, f) for f in fields if f.value is None and f.table is not None and f.address is not None),
        key=lambda span: (span[0], span[1]),
    )
    groups: list[list[tuple[str, int, IdentityField]]] = []
    for table, address, item in spans:
        if groups and groups[-1][0][0] == table and address + item.registers - groups[-1][0][1] <= MAX_REGISTERS:
            groups[-1].append((table, address, item))
        else:
            groups.append([(table, address, item)])
    for group in groups:
        table, start, _ = group[0]
        count = max(address + item.registers for _, address, item in group) - start
        words = await link.read_registers(unit, table, start, count)
        for _, address, item in group:
            offset = address - start
            words_by_field[item.field] = (
                None if isinstance(words, ReadError) else words[offset : offset + item.registers]
            )
    return decode_identity(fields, words_by_field)


def identity_fields(device: SunSpecDevice, anchor: int | None = None) -> tuple[IdentityField, ...]:
    """The identity fields (Mn, Md, Vr, SN of model 1) of the device.

    With ``anchor``: of the device whose models start at that register.
    """
    return _identity(device, anchor)[0]


async def sunspec_profile(link: RegisterReader, unit: int, role: Role | str, require_complete: bool = True) -> Profile:
    """Discover the device and build its profile for ``role``; raises :class:`SunSpecError` with the reason."""
    found = await discover(link, unit)
    if isinstance(found, DiscoveryFailure):
        raise SunSpecError(f"SunSpec discovery failed: {found}", found)
    return build_profile(found, role, require_complete)
