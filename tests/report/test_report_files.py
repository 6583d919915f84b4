"""energymon.report: the monthly report as XLSX and PDF, from a hand-made MonthReport.

The report is built by hand (no database, tests/report/report_sample.py): three
days, one of them without PV (self-consumption undefined), estimated and
gap-spread intervals, events (one with a formula-like detail) and an offline
period.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from energymon.report import pdf as report_pdf
from energymon.report.csv_file import COLUMNS, report_rows
from energymon.report.formats import fmt_energy_kwh, fmt_mass_kg, fmt_num, fmt_pct
from energymon.report.month import MonthReport
from energymon.report.pdf import write_report_pdf
from energymon.report.text import _TEXT, LANGUAGES, labels
from energymon.report.xlsx_file import write_report_xlsx

from report_sample import INJECTION_DETAIL, INJECTION_NAME, make_report


@pytest.fixture(scope="module")
def report() -> MonthReport:
    return make_report()


def test_fixture_has_the_cases(report: MonthReport) -> None:
    assert report.days[1].self_consumption_pct is None
    assert report.total.estimated_intervals > 0 and report.total.spread_intervals > 0
    assert [p.end_ms is None for p in report.offline_periods] == [False, True]


# ---- labels -----------------------------------------------------------------------------------


def test_every_label_is_translated() -> None:
    en, zh = labels("en"), labels("zh")
    assert en.keys() == zh.keys()
    for key in en:
        if key not in ("lang", "axis_kwh", "axis_mwh", "none") and not key.startswith("severity"):
            assert en[key] != zh[key] or not any(c.isalpha() for c in en[key]), key
    assert all(pair[1] for pair in _TEXT.values())
    for column in COLUMNS:
        assert f"col.{column}" in en and f"colshort.{column}" in zh
    with pytest.raises(ValueError, match="language 'fr'"):
        labels("fr")
    assert LANGUAGES == ("en", "zh")


def test_no_label_key_is_written_twice() -> None:
    """A repeated key in the label table silently replaces the first label (it once turned the summary's
    "Report period" into the tariff table's "Period")."""
    import ast
    import inspect

    import energymon.report.text as report_text

    tree = ast.parse(inspect.getsource(report_text))
    tables = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict)
    ]
    assert tables
    for table in tables:
        # constants, and names such as events.DEVICE_OFFLINE by their source text
        keys = [k.value if isinstance(k, ast.Constant) else ast.unparse(k) for k in table.keys if k is not None]
        assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1}, key=repr)


def test_number_formats() -> None:
    assert fmt_num(1234567.891, 1) == "1,234,567.9"
    assert fmt_num(-0.04, 1) == "0.0"
    assert fmt_energy_kwh(9_999.94) == "9,999.9 kWh"
    assert fmt_energy_kwh(1_234_567.0) == "1,234.57 MWh"
    assert fmt_mass_kg(12_345.0, "kgce", "tce") == "12.35 tce"
    assert fmt_pct(None) == "-" and fmt_pct(97.25) == "97.2 %"


# ---- XLSX -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=LANGUAGES)
def xlsx(request, report: MonthReport, tmp_path_factory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("xlsx") / f"report-{request.param}.xlsx"
    write_report_xlsx(report, path, lang=request.param)
    return request.param, path


def test_xlsx_daily_sheet_equals_the_csv_cell_by_cell(xlsx: tuple[str, Path], report: MonthReport) -> None:
    lang, path = xlsx
    text = labels(lang)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        text["sheet_summary"],
        text["sheet_daily"],
        text["sheet_devices"],
        text["sheet_events"],
        text["quality"],
        text["sheet_charts"],
    ]
    ws = wb[text["sheet_daily"]]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    assert grid[0] == [text[f"col.{column}"] for column in COLUMNS]  # in the report's language, with units
    assert [ws.cell(1, c).comment.text for c in range(1, len(COLUMNS) + 1)] == [f"CSV: {c}" for c in COLUMNS]
    csv_rows = report_rows(report)
    assert len(grid) == 1 + len(csv_rows)
    for sheet_row, csv_row, r in zip(grid[1:], csv_rows, range(2, len(grid) + 1)):
        for value, column, c in zip(sheet_row, COLUMNS, range(1, len(COLUMNS) + 1)):
            expected = csv_row[column]
            cell = ws.cell(row=r, column=c)
            if column == "date":
                if expected == "total":
                    assert value == text["total_row"]
                else:
                    assert isinstance(value, datetime) and value.date().isoformat() == expected
                    assert cell.number_format == "yyyy-mm-dd"
            elif expected == "":
                assert value is None, (r, column)
            else:
                assert isinstance(value, float | int), (r, column, value)
                assert value == float(expected), (r, column)
                exponent = Decimal(expected).as_tuple().exponent
                assert isinstance(exponent, int), (r, column, expected)
                decimals = -exponent
                assert f"{value:.{decimals}f}" == expected
                assert cell.number_format in ("#,##0.000", "0.00")
    # the undefined self-consumption of the day without PV is an empty cell
    assert grid[2][COLUMNS.index("self_consumption_pct")] is None


