"""Trends: which source answers which range, the values worked by hand, and the page on the running demo.

Hand-made site (Asia/Shanghai, UTC+8 all year), written through the one writer (rows, day blocks and
rollups as in production):

- ``m`` (load meter) every 30 s for 3 local days from START: ``power_w`` = j (the sample's index), so a
  minute holds j = 2k and 2k+1 (mean 2k + 0.5, min 2k, max 2k + 1); ``consumed_wh`` = 1000 + 10 j, except
  that the meter is replaced at RESET (day 2, 12:00): the new one reads 10 (j - j_reset) from there on.
- ``pv`` every hour for 400 days from START: ``power_w`` = 100 x the local hour (a day: mean 1150, min 0,
  max 2300); ``yield_wh`` = 10 x the number of hours since START (240 Wh a day).
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from energymon.site_time import DAY_MS, HOUR_MS, MINUTE_MS, QUARTER_MS
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter
from energymon.views.trends import CSV_HEADER, channels, choose_level, interval_name, series, write_csv

from support import record_hand_site, running_demo_window

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, tzinfo=ZONE)
START_MS = int(START.timestamp() * 1000)
STEP_MS = 30_000
M_DAYS = 3
M_SAMPLES = M_DAYS * DAY_MS // STEP_MS
RESET_J = (DAY_MS + 12 * HOUR_MS) // STEP_MS
PV_DAYS = 400


def local_ms(days: float, hours: float = 0) -> int:
    return int((START + timedelta(days=days, hours=hours)).timestamp() * 1000)


def m_counter(j: int) -> float:
    return 1000.0 + 10 * j if j < RESET_J else 10.0 * (j - RESET_J)


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    path = tmp_path_factory.mktemp("trends") / "site.db"
    record_hand_site(path)
    writer = StoreWriter(path, max_delay_s=60, compact_every_s=0)  # compacts complete days into blocks
    for j in range(M_SAMPLES):
        writer.put_samples(SampleBatch("m", START_MS + j * STEP_MS, {"power_w": float(j), "consumed_wh": m_counter(j)}))
    for h in range(PV_DAYS * 24):
        ts = START_MS + h * HOUR_MS
        hour = datetime.fromtimestamp(ts / 1000, ZONE).hour
        writer.put_samples(SampleBatch("pv", ts, {"power_w": 100.0 * hour, "yield_wh": 10.0 * h}))
    writer.close()
    assert writer.error is None
    reader = StoreReader(path)
    yield reader
    reader.close()


# -- the source by range ----------------------------------------------------------------------------------
def test_presets_and_long_ranges_choose_bounded_sources():
    day = DAY_MS
    assert choose_level(day, 2000) == ("1min", 1)  # today, yesterday: 1440 points
    assert choose_level(2000 * MINUTE_MS, 2000) == ("1min", 1)
    assert choose_level(2000 * MINUTE_MS + 1, 2000) == ("15min", 1)
    assert choose_level(7 * day, 2000) == ("15min", 1)  # 672 points
    assert choose_level(30 * day, 2000) == ("1h", 1)  # 720 points
    assert choose_level(365 * day, 2000) == ("1d", 1)  # 365 points
    assert choose_level(20 * 365 * day, 2000) == ("1d", 4)  # 7300 days, four per point: 1825 points
    assert interval_name(15 * MINUTE_MS) == "15min" and interval_name(4 * day) == "4d"


def test_short_range_reads_raw_samples_exactly(reader):
    start = local_ms(1)  # a day boundary in local time, inside a UTC day block
    s = series(reader, "m", "power_w", start, start + HOUR_MS)
    first_j = (start - START_MS) // STEP_MS
    assert s.source == "raw" and s.statistic == "sample" and s.bucket_ms == 0
    assert s.ts_ms.tolist() == [start + i * STEP_MS for i in range(120)]  # [from, to): the end is left out
    assert s.mean.tolist() == [float(first_j + i) for i in range(120)]
    assert np.isnan(s.min).all() and np.isnan(s.max).all()
    assert (s.unit, s.kind) == ("W", "measurement")
    # six hours of a 30 s poll: 720 samples, still raw
    assert series(reader, "m", "power_w", start, start + 6 * HOUR_MS).source == "raw"
    # more raw samples than points allowed: the finest rollup that fits (2 h -> 120 minutes > 100 -> 15 min)
    s = series(reader, "m", "power_w", start, start + 2 * HOUR_MS, max_points=100)
    assert s.source == "15min" and len(s) == 8 and s.bucket_ms == QUARTER_MS
    assert s.mean[0] == pytest.approx(first_j + 14.5)  # the mean of j .. j + 29
    assert (s.min[0], s.max[0]) == (first_j, first_j + 29)


def test_today_reads_one_minute_averages_with_min_and_max(reader):
    s = series(reader, "m", "power_w", local_ms(1), local_ms(2))
    assert s.source == "1min" and s.statistic == "mean" and len(s) == 1440
    k = np.arange(1440) + 1440  # minutes since START
    assert s.ts_ms.tolist() == (START_MS + k * MINUTE_MS).tolist()
    assert s.mean.tolist() == (2 * k + 0.5).tolist()
    assert s.min.tolist() == (2 * k).tolist() and s.max.tolist() == (2 * k + 1).tolist()
    # a range that starts inside a minute still shows that minute (the curve reaches the edge)
    s = series(reader, "m", "power_w", local_ms(1) + 45_000, local_ms(1, 10))
    assert s.source == "1min" and s.ts_ms[0] == local_ms(1) and len(s) == 600


def test_seven_days_thirty_days_and_twelve_months_read_their_rollups(reader):
    week = series(reader, "pv", "power_w", local_ms(10), local_ms(17))
    assert week.source == "15min" and len(week) == 7 * 24  # one sample an hour: every 4th quarter has data
    hours = [datetime.fromtimestamp(t / 1000, ZONE).hour for t in week.ts_ms.tolist()]
    assert week.mean.tolist() == [100.0 * h for h in hours]

    month = series(reader, "pv", "power_w", local_ms(40), local_ms(70))
    assert month.source == "1h" and len(month) == 720 and month.bucket_ms == HOUR_MS
    assert month.mean[:24].tolist() == [100.0 * h for h in range(24)]  # local hours: the day starts at 00:00

    year = series(reader, "pv", "power_w", local_ms(20), local_ms(385))
    assert year.source == "1d" and len(year) == 365
    assert year.ts_ms[0] == local_ms(20)  # daily buckets start at local midnight
    assert np.allclose(year.mean, 1150.0) and (year.min == 0).all() and (year.max == 2300).all()


def test_counters_show_the_reading_or_the_energy_per_bucket(reader):
    start = local_ms(1)
    raw = series(reader, "m", "consumed_wh", start, start + 10 * MINUTE_MS)
    assert raw.source == "raw" and raw.statistic == "sample"
    assert raw.mean.tolist() == [m_counter((start - START_MS) // STEP_MS + i) for i in range(20)]
    # today as counter readings: the last reading of each minute
    day = series(reader, "m", "consumed_wh", local_ms(1), local_ms(2))
    assert day.source == "1min" and day.statistic == "last" and day.unit == "Wh"
    assert day.mean[0] == m_counter(2 * 1440 + 1)
    assert np.isnan(day.min).all()

    # energy per minute: 2 samples x 10 Wh since the previous minute's last reading
    energy = series(reader, "m", "consumed_wh", local_ms(1), local_ms(2), energy=True)
    assert energy.source == "1min" and energy.statistic == "delta" and len(energy) == 1440
    reset_k = RESET_J // 2 - 1440  # the minute of day 2 in which the meter was replaced
    assert np.isnan(energy.mean[reset_k])  # the reading went down: no number rather than a wrong one
    rest = np.delete(energy.mean, reset_k)
    assert (rest == 20.0).all()  # the first minute too: the minute before the range was read for it
    # the very first minute of data has no minute before it: the energy within it (first to last reading)
    first = series(reader, "m", "consumed_wh", START_MS, START_MS + HOUR_MS, energy=True)
    assert first.source == "1min" and first.mean[0] == 10.0 and (first.mean[1:] == 20.0).all()

    # twelve months of energy per day: 24 hourly steps of 10 Wh
    year = series(reader, "pv", "yield_wh", local_ms(20), local_ms(385), energy=True)
    assert year.source == "1d" and len(year) == 365 and (year.mean == 240.0).all()
    first_day = series(reader, "pv", "yield_wh", START_MS, local_ms(365), energy=True)
    assert first_day.mean[0] == 230.0  # no day before: from the day's first reading (00:00) to its last (23:00)


def test_merged_days_stay_within_the_bound(reader):
    s = series(reader, "pv", "power_w", START_MS, local_ms(PV_DAYS), max_points=100)
    assert s.source == "1d" and s.bucket_ms == 4 * DAY_MS and len(s) == 100
    assert np.allclose(s.mean, 1150.0) and (s.min == 0).all() and (s.max == 2300).all()


def test_a_range_without_raw_samples_falls_back_to_the_one_minute_rollups(reader):
    # raw retention drops whole day blocks, the rollups stay: simulate it on a copy
    copy = reader.path.with_name("retention.db")
    source = sqlite3.connect(reader.path)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    channel = target.execute("SELECT id FROM channels WHERE device_id = 'm' AND quantity = 'power_w'").fetchone()[0]
    target.execute(
        "DELETE FROM sample_blocks WHERE channel_id = ? AND block_ms = ?",
        (channel, START_MS - START_MS % DAY_MS + DAY_MS),
    )
    target.commit()
    target.close()
    other = StoreReader(copy)
    try:
        start = START_MS - START_MS % DAY_MS + DAY_MS + 3 * HOUR_MS  # inside the dropped UTC day
        s = series(other, "m", "power_w", start, start + HOUR_MS)
        assert s.source == "1min" and len(s) == 60
        assert s.mean[0] == 2 * ((start - START_MS) // MINUTE_MS) + 0.5
    finally:
        other.close()


def test_unknown_channel_is_empty_and_channels_are_listed(reader):
    s = series(reader, "m", "soc_pct", START_MS, START_MS + HOUR_MS)
    assert len(s) == 0 and s.source == "raw"
    assert len(series(reader, "nope", "power_w", START_MS, local_ms(30))) == 0
    listed = [(c.device_id, c.quantity, c.unit, c.kind) for c in channels(reader)]
    assert listed == [
        ("m", "consumed_wh", "Wh", "counter"),
        ("m", "power_w", "W", "measurement"),
        ("pv", "power_w", "W", "measurement"),
        ("pv", "yield_wh", "Wh", "counter"),
    ]


def test_csv_has_local_times_with_offset_and_what_is_visible(reader):
    s = series(reader, "m", "power_w", local_ms(1), local_ms(2))
    shown = s.visible(local_ms(1, 6), local_ms(1, 6) + 3 * MINUTE_MS)
    out = io.StringIO()
    assert write_csv(shown, out, ZONE) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_HEADER
    k = 1440 + 360
    assert rows[1] == [
        "2026-10-02T06:00:00+08:00",
        "m",
        "power_w",
        "1min",
        "mean",
        repr(2 * k + 0.5),
        repr(2.0 * k),
        repr(2.0 * k + 1),
        "W",
    ]
    assert [r[0] for r in rows[2:]] == ["2026-10-02T06:01:00+08:00", "2026-10-02T06:02:00+08:00"]
    raw = series(reader, "m", "consumed_wh", local_ms(1), local_ms(1) + MINUTE_MS)
    out = io.StringIO()
    write_csv(raw, out, ZONE)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[2][:5] == ["2026-10-02T00:00:30.000+08:00", "m", "consumed_wh", "raw", "sample"]
    assert rows[2][6:] == ["", "", "Wh"]  # no min and max for a sample


# -- the page, with the demo park running ------------------------------------------------------------------
@pytest.fixture
def demo_window(qtbot, tmp_path):
    with running_demo_window(qtbot, tmp_path, backfill_days=1) as window:
        yield window


def wait_for_series(qtbot, page, source_ok, timeout=30_000):
    qtbot.waitUntil(
        lambda: (
            page.series is not None and not page._loading and source_ok(page.series) and len(page.shown_series()) > 0
        ),
        timeout=timeout,
    )
    return page.series


@pytest.mark.wire
def test_trends_page_reads_presets_zooms_reads_out_and_exports(qtbot, demo_window, tmp_path):
    window = demo_window
    page = window.trends
    qtbot.waitUntil(lambda: window.ctx.site is not None, timeout=15_000)
    qtbot.waitUntil(lambda: window.backfill is not None and not window.backfill.running, timeout=120_000)
    window.show_page("trends")
    qtbot.waitUntil(lambda: page.device_combo.findData("grid") >= 0, timeout=30_000)
    page.select("grid", "power_w")

    page.apply_preset("today")
    today = wait_for_series(qtbot, page, lambda s: s.source == "1min")
    assert today.statistic == "mean" and today.unit == "W"
    assert "1-minute averages" in page.status_text

    page.apply_preset("7d")
    week = wait_for_series(qtbot, page, lambda s: s.source == "15min")
    assert len(week.visible(*page.visible_range_ms())) >= 90  # a day of backfilled history and today's minutes
    assert page.preset_buttons["7d"].isChecked()

    # the cursor reads out the point under it, in local time with its unit
    shown = page.shown_series()
    middle = int(shown.ts_ms[len(shown) // 2])
    page.update_cursor(middle / 1000 + 1)
    local = datetime.fromtimestamp(middle / 1000, window.ctx.site.tz).strftime("%Y-%m-%d %H:%M")
    assert page.cursor_text.startswith(local) and "mean" in page.cursor_text and "W" in page.cursor_text

    # export of what is shown, read back
    done = []
    page.export_done.connect(lambda path, error: done.append((path, error)))
    csv_path, png_path = tmp_path / "week.csv", tmp_path / "week.png"
    assert page.export_csv(csv_path)
    assert page.export_png(png_path)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert all(error == "" for _, error in done)
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) - 1 == len(page.shown_series())
    assert rows[1][0].endswith("+08:00") and rows[1][1:5] == ["grid", "power_w", "15min", "mean"]
    assert float(rows[1][6]) <= float(rows[1][5]) <= float(rows[1][7])
    image = QImage(str(png_path))
    assert not image.isNull() and image.width() > 400 and image.height() > 200

    # zooming into the last half hour re-reads it as raw samples (after the view rests)
    now_s = time.time()
    page.view.setXRange(now_s - 1800, now_s, padding=0)
    raw = wait_for_series(qtbot, page, lambda s: s.source == "raw")
    assert not page.preset_buttons["7d"].isChecked()
    assert raw.ts_ms[-1] > (now_s - 120) * 1000  # live data of the collector

    # a counter as energy per interval
    page.select("grid", "imported_wh", energy=True)
    page.apply_preset("today")
    energy = wait_for_series(qtbot, page, lambda s: s.statistic == "delta")
    assert energy.source == "1min" and energy.unit == "Wh" and page.mode_combo.isVisible()

    # the screenshot: a quantity over 7 days, the cursor moved there by the mouse
    page.select("grid", "power_w")
    page.apply_preset("7d")
    wait_for_series(qtbot, page, lambda s: s.source == "15min")
    page.cursor_text = ""
    x = page.view.mapViewToScene(QPointF(middle / 1000 + 1, page.view.viewRange()[1][0]))
    # the mouse handler itself (the rate-limiting SignalProxy in front of it is pyqtgraph's, and its
    # timing under a loaded machine made this flaky)
    page._on_mouse((QPointF(x.x(), page.view.sceneBoundingRect().center().y()),))
    qtbot.waitUntil(lambda: page.cursor_text.startswith(local), timeout=5_000)
    assert page.cursor_line.isVisible()
    shot = Path(os.environ.get("TRENDS_SCREENSHOT") or tmp_path / "trends-7d.png")
    assert window.grab().save(str(shot))
    assert not QImage(str(shot)).isNull()

    # a language switch relabels the page and keeps what it shows
    from PySide6.QtCore import QCoreApplication, QEvent

    before = page.series
    QCoreApplication.sendEvent(page, QEvent(QEvent.LanguageChange))
    assert (page.current_device(), page.current_quantity()) == ("grid", "power_w")
    assert page.series is before and page.status_text.startswith("Showing 15-minute averages")


def test_presets_are_local_days_or_the_last_days_up_to_now():
    from ui.trend_plot import preset_range

    now_s = datetime(2026, 10, 5, 1, 30, tzinfo=ZONE).timestamp()  # 17:30 UTC the day before
    assert preset_range("today", now_s, ZONE) == (local_ms(4), local_ms(5))
    assert preset_range("yesterday", now_s, ZONE) == (local_ms(3), local_ms(4))
    assert preset_range("7d", now_s, ZONE) == (int(now_s * 1000) - 7 * DAY_MS, int(now_s * 1000))
    assert preset_range("12m", now_s, ZONE)[0] == int(now_s * 1000) - 365 * DAY_MS


def test_gaps_in_the_data_are_not_bridged_by_the_line():
    from energymon.views.trends import Series
    from ui.trend_plot import with_gaps

    ts = np.array([0, 60_000, 120_000, 600_000], dtype=np.int64)  # 1-minute buckets, then 8 minutes without data
    values = np.array([1.0, 2.0, 3.0, 4.0])
    x, (mean, low, high) = with_gaps(Series(ts, values, values, values, "1min", MINUTE_MS, "mean"))
    assert x.tolist() == [0, 60, 120, 180, 600]
    assert np.isnan(mean[3]) and np.isnan(low[3]) and mean[[0, 1, 2, 4]].tolist() == [1, 2, 3, 4]
    raw = Series(
        np.array([0, 5_000, 10_000, 15_000, 60_000]), np.arange(5.0), np.full(5, np.nan), np.full(5, np.nan), "raw"
    )
    x, (mean, _, _) = with_gaps(raw)
    assert x.tolist() == [0, 5, 10, 15, 15.001, 60] and np.isnan(mean[4])


def test_page_without_a_site_waits_and_relabels(qtbot):
    from ui.context import AppContext
    from ui.trend_plot import format_value
    from ui.trends_page import TrendsPage

    ctx = AppContext()
    page = TrendsPage(ctx)
    qtbot.addWidget(page)
    page.retranslate()
    assert page.status_text == "Waiting for the site…"
    assert page.title() == "Trends" and page.preset_buttons["7d"].text() == "7 days"
    assert format_value(1_234_567.0, "W") == "1.23 MW" and format_value(0.5, "W") == "0.5 W"
    assert format_value(21.25, "degC") == "21.2 °C" and format_value(0.98, "") == "0.98"
    page.shutdown()
    ctx.shutdown()
