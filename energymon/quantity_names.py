"""The names of the quantities in English and 简体中文, for texts made outside the GUI (event texts, reports).

The canonical quantities (drivers.quantities) are named as the GUI's devices
page names them (ui/quantity_labels.py and its Chinese translation in
ui/translations; a test keeps the two tables the same), plus the quantities only
the configured alarms judge (energymon.config.alarms: the site's powers, the
15-minute demand, an inverter's ratio to the park median). A name not in the
table is shown as its code (``quantity_name``): codes are the stored vocabulary
and stay readable in either language.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

NAMES: dict[str, tuple[str, str]] = {  # quantity -> (en, zh)
    "power_w": ("Active power", "有功功率"),
    "yield_wh": ("PV energy generated", "光伏发电量"),
    "dc_power_w": ("PV DC input power", "光伏直流输入功率"),
    "temperature_c": ("Internal temperature", "内部温度"),
    "status_code": ("Operating state code (vendor)", "运行状态码（厂家定义）"),
    "soc_pct": ("State of charge", "荷电状态"),
    "soh_pct": ("State of health", "健康状态"),
    "charged_wh": ("Energy charged", "充电量"),
    "discharged_wh": ("Energy discharged", "放电量"),
    "consumed_wh": ("Energy consumed", "用电量"),
    "imported_wh": ("Energy imported from the grid", "下网电量（从电网购电）"),
    "exported_wh": ("Energy exported to the grid", "上网电量（向电网售电）"),
    "voltage_l1_v": ("Voltage L1", "L1 相电压"),
    "voltage_l2_v": ("Voltage L2", "L2 相电压"),
    "voltage_l3_v": ("Voltage L3", "L3 相电压"),
    "current_l1_a": ("Current L1", "L1 相电流"),
    "current_l2_a": ("Current L2", "L2 相电流"),
    "current_l3_a": ("Current L3", "L3 相电流"),
    "frequency_hz": ("Frequency", "频率"),
    "power_factor": ("Power factor", "功率因数"),
    "reactive_power_var": ("Reactive power", "无功功率"),
    "voltage_l1_l2_v": ("Voltage L1-L2", "L1-L2 线电压"),
    "voltage_l2_l3_v": ("Voltage L2-L3", "L2-L3 线电压"),
    "voltage_l3_l1_v": ("Voltage L3-L1", "L3-L1 线电压"),
    "ct_ratio": ("CT ratio (in the meter)", "电流互感器变比（表内设置）"),
    "pt_ratio": ("PT ratio (in the meter)", "电压互感器变比（表内设置）"),
    "irradiance_w_m2": ("Irradiance (plane of array)", "辐照度（组件平面）"),
    # judged by the configured alarms only (energymon.config.alarms)
    "import_power_w": ("Site import power", "全站下网功率"),
    "export_power_w": ("Site export power", "全站上网功率"),
    "pv_power_w": ("Site PV power", "全站光伏功率"),
    "consumption_w": ("Site consumption power", "全站用电功率"),
    "demand_15min_kw": ("15-minute demand", "15 分钟平均需量"),
    "ratio_to_park_median": ("Ratio to the park median", "与全场中位数之比"),
}


def quantity_name(quantity: str, lang: str) -> str:
    """The name of ``quantity`` in ``lang`` ("en" or "zh"); the code itself when it has no name."""
    names = NAMES.get(quantity)
    if names is None:
        return quantity
    return names[1] if lang == "zh" else names[0]
