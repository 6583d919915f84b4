"""The whole GUI in Chinese has no English left in it (names, units and symbols apart).

The demo park runs behind the main window (real loopback Modbus, a day of
history), with configured alarms that are raised at once, one inverter
offline and the grid meter frozen, so every page has data, events, alarms
and devices of every role to show. The window is switched to 简体中文 and every
page is walked (:mod:`language_walk`): every visible widget's text and
tooltip, table headers and cells, combo items, tab titles, the charts' texts
and everything painted (tiles, the flow diagram, axis ticks); then the
acknowledgement dialog, the device details, the register inspector's result
and Qt's own file dialog.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from language_walk import EnglishFinder, gui_texts, pdf_texts, xlsx_texts
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

import energymon.demo
from drivers.dtypes import DTYPES
from drivers.quantities import QUANTITIES
from energymon.events import Event
from energymon.report.daily import COLUMNS as CSV_COLUMNS
from energymon.report.make import read_month_report
from energymon.store.reader import StoreReader
from ui import i18n
from ui.app import start_demo_window
from ui.event_ack import AckDialog
from ui.main_window import PAGES

ALARMS = """
[[alarms]]
id = "soc-watch"
name = "储能荷电状态监视"
severity = "warning"
kind = "threshold"
device = "bess-1"
quantity = "soc_pct"
below = 101

[[alarms]]
id = "site-import"
name = "园区下网功率"
severity = "error"
kind = "threshold"
site = "import_power_w"
above = -1
"""
DEMO_TEMPLATE = energymon.demo.demo_template_text()
HOUR_MS = 3_600_000
PARK_KINDS = {"alarm_raised", "device_offline", "data_frozen"}  # events the park makes within a minute
ACK_USER = "li.na"


def _demo_template() -> str:
    """The demo park with two alarms raised at once, an inverter offline and the grid meter's power frozen."""
    text = DEMO_TEMPLATE
    offline = '[[devices.sim.faults]]\nkind = "offline"\n\n[[devices]]\nid = "bess-1"'
    text = text.replace('[[devices]]\nid = "bess-1"', offline, 1)
    assert offline in text
    frozen = '[devices.quality]\nfrozen_polls = 3\nfrozen_min_s = 4\n\n[[devices.sim.faults]]\nkind = "frozen-power"\n'
    return text + "\n" + frozen + ALARMS  # the last device, the grid meter, repeats its power


def _wait(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.02)


@pytest.fixture(scope="module")
def demo(qapp, tmp_path_factory):
    """The main window over the demo park, with history, events and alarms (see the module)."""
    settings = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(settings))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(energymon.demo, "demo_template_text", _demo_template)
        window, runner, _bridge = start_demo_window(tmp_path_factory.mktemp("demo"), backfill_days=1)
        window.show()
        try:
            _wait(lambda: window.ctx.site is not None and window.ctx.config is not None, 30)
            _wait(lambda: window.backfill is None or not window.backfill.running, 150)
            _wait(lambda: len(window.ctx.readings) == len(window.ctx.site.devices), 30)
            yield window
        finally:
            window.shutdown()
            runner.stop()
            if i18n.current_language() != "en":
                i18n.set_language("en")
            QSettings.setPath(
                QSettings.IniFormat,
                QSettings.UserScope,
                QStandardPaths.writableLocation(QStandardPaths.GenericConfigLocation),
            )
            QSettings.setDefaultFormat(QSettings.NativeFormat)


def names(window) -> list[str]:
    """The test site's own names, which are data, not English (see language_walk), and the test's."""
    config = window.ctx.config
    names = [config.site.name, config.site.timezone, str(config.storage.database), str(window.ctx.db_path)]
    for device in config.devices:
        names += [device.id, device.name, device.connection, device.profile_name]
        if device.profile is not None:
            names.append(device.profile.title)  # a register map's name, as its profile file gives it
    for name, connection in config.connections.items():
        names += [name, connection.address]
    names += [rule.id for rule in config.alarms] + [rule.name for rule in config.alarms]
    if config.tariff is not None and config.tariff.name:
        names.append(config.tariff.name)
    names += [
        "energymon",  # the program's name
        "English",  # the language pickers name each language in its own language
        QSettings().fileName(),  # where the window's settings are kept (a path with spaces)
        "[carbon]",  # the site config's table, as the engineer types it
        ACK_USER,  # who acknowledges (the dialog's default is the user's login name)
        Path.home().name,  # Qt's file dialog names the home folder
    ]
    names += list(QUANTITIES)  # the canonical quantities' codes: the config's and the exports' vocabulary
    names += list(DTYPES)  # the register data types (u16, f32 ...), as profiles and the inspector name them
    return names


