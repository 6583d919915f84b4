"""Register resolution for generated history: values as the collector would have decoded them.

A device reports each quantity through a register (an integer times its scale,
possibly times a SunSpec scale factor, or a float32): generated history is
rounded the same way, vectorized, so history and live readings of a counter
join without a step (a counter in whole kWh stays in whole kWh).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from drivers.point_values import active, condition_words
from drivers.profile import Point
from energymon.config import Device
from energymon.sim.sunspec_image import SF_EXPONENTS, sunspec_image_profile


def _max_raw(point: Point) -> int:
    d = point.dtype
    return (1 << (d.bits - 1)) - 1 if d.signed else (1 << d.bits) - 1


def _round_to(values: np.ndarray, point: Point, exponent: np.ndarray | float) -> np.ndarray:
    step = abs(point.scale) * np.power(10.0, exponent)
    if point.dtype.is_float:
        raw = (values / (point.scale * np.power(10.0, exponent))).astype(
            np.float32 if point.dtype.registers == 2 else np.float64
        )
        return raw.astype(np.float64) * point.scale * np.power(10.0, exponent)
    return np.round(values / step) * step


def _required_exponent(values: np.ndarray, point: Point) -> np.ndarray:
    """Smallest SunSpec scale-factor exponent at which ``values`` fit ``point``'s register."""
    limit = abs(point.scale) * _max_raw(point)
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.ceil(np.log10(np.abs(values) / limit) + 1e-12)
    needed = np.where(np.isfinite(needed), needed, SF_EXPONENTS[0])
    return np.clip(needed, SF_EXPONENTS[0], SF_EXPONENTS[-1])


def quantize(device: Device, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``values`` (canonical, base units) rounded to the resolution of the device's registers."""
    profile = device.profile if device.profile is not None else sunspec_image_profile(device.role)
    words = condition_words(profile.points)
    points: dict[str, Point] = {}
    for point in profile.points:  # the row the collector decodes first: fallbacks and unmet conditions after
        if active(point, words):
            points.setdefault(point.quantity, point)
    out = {q: np.asarray(v, dtype=np.float64) for q, v in values.items()}
    groups: dict[int, list[Point]] = {}
    for quantity, point in points.items():
        if quantity not in out:
            continue
        if point.scale_factor is None:
            out[quantity] = _round_to(out[quantity], point, 0.0)
        else:
            groups.setdefault(point.scale_factor, []).append(point)
    for members in groups.values():
        exponent = np.max([_required_exponent(out[p.quantity], p) for p in members], axis=0)
        for point in members:
            out[point.quantity] = _round_to(out[point.quantity], point, exponent)
    return out


def resolution(point: Point, value: float) -> float:
    """Step between neighbouring register values near ``value`` (base units), for tests."""
    if point.dtype.is_float:
        raw = abs(value / point.scale)
        return 0.0 if raw == 0 else abs(point.scale) * 2.0 ** (math.floor(math.log2(raw)) - 23)
    return abs(point.scale)
