"""A Chinese monthly report words the month's events in Chinese from their stored params: the PDF's list of
warnings and errors (pypdf text) and the XLSX's Events sheet; an event stored without params (an older
database) is printed with its stored detail; the English report prints the English (the detail)."""

from __future__ import annotations

import math

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from drivers.link import ReadError
from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.collect.health import error_params
from energymon.collect.quality import DeviceQuality
from energymon.event_texts import event_text
from energymon.events import Event
from energymon.report.make import read_month_report
from energymon.report.pdf import write_report_pdf
from energymon.report.text import labels
from energymon.report.xlsx_file import write_report_xlsx
from energymon.store.writer import StoreWriter

from support import english_words, record_hand_site

T0 = 1_791_500_000_000  # 2026-10-09 in Shanghai
S = 1000
OLD_DETAIL = "timeout after 1.0 s (an old version's words)"


def frozen_event() -> Event:
    """The data_frozen event the collector's data-quality watch makes of a grid meter's repeated power."""
    watch = DeviceQuality(Role.GRID, 8000)
    for i in range(40):
        values = {
            "power_w": 2_010_700.0,
            "imported_wh": 5e9 + 5.6e3 * i,
            "voltage_l1_v": round(6062 + 20 * math.sin(i / 3), 2),
        }
        for e in watch.update(T0 + i * 10 * S, values, (), load_profile("energymon-grid")).events:
            return Event(T0 + i * 10 * S, "grid", e.kind, "warning", e.detail, e.params)
    raise AssertionError("not frozen")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "site.db"
    record_hand_site(path, (("inv-a1", "pv", 100), ("grid", "grid", 1000)))
    offline = {"errors": error_params([ReadError("exception", "unit 1: Modbus exception 11 (GatewayNoResponse)", 11)])}
    events = [
        Event(T0 - 10 * S, None, "collector_started", "info", "2 devices", {"devices": 2}),
        Event(T0, "inv-a1", "device_offline", "error", event_text("device_offline", offline, "en"), offline),
        Event(T0 + S, "grid", "device_offline", "error", OLD_DETAIL),  # stored without params
        frozen_event(),
    ]
    writer = StoreWriter(path, max_delay_s=60.0)
    for e in events:
        writer.put_event(e)
    writer.close()
    assert writer.error is None
    return read_month_report(path, "2026-10")


def test_the_xlsx_events_sheet_in_chinese(month, tmp_path):
    out = tmp_path / "zh.xlsx"
    write_report_xlsx(month, out, lang="zh")
    text = labels("zh")
    sheet = load_workbook(out)[text["sheet_events"]]
    rows = [row for row in sheet.iter_rows(min_row=2, max_col=5, values_only=True) if row[0] is not None]
    details = {(row[1], row[2]): row[4] for row in rows}
    assert details[("inv-a1", text["kind.device_offline"])] == "读取失败：设备返回 Modbus 异常码 11"
    assert details[("grid", text["kind.device_offline"])] == OLD_DETAIL
    assert details[(text["site_wide"], text["kind.collector_started"])] == "2 台设备"
    frozen = details[("grid", text["kind.data_frozen"])]
    assert frozen.startswith("有功功率：2010700 W 在 31 次轮询")
    for detail in details.values():
        if detail != OLD_DETAIL:
            assert not english_words(detail, ("inv-a1", "grid")), detail

    english = tmp_path / "en.xlsx"
    write_report_xlsx(month, english, lang="en")
    en_sheet = load_workbook(english)[labels("en")["sheet_events"]]
    en_details = {row[4] for row in en_sheet.iter_rows(min_row=2, max_col=5, values_only=True) if row[0] is not None}
    assert en_details == {e.detail for e in month.events}  # English: the stored details, as before


def test_the_pdf_lists_the_warnings_and_errors_in_chinese(month, tmp_path):
    out = tmp_path / "zh.pdf"
    write_report_pdf(month, out, lang="zh")
    text = "".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", "")
    assert "读取失败：设备返回 Modbus 异常码 11" in text
    assert "有功功率：2010700 W" in text
    assert OLD_DETAIL in text  # an old event: as stored
    assert "GatewayNoResponse" not in text and "unchanged in" not in text  # no English detail of a new event
    english = tmp_path / "en.pdf"
    write_report_pdf(month, english, lang="en")
    en_text = "".join(page.extract_text() for page in PdfReader(english).pages).replace("\n", " ")
    assert "Modbus exception 11 (GatewayNoResponse)" in en_text
