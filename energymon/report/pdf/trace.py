"""What the PDF says about its own coverage and making: a month in progress, days without data, how it was made.

- :func:`in_progress_note`: the banner under the title of a month reported
  before it ended ("Month in progress, up to <time>").
- :func:`days_lacking_note`: under the daily table, the days without any data
  that the total lacks (their rows are empty, their coverage says "no data").
- :func:`made_line`: page 1's line of when the report was made, by which
  energymon version, from which database file; :func:`method_note`: the
  method in a reader's words, at the head of the methodology.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle

from energymon.report.daily import DailyTable
from energymon.report.figures import MonthReport
from energymon.report.formats import fmt_local
from energymon.report.pdf.styles import Styles, para
from energymon.report.trace_text import days_lacking_line

BANNER_FILL = colors.HexColor("#FFF4D6")  # a pale amber: a notice, not an alarm
BANNER_EDGE = colors.HexColor("#E0A800")


def in_progress_note(report: MonthReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """The "month in progress, up to <time>" banner; nothing for a month that had ended."""
    if not report.in_progress:
        return []
    line = text["in_progress"].format(time=fmt_local(report.reported_end_ms, report.timezone), tz=report.timezone)
    banner = Table([[para(line, st.body)]], colWidths=[width])
    banner.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BANNER_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, BANNER_EDGE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return [banner]


def days_lacking_note(daily: DailyTable, text: dict[str, str], st: Styles) -> list[Flowable]:
    """The days without data the total lacks, by date; nothing when every day has data."""
    line = days_lacking_line(daily, text)
    return [] if line is None else [para(line, st.body)]


def made_line(report: MonthReport, text: dict[str, str], st: Styles) -> list[Flowable]:
    """Page 1's small line of how the report was made: when, by which energymon version, from which file."""
    tz = report.timezone
    line = text["made_line"].format(
        time=fmt_local(report.generated_at_ms, tz, True),
        tz=tz,
        software=text["software_value"].format(version=report.software_version or "?"),
        database=report.database or text["not_stated"],
    )
    return [para(line, st.small)]


def method_note(text: dict[str, str], st: Styles) -> list[Flowable]:
    """The method in a reader's words, at the head of the methodology section."""
    return [para(text["method_words"], st.body)]
