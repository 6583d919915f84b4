"""A month reported while in progress, days without data, offline periods that began before the month, and
what the files say of how they were made (issue 17).

Hand-made site (Asia/Shanghai): a PV inverter and a grid meter, read every 15 minutes from 3 November 2026
00:00 (1 and 2 November have no data at all); PV counts 48 kWh a day, grid import 96 kWh a day, both evenly.
The grid meter went offline on 28 October 10:00 and came back on 3 November 00:00; the inverter went offline
on 10 November 11:00 and is still offline. An offline period that began and ended in October is not listed.
The report is made on 10 November 12:07 (cut at 12:00) and, for the whole month, on 5 December.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pytest
from language_walk import pdf_texts

import energymon
from energymon.events import DEVICE_OFFLINE, DEVICE_RECOVERED, ERROR, INFO, Event
from energymon.report.csv_file import report_rows, write_report_csv
from energymon.report.daily import ADDITIVE, daily_table
from energymon.report.make import read_month_report, read_year_report
from energymon.report.month import ReportError, build_month_report, month_bounds
from energymon.report.write import write_report
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
Q_MS = 900_000
PV_KWH_PER_DAY, IMPORT_KWH_PER_DAY = 48.0, 96.0


def ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """UTC epoch ms of a local time of the site."""
    return int(datetime(year, month, day, hour, minute, tzinfo=ZONE).timestamp() * 1000)


DATA_FROM = ms(2026, 11, 3)
NOW = ms(2026, 11, 10, 12, 7)  # the report is made here: cut at 12:00
CUT = ms(2026, 11, 10, 12, 0)
LATER = ms(2026, 12, 5)


@pytest.fixture(scope="module")
def site_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("partial") / "site.db"
    record_hand_site(path, [("pv-1", "pv", 20), ("grid", "grid", 500)])
    ts = np.arange(DATA_FROM, NOW + 1, Q_MS, dtype=np.int64)  # up to the moment the report is made
    writer = StoreWriter(path, max_delay_s=60)
    for i, t in enumerate(ts.tolist()):
        writer.put_samples(SampleBatch("pv-1", t, {"yield_wh": 1e6 + i * PV_KWH_PER_DAY * 1000 / 96}))
        writer.put_samples(SampleBatch("grid", t, {"imported_wh": 5e6 + i * IMPORT_KWH_PER_DAY * 1000 / 96}))
    for event in (
        Event(ms(2026, 10, 20, 8), "pv-1", DEVICE_OFFLINE, ERROR, "timeout", {}),
        Event(ms(2026, 10, 21, 8), "pv-1", DEVICE_RECOVERED, INFO, "answering", {}),
        Event(ms(2026, 10, 28, 10), "grid", DEVICE_OFFLINE, ERROR, "timeout", {}),
        Event(DATA_FROM, "grid", DEVICE_RECOVERED, INFO, "answering", {}),
        Event(ms(2026, 11, 10, 11), "pv-1", DEVICE_OFFLINE, ERROR, "timeout", {}),
    ):
        writer.put_event(event)
    writer.close()
    assert writer.error is None
    return path


def month_at(site_db, now_ms: int):
    reader = StoreReader(site_db)
    try:
        return build_month_report(reader, "2026-11", now_ms=now_ms, database="site.db")
    finally:
        reader.close()


@pytest.fixture(scope="module")
def partial(site_db):
    return month_at(site_db, NOW)


def test_a_month_in_progress_ends_at_the_last_complete_quarter(partial):
    assert partial.in_progress and partial.cut_ms == CUT and partial.reported_end_ms == CUT
    assert partial.end_ms == ms(2026, 12, 1)  # the month itself is still November
    assert [d.day.day for d in partial.days] == list(range(1, 11))  # the days begun, no more
    # coverage over the elapsed time only: 7.5 of 9.5 days have data, for both devices
    assert partial.total.coverage_pct == pytest.approx(100 * 7.5 / 9.5)
    assert partial.days[-1].coverage_pct == pytest.approx(100.0)  # 10 November, up to 12:00
    assert partial.days[-1].flows.pv_wh == pytest.approx(PV_KWH_PER_DAY * 1000 / 2)  # half a day, not a whole
    assert partial.total.flows.pv_wh == pytest.approx(PV_KWH_PER_DAY * 1000 * 7.5)


def test_no_future_outage_and_offline_periods_from_before_the_month(partial):
    periods = {(p.device_id, p.start_ms, p.end_ms) for p in partial.offline_periods}
    assert periods == {
        ("grid", ms(2026, 10, 28, 10), DATA_FROM),  # began before the month: listed from its start
        ("pv-1", ms(2026, 11, 10, 11), None),  # still open: ends at the cut, not at the month's end
    }
    hours = {p.device_id: partial.offline_hours(p) for p in partial.offline_periods}
    assert hours == {"grid": pytest.approx(6 * 24 - 10), "pv-1": pytest.approx(1.0)}


def test_days_without_data_are_empty_not_zero(partial):
    assert [d.has_data for d in partial.days] == [False, False] + [True] * 8
    assert partial.days_without_data == 2
    table = daily_table(partial)
    assert table.days_without_data == 2
    rows = report_rows(partial)
    for row in rows[:2]:
        assert all(row[c] == "" for c in ADDITIVE) and row["coverage_pct"] == "0.00"
        assert row["self_consumption_pct"] == row["self_sufficiency_pct"] == ""
    assert rows[2]["pv_kwh"] == "48.000"
    for column in ADDITIVE:  # the total is the sum of the days with data
        assert Decimal(rows[-1][column]) == sum(Decimal(r[column]) for r in rows[2:-1]), column
    out = io.StringIO()
    write_report_csv(partial, out)
    read = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(read) == 1 + 10 + 1 and read[1][1:12] == [""] * 11  # the contract columns, empty cells


def test_the_whole_month_later(site_db):
    whole = month_at(site_db, LATER)
    assert not whole.in_progress and whole.cut_ms is None and len(whole.days) == 30
    assert whole.days_without_data == 2 + 20  # 11 to 30 November: no data either (the samples end at NOW)
    still = [p for p in whole.offline_periods if p.end_ms is None]
    assert [p.device_id for p in still] == ["pv-1"]
    assert whole.offline_hours(still[0]) == pytest.approx((ms(2026, 12, 1) - ms(2026, 11, 10, 11)) / 3_600_000)


def test_a_month_not_begun_and_the_bounds(site_db):
    with pytest.raises(ReportError, match="no complete 15 minutes"):
        month_at(site_db, ms(2026, 11, 1, 0, 10))
    with pytest.raises(ReportError, match="no complete 15 minutes"):
        month_at(site_db, ms(2026, 10, 31, 23))
    for month in ("0001-01", "1969-12", "9999-12"):
        with pytest.raises(ReportError, match="1970 to 9998"):
            month_bounds(month, ZONE)
    assert month_bounds("9998-12", ZONE)[1].year == 9999


def test_traceability_of_the_figures(site_db):
    report = read_month_report(site_db, "2026-11", now_ms=NOW)
    assert report.generated_at_ms == NOW and report.software_version == energymon.__version__
    assert report.database == str(site_db)


def test_the_files_say_in_progress_made_and_lacking(partial, tmp_path):
    stamp = "2026-11-10 12:00"
    for lang, in_progress, lacking, made in (
        ("en", f"Month in progress, up to {stamp}", "The total lacks 2 day(s) without any data", "energymon, version"),
        ("zh", f"本月尚未结束，统计至 {stamp}", "合计中缺少 2 个无任何数据的日期", "energymon，版本"),
    ):
        write_report(partial, tmp_path / f"r-{lang}.pdf", "pdf", lang)
        text = "".join(t for _, t in pdf_texts(tmp_path / f"r-{lang}.pdf")).replace("\n", "")
        for expected in (in_progress, lacking, made, "site.db", "2026-11-01 – 2026-11-02", "2026-10-28 10:00"):
            assert expected in text, (lang, expected)
        assert "docs/" not in text and "681" not in text
        write_report(partial, tmp_path / f"r-{lang}.xlsx", "xlsx", lang)
        workbook = openpyxl.load_workbook(tmp_path / f"r-{lang}.xlsx")
        summary, daily = workbook.worksheets[0], workbook.worksheets[1]
        cells = [str(c) for row in summary.iter_rows(values_only=True) for c in row if c is not None]
        assert any(in_progress in c for c in cells) and "site.db" in cells
        assert any(c.startswith(made) for c in cells)
        assert [daily.cell(2, c).value for c in range(2, 13)] == [None] * 11  # 1 November: empty
        coverage = daily.cell(2, 13)
        assert coverage.value == 0 and ("no data" if lang == "en" else "无数据") in coverage.number_format
        assert daily.cell(4, 2).value == pytest.approx(48.0)  # 3 November has its numbers


def test_the_year_in_progress_is_made_of_the_months_as_of_the_same_moment(site_db):
    year = read_year_report(site_db, 2026, now_ms=NOW)
    assert [m.month for m in year.months] == [f"2026-{m:02d}" for m in range(1, 12)]
    november = year.months[-1]
    assert november.in_progress and november.cut_ms == CUT and november.database == str(site_db)
    alone = month_at(site_db, NOW)
    assert report_rows(november) == report_rows(alone)
