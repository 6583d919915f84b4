"""An event's sentence in the reader's language, made from its kind and params: English or 简体中文.

:func:`event_text` is the one place an event is put into words. The
producers (the collector, the data-quality watch, the configured alarms, the
store) build an event's ``params`` (energymon.events: numbers in base units,
durations in s, ids, quantity codes, counts) and store ``event_text(kind,
params, "en")`` as its ``detail``; the GUI and the reports call it again in
their own language. An event without params (stored before they existed), a
kind it does not know, or params it cannot read (another version's) is shown by
its stored detail.

The English is the detail as engineers know it (quantity codes, ``->``); the
Chinese names quantities by their Chinese names (energymon.quantity_names),
durations in 秒 / 分钟 / 小时, and keeps only proper names (device ids, rule
names and ids, file paths, SunSpec, Modbus, PRAGMA quick_check), units and
numbers. What has no Chinese words (a message of SQLite or the operating system
that is not one of the known causes, a driver's message) appears in English
texts only; the Chinese says what kind of fault it was. The store's kinds are
worded in energymon.event_texts_store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from drivers.quantities import QUANTITIES
from energymon import event_texts_store as store_texts
from energymon import events as ev
from energymon.event_texts_store import duration
from energymon.quantity_names import LANGUAGES, quantity_name

Params = Mapping[str, Any]
UNREADABLE = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)

_ROLES_ZH = {"pv": "光伏", "storage": "储能", "load": "负荷", "grid": "电网"}
_REASONS_ZH = {"collector stopped": "采集程序停止"}  # why a configured alarm is no longer watched
# A failed read by kind (drivers.link.ReadError; "sunspec": discovery failed) in Chinese.
READ_ERRORS_ZH = {
    "timeout": "超时无应答",
    "connection": "连接失败或中断",
    "invalid": "应答无效",
    "sunspec": "SunSpec 识别失败",
}


def event_text(kind: str, params: Params | None, lang: str, detail: str = "") -> str:
    """The sentence of an event of ``kind`` with ``params`` in ``lang`` ("en" or "zh"); ``detail`` if there
    are no params (an old event), the kind is not known, or the params cannot be read."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    render = _RENDER.get(kind)
    if params is None or render is None:
        return detail
    try:
        return render(params, lang == "zh")
    except UNREADABLE:
        return detail


# -- numbers, units, durations ----------------------------------------------------------------------------


def _unit(quantity: str, zh: bool) -> str:
    info = QUANTITIES.get(quantity)
    unit = info.unit if info is not None else ""
    return "°C" if zh and unit == "degC" else unit


def show(quantity: str, value: Any, zh: bool = False) -> str:
    """A value with its quantity's unit as a data-quality event names it: ``2010700 W``, ``70.5 Hz``, ``0.98``."""
    v = float(value)
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        text = str(int(v))
    elif zh and not math.isfinite(v):  # no number: no unit either
        return "非数字" if math.isnan(v) else ("正无穷" if v > 0 else "负无穷")
    else:
        text = f"{v:.6g}"
    unit = _unit(quantity, zh)
    return f"{text} {unit}" if unit else text


def show_bounds(quantity: str, low: Any, high: Any, zh: bool = False) -> str:
    """``45..65 Hz``, ``> 0``, ``any finite number`` (zh: 任意有限数)."""
    lo, hi = float(low), float(high)
    if math.isinf(lo) and math.isinf(hi):
        return "任意有限数" if zh else "any finite number"
    if math.isinf(hi):
        return f"> {show(quantity, lo, zh)}"
    unit = _unit(quantity, zh)
    return f"{show('', lo, zh)}..{show('', hi, zh)}" + (f" {unit}" if unit else "")


def _wh(value: Any) -> str:
    return f"{float(value):.3f} Wh"


def _names(quantities: Iterable[str], zh: bool) -> str:
    """Quantities as a list: codes joined by ", " in English, Chinese names joined by "、"."""
    return "、".join(quantity_name(q, "zh") for q in quantities) if zh else ", ".join(quantities)


# -- devices and the collector ------------------------------------------------------------------------------


def read_error_zh(kind: str, code: Any = None) -> str:
    """A failed read in Chinese by its kind (drivers.link.ReadError.kind) and Modbus exception code."""
    if kind == "exception":
        return f"设备返回 Modbus 异常码 {int(code)}" if code is not None else "设备返回 Modbus 异常"
    return READ_ERRORS_ZH.get(kind, "读取失败")


