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

Each factor's one-line ``source`` is English; its Chinese citation
(``source_zh``) is composed from the same row's Chinese fields (the
publisher's and the document's Chinese names, the grid's Chinese name, the
data year and value), so both say the same. A site records the English line
(``emission_factor_source``); :func:`emission_source_text` finds its row again
and gives the citation in a report's or the GUI's language.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

GRIDS = ("national", "north", "northeast", "east", "central", "northwest", "south", "southwest")

# Each grid's name (English, 简体中文 as MEE names the national and the regional grids).
GRID_NAMES: dict[str, tuple[str, str]] = {
    "national": ("national grid", "全国电网"),
    "north": ("North China regional grid", "华北区域电网"),
    "northeast": ("Northeast China regional grid", "东北区域电网"),
    "east": ("East China regional grid", "华东区域电网"),
    "central": ("Central China regional grid", "华中区域电网"),
    "northwest": ("Northwest China regional grid", "西北区域电网"),
    "south": ("South China (China Southern) regional grid", "南方区域电网"),
    "southwest": ("Southwest China regional grid", "西南区域电网"),
}

# The source a site records for an emission factor given in its config (``emission_factor_kg_per_kwh``).
EXPLICIT_SOURCE = "explicit emission_factor_kg_per_kwh in the site config"
EXPLICIT_SOURCE_ZH = "站点配置中指定的排放因子"


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

    @property
    def source_zh(self) -> str:
        """The citation in Chinese, from the row's Chinese publisher and document names (see the module)."""
        return _emission_source_zh(self)


@dataclass(frozen=True)
class CoalFactor(Citation):
    """Standard coal per kWh of thermal power supplied, national average for ``year``.

    ``kgce_per_kwh`` is in kgce/kWh (kilograms of coal equivalent per kWh; 300.7 gce/kWh is
    0.3007 kgce/kWh). ``source`` and the citation fields as for :class:`EmissionFactor`.
    """

    year: int
    kgce_per_kwh: float
    source: str

    @property
    def source_zh(self) -> str:
        """The citation in Chinese, from the row's Chinese publisher and document names (see the module)."""
        return _coal_source_zh(self)


def _chinese_name(text: str, separator: str) -> str:
    """The Chinese part of a bilingual field: what comes before ``separator`` ("生态环境部 (Ministry ...)")."""
    return text.split(separator, 1)[0].strip()


def _book_title(document_zh: str) -> str:
    """A document's Chinese name in title marks, its number after them: 《关于…的公告》（公告2024年第33号）."""
    title, bracket, rest = document_zh.partition("（")
    return f"《{title}》" + (bracket + rest if bracket else "")


def _emission_source_zh(factor: EmissionFactor) -> str:
    """E.g. 生态环境部、国家统计局《关于发布2022年电力二氧化碳排放因子的公告》（公告2024年第33号），
    2024-12-26 发布：2022年西北区域电网平均二氧化碳排放因子 (one line)."""
    published = f"，{factor.published.isoformat()} 发布" if factor.published else ""
    return (
        f"{_chinese_name(factor.publisher, ' (')}{_book_title(_chinese_name(factor.document, '/'))}{published}："
        f"{factor.year}年{GRID_NAMES[factor.grid][1]}平均二氧化碳排放因子"
    )


def _coal_source_zh(coal: CoalFactor) -> str:
    """E.g. 中国电力企业联合会《中国电力行业年度发展报告2023》：2022年全国火电平均供电标准煤耗 300.7 克标准煤/千瓦时."""
    grams = f"{coal.kgce_per_kwh * 1000:.1f}"
    return (
        f"{_chinese_name(coal.publisher, ' (')}{_book_title(_chinese_name(coal.document, '/'))}："
        f"{coal.year}年全国火电平均供电标准煤耗 {grams} 克标准煤/千瓦时"
    )


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
        if not (factor.publisher and factor.document):
            raise ValueError(f"emission_factors.toml: [[factors]] row {i + 1} lacks publisher or document")
        factors.append(factor)
    coal = []
    for i, row in enumerate(data.get("coal", [])):
        try:
            coal.append(CoalFactor(int(row["year"]), float(row["kgce_per_kwh"]), row["source"], **_citation(row)))
        except KeyError as missing:
            raise ValueError(f"emission_factors.toml: [[coal]] row {i + 1} lacks {missing}") from None
        if not (coal[-1].publisher and coal[-1].document):
            raise ValueError(f"emission_factors.toml: [[coal]] row {i + 1} lacks publisher or document")
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


def factor_for_source(source: str) -> EmissionFactor | None:
    """The built-in emission factor whose one-line ``source`` a site recorded, or None (explicit, or not ours)."""
    return next((f for f in _table()[0] if f.source == source), None)


def coal_for_source(source: str) -> CoalFactor | None:
    """The built-in coal factor whose one-line ``source`` this is, or None."""
    return next((c for c in _table()[1] if c.source == source), None)


def _chinese(lang: str) -> bool:
    """Reports say "zh", the GUI "zh_CN": both are 简体中文; anything else is English."""
    return lang.startswith("zh")


def emission_source_text(source: str, lang: str) -> str:
    """The recorded source of a site's emission factor in ``lang`` ("en", "zh" or "zh_CN").

    A built-in row's line becomes its Chinese citation, the explicit factor's line the Chinese wording of it;
    a line that is neither (written by hand or by another program) is shown as recorded, as data.
    """
    if not _chinese(lang):
        return source
    if source == EXPLICIT_SOURCE:
        return EXPLICIT_SOURCE_ZH
    factor = factor_for_source(source)
    return source if factor is None else factor.source_zh


def coal_source_text(source: str, lang: str) -> str:
    """The source of a coal factor in ``lang``: a built-in row's Chinese citation, else as given."""
    coal = coal_for_source(source) if _chinese(lang) else None
    return source if coal is None else coal.source_zh


def grid_name(grid: str, lang: str) -> str:
    """A grid's name in ``lang`` ("Northwest China regional grid", "西北区域电网"); an unknown key as it is."""
    names = GRID_NAMES.get(grid)
    return grid if names is None else names[1 if _chinese(lang) else 0]


def avoided_co2_kg(pv_energy_wh: float, factor_kg_per_kwh: float) -> float:
    """CO2 avoided [kg] by ``pv_energy_wh`` [Wh] of solar at ``factor_kg_per_kwh`` [kgCO2/kWh]."""
    return pv_energy_wh / 1000.0 * factor_kg_per_kwh


def coal_saved_kgce(pv_energy_wh: float, kgce_per_kwh: float) -> float:
    """Standard coal saved [kgce] by ``pv_energy_wh`` [Wh] of solar at ``kgce_per_kwh`` [kgce/kWh]."""
    return pv_energy_wh / 1000.0 * kgce_per_kwh
