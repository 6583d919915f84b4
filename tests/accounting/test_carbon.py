"""energymon.accounting.carbon: carbon factors are cited data; avoided CO2 / coal saved are PV energy x factor."""

from __future__ import annotations

import re
from datetime import date

import pytest

from energymon.accounting.carbon import (
    EXPLICIT_SOURCE,
    EXPLICIT_SOURCE_ZH,
    GRID_NAMES,
    GRIDS,
    CoalFactor,
    EmissionFactor,
    avoided_co2_kg,
    builtin_coal_factors,
    builtin_factors,
    coal_factor,
    coal_for_source,
    coal_saved_kgce,
    coal_source_text,
    emission_source_text,
    factor_for_source,
    grid_name,
    lookup_factor,
)

# The published values, as printed (kgCO2/kWh). MEE & NBS announcements:
# 2021 data: No. 12 of 2024; 2022 data: No. 33 of 2024; 2023 data: No. 47 of 2025. See docs/carbon.md.
PUBLISHED = {
    ("national", 2021): 0.5568,
    ("national", 2022): 0.5366,
    ("north", 2022): 0.6776,
    ("northeast", 2022): 0.5564,
    ("east", 2022): 0.5617,
    ("central", 2022): 0.5395,
    ("northwest", 2022): 0.5857,
    ("south", 2022): 0.3869,
    ("southwest", 2022): 0.2268,
    ("national", 2023): 0.5306,
    ("north", 2023): 0.6361,
    ("northeast", 2023): 0.5122,
    ("east", 2023): 0.5500,
    ("central", 2023): 0.5271,
    ("northwest", 2023): 0.5543,
    ("south", 2023): 0.4042,
    ("southwest", 2023): 0.2472,
}
ANNOUNCEMENT = {2021: "No. 12 of 2024", 2022: "No. 33 of 2024", 2023: "No. 47 of 2025"}
PUBLISHED_ON = {2021: date(2024, 4, 12), 2022: date(2024, 12, 26), 2023: date(2025, 12, 31)}


def test_table_is_exactly_the_published_values():
    table = {(f.grid, f.year): f.kg_per_kwh for f in builtin_factors()}
    assert table == PUBLISHED  # nothing invented, nothing dropped, no duplicate grid/year rows
    assert len(builtin_factors()) == len(PUBLISHED)


@pytest.mark.parametrize(("grid", "year"), sorted(PUBLISHED))
def test_lookup_by_grid_and_year(grid, year):
    factor = lookup_factor(grid, year)
    assert isinstance(factor, EmissionFactor)
    assert (factor.grid, factor.year) == (grid, year)
    assert factor.kg_per_kwh == pytest.approx(PUBLISHED[grid, year])


def test_factors_quoted_in_the_product_brief():
    # PRODUCT.md: 2022 national 0.5366, 2023 national 0.5306, 2023 Northwest grid 0.5543 kgCO2/kWh (MEE & NBS).
    assert lookup_factor("national", 2022).kg_per_kwh == pytest.approx(0.5366)
    assert lookup_factor("national", 2023).kg_per_kwh == pytest.approx(0.5306)
    assert lookup_factor("northwest", 2023).kg_per_kwh == pytest.approx(0.5543)


def test_newest_year_by_default():
    for grid in GRIDS:
        newest = max(f.year for f in builtin_factors() if f.grid == grid)
        assert lookup_factor(grid).year == newest
    assert lookup_factor("national").year == 2023 and lookup_factor("national").kg_per_kwh == pytest.approx(0.5306)
    assert lookup_factor("northwest").kg_per_kwh == pytest.approx(0.5543)


def test_unknown_grid_or_year_is_none():
    assert lookup_factor("atlantis") is None
    assert lookup_factor("atlantis", 2023) is None
    assert lookup_factor("national", 1999) is None
    assert lookup_factor("northwest", 2021) is None  # 2021 regional values were not found: not in the table
    assert lookup_factor("NorthWest", 2023) is None  # keys are the lower-case names in GRIDS


def test_every_grid_has_a_factor():
    assert {f.grid for f in builtin_factors()} == set(GRIDS)


def test_every_factor_is_cited():
    for f in builtin_factors():
        assert f.grid in GRIDS
        assert "MEE & NBS" in f.source and str(f.year) in f.source and ANNOUNCEMENT[f.year] in f.source
        assert "生态环境部" in f.publisher and "国家统计局" in f.publisher
        assert f"{f.year}年电力二氧化碳排放因子" in f.document and ANNOUNCEMENT[f.year] in f.document
        assert f.published == PUBLISHED_ON[f.year] and f.published.year > f.year
        assert f.read_from.startswith(("Beijing News", "Guangming Daily"))
        assert "http" in f.read_from
        assert f.url == "" or f.url.startswith("https://www.mee.gov.cn/")
        assert 0.1 < f.kg_per_kwh < 1.0
        assert round(f.kg_per_kwh, 4) == f.kg_per_kwh  # published to 4 decimals


