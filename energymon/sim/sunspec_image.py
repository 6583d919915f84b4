"""A simulated SunSpec device: the holding-register image of a SunSpec model chain.

The layout and the encoding use the same model definitions and the same
quantity map as the driver (drivers.sunspec, drivers.sunspec_map), so
``discover`` + ``build_profile`` + decoding this image gives the values back
(within the resolution of the chosen scale factor, or of float32).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

from drivers.dtypes import encode
from drivers.profile import SF_DTYPE, Point, Profile
from drivers.quantities import QUANTITIES, Role
from drivers.sunspec import (
    END_MODEL_ID,
    MARKER,
    SUNSPEC_TYPES,
    ModelInstance,
    SunSpecDevice,
    build_profile,
    load_model,
)

DEFAULT_MODELS: dict[tuple[Role, bool], tuple[int, ...]] = {
    (Role.PV, False): (103,),
    (Role.PV, True): (113,),
    (Role.STORAGE, False): (802, 124),
    (Role.STORAGE, True): (802, 124),  # SunSpec has no float storage models
    (Role.GRID, False): (203,),
    (Role.GRID, True): (213,),
    (Role.LOAD, False): (203,),
    (Role.LOAD, True): (213,),
}
SF_EXPONENTS = range(-6, 11)  # tried from the finest resolution up; the driver accepts -10..10


def sunspec_register_image(
    role: Role | str,
    values: Mapping[str, float | None],
    identity: dict[str, str],
    base: int = 40000,
    float_models: bool = False,
    models: tuple[int, ...] | None = None,
) -> dict[str, dict[int, int]]:
    """Holding registers of a SunSpec device of ``role`` reporting ``values``.

    Parameters
    ----------
    role : Role or str
        ``pv``, ``storage``, ``grid`` or ``load``.
    values : dict
        Canonical quantity -> value in base units (W, Wh, %, V, A, Hz, degC, var),
        with energymon's sign conventions (drivers.quantities). ``None`` or
        absent: the point reads "not implemented". Quantities that the role's
        SunSpec models cannot carry (e.g. storage ``charged_wh``) are ignored;
        a name that is not a canonical quantity raises ``ValueError``.
    identity : dict
        ``manufacturer``, ``model``, ``version``, ``serial`` -> text, written
        into model 1 (Mn, Md, Vr, SN; at most 32, 32, 16, 32 bytes).
    base : int
        Address of the "SunS" marker: 40000 (default), 0 or 50000.
    float_models : bool
        pv: model 113 instead of 103; grid/load: 213 instead of 203; storage:
        no effect (802 and 124 are integer models).
    models : tuple of int, optional
        The role's models to lay out instead of the default, e.g. ``(701,)``
        or ``(124,)``; they follow model 1 in this order.

    Returns
    -------
    dict
        ``{"holding": {address: word}, "input": {}}``: "SunS" at ``base``,
        model 1, the role's models, the end marker 0xFFFF 0x0000; every
        register from ``base`` to the end marker is present. Unimplemented
        points hold their sentinels (0x8000, 0xFFFF, NaN, 0 for accumulators,
        zero strings). Each scale factor gets the smallest exponent (from -6)
        at which every value that uses it fits its register without hitting a
        sentinel. An accumulator value of 0 equals the SunSpec "not
        implemented" pattern and reads back as missing, as on a real device.

    Raises
    ------
    OverflowError
        A value fits no scale factor of its register (the simulator answers
        such a read with "server device failure").
    ValueError
        Unknown quantity, unknown/repeating model, or a base where the chain
        would run past register 65535.
    """
    role = Role(role)
    chosen = tuple(models) if models is not None else DEFAULT_MODELS[(role, bool(float_models))]
    for name in values:
        if name not in QUANTITIES:
            raise ValueError(f"'{name}' is not a canonical quantity")
    layout, profile = _layout(role, chosen, base)
    holding = dict(layout)
    holding.update(profile.encode_identity(identity or {})["holding"])
    _encode_values(profile, values, holding)
    return {"holding": holding, "input": {}}


def sunspec_image_profile(
    role: Role | str, base: int = 40000, float_models: bool = False, models: tuple[int, ...] | None = None
) -> Profile:
    """The driver's profile of the image :func:`sunspec_register_image` lays out for these arguments."""
    role = Role(role)
    chosen = tuple(models) if models is not None else DEFAULT_MODELS[(role, bool(float_models))]
    return _layout(role, chosen, base)[1]


