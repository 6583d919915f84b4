"""Events and alarms: acknowledgements in the store (migration m003, StoreWriter.put_ack), the event
log's filters and alarm rules (energymon.views.events), and the Events page (ui.events_page)."""

from __future__ import annotations

import json
import os
import sqlite3
from types import MappingProxyType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import sqlite_utils

from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.events import Event
from energymon.store.reader import StoreReader
from energymon.store.schema import StoreError, migrations, open_db
from energymon.store.writer import Ack, StoreWriter
from energymon.views import events as event_log
from energymon.views.events import Alarm, EventRow, active_alarms, event_quantity
from energymon.views.site import DeviceInfo, SiteInfo

T0 = 1_700_000_000_000  # UTC epoch ms (2023-11-15 06:13:20 in Shanghai)
S = 1000
MIN = 60 * S

SITE = SiteInfo(
    "Test park",
    "Asia/Shanghai",
    0.5543,
    "test",
    (
        DeviceInfo("inv-a1", "Roof A inverter 1", Role.PV, 110, 5, "127.0.0.1:1502", 1),
        DeviceInfo("bess-1", "Battery 1", Role.STORAGE, 500, 5, "127.0.0.1:1502", 2),
        DeviceInfo("grid", "Grid meter", Role.GRID, 2000, 2, "127.0.0.1:1503", 1),
    ),
)

EVENTS = [  # (ts_ms, device_id, kind, severity, detail), ids 1.. in this order
    (T0, None, "collector_started", "info", "3 devices"),
    (T0 + 10 * S, "inv-a1", "device_offline", "error", "timeout: no answer"),
    (T0 + 20 * S, "bess-1", "implausible_value", "warning", "soc_pct = 120.0 rejected (outside plausible range)"),
    (T0 + 30 * S, "inv-a1", "device_recovered", "info", "answering again after 2 failed polls"),
    (T0 - 2 * 86_400_000, "grid", "device_degraded", "warning", "missing: power_w"),
]


def write_events(db_path, events=EVENTS, acks=()):
    writer = StoreWriter(db_path, max_delay_s=60.0)  # only close() flushes: one transaction
    for ts_ms, device, kind, severity, detail in events:
        writer.put_event(Event(ts_ms, device, kind, severity, detail))
    writer.close()
    assert writer.error is None
    if acks:
        writer = StoreWriter(db_path, max_delay_s=60.0)
        for ack in acks:
            writer.put_ack(ack)
        writer.close()
        assert writer.error is None


def read(db_path, **filters):
    reader = StoreReader(db_path)
    try:
        return event_log.events(reader, filters.pop("since_ms", T0 - 7 * 86_400_000), **filters)
    finally:
        reader.close()


# -- store: migration and the writer -------------------------------------------------------


def test_the_upgrade_to_acknowledgements_keeps_every_event(tmp_path):
    path = tmp_path / "v2.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m003_event_acks")
    assert not db["event_acks"].exists()
    db["site"].insert({"key": "timezone", "value": json.dumps("Asia/Shanghai")})
    db["events"].insert_all(
        [{"ts_ms": t, "device_id": d, "kind": k, "severity": s, "detail": x} for t, d, k, s, x in EVENTS]
    )
    db.conn.commit()
    db.close()
    # A viewer of a database not upgraded yet reads the events as unacknowledged.
    assert [e.acknowledged for e in read(path)] == [False] * 5
    open_db(path).close()  # the writer side migrates
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT ts_ms, device_id, kind, severity, detail FROM events ORDER BY id").fetchall() == [
            tuple(e) for e in EVENTS
        ]
        assert con.execute("SELECT name FROM _sqlite_migrations WHERE name = 'm003_event_acks'").fetchone()
        assert [r[1] for r in con.execute("PRAGMA table_info(event_acks)")] == [
            "event_id",
            "acked_by",
            "acked_ms",
            "note",
        ]
    finally:
        con.close()


def test_acknowledgements_go_through_the_writer_and_read_back(tmp_path):
    path = tmp_path / "a.db"
    write_events(
        path,
        acks=[
            Ack(2, "zhang.wei", T0 + 60 * S, "reset the breaker"),
            Ack(2, "someone.else", T0 + 90 * S),  # already acknowledged: the first stands
            Ack(99, "zhang.wei", T0 + 60 * S),  # no such event: dropped
        ],
    )
    rows = {e.id: e for e in read(path)}
    assert (rows[2].acked_by, rows[2].acked_ms, rows[2].note) == ("zhang.wei", T0 + 60 * S, "reset the breaker")
    assert rows[2].acknowledged and not rows[1].acknowledged and rows[1].acked_by is None
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT event_id, acked_by FROM event_acks").fetchall() == [(2, "zhang.wei")]
    finally:
        con.close()


