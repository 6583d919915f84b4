"""The park's physics, shared by the live simulator (park.Park) and the history generator (backfill).

There is one model: both callers build a :class:`SiteModel` from the config
and a seed and advance it with :func:`simulate_steps` over a grid of steps.

- :func:`exogenous`: everything that does not depend on the storage state, for
  many instants at once (vectorized): solar position, clear-sky irradiance
  times the seeded clear-sky index, plane-of-array irradiance, PV DC and AC
  power of every inverter, the irradiance each weather sensor measures
  (energymon.sim.meteo), ambient temperature, every load's power.
- :func:`simulate_steps`: the steps in time order. Powers are those at the
  start of each step, held constant over it (piecewise constant); storage
  dispatch runs step by step (SoC is sequential); the grid meter closes the
  balance, grid = (loads - PV - storage) / number of grid meters; every
  counter adds its power times the step length, so each counter is the exact
  integral of its power and the counters balance to rounding error.

Energy counters [Wh] per role: pv ``yield_wh``; load ``consumed_wh``;
storage ``charged_wh`` (power < 0) and ``discharged_wh`` (power > 0); grid
``imported_wh`` (power > 0) and ``exported_wh`` (power < 0).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from drivers.quantities import COUNTERS_BY_ROLE, Role
from energymon.config import Config, Device
from energymon.sim import readings
from energymon.sim.dispatch import TariffPlan, dispatch_unit, plan_at, tariff_plan
from energymon.sim.irradiance import plane_of_array_w_m2
from energymon.sim.loads import load_powers_w
from energymon.sim.meteo import MeteoSensor, sensor_in_mean_plane
from energymon.sim.pv import ac_power_w, cell_temperature_c, dc_power_w
from energymon.sim.solar import clear_sky_ghi_w_m2, extraterrestrial_normal_w_m2, solar_position_deg
from energymon.sim.storage import Battery, limited_power_w, requested_power_w, soc_after_pct
from energymon.sim.timebase import local_time
from energymon.sim.weather import ambient_temperature_c, clear_sky_index, daily_mean_temperature_c

DEFAULT_BASE_LOAD_SHARE = 0.4  # base load when [devices.sim] gives none: 40 % of the rated power
DEFAULT_STORAGE_HOURS = 2.0  # capacity when [devices.sim] gives none: 2 h at rated power
ROOF_TILT_RANGE_DEG = (3.0, 8.0)  # modules laid on the warehouse roofs' low pitch
ROOF_AZIMUTH_SPREAD_DEG = 25.0  # roofs face the equator (south in the northern hemisphere) +- this

COUNTERS: dict[Role, tuple[str, ...]] = {  # the energy counters a simulated device of each role has
    role: tuple(c for c in pair if c is not None) for role, pair in COUNTERS_BY_ROLE.items()
}


@dataclass(frozen=True)
class PvArray:
    device_id: str
    ac_rated_w: float
    dc_rated_w: float  # STC peak power of the array: dc_peak_power_kwp, or rated AC power x dc_ac_ratio
    tilt_deg: float
    azimuth_deg: float
    derate: float  # spread between arrays (soiling, shading), 0.97..1.0


@dataclass(frozen=True)
class LoadMeter:
    device_id: str
    shape: str
    base_w: float
    rated_w: float


@dataclass(frozen=True)
class StorageUnit:
    device_id: str
    rated_w: float
    share: float  # this unit's rated power over the site's storage rated power
    battery: Battery
    plan: TariffPlan | None = None  # dispatch = "peak-shaving": the site's tariff, quarter by quarter


@dataclass(frozen=True)
class SiteModel:
    """Static description of the park: site, seed and per-device parameters (built by :func:`build_model`)."""

    latitude_deg: float
    longitude_deg: float
    tz_key: str
    seed: int
    devices: tuple[Device, ...]  # config order
    pv: tuple[PvArray, ...]
    loads: tuple[LoadMeter, ...]
    storage: tuple[StorageUnit, ...]
    grids: tuple[str, ...]
    meteo: tuple[MeteoSensor, ...] = ()  # plane-of-array irradiance sensors (energymon.sim.meteo)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_key)


def dc_array_w(device: Device) -> float:
    """STC peak power [W] of a pv device's simulated array: its ``dc_peak_power_kwp`` when configured, else its
    rated AC power x ``sim.dc_ac_ratio`` (1.2 by default)."""
    if device.dc_peak_power_kwp is not None:
        return device.dc_peak_power_kwp * 1000.0
    return device.rated_power_kw * 1000.0 * device.sim.dc_ac_ratio


def build_model(config: Config, seed: int) -> SiteModel:
    """The park of ``config`` with weather and loads seeded by ``seed``."""
    pv, loads, storage, grids, meteo_ids = [], [], [], [], []
    storage_rated = sum(d.rated_power_kw for d in config.devices if d.role is Role.STORAGE) * 1000.0
    equator_deg = 180.0 if config.site.latitude >= 0 else 0.0
    for device in config.devices:
        rated_w = device.rated_power_kw * 1000.0
        sim = device.sim
        if device.role is Role.PV:
            rng = random.Random(f"pv-array:{device.id}")  # the roof does not change with the weather seed
            azimuth = (equator_deg + rng.uniform(-ROOF_AZIMUTH_SPREAD_DEG, ROOF_AZIMUTH_SPREAD_DEG)) % 360.0
            pv.append(
                PvArray(
                    device.id,
                    rated_w,
                    dc_array_w(device),
                    rng.uniform(*ROOF_TILT_RANGE_DEG),
                    azimuth,
                    rng.uniform(0.97, 1.0),
                )
            )
        elif device.role is Role.LOAD:
            base_kw = device.rated_power_kw * DEFAULT_BASE_LOAD_SHARE if sim.base_load_kw is None else sim.base_load_kw
            loads.append(LoadMeter(device.id, sim.load_shape or "warehouse", base_kw * 1000.0, rated_w))
        elif device.role is Role.STORAGE:
            capacity_kwh = sim.capacity_kwh or device.rated_power_kw * DEFAULT_STORAGE_HOURS
            battery = Battery(
                capacity_kwh * 1000.0,
                sim.soc_min_pct,
                sim.soc_max_pct,
                (sim.max_charge_kw if sim.max_charge_kw is not None else device.rated_power_kw) * 1000.0,
                (sim.max_discharge_kw if sim.max_discharge_kw is not None else device.rated_power_kw) * 1000.0,
                sim.round_trip_efficiency,
                sim.dispatch,
                sim.charge_window,
                sim.discharge_window,
                None if sim.demand_limit_kw is None else sim.demand_limit_kw * 1000.0,
                sim.shaving_reserve_pct,
            )
            plan = None
            if sim.dispatch == "peak-shaving" and config.tariff is not None:  # the config demands a tariff for it
                plan = tariff_plan(config.tariff, sim.round_trip_efficiency)
            storage.append(StorageUnit(device.id, rated_w, rated_w / storage_rated, battery, plan))
        elif device.role is Role.METEO:
            meteo_ids.append(device.id)
        else:
            grids.append(device.id)
    planes = [(a.tilt_deg, a.azimuth_deg) for a in pv]
    meteo = tuple(sensor_in_mean_plane(device_id, planes, equator_deg) for device_id in meteo_ids)
    site = config.site
    return SiteModel(
        site.latitude,
        site.longitude,
        site.timezone,
        seed,
        config.devices,
        tuple(pv),
        tuple(loads),
        tuple(storage),
        tuple(grids),
        meteo,
    )


@dataclass
class DeviceState:
    counters_wh: dict[str, float]
    soc_pct: float = 0.0
    soh_pct: float = 100.0


def initial_state(model: SiteModel) -> dict[str, DeviceState]:
    """Counter readings and SoC of every device when a park starts fresh (seeded)."""
    capacity = {u.device_id: u.battery for u in model.storage}
    states: dict[str, DeviceState] = {}
    for index, device in enumerate(model.devices):
        rng = random.Random(model.seed * 7919 + index)
        rated_w = device.rated_power_kw * 1000.0
        if device.role is Role.PV:
            states[device.id] = DeviceState({"yield_wh": rated_w * rng.uniform(1500, 4000)})
        elif device.role is Role.STORAGE:
            battery = capacity[device.id]
            soc = rng.uniform(40, 60)
            cycles = rng.uniform(200, 600)
            eta = battery.one_way_efficiency
            states[device.id] = DeviceState(
                {"charged_wh": battery.capacity_wh * cycles / eta, "discharged_wh": battery.capacity_wh * cycles * eta},
                soc,
                rng.uniform(92, 99),
            )
        elif device.role is Role.LOAD:
            states[device.id] = DeviceState({"consumed_wh": rated_w * rng.uniform(3000, 9000)})
        elif device.role is Role.METEO:
            states[device.id] = DeviceState({})  # no counters
        else:
            states[device.id] = DeviceState(
                {"imported_wh": rated_w * rng.uniform(2000, 5000), "exported_wh": rated_w * rng.uniform(50, 300)}
            )
    return states


@dataclass
class Exogenous:
    """The storage-independent physics at instants ``t_s`` (arrays over time, per device where noted)."""

    t_s: np.ndarray
    hour: np.ndarray  # local hour of day
    ambient_c: np.ndarray
    pv_ac_w: np.ndarray  # (n_pv, T)
    pv_dc_w: np.ndarray  # (n_pv, T)
    load_w: np.ndarray  # (n_loads, T)
    sensor_poa_w_m2: np.ndarray | None = None  # (n_meteo, T): what each irradiance sensor measures

    def take(self, start: int, stop: int | None) -> Exogenous:
        """The instants ``start:stop`` alone (``stop`` None: to the end)."""
        s = slice(start, stop)
        sensors = None if self.sensor_poa_w_m2 is None else self.sensor_poa_w_m2[:, s]
        powers = (self.pv_ac_w[:, s], self.pv_dc_w[:, s], self.load_w[:, s])
        return Exogenous(self.t_s[s], self.hour[s], self.ambient_c[s], *powers, sensors)


def _column(arrays: tuple[PvArray, ...] | tuple[MeteoSensor, ...], name: str) -> np.ndarray:
    """One parameter of every PV array (or sensor) as a column (n, 1), to broadcast against time."""
    return np.array([getattr(a, name) for a in arrays], dtype=np.float64)[:, None]


def exogenous(model: SiteModel, t_s: np.ndarray) -> Exogenous:
    """PV, loads and weather at the sorted UTC epoch times ``t_s`` [s] (vectorized)."""
    t_s = np.asarray(t_s, dtype=np.float64)
    lt = local_time(t_s, model.tz)
    ambient = ambient_temperature_c(model.seed, lt)
    n = t_s.shape[0]
    pv_ac = np.zeros((len(model.pv), n))
    pv_dc = np.zeros((len(model.pv), n))
    sensors = np.zeros((len(model.meteo), n))
    if model.pv or model.meteo:
        elevation, azimuth = solar_position_deg(t_s, model.latitude_deg, model.longitude_deg)
        ghi = clear_sky_ghi_w_m2(elevation) * clear_sky_index(model.seed, lt)
        extra = extraterrestrial_normal_w_m2(t_s)
    if model.meteo:
        tilts, azimuths = _column(model.meteo, "tilt_deg"), _column(model.meteo, "azimuth_deg")
        sensors = plane_of_array_w_m2(ghi, elevation, azimuth, extra, tilts, azimuths)
    if model.pv:
        tilts, azimuths = _column(model.pv, "tilt_deg"), _column(model.pv, "azimuth_deg")
        poa = plane_of_array_w_m2(ghi, elevation, azimuth, extra, tilts, azimuths)
        poa = poa * _column(model.pv, "derate")
        pv_dc = dc_power_w(poa, _column(model.pv, "dc_rated_w"), cell_temperature_c(poa, ambient))
        pv_ac = ac_power_w(pv_dc, _column(model.pv, "ac_rated_w"))
    load_w = np.zeros((0, n))
    if model.loads:
        load_w = load_powers_w(
            tuple((m.device_id, m.shape, m.base_w, m.rated_w) for m in model.loads),
            model.seed,
            t_s,
            lt,
            model.tz_key,
            daily_mean_temperature_c(model.seed, lt),
        )
    return Exogenous(t_s, lt.hour, ambient, pv_ac, pv_dc, load_w, sensors)


@dataclass
class StepResult:
    """Powers over a run of steps and the counters/SoC at each step's start (arrays over steps)."""

    t_s: np.ndarray  # step starts
    dt_s: np.ndarray  # step lengths
    exo: Exogenous
    power_w: dict[str, np.ndarray] = field(default_factory=dict)  # per device
    counters_start_wh: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    soc_start_pct: dict[str, np.ndarray] = field(default_factory=dict)


