"""Fast synthetic history: what the collector would have stored for a config over N days.

The park's physics run with the same engine as the live simulator
(:func:`energymon.sim.model.exogenous` and :func:`~energymon.sim.model.simulate_steps`,
which :class:`energymon.sim.park.Park` uses too), vectorized over a day at a
time on an internal grid of ``step_s`` seconds (default 5 s): PV, loads and
weather for all steps at once, storage dispatch step by step (SoC is
sequential), the grid meter closing the balance, every counter the exact
integral of its piecewise-constant power. Each device is then sampled at its
own poll times, staggered like the collector staggers the devices of one
connection (device i of n on a connection first polled ``poll_interval_s * i / n``
after the start, then every ``poll_interval_s``). A sample between two step
boundaries gets the power of its step and the counters (and SoC) integrated up
to its instant, so sampled counters are exact too.

API
---
``generate_history(config, start_s, end_s, seed=1, chunk_s=86400.0, step_s=5.0, state=None, full=False)``
    -> ``Iterator[HistoryChunk]``

    Generates ``[start_s, end_s)`` (UTC epoch seconds) in chunks of
    ``chunk_s`` seconds (rounded to whole steps), so a caller can write day by
    day and show progress (``chunk.index``, ``chunk.count``,
    ``chunk.progress``). Each :class:`HistoryChunk` holds, per device id, a
    :class:`DeviceSamples`: ``ts_ms`` (int64 UTC epoch milliseconds, ascending)
    and ``values`` (quantity name -> float64 array of the same length):
    canonical quantities in base units with energymon's sign conventions, as
    the collector stores them (after ``invert``), for every quantity the
    device's profile maps (``profile = "sunspec"``: the quantities of the
    role's SunSpec models, drivers.sunspec_map; SunSpec storage has no energy
    counters). ``full=True`` gives every quantity the model has instead (for
    tests and accounting checks). The last chunk carries ``final_state``: the
    park's state at ``end_s`` in the format of :meth:`Park.state`, so
    ``Park(config, now, seed).restore(final_state)`` continues the counters
    without a jump. ``state`` (a :meth:`Park.state`) starts the history from a
    saved state instead of the seed's fresh park; its ``t_s`` replaces
    ``start_s``.

``history_end_state(config, start_s, end_s, seed=1, step_s=5.0, state=None)`` -> ``dict``
    Only the final state (no sampling): where the counters stand at ``end_s``.

``poll_offsets_s(config)`` -> ``dict[str, float]``
    The collector's stagger: each device's first poll after the start [s].

``sampled_quantities(device, full=False)`` -> ``frozenset[str]``
    The quantities stored for a device.

Deterministic: the same config, seed, time range and step give identical
arrays. Values are not quantized to register resolution (the collector's
stored values would be, within each profile's scale).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from drivers.quantities import Role, allowed_for
from drivers.sunspec_map import ROLE_MAP
from energymon.config import Config, Device
from energymon.sim.model import (
    DeviceState,
    SiteModel,
    StepResult,
    build_model,
    counter_flows,
    device_readings,
    exogenous,
    initial_state,
    simulate_steps,
)
from energymon.sim.park import STATE_VERSION

DEFAULT_STEP_S = 5.0
DAY_S = 86_400.0


@dataclass(frozen=True)
class DeviceSamples:
    """One device's samples: UTC epoch milliseconds and the values of each quantity at those instants."""

    ts_ms: np.ndarray  # int64, ascending
    values: dict[str, np.ndarray]  # quantity -> float64, same length as ts_ms


@dataclass(frozen=True)
class HistoryChunk:
    """The samples of ``[start_s, end_s)`` for every device; the last chunk also has ``final_state``."""

    start_s: float
    end_s: float
    index: int
    count: int
    devices: dict[str, DeviceSamples] = field(default_factory=dict)
    final_state: dict | None = None

    @property
    def progress(self) -> float:
        """Share of the whole history done once this chunk is written, 0..1."""
        return (self.index + 1) / self.count

    @property
    def sample_count(self) -> int:
        """Number of (instant, quantity) values in this chunk."""
        return sum(s.ts_ms.size * len(s.values) for s in self.devices.values())


