"""User-visible text of the annual report files (XLSX, PDF) in English and 简体中文.

:func:`year_labels` is the monthly report's labels (energymon.report.text) with the annual report's own on
top: both languages have the same keys (a test checks it). Adds ``col.<column>`` and ``colshort.<column>``
for the columns of the monthly table that a daily table does not have, ``mon.<1..12>`` (a month's short
name), ``cost.<column>`` and ``qual.<column>`` (the cost and data-quality tables' columns).
"""

from __future__ import annotations

from energymon.report.text import LANGUAGES, labels

_COLUMNS = {  # energymon.report.year_table.COLUMNS beyond the daily table's -> (en, zh)
    "month": ("Month", "月份"),
    "peak_demand_kw": ("Peak 15-minute demand [kW]", "15 分钟最大需量 [kW]"),
    "days_without_data": ("Days without data", "无数据天数"),
}
_COLUMNS_SHORT = {
    "month": ("Month", "月份"),
    "peak_demand_kw": ("Peak\nkW", "最大需量\nkW"),
    "days_without_data": ("No-data\ndays", "无数据\n天数"),
}
_MONTHS = {
    str(i + 1): pair
    for i, pair in enumerate(
        zip(
            ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
            (f"{i}月" for i in range(1, 13)),
            strict=True,
        )
    )
}
_COSTS = {  # energymon.report.year_table.COST_COLUMNS -> (en, zh)
    "import_cost": ("Import cost", "购电电费"),
    "export_revenue": ("Export revenue", "上网收入"),
    "energy_cost": ("Energy cost", "电度电费"),
    "demand_charge": ("Demand charge", "需量电费"),
    "pv_saved": ("Saved by PV", "光伏节省"),
    "storage_saved": ("Saved by storage", "储能节省"),
}
_QUALITY = {  # energymon.report.year_table.QUALITY_COLUMNS -> (en, zh)
    "coverage_pct": ("Coverage\n%", "覆盖率\n%"),
    "days_without_data": ("No-data\ndays", "无数据\n天数"),
    "estimated_intervals": ("Estimated\nintervals", "估算\n区间"),
    "spread_intervals": ("Spread\nintervals", "均摊\n区间"),
    "offline_periods": ("Offline\nperiods", "离线\n时段"),
    "quality_periods": ("Frozen, stale,\nout of range", "冻结/未更新/\n超范围"),
    "damaged_spans": ("Damaged\nspans", "损坏\n时段"),
    "events": ("Events", "事件"),
    "warnings": ("Warnings,\nerrors", "警告与\n错误"),
}

