"""Configured alarms ([[alarms]]) in the GUI: active from their stored alarm_raised event until its
alarm_cleared (or a collector restart), with how long they have been active, in the events page's list
and the header; their alarm_raised event acknowledged like any other (who, when, note)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drivers.quantities import Role
from energymon.events import Event
from energymon.store.reader import StoreReader
from energymon.store.writer import StoreWriter
from energymon.views import events as event_log
from energymon.views.events import CONFIGURED, EventQuery, EventRow, configured_alarms, events_view
from energymon.views.site import DeviceInfo, SiteInfo

T0 = 1_700_000_000_000  # UTC epoch ms (2023-11-15 14:13:20 in Shanghai)
S, MIN = 1000, 60_000

SITE = SiteInfo(
    "Test park",
    "Asia/Shanghai",
    0.5543,
    "test",
    (
        DeviceInfo("bess-1", "Battery 1", Role.STORAGE, 500, 5, "127.0.0.1:1502", 1),
        DeviceInfo("grid", "Grid meter", Role.GRID, 2000, 2, "127.0.0.1:1502", 2),
    ),
)
IMPORT_RAISED = "import-max [site] Grid import high: import_power_w 420.000 kW above 400.000 kW for 60 s"
IMPORT_CLEARED = (
    "import-max [site] Grid import high: import_power_w 300.000 kW back below 400.000 kW after 5 min active"
)
SOC_RAISED = "empty [bess-1] Battery empty: soc_pct 8.0 % below 10.0 % for 0 s"


def row(i: int, ts_ms: int, kind: str, detail: str, severity: str = "warning", device: str | None = None) -> EventRow:
    return EventRow(i, ts_ms, device, kind, severity, detail)


def test_a_raise_is_active_until_its_clear_or_a_collector_start():
    rows = [
        row(1, T0, "collector_started", "2 devices", "info"),
        row(2, T0 + MIN, "alarm_raised", IMPORT_RAISED, "error"),
        row(3, T0 + 2 * MIN, "alarm_raised", SOC_RAISED, "critical", "bess-1"),
    ]
    alarms = configured_alarms(rows, T0 + 3 * MIN)
    assert [(a.kind, a.rule_id, a.device_id, a.severity, a.since_ms) for a in alarms] == [
        (CONFIGURED, "empty", "bess-1", "critical", T0 + 2 * MIN),  # most severe first
        (CONFIGURED, "import-max", "site", "error", T0 + MIN),
    ]
    assert alarms[1].event_ids == (2,) and alarms[1].detail.startswith("Grid import high: import_power_w 420")
    cleared = [*rows, row(4, T0 + 6 * MIN, "alarm_cleared", IMPORT_CLEARED, "info")]
    assert [a.rule_id for a in configured_alarms(cleared, T0 + 7 * MIN)] == ["empty"]
    assert [a.rule_id for a in configured_alarms(cleared, T0 + 5 * MIN)] == ["empty", "import-max"]  # not yet
    restarted = [*cleared, row(5, T0 + 8 * MIN, "collector_started", "2 devices", "info")]
    assert configured_alarms(reversed(restarted), T0 + 9 * MIN) == []  # in any order
    again = [*restarted, row(6, T0 + 10 * MIN, "alarm_raised", IMPORT_RAISED, "error")]
    assert [a.event_ids for a in configured_alarms(again, T0 + 11 * MIN)] == [(6,)]


def test_the_texts_say_how_long_the_alarm_has_been_active(qapp):
    from ui.alarm_texts import active_for, alarm_summary, alarm_text

    (alarm,) = configured_alarms([row(2, T0, "alarm_raised", IMPORT_RAISED, "error")], T0 + 12 * MIN)
    text = alarm_text(alarm, SITE.tz, T0 + 12 * MIN + 30 * S)
    assert text == (
        "Grid import high [site]: active for 12 min (since 06:13:20); raised: "
        "import_power_w 420.000 kW above 400.000 kW for 60 s"
    )
    assert alarm_summary([alarm], T0 + 12 * MIN) == "1 active alarm: Grid import high for 12 min"
    assert alarm_summary([alarm], T0 + 125 * MIN) == "1 active alarm: Grid import high for 2 h 05 min"
    assert active_for(T0, T0 + 45 * S) == "45 s" and active_for(None, T0) == "—"


def test_the_page_lists_a_configured_alarm_and_acknowledges_its_event(qtbot, tmp_path):
    from ui.main_window import MainWindow

    path = tmp_path / "alarms.db"
    now = {"ms": T0 + 12 * MIN}
    writer = StoreWriter(path, max_delay_s=0.05)
    for event in (
        Event(T0 - MIN, None, "collector_started", "info", "2 devices"),
        Event(T0, None, "alarm_raised", "error", IMPORT_RAISED),
    ):
        writer.put_event(event)
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.events
    page.ctx.now_ms = lambda: now["ms"]
    window.show_page("events")
    window.show()
    try:
        page.ctx.ack_writer = writer
        window.set_site(SITE, path)
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
        assert [a.kind for a in page.alarms] == [CONFIGURED]
        assert window.alarm_label.text() == "1 active alarm: Grid import high for 12 min"
        assert page.alarm_list.item(0).text().startswith("Grid import high [site]: active for 12 min")
        assert page.model.event_at(0).kind == "alarm_raised"
        cells = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
        assert "Alarm raised" in cells and "error" in cells
        assert "site" in cells  # the subject of a site alarm, not "collector"
        assert "collector" in [page.model.index(1, c).data() for c in range(page.model.columnCount())]
        now["ms"] += 3 * MIN  # time passes: the duration moves on with the next update
        page.update_alarms()
        # (the two devices, never heard from, are offline by now: the configured alarm comes first; they have
        # been offline at least since the window started watching them)
        assert window.alarm_label.text().endswith(
            " active alarms: Grid import high for 15 min, bess-1 offline for at least 3 min, "
            "grid offline for at least 3 min"
        )

        page.view.selectRow(0)
        assert page.acknowledge_selected("li.na", "load shed by hand") == 1
        assert page.alarms[0].acked_by == "li.na"  # still active: its condition ends it, not the acknowledgement
        assert page.alarm_list.item(0).text().endswith("(acknowledged by li.na)")

        def acked() -> list:
            reader = StoreReader(path)
            try:
                return [(e.kind, e.acked_by, e.note) for e in event_log.events(reader, T0 - MIN)]
            finally:
                reader.close()

        qtbot.waitUntil(lambda: ("alarm_raised", "li.na", "load shed by hand") in acked(), timeout=10_000)
        writer.put_event(Event(now["ms"], None, "alarm_cleared", "info", IMPORT_CLEARED))
        qtbot.waitUntil(lambda: len(acked()) == 3, timeout=10_000)
        page.request()
        qtbot.waitUntil(lambda: [a.kind for a in page.alarms] == ["offline", "offline"], timeout=10_000)
        assert "Grid import high" not in window.alarm_label.text()
    finally:
        window.shutdown()
        writer.close()


def test_events_view_reads_the_alarm_events(tmp_path):
    path = tmp_path / "view.db"
    writer = StoreWriter(path, max_delay_s=60.0)
    writer.put_event(Event(T0, None, "alarm_raised", "warning", IMPORT_RAISED))
    writer.put_event(Event(T0 + S, "bess-1", "device_offline", "error", "timeout"))
    writer.close()
    reader = StoreReader(path)
    try:
        view = events_view(reader, EventQuery(T0 - MIN, None, None, False, T0 + MIN, full=False))
    finally:
        reader.close()
    assert [e.kind for e in view.alarm_events] == ["alarm_raised"] and view.rows is None