def test_xlsx_summary_devices_events(xlsx: tuple[str, Path], report: MonthReport) -> None:
    lang, path = xlsx
    text = labels(lang)
    wb = openpyxl.load_workbook(path)
    summary = {r[0]: r[1:] for r in wb[text["sheet_summary"]].iter_rows(values_only=True) if r[0]}
    total = report_rows(report)[-1]
    assert summary[text["pv"]][0] == float(total["pv_kwh"])
    assert summary[text["site"]][0] == report.site_name
    assert summary[{"en": "Report period", "zh": "报告期"}[lang]][0].startswith("2026-10-01")
    assert summary[text["peak_demand"]][0] == pytest.approx(2345.678)
    assert summary[text["peak_demand_at"]][0] == datetime(2026, 10, 3, 10, 15)
    assert summary[text["emission_factor"]][0] == 0.5543
    assert summary[text["emission_factor"]][2] == report.emission_factor_source
    assert summary[text["coal_factor"]][2] == report.coal_factor_source
    assert text["f_consumption"] in summary
    devices = list(wb[text["sheet_devices"]].iter_rows(values_only=True))
    assert len(devices) == 1 + len(report.devices)
    assert [d[0] for d in devices[1:]] == [d.device_id for d in report.devices]
    assert devices[2][12] == 96  # estimated intervals of the load meter
    events = list(wb[text["sheet_events"]].iter_rows(values_only=True))
    assert events[1][0] == datetime(2026, 10, 1, 0, 0) and events[2][2] == text["kind.device_offline"]
    assert events[2][6] == "inv-a1" and events[3][6] == "bess-1"  # offline periods beside the events
    assert events[3][8] == text["still_offline"]
    assert events[2][9] == pytest.approx(3.0)


def test_xlsx_charts_exist(xlsx: tuple[str, Path], report: MonthReport) -> None:
    lang, path = xlsx
    text = labels(lang)
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2
    charts = openpyxl.load_workbook(path)[text["sheet_charts"]]._charts  # openpyxl reads charts back
    assert [c.tagname for c in charts] == ["barChart", "barChart"]
    n = len(report.days) + 1
    refs = [[s.val.numRef.f for s in c.series] for c in charts]
    sheet = f"'{text['sheet_daily']}'"
    assert refs == [[f"{sheet}!$B$2:$B${n}", f"{sheet}!$C$2:$C${n}"], [f"{sheet}!$E$2:$E${n}", f"{sheet}!$F$2:$F${n}"]]
    assert charts[0].series[0].tx.v == text["pv"]


def test_xlsx_text_never_becomes_a_formula(xlsx: tuple[str, Path]) -> None:
    lang, path = xlsx
    text = labels(lang)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode(), name
    wb = openpyxl.load_workbook(path)
    name = wb[text["sheet_devices"]].cell(row=3, column=2)
    assert name.value == INJECTION_NAME and name.data_type == "s" and name.quotePrefix
    detail = wb[text["sheet_events"]].cell(row=5, column=5)
    assert detail.value == INJECTION_DETAIL and detail.data_type == "s" and detail.quotePrefix


def test_xlsx_injection_of_every_leading_character(tmp_path: Path) -> None:
    from dataclasses import replace

    base = make_report()
    for lead in ("=", "+", "-", "@", "\t", "\r"):
        evil = lead + "1+1"
        r = replace(base, site_name=evil, devices=(replace(base.devices[0], name=evil),))
        path = tmp_path / "evil.xlsx"
        write_report_xlsx(r, path)
        wb = openpyxl.load_workbook(path)
        cell = wb["Devices"].cell(row=2, column=2)
        stored = evil.replace("\r", "\n")  # XML normalises a CR in text to LF on reading
        assert (cell.value, cell.data_type, bool(cell.quotePrefix)) == (stored, "s", True), repr(lead)
        with zipfile.ZipFile(path) as z:
            assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


