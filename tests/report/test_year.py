"""The annual report: its months are its monthly reports, its total adds up, its files say the same in both languages.

A hand-made site (Asia/Shanghai; the Northwest grid's built-in 2023 factor; a two-period tariff): a PV
inverter, the grid meter, a load meter and a battery, read every hour from 10 February to 1 May 2025, so
2025 has a month begun part way (February), two whole months (March, April), and nine months without
any data (January, May to December). Each hour's energy follows the time of day and the day (PV by day,
some export at noon, the battery charged late morning and discharged in the evening).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pytest
from pypdf import PdfReader

from energymon.accounting import carbon
from energymon.events import Event
from energymon.report.daily import ADDITIVE
from energymon.report.figures import ReportError
from energymon.report.formats import fmt_num
from energymon.report.make import read_year_report
from energymon.report.month import build_month_report
from energymon.report.write import write_report, write_year_report, write_year_report_to
from energymon.report.year import YearReport, build_year_report, default_year, parse_year, year_devices
from energymon.report.year_csv import COLUMNS, year_rows
from energymon.report.year_table import year_table
from energymon.report.year_text import year_labels
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

from support import TWO_PERIOD_TARIFF_TOML as TARIFF_TOML
from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
DEVICES = [("pv-1", "pv", 100), ("grid", "grid", 500), ("load", "load", 500), ("bess-1", "storage", 100)]
DATA_FROM, DATA_TO = datetime(2025, 2, 10, tzinfo=ZONE), datetime(2025, 5, 1, tzinfo=ZONE)
WITH_DATA = ("2025-02", "2025-03", "2025-04")
FACTOR = carbon.lookup_factor("northwest", 2023)
AFTER_2025 = int(datetime(2026, 1, 15, tzinfo=ZONE).timestamp() * 1000)


def local_ms(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=ZONE).timestamp() * 1000)


def hourly_kwh(n: int) -> dict[tuple[str, str], np.ndarray]:
    """Each channel's energy [kWh] in each hour; consumption = the load meter / 0.95."""
    hours, days = np.arange(n) % 24, np.arange(n) // 24
    pv = np.clip(np.sin(np.pi * (hours + 0.5 - 6) / 12), 0, None) * 70.0 * (1 + 0.3 * np.sin(days * 1.7))
    load = 40 + 10 * np.cos(hours * 0.5) + 3 * np.sin(days)
    charge = np.where((hours >= 10) & (hours < 14), 5.0, 0.0)
    discharge = np.where((hours >= 18) & (hours < 22), 5.0, 0.0)
    net = load - pv + charge - discharge
    return {
        ("pv-1", "yield_wh"): pv,
        ("grid", "imported_wh"): np.clip(net, 0, None),
        ("grid", "exported_wh"): np.clip(-net, 0, None),
        ("load", "consumed_wh"): load * 0.95,
        ("bess-1", "charged_wh"): charge,
        ("bess-1", "discharged_wh"): discharge,
    }


def write_year_site(path: Path, **site: object) -> None:
    assert FACTOR is not None
    facts = {"emission_factor_kg_per_kwh": FACTOR.kg_per_kwh, "emission_factor_source": FACTOR.source, **site}
    record_hand_site(path, DEVICES, poll_interval_s=3600, config_toml=TARIFF_TOML, **facts)
    n = int((DATA_TO - DATA_FROM).total_seconds() // 3600)
    ts = int(DATA_FROM.timestamp() * 1000) + np.arange(n + 1, dtype=np.int64) * 3_600_000
    counters = {key: 1e6 + np.concatenate(([0.0], np.cumsum(kwh * 1000.0))) for key, kwh in hourly_kwh(n).items()}
    writer = StoreWriter(path, max_delay_s=60)
    for i, t in enumerate(ts.tolist()):
        for device_id, _, _ in DEVICES:
            values: dict[str, float | None] = {q: float(v[i]) for (d, q), v in counters.items() if d == device_id}
            writer.put_samples(SampleBatch(device_id, t, values))
    writer.put_event(Event(local_ms(2025, 3, 5, 9), "pv-1", "device_offline", "error", "timeout after 1.0 s"))
    writer.put_event(Event(local_ms(2025, 3, 5, 11), "pv-1", "device_recovered", "info", "answering again"))
    writer.close()
    assert writer.error is None


@pytest.fixture(scope="module")
def year_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("year") / "site.db"
    write_year_site(path)
    return path


@pytest.fixture(scope="module")
def report(year_db) -> YearReport:
    return read_year_report(year_db, 2025, now_ms=AFTER_2025)


@pytest.fixture(scope="module")
def files(report, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """The annual report in every format and language."""
    folder = tmp_path_factory.mktemp("year-files")
    out = {}
    for fmt in ("csv", "xlsx", "pdf"):
        for lang in ("en", "zh"):
            out[fmt, lang] = folder / f"year-{lang}.{fmt}"
            write_year_report(report, out[fmt, lang], fmt, lang)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def pdf_text(path: Path) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(str(path)).pages).split())