def test_a_closed_writer_refuses_acknowledgements(tmp_path):
    writer = StoreWriter(tmp_path / "c.db")
    writer.close()
    with pytest.raises(StoreError, match="closed"):
        writer.put_ack(Ack(1, "x", T0))


def test_an_acknowledgement_is_committed_with_the_next_batch(tmp_path):
    path = tmp_path / "live.db"
    write_events(path, EVENTS[:2])
    writer = StoreWriter(path, max_delay_s=0.05)
    try:
        writer.put_ack(Ack(2, "li.na", T0))
        import time

        deadline = time.monotonic() + 5
        while writer.batches_committed == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [e.acked_by for e in read(path) if e.id == 2] == ["li.na"]  # seen by a reader while it runs
    finally:
        writer.close()


# -- event_log: filters by hand -------------------------------------------------------------


def test_filters_by_device_severity_time_and_acknowledgement(tmp_path):
    path = tmp_path / "f.db"
    write_events(path, acks=[Ack(2, "op", T0 + MIN)])
    ids = lambda rows: [e.id for e in rows]  # noqa: E731
    assert ids(read(path)) == [4, 3, 2, 1, 5]  # newest first
    assert ids(read(path, device="inv-a1")) == [4, 2]
    assert ids(read(path, device=event_log.COLLECTOR)) == [1]
    assert ids(read(path, min_severity="warning")) == [3, 2, 5]
    assert ids(read(path, min_severity="error")) == [2]
    assert ids(read(path, min_severity="info")) == [4, 3, 2, 1, 5]
    assert ids(read(path, since_ms=T0)) == [4, 3, 2, 1]  # the event two days before is out
    assert ids(read(path, since_ms=T0, until_ms=T0 + 20 * S)) == [2, 1]  # until is exclusive
    assert ids(read(path, unacknowledged_only=True)) == [4, 3, 1, 5]
    assert ids(read(path, kind="implausible_value")) == [3]
    assert ids(read(path, limit=2)) == [4, 3]
    assert ids(read(path, device="inv-a1", min_severity="error", since_ms=T0)) == [2]
    with pytest.raises(ValueError, match="severity"):
        read(path, min_severity="fatal")


# -- event_log: alarms by hand --------------------------------------------------------------


def reading(device_id, role, ts_ms, values=None, ok=True, error=None, poll_s=5.0):
    return Reading(device_id, role, ts_ms, MappingProxyType(values or {}), ok, error, 0.01, poll_s)


def event_row(id_, ts_ms, device, kind="implausible_value", detail="power_w = 9e9 rejected", acked=None):
    return EventRow(id_, ts_ms, device, kind, "warning", detail, acked, None if acked is None else ts_ms)


def test_no_alarms_when_everything_is_fine():
    now = T0
    readings = {
        "inv-a1": reading("inv-a1", Role.PV, now - 2 * S, {"power_w": 50_000.0, "temperature_c": 70.0}),
        "bess-1": reading("bess-1", Role.STORAGE, now - 2 * S, {"soc_pct": 50.0, "temperature_c": 30.0}),
        "grid": reading("grid", Role.GRID, now - 1 * S, {"power_w": 1e5}, poll_s=2.0),
    }
    assert active_alarms(readings, SITE, now, [], started_ms=now - 3600 * S) == []


def test_alarms_by_hand():
    now = T0
    readings = {
        # the latest poll got nothing
        "inv-a1": reading("inv-a1", Role.PV, now - 1 * S, ok=False, error="timeout: no answer"),
        # fresh (within 3 x 5 s), SoC 99 % > 98 %, temperature 47 degC > 45
        "bess-1": reading("bess-1", Role.STORAGE, now - 14 * S, {"soc_pct": 99.0, "temperature_c": 47.0}),
        # 7 s old at a 2 s poll: stale (> 3 polls)
        "grid": reading("grid", Role.GRID, now - 7 * S, {"power_w": 1e5}, poll_s=2.0),
    }
    events = [
        event_row(1, now - 5 * MIN, "bess-1", detail="soc_pct = 120.0 rejected (outside plausible range)"),
        event_row(2, now - 2 * MIN, "bess-1", detail="soc_pct = 130.0 rejected (outside plausible range)"),
        event_row(3, now - 1 * MIN, "bess-1", detail="power_w = 9e9 rejected", acked="op"),  # acknowledged
        event_row(4, now - 61 * MIN, "inv-a1"),  # older than the 60 min window
        event_row(5, now - 1 * MIN, "grid", kind="device_offline"),  # not an implausible value
        event_row(6, now - 1 * MIN, "grid", detail="imported_wh: step of 9e9 Wh in 2 s"),
    ]
    alarms = active_alarms(readings, SITE, now, events, started_ms=now - 3600 * S)
    assert alarms == [
        Alarm("offline", "inv-a1", since_ms=now - 1 * S, detail="timeout: no answer", reason="failed"),
        Alarm("soc_high", "bess-1", 99.0, 98.0, now - 14 * S),
        Alarm("temperature_high", "bess-1", 47.0, 45.0, now - 14 * S),
        Alarm("implausible_value", "bess-1", since_ms=now - 2 * MIN, detail="soc_pct", event_ids=(1, 2)),
        Alarm("offline", "grid", since_ms=now - 7 * S, reason="stale"),
        Alarm("implausible_value", "grid", since_ms=now - 1 * MIN, detail="imported_wh", event_ids=(6,)),
    ]


