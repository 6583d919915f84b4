"""User-visible text of the monthly report files (XLSX, PDF): one dict per language.

``labels(lang)`` returns the dict of ``"en"`` or ``"zh"`` (简体中文); both have the
same keys (a test checks it). Text that comes from data (site, device names, the
factors' one-line citations) is printed as stored; events: energymon.event_texts.

Numbers and times are formatted by energymon.report.formats.
"""

from __future__ import annotations

from energymon import events
from energymon.report.trace_text import TRACE_TEXT  # what a report covers and how it was made

LANGUAGES = ("en", "zh")

# Column of the daily table (energymon.report.daily.COLUMNS) -> (en, zh) description with unit.
_COLUMNS = {
    "date": ("Date (local)", "日期（当地）"),
    "pv_kwh": ("PV generation [kWh]", "光伏发电量 [kWh]"),
    "consumption_kwh": ("Consumption [kWh]", "用电量 [kWh]"),
    "metered_load_kwh": ("Metered load [kWh]", "计量负荷 [kWh]"),
    "grid_import_kwh": ("Grid import [kWh]", "下网电量（购电）[kWh]"),
    "grid_export_kwh": ("Grid export [kWh]", "上网电量（售电）[kWh]"),
    "storage_charge_kwh": ("Storage charge [kWh]", "储能充电量 [kWh]"),
    "storage_discharge_kwh": ("Storage discharge [kWh]", "储能放电量 [kWh]"),
    "self_consumption_pct": ("Self-consumption [%]", "自发自用率 [%]"),
    "self_sufficiency_pct": ("Self-sufficiency [%]", "自给率 [%]"),
    "avoided_co2_kg": ("Avoided CO2 [kg]", "二氧化碳减排量 [kg]"),
    "coal_saved_kgce": ("Coal saved [kgce]", "节约标准煤 [kgce]"),
    "coverage_pct": ("Data coverage [%]", "数据覆盖率 [%]"),
}

# Short column headers for the PDF's daily table (narrow columns).
_COLUMNS_SHORT = {
    "date": ("Date", "日期"),
    "pv_kwh": ("PV\nkWh", "光伏\nkWh"),
    "consumption_kwh": ("Consumption\nkWh", "用电量\nkWh"),
    "metered_load_kwh": ("Metered load\nkWh", "计量负荷\nkWh"),
    "grid_import_kwh": ("Import\nkWh", "下网\nkWh"),
    "grid_export_kwh": ("Export\nkWh", "上网\nkWh"),
    "storage_charge_kwh": ("Charge\nkWh", "储能充电\nkWh"),
    "storage_discharge_kwh": ("Discharge\nkWh", "储能放电\nkWh"),
    "self_consumption_pct": ("Self-cons.\n%", "自发自用\n%"),
    "self_sufficiency_pct": ("Self-suff.\n%", "自给率\n%"),
    "avoided_co2_kg": ("CO2 avoided\nkg", "CO2 减排\nkg"),
    "coal_saved_kgce": ("Coal saved\nkgce", "节约标煤\nkgce"),
    "coverage_pct": ("Coverage\n%", "覆盖率\n%"),
}

_ROLES = {
    "pv": ("PV inverter", "光伏逆变器"),
    "storage": ("Storage", "储能"),
    "load": ("Load meter", "负荷电表"),
    "grid": ("Grid meter", "关口电表"),
    "meteo": ("Weather sensor", "环境监测仪"),
}

_METHODS = {
    "counter": ("energy counter", "电能计数器"),
    "counter (rollups)": ("energy counter (15-min rollups)", "电能计数器（15 分钟汇总）"),
    "power integration (estimated)": ("power integration (estimated)", "功率积分（估算）"),
    "no data": ("no data", "无数据"),
}

_FLOWS = {  # Flows field -> (en, zh)
    "pv_wh": ("PV", "光伏发电"),
    "grid_import_wh": ("import", "下网"),
    "grid_export_wh": ("export", "上网"),
    "storage_charge_wh": ("charge", "充电"),
    "storage_discharge_wh": ("discharge", "放电"),
    "metered_load_wh": ("load", "负荷"),
}