def assert_no_blank_page(path: Path, site: str, year: int, lang: str) -> None:
    """Every page holds more than its footer (site, title, page number)."""
    text = year_labels(lang)
    pages = PdfReader(str(path)).pages
    for number, page in enumerate(pages, 1):
        squashed = "".join(page.extract_text().split())
        footer = text["year_footer"].format(site=site, year=year) + text["page"].format(page=number, pages=len(pages))
        assert squashed.replace("".join(footer.split()), ""), f"{path.name}: page {number} of {len(pages)} is blank"


# ---- the figures --------------------------------------------------------------------------------------------


def test_the_months_add_up_to_the_year(report, files):
    rows = read_csv(files["csv", "en"])
    assert rows == year_rows(report)
    assert list(rows[0]) == list(COLUMNS) and [r["month"] for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)] + [
        "total"
    ]
    months, total = rows[:-1], rows[-1]
    for column in ADDITIVE:  # every additive column: the year is the sum of the printed months
        assert Decimal(total[column]) == sum(Decimal(r[column]) for r in months if r[column]), column
        assert Decimal(total[column]) > 0 or column == "grid_export_kwh"
    assert int(total["days_without_data"]) == sum(int(r["days_without_data"]) for r in months)
    assert Decimal(total["peak_demand_kw"]) == max(Decimal(r["peak_demand_kw"]) for r in months if r["peak_demand_kw"])
    pv, export = Decimal(total["pv_kwh"]), Decimal(total["grid_export_kwh"])
    consumption, imported = Decimal(total["consumption_kwh"]), Decimal(total["grid_import_kwh"])
    assert Decimal(total["self_consumption_pct"]) == ((pv - export) / pv * 100).quantize(Decimal("0.01"))
    assert Decimal(total["self_sufficiency_pct"]) == ((consumption - imported) / consumption * 100).quantize(
        Decimal("0.01")
    )
    assert export > 0  # the noon PV is exported in part: both shares are below 100 %
    # coverage over the year's device-intervals: February from the 10th, March and April whole, the rest none
    hours_with_data = (DATA_TO - DATA_FROM).total_seconds() / 3600
    year_hours = (datetime(2026, 1, 1, tzinfo=ZONE) - datetime(2025, 1, 1, tzinfo=ZONE)).total_seconds() / 3600
    assert float(total["coverage_pct"]) == pytest.approx(100 * hours_with_data / year_hours, abs=0.01)
    costs = year_table(report).costs
    for column in costs[-1].values:
        assert costs[-1].values[column] == sum(
            (v for row in costs[:-1] if (v := row.values[column]) is not None), Decimal(0)
        )


def test_each_month_row_is_its_monthly_reports_total_row(report, year_db, files, tmp_path):
    """The year's CSV, XLSX and PDF against each month's own monthly report, each file read back."""
    year_csv = {row["month"]: row for row in read_csv(files["csv", "en"])}
    reader = StoreReader(year_db)
    try:
        for month in WITH_DATA:
            monthly = build_month_report(reader, month)
            write_report(monthly, tmp_path / f"{month}.csv", "csv")
            total = read_csv(tmp_path / f"{month}.csv")[-1]
            assert total["date"] == "total"
            row = year_csv[month]
            for column, value in total.items():
                if column != "date":
                    assert row[column] == value, (month, column)
            peak = monthly.peak_demand_kw
            assert peak is not None and row["peak_demand_kw"] == f"{peak:.3f}"
            assert int(row["days_without_data"]) == monthly.days_without_data
    finally:
        reader.close()
    for lang in ("en", "zh"):
        wb = openpyxl.load_workbook(files["xlsx", lang])
        sheet = wb[year_labels(lang)["sheet_monthly"]]
        grid = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert grid[0] == list(COLUMNS)
        for cells, row in zip(grid[1:], year_csv.values(), strict=True):
            assert cells[0] == (year_labels(lang)["year_total_row"] if row["month"] == "total" else row["month"])
            for value, column in zip(cells[1:], COLUMNS[1:], strict=True):
                expected = None if row[column] == "" else float(row[column])
                assert value == expected, (row["month"], column)
        squashed = pdf_text(files["pdf", lang])
        for month in WITH_DATA:  # the monthly table of the PDF: PV and import of each month, 0.1 kWh
            for column in ("pv_kwh", "grid_import_kwh", "avoided_co2_kg"):
                assert fmt_num(float(year_csv[month][column]), 1) in squashed, (lang, month, column)
        assert fmt_num(float(year_csv["total"]["consumption_kwh"]), 1) in squashed


