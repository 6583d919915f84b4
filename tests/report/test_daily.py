"""energymon.report.daily: the daily table as Decimals, the one form the CSV, XLSX and PDF take; the dispatcher."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import pytest

from energymon import events
from energymon.report.csv_file import report_rows, write_report_csv
from energymon.report.daily import ADDITIVE, COLUMNS, DailyRow, daily_table
from energymon.report.month import ReportError
from energymon.report.text import LANGUAGES, labels
from energymon.report.write import write_report

from report_sample import make_report


def test_the_row_fields_are_the_csv_columns() -> None:
    names = [f.name for f in dataclasses.fields(DailyRow)]
    assert names[0] == "day" and names[-1] == "has_data"  # the row's date and whether the day has data at all
    assert tuple(["date", *names[1:-1]]) == COLUMNS
    assert set(ADDITIVE) < set(COLUMNS)


def test_the_table_holds_rounded_decimals_and_adds_up() -> None:
    report = make_report(days=5)
    table = daily_table(report)
    assert len(table.days) == 5 and table.total.day is None
    assert table.dates() == [d.day for d in report.days]
    for row in table.rows:
        for column in COLUMNS[1:]:
            value = row.value(column)
            if value is None:
                continue
            assert isinstance(value, Decimal), column
            assert value.as_tuple().exponent == (-2 if column.endswith("_pct") else -3), column
    for column in ADDITIVE:
        assert table.total.value(column) == sum(d.value(column) or Decimal(0) for d in table.days), column
    assert table.days[1].self_consumption_pct is None  # the day without PV
    with pytest.raises(KeyError):
        table.total.value("date")


def test_the_csv_prints_the_table() -> None:
    report = make_report()
    table = daily_table(report)
    rows = report_rows(report)
    assert [r["date"] for r in rows] == [d.isoformat() for d in table.dates()] + ["total"]
    for text_row, row in zip(rows, table.rows):
        for column in COLUMNS[1:]:
            value = row.value(column)
            assert text_row[column] == ("" if value is None else str(value)), column


def test_write_report_dispatches_and_refuses_unknown_formats(tmp_path: Path) -> None:
    report = make_report()
    out = tmp_path / "r.csv"
    write_report(report, out, "csv")
    expected = io.StringIO()
    write_report_csv(report, expected)
    assert out.read_text(encoding="utf-8") == expected.getvalue()
    with pytest.raises(ReportError, match="unknown report format 'odt'"):
        write_report(report, tmp_path / "r.odt", "odt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_event_kind_and_severity_has_a_label(lang: str) -> None:
    text = labels(lang)
    for kind in events.KINDS:
        assert f"kind.{kind}" in text, kind
    for severity in events.SEVERITIES:
        assert f"severity.{severity}" in text, severity
