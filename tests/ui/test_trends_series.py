"""The trends page with several series, from a real SQLite file written through the one writer.

Hand-made site (Asia/Shanghai): PV inverters ``inv-1`` and ``inv-2`` and the grid meter ``grid``, one sample
a minute over the local day DAY (minute j = 0 .. 1439):

- ``inv-1``: ``power_w`` = 1000 + j, ``voltage_l1_v`` = 230, ``yield_wh`` = 10 j; no samples at all from
  10:00 to 11:00 (it was offline: j = 600 .. 659).
- ``inv-2``: ``power_w`` = 3000, ``voltage_l1_v`` = 231, ``yield_wh`` = 30 j.
- ``grid``: ``power_w`` = -2500 (export), ``imported_wh`` = 0, ``exported_wh`` = 40 j; no voltage.

So the site's PV power is 4000 + j, and 3000 while inv-1 is offline (1 of 2 inverters reporting).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings

from drivers.quantities import QUANTITIES
from energymon.site_time import DAY_MS, MINUTE_MS
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.site import SiteInfo
from energymon.views.site_trends import SITE
from energymon.views.trend_set import TrendSpec
from ui import i18n

from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 10, 1, tzinfo=ZONE)
DAY_START_MS = int(DAY.timestamp() * 1000)
GAP = range(600, 660)  # inv-1's minutes without samples (10:00 to 11:00)
TIMEOUT_MS = 20_000

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("trend-series") / "site.db"
    record_hand_site(path, (("inv-1", "pv", 100), ("inv-2", "pv", 100), ("grid", "grid", 1000)), 60)
    writer = StoreWriter(path, max_delay_s=60, compact_every_s=0)
    for j in range(DAY_MS // MINUTE_MS):
        ts = DAY_START_MS + j * MINUTE_MS
        if j not in GAP:
            writer.put_samples(
                SampleBatch("inv-1", ts, {"power_w": 1000.0 + j, "voltage_l1_v": 230.0, "yield_wh": 10.0 * j})
            )
        writer.put_samples(SampleBatch("inv-2", ts, {"power_w": 3000.0, "voltage_l1_v": 231.0, "yield_wh": 30.0 * j}))
        writer.put_samples(SampleBatch("grid", ts, {"power_w": -2500.0, "imported_wh": 0.0, "exported_wh": 40.0 * j}))
    writer.close()
    assert writer.error is None
    return path


@pytest.fixture
def page(qtbot, site_db):
    from ui.context import AppContext
    from ui.trends_page import TrendsPage

    reader = StoreReader(site_db)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()
    ctx = AppContext(viewer_only=True)
    ctx.set_site(site, site_db)
    trends = TrendsPage(ctx)
    qtbot.addWidget(trends)
    trends.resize(1400, 800)
    trends.show()
    trends.activated()
    qtbot.waitUntil(lambda: trends.device_combo.findData("grid") >= 0, timeout=TIMEOUT_MS)
    yield trends
    trends.shutdown()
    ctx.shutdown()


def show_day(qtbot, page) -> None:
    """Show DAY and wait until every series is read for it."""
    page.view.setXRange(DAY_START_MS / 1000, (DAY_START_MS + DAY_MS) / 1000, padding=0)
    page._request(force=True)
    wait_read(qtbot, page)


def wait_read(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page._loading and all(s is not None for _, s in page._drawable()), timeout=TIMEOUT_MS)


def shot(page, tmp_path, name: str) -> None:
    """Grab the page as a PNG (into $TRENDS_SHOTS when set, to look at; else the test's folder)."""
    folder = Path(os.environ.get("TRENDS_SHOTS") or tmp_path)
    assert page.grab().save(str(folder / f"{name}.png"))


def answer(page, spec: TrendSpec):
    return dict(page._drawable())[spec]


def minutes(s) -> np.ndarray:
    """The minute of DAY of each point."""
    return (s.ts_ms - DAY_START_MS) // MINUTE_MS


def test_two_devices_two_quantities_and_a_site_series_on_one_chart(qtbot, page, tmp_path):
    page.select("inv-1", "power_w")
    for spec in (
        TrendSpec("inv-2", "power_w"),
        TrendSpec("inv-1", "voltage_l1_v"),
        TrendSpec("inv-2", "voltage_l1_v"),
        TrendSpec(SITE, "pv_power_w"),
    ):
        page.add_series(spec)
    assert len(page.specs) == 5
    show_day(qtbot, page)

    # the values, as written
    p1, p2 = answer(page, TrendSpec("inv-1", "power_w")), answer(page, TrendSpec("inv-2", "power_w"))
    assert p1.source == "1min" and p1.statistic == "mean"
    j1 = minutes(p1)
    assert not set(j1.tolist()) & set(GAP) and p1.mean.tolist() == (1000.0 + j1).tolist()
    assert len(p2) == 1440 and (p2.mean == 3000.0).all()
    v1, v2 = answer(page, TrendSpec("inv-1", "voltage_l1_v")), answer(page, TrendSpec("inv-2", "voltage_l1_v"))
    assert (v1.mean == 230.0).all() and (v2.mean == 231.0).all()
    site = answer(page, TrendSpec(SITE, "pv_power_w"))
    j = minutes(site)
    assert len(site) == 1440 and site.statistic == "sum" and site.devices == 2
    offline = np.isin(j, list(GAP))
    assert site.mean[~offline].tolist() == (4000.0 + j[~offline]).tolist()
    assert (site.mean[offline] == 3000.0).all() and (site.reporting[offline] == 1).all()
    assert (site.reporting[~offline] == 2).all()

    # grouped by unit: the powers on the left axis, the voltages on the right, one plot
    assert [(s.plot, s.right, s.key) for s in page.slots] == [
        (0, False, "W"),
        (0, False, "W"),
        (0, True, "V"),
        (0, True, "V"),
        (0, False, "W"),
    ]
    assert len(page.chart.panels) == 1
    lines = [i for i in page.chart.items_at(0) if isinstance(i, pg.PlotDataItem)]
    drawn = sorted(tuple(np.unique(c.yData[np.isfinite(c.yData)]).tolist()[:2]) for c in lines)
    assert (3000.0,) in drawn and (1000.0, 1001.0) in drawn and (3000.0, 4000.0) in drawn  # inv-2, inv-1, site
    right = [i for i in page.chart.items_at(0, right=True) if isinstance(i, pg.PlotDataItem)]
    assert sorted(float(np.nanmax(c.yData)) for c in right) == [230.0, 231.0]
    low, high = page.chart.y_range(0, right=True)
    assert low < 230.0 and high > 231.0  # the right axis is the voltages'
    for c in lines + right:
        assert c.opts["downsampleMethod"] == "peak" and c.opts["clipToView"]

    # the legend beside the plot, never on it: the site series says that one inverter did not report
    assert page.legend.parent() is not page.plot and not page.plot.isAncestorOf(page.legend)
    texts = page.legend.texts()
    assert [name for name, _, _ in texts][:3] == ["INV-1 · Active power", "INV-2 · Active power", "INV-1 · Voltage L1"]
    assert "1 of 2 devices at the least" in texts[4][1]

    # a third unit goes to a second plot below, on the same time axis
    page.add_series(TrendSpec("inv-1", "yield_wh", energy=True))
    wait_read(qtbot, page)
    assert page.slots[-1] == page.slots[-1].__class__(1, False, "Wh/interval")
    assert len(page.chart.panels) == 2
    page.update_cursor((DAY_START_MS + 10.5 * 3_600_000) / 1000)  # in the offline hour
    shot(page, tmp_path, "trends-series-en")

    # removing a series takes it off the chart and the legend
    page.remove_series(5)
    page.remove_series(1)
    assert TrendSpec("inv-2", "power_w") not in page.specs and len(page.legend.rows) == 4
    assert len(page.chart.panels) == 1


def test_energy_per_interval_is_bars_from_zero_with_the_offline_hour_empty(qtbot, page, tmp_path):
    page.select("inv-1", "yield_wh", energy=True)
    page.add_series(TrendSpec(SITE, "pv_energy_wh"))
    show_day(qtbot, page)
    own = answer(page, TrendSpec("inv-1", "yield_wh", energy=True))
    assert own.statistic == "delta" and own.source == "1min"
    bars = [i for i in page.chart.items_at(0) if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 2 and not [i for i in page.chart.items_at(0) if isinstance(i, pg.PlotDataItem)]
    inv1 = bars[0].opts
    starts = (np.asarray(inv1["x0"]) * 1000 - DAY_START_MS) // MINUTE_MS  # the minute each bar is in
    assert not set(starts.astype(int).tolist()) & set(GAP)  # the offline hour has no bars, not bars of 0
    assert len(starts) == 1440 - len(GAP)
    heights = np.asarray(inv1["height"])
    # 10 Wh a minute; the first minute of the day and the first after the gap have no reading before them
    assert sorted(set(heights.tolist())) == [0.0, 10.0] and (heights == 0).sum() == 2
    assert inv1["y0"] == 0
    site = np.asarray(bars[1].opts["height"])
    assert 40.0 in site.tolist()  # both inverters: 10 + 30 Wh a minute
    assert page.chart.y_range(0)[0] == 0.0  # the axis starts at 0
    page.view.setXRange((DAY_START_MS + 8 * 3_600_000) / 1000, (DAY_START_MS + 13 * 3_600_000) / 1000, padding=0)
    wait_read(qtbot, page)
    assert page.chart.y_range(0)[0] == 0.0
    shot(page, tmp_path, "trends-bars-en")


def test_the_quantity_is_kept_when_the_device_changes_and_a_lack_is_said(qtbot, page):
    page.select("inv-1", "voltage_l1_v")
    show_day(qtbot, page)
    combo = page.device_combo
    combo.setCurrentIndex(combo.findData("inv-2"))
    assert page.current_quantity() == "voltage_l1_v" and page.pickers.missing is None
    assert page.specs == [TrendSpec("inv-2", "voltage_l1_v")]
    wait_read(qtbot, page)
    assert (page.series.mean == 231.0).all()

    combo.setCurrentIndex(combo.findData("grid"))  # the grid meter stores no voltage: kept, and said
    assert page.current_quantity() == "voltage_l1_v" and page.pickers.missing == "voltage_l1_v"
    assert "not stored for this device" in page.pickers.quantity_combo.currentText()
    wait_read(qtbot, page)
    assert "has no “Voltage L1” stored" in page.status_text
    assert "Not stored for this device" in page.legend.texts()[0][1]
    assert not [i for i in page.chart.items_at(0) if isinstance(i, pg.PlotDataItem)]

    combo.setCurrentIndex(combo.findData("inv-1"))  # back to a device that has it: the mark goes
    assert page.current_quantity() == "voltage_l1_v" and page.pickers.missing is None
    wait_read(qtbot, page)
    assert (page.series.mean == 230.0).all()

    # between a device and the site a quantity goes over to its counterpart
    page.select("inv-1", "power_w")
    combo.setCurrentIndex(combo.findData(SITE))
    assert page.current_quantity() == "pv_power_w"


def test_saved_views_round_trip_restore_and_delete(qtbot, page, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.trend_views import load_views

    page.select("inv-1", "power_w")
    page.add_series(TrendSpec(SITE, "pv_energy_wh"))
    page.add_series(TrendSpec("grid", "exported_wh", energy=True))
    show_day(qtbot, page)
    saved_specs = list(page.specs)
    page.save_view("Morning check")
    page.apply_preset("7d")
    page.save_view("Last week")

    # in QSettings, readable by a new QSettings object
    assert [v.name for v in load_views(QSettings())] == ["Last week", "Morning check"]
    assert [page.views.combo.itemText(i) for i in range(1, page.views.combo.count())] == ["Last week", "Morning check"]

    page.remove_series(2)
    page.remove_series(1)
    page.select("inv-2", "voltage_l1_v")
    assert page.restore_view("Morning check")
    assert page.specs == saved_specs and page.preset is None
    assert page.visible_range_ms() == pytest.approx((DAY_START_MS, DAY_START_MS + DAY_MS), abs=1000)
    wait_read(qtbot, page)
    assert (page.current_device(), page.current_quantity()) == ("inv-1", "power_w")
    assert page.restore_view("Last week") and page.preset == "7d" and page.preset_buttons["7d"].isChecked()

    # delete (the question answered yes)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.views.combo.setCurrentIndex(page.views.combo.findData("Morning check"))
    page.views._ask_delete()
    assert [v.name for v in load_views()] == ["Last week"]
    assert page.views.combo.findData("Morning check") < 0
    assert not page.restore_view("Morning check")


def test_the_page_in_chinese(qtbot, page, tmp_path):
    from language_walk import EnglishFinder, gui_texts

    page.select("inv-1", "power_w")
    page.add_series(TrendSpec("inv-2", "voltage_l1_v"))
    page.add_series(TrendSpec(SITE, "pv_energy_wh"))
    show_day(qtbot, page)
    i18n.set_language("zh_CN")
    qtbot.waitUntil(lambda: page.preset_buttons["7d"].text() != "7 days", timeout=5_000)
    page.update_cursor((DAY_START_MS + 12 * 3_600_000) / 1000)
    site = page.ctx.site
    names = [site.name, site.timezone] + [n for d in site.devices for n in (d.id, d.name)]
    names += list(QUANTITIES)  # the canonical quantities' codes (as the Chinese walk allows them)
    found = EnglishFinder(names).report(gui_texts(page))
    assert not found, "\n".join(found)
    shot(page, tmp_path, "trends-series-zh")
    page.device_combo.setCurrentIndex(page.device_combo.findData("grid"))
    page.pickers.quantity_combo.setCurrentIndex(page.pickers.quantity_combo.findData("power_w"))
    page.device_combo.setCurrentIndex(page.device_combo.findData("inv-1"))
    page.pickers.quantity_combo.setCurrentIndex(page.pickers.quantity_combo.findData("voltage_l1_v"))
    page.device_combo.setCurrentIndex(page.device_combo.findData("grid"))  # the lack, said in Chinese
    assert page.pickers.missing == "voltage_l1_v"
    assert page.legend.texts()[2][1] == "该设备未存储此测量项：无可绘制内容。"  # at once, not after the read
    wait_read(qtbot, page)
    shot(page, tmp_path, "trends-missing-zh")
    found = EnglishFinder(names).report(gui_texts(page))
    assert not found, "\n".join(found)