def test_a_month_without_data_is_empty_not_zero(report):
    rows = {row["month"]: row for row in year_rows(report)}
    for month in ("2025-01", "2025-05", "2025-12"):
        row = rows[month]
        assert all(row[c] == "" for c in COLUMNS[1:13]), month  # energies, shares, carbon, peak: unknown
        assert row["coverage_pct"] == "0.00"
        days = 31
        assert int(row["days_without_data"]) == days
    table = year_table(report)
    assert [row.month for row in table.months if not row.has_data] == [
        "2025-01",
        *(f"2025-{m:02d}" for m in range(5, 13)),
    ]
    january_costs = table.costs[0]
    assert january_costs.month == "2025-01" and set(january_costs.values.values()) == {None}
    assert report.peak_month is not None and report.peak_month.month in WITH_DATA
    quality = dict(zip([r.month for r in table.months], table.quality, strict=False))
    assert quality["2025-03"]["offline_periods"] == 1 and quality["2025-03"]["events"] == 2
    assert quality["2025-03"]["warnings"] == 1  # the offline event is an error, the recovery is info
    assert table.quality[-1]["events"] == 2


def test_the_factors_are_stated_with_their_year_and_source(report, files, year_db, tmp_path):
    assert FACTOR is not None
    assert report.emission_factor_year == 2023 and report.emission_factor_source == FACTOR.source
    coal = carbon.coal_factor()
    assert coal is not None and report.coal_factor_year == coal.year
    for lang in ("en", "zh"):
        squashed = pdf_text(files["pdf", lang])
        assert "0.5543kgCO2/kWh" in squashed and "".join(FACTOR.source.split())[:40] in squashed
        factors = openpyxl.load_workbook(files["xlsx", lang])[year_labels(lang)["sheet_factors"]]
        rows = [r for r in factors.iter_rows(values_only=True) if r[1] is not None]
        assert (rows[1][1], rows[1][3], rows[1][4]) == (FACTOR.kg_per_kwh, 2023, FACTOR.source)
        assert (rows[2][1], rows[2][3]) == (coal.kgce_per_kwh, coal.year)
    # an explicit factor has no data year: the report says so
    explicit = tmp_path / "explicit.db"
    write_year_site(explicit, emission_factor_kg_per_kwh=0.6, emission_factor_source="explicit in the config")
    other = read_year_report(explicit, 2025, now_ms=AFTER_2025)
    assert other.emission_factor_year is None
    write_year_report(other, tmp_path / "explicit.pdf", "pdf")
    assert "".join(year_labels("en")["factor_no_year"].split()) in pdf_text(tmp_path / "explicit.pdf")
    pv = Decimal(year_rows(other)[-1]["pv_kwh"])
    assert Decimal(year_rows(other)[-1]["avoided_co2_kg"]) == pytest.approx(pv * Decimal("0.6"), abs=Decimal("0.01"))


def test_a_year_in_progress(year_db, tmp_path):
    now = local_ms(2025, 4, 15, 12)
    report = read_year_report(year_db, 2025, now_ms=now)
    assert report.in_progress and [m.month for m in report.months] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    rows = year_rows(report)
    assert [r["month"] for r in rows] == ["2025-01", "2025-02", "2025-03", "2025-04", "total"]
    for column in ADDITIVE:
        assert Decimal(rows[-1][column]) == sum(Decimal(r[column]) for r in rows[:-1] if r[column])
    write_year_report(report, tmp_path / "to-date.pdf", "pdf")
    assert "Yearinprogress" in pdf_text(tmp_path / "to-date.pdf")
    # In December, the in-progress note and eight months without data (listed in a tile) fill page 1 to the end.
    december = read_year_report(year_db, 2025, now_ms=local_ms(2025, 12, 15, 12))
    for lang in ("en", "zh"):
        write_year_report(december, tmp_path / f"december-{lang}.pdf", "pdf", lang)
        assert_no_blank_page(tmp_path / f"december-{lang}.pdf", december.site_name, 2025, lang)
    write_year_report(report, tmp_path / "to-date.xlsx", "xlsx", "zh")
    summary = openpyxl.load_workbook(tmp_path / "to-date.xlsx")[year_labels("zh")["sheet_summary"]]
    assert any(str(r[1] or "").startswith("年度尚未结束") for r in summary.iter_rows(values_only=True))
    with pytest.raises(ReportError, match="--year 2025: the year has not begun"):
        read_year_report(year_db, 2025, now_ms=local_ms(2025, 1, 1))


