"""Carbon factors (data with a source) and the avoided-CO2 / coal-saved arithmetic.

The factors live in ``energymon/data/emission_factors.toml`` (see docs/carbon.md):

- ``[[factors]]``: China's national and regional-grid *average* CO2 emission factors of
  electricity [kgCO2/kWh] per data year, as published by the Ministry of Ecology and Environment
  with the National Bureau of Statistics;
- ``[[coal]]``: the national average standard coal consumption of thermal power per kWh
  supplied [kgce/kWh] per data year.

Avoided CO2 [kg]  = PV energy [kWh] x grid emission factor [kgCO2/kWh].
Coal saved [kgce] = PV energy [kWh] x coal factor [kgce/kWh].

Energy is stored in Wh (base unit); the functions below take Wh and convert.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

GRIDS = ("national", "north", "northeast", "east", "central", "northwest", "south", "southwest")


@dataclass(frozen=True, kw_only=True)
class Citation:
    """Where a factor comes from: the publishing body, the document, its publication date, its URL and
    where the number was read (when not from the document itself). All optional, given by keyword."""

    publisher: str = ""
    document: str = ""
    published: date | None = None
    url: str = ""
    read_from: str = ""


_CITATION_FIELDS = tuple(f.name for f in fields(Citation))


@dataclass(frozen=True)
class EmissionFactor(Citation):
    """One published grid-average CO2 emission factor of electricity.

    ``kg_per_kwh`` is in kgCO2/kWh; ``year`` is the data year the factor describes (not the year
    it was published). ``source`` is a one-line citation for reports; the :class:`Citation` fields
    cite it in full.
    """

    grid: str
    year: int
    kg_per_kwh: float
    source: str


@dataclass(frozen=True)
class CoalFactor(Citation):
    """Standard coal per kWh of thermal power supplied, national average for ``year``.

    ``kgce_per_kwh`` is in kgce/kWh (kilograms of coal equivalent per kWh; 300.7 gce/kWh is
    0.3007 kgce/kWh). ``source`` and the citation fields as for :class:`EmissionFactor`.
    """

    year: int
    kgce_per_kwh: float
    source: str


def _citation(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in _CITATION_FIELDS if key in row}


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[EmissionFactor, ...], tuple[CoalFactor, ...]]:
    text = resources.files("energymon.data").joinpath("emission_factors.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    factors = []
    for i, row in enumerate(data.get("factors", [])):
        try:
            factor = EmissionFactor(
                row["grid"], int(row["year"]), float(row["kg_per_kwh"]), row["source"], **_citation(row)
            )
        except KeyError as missing:
            raise ValueError(f"emission_factors.toml: [[factors]] row {i + 1} lacks {missing}") from None
        if factor.grid not in GRIDS:
            raise ValueError(f"emission_factors.toml: [[factors]] row {i + 1}: unknown grid '{factor.grid}'")
        factors.append(factor)
    coal = []
    for i, row in enumerate(data.get("coal", [])):
        try:
            coal.append(CoalFactor(int(row["year"]), float(row["kgce_per_kwh"]), row["source"], **_citation(row)))
        except KeyError as missing:
            raise ValueError(f"emission_factors.toml: [[coal]] row {i + 1} lacks {missing}") from None
    return tuple(factors), tuple(coal)


def builtin_factors() -> list[EmissionFactor]:
    """All built-in grid emission factors (every grid and data year), in file order."""
    return list(_table()[0])


def builtin_coal_factors() -> list[CoalFactor]:
    """All built-in coal factors (every data year), in file order."""
    return list(_table()[1])


def lookup_factor(grid: str, year: int | None = None) -> EmissionFactor | None:
    """The built-in factor for ``grid`` and data ``year``; without a year, the newest one. None if absent."""
    rows = [f for f in _table()[0] if f.grid == grid and (year is None or f.year == year)]
    return max(rows, key=lambda f: f.year) if rows else None


def coal_factor(year: int | None = None) -> CoalFactor | None:
    """The built-in coal factor [kgce/kWh] for data ``year``; without a year, the newest one. None if absent."""
    rows = [c for c in _table()[1] if year is None or c.year == year]
    return max(rows, key=lambda c: c.year) if rows else None


def avoided_co2_kg(pv_energy_wh: float, factor_kg_per_kwh: float) -> float:
    """CO2 avoided [kg] by ``pv_energy_wh`` [Wh] of solar at ``factor_kg_per_kwh`` [kgCO2/kWh]."""
    return pv_energy_wh / 1000.0 * factor_kg_per_kwh


def coal_saved_kgce(pv_energy_wh: float, kgce_per_kwh: float) -> float:
    """Standard coal saved [kgce] by ``pv_energy_wh`` [Wh] of solar at ``kgce_per_kwh`` [kgce/kWh]."""
    return pv_energy_wh / 1000.0 * kgce_per_kwh
