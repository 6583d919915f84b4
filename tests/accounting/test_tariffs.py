"""energymon.accounting.tariffs and energymon.config.tariff: the [tariff] config table, period lookups,
costs per period, savings, demand charge.

The tariff used throughout is the illustrative one of docs/configuration.md
(not a real tariff): valley 23:00-07:00, flat 07:00-08:00, 11:30-17:00,
22:00-23:00, peak 08:00-11:30, 17:00-22:00, and in January, July, August and
December a sharp period 19:00-21:00 inside the evening peak.
Prices per kWh: sharp 1.08, peak 0.90, flat 0.60, valley 0.30; export 0.35;
demand 30 per kW and month.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from energymon.accounting.tariffs import (
    PERIODS,
    cost_by_period,
    day_windows,
    demand_charge,
    peak_demand_kw,
    period_at,
    period_of_buckets,
    savings,
)
from energymon.cli.main import main
from energymon.config import ConfigError, load_config
from energymon.config.sim_params import SimParams, in_window
from energymon.config.tariff import TariffError, tariff_from_dict

from support import REPO, SHANGHAI, small_site_toml, write_config

PORTS = {"c1": 1502, "c2": 1503}
QUARTER_MS = 15 * 60 * 1000

TARIFF = """
[tariff]
name = "Example 1-10 kV two-part tariff (illustrative)"
currency = "CNY"
demand_charge_per_kw_month = 30.0
export_price_per_kwh = 0.35

[tariff.prices]
sharp = 1.08
peak = 0.90
flat = 0.60
valley = 0.30

[[tariff.periods]]
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
hours = { valley = "23:00-07:00", flat = "07:00-08:00, 11:30-17:00, 22:00-23:00", peak = "08:00-11:30, 17:00-22:00" }

[[tariff.periods]]
months = [1, 7, 8, 12]
override = true
hours = { sharp = "19:00-21:00" }
"""


def site_text(tariff: str = TARIFF) -> str:
    return small_site_toml(PORTS) + tariff


@pytest.fixture(scope="module")
def tariff():
    return tariff_from_dict(tomllib.loads(TARIFF)["tariff"])


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# -- the config table ----------------------------------------------------------------------------------------------


def test_valid_tariff_loads_with_the_site_config(tmp_path):
    config = load_config(write_config(tmp_path, site_text()))
    t = config.tariff
    assert t is not None
    assert t.name == "Example 1-10 kV two-part tariff (illustrative)"
    assert t.currency == "CNY"
    assert t.prices_per_kwh == {"sharp": 1.08, "peak": 0.90, "flat": 0.60, "valley": 0.30}
    assert t.demand_charge_per_kw_month == 30.0
    assert t.export_price_per_kwh == 0.35
    assert len(t.schedule) == 12 and all(len(day) == 96 for day in t.schedule)
    assert day_windows(t, 1) == [
        ("valley", "00:00-07:00"),
        ("flat", "07:00-08:00"),
        ("peak", "08:00-11:30"),
        ("flat", "11:30-17:00"),
        ("peak", "17:00-19:00"),
        ("sharp", "19:00-21:00"),
        ("peak", "21:00-22:00"),
        ("flat", "22:00-23:00"),
        ("valley", "23:00-24:00"),
    ]
    assert ("sharp", "19:00-21:00") not in day_windows(t, 3)


def test_tariff_is_optional_and_its_keys_have_defaults(tmp_path):
    assert load_config(write_config(tmp_path, small_site_toml(PORTS))).tariff is None
    minimal = """
