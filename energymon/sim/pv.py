"""PV array and inverter: plane-of-array irradiance to AC power. Pure, vectorized functions.

- Cell temperature (NOCT model): T_cell = T_amb + POA / 800 W/m2 * (NOCT - 20 K);
  NOCT = 47 degC for modules mounted close to a warehouse roof.
- DC power: P_dc = P_stc * POA / 1000 W/m2 * (1 + gamma * (T_cell - 25 degC)) * (1 - losses),
  gamma = -0.35 %/K (mono-Si PERC), DC losses 8 % (soiling 3, mismatch 2,
  wiring 1.5, light-induced and age degradation 1.5).
- Inverter: the PVWatts v5 part-load curve (Dobos 2014, NREL/TP-6A20-62641):
  eta = eta_nom / eta_ref * (-0.0162 z - 0.0059 / z + 0.9858), z = P_dc / P_dc0,
  P_dc0 = P_ac0 / eta_nom, eta_ref = 0.9637; eta_nom = 98 % (string inverters of
  the 100-300 kW class). AC power is clipped at the rated AC power P_ac0 and
  never negative (the inverter sleeps rather than draws).

Powers in W, irradiance in W/m2, temperatures in degC.
"""

from __future__ import annotations

import numpy as np

STC_IRRADIANCE_W_M2 = 1000.0
NOCT_C = 47.0
TEMP_COEFF_PER_K = -0.0035
DC_LOSSES = 0.08
INVERTER_NOMINAL_EFFICIENCY = 0.98
PVWATTS_REFERENCE_EFFICIENCY = 0.9637


def cell_temperature_c(poa_w_m2: np.ndarray, ambient_c: np.ndarray, noct_c: float = NOCT_C) -> np.ndarray:
    """Module cell temperature [degC] (NOCT model: + (NOCT - 20) K at 800 W/m2, linear in irradiance)."""
    return ambient_c + np.asarray(poa_w_m2) / 800.0 * (noct_c - 20.0)


def dc_power_w(
    poa_w_m2: np.ndarray,
    dc_rated_w: np.ndarray | float,
    cell_temp_c: np.ndarray,
    temp_coeff_per_k: float = TEMP_COEFF_PER_K,
    losses: float = DC_LOSSES,
) -> np.ndarray:
    """DC power of an array [W] rated ``dc_rated_w`` at STC; 0 without irradiance."""
    poa = np.maximum(np.asarray(poa_w_m2, dtype=np.float64), 0.0)
    derate = 1.0 + temp_coeff_per_k * (np.asarray(cell_temp_c) - 25.0)
    return dc_rated_w * poa / STC_IRRADIANCE_W_M2 * derate * (1.0 - losses)


def inverter_efficiency(
    dc_w: np.ndarray, ac_rated_w: np.ndarray | float, nominal: float = INVERTER_NOMINAL_EFFICIENCY
) -> np.ndarray:
    """Inverter efficiency at DC input ``dc_w`` [W] (PVWatts v5 part-load curve); 0 at no input."""
    dc = np.asarray(dc_w, dtype=np.float64)
    dc0 = ac_rated_w / nominal
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = dc / dc0
        eta = nominal / PVWATTS_REFERENCE_EFFICIENCY * (-0.0162 * z - 0.0059 / z + 0.9858)
    return np.where(dc > 0, np.clip(eta, 0.0, 1.0), 0.0)


def ac_power_w(
    dc_w: np.ndarray, ac_rated_w: np.ndarray | float, nominal: float = INVERTER_NOMINAL_EFFICIENCY
) -> np.ndarray:
    """Inverter AC output [W]: DC times the part-load efficiency, clipped at the rated AC power."""
    dc = np.asarray(dc_w, dtype=np.float64)
    return np.minimum(dc * inverter_efficiency(dc, ac_rated_w, nominal), ac_rated_w)
