"""The Energy page's figures (energymon.views.energy_view, energymon.views.energy_costs) on a hand-made year.

The site is tests/energy_site.py's: constant hourly rates, pv-2 silent from 2026-03-10 06:00, "now"
2026-03-10 12:00. Every expected figure below is worked out by hand from its table.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from energymon.accounting import tariffs
from energymon.config.tariff import tariff_of_config_text
from energymon.report.month import build_month_report
from energymon.store.reader import StoreReader
from energymon.views.energy_costs import period_costs, site_tariff
from energymon.views.energy_periods import Period
from energymon.views.energy_view import energy_view
from energymon.views.site import SiteInfo

from energy_site import NOW_MS, TARIFF_TOML, write_energy_site

KWH = 1000.0


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    path = tmp_path_factory.mktemp("energy_view") / "site.db"
    write_energy_site(path)
    reader = StoreReader(path)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def site(reader) -> SiteInfo:
    return SiteInfo.from_db(reader.site(), reader.devices())


def test_a_day_in_progress_by_hand(reader, site):
    view = energy_view(reader, site, Period("day", date(2026, 3, 10)), NOW_MS)
    assert view.in_progress and view.until_ms == NOW_MS
    assert view.future.tolist() == [False] * 12 + [True] * 12  # after noon: not yet, not a gap
    assert not view.missing.any()
    pv = view.flows["pv_wh"]
    np.testing.assert_allclose(pv.energy_wh[:12] / KWH, [3.0] * 6 + [2.0] * 6)
    assert view.partial.tolist() == [False] * 6 + [True] * 6 + [False] * 12  # pv-2 silent from 06:00
    np.testing.assert_allclose(view.consumption_wh()[:12] / KWH, [7.3] * 6 + [6.3] * 6)
    assert np.isnan(view.consumption_wh()[12:]).all()
    assert view.incomplete_devices() == {"pv-2": 5}  # 07..11 without a reading (06:00 is its last)
    totals = view.totals
    assert totals.flow_wh("pv_wh") == pytest.approx(30 * KWH)
    assert totals.consumption_wh == pytest.approx(81.6 * KWH)
    assert totals.self_consumption_pct == pytest.approx(80.0)
    assert totals.self_sufficiency_pct == pytest.approx(100 * (81.6 - 60) / 81.6)
    assert totals.avoided_co2_kg == pytest.approx(15.0)  # 30 kWh x 0.5 kg/kWh
    assert not totals.complete["pv_wh"] and totals.complete["grid_import_wh"]


def test_comparisons_count_the_same_elapsed_time(reader, site):
    view = energy_view(reader, site, Period("day", date(2026, 3, 10)), NOW_MS)
    assert view.previous.end_ms - view.previous.start_ms == 12 * 3_600_000
    assert view.previous.flow_wh("pv_wh") == pytest.approx(36 * KWH)  # 2026-03-09 00:00-12:00, both inverters
    assert view.previous.consumption_wh == pytest.approx(12 * 7.3 * KWH)
    assert view.year_before.flow_wh("pv_wh") == pytest.approx(36 * KWH)  # 2025-03-10 00:00-12:00
    month = energy_view(reader, site, Period("month", date(2026, 3, 1)), NOW_MS)
    np.testing.assert_allclose(month.flows["pv_wh"].energy_wh[:10] / KWH, [72.0] * 9 + [30.0])
    assert month.future[10:].all() and not month.future[:10].any()
    assert month.previous.flow_wh("pv_wh") == pytest.approx(9.5 * 72 * KWH)  # 1 Feb to 10 Feb 12:00
    assert month.year_before.flow_wh("pv_wh") == pytest.approx(9.5 * 72 * KWH)  # data from 2025-03-01


def test_a_year_has_months_without_data_empty_not_zero(reader, site):
    view = energy_view(reader, site, Period("year", date(2026, 1, 1)), NOW_MS)
    np.testing.assert_allclose(view.flows["pv_wh"].energy_wh[:3] / KWH, [31 * 72, 28 * 72, 9 * 72 + 30])
    assert view.future[3:].all()
    before = energy_view(reader, site, Period("year", date(2025, 1, 1)), NOW_MS)
    assert before.missing.tolist() == [True, True] + [False] * 10  # no data before March 2025
    assert before.flows["pv_wh"].energy_wh[:2].tolist() == [0.0, 0.0] and not before.flows["pv_wh"].has_data[:2].any()
    assert not before.totals.complete["pv_wh"]  # two months lack data: a partial year
    assert view.previous.flow_wh("pv_wh") == pytest.approx(9.5 * 72 * KWH)  # 2025 to 10 March 12:00


def test_the_costs_of_a_month_are_the_monthly_reports(reader, site):
    tariff = site_tariff(reader)
    assert tariff is not None and tariffs.changes_on_whole_hours(tariff)
    december = Period("month", date(2025, 12, 1))
    costs = period_costs(reader, site, tariff, december, NOW_MS)
    assert costs.resolution == "1h"
    # by hand: 5 kWh/h imported, 8 valley hours at 0.4 and 16 peak hours at 1.0; 0.5 kWh/h exported at 0.3
    assert costs.savings.import_cost == pytest.approx(31 * 5 * (8 * 0.4 + 16 * 1.0))
    assert costs.savings.export_revenue == pytest.approx(31 * 24 * 0.5 * 0.3)
    assert costs.peak_demand_kw == pytest.approx(5.0) and costs.demand_charge == pytest.approx(150.0)
    report = build_month_report(reader, "2025-12", now_ms=NOW_MS).costs
    assert report is not None
    for field in ("import_cost", "export_revenue", "total_saved", "pv_saved", "storage_saved"):
        assert getattr(costs.savings, field) == pytest.approx(getattr(report.savings, field), rel=1e-9), field
    assert costs.demand_charge == pytest.approx(report.demand_charge)


def test_a_year_s_demand_charge_sums_its_months(reader, site):
    tariff = site_tariff(reader)
    assert tariff is not None
    year = period_costs(reader, site, tariff, Period("year", date(2025, 1, 1)), NOW_MS)
    assert year.demand_charge == pytest.approx(10 * 150.0)  # March to December 2025: 5 kW x 30 each month
    months = [period_costs(reader, site, tariff, Period("month", date(2025, m, 1)), NOW_MS) for m in range(3, 13)]
    assert year.savings.import_cost == pytest.approx(sum(m.savings.import_cost for m in months))
    assert year.savings.total_saved == pytest.approx(sum(m.savings.total_saved for m in months))
    assert months[0] is period_costs(reader, site, tariff, Period("month", date(2025, 3, 1)), NOW_MS)  # kept
    day = period_costs(reader, site, tariff, Period("day", date(2026, 3, 10)), NOW_MS)
    assert day.demand_charge is None and day.peak_demand_kw == pytest.approx(5.0)
    assert day.end_ms == NOW_MS


def test_a_tariff_with_half_hours_is_priced_per_quarter_hour():
    hand = tariff_of_config_text(TARIFF_TOML)
    text = TARIFF_TOML.replace("08:00-24:00", "08:00-23:30").replace("00:00-08:00", "23:30-08:00")
    half = tariff_of_config_text(text)
    assert hand is not None and half is not None
    assert tariffs.changes_on_whole_hours(hand) and not tariffs.changes_on_whole_hours(half)
    assert tariff_of_config_text("") is None and tariff_of_config_text('[site]\nname = "x"\n') is None