_EVENT_KINDS = {  # energymon.events kind -> (en, zh)
    events.DEVICE_OFFLINE: ("Device offline", "设备离线"),
    events.DEVICE_RECOVERED: ("Device recovered", "设备恢复"),
    events.DEVICE_DEGRADED: ("Device degraded", "设备数据不完整"),
    events.DEVICE_COMPLETE: ("Device data complete", "设备数据恢复完整"),
    events.DATA_FROZEN: ("Data frozen", "数据冻结"),
    events.DATA_STALE: ("Data stale", "数据未更新"),
    events.DATA_OUT_OF_RANGE: ("Value out of range", "数值超出物理范围"),
    events.DATA_OK: ("Data normal again", "数据恢复正常"),
    events.STORAGE_FAILED: ("Database writing stopped", "数据库写入中断"),
    events.STORAGE_RESUMED: ("Database writing resumed", "数据库写入恢复"),
    events.DATABASE_DAMAGED: ("Database file damaged", "数据库文件损坏"),
    events.COLLECTOR_STARTED: ("Collector started", "采集程序启动"),
    events.COLLECTOR_STOPPED: ("Collector stopped", "采集程序停止"),
    events.SUNSPEC_DISCOVERED: ("SunSpec discovered", "识别到 SunSpec 设备"),
    events.IMPLAUSIBLE_VALUE: ("Implausible value", "数值不合理"),
    events.COUNTER_WRAP: ("Counter wrap", "计数器回绕"),
    events.COUNTER_RESET: ("Counter reset", "计数器复位"),
    events.METER_REPLACED: ("Meter replaced", "电表更换"),
    events.STORE_MAINTENANCE_FAILED: ("Database maintenance failed", "数据库维护失败"),
    events.ALARM_RAISED: ("Alarm raised", "告警触发"),
    events.ALARM_CLEARED: ("Alarm cleared", "告警解除"),
}

_STORED = {  # energymon.store.damage kinds of stored data -> (en, zh)
    "raw samples": ("raw samples", "原始数据"),
    "one-minute rollups": ("one-minute rollups", "1 分钟汇总"),
    "rollups 15min": ("15-minute rollups", "15 分钟汇总"),
    "rollups 1h": ("hourly rollups", "小时汇总"),
    "rollups 1d": ("daily rollups", "日汇总"),
}

_SEVERITIES = {  # energymon.events severity -> (en, zh)
    events.INFO: ("info", "信息"),
    events.WARNING: ("warning", "警告"),
    events.ERROR: ("error", "错误"),
    events.CRITICAL: ("critical", "严重"),
}

# The definitions every report file states, in this order (their texts are in _TEXT).
FORMULA_KEYS = (
    "f_consumption",
    "f_unmetered",
    "f_self_consumption",
    "f_self_sufficiency",
    "f_co2",
    "f_coal",
    "f_peak",
    "f_energy",
    "f_coverage",
    "f_rounding",
)

