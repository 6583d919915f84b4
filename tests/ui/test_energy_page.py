"""The Energy page on a hand-made year (offscreen, pytest-qt, a real SQLite file, the reader thread).

The site is tests/energy_site.py's (constant hourly rates, pv-2 silent from 2026-03-10 06:00, "now"
2026-03-10 12:00, a tariff with valley 00-08 at 0.4 and peak 08-24 at 1.0 CNY/kWh). By hand, today to noon:
PV 6 x 3 + 6 x 2 = 30 kWh against 36 kWh yesterday to noon (-16.7 %); the hours from 06:00 are partial sums
(hatched) and the notes name pv-2; the energy cost is 8 h x 5 kWh x 0.4 + 4 h x 5 kWh x 1.0 - 12 h x 0.5 kWh
x 0.3 = 34.2 CNY. 2025 has no data before March: two grey months, no bars.
"""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from energymon.store.reader import StoreReader
from energymon.views.energy_periods import Period
from energymon.views.site import SiteInfo
from ui.energy_page import EnergyPage

from energy_site import DEVICES, NOW_MS, write_energy_site
from support import english_words, open_page


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("energy_page")
    with_tariff, without = folder / "site.db", folder / "no-tariff.db"
    write_energy_site(with_tariff)
    write_energy_site(without, tariff=False)
    return with_tariff, without


def _page(qtbot, request, path) -> EnergyPage:
    reader = StoreReader(path)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()
    page = open_page(qtbot, request, EnergyPage, site, path, NOW_MS, (1400, 950))
    _wait(qtbot, page)
    return page


def _wait(qtbot, page: EnergyPage, costs: bool = False) -> None:
    qtbot.waitUntil(lambda: page.view is not None and page.view.period == page.period, timeout=10_000)
    if costs:
        qtbot.waitUntil(lambda: page.costs_state != "reading", timeout=10_000)


def _rows(page: EnergyPage) -> dict[str, list[str]]:
    m = page.model
    return {
        m.index(r, 0).data(): [m.index(r, c).data() for c in range(1, m.columnCount())] for r in range(m.rowCount())
    }


def _heights(page: EnergyPage, flow: str) -> list[float]:
    return [float(h) for h in page.chart.bars[flow].opts["height"]]


def test_today_draws_bars_hatches_partial_hours_and_names_the_silent_inverter(qtbot, request, databases):
    page = _page(qtbot, request, databases[0])
    assert page.period == Period("day", date(2026, 3, 10))
    np.testing.assert_allclose(_heights(page, "pv_wh"), [3.0] * 6 + [2.0] * 6)  # kWh; no bar after noon
    assert page.chart.hatched["pv_wh"] == [False] * 6 + [True] * 6
    np.testing.assert_allclose(_heights(page, "grid_export_wh"), [-0.5] * 12)  # out of the site: below 0
    assert page.chart.now_x == pytest.approx(11.5)  # noon: the right edge of the 11:00 bucket
    assert page.chart.unit == "kWh"
    assert page.progress_label.text() == "Day in progress, up to 2026-03-10 12:00."
    assert "pv-2 (5 hours)" in page.data_label.text()
    rows = _rows(page)
    assert rows["PV generation (kWh)"] == ["30.0", "36.0", "-16.7 %", "36.0", "-16.7 %"]
    assert rows["Consumption (kWh)"][:2] == ["81.6", "87.6"]
    assert rows["Self-consumption (%)"][0] == "80.0"
    assert not page.next_button.isEnabled() and page.prev_button.isEnabled()
    assert page.current_button.text() == "Today"


def test_costs_follow_the_bars_on_the_recorded_tariff(qtbot, request, databases):
    page = _page(qtbot, request, databases[0])
    _wait(qtbot, page, costs=True)
    assert page.costs_state == "shown"
    rows = _rows(page)
    assert rows["Energy cost (CNY)"][0] == "34"  # 34.2 by hand
    assert rows["Peak 15-min demand (kW)"][0] == "5.0"
    assert rows["Demand charge (CNY)"][0] == "—"  # monthly: a day has none of its own
    assert "Hand tariff" in page.costs_label.text() and "per hour" in page.costs_label.text()
    page.set_kind("month")
    _wait(qtbot, page, costs=True)
    assert _rows(page)["Demand charge (CNY)"][0] == "150"  # 5 kW x 30 CNY/kW


