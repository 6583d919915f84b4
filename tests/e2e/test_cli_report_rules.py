"""The command-line rules of ``energymon report`` and ``energymon export`` (issue 17, docs/reports.md "Command line
rules"): ``--year`` beside ``--month``, the format from ``--out``'s extension or ``--format`` (and their clash),
``--lang zh`` refused for the language-neutral CSV, and every date, month and year bound a one-line error.

A real database file (two days of a grid meter and a PV inverter in September 2025, Asia/Shanghai) and the real
command: in a child process for the files written and a sample of the errors, in-process (``main``) for the
many error cases, each read back from stderr. 2025 is a complete year whatever the clock says (after 2025), so
its annual report always has twelve months.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from pypdf import PdfReader

from energymon.cli.main import main
from energymon.store.writer import SampleBatch, StoreWriter

from support import PYTHON, record_hand_site

DAY0_MS = int(datetime(2025, 9, 22, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
QUARTER_MS = 900_000
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
MAGIC = {"csv": b"month,pv_kwh,", "xlsx": b"PK\x03\x04", "pdf": b"%PDF-"}


@pytest.fixture(scope="module")
def site_db(tmp_path_factory) -> Path:
    """Two days (22-23 September 2025) of a grid meter and a PV inverter, every 15 minutes."""
    path = tmp_path_factory.mktemp("rules") / "site.db"
    record_hand_site(path, [("grid", "grid", 1000.0), ("pv-1", "pv", 100.0)])
    writer = StoreWriter(path, max_delay_s=60)
    for i in range(2 * 96):
        ts = DAY0_MS + i * QUARTER_MS
        writer.put_samples(SampleBatch("grid", ts, {"power_w": 5000.0, "imported_wh": 1e6 + i * 1250.0}))
        writer.put_samples(SampleBatch("pv-1", ts, {"power_w": 2000.0, "yield_wh": 5e5 + i * 500.0}))
    writer.close()
    assert writer.error is None
    return path


def energymon(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process (no ENERGYMON_DEBUG, so an internal error would be one line too)."""
    env = {k: v for k, v in os.environ.items() if k != "ENERGYMON_DEBUG"}
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=False
    )


def in_process(args: list[str], capsys) -> tuple[int, list[str]]:
    """``energymon ARGS`` run by the CLI's own ``main``: its exit code and its stderr lines."""
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err.strip().splitlines()


def assert_one_error_line(code: int, lines: list[str], *expected: str) -> None:
    """Exit 2, exactly one line on stderr, an ``energymon: error:`` naming what is wrong, never an internal error."""
    text = "\n".join(lines)
    assert code == 2 and len(lines) == 1, text
    assert lines[0].startswith("energymon: error: "), text
    assert "internal error" not in text and "Traceback" not in text
    for part in expected:
        assert part in lines[0], (part, text)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- --year --------------------------------------------------------------------------------


def test_year_writes_csv_xlsx_and_pdf_that_read_back(site_db, tmp_path):
    done = {
        fmt: energymon(["report", "--db", str(site_db), "--year", "2025", "--out", f"y.{fmt}"], tmp_path)
        for fmt in MAGIC
    }
    for fmt, result in done.items():
        err = result.stderr.decode()
        assert result.returncode == 0, err
        assert err.strip().splitlines() == [
            f"report 2025 ({fmt}) written to y.{fmt}: PV 95.5 kWh, consumption 334.2 kWh, coverage 0.5 %"
        ]
        assert (tmp_path / f"y.{fmt}").read_bytes().startswith(MAGIC[fmt])
    with (tmp_path / "y.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["month"] for r in rows] == MONTHS_2025 + ["total"]  # the months, then the total
    by_month = {r["month"]: r for r in rows}
    assert float(by_month["2025-09"]["pv_kwh"]) == pytest.approx(95.5, abs=0.05)
    assert by_month["2025-09"]["pv_kwh"] == by_month["total"]["pv_kwh"]
    assert by_month["2025-08"]["pv_kwh"] == ""  # a month without data is empty, never 0
    monthly = openpyxl.load_workbook(tmp_path / "y.xlsx")["Monthly"]
    assert [row[0] for row in monthly.iter_rows(values_only=True)] == ["month"] + MONTHS_2025 + ["total"]
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "y.pdf")).pages)
    assert "2025" in text and "Hand park" in text


def test_year_on_stdout_is_the_files_bytes(site_db, tmp_path):
    args = ["report", "--db", str(site_db), "--year", "2025", "--format", "csv"]
    streamed = energymon([*args, "--out", "-"], tmp_path)
    assert streamed.returncode == 0, streamed.stderr
    assert energymon([*args, "--out", "y.csv"], tmp_path).returncode == 0
    assert streamed.stdout == (tmp_path / "y.csv").read_bytes()
    assert b"written to stdout" in streamed.stderr