def test_both_languages(report, files):
    en, zh = year_labels("en"), year_labels("zh")
    assert en.keys() == zh.keys()
    for key in en:
        if any(c.isalpha() for c in en[key]) and key not in ("lang", "axis_kwh", "axis_mwh", "kg_per_kwh"):
            assert en[key] != zh[key] or key.startswith("severity"), key
    for lang, text in (("en", en), ("zh", zh)):
        sheets = openpyxl.load_workbook(files["xlsx", lang]).sheetnames
        assert sheets == [
            text[k]
            for k in (
                "sheet_summary",
                "sheet_monthly",
                "sheet_devices",
                "sheet_factors",
                "sheet_method",
                "sheet_costs",
                "quality",
                "sheet_charts",
            )
        ]
        squashed = pdf_text(files["pdf", lang])
        for key in ("carbon_year", "monthly_table", "quality_year", "costs_year", "devices_year"):
            assert "".join(text[key].split()) in squashed, (lang, key)
    pages = PdfReader(str(files["pdf", "zh"])).pages
    assert pages[-1].mediabox.width > pages[-1].mediabox.height  # the monthly table is landscape
    assert "2025年度能源报告" in pdf_text(files["pdf", "zh"])


def test_devices_over_the_year(report):
    devices = {d.device_id: d for d in year_devices(report)}
    assert set(devices) == {d for d, _, _ in DEVICES}
    for device_id, device in devices.items():
        for flow, wh in device.energy_wh.items():
            months = sum(
                d.energy_wh.get(flow, 0.0) for m in report.months for d in m.devices if d.device_id == device_id
            )
            assert wh == pytest.approx(months)
    assert devices["pv-1"].energy_wh["pv_wh"] == pytest.approx(report.total.flows.pv_wh)
    assert devices["pv-1"].method == "counter"


def test_arguments_and_streams(report, files, year_db):
    assert parse_year("2025") == 2025
    for bad in ("25", "2025-01", "year", "0999"):
        with pytest.raises(ReportError, match=f"--year '{bad}': expected YYYY"):
            parse_year(bad)
    with pytest.raises(ReportError, match="unknown report format 'docx'"):
        write_year_report_to(report, io.BytesIO(), "docx")
    for fmt in ("csv", "pdf"):  # a stream gets the file's bytes
        stream = io.BytesIO()
        write_year_report_to(report, stream, fmt, "zh")
        assert stream.getvalue() == files[fmt, "zh"].read_bytes(), fmt
    stream = io.BytesIO()  # a workbook's zip members carry the time of writing: its cells are the same
    write_year_report_to(report, stream, "xlsx", "zh")
    streamed, written = openpyxl.load_workbook(stream), openpyxl.load_workbook(files["xlsx", "zh"])
    assert streamed.sheetnames == written.sheetnames
    for a, b in zip(streamed.worksheets, written.worksheets, strict=True):
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
    reader = StoreReader(year_db)
    try:
        again = build_year_report(reader, 2025, now_ms=AFTER_2025)
    finally:
        reader.close()
    assert year_rows(again) == year_rows(report)  # the same year twice: the same numbers
    assert default_year([2025, 2024], datetime(2026, 3, 1).date()) == 2025
    assert default_year([2026], datetime(2026, 3, 1).date()) == 2026  # only this year has data yet
    assert default_year([], datetime(2026, 3, 1).date()) == 2025


def test_every_thread_takes_the_next_month_when_it_is_free(year_db, monkeypatch):
    """The year's months go to whichever thread is free, the calling thread included: a month held up on the
    other thread does not stop this one from building the rest (before, it built only the first month)."""
    import threading

    from energymon.report import year as year_module

    caller = threading.get_ident()
    built_here: list[str] = []
    two_here = threading.Event()
    real = year_module.build_month_report

    def build(reader, month, **kwargs):
        if threading.get_ident() == caller:
            report = real(reader, month, **kwargs)
            built_here.append(month)
            if len(built_here) >= 2:
                two_here.set()
            return report
        assert two_here.wait(60), "the calling thread stopped after one month"
        return real(reader, month, **kwargs)

    monkeypatch.setattr(year_module, "MONTH_THREADS", 2)
    monkeypatch.setattr(year_module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(year_module, "build_month_report", build)
    reader = StoreReader(year_db)
    try:
        report = build_year_report(reader, 2025, now_ms=local_ms(2026, 1, 1))
    finally:
        reader.close()
    assert [m.month for m in report.months] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert len(built_here) >= 2
