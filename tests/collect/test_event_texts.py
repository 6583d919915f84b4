"""Every kind of event, made by its real producer, worded in English and 简体中文 (energymon.event_texts).

The producers (the data-quality watch, the configured alarms, the counter watch, the health rules, the
store's outage and health check) give each event its params; the English made from them is the detail
engineers read in SQL, the Chinese has no English words but names, units and symbols, and no placeholder
is left unfilled. Params survive their JSON form unchanged in meaning (the GUI and the reports word the
stored copy). An event without params (an old database) is shown by its stored detail.
"""

from __future__ import annotations

import math
import re
import sqlite3
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from drivers.device import DeviceRead
from drivers.link import ReadError
from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.accounting.counters import CounterWatch
from energymon.collect.alarms import AlarmWatch
from energymon.collect.health import assess, degraded_params, error_params
from energymon.collect.quality import DeviceQuality
from energymon.collect.reading import Reading
from energymon.config import parse_config
from energymon.event_texts import event_text, read_errors_text, subject_text
from energymon.events import (
    KINDS,
    alarm_key,
    alarm_key_of,
    params_from_json,
    params_json,
)
from energymon.store.faults import cause_code, cause_params, storage_cause
from energymon.store.health_check import HealthCheck
from energymon.store.outage import Outage, failed_params, resumed_params
from energymon.store.spool import Spool

from support import english_words, small_site_toml

T0 = 1_718_946_000_000
S = 1000
DEVICES = ("pv-1", "pv-2", "pv-3", "bess-1", "bess-2", "load-1", "load-2", "load-3", "grid-1")
RULES = """
[[alarms]]
id = "import-max"
name = "Grid import high"
site = "import_power_w"
above = 400000
for_s = 60
clear_margin = 20000

[[alarms]]
id = "hot"
name = "Battery hot"
kind = "battery_temperature"
above = 45

[[alarms]]
id = "empty"
name = "电池电量低"
kind = "soc_low"
device = "bess-1"
below = 10

[[alarms]]
id = "peak"
name = "Demand"
kind = "demand_15min"
contracted_kw = 500
warn_pct = 80
"""
NAMES = (*DEVICES, "import-max", "Grid import high", "hot", "Battery hot", "empty", "peak", "Demand")
PLACEHOLDER = re.compile(r"\{[^}]*\}|%\d|\bNone\b|\bnan\b|\binf\b")


def grid_values(i: int, **values: float | None) -> dict[str, float | None]:
    moving = {
        "power_w": 2_010_700.0,
        "imported_wh": 5e9 + 5.6e3 * i,
        "exported_wh": 1e8,
        "voltage_l1_v": round(6062 + 20 * math.sin(i / 3), 2),
        "frequency_hz": round(50 + 0.03 * math.sin(i / 3), 2),
    }
    return moving | values


def quality_events() -> list[tuple[str, dict, str]]:
    """Frozen, a flat counter, stale, out of range (a number and a NaN) and the data_ok ending each."""
    out = []
    q = DeviceQuality(Role.GRID, 8000)
    polls = [grid_values(i) for i in range(40)]  # power_w frozen from poll 30
    polls += [grid_values(40 + i, power_w=2e6 + 1000 * i, imported_wh=5e9) for i in range(70)]  # a flat counter
    polls += [grid_values(110 + i, power_w=2e6 - i, frequency_hz=None) for i in range(8)]  # stale frequency
    polls += [grid_values(118 + i, power_w=2e6 + i, frequency_hz=70.5) for i in range(2)]  # out of range
    polls += [grid_values(120 + i, power_w=1e6 + i, voltage_l1_v=math.nan) for i in range(2)]  # NaN
    polls += [grid_values(122 + i, power_w=1e6 + 7 * i) for i in range(12)]  # everything normal again
    for i, values in enumerate(polls):
        for event in q.update(T0 + i * 10 * S, values, (), load_profile("energymon-grid")).events:
            out.append((event.kind, event.params, event.detail))
    return out


