"""The events page in Chinese: each event's detail, the configured alarm's sentence in the alarm list and the
header's tooltip, an offline device's read error and an implausible value's quantity are worded in Chinese
from the events' params (energymon.event_texts); an old event without params shows its stored detail;
switching the language at run time re-words them (offscreen, pytest-qt, a real SQLite file)."""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drivers.link import ReadError
from drivers.quantities import Role
from energymon.collect.alarms import AlarmWatch
from energymon.collect.health import error_params
from energymon.collect.reading import Reading
from energymon.config import parse_config
from energymon.event_texts import event_text
from energymon.events import Event
from energymon.store.writer import StoreWriter
from energymon.views.site import DeviceInfo, SiteInfo
from ui.event_table import DETAIL_COLUMN

from support import english_words

T0 = 1_700_000_000_000
S, MIN = 1000, 60_000
SITE = SiteInfo(
    "Test park",
    "Asia/Shanghai",
    0.5543,
    "test",
    (
        DeviceInfo("inv-a1", "Roof A inverter 1", Role.PV, 110, 5, "127.0.0.1:1502", 1),
        DeviceInfo("grid", "Grid meter", Role.GRID, 2000, 2, "127.0.0.1:1503", 1),
    ),
)
CONFIG = """
[site]
name = "Test park"
timezone = "Asia/Shanghai"
latitude = 34.3
longitude = 109.06

[connections.c1]
transport = "tcp"
host = "127.0.0.1"
port = 1502

[[devices]]
id = "grid"
role = "grid"
profile = "energymon-grid"
connection = "c1"
unit = 1
rated_power_kw = 2000

[[alarms]]
id = "import-max"
name = "Grid import high"
site = "import_power_w"
above = 400000
for_s = 60
"""
OLD_DETAIL = "answering again after 2 failed polls"  # written by a version without params
NAMES = ("inv-a1", "grid", "import-max", "Grid import high", "Roof A inverter 1", "Grid meter")


def alarm_raised() -> Event:
    """The alarm_raised event the collector's alarm watch makes of a grid importing 420 kW for 60 s."""
    watch = AlarmWatch(parse_config(CONFIG, Path("/tmp/site.toml")))
    latest: dict[str, Reading] = {}
    for s in range(62):
        r = Reading("grid", Role.GRID, T0 + s * S, MappingProxyType({"power_w": 420_000.0}), True, None, 0.01, 2, ())
        latest["grid"] = r
        for t in watch.update(r, latest):
            return Event(t.ts_ms, t.device_id, "alarm_raised", "error", t.detail, t.params)
    raise AssertionError("no alarm raised")


def stored_events() -> list[Event]:
    offline = {"errors": error_params([ReadError("timeout", "no answer from unit 1 within 1 s")])}
    frozen = {"parts": [{"quantity": "power_w", "check": "frozen", "value": 1200.0, "polls": 12, "duration_s": 60}]}
    implausible = {"quantity": "soc_pct", "value": 120.0}
    return [
        Event(T0 - MIN, None, "collector_started", "info", "2 devices", {"devices": 2}),
        Event(T0, "inv-a1", "device_offline", "error", event_text("device_offline", offline, "en"), offline),
        Event(T0 + S, "inv-a1", "device_recovered", "info", OLD_DETAIL),  # no params
        Event(T0 + 2 * S, "grid", "data_frozen", "warning", event_text("data_frozen", frozen, "en"), frozen),
        Event(
            T0 + 3 * S,
            "grid",
            "implausible_value",
            "warning",
            event_text("implausible_value", implausible, "en"),
            implausible,
        ),
        alarm_raised(),
    ]


def test_the_events_page_in_chinese_words_the_events_and_alarms_and_switches_back(qtbot, tmp_path):
    from ui import i18n
    from ui.main_window import MainWindow

    path = tmp_path / "events.db"
    writer = StoreWriter(path, max_delay_s=60.0)
    events = stored_events()
    for e in events:
        writer.put_event(e)
    writer.close()
    assert writer.error is None
    now_ms = T0 + 12 * MIN
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.events
    page.ctx.now_ms = lambda: now_ms
    try:
        i18n.set_language("zh_CN")
        window.show_page("events")
        window.show()
        window.set_site(SITE, path)
        qtbot.waitUntil(lambda: page.model.rowCount() == len(events), timeout=10_000)
        page.ctx.readings["inv-a1"] = Reading(
            "inv-a1", Role.PV, now_ms, MappingProxyType({}), False, "timeout: no answer from unit 1", 0.0, 5.0, ()
        )
        page.ctx.readings_changed.emit()

        details = {page.model.event_at(r).kind: page.model.index(r, DETAIL_COLUMN).data() for r in range(len(events))}
        assert details["device_offline"] == "读取失败：超时无应答"
        assert details["data_frozen"] == "有功功率：1200 W 在 12 次轮询、1 分 0 秒内保持不变，而设备的其他数值在变化"
        assert details["implausible_value"] == "荷电状态的读数 120 % 超出合理范围，已拒收"
        assert details["alarm_raised"] == (
            "import-max [全站] Grid import high：全站下网功率 420.000 kW 高于 400.000 kW，已持续 60 秒"
        )
        assert details["device_recovered"] == OLD_DETAIL  # an old event: as stored
        for kind, text in details.items():
            if kind != "device_recovered":
                assert not english_words(text, NAMES), (kind, text)
        raised_row = next(r for r in range(len(events)) if page.model.event_at(r).kind == "alarm_raised")
        assert page.model.index(raised_row, 1).data() == "全站"  # the subject of a site alarm

        alarms = [page.alarm_list.item(i).text() for i in range(page.alarm_list.count())]
        assert alarms[0].startswith("Grid import high [全站]：已持续 ")
        assert alarms[0].endswith("触发时：全站下网功率 420.000 kW 高于 400.000 kW，已持续 60 秒")
        assert "inv-a1 离线：" in alarms[1] and "（超时无应答）" in alarms[1]
        assert any("荷电状态" in a for a in alarms)  # the implausible value's quantity by its name
        tooltip = window.alarm_label.toolTip()
        for text in [*alarms, tooltip, window.alarm_label.text()]:
            assert not english_words(text, NAMES), text

        i18n.set_language("en")  # at run time: the table and the alarms are worded again
        qtbot.waitUntil(
            lambda: (
                page.model.index(raised_row, DETAIL_COLUMN).data()
                == "import-max [site] Grid import high: import_power_w 420.000 kW above 400.000 kW for 60 s"
            ),
            timeout=5_000,
        )
        assert page.model.index(raised_row, 1).data() == "site"
        assert page.alarm_list.item(0).text().startswith("Grid import high [site]: active for ")
        assert "(timeout: no answer from unit 1)" in page.alarm_list.item(1).text()
    finally:
        i18n.set_language("en")
        window.shutdown()


def test_the_quantity_names_of_event_texts_are_the_devices_pages():
    """energymon.quantity_names (for texts made outside the GUI) says what the GUI's quantity table says."""
    from energymon.quantity_names import NAMES
    from ui.i18n import read_ts, ts_path
    from ui.quantity_labels import QUANTITY_TEXT

    chinese = read_ts(ts_path("zh_CN"))
    for quantity, english in QUANTITY_TEXT.items():
        assert NAMES[quantity] == (english, chinese[("QuantityTableModel", english)]), quantity
