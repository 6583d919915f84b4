"""Grid emission factors (data with a source) and avoided-CO2 arithmetic.

Avoided CO2 [kg] = PV energy [kWh] x grid emission factor [kgCO2/kWh].
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

GRIDS = ("national", "north", "northeast", "east", "central", "northwest", "south", "southwest")


@dataclass(frozen=True)
class EmissionFactor:
    grid: str
    year: int | None
    kg_per_kwh: float
    source: str


def builtin_factors() -> list[EmissionFactor]:
    text = resources.files("energymon.data").joinpath("emission_factors.toml").read_text(encoding="utf-8")
    return [EmissionFactor(r["grid"], r["year"], float(r["kg_per_kwh"]), r["source"]) for r in tomllib.loads(text)["factors"]]


def lookup_factor(grid: str, year: int | None = None) -> EmissionFactor | None:
    """The built-in factor for ``grid`` (and ``year``, else the latest year), or None."""
    rows = [f for f in builtin_factors() if f.grid == grid and (year is None or f.year == year)]
    return max(rows, key=lambda f: f.year or 0) if rows else None


def avoided_co2_kg(pv_energy_wh: float, factor_kg_per_kwh: float) -> float:
    """CO2 avoided [kg] by ``pv_energy_wh`` [Wh] of solar at ``factor_kg_per_kwh``."""
    return pv_energy_wh / 1000.0 * factor_kg_per_kwh