def reading(device_id: str, role: Role, ts_ms: int, **values: float) -> Reading:
    return Reading(device_id, role, ts_ms, MappingProxyType(values), True, None, 0.01, 1.0, (), frozenset())


def alarm_events() -> list[tuple[str, dict, str]]:
    """Raised and cleared (back inside, and no longer watched) for a site total, a device's °C and % and kW."""
    config = parse_config(small_site_toml({"c1": 1502, "c2": 1503}) + RULES, Path("/tmp/site.toml"))
    watch = AlarmWatch(config)
    latest: dict[str, Reading] = {}
    transitions = []
    for s in range(0, 200):
        t = T0 + s * S
        grid = 450_000.0 if s < 100 else 100_000.0
        for r in (
            reading("grid-1", Role.GRID, t, power_w=grid),
            reading("bess-1", Role.STORAGE, t, soc_pct=8.0 if s < 150 else 30.0, temperature_c=47.5, power_w=0.0),
        ):
            latest[r.device_id] = r
            transitions += watch.update(r, latest)
    transitions += watch.stop(T0 + 200 * S)
    kinds = ("alarm_raised", "alarm_cleared")
    return [(kinds[0] if t.started else kinds[1], t.params, t.detail) for t in transitions]


def counter_events() -> list[tuple[str, dict, str]]:
    """A wrap, a reset, a replaced meter, an implausible jump and drop, as the collector words them."""
    found = []
    for samples in (
        [65_000.0, 65_300.0, 100.0, 400.0],  # wrap at 65536
        [50_000.0, 50_100.0, 10.0, 20.0, 30.0],  # reset
        [50_000.0, 50_100.0, 20_000.0, 20_010.0],  # replaced
        [50_000.0, 50_100.0, 60_000.0, 50_110.0],  # a jump, an outlier
        [50_000.0, 50_100.0, 30_000.0, 50_120.0],  # a drop, an outlier
        [50_000.0, 50_100.0, 60_000.0],  # a jump with nothing after it
        [50_000.0, 50_100.0, 20_000.0],  # a drop with nothing after it
    ):
        watch = CounterWatch(wrap_at_wh=65_536.0, max_power_w=100_000.0, resolution_wh=1.0)
        events = [e for i, v in enumerate(samples) for e in watch.update(T0 + i * 10 * S, v)]
        events += watch.flush()
        for e in events:
            params = {"quantity": "imported_wh", **e.params}  # the collector names the counter
            found.append((e.kind, params, event_text(e.kind, params, "en")))
    return found


def device_events() -> list[tuple[str, dict, str]]:
    """Offline, degraded (failed blocks, implausible, missing / not implemented), recovered and the others."""
    timeout = ReadError("timeout", "no answer from unit 1 within 1 s")
    exception = ReadError("exception", "unit 1: Modbus exception 2 (IllegalAddress)", 2)
    out: list[tuple[str, dict[str, Any], str]] = []
    for errors, discovery in (((timeout, exception), False), ((), False), ((ReadError("invalid", "no SunS"),), True)):
        params = {"errors": error_params(errors, discovery)}
        out.append(("device_offline", params, "; ".join(str(e) for e in errors) or "no data"))
    quantities = ("power_w", "yield_wh", "voltage_l1_v")
    for result, rejected in (
        (DeviceRead({"power_w": 5.0, "yield_wh": None}, (exception,), 1, 2, 0.1), ["voltage_l1_v"]),
        (DeviceRead({"power_w": 5.0, "yield_wh": None}, (), 2, 2, 0.1), []),
    ):
        values = dict(result.values)
        _state, problems = assess(Role.PV, quantities, result, values, rejected)
        out.append(
            ("device_degraded", degraded_params(Role.PV, quantities, result, values, rejected), "; ".join(problems))
        )
    out.append(
        ("device_recovered", {"failed_polls": 4, "offline_s": 63.2}, "answering again after 4 failed polls in 63 s")
    )
    out.append(("device_recovered", {"failed_polls": 1, "offline_s": None}, "answering again after 1 failed polls"))
    out.append(("device_complete", {}, "complete again"))
    out.append(("collector_started", {"devices": 9}, "9 devices"))
    out.append(("collector_stopped", {}, ""))
    sunspec: dict[str, Any] = {
        "source": "SunSpec models 1, 103, 160 (discovered at 40000)",
        "models": [1, 103, 160],
        "base": 40000,
    }
    out.append(("sunspec_discovered", sunspec | {"missing": []}, sunspec["source"]))
    missing = sunspec | {"missing": ["yield_wh"]}
    out.append(("sunspec_discovered", missing, f"{sunspec['source']}; no yield_wh in these models"))
    for value in (120.0, math.nan):
        rejected_value = {"quantity": "soc_pct", "value": value}
        out.append(("implausible_value", rejected_value, f"soc_pct = {value!r} rejected (outside plausible range)"))
    return out