def test_coal_factor():
    # CEC, Annual Development Report of China's Power Industry 2023: 2022 average 300.7 gce/kWh.
    coal = coal_factor(2022)
    assert isinstance(coal, CoalFactor)
    assert coal.kgce_per_kwh == pytest.approx(0.3007)
    assert coal_factor().year == max(c.year for c in builtin_coal_factors())
    assert coal_factor(1999) is None
    for c in builtin_coal_factors():
        assert str(c.year) in c.source and "300.7 gce/kWh" in c.source
        assert "China Electricity Council" in c.publisher
        assert "中国电力行业年度发展报告" in c.document and "Annual Development Report" in c.document
        assert c.read_from
        assert 0.25 < c.kgce_per_kwh < 0.40


# MEE's names of the national and the regional grids.
GRIDS_ZH = {
    "national": "全国电网",
    "north": "华北区域电网",
    "northeast": "东北区域电网",
    "east": "华东区域电网",
    "central": "华中区域电网",
    "northwest": "西北区域电网",
    "south": "南方区域电网",
    "southwest": "西南区域电网",
}


def test_each_grid_has_its_chinese_name():
    assert list(GRID_NAMES) == list(GRIDS)
    assert {g: grid_name(g, "zh") for g in GRIDS} == GRIDS_ZH
    assert grid_name("northwest", "zh_CN") == "西北区域电网"  # the GUI's code for the language
    assert grid_name("northwest", "en") == "Northwest China regional grid"
    assert grid_name("atlantis", "zh") == "atlantis"


def test_each_factor_is_cited_in_chinese_from_its_own_fields():
    for f in builtin_factors():
        publisher, document = f.publisher.split(" (")[0], f.document.split("/")[0].strip()
        title, number = document.split("（", 1)
        scope = f"{f.year}年{GRIDS_ZH[f.grid]}平均二氧化碳排放因子"
        assert f.source_zh == f"{publisher}《{title}》（{number}，{f.published.isoformat()} 发布：{scope}"
        assert not re.search("[A-Za-z]", f.source_zh)  # nothing English left
    for c in builtin_coal_factors():
        grams = f"{c.kgce_per_kwh * 1000:.1f}"
        scope = f"{c.year}年全国火电平均供电标准煤耗 {grams} 克标准煤/千瓦时"
        assert c.source_zh == f"中国电力企业联合会《中国电力行业年度发展报告2023》：{scope}"


def test_a_recorded_source_is_found_again_and_told_in_the_language():
    factor = lookup_factor("northwest", 2022)
    assert factor_for_source(factor.source) == factor
    assert emission_source_text(factor.source, "zh") == factor.source_zh
    assert emission_source_text(factor.source, "en") == factor.source
    assert emission_source_text(EXPLICIT_SOURCE, "zh") == EXPLICIT_SOURCE_ZH == "站点配置中指定的排放因子"
    assert emission_source_text(EXPLICIT_SOURCE, "en") == EXPLICIT_SOURCE
    assert factor_for_source("test factor") is None
    assert emission_source_text("test factor", "zh") == "test factor"  # not ours: as recorded
    coal = coal_factor()
    assert coal_for_source(coal.source) == coal
    assert coal_source_text(coal.source, "zh") == coal.source_zh and coal_source_text(coal.source, "en") == coal.source
    assert coal_source_text("hand-written", "zh") == "hand-written"


def test_factor_objects_are_immutable_and_lists_are_copies():
    factors = builtin_factors()
    factors.clear()
    assert builtin_factors()
    with pytest.raises(AttributeError):
        lookup_factor("national").kg_per_kwh = 1.0


def test_avoided_co2_by_hand():
    assert avoided_co2_kg(1_000_000.0, 0.5543) == pytest.approx(554.3)  # 1,000 kWh x 0.5543 = 554.3 kg
    assert avoided_co2_kg(1000.0, 0.5543) == pytest.approx(0.5543)  # 1 kWh
    assert avoided_co2_kg(2_500_000.0, 0.5) == pytest.approx(1250.0)  # 2.5 MWh at 0.5 kg/kWh
    assert avoided_co2_kg(0.0, 0.5543) == 0.0
    factor = lookup_factor("northwest", 2023).kg_per_kwh
    assert avoided_co2_kg(1_000_000.0, factor) == pytest.approx(554.3)


def test_coal_saved_by_hand():
    assert coal_saved_kgce(1_000_000.0, 0.3007) == pytest.approx(300.7)  # 1,000 kWh x 0.3007 = 300.7 kgce
    assert coal_saved_kgce(1000.0, 0.3007) == pytest.approx(0.3007)  # 1 kWh
    assert coal_saved_kgce(0.0, 0.3007) == 0.0
    assert coal_saved_kgce(1_000_000.0, coal_factor(2022).kgce_per_kwh) == pytest.approx(300.7)