def test_low_limits_and_devices_never_heard_from():
    now = T0
    readings = {"bess-1": reading("bess-1", Role.STORAGE, now, {"soc_pct": 4.0, "temperature_c": -3.0})}
    # Right after the start nobody is missing yet (a 5 s poll has 15 s; the grid's 2 s poll has 6 s).
    assert [a.kind for a in active_alarms(readings, SITE, now, [], started_ms=now - 5 * S)] == [
        "soc_low",
        "temperature_low",
    ]
    alarms = active_alarms(readings, SITE, now, [], started_ms=now - 10 * S)  # past the grid meter's 6 s
    assert [(a.kind, a.device_id, a.reason) for a in alarms] == [
        ("soc_low", "bess-1", ""),
        ("temperature_low", "bess-1", ""),
        ("offline", "grid", "never"),
    ]
    assert (alarms[0].value, alarms[0].limit, alarms[1].limit) == (4.0, 5.0, 0.0)
    # Exactly on the limits is fine; no start time: a device never heard from is not reported.
    readings = {"bess-1": reading("bess-1", Role.STORAGE, now, {"soc_pct": 98.0, "temperature_c": 45.0})}
    assert active_alarms(readings, SITE, now, []) == []


def test_the_quantity_of_an_implausible_value_event():
    assert event_quantity("soc_pct = 120.0 rejected (outside plausible range)") == "soc_pct"
    assert event_quantity("yield_wh: step of 5e9 Wh in 5 s") == "yield_wh"
    assert event_quantity("") == ""


# -- the page ------------------------------------------------------------------------------


def test_event_table_model_passes_qtmodeltester(qtmodeltester):
    from zoneinfo import ZoneInfo

    from ui.event_table import COLUMNS, EventTableModel

    model = EventTableModel()
    rows = [EventRow(i + 1, *e) for i, e in enumerate(EVENTS)]
    rows[1] = EventRow(2, *EVENTS[1], acked_by="zhang.wei", acked_ms=T0 + MIN, note="breaker")
    assert model.set_rows(rows, ZoneInfo("Asia/Shanghai"))
    qtmodeltester.check(model)
    titles = [c.title for c in COLUMNS]
    assert model.rowCount() == 5 and model.columnCount() == len(COLUMNS)
    assert model.index(0, titles.index("Time")).data() == "2023-11-15 06:13:20"  # site time, not UTC
    assert model.index(0, titles.index("Device")).data() == "collector"
    assert model.index(1, titles.index("Severity")).data() == "error"
    assert model.index(1, titles.index("Event")).data() == "Device offline"
    assert model.index(1, titles.index("Acknowledged")).data() == "zhang.wei · 2023-11-15 06:14:20 · breaker"
    assert model.index(0, titles.index("Acknowledged")).data() == ""
    assert not model.set_rows(rows, ZoneInfo("Asia/Shanghai"))  # unchanged: nothing redrawn
    model.set_rows(rows[:2], ZoneInfo("Asia/Shanghai"))
    qtmodeltester.check(model)


