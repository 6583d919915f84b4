"""Solar geometry and clear-sky irradiance: pure, vectorized functions of UTC epoch time.

Solar position after the NOAA Solar Calculator (NOAA Global Monitoring
Laboratory; its formulas follow Meeus, "Astronomical Algorithms"): declination
and equation of time from the Sun's apparent longitude and the obliquity of
the ecliptic, then elevation and azimuth from the hour angle. Within about
0.02 degrees of elevation of the NREL SPA over 2000-2050 (tests compare with
pvlib). Spencer's 1971 Fourier series, the simpler NOAA variant, drifts by up
to 0.5 degrees over a leap-year cycle, so it is not used. No refraction: the
elevation is the geometric (true) one. Extraterrestrial irradiance from the
Earth-Sun distance; clear-sky global horizontal irradiance after Haurwitz (1945).

Angles in degrees, longitude positive east, azimuth clockwise from north
(90 = east, 180 = south). Times are UTC epoch seconds (float64 arrays or
scalars).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

SOLAR_CONSTANT_W_M2 = 1361.0
_DAY_S = 86_400.0


def _julian_century(t_s: np.ndarray) -> np.ndarray:
    """Julian centuries since J2000.0 of UTC epoch times ``t_s`` [s]."""
    julian_day = np.asarray(t_s, dtype=np.float64) / _DAY_S + 2440587.5
    return (julian_day - 2451545.0) / 36525.0


def sun_geometry(t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(declination [rad], equation of time [min], Earth-Sun distance [AU]) at UTC epoch times ``t_s`` [s].

    The NOAA Solar Calculator's formulas (after Meeus, "Astronomical
    Algorithms"): mean longitude and anomaly of the Sun, equation of centre,
    apparent longitude with nutation and aberration, obliquity of the ecliptic.
    """
    jc = _julian_century(t_s)
    mean_long = np.radians(np.mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0))
    mean_anom_deg = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    mean_anom = np.radians(mean_anom_deg)
    ecc = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    centre_deg = (
        np.sin(mean_anom) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
        + np.sin(2 * mean_anom) * (0.019993 - 0.000101 * jc)
        + np.sin(3 * mean_anom) * 0.000289
    )
    true_anom = np.radians(mean_anom_deg + centre_deg)
    distance_au = 1.000001018 * (1 - ecc * ecc) / (1 + ecc * np.cos(true_anom))
    omega = np.radians(125.04 - 1934.136 * jc)
    apparent_long = mean_long + np.radians(centre_deg - 0.00569 - 0.00478 * np.sin(omega))
    obliquity_deg = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliquity = np.radians(obliquity_deg + 0.00256 * np.cos(omega))
    declination = np.arcsin(np.sin(obliquity) * np.sin(apparent_long))
    y = np.tan(obliquity / 2) ** 2
    eot_rad = (
        y * np.sin(2 * mean_long)
        - 2 * ecc * np.sin(mean_anom)
        + 4 * ecc * y * np.sin(mean_anom) * np.cos(2 * mean_long)
        - 0.5 * y * y * np.sin(4 * mean_long)
        - 1.25 * ecc * ecc * np.sin(2 * mean_anom)
    )
    return declination, 4.0 * np.degrees(eot_rad), distance_au


def solar_position_deg(t_s: np.ndarray, latitude_deg: float, longitude_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(elevation [deg], azimuth [deg]) of the sun at UTC epoch times ``t_s`` [s].

    Elevation is above the horizon (negative below), without refraction;
    azimuth is clockwise from north.
    """
    t_s = np.asarray(t_s, dtype=np.float64)
    decl, eot_min, _ = sun_geometry(t_s)
    minutes_utc = np.mod(t_s, _DAY_S) / 60.0
    true_solar_min = minutes_utc + eot_min + 4.0 * longitude_deg
    hour_angle = np.radians(true_solar_min / 4.0 - 180.0)  # 0 at solar noon, + in the afternoon
    lat = np.radians(latitude_deg)
    sin_elevation = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    elevation = np.degrees(np.arcsin(np.clip(sin_elevation, -1.0, 1.0)))
    azimuth = (
        np.degrees(np.arctan2(np.sin(hour_angle), np.cos(hour_angle) * np.sin(lat) - np.tan(decl) * np.cos(lat)))
        + 180.0
    )
    return elevation, np.mod(azimuth, 360.0)


def solar_elevation_deg(when_utc: datetime, latitude_deg: float, longitude_deg: float) -> float:
    """Solar elevation [deg] at one timezone-aware instant ``when_utc`` (see :func:`solar_position_deg`)."""
    t_s = when_utc.astimezone(UTC).timestamp()
    elevation, _ = solar_position_deg(np.array([t_s]), latitude_deg, longitude_deg)
    return float(elevation[0])


def extraterrestrial_normal_w_m2(t_s: np.ndarray) -> np.ndarray:
    """Irradiance at the top of the atmosphere normal to the sun's rays [W/m2]: solar constant / distance^2."""
    _, _, distance_au = sun_geometry(t_s)
    return SOLAR_CONSTANT_W_M2 / distance_au**2


def clear_sky_ghi_w_m2(elevation_deg: np.ndarray | float) -> np.ndarray | float:
    """Clear-sky global horizontal irradiance [W/m2] (Haurwitz 1945); exactly 0 with the sun down."""
    elevation = np.asarray(elevation_deg, dtype=np.float64)
    cos_zenith = np.sin(np.radians(np.maximum(elevation, 0.0)))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ghi = 1098.0 * cos_zenith * np.exp(-0.059 / cos_zenith)
    ghi = np.where(elevation > 0.0, ghi, 0.0)
    return float(ghi) if ghi.ndim == 0 else ghi