def _identities(window) -> list[str]:
    """What the devices answered when their identity was read (manufacturer, model, serial: the device's)."""
    found = []
    for result in window.devices.identities.values():
        found += [str(v) for v in getattr(result, "fields", {}).values() if v]
    return found


class Walk:
    """Walks the window (or a dialog) in Chinese and collects every English word found, with where."""

    def __init__(self, window) -> None:
        self.window = window
        self.names = names(window)
        self.found: list[str] = []
        self.painted: list[str] = []  # what Python code drew (tiles, the flow diagram, the charts' axes)
        self.texts = 0
        self.chinese = 0
        self.seen: set[str] = set()  # every text walked

    def __call__(self, label: str, root=None) -> None:
        for _ in range(3):  # deliver what is queued (language change events, answers, re-labelling)
            QApplication.processEvents()
        english = EnglishFinder(self.names + _identities(self.window))
        texts = gui_texts(root or self.window)
        self.texts += len(texts)
        self.seen |= {t for _, t in texts}
        self.painted += [t for where, t in texts if where.endswith(" painted")]
        self.chinese += sum(1 for _, t in texts if re.search("[\u4e00-\u9fff]", t))
        self.found += [f"[{label}] {line}" for line in english.report(texts)]


def _series_of(trends, quantity: str) -> bool:
    """The trends page shows points of ``quantity``."""
    return trends.series is not None and trends.series.quantity == quantity and len(trends.series) > 0


@pytest.mark.slow
@pytest.mark.wire
@pytest.mark.timeout(300)
def test_every_page_in_chinese_has_no_english(demo):
    window = demo
    zh = window.settings.language_combo.findData("zh_CN")
    window.settings.language_combo.setCurrentIndex(zh)
    window.settings.language_combo.activated.emit(zh)  # as a user's choice
    assert i18n.current_language() == "zh_CN" and i18n.qt_catalogue_missing() is None
    walk = Walk(window)
    for attribute, _ in PAGES:
        window.show_page(attribute)
        walk(attribute)
    grid_factor = window.settings.carbon_card.values["grid_factor"].text()
    assert "西北区域电网" in grid_factor and "northwest" not in grid_factor, grid_factor  # ui/carbon_text.py

    # The events page: its table has the stored events of every kind the park made.
    events = window.events
    window.show_page("events")
    _wait(lambda: PARK_KINDS <= {e.kind for e in events.model.events()}, 60)
    assert events.alarms, "the configured alarms are active"
    walk("events with alarms")
    dialog = AckDialog(3, ACK_USER, window)
    dialog.show()
    walk("acknowledgement dialog", dialog)
    buttons = dialog.buttons
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"  # Qt's own, in Chinese
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    dialog.close()

    # The trends page with a device and a quantity chosen.
    window.show_page("trends")
    trends = window.trends
    _wait(lambda: bool(trends.channels), 30)
    trends.apply_preset("today")
    for device_id, quantity, energy in (("inv-a1", "power_w", False), ("grid", "imported_wh", True)):
        trends.select(device_id, quantity, energy)
        _wait(functools.partial(_series_of, trends, quantity), 30)
        walk(f"trends {device_id} {quantity}")
    trends.apply_preset("12m")  # a year: the time axis names months
    _wait(lambda: trends.series is not None and trends.series.to_ms - trends.series.from_ms > 300 * 86_400_000, 30)
    walk("trends 12 months")

    # The devices page: a device of every role, SunSpec ones, the offline inverter, the frozen meter.
    window.show_page("devices")
    devices = window.devices
    for device_id in ("inv-a1", "inv-c1", "inv-d2", "bess-1", "bess-2", "wh-1", "office", "grid"):
        devices.select_device(device_id)
        walk(f"devices {device_id}")
    # Why polls failed or were incomplete, in Chinese (ui/poll_problems.py): the offline inverter's Modbus
    # exception (its code, the only technical token kept) and the grid meter's frozen power.
    assert any("Modbus 异常码 11（网关目标设备无应答）" in t for t in walk.seen)
    assert any(t.startswith("降级：数值冻结：") and "有功功率" in t for t in walk.seen)
    devices.select_device("inv-a1")
    devices.read_identity()
    _wait(lambda: "inv-a1" not in devices._identity_pending, 20)
    walk("devices identity")
    devices.inspect_selected()
    inspector = devices.inspector
    walk("register inspector")
    inspector.read_button.click()
    _wait(lambda: not inspector.busy and inspector.last_result is not None, 20)
    walk("register inspector result")

    # Qt's own file dialog (the one the reports and trends pages open where there is no native one).
    files = QFileDialog(window, "保存报表")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    files.show()
    walk("Qt file dialog", files)
    files.close()

    print(f"the walk saw {walk.texts} texts, {walk.chinese} of them with Chinese")  # pytest -s shows it
    assert walk.texts > 1000 and walk.chinese > 500, (walk.texts, walk.chinese)  # the walk saw the window
    assert "光伏" in walk.painted and "储能" in walk.painted  # the flow diagram's nodes, as painted
    assert any(re.fullmatch(r"\d\d:\d\d", t) for t in walk.painted)  # the charts' time ticks, as painted
    assert not walk.found, f"{len(walk.found)} texts with English:\n" + "\n".join(walk.found)


