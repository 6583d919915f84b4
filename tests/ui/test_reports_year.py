"""The reports page makes the annual report: the kind of report chosen, the years with data offered, the job run
in the report child as a month's is, the file equal to the annual report made directly.

A small hand-made site (Asia/Shanghai): a PV inverter, the grid meter and a load meter read every hour from
30 December 2025 to 2 January 2026, so 2025 and 2026 both have data.
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import openpyxl
import pytest

from energymon.report.figures import ReportError
from energymon.report.job import ReportJob, generate_report
from energymon.report.make import read_year_report
from energymon.report.year import YearReport
from energymon.report.year_csv import COLUMNS, year_rows
from energymon.report.year_text import year_labels
from energymon.store.reader import StoreReader
from energymon.views.site import SiteInfo
from ui.context import AppContext
from ui.report_files import default_file_name
from ui.report_periods import default_period, period_choices
from ui.reports_page import ReportsPage

from support import record_hand_site, write_counter_ramps

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2025, 12, 30, tzinfo=ZONE)
HOURS = 3 * 24
DEVICES = [("pv-1", "pv", 50), ("grid", "grid", 500), ("load", "load", 500)]
HOURLY_KWH = {("pv-1", "yield_wh"): 4.0, ("grid", "imported_wh"): 3.0, ("grid", "exported_wh"): 1.0}
HOURLY_KWH[("load", "consumed_wh")] = 6.0

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture(scope="module")
def site_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports-year") / "site.db"
    record_hand_site(path, DEVICES, poll_interval_s=3600)
    hourly_wh = {key: kwh * 1000.0 for key, kwh in HOURLY_KWH.items()}
    write_counter_ramps(path, DEVICES, int(START.timestamp() * 1000), 3_600_000, HOURS, hourly_wh)
    return path


@pytest.fixture
def page(qtbot, site_db):
    ctx = AppContext(viewer_only=True)
    reader = StoreReader(site_db)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()
    reports = ReportsPage(ctx)
    qtbot.addWidget(reports)
    reports.resize(1200, 800)
    reports.show()
    ctx.set_site(site, site_db)
    qtbot.waitUntil(lambda: reports.months == ["2026-01", "2025-12"], timeout=10_000)
    yield reports
    reports.shutdown()
    ctx.shutdown()


def _generate(qtbot, page: ReportsPage) -> None:
    page.generate_button.click()
    assert page.running
    qtbot.waitUntil(lambda: not page.running, timeout=60_000)


def test_the_periods_offered():
    today = date(2026, 3, 5)
    months = ["2026-01", "2025-12"]
    assert period_choices("year", months, today) == [("2026", "2026 (year to date)"), ("2025", "2025")]
    assert period_choices("month", months, today) == [("2026-01", "2026-01"), ("2025-12", "2025-12")]
    assert period_choices("year", [], today) == [("2025", "2025 (no data yet)")]
    assert period_choices("year", None, today) == [("2025", "2025")]  # not read yet
    assert default_period("year", months, today) == "2025"
    assert default_period("month", months, today) == "2026-01"
    assert default_file_name("2025", "pdf", "zh") == "energymon-annual-report-2025-zh.pdf"
    assert default_file_name("2025", "csv", "zh") == "energymon-annual-report-2025.csv"


def test_the_job_makes_a_year_and_refuses_an_unknown_kind(site_db, tmp_path):
    stages: list[str] = []
    job = ReportJob(site_db, "2025", "csv", "en", tmp_path / "y.csv", "year")
    report = generate_report(job, stages.append)
    assert isinstance(report, YearReport) and stages == ["reading", "writing"]
    with pytest.raises(ReportError, match="--year '25'"):
        generate_report(ReportJob(site_db, "25", "csv", "en", tmp_path / "bad.csv", "year"))
    with pytest.raises(ReportError, match="unknown kind of report 'week'"):
        generate_report(ReportJob(site_db, "2025", "csv", "en", tmp_path / "bad.csv", "week"))
    assert not (tmp_path / "bad.csv").exists()


@pytest.mark.process
def test_the_page_makes_an_annual_report(qtbot, page, site_db, tmp_path):
    assert page.kind() == "month" and page.heading.text() == "Monthly report"
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("year"))
    assert page.heading.text() == "Annual report" and page.month_label.text() == "Year:"
    years = [page.month_combo.itemData(i) for i in range(page.month_combo.count())]
    today = datetime.now(ZONE).date()
    assert years == ["2026", "2025"] and page.month_combo.currentData() == ("2025" if today.year == 2026 else "2026")
    page.month_combo.setCurrentIndex(page.month_combo.findData("2025"))
    page.format_combo.setCurrentIndex(page.format_combo.findData("csv"))
    assert Path(page.path_edit.text()).name == "energymon-annual-report-2025.csv"
    page.path_edit.setText(str(tmp_path / "2025.csv"))
    _generate(qtbot, page)
    assert page._state[0] == "done", page.status_label.text()
    assert page.last_worker.child_pid not in (None, os.getpid())  # made in the report child, as a month is
    assert page.last_worker.job.kind == "year"
    with (tmp_path / "2025.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = year_rows(read_year_report(site_db, 2025))
    assert rows == expected and [r["month"] for r in rows][-2:] == ["2025-12", "total"]
    assert rows[-2]["pv_kwh"] == "192.000"  # 30 and 31 December: 2 x 24 h x 4 kWh
    assert "Report for 2025 written to" in page.status_label.text()

    # XLSX in Chinese: the sheets in the report's language
    page.format_combo.setCurrentIndex(page.format_combo.findData("xlsx"))
    page.language_combo.setCurrentIndex(page.language_combo.findData("zh"))
    page.path_edit.setText(str(tmp_path / "2025-zh.xlsx"))
    _generate(qtbot, page)
    assert page._state[0] == "done", page.status_label.text()
    wb = openpyxl.load_workbook(tmp_path / "2025-zh.xlsx")
    monthly = wb[year_labels("zh")["sheet_monthly"]]
    assert [monthly.cell(1, c + 1).value for c in range(len(COLUMNS))] == list(COLUMNS)
    assert monthly.cell(13, 2).value == pytest.approx(192.0)  # December's PV

    # back to the monthly report: the months again, and their file name
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("month"))
    assert page.month_label.text() == "Month:" and page.month_combo.currentData() in ("2026-01", "2025-12")
    page.path_edit.setText("")
    page.month_combo.setCurrentIndex(page.month_combo.findData("2025-12"))
    assert Path(page.path_edit.text()).name == "energymon-report-2025-12-zh.xlsx"