_TEXT: dict[str, tuple[str, str]] = {
    # titles and page furniture
    "title": ("Monthly energy report", "月度能源报告"),
    "title_month": ("Monthly energy report {month}", "月度能源报告 {year}年{mon}月"),
    "title_with_site": ("{site}: monthly energy report {month}", "{site} {month} 月度能源报告"),
    "site": ("Site", "站点"),
    "month": ("Month", "月份"),
    "timezone": ("Time zone", "时区"),
    "period": ("Report period", "报告期"),
    "period_value": ("{start} to {end} (local time, {tz})", "{start} 至 {end}（当地时间，{tz}）"),
    "days": ("Days", "天数"),
    "page": ("Page {page} of {pages}", "第 {page} 页 / 共 {pages} 页"),
    "footer": ("{site} - {title} {month}", "{site} - {month} {title}"),
    "none": ("-", "-"),
    "colon": (": ", "："),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "item": ("Item", "项目"),
    "note": ("Note", "说明"),
    # sheets
    "sheet_summary": ("Summary", "汇总"),
    "sheet_daily": ("Daily", "每日"),
    "sheet_devices": ("Devices", "设备"),
    "sheet_events": ("Events", "事件"),
    "sheet_charts": ("Charts", "图表"),
    # headline KPIs
    "headline": ("Headline figures", "主要指标"),
    "pv": ("PV generation", "光伏发电量"),
    "consumption": ("Consumption", "用电量"),
    "metered_load": ("Metered load", "计量负荷"),
    "unmetered": ("Unmetered load & losses", "未计量负荷及损耗"),
    "grid_import": ("Grid import", "下网电量（购电）"),
    "grid_export": ("Grid export", "上网电量（售电）"),
    "storage_charge": ("Storage charge", "储能充电量"),
    "storage_discharge": ("Storage discharge", "储能放电量"),
    "self_consumption": ("Self-consumption", "自发自用率"),
    "self_sufficiency": ("Self-sufficiency", "自给率"),
    "avoided_co2": ("Avoided CO2", "二氧化碳减排量"),
    "coal_saved": ("Coal saved", "节约标准煤"),
    "peak_demand": ("Peak 15-minute demand", "15 分钟最大需量"),
    "peak_demand_at": ("Peak demand at (local time)", "最大需量出现时间（当地）"),
    "peak_value": ("{kw} at {at}", "{kw}（{at}）"),
    "coverage": ("Data coverage", "数据覆盖率"),
    "estimated_intervals": ("Estimated intervals", "估算区间数"),
    "spread_intervals": ("Gap-spread intervals", "缺口均摊区间数"),
    "no_pv": ("no PV generation", "无光伏发电"),
    "no_consumption": ("no consumption", "无用电"),
    "no_grid_meter": ("no grid meter", "无关口电表"),
    # factors
    "factors": ("Carbon factors", "碳排放因子"),
    "emission_factor": ("Grid emission factor", "电网排放因子"),
    "coal_factor": ("Coal factor", "标准煤折算系数"),
    "source": ("Source", "来源"),
    "not_stated": ("not stated", "未注明"),
    # formulas, in words
    "formulas": ("Definitions", "计算口径"),
    "f_consumption": (
        "Consumption = PV generation + grid import - grid export + storage discharge - storage charge.",
        "用电量 = 光伏发电量 + 下网电量 - 上网电量 + 储能放电量 - 储能充电量。",
    ),
    "f_unmetered": (
        "Unmetered load & losses = consumption - metered load (sum of the load meters).",
        "未计量负荷及损耗 = 用电量 - 计量负荷（各负荷电表之和）。",
    ),
    "f_self_consumption": (
        "Self-consumption = (PV generation - grid export) / PV generation, clamped to 0-100 %.",
        "自发自用率 = （光伏发电量 - 上网电量）/ 光伏发电量，限定在 0-100 %。",
    ),
    "f_self_sufficiency": (
        "Self-sufficiency = (consumption - grid import) / consumption, clamped to 0-100 %; "
        "both shares use gross import and export.",
        "自给率 = （用电量 - 下网电量）/ 用电量，限定在 0-100 %；两项均按下网、上网总量计算。",
    ),
    "f_co2": ("Avoided CO2 = PV generation x grid emission factor.", "二氧化碳减排量 = 光伏发电量 × 电网排放因子。"),
    "f_coal": ("Coal saved = PV generation x coal factor.", "节约标准煤 = 光伏发电量 × 标准煤折算系数。"),
    "f_peak": (
        "Peak 15-minute demand = the highest mean grid import power over a 15-minute interval.",
        "15 分钟最大需量 = 各 15 分钟区间平均下网功率的最大值。",
    ),
    "f_energy": (
        "Energy comes from the devices' energy counters (wrap and reset aware, bounded by rated power); "
        "only devices without a counter have their power integrated, and those intervals are counted "
        "as estimated. A counter delta across a data gap is spread evenly over the gap.",
        "电量取自设备电能计数器的差值（已处理回绕和复位，并以额定功率为上限）；仅对没有计数器的设备采用"
        "功率积分，相应区间计为估算。跨越数据缺口的计数器差值在缺口内平均分摊。",
    ),
    "f_coverage": (
        "Data coverage = share of device-intervals (15 minutes x devices) that have measured data; "
        "gap-spread and estimated intervals are not covered.",
        "数据覆盖率 = 有实测数据的设备区间（15 分钟 × 设备）所占比例；缺口均摊和估算的区间不计入。",
    ),
    "f_rounding": (
        "Daily values are rounded as in the CSV; the total row is the sum of the rounded days, "
        "its shares come from the month's totals.",
        "每日数值的舍入与 CSV 相同；合计行为各日舍入值之和，其比例按全月合计计算。",
    ),
    # daily table
    "daily_table": ("Daily values", "每日数据"),
    "total": ("Total", "合计"),
    "total_row": ("total", "合计"),  # first cell of the daily table's last row ("total" as in the CSV)
    "columns_legend": ("Columns of the daily table", "每日数据表列说明"),
    "column": ("Column", "列"),
    "meaning": ("Meaning", "含义"),
    "pdf_rounding": (
        "kWh and kg rounded to 0.1 for display; the CSV and XLSX carry the exact values (0.001 kWh, 0.001 kg).",
        "为便于阅读，kWh 与 kg 保留 1 位小数；CSV 与 XLSX 中为精确值（0.001 kWh、0.001 kg）。",
    ),
    # charts
    "chart_pv_consumption": ("Daily PV generation and consumption", "每日光伏发电量与用电量"),
    "chart_import_export": ("Daily grid import and export", "每日下网与上网电量"),
    "axis_day": ("Day of month", "日"),
    "axis_kwh": ("kWh", "kWh"),
    "axis_mwh": ("MWh", "MWh"),
    # devices
    "devices": ("Devices", "设备"),
    "device_id": ("Device ID", "设备编号"),
    "device_name": ("Name", "名称"),
    "role": ("Role", "类型"),
    "rated_kw": ("Rated power [kW]", "额定功率 [kW]"),
    "rated_kw_short": ("Rated\nkW", "额定\nkW"),
    "energy": ("Energy", "电量"),
    "method": ("Method", "计量方法"),
    "coverage_pct": ("Coverage [%]", "覆盖率 [%]"),
    "estimated_short": ("Est.", "估算"),
    "spread_short": ("Spread", "均摊"),
    "estimated_col": ("Estimated intervals", "估算区间数"),
    "spread_col": ("Gap-spread intervals", "缺口均摊区间数"),
    # energy flows
    "flows": ("Energy flows", "能量流"),
    "flow_pv_site": ("PV used on site", "光伏站内消纳"),
    "flow_pv_export": ("Grid export", "上网电量"),
    "flow_site_bus": ("Site", "园区"),
    "flow_grid": ("Grid", "电网"),
    "flow_storage": ("Storage", "储能"),
    "flow_pv": ("PV", "光伏"),
    "flow_loads": ("Loads", "负荷"),
    "flow_in": ("Into the site", "流入园区"),
    "flow_out": ("Out of the site", "流出园区"),
    "flow_note_export": (
        "Grid export is gross: it may include energy discharged from storage.",
        "上网电量为总量，可能包含储能放电。",
    ),
    "share_of_pv": ("{pct} of PV", "占光伏 {pct}"),
    "share_of_consumption": ("{pct} of consumption", "占用电量 {pct}"),
    # data quality
    "quality": ("Data quality", "数据质量"),
    "quality_intro": (
        "{n} devices, {intervals} device-intervals of 15 minutes.",
        "{n} 台设备，共 {intervals} 个 15 分钟设备区间。",
    ),
    "offline": ("Offline periods", "离线时段"),
    "offline_none": ("No device was offline this month.", "本月无设备离线。"),
    "from": ("From", "开始"),
    "to": ("To", "结束"),
    "duration_h": ("Duration [h]", "时长 [h]"),
    "still_offline": ("still offline at month end", "月末仍离线"),
    "events": ("Events", "事件"),
    "events_none": ("No events this month.", "本月无事件。"),
    "events_summary": ("Events by kind", "事件分类统计"),
    "events_notable": ("Warnings and errors", "警告与错误"),
    "events_more": (
        "... and {n} more: see the Events sheet of the XLSX report.",
        "……另有 {n} 条，见 XLSX 报告的“事件”工作表。",
    ),
    "count": ("Count", "次数"),
    "time_local": ("Local time", "当地时间"),
    "device": ("Device", "设备"),
    "costs": ("Costs on the time-of-use tariff", "分时电价电费"),
    "sheet_costs": ("Costs", "电费"),
    "tariff": ("Tariff", "电价"),
    "tariff_period": ("Tariff period", "时段"),
    "period.sharp": ("Sharp peak", "尖峰"),
    "period.peak": ("Peak", "高峰"),
    "period.flat": ("Flat", "平段"),
    "period.valley": ("Valley", "低谷"),
    "period.deep_valley": ("Deep valley", "深谷"),
    "import_kwh": ("Grid import [kWh]", "电网购电 [kWh]"),
    "cost": ("Cost", "电费"),
    "import_cost": ("Grid import cost", "购电电费"),
    "export_revenue": ("Export revenue", "上网电费收入"),
    "energy_cost": ("Energy cost (import - export)", "电度电费（购电 - 上网）"),
    "demand_charge": ("Demand charge (peak 15-minute demand x rate)", "需量电费（最大15分钟需量 × 需量电价）"),
    "baseline_cost": ("Cost had the whole load been imported", "若全部负荷从电网购电的电费"),
    "pv_saved": ("Saved by PV", "光伏节省"),
    "storage_saved": ("Saved by storage (time shift, after losses)", "储能节省（峰谷套利，扣除损耗）"),
    "total_saved": ("Saved in total (PV + storage)", "合计节省（光伏 + 储能）"),
    "demand_saved": ("Demand charge avoided by PV and storage", "光伏与储能降低的需量电费"),
    "costs_note": (
        "Prices of the tariff recorded with the site's configuration; savings compare the bill with "
        "one where every kWh of the load is imported at the price of its quarter hour.",
        "电价取自站点配置中记录的分时电价；节省额按“全部负荷均按其所在15分钟时段电价从电网购电”的电费对比计算。",
    ),
    "kind": ("Kind", "类型"),
    "severity": ("Severity", "级别"),
    "detail": ("Detail", "详情"),
    "site_wide": ("(site)", "（全站）"),
    "quantity": ("Quantity", "测量量"),
    "quality_periods": ("Values frozen, stale or out of range", "数据冻结、未更新或超出范围的时段"),
    "quality_periods_none": (
        "No value was frozen, stale or out of range this month.",
        "本月无数据冻结、未更新或超出范围。",
    ),
    "quality_periods_count": ("Data-quality periods", "数据质量问题时段"),
    "quality_periods_note": ("values frozen, stale or out of range", "数据冻结、未更新或超出范围"),
    "still_open": ("not normal by month end", "月末仍未恢复"),
    "damaged": ("Stored data that could not be read", "无法读取的存储数据"),
    "damaged_intro": (
        "These spans of the database file are damaged: their data is left out of this report and counts as "
        "missing. Restore the file from a backup to report them.",
        "数据库文件中以下时段已损坏：其数据未计入本报告，按缺失处理。如需统计，请从备份恢复数据库文件。",
    ),
    "damaged_count": ("Damaged stored data", "损坏的存储数据"),
    "damaged_note": ("spans left out, counted as missing", "未计入的时段，按缺失处理"),
    "what": ("Data", "数据"),
    "methodology": ("Methodology and sources", "计算方法与数据来源"),
}


