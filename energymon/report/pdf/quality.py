"""The data-quality section of the PDF report: coverage, estimated intervals, offline periods, values frozen,
stale or out of range, stored data that could not be read, and events.

Long lists are cut (the XLSX's Events and Data quality sheets have them all):
at most ``MAX_OFFLINE_ROWS`` offline periods and data-quality periods, and
``MAX_NOTABLE_EVENTS`` warnings and errors, each detail at most
``MAX_DETAIL_CHARS`` characters. Damaged stored data is always listed whole.
"""

from __future__ import annotations

from collections import Counter

from reportlab.platypus import Flowable, PageBreak, Spacer

from energymon.event_texts import event_text
from energymon.events import CRITICAL, ERROR, INFO, WARNING
from energymon.report.daily import DailyTable
from energymon.report.figures import MonthReport
from energymon.report.formats import fmt_local, fmt_num, fmt_pct
from energymon.report.pdf.styles import Styles, para, ruled_table
from energymon.report.text import kind_label, severity_label, stored_label
from energymon.report.trace_text import still_offline

MAX_OFFLINE_ROWS = 25
MAX_NOTABLE_EVENTS = 15
MAX_DETAIL_CHARS = 140


def quality_section(
    report: MonthReport,
    daily: DailyTable,
    text: dict[str, str],
    st: Styles,
    width: float,
) -> list[Flowable]:
    """Data quality: coverage and estimated intervals, the offline periods, the events by kind, the warnings."""
    total = daily.total
    tz = report.timezone
    intervals = len(report.devices) * sum(96 for _ in report.days)
    story: list[Flowable] = [PageBreak(), para(text["quality"], st.h1)]
    facts = [
        [
            para(text["coverage"], st.cell_head),
            para(fmt_pct(float(total.coverage_pct), 2), st.cell_right),
            para(text["q_coverage_note"], st.cell),
        ],
        [
            para(text["estimated_intervals"], st.cell_head),
            para(fmt_num(report.total.estimated_intervals), st.cell_right),
            para(text["q_estimated_note"], st.cell),
        ],
        [
            para(text["spread_intervals"], st.cell_head),
            para(fmt_num(report.total.spread_intervals), st.cell_right),
            para("", st.cell),
        ],
        [
            para(text["quality_periods_count"], st.cell_head),
            para(fmt_num(len(report.quality_periods)), st.cell_right),
            para(text["quality_periods_note"], st.cell),
        ],
    ]
    if report.damaged:  # rare: the row only when there is something to say
        facts.append(
            [
                para(text["damaged_count"], st.cell_head),
                para(fmt_num(len(report.damaged)), st.cell_right),
                para(text["damaged_note"], st.cell),
            ]
        )
    story += [
        para(
            text["quality_intro"].format(n=len(report.devices), intervals=fmt_num(intervals)),
            st.body,
        ),
        ruled_table(
            [
                [
                    para(text["item"], st.cell_head),
                    para(text["value"], st.cell_head_right),
                    para(text["note"], st.cell_head),
                ]
            ]
            + facts,
            [0.24 * width, 0.14 * width, 0.62 * width],
            right={1},
        ),
    ]
    # offline periods
    story.append(para(text["offline"], st.h2))
    if not report.offline_periods:
        story.append(para(text["offline_none"], st.body))
    else:
        off = [
            [
                para(h, st.cell_head_right if i == 3 else st.cell_head)
                for i, h in enumerate(
                    [
                        text["device"],
                        f"{text['from']} ({tz})",
                        f"{text['to']} ({tz})",
                        text["duration_h"],
                    ]
                )
            ]
        ]
        for period in report.offline_periods[:MAX_OFFLINE_ROWS]:
            since = fmt_local(period.start_ms, tz, True)
            if period.start_ms < report.start_ms:
                since += "\n" + text["offline_before"]
            off.append(
                [
                    para(period.device_id, st.cell),
                    para(since, st.cell),
                    para(
                        fmt_local(period.end_ms, tz, True)
                        if period.end_ms is not None
                        else still_offline(report, text),
                        st.cell,
                    ),
                    para(fmt_num(report.offline_hours(period), 2), st.cell_right),
                ]
            )
        story.append(ruled_table(off, [0.22 * width, 0.28 * width, 0.32 * width, 0.18 * width], right={3}))
        if len(report.offline_periods) > MAX_OFFLINE_ROWS:
            story.append(
                para(
                    text["events_more"].format(n=len(report.offline_periods) - MAX_OFFLINE_ROWS),
                    st.small,
                )
            )
    story += _quality_periods(report, text, st, width)
    story += _damaged(report, text, st, width)
    # events
    story.append(para(text["events"], st.h2))
    if not report.events:
        story.append(para(text["events_none"], st.body))
    else:
        counts = Counter((e.kind, e.severity) for e in report.events)
        order = {CRITICAL: -1, ERROR: 0, WARNING: 1, INFO: 2}
        summary = [
            [
                para(text["kind"], st.cell_head),
                para(text["severity"], st.cell_head),
                para(text["count"], st.cell_head_right),
            ]
        ]
        for (kind, severity), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][1], 3), -kv[1], kv[0][0])):
            summary.append(
                [
                    para(kind_label(text, kind), st.cell),
                    para(severity_label(text, severity), st.cell),
                    para(fmt_num(n), st.cell_right),
                ]
            )
        story += [
            para(text["events_summary"], st.body),
            ruled_table(summary, [0.45 * width, 0.25 * width, 0.30 * width], right={2}),
        ]
        notable = [e for e in report.events if e.severity in (WARNING, ERROR, CRITICAL)]
        if notable:
            listed = [
                [
                    para(h, st.cell_head)
                    for h in (
                        text["time_local"],
                        text["device"],
                        text["kind"],
                        text["detail"],
                    )
                ]
            ]
            for e in notable[:MAX_NOTABLE_EVENTS]:
                words = event_text(e.kind, e.params, text["lang"], e.detail)
                detail = words if len(words) <= MAX_DETAIL_CHARS else words[: MAX_DETAIL_CHARS - 1] + "…"
                listed.append(
                    [
                        para(fmt_local(e.ts_ms, tz), st.cell),
                        para(e.device_id or text["site_wide"], st.cell),
                        para(kind_label(text, e.kind), st.cell),
                        para(detail, st.cell),
                    ]
                )
            story += [
                Spacer(1, 4),
                para(text["events_notable"], st.body),
                ruled_table(listed, [0.17 * width, 0.15 * width, 0.18 * width, 0.50 * width]),
            ]
            if len(notable) > MAX_NOTABLE_EVENTS:
                story.append(
                    para(
                        text["events_more"].format(n=len(notable) - MAX_NOTABLE_EVENTS),
                        st.small,
                    )
                )
    return story


