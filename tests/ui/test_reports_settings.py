"""The reports and settings pages: reports made in the background through the page, the language switch.

A small hand-made site (Asia/Shanghai): a PV inverter, the grid meter and a
load meter read every 15 minutes from 29 September to 3 October 2026, counters
rising at a constant rate, so September and October both have data.
"""

from __future__ import annotations

import csv
import os
import threading
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import openpyxl
import pytest
from PySide6.QtCore import QSettings, QUrl

import energymon.report.make
import ui.app
from energymon.accounting import carbon
from energymon.report.csv_file import COLUMNS, report_rows
from energymon.report.job import ReportJob, generate_report, generate_report_in_child
from energymon.report.month import (
    ReportError,
    build_month_report,
    default_month,
    last_complete_month,
    months_with_data,
)
from energymon.report.text import labels
from energymon.store.reader import StoreReader
from energymon.views.site import SiteInfo
from ui import i18n
from ui.context import AppContext
from ui.format import fill
from ui.main_window import PAGES, MainWindow
from ui.reports_page import ReportsPage, default_file_name
from ui.settings_page import SettingsPage

from support import record_hand_site, write_counter_ramps

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 29, tzinfo=ZONE)
DAYS = 5
Q_MS = 900_000
DEVICES = [("pv-1", "pv", 50), ("grid", "grid", 500), ("load", "load", 500)]
DAILY_KWH = {
    ("pv-1", "yield_wh"): 100,
    ("grid", "imported_wh"): 60,
    ("grid", "exported_wh"): 20,
    ("load", "consumed_wh"): 130,
}
pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture(scope="module")
def site_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "site.db"
    record_hand_site(path, DEVICES, latitude=34.3, longitude=109.06)
    quarter_wh = {key: kwh * 1000.0 / 96 for key, kwh in DAILY_KWH.items()}
    write_counter_ramps(path, DEVICES, int(START.timestamp() * 1000), Q_MS, DAYS * 96, quarter_wh)
    return path


def _site(db_path: Path) -> SiteInfo:
    reader = StoreReader(db_path)
    try:
        return SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()


@pytest.fixture
def ctx(qtbot, site_db):
    context = AppContext(viewer_only=True)
    yield context
    context.shutdown()


@pytest.fixture
def reports(qtbot, ctx, site_db):
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    ctx.set_site(_site(site_db), site_db)
    qtbot.waitUntil(lambda: page.months == ["2026-10", "2026-09"], timeout=10_000)
    yield page
    page.shutdown()


def _choose(page: ReportsPage, month: str, fmt: str, lang: str = "en") -> None:
    page.month_combo.setCurrentIndex(page.month_combo.findData(month))
    page.format_combo.setCurrentIndex(page.format_combo.findData(fmt))
    page.language_combo.setCurrentIndex(page.language_combo.findData(lang))


def _generate(qtbot, page: ReportsPage) -> None:
    page.generate_button.click()
    assert page.running  # the click returned while the report is still being made
    qtbot.waitUntil(lambda: not page.running, timeout=30_000)


def _in_process(job, stage, started):
    """The page's job runner without the child process (for tests that patch what the job calls)."""
    started(os.getpid())
    return generate_report(job, stage)


def _reference_rows(db_path: Path, month: str) -> list[dict[str, str]]:
    reader = StoreReader(db_path)
    try:
        return report_rows(build_month_report(reader, month))
    finally:
        reader.close()


# -- plain helpers ------------------------------------------------------------------------------------


def test_default_month_is_the_last_complete_one_with_data():
    assert last_complete_month(date(2026, 11, 22)) == "2026-10"
    assert last_complete_month(date(2027, 1, 1)) == "2026-12"
    assert default_month(["2026-11", "2026-10", "2026-09"], date(2026, 11, 22)) == "2026-10"
    assert default_month(["2026-11"], date(2026, 11, 22)) == "2026-11"  # only this month has data yet
    assert default_month([], date(2026, 11, 22)) == "2026-10"
    assert default_file_name("2026-10", "pdf", "zh") == "energymon-report-2026-10-zh.pdf"
    assert default_file_name("2026-10", "csv", "zh") == "energymon-report-2026-10.csv"  # CSV has no language
    assert (
        fill("Report for %1 written to %2.", "2026-10", "C:/100%2 sure.pdf")
        == "Report for 2026-10 written to C:/100%2 sure.pdf."
    )  # one pass: a value's own %2 stays