def _errors_zh(errors: Sequence[Params]) -> str:
    """Failed reads in Chinese: each kind once, with how many when more than one."""
    counts: dict[str, int] = {}
    for error in errors:
        phrase = read_error_zh(str(error["kind"]), error.get("code"))
        counts[phrase] = counts.get(phrase, 0) + 1
    return "、".join(phrase if n == 1 else f"{phrase}（{n} 处）" for phrase, n in counts.items())


def read_errors_text(error: str | None, lang: str) -> str:
    """A reading's error (``Reading.error``: ``"kind: message"`` parts joined by ``"; "``) in ``lang``."""
    if lang != "zh" or not error:
        return error or ""
    errors = []
    for part in error.split("; "):
        kind, _, message = part.partition(": ")
        code = message.partition("Modbus exception ")[2].partition(" ")[0]
        errors.append({"kind": kind, "code": int(code) if code.isdigit() else None})
    return _errors_zh(errors)


def _offline(p: Params, zh: bool) -> str:
    errors = p["errors"]
    if zh:
        return ("读取失败：" + _errors_zh(errors)) if errors else "没有数据"
    return "; ".join(str(e["text"]) for e in errors) or "no data"


def degraded_parts(p: Params, zh: bool = False) -> list[str]:
    """The problems of a degraded poll (``device_degraded`` params), one phrase each."""
    errors = p["errors"]
    if zh:
        parts = ["部分读取失败：" + _errors_zh(errors)] if errors else []
    else:
        parts = [str(e["text"]) for e in errors]
    for key, en, zh_words in (
        ("implausible", "implausible: ", "数值不合理："),
        ("missing", "missing: ", "缺少数值："),
        ("not_implemented", "not implemented: ", "设备未提供："),
    ):
        if p.get(key):
            parts.append((zh_words if zh else en) + _names(p[key], zh))
    return parts


def _degraded(p: Params, zh: bool) -> str:
    return ("；" if zh else "; ").join(degraded_parts(p, zh))


def _recovered(p: Params, zh: bool) -> str:
    n, offline_s = int(p["failed_polls"]), p.get("offline_s")
    if zh:
        return f"{n} 次轮询失败后恢复应答" + (f"，离线 {float(offline_s):.0f} 秒" if offline_s is not None else "")
    return f"answering again after {n} failed polls" + (
        f" in {float(offline_s):.0f} s" if offline_s is not None else ""
    )


def _started(p: Params, zh: bool) -> str:
    return f"{int(p['devices'])} 台设备" if zh else f"{int(p['devices'])} devices"


def _sunspec(p: Params, zh: bool) -> str:
    missing = list(p.get("missing") or ())
    if not zh:
        return f"{p['source']}" + (f"; no {', '.join(missing)} in these models" if missing else "")
    models = "、".join(str(int(m)) for m in p["models"])
    text = f"SunSpec 模型 {models}（在地址 {int(p['base'])} 处识别）"
    return text + (f"；这些模型中没有{_names(missing, True)}" if missing else "")


def _implausible(p: Params, zh: bool) -> str:
    q = str(p["quantity"])
    if "from_wh" not in p:  # a value the collector rejected (energymon.collect.validate)
        value = None if p["value"] is None else float(p["value"])
        if zh:
            shown = "无" if value is None else show(q, value, True)
            return f"{quantity_name(q, 'zh')}的读数 {shown} 超出合理范围，已拒收"
        return f"{q} = {value!r} rejected (outside plausible range)"
    jump, next_wh = p.get("limit_wh") is not None, p.get("next_wh")
    if zh:
        text = f"{quantity_name(q, 'zh')}：{_wh(p['from_wh'])} → {_wh(p['to_wh'])}，用时 {int(p['elapsed_ms'])} 毫秒"
        text += f"（上限 {_wh(p['limit_wh'])}）" if jump else "（下降）"
        return text + (f"；已跳过，下一个值 {_wh(next_wh)}" if next_wh is not None else "；已跳过，为最后一个样本")
    text = f"{q}: {_wh(p['from_wh'])} -> {_wh(p['to_wh'])} in {int(p['elapsed_ms'])} ms"
    text += f" (limit {_wh(p['limit_wh'])})" if jump else " (drop)"
    return text + (f"; skipped, next {_wh(next_wh)}" if next_wh is not None else "; skipped, last sample")


