"""Data-quality periods paired from stored events, and how the report files show them with damaged data."""

from __future__ import annotations

import dataclasses

from openpyxl import load_workbook
from pypdf import PdfReader

from energymon.events import DATA_FROZEN, DATA_OK, DATA_OUT_OF_RANGE, DATA_STALE, WARNING, Event
from energymon.report.pdf import write_report_pdf
from energymon.report.quality_periods import QualityPeriod, quality_periods
from energymon.report.xlsx_file import write_report_xlsx
from energymon.store.damage import DamagedSpan

from report_sample import make_report

MIN = 60_000


def ev(t_min: int, device: str | None, kind: str, detail: str) -> Event:
    return Event(t_min * MIN, device, kind, WARNING, detail)


def test_each_part_is_paired_with_the_part_that_ends_it():
    events = [
        ev(0, "grid", DATA_FROZEN, "power_w: 2010.7 kW unchanged in 6 polls over 11 min while the device's ..."),
        ev(1, "pv-1", DATA_STALE, "temperature_c: no value in 5 answered polls over 5 s"),
        ev(2, "pv-1", DATA_OUT_OF_RANGE, "frequency_hz: 70.00 Hz outside 45..65 Hz; voltage_l1_v: 0 V outside .."),
        ev(3, "grid", DATA_FROZEN, "imported_wh: 1,234 kWh flat for 10 min while power_w says 2 MW flows"),
        ev(5, "pv-1", DATA_OK, "frequency_hz: back in range after 3 min"),
        ev(11, "grid", DATA_OK, "power_w: moving again after 11 min frozen; imported_wh: counting again after 8 min"),
        ev(12, None, DATA_OK, "not a device event"),
        ev(13, "pv-1", DATA_OK, "temperature_c: moving again after 1 min frozen"),  # it was stale, not frozen
    ]
    assert quality_periods(events) == (
        QualityPeriod("grid", "power_w", DATA_FROZEN, 0, 11 * MIN),
        QualityPeriod("pv-1", "temperature_c", DATA_STALE, 1 * MIN, None),  # not fresh again by the end
        QualityPeriod("pv-1", "frequency_hz", DATA_OUT_OF_RANGE, 2 * MIN, 5 * MIN),
        QualityPeriod("pv-1", "voltage_l1_v", DATA_OUT_OF_RANGE, 2 * MIN, None),
        QualityPeriod("grid", "imported_wh", DATA_FROZEN, 3 * MIN, 11 * MIN),
    )
    assert quality_periods(events)[0].hours(0) == 11 / 60
    assert quality_periods(events)[1].hours(61 * MIN) == 1.0  # an open period counts to the month's end


def test_the_pdf_and_xlsx_list_the_periods_and_the_damaged_data(tmp_path):
    base = make_report()
    start = base.start_ms + 9 * 3_600_000
    report = dataclasses.replace(
        base,
        quality_periods=(QualityPeriod("grid", "power_w", DATA_FROZEN, start, start + 11 * MIN),),
        damaged=(DamagedSpan("pv-1", "yield_wh", base.start_ms, base.start_ms + 86_400_000, "raw samples", "x"),),
    )
    pdf = tmp_path / "r.pdf"
    write_report_pdf(report, pdf, "en")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Values frozen, stale or out of range" in text and "Data frozen" in text and "0.18" in text
    assert "Stored data that could not be read" in text and "yield_wh" in text
    xlsx = tmp_path / "r.xlsx"
    write_report_xlsx(report, xlsx, "en")
    sheet = load_workbook(xlsx)["Data quality"]
    assert [c.value for c in sheet[3]][:3] == ["grid", "power_w", "Data frozen"]
    assert sheet.cell(3, 6).value == round(11 / 60, 3)
    assert [sheet.cell(3, c).value for c in (8, 9, 10)] == ["pv-1", "yield_wh", "raw samples"]
    empty = tmp_path / "e.xlsx"
    write_report_xlsx(base, empty, "en")
    assert load_workbook(empty)["Data quality"].cell(3, 1).value.startswith("No value was frozen")
