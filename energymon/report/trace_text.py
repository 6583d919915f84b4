"""Texts of the monthly report files (XLSX, PDF) that say what the report covers and how it was made.

In English and 简体中文 (both have the same keys; a test checks it); merged into
:func:`energymon.report.text.labels`. A month in progress, days without data,
offline periods still open, and the report's traceability: when it was made,
by which version of energymon, from which database file, and the method in a
reader's words (no repository paths: the reader has only the file).
"""

from __future__ import annotations

from datetime import date, timedelta

from energymon.report.daily import DailyTable
from energymon.report.figures import MonthReport
from energymon.report.formats import fmt_local

TRACE_TEXT: dict[str, tuple[str, str]] = {
    # a month in progress
    "in_progress": (
        "Month in progress, up to {time} ({tz}): the report ends at the last complete 15 minutes; days not yet "
        "begun are not listed and coverage counts the elapsed time only.",
        "本月尚未结束，统计至 {time}（{tz}）：报告截至最后一个完整的 15 分钟；尚未开始的日期不列出，"
        "覆盖率仅按已过去的时间计算。",
    ),
    "reported_until": ("Reported up to", "统计截至"),
    "still_offline_at": ("still offline at {time}", "{time} 仍离线"),
    "offline_before": ("(since before the month)", "（始于本月之前）"),
    # days without data
    "day_no_data": ("no data", "无数据"),
    "days_lacking": (
        "The total lacks {n} day(s) without any data ({days}): their values are unknown and left empty, "
        "not counted as 0.",
        "合计中缺少 {n} 个无任何数据的日期（{days}）：其数值未知，留空，不按 0 计。",
    ),
    "days_without_data": ("Days without data", "无数据天数"),
    # traceability
    "about": ("About this report", "关于本报告"),
    "made_at": ("Made at", "生成时间"),
    "software": ("Software", "软件"),
    "software_value": ("energymon, version {version}", "energymon，版本 {version}"),
    "database_file": ("Database file", "数据库文件"),
    "method": ("Method", "计算方法"),
    "method_words": (
        "Every figure is computed only from the readings stored in the database file named on the first page: "
        "the same file gives the same report whenever it is made.",
        "所有数值均只根据首页所列数据库文件中保存的读数计算：同一文件无论何时生成报告，结果都相同。",
    ),
    # the data-quality table's notes (the definitions say the rest)
    "q_coverage_note": (
        "measured device-intervals / all device-intervals; see Definitions",
        "有实测数据的设备区间 / 全部设备区间；见计算口径",
    ),
    "q_estimated_note": (
        "power integrated (devices without an energy counter); see Definitions",
        "功率积分（无电能计数器的设备）；见计算口径",
    ),
    "made_line": (
        "Made {time} ({tz}) by {software} from the database file {database}",
        "由 {software} 于 {time}（{tz}）根据数据库文件 {database} 生成",
    ),
}


def still_offline(report: MonthReport, text: dict[str, str]) -> str:
    """The end of an offline period still open: the month's end, or the cut of a month in progress."""
    if report.in_progress:
        return text["still_offline_at"].format(time=fmt_local(report.reported_end_ms, report.timezone))
    return text["still_offline"]


def about_lines(report: MonthReport, text: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) of the report's making, as the PDF and the XLSX state them."""
    tz = report.timezone
    lines = [
        (text["made_at"], f"{fmt_local(report.generated_at_ms, tz, True)} ({tz})"),
        (text["software"], text["software_value"].format(version=report.software_version or "?")),
        (text["database_file"], report.database or text["not_stated"]),
    ]
    if report.in_progress:
        lines.append((text["reported_until"], f"{fmt_local(report.reported_end_ms, tz)} ({tz})"))
    return lines


def day_spans(days: list[date]) -> str:
    """Days as runs: "2026-10-01 – 2026-10-24, 2026-10-28" (consecutive days joined by an en dash)."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()} – {r[-1].isoformat()}" for r in runs)


def days_lacking_line(table: DailyTable, text: dict[str, str]) -> str | None:
    """The line under the daily table naming the days without data the total lacks; None when there are none."""
    missing = [row.day for row in table.days if not row.has_data and row.day is not None]
    if not missing:
        return None
    return text["days_lacking"].format(n=len(missing), days=day_spans(missing))