def _wrap(p: Params, zh: bool) -> str:
    q, a, b = str(p["quantity"]), _wh(p["from_wh"]), _wh(p["to_wh"])
    if zh:
        return f"{quantity_name(q, 'zh')}：{a} → {b}，在 {_wh(p['wrap_at_wh'])} 处回绕：计入 {_wh(p['energy_wh'])}"
    return f"{q}: {a} -> {b} across {_wh(p['wrap_at_wh'])}: {_wh(p['energy_wh'])}"


def _new_level(p: Params, zh: bool) -> str:
    """counter_reset / meter_replaced: the step, and the next value that confirmed it (or none came)."""
    q, a, b, confirmed = str(p["quantity"]), _wh(p["from_wh"]), _wh(p["to_wh"]), p.get("confirmed_wh")
    if zh:
        tail = f"，已由下一个值 {_wh(confirmed)} 确认；作为新的基准" if confirmed is not None else "，为最后一个样本"
        return f"{quantity_name(q, 'zh')}：{a} → {b}{tail}"
    tail = f", confirmed by {_wh(confirmed)}; new baseline" if confirmed is not None else ", last sample"
    return f"{q}: {a} -> {b}{tail}"


# -- data quality (energymon.collect.quality) ------------------------------------------------------------


def quality_part(part: Params, zh: bool = False) -> str:
    """One ``quantity: what`` part of a data-quality event (``check``: what it found or, for ``ok``, ended)."""
    q, check = str(part["quantity"]), part["check"]
    name = quantity_name(q, "zh") if zh else q
    sep = "：" if zh else ": "
    if check == "ok":
        ended, dur = part["ended"], duration(part["duration_s"], zh)
        en, zh_text = {
            "frozen": (f"moving again after {dur} frozen", f"冻结 {dur}后恢复变化"),
            "counter_flat": (f"counting again after {dur} flat", f"停滞 {dur}后恢复计数"),
            "stale": (f"fresh again after {dur} stale", f"未更新 {dur}后恢复数值"),
            "out_of_range": (f"back in range after {dur}", f"{dur}后回到正常范围"),
        }[ended]
        return name + sep + (zh_text if zh else en)
    if check == "frozen":
        value, polls, dur = show(q, part["value"], zh), int(part["polls"]), duration(part["duration_s"], zh)
        if zh:
            return f"{name}：{value} 在 {polls} 次轮询、{dur}内保持不变，而设备的其他数值在变化"
        return f"{q}: {value} unchanged in {polls} polls over {dur} while the device's other values moved"
    if check == "counter_flat":
        value, dur = show(q, part["value"], zh), duration(part["duration_s"], zh)
        power, step = show("power_w", part["power_w"], zh), show(q, part["step_wh"], zh)
        expected = show(q, round(float(part["expected_wh"])), zh)
        if zh:
            return (
                f"{name}：{value} 已 {dur}未计数，而有功功率为 {power}，表明有电能流动"
                f"（预计约 {expected}；寄存器步长 {step}）"
            )
        return (
            f"{q}: {value} flat for {dur} while power_w says {power} flows "
            f"(about {expected} expected; register step {step})"
        )
    if check == "stale":
        polls, dur = int(part["polls"]), duration(part["duration_s"], zh)
        return (
            f"{name}：连续 {polls} 次有应答的轮询没有数值，历时 {dur}"
            if zh
            else (f"{q}: no value in {polls} answered polls over {dur}")
        )
    if check == "out_of_range":
        value, bounds = show(q, part["value"], zh), show_bounds(q, part["low"], part["high"], zh)
        return f"{name}：{value} 超出 {bounds} 的范围" if zh else f"{q}: {value} outside {bounds}"
    raise ValueError(f"unknown data-quality check {check!r}")


def _quality(p: Params, zh: bool) -> str:
    return ("；" if zh else "; ").join(quality_part(part, zh) for part in p["parts"])


# -- configured alarms (energymon.collect.alarms) --------------------------------------------------------------