def _park_events(path: Path) -> list[Event]:
    reader = StoreReader(path)
    try:
        return reader.events_between(0, 2**62)
    finally:
        reader.close()


def _backdate_park_events(window, month_start_ms: int) -> None:
    """The events the park made (alarms raised, the inverter offline, the meter frozen: with the params their
    producers gave them) stored again an hour earlier. A month in progress is reported up to its last complete
    quarter hour (energymon.report.month), and the park's own events are minutes old."""
    _wait(lambda: PARK_KINDS <= {e.kind for e in _park_events(window.ctx.db_path)}, 60)
    writer = window.ctx.ack_writer  # the GUI's own writer (the collector's shares the file)
    assert writer is not None
    for event in _park_events(window.ctx.db_path):
        writer.put_event(dataclasses.replace(event, ts_ms=max(month_start_ms, event.ts_ms - HOUR_MS)))


@pytest.mark.slow
@pytest.mark.wire
@pytest.mark.process
@pytest.mark.timeout(300)
def test_the_reports_page_makes_chinese_files_without_english(demo, tmp_path):
    """The month the demo filled, made through the reports page (in its child process) as PDF and XLSX in Chinese:
    every page's text and every cell, comment, chart title and sheet name."""
    window = demo
    window.show_page("reports")
    page = window.reports
    _wait(lambda: bool(page.months), 30)
    month = page.months[0]  # the newest month with data (the history is a day long)
    start_ms = read_month_report(window.ctx.db_path, month).start_ms
    _backdate_park_events(window, start_ms)
    _wait(lambda: PARK_KINDS <= {e.kind for e in read_month_report(window.ctx.db_path, month).events}, 30)
    report = read_month_report(window.ctx.db_path, month)
    assert report.events and report.devices and report.costs is not None  # every section has something
    names_of = names(window) + list(CSV_COLUMNS)  # the XLSX names the CSV's columns beside its headings
    english = EnglishFinder(names_of)
    found = []
    for fmt, texts_of in (("pdf", pdf_texts), ("xlsx", xlsx_texts)):
        page.month_combo.setCurrentIndex(page.month_combo.findData(month))
        page.format_combo.setCurrentIndex(page.format_combo.findData(fmt))
        page.language_combo.setCurrentIndex(page.language_combo.findData("zh"))
        out = tmp_path / f"report.{fmt}"
        page.path_edit.setText(str(out))
        page.generate_button.click()
        _wait(lambda: not page.running, 120)
        assert page._state[0] == "done", page.status_label.text()
        texts = texts_of(out)
        assert any("生态环境部" in t for _, t in texts)  # the factor's source, in Chinese
        found += [f"{fmt} {line}" for line in english.report(texts)]
    assert not found, f"{len(found)} texts with English:\n" + "\n".join(found)
