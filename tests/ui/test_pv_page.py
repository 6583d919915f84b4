"""The PV performance page on a hand-made database (offscreen, pytest-qt, a real SQLite file, the reader thread).

Four 100 kW inverters read on the hour from 2026-03-15 00:00 to 12:00 (Asia/Shanghai), "now" 12:00: inv-1..3
make 10 kWh per hour (1.2 kWh/kW today), inv-4 7 kWh (0.84 kWh/kW: 70 % of the median 1.2, ranked last and
highlighted). The sensor irr-1 reads 120 W/m2 every hour: 1.44 kWh/m2, so the park's PR is
(3 x 120 + 84) kWh / 400 kW / 1.44 h = 77.1 %. Without the sensor the page says why there is no PR. In Chinese
the page's texts have no English words left (device ids apart). With every inverter's DC peak power configured
(120 kWp each) the figures are per kWp: the headings say kWh/kWp, inv-4 makes 84 / 120 = 0.70 kWh/kWp and the
park 444 / 480 = 0.925 kWh/kWp, PR 0.925 / 1.44 = 64.2 %, and the note drops the "above 100 %" caveat.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from energymon.store.reader import StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.site import SiteInfo
from ui.pv_page import PvPage
from ui.pv_table import DC_HEADINGS, HEADINGS, LOW_GROUND, PARK_GROUND

from support import english_words, open_page, record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
MIDNIGHT = datetime(2026, 3, 15, 0, 0, tzinfo=ZONE)
NOW_MS = int((MIDNIGHT + timedelta(hours=12)).timestamp() * 1000)
RATES_KWH_PER_H = {"inv-1": 10.0, "inv-2": 10.0, "inv-3": 10.0, "inv-4": 7.0}
IDS = (*RATES_KWH_PER_H, "irr-1")


def _write(
    path, sensor: bool, rates: dict[str, float] = RATES_KWH_PER_H, dc_kwp: float | None = None, only: str | None = None
) -> SiteInfo:
    """The hand site; ``dc_kwp``: the DC peak power of every inverter's array (of ``only``'s, if given)."""
    devices = [(d, "pv", 100) for d in RATES_KWH_PER_H] + ([("irr-1", "meteo", 0)] if sensor else [])
    record_hand_site(path, devices, poll_interval_s=3600.0)
    if dc_kwp is not None:  # as energymon.store.site_record writes a configured dc_peak_power_kwp
        db = open_db(path)
        try:
            ids = list(RATES_KWH_PER_H) if only is None else [only]
            db.conn.executemany("UPDATE devices SET dc_peak_power_kwp = ? WHERE id = ?", [(dc_kwp, i) for i in ids])
            db.conn.commit()
        finally:
            db.close()
    writer = StoreWriter(path, max_delay_s=60)
    for hour in range(13):
        ts_ms = int((MIDNIGHT + timedelta(hours=hour)).timestamp() * 1000)
        for device_id, rate in rates.items():
            writer.put_samples(SampleBatch(device_id, ts_ms, {"yield_wh": 1e6 + hour * rate * 1000.0}))
        if sensor:
            writer.put_samples(SampleBatch("irr-1", ts_ms, {"irradiance_w_m2": 120.0}))
    writer.close()
    assert writer.error is None
    reader = StoreReader(path)
    try:
        return SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()


def _page(qtbot, request, tmp_path, sensor=True, rates=RATES_KWH_PER_H, dc_kwp=None, only=None) -> PvPage:
    path = tmp_path / "pv.db"
    site = _write(path, sensor, rates, dc_kwp, only)
    page = open_page(qtbot, request, PvPage, site, path, NOW_MS, (1100, 520))
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    return page


def _column(title: str, headings=HEADINGS) -> int:
    return next(i for i, h in enumerate(headings) if h.title == title)


def _header(page: PvPage, role=Qt.ItemDataRole.DisplayRole) -> list[str]:
    return [page.model.headerData(c, Qt.Orientation.Horizontal, role) or "" for c in range(page.model.columnCount())]


def _rows(page: PvPage) -> list[list[str]]:
    m = page.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_the_underperformer_is_ranked_last_highlighted_and_the_park_pr_shown(qtbot, request, tmp_path):
    page = _page(qtbot, request, tmp_path)
    rows = _rows(page)
    assert [r[_column("Inverter")].split(" ")[0] for r in rows] == ["inv-1", "inv-2", "inv-3", "inv-4", "Park"]
    last = rows[3]
    assert last[_column("Rank")] == "4"
    assert last[_column("Energy kWh")] == "84.0"
    assert last[_column("kWh/kW (AC)")] == "0.84" and last[_column("Full-load h")] == "0.84"
    assert last[_column("vs. park median")] == "70.0 % (low)"
    assert rows[0][_column("vs. park median")] == "100.0 %"
    low = page.model.index(3, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert low is not None and low.color().name() == LOW_GROUND
    assert page.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    park = rows[4]
    assert park[_column("Inverter")] == "Park (4 of 4 inverters)"
    assert park[_column("Energy kWh")] == "444.0" and park[_column("kWh/kW (AC)")] == "1.11"
    assert page.model.index(4, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == PARK_GROUND
    assert park[_column("PR (AC)")] == "77.1 %"
    assert page.pr_label.text().startswith(
        "Performance ratio of the park: 77.1 % (plane-of-array irradiation 1.44 kWh/m² from irr-1). It is per rated AC"
        " kW of the inverters"
    )
    assert "above 100 %" in page.pr_label.text()
    assert _header(page)[2:6] == ["Rated kW (AC)", "Energy kWh", "kWh/kW (AC)", "Full-load h"]
    assert page.intro.text().startswith("kWh/kW (AC): the energy per rated AC kW")
    assert not page.peer_label.isVisible()
    assert "2026-03-15 00:00" in page.status_label.text() and "2026-03-15 12:00" in page.status_label.text()

    page.set_period("month")  # the data starts today: no inverter covers the month
    qtbot.waitUntil(lambda: page.result is not None and page.result.period == "month", timeout=10_000)
    rows = _rows(page)
    assert all(r[_column("Rank")] == "—" for r in rows[:4])
    assert page.pr_label.text() == (  # 12 of the 348 h since March 1 00:00
        "Performance ratio not shown: the irradiance data covers only 3.4 % of the period, at least 95.0 % is needed."
    )
    assert page.peer_label.text().startswith("No comparison with the park median: it needs at least 3 inverters")


def test_without_a_sensor_the_page_says_why_there_is_no_pr(qtbot, request, tmp_path):
    page = _page(qtbot, request, tmp_path, sensor=False)
    assert _rows(page)[-1][_column("PR (AC)")] == "—"
    assert page.pr_label.text() == "Performance ratio not shown: no irradiance sensor is configured."
    assert _rows(page)[3][_column("PR (AC)")] == "—"


def test_before_sunrise_nothing_is_ranked_and_the_page_says_why(qtbot, request, tmp_path):
    """Counters standing still all morning (0 kWh/kW each): no ranking of zeros and no ratios."""
    page = _page(qtbot, request, tmp_path, rates=dict.fromkeys(RATES_KWH_PER_H, 0.0))
    rows = _rows(page)
    assert [r[_column("Rank")] for r in rows[:4]] == ["—"] * 4
    assert [r[_column("kWh/kW (AC)")] for r in rows[:4]] == ["0.00"] * 4  # measured zeros, not gaps
    assert page.peer_label.text() == "No comparison with the park median: too little yield so far in this period."
    # The sensor saw 1.44 kWh/m2 and the inverters made nothing: a PR of 0, which is what happened.
    assert page.pr_label.text().startswith("Performance ratio of the park: 0.0 % (")


def test_the_page_in_chinese_has_no_english(qtbot, request, tmp_path):
    from ui import i18n

    page = _page(qtbot, request, tmp_path)
    try:
        i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: page.heading.text() != "PV performance", timeout=5_000)
        texts = [page.heading.text(), page.intro.text(), page.pr_label.text(), page.status_label.text()]
        texts += [b.text() for b in page.period_buttons.values()]
        texts += [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
        texts += [
            page.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) or ""
            for c in range(page.model.columnCount())
        ]
        texts += [cell or "" for row in _rows(page) for cell in row]
        texts += [page.model.index(3, 0).data(Qt.ItemDataRole.ToolTipRole)]
        names = [*IDS, *(i.upper() for i in IDS), "Asia/Shanghai", "kWp"]  # kWp: a unit (tests/language_walk.py)
        found = {t: english_words(t, names) for t in texts if english_words(t, names)}
        assert not found
        assert "性能比" in page.pr_label.text()
        page.set_period("month")
        qtbot.waitUntil(lambda: page.result is not None and page.result.period == "month", timeout=10_000)
        for text in (page.pr_label.text(), page.peer_label.text()):
            assert text and not english_words(text, names), text
    finally:
        i18n.set_language("en")


def test_with_dc_peak_powers_the_figures_are_per_kwp(qtbot, request, tmp_path):
    page = _page(qtbot, request, tmp_path, dc_kwp=120.0)
    assert page.result.basis == "dc" and not page.result.mixed_basis
    assert _header(page) == [h.title for h in DC_HEADINGS]
    assert _header(page)[2:] == ["kWp", "Energy kWh", "kWh/kWp", "Full-load h", "vs. park median", "PR"]
    assert _header(page, Qt.ItemDataRole.ToolTipRole)[4] == "Specific yield: energy per kWp of the array"
    rows = _rows(page)
    column = {t: _column(t, DC_HEADINGS) for t in ("kWp", "kWh/kWp", "Full-load h", "PR")}
    assert rows[3][column["kWp"]] == "120" and rows[3][column["kWh/kWp"]] == "0.70"
    assert rows[3][column["Full-load h"]] == "0.70"
    assert rows[4][column["kWp"]] == "480" and rows[4][column["kWh/kWp"]] == "0.93"  # 0.925
    assert rows[4][column["PR"]] == "64.2 %"
    assert page.pr_label.text() == (
        "Performance ratio of the park: 64.2 % (plane-of-array irradiation 1.44 kWh/m² from irr-1). It is per kWp of"
        " the arrays (their DC peak power as configured), as IEC 61724-1 states it, without temperature correction."
    )
    assert page.intro.text().startswith("kWh/kWp: the energy per kWp of each inverter's array")


def test_a_park_of_mixed_bases_is_shown_per_ac_kw_and_says_why(qtbot, request, tmp_path):
    page = _page(qtbot, request, tmp_path, dc_kwp=120.0, only="inv-1")
    assert page.result.mixed_basis
    assert _header(page) == [h.title for h in HEADINGS]
    assert _rows(page)[0][_column("Rated kW (AC)")] == "100"  # inv-1 too: per AC kW like the others
    assert "Only some inverters have their array's DC peak power configured" in page.intro.text()
    assert "above 100 %" in page.pr_label.text()


def test_the_dc_headings_in_chinese(qtbot, request, tmp_path):
    from ui import i18n

    page = _page(qtbot, request, tmp_path, dc_kwp=120.0)
    try:
        i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: page.heading.text() != "PV performance", timeout=5_000)
        header = _header(page)
        assert header[2] == "kWp" and header[4] == "kWh/kWp"
        texts = [page.intro.text(), page.pr_label.text(), *header, *_header(page, Qt.ItemDataRole.ToolTipRole)]
        names = [*IDS, "kWp", "IEC"]
        found = {t: english_words(t, names) for t in texts if english_words(t, names)}
        assert not found
        assert "直流峰值功率" in page.intro.text() and "性能比" in page.pr_label.text()
        assert "高于 100 %" not in page.pr_label.text()  # no "above 100 %" caveat on the DC basis
    finally:
        i18n.set_language("en")
