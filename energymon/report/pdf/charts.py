"""The drawings of the PDF report (reportlab.graphics, vector): daily bar charts and the energy-flow diagram.

Sizes in points; energies in kWh.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors

from energymon.report.formats import fmt_energy_kwh, fmt_num
from energymon.report.pdf.fonts import Fonts
from energymon.report.pdf.styles import (
    EXPORT_COLOR,
    IMPORT_COLOR,
    INK,
    LOAD_COLOR,
    MUTED,
    PV_COLOR,
    RULE,
    STORAGE_COLOR,
    UNMETERED_COLOR,
)


def bar_chart(
    fonts: Fonts,
    text: dict[str, str],
    days: list[str],
    series: list[tuple[str, list[float], Any]],
    title: str,
    width: float,
    height: float,
    axis_label: str | None = None,
) -> Drawing:
    """Clustered bars, one group per category (``days``: a month's days, or a year's months); MWh on the axis
    when a bar exceeds 10,000 kWh. ``axis_label`` names the categories (default: the day of the month)."""
    peak = max((max(values, default=0.0) for _, values, _ in series), default=0.0)
    scale, unit = (1000.0, text["axis_mwh"]) if peak >= 10_000 else (1.0, text["axis_kwh"])
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=fonts.bold, fontSize=10, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 38, 30
    chart.width, chart.height = width - 48, height - 58
    chart.data = [[v / scale for v in values] for _, values, _ in series]
    for i, (_, _, color) in enumerate(series):
        chart.bars[i].fillColor = color
        chart.bars[i].strokeColor = None
    chart.groupSpacing = 2 if len(days) > 10 else 8
    chart.barSpacing = 0.5
    chart.categoryAxis.categoryNames = days
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 6.5 if len(days) > 20 else 8
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = MUTED
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.rangeRound = "ceiling"  # headroom up to the next tick above the tallest bar
    chart.valueAxis.strokeColor = MUTED
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.labelTextFormat = lambda v: fmt_num(v, 0 if peak / scale >= 20 else 1)
    if peak <= 0:
        chart.valueAxis.valueMax = 1
    drawing.add(chart)
    drawing.add(
        String(
            2,
            chart.y + chart.height + 6,
            unit,
            fontName=fonts.regular,
            fontSize=7.5,
            fillColor=MUTED,
        )
    )
    drawing.add(
        String(
            chart.x + chart.width / 2,
            6,
            text["axis_day"] if axis_label is None else axis_label,
            fontName=fonts.regular,
            fontSize=7.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    legend = Legend()
    legend.alignment = "right"
    legend.x, legend.y = width - 10 - 110 * len(series), height - 6
    legend.columnMaximum = 1
    legend.fontName = fonts.regular
    legend.fontSize = 8
    legend.dx = legend.dy = 7
    legend.deltax = 110
    legend.colorNamePairs = [(color, name) for name, _, color in series]
    drawing.add(legend)
    return drawing


def _arrow(
    drawing: Drawing,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    color: Any,
    width: float,
) -> None:
    """A horizontal arrow from (x1, y1) to (x2, y2) (y1 == y2), head at the end."""
    direction = 1 if x2 >= x1 else -1
    head = 4 + width
    drawing.add(Line(x1, y1, x2 - direction * head, y2, strokeColor=color, strokeWidth=width))
    half = max(3.0, width * 0.9 + 1.5)
    drawing.add(
        Polygon(
            [
                x2,
                y2,
                x2 - direction * head,
                y2 + half,
                x2 - direction * head,
                y2 - half,
            ],
            fillColor=color,
            strokeColor=None,
        )
    )


def _box(
    drawing: Drawing,
    x: float,
    y: float,
    w: float,
    h: float,
    title: str,
    value: str,
    color: Any,
    fonts: Fonts,
) -> None:
    drawing.add(
        Rect(
            x,
            y,
            w,
            h,
            rx=4,
            ry=4,
            fillColor=colors.white,
            strokeColor=color,
            strokeWidth=1.4,
        )
    )
    title_y = y + h - 14 if value else y + h / 2 - 3
    drawing.add(
        String(
            x + w / 2,
            title_y,
            title,
            fontName=fonts.bold,
            fontSize=9,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    if value:
        drawing.add(
            String(
                x + w / 2,
                y + 7,
                value,
                fontName=fonts.regular,
                fontSize=8.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )


def flow_diagram(fonts: Fonts, text: dict[str, str], kwh: dict[str, float], width: float) -> Drawing:
    """Sources on the left, the site in the middle, the loads on the right; arrow width ~ energy."""
    height = 150
    drawing = Drawing(width, height)
    biggest = max([abs(v) for v in kwh.values()] + [1e-9])

    def stroke(value: float) -> float:
        return 1.0 + 7.0 * max(0.0, value) / biggest

    box_w, box_h = 118, 38
    left_x, right_x = 0, width - box_w
    bus_x, bus_w = width / 2 - 9, 18
    drawing.add(Rect(bus_x, 4, bus_w, height - 8, rx=3, ry=3, fillColor=INK, strokeColor=None))
    label = text["flow_site_bus"]
    if text["lang"] == "zh":  # Chinese reads top to bottom
        for i, ch in enumerate(label):
            drawing.add(
                String(
                    bus_x + bus_w / 2,
                    height / 2 + 2 + 5.5 * (len(label) - 1) - 11 * i,
                    ch,
                    fontName=fonts.bold,
                    fontSize=8.5,
                    fillColor=colors.white,
                    textAnchor="middle",
                )
            )
    else:  # Latin text turned by 90 degrees
        turned = Group(
            String(
                0,
                0,
                label,
                fontName=fonts.bold,
                fontSize=8.5,
                fillColor=colors.white,
                textAnchor="middle",
            )
        )
        turned.transform = (0, 1, -1, 0, bus_x + bus_w / 2 + 3, height / 2)
        drawing.add(turned)
    rows = {"pv": height - 8 - box_h, "grid": (height - box_h) / 2, "storage": 8}

    def flow_label(x1: float, x2: float, y: float, words: str) -> None:
        drawing.add(
            String(
                (x1 + x2) / 2,
                y + 6,
                words,
                fontName=fonts.regular,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )

    # sources
    _box(
        drawing,
        left_x,
        rows["pv"],
        box_w,
        box_h,
        text["flow_pv"],
        fmt_energy_kwh(kwh["pv"]),
        PV_COLOR,
        fonts,
    )
    _box(
        drawing,
        left_x,
        rows["grid"],
        box_w,
        box_h,
        text["flow_grid"],
        "",
        IMPORT_COLOR,
        fonts,
    )
    _box(
        drawing,
        left_x,
        rows["storage"],
        box_w,
        box_h,
        text["flow_storage"],
        "",
        STORAGE_COLOR,
        fonts,
    )
    x1, x2 = left_x + box_w, bus_x
    y = rows["pv"] + box_h / 2
    _arrow(drawing, x1, y, x2, y, PV_COLOR, stroke(kwh["pv"]))
    for row, (into, out, c_in, c_out, k_in, k_out) in {
        "grid": (
            "grid_import",
            "grid_export",
            IMPORT_COLOR,
            EXPORT_COLOR,
            "import",
            "export",
        ),
        "storage": (
            "storage_discharge",
            "storage_charge",
            STORAGE_COLOR,
            STORAGE_COLOR,
            "discharge",
            "charge",
        ),
    }.items():
        y_in, y_out = rows[row] + box_h * 0.72, rows[row] + box_h * 0.22
        _arrow(drawing, x1, y_in, x2, y_in, c_in, stroke(kwh[k_in]))
        flow_label(
            x1,
            x2,
            y_in + stroke(kwh[k_in]) / 2 - 1,
            text[into] + text["colon"] + fmt_energy_kwh(kwh[k_in]),
        )
        _arrow(drawing, x2, y_out, x1, y_out, c_out, stroke(kwh[k_out]))
        flow_label(
            x1,
            x2,
            y_out + stroke(kwh[k_out]) / 2 - 1,
            text[out] + text["colon"] + fmt_energy_kwh(kwh[k_out]),
        )
    # loads
    bus_right = bus_x + bus_w
    consumption = text["consumption"] + text["colon"] + fmt_energy_kwh(kwh["consumption"])
    drawing.add(
        String(
            right_x + box_w / 2,
            height - 9,
            consumption,
            fontName=fonts.bold,
            fontSize=8.5,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    top_y, bottom_y = height - 24 - box_h - 8, 20
    _box(
        drawing,
        right_x,
        top_y,
        box_w,
        box_h,
        text["metered_load"],
        fmt_energy_kwh(kwh["metered"]),
        LOAD_COLOR,
        fonts,
    )
    _box(
        drawing,
        right_x,
        bottom_y,
        box_w,
        box_h,
        text["unmetered"],
        fmt_energy_kwh(kwh["unmetered"]),
        UNMETERED_COLOR,
        fonts,
    )
    for y, value, color in (
        (top_y + box_h / 2, kwh["metered"], LOAD_COLOR),
        (bottom_y + box_h / 2, kwh["unmetered"], UNMETERED_COLOR),
    ):
        _arrow(drawing, bus_right, y, right_x, y, color, stroke(value))
    return drawing
