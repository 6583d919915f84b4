"""The main window offscreen, with the demo park running behind it over real loopback Modbus."""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from types import MappingProxyType

import pytest
from PySide6.QtCore import QThread

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.views.site import DeviceInfo
from ui.app import start_demo_window, start_site_window
from ui.device_table import COLUMNS, DeviceTableModel

from support import running_demo_window


def _number(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


@pytest.fixture
def demo_window(qtbot, tmp_path):
    with running_demo_window(qtbot, tmp_path) as window:
        yield window


@pytest.mark.slow
@pytest.mark.wire
def test_live_values_arrive_in_tiles_and_table(qtbot, demo_window):
    window = demo_window
    ctx, overview = window.ctx, window.overview
    qtbot.waitUntil(lambda: ctx.site is not None, timeout=15_000)
    device_ids = [d.id for d in ctx.site.devices]
    # Every demo device has delivered a reading to the GUI thread.
    qtbot.waitUntil(lambda: set(ctx.readings) == set(device_ids), timeout=30_000)
    qtbot.waitUntil(lambda: overview.tile_consumption.value_text != "—", timeout=10_000)

    # Tiles show numbers, consistent with the readings they came from.
    pv = _number(overview.tile_pv.value_text)
    consumption = _number(overview.tile_consumption.value_text)
    assert pv >= 0
    assert consumption > 0
    assert overview.tile_pv.value_text.endswith("kW")

    window.show_page("devices")  # a hidden page does not redraw its table; shown, it follows the readings
    model = window.devices.device_model
    assert model.rowCount() == len(device_ids)
    status_col = [c.title for c in COLUMNS].index("Status")
    # The table follows the readings (throttled refresh): every device ends up online.
    qtbot.waitUntil(
        lambda: {model.index(r, status_col).data() for r in range(model.rowCount())} == {"online"}, timeout=10_000
    )

    # The database view (chart + today's energy) arrives from the reader thread.
    qtbot.waitUntil(lambda: overview.last_view is not None and len(overview.last_view.series.ts_ms) > 0, timeout=20_000)
    assert overview.tile_pv_today.value_text.endswith("kWh")
    # A hidden overview keeps the newest read and draws it when shown, before its first paint.
    qtbot.waitUntil(lambda: overview.chart_pending is not None, timeout=20_000)
    pending = overview.chart_pending
    window.show_page("overview")
    assert overview.chart_pending is None
    # The chart draws what the reader computed (one device on the grid meter: every bucket has it).
    xs, _ = overview.curves["grid_w"].getData()
    assert xs is not None and len(xs) >= len(pending.series.ts_ms) > 0
    assert xs[-1] == pending.series.ts_ms[-1] / 1000


@pytest.mark.wire
def test_database_reads_run_off_the_gui_thread(qtbot, demo_window):
    window = demo_window
    seen_threads = []
    qtbot.waitUntil(lambda: window.ctx.site is not None, timeout=15_000)
    answers = []
    window.ctx.db.submit(
        lambda reader: seen_threads.append(QThread.currentThread()) or reader.sample_count(), answers.append
    )
    qtbot.waitUntil(lambda: bool(answers), timeout=15_000)
    assert seen_threads[0] is not window.thread()  # the query ran on the reader thread ...
    assert window.ctx.db.thread.isRunning()  # ... and the answer came back to the GUI thread
    # The collector runs on its own Python thread, not the GUI thread.
    names = {t.name for t in threading.enumerate()}
    assert "energymon-collector" in names


@pytest.mark.slow
def test_viewer_mode_shows_live_data_written_by_another_collector(qtbot, tmp_path):
    writer_window, runner, _ = start_demo_window(tmp_path)
    qtbot.addWidget(writer_window)
    try:
        writer = writer_window.ctx
        qtbot.waitUntil(lambda: writer.site is not None, timeout=15_000)
        db_path = writer.db_path
        qtbot.waitUntil(lambda: db_path.exists() and len(writer.readings) == len(writer.site.devices), timeout=30_000)
        time.sleep(1.5)  # let the writer commit its first batch (max_delay_s = 1 s)
        viewer, no_runner, _ = start_site_window(None, db_path, collect=False)
        qtbot.addWidget(viewer)
        assert no_runner is None
        assert viewer.ctx.site.name == writer.site.name  # site comes from the database itself
        qtbot.waitUntil(lambda: viewer.overview.tile_consumption.value_text != "—", timeout=20_000)
        assert _number(viewer.overview.tile_consumption.value_text) > 0
        viewer.shutdown()
    finally:
        writer_window.shutdown()
        runner.stop()


def test_device_table_model_passes_qtmodeltester(qtmodeltester):
    devices = (
        DeviceInfo("inv-1", "Inverter 1", Role.PV, 100, 5, "127.0.0.1:1502", 1),
        DeviceInfo("bess-1", "Battery", Role.STORAGE, 50, 5, "127.0.0.1:1502", 2),
        DeviceInfo("grid", "Grid", Role.GRID, 500, 2, "127.0.0.1:1503", 1),
    )
    now_ms = 1_700_000_000_000
    readings = {
        "inv-1": Reading(
            "inv-1",
            Role.PV,
            now_ms - 1000,
            MappingProxyType({"power_w": 51_200.0, "yield_wh": 9e6}),
            True,
            None,
            0.01,
            5,
        ),
        "bess-1": Reading(
            "bess-1", Role.STORAGE, now_ms - 1000, MappingProxyType({}), False, "timeout: no answer", 1.0, 5
        ),
    }
    model = DeviceTableModel()
    from zoneinfo import ZoneInfo

    model.set_rows(devices, readings, now_ms, ZoneInfo("Asia/Shanghai"))
    qtmodeltester.check(model)
    power_col = [c.title for c in COLUMNS].index("Power kW")
    status_col = [c.title for c in COLUMNS].index("Status")
    assert model.index(0, power_col).data() == "51.2"
    assert model.index(1, status_col).data() == "offline"
    assert model.index(1, power_col).data() == "—"  # a failed read shows no number, never the last one
    assert model.index(2, status_col).data() == "waiting"


def test_chart_breaks_where_there_is_no_data():
    from ui.overview_chart import with_breaks

    xs, index = with_breaks([0, 10_000, 20_000, 80_000, 90_000])
    assert index == [0, 1, 2, None, 3, 4]  # 20 s -> 80 s: no data, a break, not a line
    assert xs[3] == 30.0
    assert with_breaks([5_000]) == ([5.0], [0])
