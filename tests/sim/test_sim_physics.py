"""The simulator's physics, piece by piece: geometry and irradiance against pvlib, weather, loads, storage.

pvlib is the reference here and only here (a test dependency; energymon never imports it).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs installed: pvlib works on pandas objects
import pvlib
import pytest

from energymon.sim.irradiance import erbs_diffuse_fraction, plane_of_array_w_m2
from energymon.sim.loads import EV_NIGHT_SHARE, WAREHOUSE_EQUIPMENT, WAREHOUSE_GROUPS, load_powers_w
from energymon.sim.model import build_model, exogenous
from energymon.sim.pv import INVERTER_NOMINAL_EFFICIENCY, PVWATTS_REFERENCE_EFFICIENCY, ac_power_w
from energymon.sim.solar import clear_sky_ghi_w_m2, extraterrestrial_normal_w_m2, solar_position_deg
from energymon.sim.storage import Battery, limited_power_w, requested_power_w, soc_after_pct
from energymon.sim.timebase import local_time
from energymon.sim.weather import (
    BROKEN,
    CLEAR,
    OVERCAST,
    SUNSHINE_PCT,
    clear_sky_index,
    daily_mean_temperature_c,
    sky_probabilities,
    sky_type,
)

from support import SHANGHAI

XIAN = (34.30, 109.06)


def hours_of(year: int) -> np.ndarray:
    start = np.datetime64(f"{year}-01-01T00:00", "s")
    stop = np.datetime64(f"{year + 1}-01-01T00:00", "s")
    return np.arange(start, stop, np.timedelta64(3600, "s")).astype(np.int64).astype(np.float64)


def as_index(t_s: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(t_s, unit="s", utc=True))


# -- geometry and irradiance against pvlib ------------------------------------------------


@pytest.mark.parametrize(
    "latitude, longitude",
    [
        XIAN,  # the demo site
        (-33.87, 151.21),  # Sydney: southern hemisphere
        (1.35, 103.82),  # Singapore: the sun crosses the zenith
        (60.17, 24.94),  # Helsinki: low winter sun
        (78.22, 15.65),  # Longyearbyen: polar night and midnight sun
    ],
)
def test_solar_position_matches_pvlib_spa_over_a_year_of_hours(latitude, longitude):
    t_s = hours_of(2024)  # a leap year, where a fractional-year formula would drift most
    elevation, azimuth = solar_position_deg(t_s, latitude, longitude)
    reference = pvlib.solarposition.get_solarposition(as_index(t_s), latitude, longitude, method="nrel_numpy")
    ref_elevation = reference["elevation"].to_numpy()  # geometric, without refraction, like ours
    assert np.max(np.abs(elevation - ref_elevation)) < 0.5  # the requirement; measured: below 0.02 deg
    assert np.max(np.abs(elevation - ref_elevation)) < 0.05
    up = (ref_elevation > 5) & (ref_elevation < 85)  # azimuth is ill-defined at the zenith
    d_azimuth = (azimuth - reference["azimuth"].to_numpy() + 180) % 360 - 180
    assert np.max(np.abs(d_azimuth[up])) < 0.5


def test_sun_at_other_years_and_extraterrestrial_irradiance():
    t_s = np.concatenate([hours_of(2001)[::7], hours_of(2049)[::7]])  # decades away from today
    elevation, _ = solar_position_deg(t_s, *XIAN)
    reference = pvlib.solarposition.get_solarposition(as_index(t_s), *XIAN, method="nrel_numpy")
    assert np.max(np.abs(elevation - reference["elevation"].to_numpy())) < 0.05
    days = hours_of(2024)[::24]
    ours = extraterrestrial_normal_w_m2(days)
    theirs = np.asarray(pvlib.irradiance.get_extra_radiation(as_index(days), solar_constant=1361.0, method="nrel"))
    assert np.max(np.abs(ours / theirs - 1)) < 1e-3
    assert ours.max() / ours.min() == pytest.approx((1.0167 / 0.9833) ** 2, rel=2e-3)  # perihelion vs aphelion


def test_clear_sky_decomposition_and_transposition_match_pvlib():
    t_s = hours_of(2024)[::5]
    elevation, azimuth = solar_position_deg(t_s, *XIAN)
    zenith = pd.Series(90.0 - elevation)
    ghi = np.asarray(clear_sky_ghi_w_m2(elevation))
    assert np.allclose(ghi, pvlib.clearsky.haurwitz(zenith)["ghi"].to_numpy(), atol=1e-6)
    assert np.all(ghi[elevation <= 0] == 0)
    # Erbs split against pvlib's, on a day-night mix of cloudy and clear skies (with pvlib's extraterrestrial
    # irradiance, which uses a solar constant of 1366.1 W/m2 where we use 1361).
    kc = np.linspace(0.1, 1.0, ghi.size)
    day_of_year = as_index(t_s).day_of_year.to_numpy()
    e0 = np.asarray(pvlib.irradiance.get_extra_radiation(day_of_year))
    erbs = pvlib.irradiance.erbs(ghi * kc, 90.0 - elevation, day_of_year, min_cos_zenith=0.065)
    up = elevation > 4
    ours_dhi = (
        ghi
        * kc
        * erbs_diffuse_fraction(np.clip(ghi * kc / (e0 * np.maximum(np.sin(np.radians(elevation)), 0.065)), 0, 1))
    )
    assert np.allclose(ours_dhi[up], np.asarray(erbs["dhi"])[up], rtol=2e-3, atol=0.5)
    # Isotropic transposition onto a 20 deg south-east plane against pvlib's, from the same components.
    poa = plane_of_array_w_m2(ghi * kc, elevation, azimuth, e0, 20.0, 135.0)
    total = pvlib.irradiance.get_total_irradiance(
        20.0,
        135.0,
        90.0 - elevation,
        azimuth,
        np.asarray(erbs["dni"]),
        ghi * kc,
        np.asarray(erbs["dhi"]),
        albedo=0.2,
        model="isotropic",
    )["poa_global"]
    assert np.allclose(poa[up], np.asarray(total)[up], rtol=5e-3, atol=1.0)


def test_inverter_is_the_pvwatts_curve_clipped_at_rated_power():
    pac0 = 100_000.0
    pdc0 = pac0 / INVERTER_NOMINAL_EFFICIENCY
    pdc = np.linspace(100.0, 1.3 * pdc0, 500)
    reference = pvlib.inverter.pvwatts(pdc, pdc0, INVERTER_NOMINAL_EFFICIENCY, PVWATTS_REFERENCE_EFFICIENCY)
    assert np.allclose(ac_power_w(pdc, pac0), np.maximum(reference, 0.0), rtol=1e-12, atol=1e-6)


# -- weather ------------------------------------------------------------------------------


def test_sky_types_follow_the_monthly_frequencies_with_persistence():
    first = int(datetime(2000, 1, 1).timestamp() // 86400)
    days = range(first, first + 40 * 365)
    counts = np.zeros((12, 3))
    same_as_yesterday = 0
    previous = None
    for day in days:
        sky = sky_type(1, day)
        month = np.datetime64(day, "D").item().month
        counts[month - 1, sky] += 1
        same_as_yesterday += sky == previous
        previous = sky
    shares = counts / counts.sum(axis=1, keepdims=True)
    for month in range(1, 13):
        assert shares[month - 1] == pytest.approx(sky_probabilities(month), abs=0.06), month  # ~3 sigma
    # August (47 % of possible sunshine) is clearer than December (31 %).
    assert shares[7, CLEAR] > shares[11, CLEAR] + 0.15 and shares[7, OVERCAST] < shares[11, OVERCAST] - 0.15
    # Persistence: a day repeats yesterday's sky more often than independent draws would.
    independent = sum(p**2 for p in sky_probabilities(6))
    assert same_as_yesterday / len(days) > independent + 0.1
    assert SUNSHINE_PCT[7] == 47 and SUNSHINE_PCT[11] == 31  # CMA normals, as documented


def test_clear_sky_index_by_sky_type():
    start = datetime(2024, 5, 1, tzinfo=SHANGHAI).timestamp()
    t_s = start + np.arange(0, 60 * 86400, 5.0)
    lt = local_time(t_s, SHANGHAI)
    kc = clear_sky_index(11, lt)
    daytime = (lt.hour > 8) & (lt.hour < 16)
    seen = set()
    for day in np.unique(lt.day):
        on_day = daytime & (lt.day == day)
        sky = sky_type(11, int(day))
        seen.add(sky)
        values = kc[on_day]
        if sky == CLEAR:
            assert np.ptp(values) == 0 and 0.72 <= values[0] <= 0.95
        elif sky == BROKEN:
            assert np.ptp(values) > 0.15  # clouds pass
            assert np.max(np.abs(np.diff(values))) < 0.02  # ... smoothly: no jumps between 5 s steps
            assert values.min() >= 0.10
        else:
            assert values.max() <= 0.32 * 1.25 + 1e-9
    assert seen == {CLEAR, BROKEN, OVERCAST}


def test_seasons_of_the_air_temperature():
    def mean_of(month: int) -> float:
        start = datetime(2023, month, 1, tzinfo=SHANGHAI).timestamp()
        lt = local_time(start + np.arange(0, 28 * 86400, 3600.0), SHANGHAI)
        return float(np.mean(daily_mean_temperature_c(3, lt)))

    assert -2 < mean_of(1) < 3 and 24 < mean_of(7) < 30  # Xi'an: 0.3 degC in January, 27.0 in July


# -- loads --------------------------------------------------------------------------------

LOADS = (
    ("wh", "warehouse", 380_000.0, 900_000.0),
    ("office", "office", 90_000.0, 250_000.0),
    ("ev", "ev-fleet", 500_000.0, 1_200_000.0),
)


def loads_over(start: datetime, days: int, step_s: float, seed: int = 1):
    t_s = start.timestamp() + np.arange(0, days * 86400, step_s)
    lt = local_time(t_s, SHANGHAI)
    power = load_powers_w(LOADS, seed, t_s, lt, "Asia/Shanghai", daily_mean_temperature_c(seed, lt))
    return t_s, lt, power


def test_each_load_shape_averages_its_base_load_over_a_year():
    _, _, power = loads_over(datetime(2023, 1, 1, tzinfo=SHANGHAI), 365, 300.0)
    for row, (name, _, base_w, rated_w) in enumerate(LOADS):
        assert 0.93 <= power[row].mean() / base_w <= 1.07, name
        assert power[row].max() <= rated_w and power[row].min() >= 0


def test_warehouse_runs_around_the_clock_in_waves_with_machines_stepping_off_when_idle():
    t_s, lt, power = loads_over(datetime(2024, 3, 4, tzinfo=SHANGHAI), 14, 5.0)
    wh = power[0] / LOADS[0][2]
    night = (lt.hour >= 2) & (lt.hour < 5)
    evening_wave = (lt.hour >= 19.5) & (lt.hour < 21.5)
    assert wh[night].min() > 0.3  # never off: 24/7 operation, dark but not idle
    assert wh[evening_wave].mean() > 1.5 * wh[night].mean()  # the evening e-commerce wave
    # Step-like: equipment groups switch on and off, so some 5 s changes are as big as a group's share.
    jumps = np.abs(np.diff(wh))
    assert np.sum(jumps > 0.5 * WAREHOUSE_EQUIPMENT / WAREHOUSE_GROUPS) > 14 * 10
    # Day-to-day variation of the order volume, the same for the same seed.
    daily = [wh[lt.day == d].mean() for d in np.unique(lt.day)]
    assert np.std(daily) / np.mean(daily) > 0.03
    again = loads_over(datetime(2024, 3, 4, tzinfo=SHANGHAI), 14, 5.0)[2]
    assert np.array_equal(power, again)
    assert not np.array_equal(power, loads_over(datetime(2024, 3, 4, tzinfo=SHANGHAI), 14, 5.0, seed=2)[2])


def test_office_works_weekdays_and_ev_fleet_charges_mostly_at_night():
    t_s, lt, power = loads_over(datetime(2024, 4, 1, tzinfo=SHANGHAI), 28, 60.0)  # four weeks from a Monday
    office, ev = power[1], power[2]
    weekday_noon = (lt.weekday < 5) & (lt.hour >= 10) & (lt.hour < 11.5)
    weekend_noon = (lt.weekday >= 5) & (lt.hour >= 10) & (lt.hour < 11.5)
    assert office[weekday_noon].mean() > 2.5 * office[weekend_noon].mean()
    night = (lt.hour >= 21) | (lt.hour < 7)
    assert ev[night].sum() / ev.sum() > 0.7  # mostly at night (80 % by design, some spills past 07:00)
    assert EV_NIGHT_SHARE == 0.80
    charger_w = LOADS[2][3] / 20
    assert np.all(np.isclose(np.unique(ev) / charger_w, np.round(np.unique(ev) / charger_w)))  # whole chargers


# -- storage ------------------------------------------------------------------------------

BATTERY = Battery(
    capacity_wh=1_000_000.0,
    soc_min_pct=10.0,
    soc_max_pct=95.0,
    max_charge_w=400_000.0,
    max_discharge_w=500_000.0,
    round_trip_efficiency=0.81,
    dispatch="pv-surplus",
    charge_window=(0.0, 6.0),
    discharge_window=(17.0, 22.0),
)


def test_round_trip_losses_split_evenly_and_soc_limits_hold_exactly():
    assert BATTERY.one_way_efficiency == pytest.approx(0.9)
    # Charging 100 kWh stores 90 kWh; taking those 90 kWh out delivers 81 kWh: the round trip's 81 %.
    soc = soc_after_pct(BATTERY, 50.0, -100_000.0, 3600.0)
    assert soc == pytest.approx(59.0)
    assert soc_after_pct(BATTERY, soc, 81_000.0, 3600.0) == pytest.approx(50.0)
    # Power limits.
    assert limited_power_w(BATTERY, -900_000.0, 50.0, 1.0) == -400_000.0
    assert limited_power_w(BATTERY, 900_000.0, 50.0, 1.0) == 500_000.0
    # Near the top: only what fits below 95 % within the step (the last step is partial).
    power = limited_power_w(BATTERY, -400_000.0, 94.99, 3600.0)
    assert soc_after_pct(BATTERY, 94.99, power, 3600.0) == pytest.approx(95.0)
    power = limited_power_w(BATTERY, 500_000.0, 10.01, 3600.0)
    assert soc_after_pct(BATTERY, 10.01, power, 3600.0) == pytest.approx(10.0)
    assert limited_power_w(BATTERY, -1.0, 95.0, 1.0) == 0.0 and limited_power_w(BATTERY, 1.0, 10.0, 1.0) == 0.0


def test_dispatch_pv_surplus_and_time_of_use():
    hours = np.array([3.0, 12.0, 12.0, 18.0, 18.0, 23.0])
    surplus = np.array([-500e3, 300e3, -200e3, -800e3, 100e3, -600e3])
    pv_surplus = requested_power_w(BATTERY, 0.5, surplus, hours)
    # Night outside the windows: idle; midday surplus: charge its share; evening peak: cover the deficit's
    # share (never more, no export); evening surplus: charge.
    assert list(pv_surplus) == [0.0, -150e3, 0.0, 400e3, -50e3, 0.0]
    tou = dataclasses.replace(BATTERY, dispatch="time-of-use")
    # Time of use: the same, and at 03:00 (valley tariff) charge from the grid at full power.
    assert list(requested_power_w(tou, 0.5, surplus, hours)) == [-400e3, -150e3, 0.0, 400e3, -50e3, 0.0]
    overnight = dataclasses.replace(tou, charge_window=(23.0, 6.0))  # windows may wrap midnight
    assert requested_power_w(overnight, 0.5, surplus, hours)[-1] == -400e3


# -- the PV chain over years: plausible monthly yields for Xi'an ---------------------------------

# Reference: monthly mean daily global horizontal irradiation [kWh/m2/day] at Xi'an from the China
# Meteorological Administration's 1971-2000 sunshine normals for station 57036 (percentage of possible
# sunshine 32 34 33 38 40 43 44 47 34 32 32 31 %, as tabulated in zh.wikipedia "Template:西安市气候数据")
# with the Angstrom-Prescott relation and the FAO-56 coefficients, H = (0.25 + 0.50 n/N) Ra
# (Allen et al. 1998, FAO Irrigation and Drainage Paper 56, eq. 35). Annual sum 1349 kWh/m2.
# A well-run system turns that into 0.75-0.85 kWh of AC per kWp (performance ratio).
REFERENCE_GHI_KWH_M2_DAY = (2.13, 2.77, 3.45, 4.40, 5.00, 5.36, 5.30, 5.04, 3.73, 2.89, 2.26, 1.94)
REFERENCE_PR = 0.80


def monthly_specific_yield(model, year: int, month: int, step_s: float = 600.0) -> float:
    """Mean daily AC energy per kWp (DC) of the model's PV over a month [kWh/kWp/day]."""
    start = datetime(year, month, 1, tzinfo=SHANGHAI).timestamp()
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI).timestamp()
    exo = exogenous(model, np.arange(start, end, step_s))
    kwp = sum(a.dc_rated_w for a in model.pv) / 1000.0
    return exo.pv_ac_w.sum() * step_s / 3.6e6 / kwp / ((end - start) / 86400)


def test_monthly_pv_yield_per_kwp_is_plausible_for_xian_all_year(demo_config):
    model = dataclasses.replace(build_model(demo_config, seed=1), loads=())
    yields = [
        np.mean([monthly_specific_yield(model, year, month) for year in (2021, 2022, 2023)]) for month in range(1, 13)
    ]
    # Measured (seed 1, 2021-2023): 1.44 kWh/kWp/day in December .. 4.19 in June, 1073 kWh/kWp a year.
    for month, (ours, ghi) in enumerate(zip(yields, REFERENCE_GHI_KWH_M2_DAY), start=1):
        assert 0.8 <= ours / (ghi * REFERENCE_PR) <= 1.2, (month, ours, ghi * REFERENCE_PR)
    annual = sum(y * d for y, d in zip(yields, (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)))
    assert 950 <= annual <= 1250
