"""Simulated weather sensors: a plane-of-array irradiance sensor mounted in the plane of the park's arrays.

A ``meteo`` device of the config is an irradiance sensor (a silicon reference
cell or a pyranometer) fixed in the plane of the modules, as performance-ratio
monitoring asks (IEC 61724-1: plane-of-array irradiance). The simulated
sensor's plane is the mean plane of the park's arrays: their mean tilt and the
circular mean of their azimuths (with no array: a 5 degree tilt facing the
equator). It measures the same plane-of-array irradiance the arrays receive
(energymon.sim.irradiance), without their derating for soiling and shading:
what the arrays lose there shows as a performance ratio below 1.

Angles in degrees, azimuths clockwise from north; irradiance in W/m2.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_TILT_DEG = 5.0  # a sensor on a flat warehouse roof without arrays to follow


@dataclass(frozen=True)
class MeteoSensor:
    """A simulated plane-of-array irradiance sensor: its device id and the plane it is mounted in."""

    device_id: str
    tilt_deg: float
    azimuth_deg: float


def mean_plane_deg(planes: Sequence[tuple[float, float]], equator_azimuth_deg: float) -> tuple[float, float]:
    """(tilt, azimuth) [deg] of the mean plane of ``planes`` ((tilt, azimuth) pairs): the mean tilt and the
    circular mean azimuth; with no plane, a 5 degree tilt facing ``equator_azimuth_deg``."""
    if not planes:
        return DEFAULT_TILT_DEG, equator_azimuth_deg % 360.0
    tilt = sum(t for t, _ in planes) / len(planes)
    east = sum(math.sin(math.radians(a)) for _, a in planes)
    north = sum(math.cos(math.radians(a)) for _, a in planes)
    if math.hypot(east, north) < 1e-9:  # azimuths that cancel out: face the equator
        return tilt, equator_azimuth_deg % 360.0
    return tilt, math.degrees(math.atan2(east, north)) % 360.0


def sensor_in_mean_plane(
    device_id: str, planes: Sequence[tuple[float, float]], equator_azimuth_deg: float
) -> MeteoSensor:
    """The sensor ``device_id`` mounted in the mean plane of the arrays (:func:`mean_plane_deg`)."""
    tilt, azimuth = mean_plane_deg(planes, equator_azimuth_deg)
    return MeteoSensor(device_id, tilt, azimuth)
