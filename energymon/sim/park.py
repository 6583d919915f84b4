"""The simulated park: the live, stateful view of the physics in :mod:`energymon.sim.model`.

:meth:`Park.advance_to` integrates the park forward in steps of at most
``step_s`` seconds with :func:`~energymon.sim.model.simulate_steps` (the same
engine the history generator uses). Powers are held constant over each step
and every counter integrates its power exactly over the step, so the counters
balance: ``d(pv yield) + d(import) - d(export) + d(discharged) - d(charged) = d(sum of loads)``.

Sign conventions are those of drivers.quantities (storage + = discharge,
grid + = import). Values are canonical (as installed correctly); a device with
``invert = true`` (or ``invert_power`` / ``swap_counters``) is served with its
direction flipped, and a transformer-connected meter its secondary readings, by
:meth:`Park.device_view`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from drivers.quantities import Role, allowed_for
from drivers.signs import oriented
from drivers.transformer_ratios import to_secondary
from energymon.atomic_file import replaced_when_complete
from energymon.config import Config, Device
from energymon.sim.model import (
    DeviceState,
    Exogenous,
    SiteModel,
    build_model,
    device_readings,
    dispatch_storage,
    exogenous,
    grid_power_w,
    initial_state,
    simulate_steps,
)

CATCH_UP_STEPS = 200_000  # a longer gap (demo off for days) is integrated in at most this many coarser steps
BLOCK_STEPS = 50_000  # steps evaluated at once (bounds memory on long catch-ups)
STATE_VERSION = 1


@dataclass
class SimDevice:
    device: Device
    power_w: float = 0.0
    counters_wh: dict[str, float] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)
    soc_pct: float = 50.0
    capacity_wh: float = 0.0
    soh_pct: float = 100.0


class Park:
    """All devices of a config, advanced together in time.

    ``start_s`` is the UTC epoch time [s] of the initial state. ``seed`` selects
    the weather, load variation and the initial counter readings.
    """

    def __init__(self, config: Config, start_s: float, seed: int = 1, step_s: float = 1.0) -> None:
        self.config = config
        self.seed = seed
        self.step_s = step_s
        self.t_s = float(start_s)
        self.tz = config.site.tz
        self.model: SiteModel = build_model(config, seed)
        capacity = {u.device_id: u.battery.capacity_wh for u in self.model.storage}
        self.devices: dict[str, SimDevice] = {}
        for device_id, st in initial_state(self.model).items():
            device = config.device(device_id)
            self.devices[device_id] = SimDevice(
                device, 0.0, st.counters_wh, {}, st.soc_pct, capacity.get(device_id, 0.0), st.soh_pct
            )
        self._pv_index = {a.device_id: i for i, a in enumerate(self.model.pv)}  # row of each inverter in Exogenous
        self._sensor_index = {s.device_id: j for j, s in enumerate(self.model.meteo)}
        self._compute_powers(exogenous(self.model, np.array([self.t_s])))

    # -- time ----------------------------------------------------------------
    def advance_to(self, t_s: float) -> None:
        """Integrate the park forward to UTC epoch time ``t_s`` [s]; earlier times are ignored.

        Long jumps (a restart after the demo was off) use coarser steps, at most
        ``CATCH_UP_STEPS`` of them; counters still integrate each step exactly.
        """
        gap = t_s - self.t_s
        if gap <= 0:
            return
        step_s = max(self.step_s, gap / CATCH_UP_STEPS)
        count = max(1, math.ceil(gap / step_s - 1e-9))
        starts = self.t_s + step_s * np.arange(count)
        ends = np.append(starts[1:], t_s)
        state = self._state()
        exo: Exogenous | None = None
        for first in range(0, count, BLOCK_STEPS):
            last = min(first + BLOCK_STEPS, count)
            times = starts[first:last]
            if last == count:  # the instant after the last step, for the new current powers
                times = np.append(times, t_s)
            exo = exogenous(self.model, times)
            simulate_steps(self.model, exo.take(0, last - first), ends[first:last] - starts[first:last], state)
        self._load_state(state)
        self.t_s = float(t_s)
        assert exo is not None  # count >= 1: the loop ran
        self._compute_powers(exo.take(-1, None))

    def _state(self) -> dict[str, DeviceState]:
        return {d: DeviceState(dict(s.counters_wh), s.soc_pct, s.soh_pct) for d, s in self.devices.items()}

    def _load_state(self, state: dict[str, DeviceState]) -> None:
        for device_id, st in state.items():
            sim = self.devices[device_id]
            sim.counters_wh = st.counters_wh
            sim.soc_pct = st.soc_pct

    def _compute_powers(self, exo) -> None:
        """Set every device's power and readings at the current time (``exo`` holds that one instant)."""
        model = self.model
        powers: dict[str, np.ndarray] = {}
        for i, array in enumerate(model.pv):
            powers[array.device_id] = exo.pv_ac_w[i]
        for i, load in enumerate(model.loads):
            powers[load.device_id] = exo.load_w[i]
        for sensor in model.meteo:
            powers[sensor.device_id] = np.zeros(1)  # a weather sensor has no power
        soc = {u.device_id: self.devices[u.device_id].soc_pct for u in model.storage}
        storage_w, _ = dispatch_storage(model, exo, np.array([self.step_s]), soc)
        powers.update(storage_w)
        grid_w = grid_power_w(exo, storage_w, len(model.grids))
        for device_id, sim in self.devices.items():
            sim.power_w = float(powers.get(device_id, grid_w)[0])
            sim.extra = {}  # the secondary readings of this instant, computed when first asked for
        self._instant = exo

    def _extras(self, sim: SimDevice) -> dict[str, float]:
        if not sim.extra:
            exo = self._instant
            i = self._pv_index.get(sim.device.id)
            dc = exo.pv_dc_w[i] if i is not None else None
            sensor = self._sensor_index.get(sim.device.id)
            poa = exo.sensor_poa_w_m2[sensor] if sensor is not None and exo.sensor_poa_w_m2 is not None else None
            extras = device_readings(sim.device, np.array([sim.power_w]), exo.t_s, exo.ambient_c, dc, sim.soh_pct, poa)
            sim.extra = {q: float(v[0]) for q, v in extras.items()}
        return sim.extra

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

        The saved time must not be later than the current one; the park then
        integrates from the saved time to the current one, so the counters keep
        counting through the gap.
        """
        try:
            saved = state["devices"]
            fits = (
                state.get("version") == STATE_VERSION
                and float(state["t_s"]) <= self.t_s
                and set(saved) == set(self.devices)
                and all(set(saved[d]["counters_wh"]) == set(sim.counters_wh) for d, sim in self.devices.items())
            )
            counters = {d: {k: float(v) for k, v in saved[d]["counters_wh"].items()} for d in self.devices}
            socs = {d: float(saved[d]["soc_pct"]) for d in self.devices}
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        if not fits:
            return False
        target = self.t_s
        self.t_s = float(state["t_s"])
        for device_id, sim in self.devices.items():
            sim.counters_wh = counters[device_id]
            sim.soc_pct = socs[device_id]
        self._compute_powers(exogenous(self.model, np.array([self.t_s])))
        self.advance_to(target)
        return True

    def continue_from(self, last: Mapping[str, Mapping[str, float]], t_s: float) -> list[str]:
        """Continue the counters (and SoC) a site's database last stored at ``t_s``, so nothing steps back.

        ``last`` maps device id -> {quantity: value} (counters in Wh, ``soc_pct``), as
        the collector stored them (canonical). Devices or counters missing from it
        keep their fresh values. The park integrates from ``t_s`` to its current
        time (when ``t_s`` is not later), so the counters also count the gap.
        Returns the ids of the devices that were continued.
        """
        continued = []
        for device_id, sim in self.devices.items():
            stored = last.get(device_id, {})
            counters = {q: float(stored[q]) for q in sim.counters_wh if q in stored}
            if counters:
                sim.counters_wh = {**sim.counters_wh, **counters}
                continued.append(device_id)
            if "soc_pct" in stored and sim.device.role is Role.STORAGE:
                sim.soc_pct = float(stored["soc_pct"])
        if continued and t_s <= self.t_s:
            target, self.t_s = self.t_s, float(t_s)
            self._compute_powers(exogenous(self.model, np.array([self.t_s])))
            self.advance_to(target)
        return continued

    # -- views -----------------------------------------------------------------
    def values(self, device_id: str) -> dict[str, float]:
        """Canonical values of a device at the current time (base units, our sign convention)."""
        sim = self.devices[device_id]
        out = dict(self._extras(sim))
        out["power_w"] = sim.power_w
        out.update(sim.counters_wh)
        if sim.device.role is Role.STORAGE:
            out["soc_pct"] = sim.soc_pct
        profile = sim.device.profile
        wanted = allowed_for(sim.device.role) if profile is None else profile.quantities
        return {q: v for q, v in out.items() if q in wanted}

    def device_view(self, device_id: str) -> dict[str, float]:
        """What the physical device reports: canonical values, flipped as it is installed (``invert``,
        ``invert_power``, ``swap_counters``), on the secondary side of its transformers (``ct_ratio``,
        ``pt_ratio``)."""
        device = self.devices[device_id].device
        values = oriented(device.role, self.values(device_id), device.flips_power, device.swaps_counters)
        return to_secondary(values, device.ct_ratio, device.pt_ratio)


def save_park_state(path: Path, state: dict) -> None:
    """Write a :meth:`Park.state` to ``path`` atomically (a crash leaves the old file or the new one), through an
    exclusively created temporary file, never through a link planted at the target (energymon.atomic_file)."""
    with replaced_when_complete(path) as out:
        out.write(json.dumps(state))