def store_events(tmp_path: Path) -> list[tuple[str, dict, str]]:
    """Writing stopped (each cause, a full disk with its free space) and resumed, a damaged file, maintenance."""
    db = tmp_path / "site.db"
    out: list[tuple[str, dict[str, Any], str]] = []
    spool = Spool(tmp_path / "site.db.spool")
    for name, message in (
        ("SQLITE_FULL", "database or disk is full"),
        ("SQLITE_BUSY", "database is locked"),
        ("SQLITE_READONLY", "attempt to write a readonly database"),
        ("SQLITE_IOERR_SHORT_READ", "disk I/O error"),
    ):
        exc = sqlite3.OperationalError(message)
        exc.sqlite_errorname = name
        cause = cause_params(exc, db)
        outage = Outage(storage_cause(exc, db), T0, 100.0, 1.0, 60.0, cause_params=cause)
        out.append(("storage_failed", failed_params(db, outage, spool), ""))
        out.append(("store_maintenance_failed", {"message": message, "cause": cause_code(exc)}, message))
    full = cause_params(OSError(28, "No space left on device"), db) | {"cause": "disk_full", "free_bytes": 12_345}
    out.append(("storage_failed", failed_params(db, Outage("", T0, 1.0, 1.0, 60.0, cause_params=full), spool), ""))
    outage = Outage("the disk is full", T0, 100.0, 1.0, 60.0)
    spool.written_samples, spool.dropped_samples, spool.dropped_events = 1_234_567, 89_000, 12
    spool.dropped_span, spool.spill_problem = (T0, T0 + 3_600_000), f"{tmp_path}: No space left on device"
    out.append(("storage_resumed", resumed_params(db, outage, spool, 100.0 + 4000.0), ""))
    adopted = {"path": str(db), "adopted_samples": 42_000, "spill_dir": str(tmp_path / "site.db.spool")}
    out.append(("storage_resumed", adopted, ""))
    for problems in (("*** in database main ***", "Page 5: btreeInitPage() returns error code 11"), ("x",) * 10):
        health = HealthCheck(db, problems, True, 0.2, 1 << 20)
        out.append(("database_damaged", health.params(), health.warning() or ""))
    return out


@pytest.fixture(scope="module")
def produced(tmp_path_factory) -> list[tuple[str, dict, str]]:
    tmp = tmp_path_factory.mktemp("events")
    return quality_events() + alarm_events() + counter_events() + device_events() + store_events(tmp)


def test_every_kind_is_produced_with_params(produced):
    assert {kind for kind, _, _ in produced} == set(KINDS)
    # the producers name what they found (the scenario above reaches every check and alarm kind)
    checks = {p["check"] for kind, params, _ in produced if kind.startswith("data_") for p in params["parts"]}
    assert checks == {"frozen", "counter_flat", "stale", "out_of_range", "ok"}
    assert {p["reason"] for kind, p, _ in produced if kind == "alarm_cleared"} == {"", "collector stopped"}


