"""The report files in Chinese have no English left in them (names, units and symbols apart).

A hand-made month (tests/report/report_sample.py) with every section filled
(costs, data-quality periods, damaged stored data, events with their params
as the collector stores them, offline periods) and the built-in factors'
recorded sources is written as PDF and XLSX in
Chinese; every page's text (pypdf) and every cell, comment, chart title and
sheet name (openpyxl) is checked (tests/language_walk.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from language_walk import EnglishFinder, pdf_texts, xlsx_texts
from test_report_files import with_costs

from drivers.link import ReadError
from drivers.quantities import QUANTITIES
from energymon.accounting import carbon
from energymon.collect.health import error_params
from energymon.event_texts import event_text
from energymon.events import DATA_FROZEN, DATA_STALE, DEVICE_OFFLINE, Event
from energymon.report.csv_file import report_rows
from energymon.report.daily import COLUMNS
from energymon.report.quality_periods import QualityPeriod
from energymon.report.text import labels
from energymon.report.write import write_report
from energymon.store.damage import DamagedSpan

from report_sample import INJECTION_NAME, make_report

MIN = 60_000


def with_params(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The sample's events as the collector stores them now: with their params (the detail their English)."""
    timeout = ReadError("timeout", "no answer from unit 1 within 1 s")
    gateway = ReadError("exception", "unit 2: Modbus exception 11 (gateway target device failed to respond)", 11)
    params: dict[str, dict[str, Any]] = {
        "collector_started": {"devices": 4},
        "device_recovered": {"failed_polls": 36, "offline_s": 10_800.0},
        "implausible_value": {"quantity": "consumed_wh", "value": -1.0e12},
    }
    offline: Iterator[dict[str, Any]] = iter(({"errors": error_params([timeout])}, {"errors": error_params([gateway])}))
    made = []
    for event in events:
        p = next(offline) if event.kind == DEVICE_OFFLINE else params[event.kind]
        made.append(dataclasses.replace(event, detail=event_text(event.kind, p, "en"), params=p))
    return tuple(made)


def full_report():
    """The sample month with every section, its events with params, the northwest grid's built-in factor and
    the coal factor."""
    base = with_costs(make_report())
    factor, coal = carbon.lookup_factor("northwest", 2023), carbon.coal_factor()
    start = base.start_ms + 9 * 3_600_000
    return dataclasses.replace(
        base,
        events=with_params(base.events),
        emission_factor_kg_per_kwh=factor.kg_per_kwh,
        emission_factor_source=factor.source,
        coal_factor_kgce_per_kwh=coal.kgce_per_kwh,
        coal_factor_source=coal.source,
        quality_periods=(
            QualityPeriod("grid-main", "power_w", DATA_FROZEN, start, start + 11 * MIN),
            QualityPeriod("inv-a1", "temperature_c", DATA_STALE, start, None),
        ),
        damaged=(DamagedSpan("inv-a1", "yield_wh", base.start_ms, base.start_ms + 86_400_000, "raw samples", "x"),),
    )


def finder(report) -> EnglishFinder:
    """English words, with the report's own names allowed: site, devices, tariff (data, not English)."""
    names = [report.site_name, report.timezone, report.costs.tariff_name, INJECTION_NAME]
    names.append("energymon")  # the program's name (the files say which program and version made them)
    for device in report.devices:
        names += [device.device_id, device.name]
    names += list(COLUMNS)  # the CSV's column names (the XLSX names them beside its headings)
    names += list(QUANTITIES)  # the canonical quantities' codes (the data-quality tables name them)
    return EnglishFinder(names)


def test_the_chinese_files_have_no_english(tmp_path):
    report = full_report()
    english = finder(report)
    found = []
    for fmt, texts_of in (("pdf", pdf_texts), ("xlsx", xlsx_texts)):
        path = tmp_path / f"report.{fmt}"
        write_report(report, path, fmt, "zh")
        texts = texts_of(path)
        assert len(texts) >= 5  # pages, or cells
        joined = "".join(t for _, t in texts).replace("\n", "")
        assert "读取失败：设备返回 Modbus 异常码 11" in joined, fmt  # the events, worded from their params
        if fmt == "xlsx":  # the PDF lists the warnings and errors only
            assert "36 次轮询失败后恢复应答" in joined and "4 台设备" in joined
        found += [f"{fmt} {line}" for line in english.report(texts)]
    assert not found, f"{len(found)} texts with English:\n" + "\n".join(found)


def test_the_chinese_files_carry_the_chinese_headings_and_sources(tmp_path):
    report = full_report()
    factor, coal = carbon.lookup_factor("northwest", 2023), carbon.coal_factor()
    zh = labels("zh")
    write_report(report, tmp_path / "r.xlsx", "xlsx", "zh")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    daily = workbook[zh["sheet_daily"]]
    assert [daily.cell(1, c).value for c in range(1, len(COLUMNS) + 1)] == [zh[f"col.{c}"] for c in COLUMNS]
    assert daily.cell(2, 2).value == pytest.approx(float(report_rows(report)[0]["pv_kwh"]))  # numbers stay numbers
    summary = [c for row in workbook[zh["sheet_summary"]].iter_rows(values_only=True) for c in row]
    assert factor.source_zh in summary and coal.source_zh in summary and factor.source not in summary
    assert [zh["col.pv_kwh"], "pv_kwh"] == summary[summary.index(zh["col.pv_kwh"]) :][:2]  # the legend: heading, CSV
    write_report(report, tmp_path / "r.pdf", "pdf", "zh")
    text = "".join(t for _, t in pdf_texts(tmp_path / "r.pdf")).replace("\n", "")
    assert "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》" in text and "MEE" not in text
    assert "中国电力企业联合会" in text and "CEC" not in text
    explicit = dataclasses.replace(report, emission_factor_source=carbon.EXPLICIT_SOURCE)
    write_report(explicit, tmp_path / "x.pdf", "pdf", "zh")
    assert "站点配置中指定的排放因子" in "".join(t for _, t in pdf_texts(tmp_path / "x.pdf")).replace("\n", "")


def test_the_check_finds_english(tmp_path):
    """The check can fail: the same files in English are full of English words, and so is a stray label."""
    report = full_report()
    english = finder(report)
    for fmt, texts_of in (("pdf", pdf_texts), ("xlsx", xlsx_texts)):
        path = tmp_path / f"report-en.{fmt}"
        write_report(report, path, fmt, "en")
        assert len(english.report(texts_of(path))) > 5, fmt
    assert english.words("光伏发电量 PV generation 12.5 kWh") == ["PV", "generation"]
    assert english.words("Grid meter 10 kV\n关口表 0.5543 kgCO₂/kWh（Asia/Shanghai） L1 相电压 230 V") == []  # a name
    assert english.words("见 docs/reports.md 与 /tmp/a.pdf，0x0B，pv_kwh，x") == []  # paths, hex, CSV column, symbol
    assert english.words("见 /tmp/a.pdf 的 stray words") == ["stray", "words"]