def _quality_periods(report: MonthReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """The periods a value of a device was frozen, stale or out of range (energymon.report.quality_periods)."""
    tz = report.timezone
    story: list[Flowable] = [para(text["quality_periods"], st.h2)]
    if not report.quality_periods:
        return story + [para(text["quality_periods_none"], st.body)]
    heads = [text["device"], text["quantity"], text["kind"], f"{text['from']} ({tz})", text["to"], text["duration_h"]]
    rows = [[para(h, st.cell_head_right if i == 5 else st.cell_head) for i, h in enumerate(heads)]]
    for period in report.quality_periods[:MAX_OFFLINE_ROWS]:
        end = fmt_local(period.end_ms, tz, True) if period.end_ms is not None else text["still_open"]
        rows.append(
            [
                para(period.device_id, st.cell),
                para(period.quantity, st.cell),
                para(kind_label(text, period.kind), st.cell),
                para(fmt_local(period.start_ms, tz, True), st.cell),
                para(end, st.cell),
                para(fmt_num(period.hours(report.end_ms), 2), st.cell_right),
            ]
        )
    columns = [0.14, 0.18, 0.17, 0.2, 0.2, 0.11]
    story.append(ruled_table(rows, [c * width for c in columns], right={5}))
    if len(report.quality_periods) > MAX_OFFLINE_ROWS:
        more = len(report.quality_periods) - MAX_OFFLINE_ROWS
        story.append(para(text["events_more"].format(n=more), st.small))
    return story


def _damaged(report: MonthReport, text: dict[str, str], st: Styles, width: float) -> list[Flowable]:
    """Stored data that could not be read (energymon.store.damage), left out of the figures; nothing if none."""
    if not report.damaged:
        return []
    tz = report.timezone
    heads = [text["device"], text["quantity"], text["what"], f"{text['from']} ({tz})", f"{text['to']} ({tz})"]
    rows = [[para(h, st.cell_head) for h in heads]]
    for span in report.damaged:
        rows.append(
            [
                para(span.device_id, st.cell),
                para(span.quantity, st.cell),
                para(stored_label(text, span.what), st.cell),
                para(fmt_local(span.from_ms, tz, True), st.cell),
                para(fmt_local(span.to_ms, tz, True), st.cell),
            ]
        )
    return [
        para(text["damaged"], st.h2),
        para(text["damaged_intro"], st.body),
        ruled_table(rows, [c * width for c in (0.16, 0.2, 0.2, 0.22, 0.22)]),
    ]