def test_the_english_is_the_detail_and_reads_the_same_from_the_stored_json(produced):
    for kind, params, detail in produced:
        stored = params_from_json(params_json(params))
        assert stored is not None
        english = event_text(kind, params, "en")
        if detail:  # the producer's own detail (the store's kinds are worded by the functions under test)
            assert english == detail, kind
        assert event_text(kind, stored, "en") == english, kind
        assert event_text(kind, stored, "zh") == event_text(kind, params, "zh"), kind


def test_each_kind_reads_in_chinese_without_english_words_or_unfilled_placeholders(produced, tmp_path):
    for kind, params, _detail in produced:
        zh = event_text(kind, params_from_json(params_json(params)), "zh")
        if kind != "collector_stopped":
            assert zh and re.search(r"[\u4e00-\u9fff]", zh), (kind, zh)
        assert not PLACEHOLDER.search(zh), (kind, zh)
        words = english_words(zh, NAMES)
        assert not words, (kind, words, zh)


def test_chinese_sentences_say_what_happened():
    frozen = {"parts": [{"quantity": "power_w", "check": "frozen", "value": 2010700.0, "polls": 31, "duration_s": 300}]}
    assert event_text("data_frozen", frozen, "zh") == (
        "有功功率：2010700 W 在 31 次轮询、5 分 0 秒内保持不变，而设备的其他数值在变化"
    )
    raised = {
        "rule_id": "import-max",
        "subject": "site",
        "rule_name": "Grid import high",
        "quantity": "import_power_w",
        "unit": "W",
        "direction": "above",
        "limit": 400_000.0,
        "value": 420_000.0,
        "duration_s": 60.0,
        "reason": "",
    }
    assert event_text("alarm_raised", raised, "zh") == (
        "import-max [全站] Grid import high：全站下网功率 420.000 kW 高于 400.000 kW，已持续 60 秒"
    )
    assert event_text("alarm_raised", raised, "en") == (
        "import-max [site] Grid import high: import_power_w 420.000 kW above 400.000 kW for 60 s"
    )
    offline = {"errors": [{"kind": "timeout", "code": None, "text": "timeout: no answer"}] * 2}
    assert event_text("device_offline", offline, "zh") == "读取失败：超时无应答（2 处）"
    assert subject_text("role pv", "zh") == "光伏合计" and subject_text("inv-a1", "zh") == "inv-a1"
    assert read_errors_text("exception: unit 3: Modbus exception 11 (GatewayNoResponse)", "zh") == (
        "设备返回 Modbus 异常码 11"
    )
    assert read_errors_text("timeout: no answer", "en") == "timeout: no answer"


def test_an_event_without_params_or_with_params_it_cannot_read_shows_its_detail():
    old = "power_w: 2010700 W unchanged in 31 polls over 5 min 0 s while the device's other values moved"
    assert event_text("data_frozen", None, "zh", old) == old  # stored before params existed
    assert event_text("data_frozen", {"parts": [{"quantity": "power_w"}]}, "zh", old) == old  # another version's
    assert event_text("some_future_kind", {"x": 1}, "zh", "as stored") == "as stored"
    with pytest.raises(ValueError, match="language"):
        event_text("data_ok", {}, "fr")


def test_the_alarm_key_comes_from_the_params_or_the_old_detail(produced):
    for kind, params, detail in produced:
        if kind.startswith("alarm_"):
            assert alarm_key_of(detail, params) == alarm_key(detail) == (params["rule_id"], params["subject"])
    assert alarm_key_of("import-max [site] Grid import high: …", None) == ("import-max", "site")


def test_a_value_that_is_not_a_number_is_stored_as_strict_json():
    text = params_json({"value": math.nan, "low": -math.inf, "parts": [{"high": math.inf}]})
    assert text == '{"value":"NaN","low":"-Infinity","parts":[{"high":"Infinity"}]}'
    assert params_from_json(text) == {"value": "NaN", "low": "-Infinity", "parts": [{"high": "Infinity"}]}
    assert params_from_json(None) is None and params_from_json("[1]") is None and params_from_json("{") is None
