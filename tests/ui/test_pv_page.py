"""The PV performance page on a hand-made database (offscreen, pytest-qt, a real SQLite file, the reader thread).

Four 100 kW inverters read on the hour from 2026-03-15 00:00 to 12:00 (Asia/Shanghai), "now" 12:00: inv-1..3
make 10 kWh per hour (1.2 kWh/kW today), inv-4 7 kWh (0.84 kWh/kW: 70 % of the median 1.2, ranked last and
highlighted). The sensor irr-1 reads 120 W/m2 every hour: 1.44 kWh/m2, so the park's PR is
(3 x 120 + 84) kWh / 400 kW / 1.44 h = 77.1 %. Without the sensor the page says why there is no PR. In Chinese
the page's texts have no English words left (device ids apart).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.site import SiteInfo
from ui.context import AppContext
from ui.pv_page import PvPage
from ui.pv_table import HEADINGS, LOW_GROUND, PARK_GROUND

from support import english_words, record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
MIDNIGHT = datetime(2026, 3, 15, 0, 0, tzinfo=ZONE)
NOW_MS = int((MIDNIGHT + timedelta(hours=12)).timestamp() * 1000)
RATES_KWH_PER_H = {"inv-1": 10.0, "inv-2": 10.0, "inv-3": 10.0, "inv-4": 7.0}
IDS = (*RATES_KWH_PER_H, "irr-1")


def _write(path, sensor: bool, rates: dict[str, float] = RATES_KWH_PER_H) -> SiteInfo:
    devices = [(d, "pv", 100) for d in RATES_KWH_PER_H] + ([("irr-1", "meteo", 0)] if sensor else [])
    record_hand_site(path, devices, poll_interval_s=3600.0)
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


def _page(qtbot, request, tmp_path, sensor: bool = True, rates=RATES_KWH_PER_H) -> PvPage:
    path = tmp_path / "pv.db"
    site = _write(path, sensor, rates)
    ctx = AppContext()
    request.addfinalizer(ctx.shutdown)  # the reader thread
    page = PvPage(ctx)
    qtbot.addWidget(page)
    page.now_ms = lambda: NOW_MS
    page.resize(1100, 520)
    page.show()
    ctx.set_site(site, path)
    page.activated()
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    return page


def _column(title: str) -> int:
    return next(i for i, h in enumerate(HEADINGS) if h.title == title)


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
    assert last[_column("kWh/kW")] == "0.84" and last[_column("Full-load h")] == "0.84"
    assert last[_column("vs. park median")] == "70.0 % (low)"
    assert rows[0][_column("vs. park median")] == "100.0 %"
    low = page.model.index(3, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert low is not None and low.color().name() == LOW_GROUND
    assert page.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    park = rows[4]
    assert park[_column("Inverter")] == "Park (4 of 4 inverters)"
    assert park[_column("Energy kWh")] == "444.0" and park[_column("kWh/kW")] == "1.11"
    assert page.model.index(4, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == PARK_GROUND
    assert park[_column("PR")] == "77.1 %"
    assert page.pr_label.text().startswith(
        "Performance ratio of the park: 77.1 % (plane-of-array irradiation 1.44 kWh/m² from irr-1). It is per rated kW"
    )
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
    assert _rows(page)[-1][_column("PR")] == "—"
    assert page.pr_label.text() == "Performance ratio not shown: no irradiance sensor is configured."
    assert _rows(page)[3][_column("PR")] == "—"


def test_before_sunrise_nothing_is_ranked_and_the_page_says_why(qtbot, request, tmp_path):
    """Counters standing still all morning (0 kWh/kW each): no ranking of zeros and no ratios."""
    page = _page(qtbot, request, tmp_path, rates=dict.fromkeys(RATES_KWH_PER_H, 0.0))
    rows = _rows(page)
    assert [r[_column("Rank")] for r in rows[:4]] == ["—"] * 4
    assert [r[_column("kWh/kW")] for r in rows[:4]] == ["0.00"] * 4  # measured zeros, not gaps
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
        names = [*IDS, *(i.upper() for i in IDS), "Asia/Shanghai"]
        found = {t: english_words(t, names) for t in texts if english_words(t, names)}
        assert not found
        assert "性能比" in page.pr_label.text()
        page.set_period("month")
        qtbot.waitUntil(lambda: page.result is not None and page.result.period == "month", timeout=10_000)
        for text in (page.pr_label.text(), page.peer_label.text()):
            assert text and not english_words(text, names), text
    finally:
        i18n.set_language("en")
