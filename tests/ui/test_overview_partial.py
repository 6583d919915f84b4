"""The overview with one of eight inverters offline: partial sums on the tiles and the flow diagram, named and
counted ("7 of 8"); stale values greyed with their age, on the tiles and in the devices table; the chart's
legend above the plot and its time axis the whole local day (real Qt widgets offscreen, a real SQLite file for
the chart), in English and in Chinese."""

from __future__ import annotations

import os
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.power_chart import ChartRequest, chart_view, day_bounds_ms
from energymon.views.site import DeviceInfo, SiteInfo

from support import english_words, record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
NOW_MS = int(datetime(2026, 3, 15, 12, 0, 0, tzinfo=ZONE).timestamp() * 1000)
S = 1000
POLL_S = 5.0
INVERTERS = [f"inv-{i}" for i in range(1, 9)]
OFFLINE = "inv-5"
SITE = SiteInfo(
    "Test park",
    "Asia/Shanghai",
    0.5,
    "test factor",
    (
        *(
            DeviceInfo(d, f"Inverter {d[-1]}", Role.PV, 100, POLL_S, "127.0.0.1:1502", i + 1)
            for i, d in enumerate(INVERTERS)
        ),
        DeviceInfo("bess-1", "Battery 1", Role.STORAGE, 500, POLL_S, "127.0.0.1:1502", 20),
        DeviceInfo("grid", "Grid meter", Role.GRID, 2000, POLL_S, "127.0.0.1:1503", 1),
    ),
)
NAMES = (*INVERTERS, "bess-1", "grid", "Inverter 5", "Test park")


def reading(device_id: str, role: Role, ts_ms: int, ok: bool = True, **values) -> Reading:
    return Reading(
        device_id,
        role,
        ts_ms,
        MappingProxyType(values),
        ok,
        None if ok else "timeout",
        0.01,
        POLL_S,
    )


def pv_w(device_id: str) -> float:
    return 40_000.0 + 1_000.0 * int(device_id[-1])  # inv-1 41 kW ... inv-8 48 kW


def readings(age_ms: int = 2 * S) -> dict[str, Reading]:
    """Every device read ``age_ms`` ago; inv-5's latest poll read nothing."""
    ts = NOW_MS - age_ms
    out = {d: reading(d, Role.PV, ts, power_w=pv_w(d)) for d in INVERTERS if d != OFFLINE}
    out[OFFLINE] = reading(OFFLINE, Role.PV, ts, ok=False)
    out["bess-1"] = reading("bess-1", Role.STORAGE, ts, power_w=-100_000.0, soc_pct=60.0)
    out["grid"] = reading("grid", Role.GRID, ts, power_w=200_000.0)
    return out


