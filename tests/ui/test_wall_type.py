"""The wall display's type in the widgets that paint or size their own text (ui.wall_display's set_type_scale):
tiles, the flow diagram, the plots' axes and legends, the events page; and the events tables' minimum type."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QWidget

from energymon.store.writer import StoreWriter
from energymon.views.site import SiteInfo
from ui.device_table import MIN_TABLE_PT
from ui.events_page import ALARM_ROWS
from ui.flow_diagram import MAX_WIDTH_PX
from ui.main_window import MainWindow
from ui.tiles import SMALLEST_VALUE_PT, VALUE_PT, Tile
from ui.trend_legend import WIDTH_PX
from ui.wall_display import type_scale


@pytest.fixture
def window(qtbot, tmp_path, demo_config):
    """A viewer window on the demo's site, its database a real, empty energymon file."""
    db_path = tmp_path / "wall.db"
    StoreWriter(db_path).close()
    window = MainWindow(viewer_only=True)
    qtbot.addWidget(window)
    window.wall.set_cycle_s(None, remember=False)
    window.set_site(SiteInfo.from_config(demo_config), db_path, demo_config)
    window.resize(1500, 950)
    window.wall.show(False)
    yield window
    window.shutdown()
    QApplication.processEvents()


def full_screen_on(qtbot, window, monkeypatch, height_px: int) -> float:
    """Full screen as on a screen ``height_px`` logical pixels high (the offscreen screen has one size only)."""
    monkeypatch.setattr(window.wall, "screen_height_px", lambda: height_px)
    window.wall.toggle_fullscreen()
    qtbot.waitUntil(window.isFullScreen, timeout=5_000)
    QApplication.processEvents()
    return window.wall.scale


def leave(qtbot, window) -> None:
    window.wall.leave_fullscreen()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5_000)
    QApplication.processEvents()


def tile_look(tile: Tile) -> tuple:
    """What the type scale changes in a tile: style sheets, fixed and minimum heights, the value's size."""
    labels = (tile.title_label, tile.detail_label, tile.badge_label, tile.age_label)
    return (
        tuple(label.styleSheet() for label in labels),
        tile.title_label.height(),
        tile.title_label.minimumHeight(),
        tile.detail_label.minimumHeight(),
        tile.age_label.minimumHeight(),
        tile.value_label.minimumHeight(),
        tile.value_label.value_pt,
        tile._layout.contentsMargins().left(),
    )


def assert_nothing_clipped(tile: Tile) -> None:
    """Every fixed height holds its text in the font it is drawn in (the style sheet's, once polished)."""
    for label in (tile.title_label, tile.detail_label, tile.age_label):
        label.ensurePolished()
    title = tile.title_label
    assert title.minimumHeight() >= 2 * title.fontMetrics().lineSpacing()  # a title of two lines
    assert tile.detail_label.minimumHeight() >= 2 * tile.detail_label.fontMetrics().lineSpacing()
    assert tile.age_label.minimumHeight() >= tile.age_label.fontMetrics().height()
    value = tile.value_label
    big, _small, _, _ = value.fitted_fonts()
    assert value.minimumHeight() >= QFontMetricsF(big).height()


@pytest.mark.parametrize("height_px", [1080, 2160])
def test_full_screen_scales_the_painted_type_and_leaving_restores_it(qtbot, window, monkeypatch, height_px):
    overview = window.overview
    tile, flow = overview.tile_pv, overview.flow
    tile.set_badge("7 of 8")
    tile.set_value("1,234.5", "Balance of PV, storage and grid. Metered loads: 1,234 kW.")
    windowed_tile = tile_look(tile)
    windowed_flow = (flow.minimumSize(), flow.node_rects()["pv"].height())
    windowed_legend_w = window.trends.legend.width()
    assert_nothing_clipped(tile)

    factor = full_screen_on(qtbot, window, monkeypatch, height_px)
    assert factor == type_scale(height_px, True) == {1080: 1.25, 2160: 2.5}[height_px]
    # Tiles: every font by the factor (to half points), the heights with them, nothing clipped.
    assert tile.value_label.value_pt == pytest.approx(VALUE_PT * factor, abs=0.25)
    assert tile.value_label.smallest_pt == pytest.approx(SMALLEST_VALUE_PT * factor, abs=0.25)
    assert f"font-size: {round(12 * factor * 2) / 2:g}pt" in tile.title_label.styleSheet()
    assert f"font-size: {round(9 * factor * 2) / 2:g}pt" in tile.age_label.styleSheet()
    assert f"font-size: {round(9.5 * factor * 2) / 2:g}pt" in tile.badge_label.styleSheet()
    assert tile.title_label.minimumHeight() > windowed_tile[2] * (factor - 0.1)
    assert_nothing_clipped(tile)
    was_stale = tile.stale
    tile.set_age("as of 13:05:10, 2 min ago", stale=not was_stale)  # restyled in full screen: the wall's type
    assert f"font-size: {round(9 * factor * 2) / 2:g}pt" in tile.age_label.styleSheet()
    tile.set_age("as of 13:05:10, 2 s ago", stale=was_stale)
    # The flow diagram: fonts, minimum size and nodes.
    assert flow.type_scale == factor
    assert flow._font(12).pointSizeF() == pytest.approx(12 * factor)
    assert flow.minimumSize().width() == round(380 * factor) and flow.minimumSize().height() == round(340 * factor)
    assert window.trends.legend.width() == round(WIDTH_PX * factor)
    assert overview.chart.legend.swatches[0].width() == round(18 * factor)

    leave(qtbot, window)
    assert window.wall.scale == 1.0
    assert tile_look(tile) == windowed_tile  # exactly the windowed look
    assert (flow.minimumSize(), flow.type_scale) == (windowed_flow[0], 1.0)
    assert flow.node_rects()["pv"].height() == windowed_flow[1]
    assert window.trends.legend.width() == windowed_legend_w


