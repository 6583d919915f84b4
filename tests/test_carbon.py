"""energymon.carbon: emission factors are cited data; avoided CO2 is PV energy x factor."""

from __future__ import annotations

import pytest

from energymon.carbon import GRIDS, avoided_co2_kg, builtin_factors, lookup_factor


def test_factors_quoted_in_the_product_brief():
    # PRODUCT.md: 2022 national 0.5366, 2023 national 0.5306, 2023 Northwest grid 0.5543 kgCO2/kWh (MEE & NBS).
    assert lookup_factor("national", 2022).kg_per_kwh == pytest.approx(0.5366)
    assert lookup_factor("national", 2023).kg_per_kwh == pytest.approx(0.5306)
    assert lookup_factor("northwest", 2023).kg_per_kwh == pytest.approx(0.5543)
    latest = lookup_factor("national")
    assert latest.year == max(f.year for f in builtin_factors() if f.grid == "national")
    assert lookup_factor("national", 1999) is None
    assert lookup_factor("atlantis") is None


def test_every_factor_has_a_source_and_a_plausible_value():
    factors = builtin_factors()
    assert factors
    for f in factors:
        assert f.grid in GRIDS
        assert "MEE" in f.source and str(f.year) in f.source
        assert 0.3 < f.kg_per_kwh < 1.2  # coal-heavy grids are below 1.2 kg/kWh, none below 0.3


def test_avoided_co2():
    assert avoided_co2_kg(1000.0, 0.5543) == pytest.approx(0.5543)  # 1 kWh
    assert avoided_co2_kg(2_500_000.0, 0.5) == pytest.approx(1250.0)  # 2.5 MWh at 0.5 kg/kWh
    assert avoided_co2_kg(0.0, 0.5543) == 0.0
