"""PV performance figures: specific yield, full-load hours, peer-relative yield, ranking, performance ratio (pure).

Energies in Wh (as stored), rated powers in kW, irradiation in Wh/m2;
the figures carry their units in their names.

- **Basis**: the power the figures are per, :func:`park_basis`. With every
  inverter's array DC peak power configured (``dc_peak_power_kwp``) it is
  that, in kWp (:data:`BASIS_DC`, as the industry states PV figures);
  otherwise every inverter's rated AC power ``rated_power_kw``
  (:data:`BASIS_AC`), also for those that have a DC peak power: figures on
  two bases would be compared in the median and ranking silently (an array
  with DC/AC 1.2 would read 20 % better on AC), so a park with mixed bases
  is on AC throughout and says so.
- **Specific yield** [kWh/kW] = energy [kWh] / basis power [kW]: kWh/kWp on
  the DC basis, kWh per rated AC kW on the AC basis.
- **Full-load hours** [h]: the same number, read as the hours the array (or
  the inverter) would have needed at its basis power to produce the energy
  (equivalent full-load hours, 等效利用小时数).
- **Peer ratio**: an inverter's specific yield over the median specific yield
  of its peers over the same period (the inverters whose data covers the
  whole period). Over one period this is the inverter's mean kW per rated kW
  over the park median of the same. It is only given with at least
  :data:`MIN_PEERS` peers and a median of at least
  :data:`MIN_MEDIAN_YIELD_KWH_PER_KW` (before sunrise every ratio is 0 / 0);
  a ratio below :data:`LOW_PEER_RATIO` marks an underperformer.
- **Ranking**: by specific yield, highest first (rank 1); equal yields by
  device id.
- **Performance ratio** PR = specific yield [kWh/kW] / (plane-of-array
  irradiation [kWh/m2] / 1 kW/m2): the final yield over the reference yield
  of IEC 61724-1, without temperature correction; given once the irradiation
  is at least :data:`MIN_IRRADIATION_WH_M2`. IEC 61724-1 states it per DC
  peak power; on the AC basis, for arrays larger than their inverters (DC/AC
  ratio r > 1), the PR is r times the PR per kWp and may read above 100 %.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping

LOW_PEER_RATIO = 0.90  # an inverter below 90 % of the park median is an underperformer
MIN_PEERS = 3  # a median of fewer inverters says little (the pv_underperforming alarm asks as many)
MIN_MEDIAN_YIELD_KWH_PER_KW = 0.05  # 3 minutes at rated power: less, and the ratios are noise
MIN_IRRADIATION_WH_M2 = 50.0  # 3 minutes at 1 kW/m2: less (dawn), and the PR is noise
REFERENCE_IRRADIANCE_KW_M2 = 1.0  # the standard test condition's irradiance, 1000 W/m2
BASIS_DC = "dc"  # figures per DC peak power [kWp] of the arrays
BASIS_AC = "ac"  # figures per rated AC power [kW] of the inverters


def park_basis(dc_peak_powers_kwp: Iterable[float | None]) -> str:
    """:data:`BASIS_DC` when every inverter has a DC peak power (None: not configured) and there is at least
    one inverter, else :data:`BASIS_AC`."""
    powers = list(dc_peak_powers_kwp)
    return BASIS_DC if powers and all(p is not None and p > 0 for p in powers) else BASIS_AC


def basis_power_kw(rated_power_kw: float, dc_peak_power_kwp: float | None, basis: str) -> float:
    """The power [kW, or kWp on the DC basis] an inverter's figures are per: its DC peak power on
    :data:`BASIS_DC`, its rated AC power on :data:`BASIS_AC`."""
    if basis == BASIS_DC:
        if dc_peak_power_kwp is None:
            raise ValueError("the DC basis needs the DC peak power")
        return dc_peak_power_kwp
    return rated_power_kw


def specific_yield_kwh_per_kw(energy_wh: float | None, basis_power_kw: float) -> float | None:
    """Energy per basis kW [kWh/kW, kWh/kWp on the DC basis] (= full-load hours [h]); None without an energy or
    a basis power."""
    if energy_wh is None or not basis_power_kw > 0:
        return None
    return energy_wh / 1000.0 / basis_power_kw


def peer_ratios(
    yields_kwh_per_kw: Mapping[str, float],
    min_peers: int = MIN_PEERS,
    min_median_kwh_per_kw: float = MIN_MEDIAN_YIELD_KWH_PER_KW,
) -> tuple[float | None, dict[str, float]]:
    """(median specific yield [kWh/kW], each peer's specific yield over that median).

    The median is None without any peer; the ratios are empty with fewer than ``min_peers`` peers or a
    median below ``min_median_kwh_per_kw``.
    """
    if not yields_kwh_per_kw:
        return None, {}
    median = statistics.median(yields_kwh_per_kw.values())
    if len(yields_kwh_per_kw) < min_peers or median < min_median_kwh_per_kw:
        return median, {}
    return median, {device: value / median for device, value in yields_kwh_per_kw.items()}


def is_low(peer_ratio: float | None, threshold: float = LOW_PEER_RATIO) -> bool:
    """Whether a peer ratio marks an underperformer (below ``threshold``; no ratio: not judged)."""
    return peer_ratio is not None and peer_ratio < threshold


def ranking(yields_kwh_per_kw: Mapping[str, float]) -> dict[str, int]:
    """Rank of each inverter by specific yield: 1 for the highest; equal yields in device id order."""
    ordered = sorted(yields_kwh_per_kw, key=lambda device: (-yields_kwh_per_kw[device], device))
    return {device: i + 1 for i, device in enumerate(ordered)}


def performance_ratio(specific_yield: float | None, irradiation_wh_m2: float | None) -> float | None:
    """PR (a fraction, 0.8 = 80 %) = specific yield [kWh/kW] / (irradiation [kWh/m2] / 1 kW/m2), or None
    without either figure or below :data:`MIN_IRRADIATION_WH_M2`."""
    if specific_yield is None or irradiation_wh_m2 is None or irradiation_wh_m2 < MIN_IRRADIATION_WH_M2:
        return None
    reference_yield_h = irradiation_wh_m2 / 1000.0 / REFERENCE_IRRADIANCE_KW_M2
    return specific_yield / reference_yield_h
