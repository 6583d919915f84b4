"""Energy accounting of a site: the flows of an interval and the KPIs built on them (pure functions).

Energies are in Wh, as stored; the report shows kWh. Sign conventions follow
drivers.quantities: every flow here is a non-negative amount of energy in its
own direction (grid import and export, storage charge and discharge are
separate flows, never netted).

Definitions (PRODUCT.md, "Monthly report"):

- consumption = pv + grid_import - grid_export + storage_discharge - storage_charge
- metered_load = sum of the load meters; consumption - metered_load is the
  unmetered load and the losses
- self_consumption = (pv - grid_export) / pv, clamped to 0..100 %, None without PV
- self_sufficiency = (consumption - grid_import) / consumption, clamped to
  0..100 %, None without consumption (both on gross import and export)
- avoided_co2 = pv x grid emission factor; coal_saved = pv x coal factor
  (energymon.accounting.carbon)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from drivers.quantities import COUNTERS_BY_ROLE, Role

FLOW_OF_COUNTER = {  # the site balance's flow each energy counter feeds
    "yield_wh": "pv_wh",
    "imported_wh": "grid_import_wh",
    "exported_wh": "grid_export_wh",
    "discharged_wh": "storage_discharge_wh",
    "charged_wh": "storage_charge_wh",
    "consumed_wh": "metered_load_wh",
}
# role -> ((flow, counter quantity, sign of power_w that feeds the flow), ...): which counter of a device of
# each role feeds which flow of the site balance, and the sign of its power when power integration stands in;
# from drivers.quantities.COUNTERS_BY_ROLE (a weather sensor feeds no flow: it never changes an energy figure).
FLOWS_BY_ROLE: dict[Role, tuple[tuple[str, str, int], ...]] = {
    role: tuple((FLOW_OF_COUNTER[c], c, sign) for c, sign in zip(pair, (+1, -1)) if c is not None)
    for role, pair in COUNTERS_BY_ROLE.items()
}


@dataclass(frozen=True)
class Flows:
    """The site's energy flows over an interval [Wh], each >= 0."""

    pv_wh: float = 0.0
    grid_import_wh: float = 0.0
    grid_export_wh: float = 0.0
    storage_charge_wh: float = 0.0
    storage_discharge_wh: float = 0.0
    metered_load_wh: float = 0.0

    @property
    def consumption_wh(self) -> float:
        return consumption_wh(
            self.pv_wh, self.grid_import_wh, self.grid_export_wh, self.storage_discharge_wh, self.storage_charge_wh
        )

    def __add__(self, other: Flows) -> Flows:
        return Flows(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def consumption_wh(pv_wh: float, import_wh: float, export_wh: float, discharge_wh: float, charge_wh: float) -> float:
    """Energy used on site [Wh]: what came in (PV, grid, battery) minus what went out (grid, battery)."""
    return pv_wh + import_wh - export_wh + discharge_wh - charge_wh


def _clamped_pct(numerator: float, denominator: float) -> float | None:
    if denominator <= 0:
        return None
    return min(100.0, max(0.0, 100.0 * numerator / denominator))


def self_consumption_pct(pv_wh: float, export_wh: float) -> float | None:
    """Share of the PV energy used on site (not exported) [%], 0..100; None without PV."""
    return _clamped_pct(pv_wh - export_wh, pv_wh)


def self_sufficiency_pct(consumption: float, import_wh: float) -> float | None:
    """Share of the consumption not bought from the grid [%], 0..100; None without consumption.

    Clamped: a battery charged from the grid can make import exceed consumption;
    the share is then 0 %, never negative.
    """
    return _clamped_pct(consumption - import_wh, consumption)


def demand_kw(import_wh_in_quarter: float) -> float:
    """Mean import power over a 15-minute interval [kW] from its energy [Wh]: the billing demand."""
    return import_wh_in_quarter * 4.0 / 1000.0