def subject_text(subject: str, lang: str) -> str:
    """A configured alarm's subject: a device id as is, "site" (zh: 全站), "role pv" (zh: 光伏合计)."""
    if lang != "zh":
        return subject
    if subject == "site":
        return "全站"
    role = subject.removeprefix("role ")
    return f"{_ROLES_ZH.get(role, role)}合计" if role != subject else subject


def alarm_amount(value: Any, unit: str, zh: bool = False) -> str:
    """A value of an alarm: W in kW (3 decimals), a ratio (unit "") with 3 decimals, else 1 decimal."""
    if value is None:
        return "?"
    v = float(value)
    if unit == "W":
        return f"{v / 1000:.3f} kW"
    if unit == "":
        return f"{v:.3f}"
    return f"{v:.1f} {'°C' if unit == 'degC' else unit}"


def alarm_span(seconds: Any, zh: bool = False) -> str:
    """How long an alarm held or lasted: "45 s", "12 min", "3 h 05 min" (zh: 秒, 分钟, 小时)."""
    s = float(seconds)
    if s < 120:
        return f"{s:.0f} 秒" if zh else f"{s:.0f} s"
    minutes = int(s // 60)
    if minutes < 120:
        return f"{minutes} 分钟" if zh else f"{minutes} min"
    return f"{minutes // 60} 小时 {minutes % 60:02d} 分钟" if zh else f"{minutes // 60} h {minutes % 60:02d} min"


def alarm_condition(kind: str, p: Params, lang: str) -> str:
    """What a configured alarm's event says after the rule's name: value, limit and how long."""
    zh = lang == "zh"
    quantity, unit, above = str(p["quantity"]), str(p["unit"]), p["direction"] == "above"
    name = quantity_name(quantity, "zh") if zh else quantity
    limit, value, span = (
        alarm_amount(p["limit"], unit),
        alarm_amount(p.get("value"), unit),
        alarm_span(p["duration_s"], zh),
    )
    if kind == ev.ALARM_RAISED:
        if zh:
            return f"{name} {value} {'高于' if above else '低于'} {limit}，已持续 {span}"
        return f"{quantity} {value} {p['direction']} {limit} for {span}"
    reason = p.get("reason") or ""
    if reason:
        if zh:
            return f"{name}不再监视（{_REASONS_ZH.get(reason, reason)}），告警持续 {span}"
        return f"{quantity} no longer watched ({reason}) after {span} active"
    if zh:
        return f"{name} {value} 已回到 {limit} {'以下' if above else '以上'}，告警持续 {span}"
    return f"{quantity} {value} back {'below' if above else 'above'} {limit} after {span} active"


def _alarm(kind: str) -> Callable[[Params, bool], str]:
    def render(p: Params, zh: bool) -> str:
        lang = "zh" if zh else "en"
        head = f"{p['rule_id']} [{subject_text(str(p['subject']), lang)}] {p['rule_name']}"
        return head + ("：" if zh else ": ") + alarm_condition(kind, p, lang)

    return render


_RENDER: dict[str, Callable[[Params, bool], str]] = {
    ev.DEVICE_OFFLINE: _offline,
    ev.DEVICE_RECOVERED: _recovered,
    ev.DEVICE_DEGRADED: _degraded,
    ev.DEVICE_COMPLETE: lambda p, zh: "数据恢复完整" if zh else "complete again",
    ev.COLLECTOR_STARTED: _started,
    ev.COLLECTOR_STOPPED: lambda p, zh: "",
    ev.SUNSPEC_DISCOVERED: _sunspec,
    ev.IMPLAUSIBLE_VALUE: _implausible,
    ev.COUNTER_WRAP: _wrap,
    ev.COUNTER_RESET: _new_level,
    ev.METER_REPLACED: _new_level,
    ev.DATA_FROZEN: _quality,
    ev.DATA_STALE: _quality,
    ev.DATA_OUT_OF_RANGE: _quality,
    ev.DATA_OK: _quality,
    ev.ALARM_RAISED: _alarm(ev.ALARM_RAISED),
    ev.ALARM_CLEARED: _alarm(ev.ALARM_CLEARED),
    ev.STORE_MAINTENANCE_FAILED: store_texts.maintenance_failed,
    ev.STORAGE_FAILED: store_texts.storage_failed,
    ev.STORAGE_RESUMED: store_texts.storage_resumed,
    ev.DATABASE_DAMAGED: store_texts.database_damaged,
}
