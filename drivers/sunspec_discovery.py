"""SunSpec discovery: find the "SunS" marker and walk a device's model chain.

A SunSpec register map (holding registers) is::

    base + 0, 1   "SunS" marker: 0x5375 0x6E53
    base + 2      model ID, L (registers that follow the two header registers)
    base + 4      L registers of the model (point offsets below count from the ID register)
    ...           next model: ID, L, data ... until the end marker ID 0xFFFF (L 0)

with ``base`` 40000, 0 or 50000, tried in that order (:data:`BASE_ADDRESSES`).
Only holding registers are read (function code 3); nothing a device answers
makes discovery raise or loop. Profiles built from what it finds:
:mod:`drivers.sunspec`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from drivers.dtypes import decode_string
from drivers.link import ReadError, RegisterReader
from drivers.modbus_limits import MAX_REGISTERS
from drivers.quantities import Role
from drivers.sunspec_map import role_models
from drivers.sunspec_models import END_MODEL_ID, ModelDef, PointDef, load_model, model_label

MARKER = (0x5375, 0x6E53)  # "SunS"
BASE_ADDRESSES = (40000, 0, 50000)
MAX_MODELS = 64  # a model chain longer than this is treated as garbage
TABLE = "holding"
MPPT_MODEL = 160  # Multiple MPPT Inverter Extension: its modules' ID strings are read at discovery


@dataclass(frozen=True)
class ModelInstance:
    """One model in a device's chain. ``address``: its ID register; data starts at ``address + 2``."""

    id: int
    address: int
    length: int  # L as the device gives it
    modules: tuple[str, ...] = ()  # model 160: the ID string of each module (drivers.sunspec_mppt)

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
    link: RegisterReader, unit: int, bases: tuple[int, ...] = BASE_ADDRESSES, max_models: int = MAX_MODELS
) -> SunSpecDevice | DiscoveryFailure:
    """Find the "SunS" marker and walk the model chain of ``unit`` on ``link``.

    Tries each base address in turn (an exception response or other registers
    there move on to the next); stops at a connection failure and at a timeout:
    a unit that does not answer at all would cost a full timeout at every base,
    and a dead unit behind a shared gateway would hold its siblings' line three
    times as long per attempt as a device with a fixed profile.
    The walk ends at the end marker, after ``max_models`` models, at a header
    that cannot be read, or at a length that runs past register 65535; what was
    found before that is kept and the reason is recorded in ``problems``.
    The ID strings of a model 160's modules are read too (one more read), so
    that a hybrid's PV inputs can be told from its battery inputs.
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
            if words.kind == "timeout":
                return DiscoveryFailure(
                    "timeout", f"{where} unit {unit}: no answer at holding register {base} ({words})", tuple(attempts)
                )
            continue
        if tuple(words) != MARKER:
            attempts.append((base, "no marker (registers read " + " ".join(f"0x{w:04X}" for w in words) + ")"))
            continue
        models, problems = await _walk_chain(link, unit, base + 2, max_models)
        models = [await _with_modules(link, unit, m, problems) for m in models]
        return SunSpecDevice(base, tuple(models), tuple(problems))
    tried = "; ".join(f"{base}: {text}" for base, text in attempts)
    looked = ", ".join(str(b) for b in bases)
    return DiscoveryFailure(
        "not-sunspec",
        f"{where} unit {unit}: no SunSpec marker 'SunS' at holding registers {looked} ({tried})",
        tuple(attempts),
    )


async def _with_modules(link: RegisterReader, unit: int, model: ModelInstance, problems: list[str]) -> ModelInstance:
    """A model 160 with its modules' ID strings read (which are PV and which battery inputs); others as they are."""
    if model.id != MPPT_MODEL:
        return model
    labels, problem = await read_module_labels(link, unit, model)
    if problem is not None:
        problems.append(problem)
    return replace(model, modules=labels)


def module_count(instance: ModelInstance, definition: ModelDef) -> int:
    """Modules the device's model 160 holds, from its length (the count point N may be stale or absent)."""
    if not definition.group_size:
        return 0
    return max(0, (instance.length - definition.length) // definition.group_size)


async def read_module_labels(
    link: RegisterReader, unit: int, instance: ModelInstance
) -> tuple[tuple[str, ...], str | None]:
    """The ID string of each module of a model 160 (one read per 125 registers), or why it could not be read."""
    definition = instance.definition
    id_point = definition.group_point("IDStr") if definition is not None else None
    if definition is None or id_point is None:
        return (), None
    count = module_count(instance, definition)
    first = instance.data_address + definition.length
    labels: list[str] = []
    words: list[int] = []
    address, end = first, first + count * definition.group_size
    while address < end:
        n = min(MAX_REGISTERS, end - address)
        answer = await link.read_registers(unit, TABLE, address, n)
        if isinstance(answer, ReadError):
            return (), f"model 160 at {instance.address}: its modules could not be read ({answer})"
        words.extend(answer)
        address += n
    for k in range(count):
        start = k * definition.group_size + id_point.offset
        labels.append(decode_string(words[start : start + id_point.size]) or "")
    return tuple(labels), None


async def _walk_chain(
    link: RegisterReader, unit: int, address: int, max_models: int
) -> tuple[list[ModelInstance], list[str]]:
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
