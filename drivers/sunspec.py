"""SunSpec: model definitions, discovery of a device's model chain, and profiles built from them.

Nothing here copies a register offset. The point names, types, sizes, offsets,
scale-factor points and units come from the JSON model definitions that
pysunspec2 ships (``sunspec2/models/json/model_<id>.json``), loaded with
:func:`load_model`. Which point means which canonical quantity is the data
table in :mod:`drivers.sunspec_map`.

A SunSpec register map (holding registers) is::

    base + 0, 1   "SunS" marker: 0x5375 0x6E53
    base + 2      model ID, L (registers that follow the two header registers)
    base + 4      L registers of the model (point offsets below count from the ID register)
    ...           next model: ID, L, data ... until the end marker ID 0xFFFF (L 0)

with ``base`` 40000, 0 or 50000, tried in that order (:data:`BASE_ADDRESSES`).

Public API::

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
from typing import Protocol

from drivers.link import ReadError
from drivers.profile import (
    MODBUS_MAX_REGISTERS,
    IdentityField,
    Point,
    Profile,
    ProfileError,
    decode_identity,
    plan_blocks,
)
from drivers.quantities import QUANTITIES, REQUIRED, Role
from drivers.sunspec_map import COMMON, NOT_IN_SUNSPEC, ROLE_MAP, UNIT_FACTORS, role_models
from drivers.sunspec_models import (  # noqa: F401 - re-exported: the model definitions are part of this API
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

MARKER = (0x5375, 0x6E53)  # "SunS"
BASE_ADDRESSES = (40000, 0, 50000)
MAX_MODELS = 64  # a model chain longer than this is treated as garbage
TABLE = "holding"


class SunSpecError(ProfileError):
    """A SunSpec device cannot give a profile for a role; the message names the models found.

    ``failure`` is set when discovery itself failed (its ``kind`` tells a dead
    device, "connection"/"timeout", from one that is not SunSpec).
    """

    def __init__(self, message: str, failure: DiscoveryFailure | None = None) -> None:
        super().__init__(message)
        self.failure = failure


class Link(Protocol):
    """What discovery needs of a link (drivers.link.ModbusTcpLink has it)."""

    async def read_registers(self, unit: int, table: str, address: int, count: int) -> list[int] | ReadError: ...


# -- types -------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInstance:
    """One model in a device's chain. ``address``: its ID register; data starts at ``address + 2``."""

    id: int
    address: int
    length: int  # L as the device gives it

    @property
    def data_address(self) -> int:
        return self.address + 2

    @property
    def end(self) -> int:
        """One past the model's last register."""
        return self.address + 2 + self.length

    @property
    def definition(self) -> ModelDef | None:
        return load_model(self.id)

    @property
    def label(self) -> str:
        return model_label(self.id)

    def contains(self, point: PointDef) -> bool:
        """Whether the device's model is long enough to hold ``point``."""
        return point.end <= 2 + self.length


@dataclass(frozen=True)
class SunSpecDevice:
    """What discovery found: the base address and the model chain in order.

    ``problems`` lists what was odd about the chain (a model shorter than its
    definition, a chain cut off by a failed read or a bad length); the models
    before the problem are still usable.
    """

    base: int
    models: tuple[ModelInstance, ...]
    problems: tuple[str, ...] = ()

    @property
    def model_ids(self) -> tuple[int, ...]:
        return tuple(m.id for m in self.models)

    def first(self, model_id: int) -> ModelInstance | None:
        return next((m for m in self.models if m.id == model_id), None)

    def roles(self) -> tuple[Role, ...]:
        """The roles for which the device has at least one model that supplies a quantity."""
        present = set(self.model_ids)
        return tuple(role for role in Role if present & set(role_models(role)))

    def describe(self) -> str:
        ids = ", ".join(str(i) for i in self.model_ids) or "none"
        return f"models {ids} (discovered at {self.base})"


@dataclass(frozen=True)
class DiscoveryFailure:
    """Why discovery found no SunSpec device. ``kind``: connection | timeout | not-sunspec.

    ``attempts`` holds what each base address answered.
    """

    kind: str
    detail: str
    attempts: tuple[tuple[int, str], ...] = ()

    def __str__(self) -> str:
        return self.detail


async def discover(
    link: Link, unit: int, bases: tuple[int, ...] = BASE_ADDRESSES, max_models: int = MAX_MODELS
) -> SunSpecDevice | DiscoveryFailure:
    """Find the "SunS" marker and walk the model chain of ``unit`` on ``link``.

    Tries each base address in turn (an exception response, a timeout or other
    registers there just move on to the next); stops at a connection failure.
    The walk ends at the end marker, after ``max_models`` models, at a header
    that cannot be read, or at a length that runs past register 65535; what was
    found before that is kept and the reason is recorded in ``problems``.
    Every read is a holding-register read (function code 3); nothing a device
    answers can make it raise or loop.
    """
    where = getattr(link, "address", "the device")
    attempts: list[tuple[int, str]] = []
    for base in bases:
        words = await link.read_registers(unit, TABLE, base, 2)
        if isinstance(words, ReadError):
            attempts.append((base, str(words)))
            if words.kind == "connection":
                return DiscoveryFailure("connection", words.detail, tuple(attempts))
            continue
        if tuple(words) != MARKER:
            attempts.append((base, "no marker (registers read " + " ".join(f"0x{w:04X}" for w in words) + ")"))
            continue
        models, problems = await _walk_chain(link, unit, base + 2, max_models)
        return SunSpecDevice(base, tuple(models), tuple(problems))
    tried = "; ".join(f"{base}: {text}" for base, text in attempts)
    looked = ", ".join(str(b) for b in bases)
    if attempts and all(text.startswith("timeout") for _, text in attempts):
        return DiscoveryFailure(
            "timeout", f"{where} unit {unit}: no answer at holding registers {looked} ({tried})", tuple(attempts)
        )
    return DiscoveryFailure(
        "not-sunspec",
        f"{where} unit {unit}: no SunSpec marker 'SunS' at holding registers {looked} ({tried})",
        tuple(attempts),
    )