def test_a_year_without_data_warns(site_db, tmp_path, capsys):
    code, lines = in_process(
        ["report", "--db", str(site_db), "--year", "2024", "--out", str(tmp_path / "y.csv")], capsys
    )
    assert code == 0, lines
    assert lines[0] == "energymon: warning: the database has no data for 2024; the report is empty"
    assert lines[1].startswith("report 2024 (csv) written to") and "coverage 0.0 %" in lines[1]
    assert len(list(csv.reader(io.StringIO((tmp_path / "y.csv").read_text(encoding="utf-8"))))) == 1 + 12 + 1


@pytest.mark.parametrize(
    "period, expected",
    [
        ([], "one of the arguments --month --year is required"),
        (["--month", "2025-09", "--year", "2025"], "not allowed"),
    ],
)
def test_month_or_year_exactly_one(period, expected, site_db, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", "--db", str(site_db), *period, "--out", str(tmp_path / "r.csv")])
    assert info.value.code == 2
    assert expected in capsys.readouterr().err
    assert files_in(tmp_path) == []


# -- the format ----------------------------------------------------------------------------


@pytest.mark.parametrize("period", [["--month", "2025-09"], ["--year", "2025"]])
@pytest.mark.parametrize("name, fmt", [("r.csv", "csv"), ("r.XLSX", "xlsx"), ("r.Pdf", "pdf")])
def test_the_format_follows_the_extension(name, fmt, period, site_db, tmp_path, capsys):
    code, lines = in_process(["report", "--db", str(site_db), *period, "--out", str(tmp_path / name)], capsys)
    assert code == 0, lines
    assert f"({fmt}) written to" in lines[-1]
    magic = b"date," if fmt == "csv" and period[0] == "--month" else MAGIC[fmt]
    assert (tmp_path / name).read_bytes().startswith(magic)


@pytest.mark.parametrize(
    "fmt, name, kind",
    [("pdf", "r.xlsx", "an XLSX"), ("csv", "r.PDF", "a PDF"), ("xlsx", "r.csv", "a CSV")],
)
def test_a_format_that_contradicts_the_extension_is_refused(fmt, name, kind, site_db, tmp_path, capsys):
    out = tmp_path / name
    for period in (["--month", "2025-09"], ["--year", "2025"]):
        code, lines = in_process(["report", "--db", str(site_db), *period, "--format", fmt, "--out", str(out)], capsys)
        assert_one_error_line(code, lines, f"--format {fmt} but --out {out} names {kind} file")
        assert files_in(tmp_path) == []  # nothing written, no temporary file left
    out.write_bytes(b"the old file")
    code, lines = in_process(
        ["report", "--db", str(site_db), "--year", "2025", "--format", fmt, "--out", str(out)], capsys
    )
    assert code == 2 and out.read_bytes() == b"the old file"  # an existing file is left as it was


def test_format_with_an_unknown_extension_is_allowed(site_db, tmp_path, capsys):
    out = tmp_path / "r.dat"
    code, lines = in_process(
        ["report", "--db", str(site_db), "--year", "2025", "--format", "pdf", "--out", str(out)], capsys
    )
    assert code == 0, lines
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("name", ["r.dat", "report", "-"])
def test_without_format_the_name_must_tell(name, site_db, tmp_path, capsys):
    out = name if name == "-" else str(tmp_path / name)
    code, lines = in_process(["report", "--db", str(site_db), "--year", "2025", "--out", out], capsys)
    assert_one_error_line(code, lines, f"--out {out}: say --format csv, xlsx or pdf")
    assert files_in(tmp_path) == []


# -- --lang --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", [["--out", "r.csv"], ["--format", "csv", "--out", "r.txt"]])
def test_lang_zh_is_refused_for_the_csv(how, site_db, tmp_path, capsys):
    how = [*how[:-1], str(tmp_path / how[-1])]
    for period in (["--month", "2025-09"], ["--year", "2025"]):
        code, lines = in_process(["report", "--db", str(site_db), *period, "--lang", "zh", *how], capsys)
        assert_one_error_line(code, lines, "--lang zh", "language-neutral", "--lang applies to XLSX and PDF")
    assert files_in(tmp_path) == []


def test_lang_en_changes_nothing_in_the_csv(site_db, tmp_path, capsys):
    """--lang en is the CSV's own (contract names): accepted, so scripts that pass it keep working."""
    plain, english = tmp_path / "plain.csv", tmp_path / "en.csv"
    for out, lang in ((plain, []), (english, ["--lang", "en"])):
        code, lines = in_process(
            ["report", "--db", str(site_db), "--month", "2025-09", *lang, "--out", str(out)], capsys
        )
        assert code == 0, lines
    assert plain.read_bytes() == english.read_bytes()


def test_lang_applies_to_xlsx_and_pdf(site_db, tmp_path, capsys):
    for name in ("r.xlsx", "r.pdf"):
        code, lines = in_process(
            ["report", "--db", str(site_db), "--year", "2025", "--lang", "zh", "--out", str(tmp_path / name)], capsys
        )
        assert code == 0, lines
    assert "每月" in openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames  # the Chinese "Monthly" sheet
    code, lines = in_process(
        ["report", "--db", str(site_db), "--year", "2025", "--out", str(tmp_path / "en.xlsx")], capsys
    )
    assert code == 0 and "Monthly" in openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames  # en without --lang


# -- bounds --------------------------------------------------------------------------------

REPORT_BOUNDS = [
    (["--month", "0001-01"], "--month '0001-01'"),
    (["--month", "9999-12"], "--month '9999-12'"),
    (["--month", "0000-01"], "--month '0000-01'"),
    (["--month", "1969-12"], "--month '1969-12'"),
    (["--year", "0001"], "--year '0001'"),
    (["--year", "9999"], "--year '9999'"),
    (["--year", "10000"], "--year '10000'"),
    (["--year", "abc"], "--year 'abc'"),
    (["--year", "9998"], "--year 9998: the year has not begun"),
]
EXPORT_BOUNDS = [
    (["--from", "0001-01-01", "--to", "9999-12-31"], "--from '0001-01-01'"),
    (["--from", "9999-12-31", "--to", "9999-12-31"], "--from '9999-12-31'"),
    (["--from", "2025-09-22", "--to", "9999-12-31"], "--to '9999-12-31'"),
    (["--from", "0001-01-01T00:00", "--to", "2025-09-23"], "--from '0001-01-01T00:00'"),
    (["--from", "2025-09-22", "--to", "1969-12-31T23:59"], "--to '1969-12-31T23:59'"),
    (["--from", "yesterday", "--to", "2025-09-23"], "--from 'yesterday' is not a date"),
]


def report_argv(db: Path, period: list[str], out: str) -> list[str]:
    return ["report", "--db", str(db), *period, "--out", out]


def export_argv(db: Path, span: list[str], out: str) -> list[str]:
    return ["export", "--db", str(db), *span, "--out", out]


@pytest.mark.parametrize("period, expected", REPORT_BOUNDS)
def test_every_report_bound_is_one_line(period, expected, site_db, tmp_path, capsys):
    code, lines = in_process(report_argv(site_db, period, str(tmp_path / "r.csv")), capsys)
    assert_one_error_line(code, lines, expected)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("span, expected", EXPORT_BOUNDS)
def test_every_export_bound_is_one_line(span, expected, site_db, tmp_path, capsys):
    code, lines = in_process(export_argv(site_db, span, str(tmp_path / "e.csv")), capsys)
    assert_one_error_line(code, lines, expected)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("command", ["report", "export"])
def test_an_empty_out_is_one_line(command, site_db, tmp_path, capsys):
    if command == "report":
        argv = report_argv(site_db, ["--year", "2025", "--format", "csv"], "")
    else:
        argv = export_argv(site_db, ["--from", "2025-09-22", "--to", "2025-09-23"], "")
    code, lines = in_process(argv, capsys)
    assert_one_error_line(code, lines, "--out '': give a file name")


def test_the_first_and_last_supported_days_export(site_db, tmp_path, capsys):
    for first, last in (
        ("1970-01-01", "1970-01-01"),
        ("9998-12-31", "9998-12-31"),
        ("1970-01-01T00:00+14:00", "1970-01-02"),
    ):
        code, lines = in_process(export_argv(site_db, ["--from", first, "--to", last], str(tmp_path / "e.csv")), capsys)
        assert code == 0, lines
        assert lines == ["exported 0 rows (raw) of 4 channels to " + str(tmp_path / "e.csv")]
        assert (tmp_path / "e.csv").read_text(encoding="utf-8") == "timestamp,device_id,quantity,value\n"


@pytest.mark.process
@pytest.mark.parametrize(
    "argv, expected",
    [
        (["report", "--month", "9999-12", "--out", "r.csv"], "--month '9999-12'"),
        (["report", "--year", "10000", "--out", "r.csv"], "--year '10000'"),
        (["report", "--year", "2025", "--format", "pdf", "--out", "r.xlsx"], "names an XLSX file"),
        (["report", "--year", "2025", "--lang", "zh", "--out", "r.csv"], "language-neutral"),
        (["export", "--from", "0001-01-01T00:00", "--to", "2025-09-23", "--out", "e.csv"], "--from '0001-01-01T00:00'"),
        (["export", "--from", "2025-09-22", "--to", "2025-09-23", "--out", ""], "--out ''"),
    ],
)
def test_bounds_in_a_real_process(argv, expected, site_db, tmp_path):
    done = energymon([argv[0], "--db", str(site_db), *argv[1:]], tmp_path)
    assert_one_error_line(done.returncode, done.stderr.decode().strip().splitlines(), expected)
    assert done.stdout == b""
    assert files_in(tmp_path) == []
