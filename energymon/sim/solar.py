"""Solar geometry and clear-sky irradiance: pure functions.

Solar position after the NOAA "General Solar Position Calculations" series
(Spencer 1971 Fourier terms for declination and equation of time), accurate
to a few tenths of a degree, enough for simulating PV. Clear-sky global
horizontal irradiance after Haurwitz (1945).
"""

from __future__ import annotations

import math
from datetime import datetime, timezone


def solar_elevation_deg(when_utc: datetime, latitude_deg: float, longitude_deg: float) -> float:
    """Solar elevation angle [deg] above the horizon (negative below) at ``when_utc``.

    ``longitude_deg`` is positive east. ``when_utc`` must be timezone-aware.
    """
    t = when_utc.astimezone(timezone.utc)
    day_of_year = t.timetuple().tm_yday
    hour = t.hour + t.minute / 60 + t.second / 3600 + t.microsecond / 3.6e9
    gamma = 2 * math.pi / 365 * (day_of_year - 1 + (hour - 12) / 24)  # fractional year [rad]
    eqtime_min = 229.18 * (
        0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma) + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma)
    )
    true_solar_min = hour * 60 + eqtime_min + 4 * longitude_deg
    hour_angle = math.radians(true_solar_min / 4 - 180)
    lat = math.radians(latitude_deg)
    cos_zenith = math.sin(lat) * math.sin(decl) + math.cos(lat) * math.cos(decl) * math.cos(hour_angle)
    return math.degrees(math.asin(max(-1.0, min(1.0, cos_zenith))))


def clear_sky_ghi_w_m2(elevation_deg: float) -> float:
    """Clear-sky global horizontal irradiance [W/m2] (Haurwitz model); 0 at night."""
    if elevation_deg <= 0:
        return 0.0
    cos_zenith = math.sin(math.radians(elevation_deg))
    return 1098.0 * cos_zenith * math.exp(-0.059 / cos_zenith)


def pv_ac_power_w(
    poa_irradiance_w_m2: float,
    dc_rated_w: float,
    ac_rated_w: float,
    cell_temperature_c: float,
    temp_coeff_per_c: float = -0.0037,
    system_losses: float = 0.10,
    inverter_efficiency: float = 0.975,
) -> tuple[float, float]:
    """(AC power [W], DC power [W]) of a PV array and its inverter.

    DC power scales with irradiance relative to STC (1000 W/m2, 25 degC), with
    a linear temperature derate and lumped system losses; AC power is DC power
    times inverter efficiency, clipped at the inverter's rated AC power.
    """
    if poa_irradiance_w_m2 <= 0:
        return 0.0, 0.0
    derate = 1 + temp_coeff_per_c * (cell_temperature_c - 25.0)
    dc_w = dc_rated_w * poa_irradiance_w_m2 / 1000.0 * derate * (1 - system_losses)
    ac_w = min(dc_w * inverter_efficiency, ac_rated_w)
    return ac_w, dc_w
