"""The wall display (ui.wall_display): full screen by F11 and --fullscreen, Esc, page shortcuts, cycling,
the type scale, and the devices table that shows every row of the demo park."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from energymon.store.writer import StoreWriter
from energymon.views.site import SiteInfo
from ui.device_table import MIN_TABLE_PT
from ui.main_window import PAGES, MainWindow
from ui.wall_display import page_key, scaled_style, type_scale

ROW = {attribute: i for i, (attribute, _) in enumerate(PAGES)}


def test_type_scale_follows_the_screen_height_within_limits():
    assert type_scale(1080, fullscreen=False) == 1.0
    assert type_scale(1080, fullscreen=True) == 1.25
    assert type_scale(1440, fullscreen=True) == pytest.approx(1440 / 864)
    assert type_scale(600, fullscreen=True) == 1.25  # never smaller than windowed, and a little larger
    assert type_scale(4320, fullscreen=True) == 2.5
    assert scaled_style("color: red; font-size: 10pt; x", 1.5) == "color: red; font-size: 15pt; x"
    assert scaled_style("font-size:11pt;", 1.25) == "font-size: 14pt;"  # to half points: 13.75 -> 14
    assert scaled_style("font-size: 12px;", 2.0) == "font-size: 12px;"  # pixel sizes are left alone
    assert page_key(0) == "Ctrl+1" and page_key(8) == "Ctrl+9" and page_key(9) is None


@pytest.fixture
def window(qtbot, tmp_path, demo_config):
    """A viewer window on the demo's site (18 devices), its database a real, empty energymon file."""
    db_path = tmp_path / "wall.db"
    writer = StoreWriter(db_path)
    writer.close()
    window = MainWindow(viewer_only=True)
    qtbot.addWidget(window)
    window.wall.set_cycle_s(None, remember=False)  # whatever a user's settings say
    window.set_site(SiteInfo.from_config(demo_config), db_path, demo_config)
    window.resize(1500, 950)
    yield window
    window.shutdown()
    QApplication.processEvents()


def shown(qtbot, window, fullscreen=False):
    """Show the window as ui.app does and make it the active one (its shortcuts work in it)."""
    window.wall.show(fullscreen)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def test_f11_toggles_full_screen_and_esc_leaves_it(qtbot, window):
    shown(qtbot, window)
    assert not window.isFullScreen() and window.wall.scale == 1.0
    table = window.devices.device_view
    assert table.font().pointSizeF() >= MIN_TABLE_PT  # the smallest table type, windowed
    windowed_pt = table.font().pointSizeF()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=5_000)
    assert window.wall.scale >= 1.25
    assert window.site_label.styleSheet().count("font-size: 22.5pt") == 1  # 18 pt x 1.25 (a 768 px screen)
    assert table.font().pointSizeF() > windowed_pt  # tables grow with the rest
    assert table.verticalHeader().defaultSectionSize() >= table.fontMetrics().height()

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5_000)
    assert window.wall.scale == 1.0
    assert "font-size: 18pt" in window.site_label.styleSheet()  # back to the designed sizes
    assert table.font().pointSizeF() == windowed_pt

    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5_000)


def test_fullscreen_start_as_the_cli_asks(qtbot, window):
    shown(qtbot, window, fullscreen=True)  # what `energymon gui --fullscreen` does (ui.app._exec)
    qtbot.waitUntil(window.isFullScreen, timeout=5_000)
    assert window.wall.scale >= 1.25


def test_page_shortcuts_switch_pages_and_are_in_the_tooltips(qtbot, window):
    shown(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages[2]
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages[0]
    last = min(len(PAGES), 9)
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{last}"), Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentRow() == last - 1
    assert f"Ctrl+{ROW['devices'] + 1}" in window.nav.item(ROW["devices"]).toolTip()
    assert "F11" in window.nav.item(0).toolTip()


def test_cycling_advances_the_pages_and_skips_settings(qtbot, window):
    shown(qtbot, window)
    window.show_page("overview")
    seen: list[int] = []
    window.nav.currentRowChanged.connect(seen.append)
    window.wall.set_cycle_s(0.05, remember=False)
    cycled = [row for attribute, row in ROW.items() if attribute != "settings"]
    qtbot.waitUntil(lambda: len(seen) >= len(cycled) + 1, timeout=10_000)
    assert seen[: len(cycled)] == [*cycled[1:], cycled[0]]  # in order, round to the first again
    assert ROW["settings"] not in seen
    window.wall.set_cycle_s(0, remember=False)
    assert not window.wall.cycle_timer.isActive()


def test_devices_table_shows_every_row_of_the_demo(qtbot, window, demo_config):
    shown(qtbot, window)
    window.show_page("devices")
    view = window.devices.device_view
    rows = window.devices.device_model.rowCount()
    assert rows == len(demo_config.devices) >= 17
    QApplication.processEvents()
    last = view.visualRect(window.devices.device_model.index(rows - 1, 0))
    assert last.isValid() and last.bottom() <= view.viewport().height()  # the last row (grid meter) shows
    grid_row = [window.devices.device_model.row(r).device.role.value for r in range(rows)].index("grid")
    assert view.visualRect(window.devices.device_model.index(grid_row, 0)).bottom() <= view.viewport().height()
    assert window.devices.tabs.height() >= 200  # the details keep their room

    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_a_devices_table_that_cannot_fit_scrolls_visibly(qtbot, window, monkeypatch):
    shown(qtbot, window)
    window.show_page("devices")
    monkeypatch.setattr(window.devices.row_fit, "below_min_px", 10_000)  # as on a small screen: no room
    window.devices.row_fit.fit()
    view = window.devices.device_view
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn
    assert view.height() <= window.devices.splitter.height() // 3 + 1


def test_the_settings_page_keeps_the_default_cycle_and_applies_it(qtbot, window):
    from PySide6.QtCore import QSettings

    from ui.wall_display import SETTINGS_CYCLE

    before = QSettings().value(SETTINGS_CYCLE)
    try:
        window.settings.cycle_spin.setValue(20)
        assert window.wall.cycle_s == 20 and window.wall.cycle_timer.isActive()
        assert float(QSettings().value(SETTINGS_CYCLE)) == 20
        assert window.wall.cycle_timer.interval() == 20_000
        window.settings.cycle_spin.setValue(0)
        assert not window.wall.cycle_timer.isActive()
        assert "pages stay" in window.settings.cycle_spin.text()
    finally:
        QSettings().setValue(SETTINGS_CYCLE, before if before is not None else 0)
