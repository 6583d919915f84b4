"""Irradiance on a tilted module plane: pure, vectorized functions.

Global horizontal irradiance (GHI) is split into beam and diffuse parts with
the Erbs et al. (1982) correlation of the diffuse fraction on the clearness
index, and transposed to the module plane with the isotropic sky model
(Liu and Jordan 1963) plus ground reflection:

    POA = B_h * max(cos AOI, 0) / cos Z  +  D_h * (1 + cos beta) / 2  +  GHI * albedo * (1 - cos beta) / 2

where B_h = GHI - D_h is the beam on the horizontal, Z the solar zenith angle,
beta the module tilt and AOI the angle of incidence on the module.
Irradiances in W/m2, angles in degrees, azimuths clockwise from north.
Arrays broadcast: sun quantities of shape (T,) with module orientations of
shape (N, 1) give (N, T).
"""

from __future__ import annotations

import numpy as np

GROUND_ALBEDO = 0.2
MIN_COS_ZENITH = 0.065  # below ~3.7 deg of elevation the beam ratio is held (horizon, refraction, shading)


def clearness_index(ghi_w_m2: np.ndarray, elevation_deg: np.ndarray, extra_normal_w_m2: np.ndarray) -> np.ndarray:
    """k_t = GHI / extraterrestrial horizontal irradiance, 0..1 (0 with the sun down)."""
    cos_zenith = np.sin(np.radians(elevation_deg))
    horizontal = extra_normal_w_m2 * np.maximum(cos_zenith, MIN_COS_ZENITH)
    return np.where(cos_zenith > 0, np.clip(ghi_w_m2 / horizontal, 0.0, 1.0), 0.0)


def erbs_diffuse_fraction(kt: np.ndarray) -> np.ndarray:
    """Diffuse share of GHI from the clearness index ``kt`` (Erbs, Klein and Duffie 1982)."""
    kt = np.asarray(kt, dtype=np.float64)
    middle = 0.9511 - 0.1604 * kt + 4.388 * kt**2 - 16.638 * kt**3 + 12.336 * kt**4
    return np.where(kt <= 0.22, 1.0 - 0.09 * kt, np.where(kt <= 0.80, middle, 0.165))


def cos_incidence(
    elevation_deg: np.ndarray,
    azimuth_deg: np.ndarray,
    tilt_deg: np.ndarray | float,
    surface_azimuth_deg: np.ndarray | float,
) -> np.ndarray:
    """Cosine of the angle of incidence of the sun's rays on a plane (negative: sun behind the plane)."""
    zenith = np.radians(90.0 - np.asarray(elevation_deg))
    tilt = np.radians(tilt_deg)
    return np.cos(zenith) * np.cos(tilt) + np.sin(zenith) * np.sin(tilt) * np.cos(
        np.radians(np.asarray(azimuth_deg) - surface_azimuth_deg)
    )


def plane_of_array_w_m2(
    ghi_w_m2: np.ndarray,
    elevation_deg: np.ndarray,
    azimuth_deg: np.ndarray,
    extra_normal_w_m2: np.ndarray,
    tilt_deg: np.ndarray | float,
    surface_azimuth_deg: np.ndarray | float,
    albedo: float = GROUND_ALBEDO,
) -> np.ndarray:
    """Irradiance on the module plane [W/m2] from GHI (Erbs split, isotropic sky); 0 with the sun down."""
    ghi = np.maximum(np.asarray(ghi_w_m2, dtype=np.float64), 0.0)
    diffuse = ghi * erbs_diffuse_fraction(clearness_index(ghi, elevation_deg, extra_normal_w_m2))
    beam_h = ghi - diffuse
    cos_zenith = np.maximum(np.sin(np.radians(elevation_deg)), MIN_COS_ZENITH)
    beam_ratio = np.maximum(cos_incidence(elevation_deg, azimuth_deg, tilt_deg, surface_azimuth_deg), 0.0) / cos_zenith
    cos_tilt = np.cos(np.radians(tilt_deg))
    poa = beam_h * beam_ratio + diffuse * (1 + cos_tilt) / 2 + ghi * albedo * (1 - cos_tilt) / 2
    return np.where(ghi > 0, poa, 0.0)