def test_event_table_acknowledging_keeps_rows_and_selection_and_paints_without_python(qtbot):
    """Acknowledged events rewrite only their cells (the selection stays); other events replace the rows;
    the cells live in C++ items, so a repaint of the view runs no Python."""
    import sys
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    from ui.event_table import COLUMNS, SEVERITY_COLOURS, EventTableModel

    zone = ZoneInfo("Asia/Shanghai")
    model = EventTableModel()
    rows = [EventRow(i + 1, *e) for i, e in enumerate(EVENTS)]
    model.set_rows(rows, zone)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.resize(1200, 300)
    view.show()
    qtbot.waitExposed(view)
    titles = [c.title for c in COLUMNS]
    severity, acked, detail = titles.index("Severity"), titles.index("Acknowledged"), titles.index("Detail")
    assert model.index(1, severity).data(Qt.ForegroundRole).color().name() == SEVERITY_COLOURS["error"]
    assert model.index(2, detail).data(Qt.ToolTipRole) == EVENTS[2][4]  # the whole text, however narrow the column

    view.selectionModel().select(model.index(2, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
    changed = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column())))
    model.mark_acknowledged([Ack(3, "li.na", T0 + MIN, "")])
    assert model.index(2, acked).data() == "li.na · 2023-11-15 06:14:20"
    assert {r for r, _ in changed} == {2} and model.rowCount() == 5
    assert [i.row() for i in view.selectionModel().selectedRows()] == [2]
    changed.clear()
    assert not model.set_rows(
        [rows[0], rows[1], EventRow(3, *EVENTS[2], acked_by="li.na", acked_ms=T0 + MIN), rows[3], rows[4]], zone
    )  # read back from the database: nothing to redraw
    assert changed == [] and [i.row() for i in view.selectionModel().selectedRows()] == [2]
    assert model.set_rows(rows[3:], zone)  # other events: rows replaced, selection gone
    assert [e.id for e in model.events()] == [4, 5] and view.selectionModel().selectedRows() == []

    view.viewport().repaint()  # the first paint may make PySide6 create its Python enum classes (once)
    calls = []
    sys.setprofile(lambda frame, event, arg: calls.append(frame.f_code.co_name) if event == "call" else None)
    try:
        view.viewport().repaint()
    finally:
        sys.setprofile(None)
    assert [c for c in calls if c != "repaint"] == []


def test_acknowledge_hands_acks_to_the_writer():
    from ui.event_ack import acknowledge

    class Writer:
        def __init__(self):
            self.acks = []

        def put_ack(self, ack):
            self.acks.append(ack)

    writer = Writer()
    acks = acknowledge(writer, [3, 7], "  li.na ", "checked on site", now_ms=T0)
    assert writer.acks == acks == [Ack(3, "li.na", T0, "checked on site"), Ack(7, "li.na", T0, "checked on site")]
    with pytest.raises(ValueError):
        acknowledge(writer, [1], "  ")


def test_the_page_filters_acknowledges_and_shows_alarms(qtbot, tmp_path):
    """The page over a database written by hand, with a writer of its own (as when this GUI collects)."""
    from ui.main_window import MainWindow

    path = tmp_path / "page.db"
    now_ms = T0 + 40 * S
    write_events(path, [(now_ms - 60 * S + t - T0, d, k, s, x) for t, d, k, s, x in EVENTS[:4]])
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.events
    page.ctx.now_ms = lambda: now_ms
    window.show_page("events")
    window.show()
    writer = StoreWriter(path, max_delay_s=0.05)
    try:
        assert not page.ack_button.isEnabled()  # no writer yet: not possible, and the tooltip says why
        assert "collector has not started" in page.ack_button.toolTip()
        page.ctx.ack_writer = writer
        window.set_site(SITE, path)
        qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10_000)
        assert page.status_label.text() == "4 events."
        # The unacknowledged implausible value of bess-1 is an alarm, in the list and in the header.
        assert [a.kind for a in page.alarms] == ["implausible_value"]
        # ... saying how long: since its event, 40 s before now.
        assert window.alarm_label.text() == "1 active alarm: bess-1 implausible soc_pct for 40 s"
        assert "bess-1: implausible soc_pct rejected at" in window.alarm_label.toolTip()

        page.severity_combo.setCurrentIndex(2)  # errors only
        qtbot.waitUntil(lambda: [e.kind for e in page.model.events()] == ["device_offline"], timeout=10_000)
        page.severity_combo.setCurrentIndex(0)
        page.device_combo.setCurrentIndex(page.device_combo.findData("bess-1"))
        qtbot.waitUntil(lambda: [e.kind for e in page.model.events()] == ["implausible_value"], timeout=10_000)

        page.view.selectRow(0)
        assert page.ack_button.isEnabled()
        assert page.acknowledge_selected("zhang.wei", "sensor replaced") == 1
        assert page.model.event_at(0).acked_by == "zhang.wei"  # shown at once ...
        assert page.alarms == [] and window.alarm_label.text() == ""  # ... and the alarm ends
        assert not page.ack_button.isEnabled()  # nothing unacknowledged selected any more
        # ... and stored by the writer: the page reads it back from the database.
        qtbot.waitUntil(lambda: [e.acked_by for e in read(path)] == [None, "zhang.wei", None, None], timeout=10_000)
        page.unacked_check.setChecked(True)
        qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)

        # Live readings: an offline inverter and a full battery reach the header, translated with numbers.
        page.ctx.readings.update(
            {
                "inv-a1": reading("inv-a1", Role.PV, now_ms, ok=False, error="timeout"),
                "bess-1": reading("bess-1", Role.STORAGE, now_ms, {"soc_pct": 99.2}),
                "grid": reading("grid", Role.GRID, now_ms, {"power_w": 1.0}, poll_s=2.0),
            }
        )
        page.ctx.readings_changed.emit()
        # No stored event says since when: since this window first saw them, "at least" as they were there
        # when it started watching; the durations move on with the clock (the page's alarm clock).
        assert window.alarm_label.text() == (
            "2 active alarms: inv-a1 offline for at least 0 s, bess-1 SoC 99 % for at least 0 s"
        )
        assert page.alarm_list.count() == 2
        assert page.alarm_list.item(1).text() == (
            "bess-1: state of charge 99 % is above 98 %. Active for 0 s (since 06:14:00 or earlier)."
        )
        page.ctx.now_ms = lambda: now_ms + 5 * S
        assert page._alarm_clock.isActive()
        page._alarm_clock.timeout.emit()
        assert window.alarm_label.text() == (
            "2 active alarms: inv-a1 offline for at least 5 s, bess-1 SoC 99 % for at least 5 s"
        )
    finally:
        window.shutdown()
        writer.close()