def counter_flows(role: Role, power_w: np.ndarray) -> dict[str, np.ndarray]:
    """The non-negative power [W] that feeds each energy counter of a device of ``role``."""
    positive, negative = COUNTERS_BY_ROLE[role]
    flows = {} if positive is None else {positive: np.maximum(power_w, 0.0) if negative else power_w}
    if negative is not None:
        flows[negative] = np.maximum(-power_w, 0.0)
    return flows


def dispatch_storage(
    model: SiteModel, exo: Exogenous, dt_s: np.ndarray, soc_pct: dict[str, float]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(power [W], SoC at step start [%]) of every storage unit over the steps; ``soc_pct`` is updated to the end."""
    surplus = exo.pv_ac_w.sum(axis=0) - exo.load_w.sum(axis=0)
    dt_list = dt_s.tolist()
    powers: dict[str, np.ndarray] = {}
    socs: dict[str, np.ndarray] = {}
    for unit in model.storage:
        battery = unit.battery
        if unit.plan is not None:  # peak-shaving (energymon.sim.dispatch)
            steps = plan_at(unit.plan, exo.t_s, model.tz)
            row, soc_row, soc_pct[unit.device_id] = dispatch_unit(
                battery, unit.share, steps, -surplus, dt_s, soc_pct[unit.device_id]
            )
            powers[unit.device_id], socs[unit.device_id] = np.array(row), np.array(soc_row)
            continue
        requests = requested_power_w(battery, unit.share, surplus, exo.hour).tolist()
        soc = soc_pct[unit.device_id]
        power_row = [0.0] * len(requests)
        soc_row = [0.0] * len(requests)
        for k, request in enumerate(requests):
            soc_row[k] = soc
            if request != 0.0:
                power = limited_power_w(battery, request, soc, dt_list[k])
                if power != 0.0:
                    power_row[k] = power
                    soc = soc_after_pct(battery, soc, power, dt_list[k])
        soc_pct[unit.device_id] = soc
        powers[unit.device_id] = np.array(power_row)
        socs[unit.device_id] = np.array(soc_row)
    return powers, socs


def simulate_steps(model: SiteModel, exo: Exogenous, dt_s: np.ndarray, state: dict[str, DeviceState]) -> StepResult:
    """Advance ``state`` over steps starting at ``exo.t_s`` of lengths ``dt_s`` [s]; ``state`` ends at the end."""
    dt_s = np.asarray(dt_s, dtype=np.float64)
    result = StepResult(exo.t_s, dt_s, exo)
    for i, array in enumerate(model.pv):
        result.power_w[array.device_id] = exo.pv_ac_w[i]
    for i, load in enumerate(model.loads):
        result.power_w[load.device_id] = exo.load_w[i]
    soc = {u.device_id: state[u.device_id].soc_pct for u in model.storage}
    storage_w, result.soc_start_pct = dispatch_storage(model, exo, dt_s, soc)
    result.power_w.update(storage_w)
    grid_w = grid_power_w(exo, storage_w, len(model.grids))
    for device_id in model.grids:
        result.power_w[device_id] = grid_w
    for sensor in model.meteo:
        result.power_w[sensor.device_id] = np.zeros(exo.t_s.shape)  # no power: never in the balance
    hours = dt_s / 3600.0
    for device in model.devices:
        st = state[device.id]
        starts: dict[str, np.ndarray] = {}
        for name, flow in counter_flows(device.role, result.power_w[device.id]).items():
            running = st.counters_wh[name] + np.cumsum(flow * hours)
            starts[name] = np.concatenate(([st.counters_wh[name]], running[:-1]))
            if running.size:
                st.counters_wh[name] = float(running[-1])
        result.counters_start_wh[device.id] = starts
        if device.role is Role.STORAGE:
            st.soc_pct = soc[device.id]
    return result


def grid_power_w(exo: Exogenous, storage_w: dict[str, np.ndarray], grids: int) -> np.ndarray:
    """Power of each grid meter [W] (+ import): what loads take beyond PV and storage, shared equally."""
    supplied = exo.pv_ac_w.sum(axis=0) + sum(storage_w.values(), np.zeros(exo.t_s.shape))
    return (exo.load_w.sum(axis=0) - supplied) / max(grids, 1)


def device_readings(
    device: Device,
    power_w: np.ndarray,
    t_s: np.ndarray,
    ambient_c: np.ndarray,
    pv_dc_w: np.ndarray | None,
    soh_pct: float,
    sensor_poa_w_m2: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The secondary readings of a device (inverter DC power and status, temperatures, electrical, and the
    transformer ratios a meter holds, served only by profiles that read them); a weather sensor's
    plane-of-array irradiance [W/m2] (``sensor_poa_w_m2``)."""
    if device.role is Role.METEO:
        assert sensor_poa_w_m2 is not None, "a weather sensor measures an irradiance"
        poa = np.asarray(sensor_poa_w_m2, dtype=np.float64)
        return {"irradiance_w_m2": poa, "temperature_c": cell_temperature_c(poa, ambient_c)}  # a reference cell
    rated_w = device.rated_power_kw * 1000.0
    out = readings.electrical(device.role, power_w, t_s)
    out["ct_ratio"] = np.full(np.shape(power_w), device.sim.ct_ratio)
    out["pt_ratio"] = np.full(np.shape(power_w), device.sim.pt_ratio)
    if device.role is Role.PV:
        assert pv_dc_w is not None, "a PV device has a DC power"
        out["dc_power_w"] = pv_dc_w
        out.update(readings.pv_status(power_w, rated_w, ambient_c))
    elif device.role is Role.STORAGE:
        out.update(readings.storage_status(power_w, rated_w))
        out["soh_pct"] = np.full(np.shape(power_w), soh_pct)
    return out