def number(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


@pytest.fixture
def page(qtbot):
    from ui.context import AppContext
    from ui.overview_page import OverviewPage

    ctx = AppContext()
    ctx.now_ms = lambda: NOW_MS
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    ctx.site = SITE  # no database: only the live tiles and the flow diagram
    yield page
    ctx.shutdown()


def texts(tile) -> str:
    return " ".join((tile.value_text, tile.detail_label.text(), tile.toolTip(), tile.badge_text, tile.age_text))


def test_one_inverter_offline_leaves_a_partial_sum_that_names_it(page):
    ctx = page.ctx
    ctx.readings.update(readings())
    page.refresh_live()
    seven = sum(pv_w(d) for d in INVERTERS if d != OFFLINE)  # 311 kW
    tile = page.tile_pv
    assert number(tile.value_text) == pytest.approx(seven / 1000)  # the sum of the other seven ...
    assert tile.badge_text == "7 of 8"  # ... flagged ...
    assert "Missing: inv-5." in tile.detail_label.text()  # ... naming the missing one, and why
    assert "inv-5 (Inverter 5): the poll at 11:59:58 read nothing" in tile.badge_label.toolTip()
    assert not tile.stale and tile.age_text == "as of 11:59:58, 2 s ago"
    # Storage and grid are complete: no badge.
    assert page.tile_storage.badge_text == page.tile_grid.badge_text == ""
    assert number(page.tile_storage.value_text) == 100.0 and "Charging" in page.tile_storage.detail_label.text()
    # Consumption, a balance, is partial: its value over the devices reporting, with the range it lies in
    # (the missing inverter adds 0 .. its 100 kW rating).
    consumption = page.tile_consumption
    assert number(consumption.value_text) == pytest.approx((seven - 100_000 + 200_000) / 1000)
    assert consumption.badge_text == "9 of 10"
    assert consumption.detail_label.text() == "Partial, without inv-5: true value 411.0 to 511.0 kW."
    # The flow diagram shows the sums too (not greyed), marked where partial.
    flow = page.flow
    assert flow.values["pv"] == pytest.approx(seven)
    assert flow.values["loads"] == pytest.approx(seven + 100_000)
    assert flow.flags == {"pv": "7 of 8", "loads": "partial"}


def test_a_role_is_blank_only_when_none_of_its_devices_reports(page):
    ctx = page.ctx
    ctx.readings.update({d: reading(d, Role.PV, NOW_MS - S, ok=False) for d in INVERTERS})
    ctx.readings["grid"] = reading("grid", Role.GRID, NOW_MS - S, power_w=200_000.0)
    page.refresh_live()
    assert page.tile_pv.value_text == "—"  # no inverter reports: no number, greyed
    assert page.tile_pv.stale and page.flow.values["pv"] is None
    assert page.tile_grid.value_text.startswith("200") and not page.tile_grid.stale


def test_a_stale_tile_is_greyed_and_says_since_when_and_the_age_moves_on(page):
    from ui.tiles import STALE_VALUE_COLOUR, VALUE_COLOUR

    ctx = page.ctx
    ctx.readings.update(readings(age_ms=2 * S))
    page.refresh_live()
    grid = page.tile_grid
    assert not grid.stale and grid.value_label.colour.name() == VALUE_COLOUR
    assert grid.age_text == "as of 11:59:58, 2 s ago"
    # No reading arrives for a minute: the age ticks on (the page's timer), the values go stale (15 s, 3 polls).
    ctx.now_ms = lambda: NOW_MS + 10 * S
    page._age_tick()
    assert grid.age_text == "as of 11:59:58, 12 s ago" and not grid.stale
    ctx.now_ms = lambda: NOW_MS + 58 * S
    page._age_tick()
    assert grid.value_text == "—" and grid.stale
    assert grid.age_text == "stale since 11:59:58 (1 min ago)"
    assert grid.value_label.colour.name() == STALE_VALUE_COLOUR


def test_the_devices_table_says_how_old_each_row_is_and_marks_the_stale(qtbot):
    from PySide6.QtCore import Qt

    from ui.device_table import COLUMNS, DeviceTableModel

    model = DeviceTableModel()
    data = readings(age_ms=2 * S)
    data["grid"] = reading("grid", Role.GRID, NOW_MS - 40 * S, power_w=1.0)  # 8 poll intervals old
    model.set_rows(SITE.devices, data, NOW_MS, ZONE)
    age = [c.title for c in COLUMNS].index("Age")
    row_of = model.row_of
    assert model.index(row_of("inv-1"), age).data() == "2 s ago"
    assert model.index(row_of("grid"), age).data() == "40 s ago"
    assert model.index(row_of("inv-1"), age).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(row_of("grid"), age).data(Qt.ItemDataRole.ForegroundRole) is not None  # marked stale


def test_the_tiles_in_chinese(page):
    from ui import i18n

    ctx = page.ctx
    ctx.readings.update(readings())
    try:
        i18n.set_language("zh_CN")
        page.retranslate()
        assert page.tile_pv.badge_text == "7/8"
        assert "缺少：inv-5。" in page.tile_pv.detail_label.text()
        assert page.tile_pv.age_text == "截至 11:59:58，2 秒前"
        assert page.flow.flags == {"pv": "7/8", "loads": "部分"}
        for tile in page.live_tiles.values():
            assert not english_words(texts(tile), NAMES), texts(tile)
    finally:
        i18n.set_language("en")
    page.retranslate()
    assert page.tile_pv.badge_text == "7 of 8"


# -- the chart ------------------------------------------------------------------------------------------------


@pytest.fixture
def chart_db(tmp_path):
    """Power of one inverter and the grid meter from 03:00 to 03:10 local time, every 5 s."""
    path = tmp_path / "chart.db"
    record_hand_site(path, [("inv-1", "pv", 100), ("grid", "grid", 2000)], poll_interval_s=POLL_S)
    writer = StoreWriter(path, max_delay_s=60)
    start = int(datetime(2026, 3, 15, 3, 0, tzinfo=ZONE).timestamp() * 1000)
    for i in range(121):
        ts = start + i * 5 * S
        writer.put_samples(SampleBatch("inv-1", ts, {"power_w": 1000.0 * i}))
        writer.put_samples(SampleBatch("grid", ts, {"power_w": -500.0 * i}))
    writer.close()
    assert writer.error is None
    return path


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_chart_spans_the_whole_day_and_its_legend_sits_above_the_plot(qtbot, chart_db, language):
    from ui import i18n
    from ui.context import AppContext
    from ui.overview_page import OverviewPage

    reader = StoreReader(chart_db)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
        now_ms = int(datetime(2026, 3, 15, 3, 20, tzinfo=ZONE).timestamp() * 1000)
        midnight, next_midnight = day_bounds_ms(now_ms, ZONE)
        view = chart_view(reader, ChartRequest(chart_db, site, midnight, now_ms, 720, False))
    finally:
        reader.close()
    assert next_midnight - midnight == 24 * 3_600_000
    ctx = AppContext()
    try:
        i18n.set_language(language)
        page = OverviewPage(ctx)
        qtbot.addWidget(page)
        chart = page.chart
        chart.set_zone(ZONE)
        page.resize(1400, 760)
        page.show()
        qtbot.waitExposed(page)
        page._on_db_view(view)  # drawn at once: the page is shown
        # The whole local day, 00:00 to 24:00, although the data ends at 03:10.
        assert chart.plot.getViewBox().viewRange()[0] == pytest.approx([midnight / 1000, next_midnight / 1000])
        xs, ys = chart.curves["pv_w"].getData()  # the few minutes of data are drawn, not thinned away
        assert xs is not None and len(xs) >= 100 and max(ys) == pytest.approx(120_000.0, rel=0.05)
        # The legend is a row above the plot: it covers no curve.
        legend, plot = chart.legend.geometry(), chart.plot.geometry()
        assert legend.height() > 0 and legend.bottom() < plot.top()
        assert all(label.isVisibleTo(chart.widget) for label in chart.legend_labels.values())
        pv_name = {"en": "PV generation", "zh_CN": page.tr("PV generation")}[language]
        assert chart.legend_labels["pv_w"].text() == pv_name
        assert chart.plot.getPlotItem().legend is None  # no pyqtgraph legend inside the plot
        if language == "zh_CN":
            assert not [w for label in chart.legend_labels.values() for w in english_words(label.text())]
    finally:
        i18n.set_language("en")
        ctx.shutdown()
