"""The secondary readings a simulated device reports besides power and energy. Pure, vectorized.

From a device's active power [W] (our sign convention) and the time:
phase voltages (230 V low voltage; 10 kV / sqrt(3) for the grid meter at the
10 kV connection) with a slow +-1 % wobble and a small phase imbalance, the
line-to-line voltages between them (phasors 120 degrees apart), phase
currents I = |P| / (3 U pf), grid frequency 50 Hz +- 0.03 Hz, power factor
0.99 (PV) or 0.98, reactive power P tan(acos pf). PV inverters add the
inverter temperature (ambient + 18 K at full load) and a status code
(0 standby, 1 MPPT, 2 power limited at the rated AC power); storage units add
their temperature (22 degC + 8 K at full power) and a status code (0 idle,
1 charging, 2 discharging).
"""

from __future__ import annotations

import math

import numpy as np

from drivers.quantities import Role

LV_PHASE_VOLTAGE_V = 230.0
MV_PHASE_VOLTAGE_V = 10_000.0 / math.sqrt(3)
PHASE_SKEW = (1.0, 0.995, 1.004)


def electrical(role: Role, power_w: np.ndarray, t_s: np.ndarray) -> dict[str, np.ndarray]:
    """Voltages, currents, frequency, power factor and reactive power of a meter or inverter."""
    power_w = np.asarray(power_w, dtype=np.float64)
    t_s = np.asarray(t_s, dtype=np.float64)
    wobble = np.sin(t_s / 37.0)
    nominal = MV_PHASE_VOLTAGE_V if role is Role.GRID else LV_PHASE_VOLTAGE_V
    phase_v = nominal * (1.0 + 0.01 * wobble)
    pf = 0.99 if role is Role.PV else 0.98
    current = np.abs(power_w) / (3.0 * phase_v * pf)
    out: dict[str, np.ndarray] = {}
    for i, skew in enumerate(PHASE_SKEW, start=1):
        out[f"voltage_l{i}_v"] = phase_v * skew
        out[f"current_l{i}_a"] = current / skew
    for a, b in ((1, 2), (2, 3), (3, 1)):
        ua, ub = out[f"voltage_l{a}_v"], out[f"voltage_l{b}_v"]
        out[f"voltage_l{a}_l{b}_v"] = np.sqrt(ua * ua + ub * ub + ua * ub)  # |Ua - Ub| at 120 degrees
    out["frequency_hz"] = 50.0 + 0.03 * np.sin(t_s / 23.0)
    out["power_factor"] = np.full(power_w.shape, pf)
    out["reactive_power_var"] = power_w * math.tan(math.acos(pf))
    return out


def pv_status(ac_w: np.ndarray, rated_w: float, ambient_c: np.ndarray) -> dict[str, np.ndarray]:
    """Inverter temperature [degC] and status code (0 standby, 1 MPPT, 2 limited at rated power)."""
    ac_w = np.asarray(ac_w, dtype=np.float64)
    status = np.where(ac_w <= 0.0, 0.0, np.where(ac_w >= rated_w - 1e-6, 2.0, 1.0))
    return {"temperature_c": ambient_c + 18.0 * ac_w / rated_w, "status_code": status}


def storage_status(power_w: np.ndarray, rated_w: float) -> dict[str, np.ndarray]:
    """Storage temperature [degC] and status code (0 idle, 1 charging, 2 discharging)."""
    power_w = np.asarray(power_w, dtype=np.float64)
    status = np.where(power_w == 0.0, 0.0, np.where(power_w < 0.0, 1.0, 2.0))
    return {"temperature_c": 22.0 + 8.0 * np.abs(power_w) / rated_w, "status_code": status}