def test_months_with_data_in_the_site_time_zone(site_db):
    reader = StoreReader(site_db)
    try:
        assert months_with_data(reader) == ["2026-10", "2026-09"]
    finally:
        reader.close()


# -- reports ------------------------------------------------------------------------------------------


def test_csv_and_xlsx_through_the_page_equal_the_report(qtbot, reports, site_db, tmp_path, monkeypatch) -> None:
    page = reports
    _choose(page, "2026-10", "csv")
    out = tmp_path / "out" / "october.csv"  # the folder does not exist yet
    page.path_edit.setText(str(out))
    _generate(qtbot, page)
    assert page._state[0] == "done", page.status_label.text()
    with out.open(encoding="utf-8", newline="") as f:
        lines = list(csv.DictReader(f))
        f.seek(0)
        assert f.readline().strip() == ",".join(COLUMNS)
    expected = _reference_rows(site_db, "2026-10")
    assert lines == expected
    assert lines[0]["pv_kwh"] == "100.000" and lines[-1]["date"] == "total"
    assert not out.with_name(out.name + ".partial").exists()
    # The month was read and the file written in a child process, waited for by the page's own thread.
    first_child = page.last_worker.child_pid
    assert first_child is not None and first_child != os.getpid()
    assert page.last_worker.thread_ident != threading.get_ident()
    assert "october.csv" in page.status_label.text() and page.open_file_button.isVisible()

    # Open file / Open folder: the URLs that would be opened.
    opened: list[QUrl] = []
    page.open_url = opened.append
    page.open_file_button.click()
    page.open_folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(out)), QUrl.fromLocalFile(str(out.parent))]

    # XLSX: the user's file name keeps, with the format's suffix.
    page.format_combo.setCurrentIndex(page.format_combo.findData("xlsx"))
    assert page.path_edit.text() == str(out.with_suffix(".xlsx"))
    _generate(qtbot, page)
    assert page._state[0] == "done", page.status_label.text()
    daily = openpyxl.load_workbook(out.with_suffix(".xlsx")).worksheets[1]
    assert [daily.cell(1, c + 1).value for c in range(len(COLUMNS))] == [labels("en")[f"col.{c}"] for c in COLUMNS]
    for r, row in enumerate(expected[:-1], start=2):  # a day without data: an empty cell in both
        for c, column in ((2, "pv_kwh"), (5, "grid_import_kwh")):
            cell = daily.cell(r, c).value
            assert (cell is None) if row[column] == "" else cell == pytest.approx(float(row[column]))
    assert any(row["pv_kwh"] == "" for row in expected[:-1]) and expected[0]["pv_kwh"] != ""  # both kinds
    assert page.last_worker.child_pid not in (None, first_child, os.getpid())  # a new child per report
    assert QSettings().value("reports/directory") == str(out.parent)


def test_the_default_path_follows_month_format_and_language(reports):
    page = reports
    assert page.month_combo.currentData() in page.months
    _choose(page, "2026-09", "pdf", "zh")
    assert Path(page.path_edit.text()).name == "energymon-report-2026-09-zh.pdf"
    _choose(page, "2026-10", "csv", "en")
    assert Path(page.path_edit.text()).name == "energymon-report-2026-10.csv"
    assert not page.language_combo.isEnabled()  # a CSV has no language