@lru_cache(maxsize=64)
def _layout(role: Role, models: tuple[int, ...], base: int) -> tuple[dict[int, int], Profile]:
    """Marker, headers and every point's sentinel; and the driver's profile for this chain."""
    if not 0 <= base <= 0xFFFF:
        raise ValueError(f"base address {base} is not a register address")
    image: dict[int, int] = {base: MARKER[0], base + 1: MARKER[1]}
    address = base + 2
    instances: list[ModelInstance] = []
    for model_id in (1, *models):
        definition = load_model(model_id)
        if definition is None:
            raise ValueError(f"no SunSpec model definition for model {model_id}")
        if definition.repeating:
            raise ValueError(f"model {model_id} has a repeating group; the image lays out fixed models only")
        instance = ModelInstance(model_id, address, definition.length)
        if instance.end + 2 > 0x10000:
            raise ValueError(f"the SunSpec chain from base {base} runs past register 65535")
        for a in range(address, instance.end):
            image[a] = 0
        image[address], image[address + 1] = model_id, definition.length
        for point in definition.points[2:]:
            for i, word in enumerate(_sentinel_words(point.type, point.size)):
                image[address + point.offset + i] = word
        instances.append(instance)
        address = instance.end
    image[address], image[address + 1] = END_MODEL_ID, 0
    device = SunSpecDevice(base, tuple(instances))
    return image, build_profile(device, role, require_complete=False)


def _sentinel_words(type_name: str, size: int) -> list[int]:
    t = SUNSPEC_TYPES[type_name]
    if t.dtype is None:  # string, pad, addresses: all zero
        return [0] * size
    if t.dtype.is_float:
        return encode(t.dtype, None)
    assert t.sentinels, f"{type_name}: an integer type has a not-implemented pattern"
    pattern = t.sentinels[0]
    return [(pattern >> (16 * (size - 1 - i))) & 0xFFFF for i in range(size)]


def _fits(point: Point, raw: float, avoid_sentinels: bool) -> bool:
    d = point.dtype
    lo, hi = (-(1 << (d.bits - 1)), (1 << (d.bits - 1)) - 1) if d.signed else (0, (1 << d.bits) - 1)
    whole = round(raw)
    if not lo <= whole <= hi or (raw < 0 and not d.signed):  # a negative counter is not rounded to 0
        return False
    if avoid_sentinels and point.sentinels and whole != 0:  # an accumulator at 0 is its sentinel anyway
        return whole % (1 << d.bits) not in point.sentinels
    return True


def _encode_values(profile: Profile, values: Mapping[str, float | None], holding: dict[int, int]) -> None:
    users: dict[int, list[Point]] = {}
    plain: list[Point] = []
    present: dict[str, float] = {}  # the values that are given and finite
    for point in profile.points:
        value = values.get(point.quantity)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        present[point.quantity] = value
        (users.setdefault(point.scale_factor, []) if point.scale_factor is not None else plain).append(point)
    for point in plain:
        raw = present[point.quantity] / point.scale
        if not point.dtype.is_float and not _fits(point, raw, avoid_sentinels=False):
            raise OverflowError(f"{point.quantity} = {present[point.quantity]!r} does not fit {point.dtype.name}")
        _put(holding, point.address, encode(point.dtype, raw))
    for sf_address, points in users.items():
        exponent = _choose_exponent(points, present)
        holding[sf_address] = encode(SF_DTYPE, exponent)[0]
        for point in points:
            _put(holding, point.address, encode(point.dtype, present[point.quantity] / point.scale / 10.0**exponent))


def _choose_exponent(points: list[Point], values: dict[str, float]) -> int:
    for avoid in (True, False):
        for exponent in SF_EXPONENTS:
            if all(_fits(p, values[p.quantity] / p.scale / 10.0**exponent, avoid) for p in points):
                return exponent
    raise OverflowError(f"no scale factor makes {', '.join(p.quantity for p in points)} fit")


def _put(holding: dict[int, int], address: int, words: list[int]) -> None:
    for i, word in enumerate(words):
        holding[address + i] = word