async def _walk_chain(link: Link, unit: int, address: int, max_models: int) -> tuple[list[ModelInstance], list[str]]:
    models: list[ModelInstance] = []
    problems: list[str] = []
    while True:
        if len(models) >= max_models:
            problems.append(f"stopped after {max_models} models without an end marker")
            break
        if address > 0xFFFF:
            problems.append("the model chain runs past register 65535 without an end marker")
            break
        header = await link.read_registers(unit, TABLE, address, 2) if address < 0xFFFF else None
        if not isinstance(header, list):
            single = None
            if header is None or header.kind not in ("connection", "timeout"):
                # Some devices serve the end marker's ID without its L: read the ID alone.
                single = await link.read_registers(unit, TABLE, address, 1)
                if isinstance(single, list) and single[0] == END_MODEL_ID:
                    break
            reason = header if header is not None else single
            problems.append(f"reading the model header at {address} failed ({reason}); the chain is cut there")
            break
        model_id, length = header
        if model_id == END_MODEL_ID:
            break
        if model_id == 0:
            problems.append(f"invalid model id 0 at {address}; the chain is cut there")
            break
        end = address + 2 + length
        if end > 0x10000:
            problems.append(
                f"model {model_id} at {address} claims length {length}, past register 65535; the chain is cut there"
            )
            break
        definition = load_model(model_id)
        if definition is not None and length < definition.length:
            problems.append(
                f"model {model_id} at {address} has length {length}, shorter than its definition "
                f"({definition.length}); points beyond it are not used"
            )
        elif definition is not None and length > definition.length and not definition.repeating:
            problems.append(
                f"model {model_id} at {address} has length {length}, longer than its definition "
                f"({definition.length}); the extra registers are not used"
            )
        models.append(ModelInstance(model_id, address, length))
        address = end
    return models, problems


# -- profiles ----------------------------------------------------------------------


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
        return Point(
            self.quantity, TABLE, self.model.address + self.point.offset, t.dtype, scale, "big", t.sentinels, sf_address
        )


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
    missing = sorted(REQUIRED[role] - set(chosen))
    if missing and require_complete:
        why = [NOT_IN_SUNSPEC.get(role, {}).get(q) for q in missing]
        reasons = "; ".join(dict.fromkeys(w for w in why if w))
        raise SunSpecError(
            f"SunSpec device ({device.describe()}) gives no {', '.join(missing)} for role "
            f"{role.value}" + (f": {reasons}" if reasons else "")
        )
    points = [resolved.to_point(sign) for resolved, sign in chosen.values()]
    used = sorted(
        {resolved.model.address: resolved.model for resolved, _ in chosen.values()}.values(), key=lambda m: m.address
    )
    identity, common = _identity(device, used[0].address)
    ids = sorted({m.id for m in used} | ({common.id} if common is not None and identity else set()))
    blocks = plan_blocks(points, MODBUS_MAX_REGISTERS, MODBUS_MAX_REGISTERS)
    title = f"SunSpec {role.value}: " + ", ".join(f"{m.label} ({m.id})" for m in used)
    source = f"SunSpec models {', '.join(str(i) for i in ids)} (discovered at {device.base})"
    return Profile("sunspec", role, title, source, tuple(points), blocks, None, identity)


def missing_required(profile: Profile) -> tuple[str, ...]:
    """Required quantities of the profile's role that it does not read."""
    return tuple(sorted(REQUIRED[profile.role] - set(profile.quantities)))


async def read_identity(link: Link, unit: int, fields: tuple[IdentityField, ...]) -> dict[str, str | None]:
    """Read identity fields (e.g. ``profile.identity``); register-backed ones coalesced into few reads.

    A field whose read fails or whose registers are unset is ``None``; fixed-text fields are returned as they are.
    """
    words_by_field: dict[str, list[int] | None] = {}
    spans = sorted(
        (f for f in fields if f.value is None and f.table is not None and f.address is not None),
        key=lambda f: (f.table, f.address),
    )
    groups: list[list[IdentityField]] = []
    for item in spans:
        if (
            groups
            and groups[-1][0].table == item.table
            and item.address + item.registers - groups[-1][0].address <= MODBUS_MAX_REGISTERS
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        start = group[0].address
        count = max(f.address + f.registers for f in group) - start
        words = await link.read_registers(unit, group[0].table, start, count)
        for item in group:
            offset = item.address - start
            words_by_field[item.field] = (
                None if isinstance(words, ReadError) else words[offset : offset + item.registers]
            )
    return decode_identity(fields, words_by_field)


def identity_fields(device: SunSpecDevice, anchor: int | None = None) -> tuple[IdentityField, ...]:
    """The identity fields (Mn, Md, Vr, SN of model 1) of the device.

    With ``anchor``: of the device whose models start at that register.
    """
    return _identity(device, anchor)[0]


async def sunspec_profile(link: Link, unit: int, role: Role | str, require_complete: bool = True) -> Profile:
    """Discover the device and build its profile for ``role``; raises :class:`SunSpecError` with the reason."""
    found = await discover(link, unit)
    if isinstance(found, DiscoveryFailure):
        raise SunSpecError(f"SunSpec discovery failed: {found}", found)
    return build_profile(found, role, require_complete)