def poll_offsets_s(config: Config) -> dict[str, float]:
    """First poll of each device after the collector starts [s]: device i of n on a connection at interval * i / n."""
    offsets: dict[str, float] = {}
    for name in config.connections:
        members = [d for d in config.devices if d.connection == name]
        for i, device in enumerate(members):
            offsets[device.id] = device.poll_interval_s * i / len(members)
    return offsets


def sampled_quantities(device: Device, full: bool = False) -> frozenset[str]:
    """The quantities stored for ``device``: what its profile maps (SunSpec: its role's models), or all."""
    if full:
        return allowed_for(device.role)
    if device.profile is None:
        return frozenset(ROLE_MAP[device.role])
    return frozenset(device.profile.simulated_quantities)  # what the simulated device serves, as live


def _start_state(model: SiteModel, state: dict | None) -> dict[str, DeviceState]:
    fresh = initial_state(model)
    if state is None:
        return fresh
    if state.get("version") != STATE_VERSION:
        raise ValueError(f"state version {state.get('version')!r} is not {STATE_VERSION}")
    saved = state["devices"]
    if set(saved) != set(fresh) or any(set(saved[d]["counters_wh"]) != set(fresh[d].counters_wh) for d in fresh):
        raise ValueError("the state is not of this park (devices or counters differ)")
    return {
        d: DeviceState(
            {k: float(v) for k, v in saved[d]["counters_wh"].items()}, float(saved[d]["soc_pct"]), fresh[d].soh_pct
        )
        for d in fresh
    }


def _park_state(seed: int, t_s: float, state: dict[str, DeviceState]) -> dict:
    return {
        "version": STATE_VERSION,
        "seed": seed,
        "t_s": float(t_s),
        "devices": {d: {"counters_wh": dict(st.counters_wh), "soc_pct": st.soc_pct} for d, st in state.items()},
    }


def _chunks(
    start_s: float, end_s: float, chunk_s: float, step_s: float
) -> Iterator[tuple[int, int, np.ndarray, float, float]]:
    """(index, count, step starts, start, end) of each chunk: whole steps of ``step_s``, the last one maybe short.

    Step k starts at start_s + k * step_s however the steps are chunked.
    """
    steps = max(1, math.ceil((end_s - start_s) / step_s - 1e-9))
    per_chunk = max(1, round(chunk_s / step_s))
    count = math.ceil(steps / per_chunk)
    for index in range(count):
        first = index * per_chunk
        last = min(steps, first + per_chunk)
        times = start_s + step_s * np.arange(first, last)
        yield index, count, times, float(times[0]), end_s if last == steps else start_s + last * step_s


def _sample_times_ms(first_ms: int, poll_ms: int, t0_s: float, t1_s: float) -> np.ndarray:
    """Poll instants first_ms + j * poll_ms [ms] that fall in [t0_s, t1_s)."""
    lo = max(0, math.floor((t0_s * 1000.0 - first_ms) / poll_ms) - 1)
    hi = max(lo, math.ceil((t1_s * 1000.0 - first_ms) / poll_ms) + 1)
    ts = first_ms + poll_ms * np.arange(lo, hi, dtype=np.int64)
    t = ts / 1000.0
    return ts[(t >= t0_s) & (t < t1_s)]