def test_events_table_and_alarms_have_the_tables_type_windowed_and_on_the_wall(qtbot, window, monkeypatch):
    events = window.events
    window.show_page("events")
    for widget in (events.view, events.alarm_list):
        widget.ensurePolished()
        assert widget.font().pointSizeF() >= MIN_TABLE_PT
    assert events.view.verticalHeader().defaultSectionSize() >= events.view.fontMetrics().height()
    list_h = events.alarm_list.maximumHeight()
    assert list_h >= ALARM_ROWS * events.alarm_list.fontMetrics().height()
    windowed_pt = events.view.font().pointSizeF()

    factor = full_screen_on(qtbot, window, monkeypatch, 2160)
    assert events.view.font().pointSizeF() == pytest.approx(MIN_TABLE_PT * factor)
    assert events.alarm_list.font().pointSizeF() == pytest.approx(MIN_TABLE_PT * factor)
    assert events.view.verticalHeader().defaultSectionSize() >= events.view.fontMetrics().height()
    assert events.alarm_list.maximumHeight() >= ALARM_ROWS * events.alarm_list.fontMetrics().height() > list_h
    header = events.view.horizontalHeader()
    assert header.sectionSize(0) >= header.sectionSizeHint(0)  # the columns refitted: headings not cut

    leave(qtbot, window)
    assert events.view.font().pointSizeF() == windowed_pt
    assert events.alarm_list.maximumHeight() == list_h


def test_a_page_without_the_method_is_left_alone_and_own_type_labels_are_skipped(qtbot, window, monkeypatch):
    """The wall's style rule does not scale a tile's labels a second time (they are marked OWN_TYPE)."""
    plain = QWidget(window.overview)
    plain.setStyleSheet("font-size: 10pt;")
    factor = full_screen_on(qtbot, window, monkeypatch, 2160)
    assert plain.styleSheet() == "font-size: 25pt;"  # the style rule, as before
    assert window.overview.tile_pv.title_label.styleSheet().count(f"{round(12 * factor * 2) / 2:g}pt") == 1
    leave(qtbot, window)
    assert plain.styleSheet() == "font-size: 10pt;"


def test_leaving_full_screen_on_another_page_gives_back_the_windowed_minimum(qtbot, window, monkeypatch):
    """The overview, hidden when full screen is left, must not keep the wall's minimum size (Qt lays out hidden
    widgets only when shown): the window could then not be made as small as before."""
    window.show_page("overview")
    qtbot.waitUntil(window.overview.isVisible, timeout=5_000)
    windowed_minimum = window.minimumSizeHint()
    full_screen_on(qtbot, window, monkeypatch, 2160)
    for widget in reversed(window.overview.findChildren(QWidget)):  # laid out in the wall's type, as when painted
        if widget.layout() is not None:
            widget.layout().activate()
    assert window.overview.minimumSizeHint().height() > windowed_minimum.height()
    window.show_page("events")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.events, timeout=5_000)
    QApplication.processEvents()
    leave(qtbot, window)
    assert window.overview.minimumSizeHint().height() < windowed_minimum.height()
    qtbot.waitUntil(lambda: window.minimumSizeHint() == windowed_minimum, timeout=5_000)  # the shown page's too


def test_the_flow_diagram_scales_its_arrows_and_nodes_and_goes_back(qtbot):
    from ui.flow_diagram import FlowDiagram

    flow = FlowDiagram()
    qtbot.addWidget(flow)
    flow.resize(1400, 1100)
    flow.set_values(100e3, -50e3, 20e3, 70e3, 50.0)  # PV 100 kW, charging 50, importing 20, loads 70
    windowed = (flow.node_rects()["pv"], [a.width_px for a in flow.arrows])
    assert max(windowed[1]) == MAX_WIDTH_PX
    flow.set_type_scale(2.5)
    assert max(a.width_px for a in flow.arrows) == pytest.approx(MAX_WIDTH_PX * 2.5)
    assert flow.node_rects()["pv"].height() == pytest.approx(min(112 * 2.5, (1100 - 28 * 2.5) * 0.26))
    flow.grab()  # paints at the scale without error
    flow.set_type_scale(1.0)
    assert (flow.node_rects()["pv"], [a.width_px for a in flow.arrows]) == windowed