[tariff]
prices = { flat = 0.6 }
[[tariff.periods]]
hours = { flat = "00:00-24:00" }
"""
    t = load_config(write_config(tmp_path, site_text(minimal))).tariff
    assert (t.currency, t.name, t.demand_charge_per_kw_month, t.export_price_per_kwh) == ("CNY", None, None, None)
    assert {p for day in t.schedule for p in day} == {"flat"}  # months default to all twelve


def test_spans_may_be_a_list_and_use_chinese_separators(tmp_path):
    text = replace_once(
        TARIFF, 'flat = "07:00-08:00, 11:30-17:00, 22:00-23:00"', 'flat = ["07:00-08:00", "11:30-17:00、22:00-23:00"]'
    )
    text = replace_once(text, 'peak = "08:00-11:30, 17:00-22:00"', 'peak = "8:00-11:30，17:00-22:00"')
    t = load_config(write_config(tmp_path, site_text(text))).tariff
    assert t.schedule == tariff_from_dict(tomllib.loads(TARIFF)["tariff"]).schedule


def test_a_day_split_by_months_without_override(tmp_path):
    text = """
[tariff]
prices = { peak = 0.9, flat = 0.6, valley = 0.3 }
[[tariff.periods]]
months = [6, 7, 8]
hours = { valley = "22:00-06:00", flat = "06:00-10:00", peak = "10:00-22:00" }
[[tariff.periods]]
months = [1, 2, 3, 4, 5, 9, 10, 11, 12]
hours = { valley = "23:00-07:00", flat = "07:00-18:00", peak = "18:00-23:00" }
"""
    t = load_config(write_config(tmp_path, site_text(text))).tariff
    assert period_at(t, datetime(2024, 7, 1, 22, 30)) == "valley"
    assert period_at(t, datetime(2024, 3, 1, 22, 30)) == "peak"


GAP_IN_MARCH = """
[tariff]
prices = { peak = 0.9, valley = 0.3 }
[[tariff.periods]]
months = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
hours = { valley = "22:00-08:00", peak = "08:00-22:00" }
[[tariff.periods]]
months = [3]
hours = { valley = "22:00-08:00", peak = "08:00-12:00, 13:00-22:00" }
"""

# name: (tariff text, field, words in the message)
ERROR_CASES = {
    "overlap in a row": (
        replace_once(TARIFF, 'flat = "07:00-08:00,', 'flat = "07:00-08:30,'),
        "tariff.periods[0].hours.peak",
        ["08:00-11:30 overlaps flat 07:00-08:30"],
    ),
    "overlap of the same period": (
        replace_once(TARIFF, 'peak = "08:00-11:30, 17:00-22:00"', 'peak = "08:00-11:30, 17:00-22:00, 11:00-11:30"'),
        "tariff.periods[0].hours.peak",
        ["11:00-11:30 overlaps 08:00-11:30"],
    ),
    "overlap with an earlier row without override": (
        replace_once(TARIFF, "override = true\n", ""),
        "tariff.periods[1].hours.sharp",
        [
            "19:00-21:00 overlaps tariff.periods[0].hours.peak 17:00-22:00 in January, July, August, December",
            "override = true",
        ],
    ),
    "gap in every month": (
        replace_once(TARIFF, "11:30-17:00", "11:30-12:00, 13:00-17:00"),
        "tariff.periods",
        ["12:00-13:00 in every month has no period"],
    ),
    "gap in March": (GAP_IN_MARCH, "tariff.periods", ["March 12:00-13:00 has no period"]),
    "unknown period in hours": (
        replace_once(TARIFF, 'peak = "08:00', 'peek = "08:00'),
        "tariff.periods[0].hours.peek",
        ["unknown period 'peek'", "deep_valley"],
    ),
    "unknown period in prices": (
        replace_once(TARIFF, "sharp = 1.08", "sharp = 1.08\nshoulder = 0.7"),
        "tariff.prices.shoulder",
        ["unknown period 'shoulder'"],
    ),
    "price missing for a used period": (
        replace_once(TARIFF, "sharp = 1.08\n", ""),
        "tariff.periods[1].hours.sharp",
        ["'sharp' has no price in tariff.prices"],
    ),
    "bad time text": (
        replace_once(TARIFF, '"23:00-07:00"', '"11pm-7am"'),
        "tariff.periods[0].hours.valley",
        ["'11pm-7am' is not HH:MM-HH:MM"],
    ),
    "minutes off the 15-minute grid": (
        replace_once(TARIFF, '"19:00-21:00"', '"19:10-21:00"'),
        "tariff.periods[1].hours.sharp",
        ["00, 15, 30 or 45"],
    ),
    "hour out of range": (
        replace_once(TARIFF, '"19:00-21:00"', '"25:00-21:00"'),
        "tariff.periods[1].hours.sharp",
        ["not a time of day"],
    ),
    "empty span": (
        replace_once(TARIFF, '"19:00-21:00"', '"19:00-19:00"'),
        "tariff.periods[1].hours.sharp",
        ["empty", "00:00-24:00"],
    ),
    "hours not text": (replace_once(TARIFF, '"19:00-21:00"', "19"), "tariff.periods[1].hours.sharp", ["HH:MM-HH:MM"]),
    "month out of range": (
        replace_once(TARIFF, "months = [1, 7, 8, 12]", "months = [1, 7, 8, 13]"),
        "tariff.periods[1].months",
        ["13 is not a month", "1..12"],
    ),
    "month zero": (
        replace_once(TARIFF, "months = [1, 7, 8, 12]", "months = [0]"),
        "tariff.periods[1].months",
        ["0 is not a month"],
    ),
    "month twice": (
        replace_once(TARIFF, "months = [1, 7, 8, 12]", "months = [1, 7, 7, 12]"),
        "tariff.periods[1].months",
        ["month 7 is listed twice"],
    ),
    "price not a number": (replace_once(TARIFF, "peak = 0.90", 'peak = "0.90"'), "tariff.prices.peak", ["0..100"]),
    "prices out of order": (
        replace_once(TARIFF, "valley = 0.30", "valley = 0.70"),
        "tariff.prices.valley",
        ["0.7 is above flat 0.6"],
    ),
    "unknown key": (replace_once(TARIFF, "currency = ", "curency = "), "tariff.curency", ["unknown key", "currency"]),
    "unknown key in a row": (
        replace_once(TARIFF, "override = true", "overide = true"),
        "tariff.periods[1].overide",
        ["unknown key"],
    ),
    "override not a bool": (
        replace_once(TARIFF, "override = true", 'override = "yes"'),
        "tariff.periods[1].override",
        ["true or false"],
    ),
    "bad currency": (replace_once(TARIFF, '"CNY"', '"rmb"'), "tariff.currency", ["ISO 4217"]),
    "negative demand charge": (
        replace_once(TARIFF, "= 30.0", "= -1"),
        "tariff.demand_charge_per_kw_month",
        ["0..10000"],
    ),
    "no prices": (re.sub(r"\[tariff\.prices\]\n(.+\n){4}", "", TARIFF), "tariff.prices", ["missing"]),
    "no periods": (TARIFF.split("[[tariff.periods]]")[0], "tariff.periods", ["missing"]),
    "row without hours": (
        replace_once(TARIFF, 'hours = { sharp = "19:00-21:00" }', ""),
        "tariff.periods[1].hours",
        ["expected"],
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_invalid_tariff_is_one_line_naming_the_field(case, tmp_path):
    text, field, words = ERROR_CASES[case]
    path = write_config(tmp_path, site_text(text), name="broken-site.toml")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"broken-site.toml: {field}: "), message
    for word in words:
        assert word in message, message


def test_check_config_reports_a_tariff_error_and_exits_2(tmp_path, capsys):
    text, field, _ = ERROR_CASES["gap in March"]
    path = write_config(tmp_path, site_text(text), name="broken-site.toml")
    assert main(["check-config", "--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [
        "energymon: error: broken-site.toml: tariff.periods: March 12:00-13:00 has no period "
        "(every 15 minutes of every month needs exactly one)"
    ]


def test_tariff_parsed_on_its_own_raises_tariff_error():
    with pytest.raises(TariffError, match=r"^tariff\.prices\.peek: unknown period 'peek'"):
        tariff_from_dict({"prices": {"peek": 0.9}, "periods": []})


def test_docs_example_is_valid_and_the_simulator_defaults_fit_it():
    """docs/configuration.md's [tariff] example loads; the simulator's default storage windows
    (time-of-use dispatch) charge in its valley and discharge in its peak or sharp period."""
    docs = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", docs, flags=re.S)
    example = next(b for b in blocks if b.lstrip().startswith("[tariff]"))
    t = tariff_from_dict(tomllib.loads(example)["tariff"])
    assert "illustrative" in t.name
    sim = SimParams()
    for month in range(1, 13):
        for q in range(96):
            hour = q / 4
            period = period_at(t, datetime(2024, month, 1, q // 4, q % 4 * 15))
            if in_window(hour, sim.charge_window):
                assert period == "valley", (month, hour)
            if in_window(hour, sim.discharge_window):
                assert period in ("peak", "sharp"), (month, hour)


# -- period lookups ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, hh_mm, expected",
    [
        (3, "23:00", "valley"),
        (3, "23:59", "valley"),
        (3, "00:00", "valley"),
        (3, "06:59", "valley"),  # across midnight
        (3, "07:00", "flat"),
        (3, "07:59", "flat"),
        (3, "08:00", "peak"),
        (3, "11:29", "peak"),
        (3, "11:30", "flat"),
        (3, "16:59", "flat"),
        (3, "17:00", "peak"),
        (3, "19:00", "peak"),
        (3, "21:59", "peak"),
        (3, "22:00", "flat"),
        (3, "22:59", "flat"),
        (1, "18:59", "peak"),
        (1, "19:00", "sharp"),
        (1, "20:59", "sharp"),
        (1, "21:00", "peak"),  # override in January
        (12, "19:30", "sharp"),
        (6, "19:30", "peak"),
    ],
)
def test_period_at_boundaries(tariff, month, hh_mm, expected):
    hour, minute = map(int, hh_mm.split(":"))
    assert period_at(tariff, datetime(2024, month, 15, hour, minute)) == expected
    # An aware time in the site's zone reads the same.
    assert period_at(tariff, datetime(2024, month, 15, hour, minute, 30, tzinfo=SHANGHAI)) == expected


def local_ms(year, month, day, hour, minute, tz=SHANGHAI) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=tz).timestamp() * 1000)


def test_period_of_buckets_uses_the_local_month_and_time(tariff):
    starts = [
        local_ms(2024, 1, 31, 19, 0),  # = 11:00 UTC: January, sharp
        local_ms(2024, 2, 1, 19, 0),  # February: peak (no sharp period)
        local_ms(2024, 1, 31, 23, 45),  # = 15:45 UTC on January 31
        local_ms(2024, 2, 1, 7, 45),  # = Jan 31 23:45 UTC, but February 07:45 in Xi'an: flat
        local_ms(2024, 12, 31, 20, 45),
    ]
    assert period_of_buckets(tariff, starts, SHANGHAI) == ["sharp", "peak", "valley", "flat", "sharp"]
    assert period_of_buckets(tariff, [], SHANGHAI) == []
    with pytest.raises(ValueError, match="quarter hour"):
        period_of_buckets(tariff, [local_ms(2024, 1, 1, 8, 5)], SHANGHAI)


@pytest.mark.parametrize(
    "zone, year, month",
    [("Asia/Shanghai", 2024, 1), ("Europe/Berlin", 2024, 3), ("Europe/Berlin", 2024, 10), ("Asia/Kolkata", 2024, 7)],
)
def test_period_of_buckets_agrees_with_period_at_for_a_whole_month(tariff, zone, year, month):
    tz = ZoneInfo(zone)
    start = local_ms(year, month, 1, 0, 0, tz)
    end = local_ms(year + (month == 12), month % 12 + 1, 1, 0, 0, tz)
    starts = list(range(start, end, QUARTER_MS))  # 2,976 in a 31-day month, +-4 on a DST change
    expected = [period_at(tariff, datetime.fromtimestamp(ms / 1000, tz)) for ms in starts]
    assert period_of_buckets(tariff, starts, tz) == expected


# -- money by hand -------------------------------------------------------------------------------------------------


def day_buckets(tariff, year, month, day):
    start = local_ms(year, month, day, 0, 0)
    starts = [start + i * QUARTER_MS for i in range(96)]
    return period_of_buckets(tariff, starts, SHANGHAI)


def test_cost_of_a_day_by_hand(tariff):
    # A constant 100 kW import: 25 kWh per quarter hour.
    periods = day_buckets(tariff, 2024, 3, 12)  # March: no sharp period
    costs = cost_by_period([25_000.0] * 96, periods, tariff.prices_per_kwh)
    # valley 00-07 + 23-24 = 8 h; flat 07-08 + 11:30-17 + 22-23 = 7.5 h; peak 08-11:30 + 17-22 = 8.5 h
    assert list(costs) == ["peak", "flat", "valley"]  # dearest first
    assert costs["valley"] == pytest.approx((800.0, 240.0))
    assert costs["flat"] == pytest.approx((750.0, 450.0))
    assert costs["peak"] == pytest.approx((850.0, 765.0))
    assert sum(c for _, c in costs.values()) == pytest.approx(1455.0)

    periods = day_buckets(tariff, 2024, 1, 12)  # January: 2 h of the evening peak are sharp
    costs = cost_by_period([25_000.0] * 96, periods, tariff.prices_per_kwh)
    assert costs["sharp"] == pytest.approx((200.0, 216.0))
    assert costs["peak"] == pytest.approx((650.0, 585.0))
    assert sum(c for _, c in costs.values()) == pytest.approx(1491.0)

    # A bucket without data is left out.
    imports = [25_000.0] * 96
    imports[0] = None
    assert cost_by_period(imports, periods, tariff.prices_per_kwh)["valley"] == pytest.approx((775.0, 232.5))
    with pytest.raises(ValueError, match="no price"):
        cost_by_period([1.0], ["deep_valley"], tariff.prices_per_kwh)
    with pytest.raises(ValueError, match="buckets"):
        cost_by_period([1.0, 2.0], ["flat"], tariff.prices_per_kwh)


def test_savings_pv_covers_the_load_at_peak(tariff):
    # March, 09:00-10:00 (peak 0.90): a 100 kW load entirely from PV.
    periods = ["peak"] * 4
    kw = 250.0  # Wh per quarter hour per kW
    s = savings(tariff, periods, pv_wh=[100 * kw] * 4, import_wh=[0.0] * 4, export_wh=[0.0] * 4)
    assert s.baseline_cost == pytest.approx(90.0)  # 100 kWh x 0.90
    assert (s.import_cost, s.export_revenue) == (0.0, 0.0)
    assert s.total_saved == pytest.approx(90.0)
    assert (s.pv_saved, s.storage_saved) == (pytest.approx(90.0), 0.0)
    # PV 120 kW, 20 kW of it exported at 0.35: 100 kWh x 0.90 + 20 kWh x 0.35 = 97.
    s = savings(tariff, periods, pv_wh=[120 * kw] * 4, import_wh=[0.0] * 4, export_wh=[20 * kw] * 4)
    assert s.baseline_cost == pytest.approx(90.0)
    assert s.export_revenue == pytest.approx(7.0)
    assert s.total_saved == pytest.approx(97.0)
    assert s.pv_saved == pytest.approx(97.0)
    # Demand: the load's peak 100 kW was met by PV, import peak 0 kW: 100 kW x 30 = 3000 saved.
    assert s.demand_saved == pytest.approx(3000.0)


def test_savings_battery_charges_at_valley_and_discharges_at_peak(tariff):
    # 02:00-03:00 (valley 0.30): load 100 kW, battery charges 100 kW from the grid -> import 200 kW.
    # 18:00-19:00 (peak 0.90, March): load 100 kW, battery discharges 90 kW (90 % round trip) -> import 10 kW.
    periods = day_buckets(tariff, 2024, 3, 12)
    kw = 250.0
    zero = [0.0] * 96
    imports, charge, discharge = list(zero), list(zero), list(zero)
    for q in range(8, 12):
        assert periods[q] == "valley"
        imports[q], charge[q] = 200 * kw, 100 * kw
    for q in range(72, 76):
        assert periods[q] == "peak"
        imports[q], discharge[q] = 10 * kw, 90 * kw
    s = savings(
        tariff, periods, pv_wh=zero, import_wh=imports, export_wh=zero, charge_wh=charge, discharge_wh=discharge
    )
    assert s.baseline_cost == pytest.approx(120.0)  # 100 kWh x 0.30 + 100 kWh x 0.90
    assert s.import_cost == pytest.approx(69.0)  # 200 kWh x 0.30 + 10 kWh x 0.90
    assert s.total_saved == pytest.approx(51.0)
    assert s.storage_saved == pytest.approx(51.0)  # 90 kWh x 0.90 - 100 kWh x 0.30
    assert s.pv_saved == 0.0
    # Charging from the grid set a 200 kW import peak against a 100 kW load: demand cost 3000 more.
    assert s.demand_saved == pytest.approx(-3000.0)
    assert (s.buckets, s.buckets_skipped) == (96, 0)


def test_savings_split_adds_up_and_skips_buckets_without_data(tariff):
    periods = ["valley", "flat", "peak", "sharp", "peak"]
    pv = [0.0, 30_000.0, 20_000.0, 0.0, None]
    imp = [40_000.0, 0.0, 5_000.0, 1_000.0, 9.0]
    exp = [0.0, 4_000.0, 0.0, 0.0, 0.0]
    charge = [15_000.0, 10_000.0, 0.0, 0.0, 0.0]
    discharge = [0.0, 0.0, 5_000.0, 20_000.0, 0.0]
    s = savings(tariff, periods, pv_wh=pv, import_wh=imp, export_wh=exp, charge_wh=charge, discharge_wh=discharge)
    assert (s.buckets, s.buckets_skipped) == (4, 1)
    assert s.pv_saved + s.storage_saved == pytest.approx(s.total_saved)
    # by hand: pv (30-4) x 0.60 + 20 x 0.90 + 4 x 0.35 = 35.0;
    # storage -15 x 0.30 - 10 x 0.60 + 5 x 0.90 + 20 x 1.08 = 15.6
    assert s.pv_saved == pytest.approx(35.0)
    assert s.storage_saved == pytest.approx(15.6)
    no_export_price = tariff_from_dict(
        _without(tomllib.loads(TARIFF)["tariff"], "export_price_per_kwh", "demand_charge_per_kw_month")
    )
    s = savings(
        no_export_price, periods, pv_wh=pv, import_wh=imp, export_wh=exp, charge_wh=charge, discharge_wh=discharge
    )
    assert s.export_revenue == 0.0 and s.pv_saved == pytest.approx(33.6)  # exports earn nothing
    assert s.demand_saved is None


def _without(table: dict, *keys: str) -> dict:
    return {k: v for k, v in table.items() if k not in keys}


def test_demand_charge(tariff):
    # 50 kWh in a quarter hour = 200 kW average: the month's peak demand.
    assert peak_demand_kw([25_000.0, 50_000.0, None, 10_000.0]) == pytest.approx(200.0)
    assert peak_demand_kw([None]) is None
    assert demand_charge(200.0, tariff) == pytest.approx(6000.0)  # 200 kW x 30 per kW and month
    assert demand_charge(None, tariff) is None
    without = tariff_from_dict(_without(tomllib.loads(TARIFF)["tariff"], "demand_charge_per_kw_month"))
    assert demand_charge(200.0, without) is None


def test_period_vocabulary_is_dearest_first():
    assert PERIODS == ("sharp", "peak", "flat", "valley", "deep_valley")