def _sample_device(
    device: Device,
    result: StepResult,
    ts_ms: np.ndarray,
    wanted: frozenset[str],
    soh_pct: float,
    soc_end: float | None,
    pv_row: int | None,
    sensor_row: int | None = None,
) -> DeviceSamples:
    t = ts_ms / 1000.0
    k = np.clip(np.searchsorted(result.t_s, t, side="right") - 1, 0, result.t_s.size - 1)
    into_h = (t - result.t_s[k]) / 3600.0
    power = result.power_w[device.id][k]
    values: dict[str, np.ndarray] = {"power_w": power}
    for name, flow in counter_flows(device.role, result.power_w[device.id]).items():
        values[name] = result.counters_start_wh[device.id][name][k] + flow[k] * into_h
    if device.role is Role.STORAGE:
        soc = result.soc_start_pct[device.id]
        assert soc_end is not None, "a storage device has a state of charge"
        soc_next = np.append(soc[1:], soc_end)
        values["soc_pct"] = soc[k] + (soc_next[k] - soc[k]) * (t - result.t_s[k]) / result.dt_s[k]
    extras_wanted = wanted - values.keys()
    if extras_wanted:
        exo = result.exo
        dc = exo.pv_dc_w[pv_row][k] if pv_row is not None else None
        poa = exo.sensor_poa_w_m2[sensor_row][k] if sensor_row is not None and exo.sensor_poa_w_m2 is not None else None
        extras = device_readings(device, power, t, exo.ambient_c[k], dc, soh_pct, poa)
        values.update({q: v for q, v in extras.items() if q in extras_wanted})
    return DeviceSamples(ts_ms, {q: np.asarray(v, dtype=np.float64) for q, v in values.items() if q in wanted})


def _prepare(
    config: Config, start_s: float, end_s: float, seed: int, state: dict | None
) -> tuple[SiteModel, dict[str, DeviceState], float]:
    """The model, the starting device states and the real start time (a saved state's own time wins)."""
    model = build_model(config, seed)
    current = _start_state(model, state)
    if state is not None:
        start_s = float(state["t_s"])
    if end_s <= start_s:
        raise ValueError(f"end_s ({end_s}) must be after start_s ({start_s})")
    return model, current, start_s


def generate_history(
    config: Config,
    start_s: float,
    end_s: float,
    seed: int = 1,
    chunk_s: float = DAY_S,
    step_s: float = DEFAULT_STEP_S,
    state: dict | None = None,
    full: bool = False,
) -> Iterator[HistoryChunk]:
    """Samples of every device over ``[start_s, end_s)`` chunk by chunk (see the module docstring)."""
    if step_s <= 0 or chunk_s <= 0:
        raise ValueError("step_s and chunk_s must be positive")
    model, current, start_s = _prepare(config, start_s, end_s, seed, state)
    start_ms = math.ceil(start_s * 1000.0)
    offsets = poll_offsets_s(config)
    schedule = {
        d.id: (start_ms + round(offsets[d.id] * 1000.0), max(1, round(d.poll_interval_s * 1000.0)))
        for d in config.devices
    }
    wanted = {d.id: sampled_quantities(d, full) for d in config.devices}
    pv_row = {a.device_id: i for i, a in enumerate(model.pv)}
    sensor_row = {s.device_id: i for i, s in enumerate(model.meteo)}
    for index, count, times, t0, t1 in _chunks(start_s, end_s, chunk_s, step_s):
        dt = np.append(times[1:], t1) - times
        result = simulate_steps(model, exogenous(model, times), dt, current)
        devices = {}
        for device in config.devices:
            first_ms, poll_ms = schedule[device.id]
            ts_ms = _sample_times_ms(first_ms, poll_ms, t0, t1)
            devices[device.id] = _sample_device(
                device,
                result,
                ts_ms,
                wanted[device.id],
                current[device.id].soh_pct,
                current[device.id].soc_pct,
                pv_row.get(device.id),
                sensor_row.get(device.id),
            )
        final = _park_state(seed, t1, current) if index == count - 1 else None
        yield HistoryChunk(t0, t1, index, count, devices, final)


def history_end_state(
    config: Config,
    start_s: float,
    end_s: float,
    seed: int = 1,
    step_s: float = DEFAULT_STEP_S,
    state: dict | None = None,
) -> dict:
    """The park's state (:meth:`Park.state` format) at ``end_s`` after the history, without sampling."""
    model, current, start_s = _prepare(config, start_s, end_s, seed, state)
    for _, _, times, _, t1 in _chunks(start_s, end_s, DAY_S, step_s):
        simulate_steps(model, exogenous(model, times), np.append(times[1:], t1) - times, current)
    return _park_state(seed, end_s, current)