def test_the_gui_stays_responsive_and_shows_the_stages(qtbot, reports, tmp_path, monkeypatch):
    """While the month is read, the GUI thread keeps running its event loop (stage, elapsed time)."""
    page = reports
    release = threading.Event()

    def slow_build(reader, month, **options):
        assert release.wait(20), "the test never released the worker"
        return build_month_report(reader, month, **options)

    # In this process, so the test can hold the job at its reading stage.
    monkeypatch.setattr(energymon.report.make, "build_month_report", slow_build)
    page.run_job = _in_process
    _choose(page, "2026-10", "csv")
    page.path_edit.setText(str(tmp_path / "slow.csv"))
    page.generate_button.click()
    try:
        qtbot.waitUntil(lambda: page.status_title.text() == "Reading the month from the database…", timeout=5_000)
        assert page.progress.isVisible() and page.progress.maximum() == 0  # busy indicator
        assert not page.generate_button.isEnabled() and not page.month_combo.isEnabled()
        qtbot.waitUntil(lambda: page.status_label.text().startswith("1 s elapsed"), timeout=5_000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    assert page._state[0] == "done" and (tmp_path / "slow.csv").exists()
    assert page.generate_button.isEnabled() and not page.progress.isVisible()


@pytest.mark.process
def test_a_report_child_tells_its_failure_and_leaves_no_file(site_db, tmp_path):
    """The child's errors come back as the message the page shows; nothing is left behind."""
    out = tmp_path / "none.csv"
    stages, pids = [], []
    with pytest.raises(ReportError, match="'2026-13': expected YYYY-MM"):
        generate_report_in_child(ReportJob(site_db, "2026-13", "csv", "en", out), stages.append, pids.append)
    assert pids and pids[0] != os.getpid() and stages == ["reading"]
    with pytest.raises(ReportError, match="missing.db: database not found"):  # a StoreError, told as a ReportError
        generate_report_in_child(ReportJob(tmp_path / "missing.db", "2026-10", "csv", "en", out))
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()


@pytest.mark.process
def test_a_report_child_that_dies_is_a_failure_not_a_hang(site_db, tmp_path) -> None:
    """A child killed before it answers (here: it kills itself at the reading stage) is reported."""
    import signal

    job = ReportJob(site_db, "2026-10", "csv", "en", tmp_path / "killed.csv")
    pids: list[int] = []

    def kill_child(stage: str) -> None:
        os.kill(pids[0], signal.SIGKILL)

    with pytest.raises(ReportError, match="ended without an answer"):
        generate_report_in_child(job, kill_child, pids.append)


# -- settings -----------------------------------------------------------------------------------------


def test_settings_show_the_site_and_the_factors(qtbot, ctx, site_db):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.set_site(_site(site_db), site_db)
    values, factors = page.site_card.values, page.carbon_card.values
    qtbot.waitUntil(lambda: values["position"].text() == "latitude 34.3000°, longitude 109.0600°", timeout=10_000)
    assert values["name"].text() == "Hand park"
    assert values["timezone"].text() == "Asia/Shanghai (now UTC+08:00)"
    assert values["devices"].text().startswith("3 in total (PV inverters: 1, storage units: 0, load meters: 1")
    assert values["database"].text() == str(site_db)
    assert values["mode"].text().startswith("Viewing:")
    assert factors["grid_factor"].text() == "0.5000 kgCO₂/kWh"
    assert factors["grid_source"].text() == "test factor"
    coal = carbon.coal_factor()
    assert factors["coal_factor"].text() == f"{coal.kgce_per_kwh:.4f} kgce/kWh (data year {coal.year})"
    assert factors["coal_source"].text() == coal.source


def test_settings_show_the_factors_and_their_sources_in_chinese(qtbot, ctx, tmp_path):
    """A built-in factor the site recorded: its grid and data year, its source in the GUI's language."""
    factor, coal = carbon.lookup_factor("northwest", 2023), carbon.coal_factor()
    db = tmp_path / "northwest.db"
    record_hand_site(db, DEVICES, emission_factor_kg_per_kwh=factor.kg_per_kwh, emission_factor_source=factor.source)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.set_site(_site(db), db)
    factors = page.carbon_card.values
    assert factors["grid_factor"].text() == "0.5543 kgCO₂/kWh (Northwest China regional grid, data year 2023)"
    assert factors["grid_source"].text() == factor.source
    page.set_language("zh_CN")
    assert factors["grid_factor"].text() == "0.5543 kgCO₂/kWh（西北区域电网，数据年份 2023）"
    assert factors["grid_source"].text() == factor.source_zh
    assert (
        factors["grid_source"].text().startswith("生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》")
    )
    assert factors["coal_source"].text() == coal.source_zh
    page.set_language("en")
    assert factors["grid_source"].text() == factor.source


def test_settings_say_when_qts_own_catalogue_is_missing(qtbot, ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "qt_catalogue_path", lambda language: tmp_path / "qtbase_zh_CN.qm")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.set_language("zh_CN")
    assert i18n.current_language() == "zh_CN"  # our texts switched all the same
    assert not page.language_error_label.isHidden()
    assert "qtbase_zh_CN.qm" in page.language_error_label.text() and "Qt 的标准按钮仍为英文" in (
        page.language_error_label.text()
    )


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context><name>OverviewPage</name>
  <message><source>Overview</source><translation>概览</translation></message></context>
<context><name>ReportsPage</name>
  <message><source>Reports</source><translation>报表</translation></message>
  <message><source>Generate report</source><translation>生成报表</translation></message></context>
<context><name>SettingsPage</name>
  <message><source>Settings</source><translation>设置</translation></message>
  <message><source>Language</source><translation>语言</translation></message></context>
</TS>
"""


@pytest.fixture
def tiny_ts(tmp_path, monkeypatch) -> Path:
    """The .ts file of the real translation does not exist yet: a tiny one stands in for it."""
    path = tmp_path / "energymon_zh_CN.ts"
    path.write_text(TS, encoding="utf-8")
    monkeypatch.setattr(i18n, "ts_path", lambda language: path)
    return path


def test_language_switch_relabels_the_window_and_keeps_state(qtbot, tiny_ts, tmp_path):
    window = MainWindow(viewer_only=True)
    qtbot.addWidget(window)
    titles = lambda: [window.nav.item(row).text() for row in range(window.nav.count())]  # noqa: E731
    row = {attribute: i for i, (attribute, _) in enumerate(PAGES)}
    try:
        assert titles()[row["overview"]] == "Overview"
        # some state that must survive the switch
        window.show_page("reports")
        window.reports.format_combo.setCurrentIndex(window.reports.format_combo.findData("xlsx"))
        window.reports.path_edit.setText(str(tmp_path / "mine.xlsx"))

        settings = window.settings
        zh = settings.language_combo.findData("zh_CN")
        settings.language_combo.setCurrentIndex(zh)
        settings.language_combo.activated.emit(zh)  # as a user's choice
        qtbot.waitUntil(lambda: titles()[row["overview"]] == "概览", timeout=5_000)
        assert titles()[row["reports"]] == "报表" and titles()[row["settings"]] == "设置"
        assert window.reports.generate_button.text() == "生成报表"
        assert settings.language_card.heading.text() == "语言"
        assert i18n.current_language() == "zh_CN" and QSettings().value("ui/language") == "zh_CN"
        assert window.reports.format_combo.currentData() == "xlsx"
        assert window.reports.path_edit.text() == str(tmp_path / "mine.xlsx")
        assert window.nav.currentRow() == row["reports"]

        en = settings.language_combo.findData("en")
        settings.language_combo.setCurrentIndex(en)
        settings.language_combo.activated.emit(en)
        qtbot.waitUntil(lambda: titles()[row["overview"]] == "Overview", timeout=5_000)
        assert window.reports.generate_button.text() == "Generate report"
        assert QSettings().value("ui/language") == "en"
    finally:
        window.shutdown()
        i18n.set_language("en")


def test_a_missing_translation_file_leaves_english_and_says_why(qtbot, ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "ts_path", lambda language: tmp_path / "absent.ts")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.set_language("zh_CN")
    assert i18n.current_language() == "en"
    assert page.language_combo.currentData() == "en"
    assert not page.language_error_label.isHidden()
    assert "absent.ts" in page.language_error_label.text()
    assert QSettings().value("ui/language") is None


def test_the_language_is_restored_at_start_up(qtbot, tiny_ts, tmp_path, monkeypatch, capsys):
    QSettings().setValue("ui/language", "zh_CN")
    ui.app.restore_language()
    assert i18n.current_language() == "zh_CN"
    i18n.set_language("en")
    monkeypatch.setattr(i18n, "ts_path", lambda language: tmp_path / "absent.ts")
    ui.app.restore_language()  # a broken installation starts in English, with a warning
    assert i18n.current_language() == "en"
    assert "using English" in capsys.readouterr().err


# -- with the demo park -------------------------------------------------------------------------------


@pytest.mark.timeout(180)
def test_reports_and_settings_with_the_demo_running(qtbot, tmp_path):
    window, runner, _bridge = ui.app.start_demo_window(tmp_path / "demo", backfill_days=1)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.ctx.site is not None, timeout=30_000)
        qtbot.waitUntil(lambda: window.backfill is None or not window.backfill.running, timeout=120_000)
        window.show_page("reports")
        page = window.reports
        qtbot.waitUntil(lambda: bool(page.months), timeout=20_000)
        month = page.month_combo.currentData()
        assert month in page.months
        page.format_combo.setCurrentIndex(page.format_combo.findData("csv"))
        out = tmp_path / "demo-report.csv"
        page.path_edit.setText(str(out))
        _generate(qtbot, page)
        assert page._state[0] == "done", page.status_label.text()
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows[-1]["date"] == "total" and float(rows[-1]["pv_kwh"]) > 0
        assert window.grab().save(str(tmp_path / "reports.png"))
        window.show_page("settings")
        qtbot.waitUntil(lambda: window.settings.recorded_site is not None, timeout=10_000)
        assert window.settings.site_card.values["mode"].text().startswith("Collecting:")
        assert window.grab().save(str(tmp_path / "settings.png"))
    finally:
        window.shutdown()
        runner.stop()
