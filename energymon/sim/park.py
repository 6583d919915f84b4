"""The simulated park: a stateful model that advances in small steps.

Powers are held constant over each step (at most ``step_s`` seconds) and every
counter integrates its power exactly over the step, so the counters balance:
``d(pv yield) + d(import) - d(export) + d(discharged) - d(charged) = d(sum of loads)``.

Sign conventions are those of drivers.quantities (storage + = discharge,
grid + = import). Values are canonical (as installed correctly); a device with
``invert = true`` is served with its direction flipped by :meth:`Park.device_view`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone

from drivers.quantities import Role, allowed_for
from energymon.config import Config, Device
from energymon.invert import invert_values
from energymon.sim.profiles import ambient_temperature_c, load_factor, weather_factor
from energymon.sim.solar import clear_sky_ghi_w_m2, pv_ac_power_w, solar_elevation_deg

DC_AC_RATIO = 1.2
SOC_MIN_PCT, SOC_MAX_PCT = 10.0, 95.0
ONE_WAY_EFFICIENCY = 0.95  # round trip about 0.90
EVENING_PEAK_HOURS = (17.0, 22.0)
LV_PHASE_VOLTAGE_V = 230.0
MV_PHASE_VOLTAGE_V = 10_000.0 / math.sqrt(3)
CATCH_UP_STEPS = 20_000
STATE_VERSION = 1


@dataclass
class SimDevice:
    device: Device
    seed: int
    power_w: float = 0.0
    counters_wh: dict[str, float] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)
    soc_pct: float = 50.0
    capacity_wh: float = 0.0
    orientation: float = 1.0  # PV: share of plane irradiance after roof pitch and soiling


class Park:
    """All devices of a config, advanced together in time.

    ``start_s`` is the UTC epoch time [s] of the initial state. ``seed`` selects
    the weather, load noise and the initial counter readings.
    """

    def __init__(self, config: Config, start_s: float, seed: int = 1, step_s: float = 1.0) -> None:
        self.config = config
        self.seed = seed
        self.step_s = step_s
        self.t_s = start_s
        self.tz = config.site.tz
        self.devices: dict[str, SimDevice] = {}
        for index, device in enumerate(config.devices):
            rng = random.Random(seed * 7919 + index)
            sim = SimDevice(device, seed * 1000 + index)
            rated_w = device.rated_power_kw * 1000
            if device.role is Role.PV:
                sim.counters_wh = {"yield_wh": rated_w * rng.uniform(1500, 4000)}
                sim.orientation = rng.uniform(0.96, 1.0)
            elif device.role is Role.STORAGE:
                cap_kwh = device.sim.capacity_kwh or device.rated_power_kw * 2
                sim.capacity_wh = cap_kwh * 1000
                sim.soc_pct = rng.uniform(40, 60)
                cycles = rng.uniform(200, 600)
                sim.counters_wh = {"charged_wh": sim.capacity_wh * cycles / ONE_WAY_EFFICIENCY,
                                   "discharged_wh": sim.capacity_wh * cycles * ONE_WAY_EFFICIENCY}
                sim.extra["soh_pct"] = rng.uniform(92, 99)
            elif device.role is Role.LOAD:
                sim.counters_wh = {"consumed_wh": rated_w * rng.uniform(3000, 9000)}
            else:
                sim.counters_wh = {"imported_wh": rated_w * rng.uniform(2000, 5000),
                                   "exported_wh": rated_w * rng.uniform(50, 300)}
            self.devices[device.id] = sim
        self._compute_powers()

    # -- time ----------------------------------------------------------------
    def advance_to(self, t_s: float) -> None:
        """Integrate the park forward to UTC epoch time ``t_s`` [s]; earlier times are ignored.

        Long jumps (a restart after the demo was off) use coarser steps, at most
        ``CATCH_UP_STEPS`` of them; counters still integrate each step exactly.
        """
        step_s = max(self.step_s, (t_s - self.t_s) / CATCH_UP_STEPS)
        while self.t_s < t_s:
            dt = min(step_s, t_s - self.t_s)
            self._integrate(dt)
            self.t_s += dt
            self._compute_powers()

    def _integrate(self, dt_s: float) -> None:
        hours = dt_s / 3600.0
        for sim in self.devices.values():
            p = sim.power_w
            role = sim.device.role
            if role is Role.PV:
                sim.counters_wh["yield_wh"] += p * hours
            elif role is Role.LOAD:
                sim.counters_wh["consumed_wh"] += p * hours
            elif role is Role.STORAGE:
                if p < 0:
                    sim.counters_wh["charged_wh"] += -p * hours
                    sim.soc_pct += -p * hours * ONE_WAY_EFFICIENCY / sim.capacity_wh * 100
                else:
                    sim.counters_wh["discharged_wh"] += p * hours
                    sim.soc_pct -= p * hours / ONE_WAY_EFFICIENCY / sim.capacity_wh * 100
                sim.soc_pct = min(100.0, max(0.0, sim.soc_pct))
            else:
                key = "imported_wh" if p >= 0 else "exported_wh"
                sim.counters_wh[key] += abs(p) * hours

    def _compute_powers(self) -> None:
        when = datetime.fromtimestamp(self.t_s, timezone.utc)
        local = when.astimezone(self.tz)
        site = self.config.site
        elevation = solar_elevation_deg(when, site.latitude, site.longitude)
        irradiance = clear_sky_ghi_w_m2(elevation) * weather_factor(self.seed, local)
        ambient = ambient_temperature_c(local)
        cell_temp = ambient + irradiance / 800.0 * 25.0
        hour = local.hour + local.minute / 60 + local.second / 3600

        pv_total = load_total = 0.0
        for sim in self.devices.values():
            d = sim.device
            rated_w = d.rated_power_kw * 1000
            if d.role is Role.PV:
                ac, dc = pv_ac_power_w(irradiance * sim.orientation, rated_w * DC_AC_RATIO, rated_w, cell_temp)
                sim.power_w = ac
                sim.extra["dc_power_w"] = dc
                sim.extra["temperature_c"] = ambient + 18.0 * ac / rated_w
                sim.extra["status_code"] = 0.0 if ac <= 0 else (2.0 if ac >= rated_w - 1e-6 else 1.0)
                pv_total += ac
            elif d.role is Role.LOAD:
                base_w = (d.sim.base_load_kw or d.rated_power_kw * 0.4) * 1000
                factor = load_factor(d.sim.load_shape or "warehouse", sim.seed, local, self.t_s)
                sim.power_w = min(rated_w, base_w * factor)
                load_total += sim.power_w
        storage_total = self._dispatch_storage(pv_total - load_total, hour)
        for sim in self.devices.values():
            if sim.device.role is Role.GRID:
                # The one grid meter closes the balance; with several, they share it equally.
                grids = sum(1 for s in self.devices.values() if s.device.role is Role.GRID)
                sim.power_w = (load_total - pv_total - storage_total) / grids
        self._electrical(local)

    def _dispatch_storage(self, surplus_w: float, hour: float) -> float:
        """Charge from PV surplus; discharge into the evening peak. Returns site storage power [W]."""
        units = [s for s in self.devices.values() if s.device.role is Role.STORAGE]
        if not units:
            return 0.0
        total_rated = sum(s.device.rated_power_kw * 1000 for s in units)
        if surplus_w > 0:
            request = -min(surplus_w, total_rated)  # charge (negative)
        elif EVENING_PEAK_HOURS[0] <= hour < EVENING_PEAK_HOURS[1]:
            request = min(-surplus_w, total_rated)  # discharge (positive)
        else:
            request = 0.0
        total = 0.0
        for s in units:
            rated_w = s.device.rated_power_kw * 1000
            share = request * rated_w / total_rated
            if share < 0 and s.soc_pct >= SOC_MAX_PCT:
                share = 0.0
            if share > 0 and s.soc_pct <= SOC_MIN_PCT:
                share = 0.0
            s.power_w = share
            s.extra["temperature_c"] = 22.0 + 8.0 * abs(share) / rated_w
            s.extra["status_code"] = 0.0 if share == 0 else (1.0 if share < 0 else 2.0)
            total += share
        return total

    def _electrical(self, local: datetime) -> None:
        wobble = math.sin(self.t_s / 37.0)
        frequency = 50.0 + 0.03 * math.sin(self.t_s / 23.0)
        for sim in self.devices.values():
            mv = sim.device.role is Role.GRID
            phase_v = (MV_PHASE_VOLTAGE_V if mv else LV_PHASE_VOLTAGE_V) * (1 + 0.01 * wobble)
            pf = 0.98 if sim.device.role is not Role.PV else 0.99
            current = abs(sim.power_w) / (3 * phase_v * pf)
            for i, skew in enumerate((1.0, 0.995, 1.004), start=1):
                sim.extra[f"voltage_l{i}_v"] = phase_v * skew
                sim.extra[f"current_l{i}_a"] = current / skew
            sim.extra["frequency_hz"] = frequency
            sim.extra["power_factor"] = pf
            sim.extra["reactive_power_var"] = sim.power_w * math.tan(math.acos(pf))

    # -- persistence -------------------------------------------------------------
    def state(self) -> dict:
        """What must survive a restart: time, counters and state of charge (JSON-able)."""
        return {
            "version": STATE_VERSION,
            "seed": self.seed,
            "t_s": self.t_s,
            "devices": {
                device_id: {"counters_wh": dict(sim.counters_wh), "soc_pct": sim.soc_pct}
                for device_id, sim in self.devices.items()
            },
        }

    def restore(self, state: dict) -> bool:
        """Continue from a saved :meth:`state` of the same park; False (and no change) if it does not fit.

        The saved time must not be later than the current one; the caller then
        :meth:`advance_to` now, so the counters keep counting through the gap.
        """
        try:
            saved = state["devices"]
            fits = (state.get("version") == STATE_VERSION and float(state["t_s"]) <= self.t_s
                    and set(saved) == set(self.devices)
                    and all(set(saved[d]["counters_wh"]) == set(sim.counters_wh) for d, sim in self.devices.items()))
        except (KeyError, TypeError, ValueError):
            return False
        if not fits:
            return False
        target = self.t_s
        self.t_s = float(state["t_s"])
        for device_id, sim in self.devices.items():
            sim.counters_wh = {k: float(v) for k, v in saved[device_id]["counters_wh"].items()}
            sim.soc_pct = float(saved[device_id]["soc_pct"])
        self._compute_powers()
        self.advance_to(target)
        return True

    # -- views -----------------------------------------------------------------
    def values(self, device_id: str) -> dict[str, float]:
        """Canonical values of a device at the current time (base units, our sign convention)."""
        sim = self.devices[device_id]
        out = dict(sim.extra)
        out["power_w"] = sim.power_w
        out.update(sim.counters_wh)
        if sim.device.role is Role.STORAGE:
            out["soc_pct"] = sim.soc_pct
        profile = sim.device.profile
        wanted = allowed_for(sim.device.role) if profile is None else profile.quantities
        return {q: v for q, v in out.items() if q in wanted}

    def device_view(self, device_id: str) -> dict[str, float]:
        """What the physical device reports: canonical values, flipped if installed inverted."""
        values = self.values(device_id)
        device = self.devices[device_id].device
        if device.invert:
            values = invert_values(device.role, values)
        return values