_TEXT: dict[str, tuple[str, str]] = {
    "year_title": ("Annual energy report", "年度能源报告"),
    "year_title_year": ("Annual energy report {year}", "{year} 年度能源报告"),
    "year_title_with_site": ("{site}: annual energy report {year}", "{site} {year} 年度能源报告"),
    "year_footer": ("{site} - annual energy report {year}", "{site} - {year} 年度能源报告"),
    "year": ("Year", "年份"),
    "months_reported": ("Months reported", "统计月数"),
    "year_in_progress": (
        "Year in progress: reported up to {end} (local time); the months not yet begun are not listed.",
        "年度尚未结束：统计至 {end}（当地时间）；尚未开始的月份未列出。",
    ),
    "month_to_date": ("{month} (to date)", "{month}（截至目前）"),
    "no_data": ("no data", "无数据"),
    "no_data_months": ("Months without data", "无数据月份"),
    "no_data_note": (
        "A month or day without any data is left empty (unknown), never counted as 0.",
        "没有任何数据的月份或日期留空（未知），绝不按 0 计。",
    ),
    "peak_month": ("{kw} in {month} ({at})", "{kw}（{month}，{at}）"),
    # sheets
    "sheet_monthly": ("Monthly", "每月"),
    "sheet_factors": ("Factors", "排放因子"),
    "sheet_method": ("Method", "计算方法"),
    # charts
    "chart_month_pv_consumption": ("Monthly PV generation and consumption", "每月光伏发电量与用电量"),
    "chart_month_import_export": ("Monthly grid import and export", "每月下网与上网电量"),
    "axis_month": ("Month", "月份"),
    # carbon
    "carbon_year": ("Carbon reduction of the year", "年度碳减排"),
    "carbon_intro": (
        "Avoided CO2 and coal saved by the site's PV generation in {year}, with the factors applied.",
        "{year} 年站点光伏发电的二氧化碳减排量与节约标准煤量，及所用因子。",
    ),
    "data_year": ("Data year", "数据年份"),
    "factor_year_note": (
        "The grid factor of data year {fyear}, the one the site's configuration chose, is applied to the PV "
        "generation of {year}.",
        "{year} 年的光伏发电量按站点配置所选的数据年份 {fyear} 的电网排放因子计算。",
    ),
    "factor_no_year": (
        "The grid factor was given explicitly in the site configuration; it has no data year in the built-in table.",
        "电网排放因子由站点配置直接给定，内置因子表中无其数据年份。",
    ),
    "kg_per_kwh": ("kgCO2/kWh", "kgCO2/kWh"),
    # tables
    "monthly_table": ("Monthly values", "每月数据"),
    "year_total_row": ("total", "合计"),  # first cell of the monthly table's last row ("total" as in the CSV)
    "year_pdf_rounding": (
        "kWh and kg rounded to 0.1 for display; the CSV and XLSX carry the exact values (0.001 kWh, 0.001 kg).",
        "为便于阅读，kWh 与 kg 保留 1 位小数；CSV 与 XLSX 中为精确值（0.001 kWh、0.001 kg）。",
    ),
    "devices_year": ("Devices over the year", "设备全年数据"),
    "costs_year": ("Costs by month on the time-of-use tariff", "各月分时电价电费"),
    "quality_year": ("Data quality by month", "各月数据质量"),
    "quality_year_note": (
        "Counts of each month's report; the monthly reports list each period and event.",
        "各项为当月报告中的计数；各月度报告列出每个时段与事件。",
    ),
    "method_year": ("How the year is made", "年度数据的形成"),
    "f_year_months": (
        "Each month of the year is made exactly as its monthly report: its row is that report's total row "
        "(the sum of the month's rounded days).",
        "年度中的每个月均按其月度报告的方法计算：该月一行即月度报告的合计行（各日舍入值之和）。",
    ),
    "f_year_total": (
        "The year's total row is the sum of the month rows as printed; its shares are computed from the year's "
        "totals, its coverage over all device-intervals of the year, its peak demand is the highest month's.",
        "年度合计行为各月行（按所印数值）之和；其比例按全年合计计算，覆盖率按全年所有设备区间计算，"
        "最大需量取各月最大值。",
    ),
    "f_year_peak": (
        "Peak 15-minute demand of a month = the highest mean grid import power over a 15-minute interval of "
        "that month.",
        "月度 15 分钟最大需量 = 当月各 15 分钟区间平均下网功率的最大值。",
    ),
    "f_year_costs": (
        "Costs: each month is billed on its own (its demand charge on its own peak); the year is the sum of "
        "the months, rounded to 0.01.",
        "电费：每月单独计算（需量电费按当月最大需量）；全年为各月之和，保留两位小数。",
    ),
}

# The definitions the annual report states, in this order (monthly ones from energymon.report.text first).
YEAR_FORMULA_KEYS = (
    "f_consumption",
    "f_unmetered",
    "f_self_consumption",
    "f_self_sufficiency",
    "f_co2",
    "f_coal",
    "f_year_peak",
    "f_energy",
    "f_coverage",
    "f_year_months",
    "f_year_total",
    "f_year_costs",
)


def year_labels(lang: str) -> dict[str, str]:
    """The labels of ``lang`` ("en" or "zh"): the monthly report's (:func:`energymon.report.text.labels`) and the
    annual report's."""
    out = labels(lang)
    i = LANGUAGES.index(lang)
    out.update({key: pair[i] for key, pair in _TEXT.items()})
    for prefix, table in (
        ("col", _COLUMNS),
        ("colshort", _COLUMNS_SHORT),
        ("mon", _MONTHS),
        ("cost", _COSTS),
        ("qual", _QUALITY),
    ):
        out.update({f"{prefix}.{key}": pair[i] for key, pair in table.items()})
    return out


def month_name(text: dict[str, str], month: str) -> str:
    """``2026-03`` -> "Mar" / "3月" (its short name in the labels' language)."""
    return text[f"mon.{int(month[5:7])}"]