# ---- PDF --------------------------------------------------------------------------------------


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture(scope="module", params=["en", "zh"])
def pdf(request, report: MonthReport, tmp_path_factory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("pdf") / f"report-{request.param}.pdf"
    write_report_pdf(report, path, lang=request.param)
    return request.param, path


@pytest.mark.process
def test_pdf_file_text_and_pages(pdf: tuple[str, Path], report: MonthReport) -> None:
    lang, path = pdf
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = PdfReader(str(path)).pages
    assert len(pages) == 4  # summary + charts, flows + devices, data quality + methodology, daily table
    assert pages[3].mediabox.width > pages[3].mediabox.height  # the daily table is landscape
    content = _pdf_text(path)
    squashed = "".join(content.split())
    assert "Xi'anlogisticspark" in squashed
    assert "2026-10" in content
    title = labels(lang)["title"]
    assert "".join(title.split()) in squashed
    if lang == "zh":
        assert "月度能源报告" in squashed and "西安物流园" in squashed and "自发自用率" in squashed
    assert report.emission_factor_source.split(":")[0].replace(" ", "") in squashed
    assert "2,345.7kW" in squashed  # peak demand
    assert "HYPERLINK" in squashed  # device names are printed as text


def test_pdf_is_deterministic(report: MonthReport, tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        a, b = tmp_path / f"a-{lang}.pdf", tmp_path / f"b-{lang}.pdf"
        write_report_pdf(report, a, lang=lang)
        write_report_pdf(report, b, lang=lang)
        assert a.read_bytes() == b.read_bytes(), lang
        assert b"CreationDate" not in a.read_bytes() or b"D:2000" in a.read_bytes()


def test_pdf_fonts_helvetica_for_latin_english_the_bundled_font_otherwise(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(report_pdf, "cjk_font_candidates", lambda: [])  # a machine without any CJK font
    latin = make_report(site="Xi'an logistics park")
    latin = latin.__class__(
        **{
            **latin.__dict__,
            "devices": tuple(
                d.__class__(**{**d.__dict__, "name": d.name.split(" / ")[0].split(" 关")[0].split(" 储")[0]})
                for d in latin.devices
            ),
        }
    )
    english = write_report_pdf(latin, tmp_path / "en.pdf", lang="en")
    assert (english.regular, english.cjk) == ("Helvetica", False)
    chinese = write_report_pdf(latin, tmp_path / "zh.pdf", lang="zh")
    assert chinese.path == report_pdf.BUNDLED_REGULAR and not chinese.missing
    mixed = write_report_pdf(make_report(), tmp_path / "en2.pdf", lang="en")  # Chinese device names
    assert mixed.cjk and mixed.bold.startswith("EnergymonSC-Bold-")


def test_font_search_honours_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(report_pdf.FONT_ENV, str(tmp_path / "missing.ttf"))
    candidates = report_pdf.cjk_font_candidates()
    assert candidates[0] == (tmp_path / "missing.ttf", 0)
    assert any("wqy-zenhei" in str(p) for p, _ in candidates)
    monkeypatch.setenv(report_pdf.FONT_ENV, "C:/Windows/Fonts/msyh.ttc#1")
    assert report_pdf.cjk_font_candidates()[0] == (Path("C:/Windows/Fonts/msyh.ttc"), 1)


def with_costs(report: MonthReport) -> MonthReport:
    import dataclasses

    from energymon.accounting.tariffs import Savings
    from energymon.report.month import Costs

    saved = Savings(
        baseline_cost=5000.0,
        import_cost=3000.0,
        export_revenue=100.0,
        total_saved=2100.0,
        pv_saved=1900.0,
        storage_saved=200.0,
        demand_saved=150.0,
        buckets=288,
        buckets_skipped=0,
    )
    costs = Costs("Test tariff", "CNY", {"peak": (1000.0, 900.0), "valley": (7000.0, 2100.0)}, saved, 120.0, 3600.0)
    return dataclasses.replace(report, costs=costs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_costs_appear_in_the_pdf_and_the_xlsx(report: MonthReport, tmp_path: Path, lang: str) -> None:
    costed = with_costs(report)
    write_report_pdf(costed, tmp_path / "c.pdf", lang)
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "c.pdf")).pages)
    assert ("Test tariff" in text) and ("3,600.00" in text) and ("2,100.00" in text)
    assert ("分时电价电费" in text) if lang == "zh" else ("Costs on the time-of-use tariff" in text)
    write_report_xlsx(costed, tmp_path / "c.xlsx", lang)
    sheet = load_workbook(tmp_path / "c.xlsx")[labels(lang)["sheet_costs"]]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, (int, float))]
    assert 3600.0 in values and 900.0 in values and 7000.0 in values  # numbers, not text
    assert {"en": "Tariff period", "zh": "时段"}[lang] in [c for row in sheet.iter_rows(values_only=True) for c in row]
    write_report_pdf(report, tmp_path / "none.pdf", lang)  # without a tariff: no cost section
    plain = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "none.pdf")).pages)
    assert "Test tariff" not in plain


@pytest.mark.process
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pdf_pages_render(pdf: tuple[str, Path], tmp_path: Path) -> None:
    lang, path = pdf
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / f"page-{lang}")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob(f"page-{lang}*.png"))
    assert len(pngs) == 4
    assert all(p.stat().st_size > 2_000 for p in pngs)


def test_month_of_31_days_fits_the_layout(tmp_path: Path) -> None:
    big = make_report(days=31, scale=3.0)
    for lang in ("en", "zh"):
        path = tmp_path / f"m-{lang}.pdf"
        write_report_pdf(big, path, lang=lang)
        assert len(PdfReader(str(path)).pages) == 4
        write_report_xlsx(big, tmp_path / f"m-{lang}.xlsx", lang=lang)