def test_without_a_tariff_the_page_says_so(qtbot, request, databases):
    page = _page(qtbot, request, databases[1])
    _wait(qtbot, page, costs=True)
    assert page.costs_state == "none"
    assert "No tariff" in page.costs_label.text()
    assert not any(title.endswith("(CNY)") for title in _rows(page))


def test_navigation_by_period_and_kind(qtbot, request, databases):
    page = _page(qtbot, request, databases[0])
    keys = {s.key().toString() for s in page.shortcuts.values()}
    assert keys == {"PgUp", "PgDown", "Home"}
    page.shortcuts[Qt.Key.Key_PageUp].activated.emit()
    _wait(qtbot, page)
    assert page.period == Period("day", date(2026, 3, 9))
    assert page.progress_label.text() == "Complete period."
    assert page.next_button.isEnabled()
    np.testing.assert_allclose(_heights(page, "pv_wh"), [3.0] * 24)
    page.set_kind("month")  # the shown day's month
    _wait(qtbot, page)
    assert page.period == Period("month", date(2026, 3, 1)) and page.period_label.text() == "2026-03"
    np.testing.assert_allclose(_heights(page, "pv_wh")[:10], [72.0] * 9 + [30.0])
    page.set_kind("year")
    _wait(qtbot, page)
    page.shift(-1)
    _wait(qtbot, page)
    assert page.period == Period("year", date(2025, 1, 1))
    assert page.chart.missing_bands == [(-0.5, 1.5)]  # January and February 2025: no data, no bars
    assert len(_heights(page, "pv_wh")) == 10
    assert "No data in 2 of the 12 elapsed months" in page.data_label.text()
    page.shortcuts[Qt.Key.Key_Home].activated.emit()
    _wait(qtbot, page)
    assert page.period == Period("year", date(2026, 1, 1))
    page.shift(1)  # never past the current period
    assert page.period == Period("year", date(2026, 1, 1))


def test_hovering_a_bucket_says_its_values(qtbot, request, databases):
    page = _page(qtbot, request, databases[0])
    assert page.hover_text(7) == (
        "07:00–08:00: consumption 6.3 kWh, PV 2.0 kWh, import 5.0 kWh, export 0.5 kWh, charge 1.0 kWh,"
        " discharge 0.8 kWh (partial: some devices did not report)"
    )
    assert page.hover_text(15) == "15:00–16:00: not yet."


def test_the_page_in_chinese_has_no_english(qtbot, request, databases):
    from ui import i18n

    page = _page(qtbot, request, databases[0])
    _wait(qtbot, page, costs=True)
    try:
        i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: page.heading.text() != "Energy", timeout=5_000)
        page.set_kind("year")
        _wait(qtbot, page, costs=True)
        page.shift(-1)
        _wait(qtbot, page, costs=True)
        labels = (page.heading, page.period_label, page.progress_label, page.data_label, page.compare_label)
        texts = [label.text() for label in (*labels, page.costs_label)]
        texts.append(QTextDocumentFragment.fromHtml(page.legend.text()).toPlainText())
        texts += [b.text() for b in (*page.kind_buttons.values(), page.prev_button, page.next_button)]
        texts += [page.current_button.text(), page.prev_button.toolTip(), page.hover_text(3), page.hover_text(0)]
        texts += [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
        texts += [cell or "" for row in _rows(page).items() for cell in (row[0], *row[1])]
        texts += [page.chart.top_plot.titleLabel.text, page.chart.bottom_plot.titleLabel.text]
        names = [d for d, _r, _k in DEVICES] + ["Hand tariff", "CNY", "CO₂", "PgUp", "PgDown", "Home"]  # keys' names
        found = {t: english_words(t, names) for t in texts if english_words(t, names)}
        assert not found
    finally:
        i18n.set_language("en")