def test_a_viewer_cannot_acknowledge_and_says_why(qtbot, tmp_path):
    from ui.main_window import MainWindow

    path = tmp_path / "viewer.db"
    write_events(path, EVENTS[:2])
    window = MainWindow(viewer_only=True)
    qtbot.addWidget(window)
    page = window.events
    page.ctx.now_ms = lambda: T0 + MIN  # "today" holds the events
    try:
        window.set_site(SITE, path)
        window.show_page("events")
        qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
        page.view.selectRow(0)
        assert not page.ack_button.isEnabled()
        assert "only views the database" in page.ack_button.toolTip()
        assert page.acknowledge_selected("x") == 0
    finally:
        window.shutdown()


@pytest.mark.slow
def test_the_events_page_with_the_demo_running(qtbot, tmp_path, monkeypatch):
    import ui.app
    from ui.app import start_demo_window

    writers = []
    real_run_demo = ui.app.run_demo

    def run_demo(stop, on_started, *args, **kwargs):  # the demo's own writer, as ui.app hands it to the GUI
        def started(demo):
            writers.append(demo.collection.writer)
            on_started(demo)

        return real_run_demo(stop, started, *args, **kwargs)

    monkeypatch.setattr(ui.app, "run_demo", run_demo)
    window, runner, _bridge = start_demo_window(tmp_path)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.ctx.site is not None, timeout=15_000)
        window.show_page("events")
        page = window.events
        # The collector's start is committed within a second; the page reads it on its next refresh.
        for _ in range(30):  # the refresh comes every 10 s: ask once a second instead
            if "collector_started" in {e.kind for e in page.model.events()}:
                break
            page.request()
            qtbot.wait(1000)
        started = next(e for e in page.model.events() if e.kind == "collector_started")
        assert started.device_id is None and started.severity == "info"
        qtbot.waitUntil(lambda: len(window.ctx.readings) == len(window.ctx.site.devices), timeout=30_000)
        window.ctx.readings_changed.emit()
        assert [a for a in page.alarms if a.kind == "offline"] == []  # every demo device answers

        # Acknowledge the start through the demo's running writer: stored in the demo database.
        window.ctx.ack_writer = writers[0]
        row = next(r for r, e in enumerate(page.model.events()) if e.kind == "collector_started")
        page.view.selectRow(row)
        assert page.ack_button.isEnabled()
        assert page.acknowledge_selected("demo.operator") == 1
        qtbot.waitUntil(
            lambda: any(
                e.kind == "collector_started" and e.acked_by == "demo.operator"
                for e in read(window.ctx.db_path, since_ms=0)
            ),
            timeout=10_000,
        )
        shot = os.environ.get("ENERGYMON_EVENTS_SCREENSHOT")
        if shot:
            qtbot.wait(1500)
            window.grab().save(shot)
    finally:
        window.shutdown()
        runner.stop()