def labels(lang: str) -> dict[str, str]:
    """All labels of ``lang`` ("en" or "zh"), plus ``col.<csv column>``, ``colshort.<csv column>``,
    ``role.<role>``, ``method.<method>``, ``flow.<Flows field>``, ``kind.<event kind>``, ``severity.<severity>``,
    ``stored.<kind of stored data>``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    i = LANGUAGES.index(lang)
    out = {key: pair[i] for key, pair in _TEXT.items()}
    for prefix, table in (
        ("col", _COLUMNS),
        ("colshort", _COLUMNS_SHORT),
        ("role", _ROLES),
        ("method", _METHODS),
        ("flow", _FLOWS),
        ("kind", _EVENT_KINDS),
        ("severity", _SEVERITIES),
        ("stored", _STORED),
    ):
        out.update({f"{prefix}.{key}": pair[i] for key, pair in table.items()})
    out.update({key: pair[i] for key, pair in TRACE_TEXT.items()})
    out["lang"] = lang
    return out


def role_label(text: dict[str, str], role: str) -> str:
    return text.get(f"role.{role}", role)


def method_label(text: dict[str, str], method: str) -> str:
    """A device's method (possibly several joined with " + ") in the report's language."""
    return " + ".join(text.get(f"method.{part}", part) for part in method.split(" + "))


def kind_label(text: dict[str, str], kind: str) -> str:
    return text.get(f"kind.{kind}", kind)


def severity_label(text: dict[str, str], severity: str) -> str:
    return text.get(f"severity.{severity}", severity)


def stored_label(text: dict[str, str], what: str) -> str:
    """A kind of stored data (energymon.store.damage: "raw samples", "rollups 15min", ...) in the language."""
    return text.get(f"stored.{what}", what)
