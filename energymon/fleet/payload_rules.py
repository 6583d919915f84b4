"""The rules of the payload v1, shared by its encoders and its decoder (energymon.fleet.payload).

Each function takes a message as JSON objects (dicts, lists, text, numbers) and returns the checked
record of energymon.fleet.messages, or raises PayloadError with a one-line reason naming the field
(``values[3] is not finite``). The encoders run the same functions on what they are given, so they never
make a payload the decoder refuses.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Mapping
from typing import Any

from drivers.quantities import QUANTITIES, Role
from energymon.events import SEVERITIES
from energymon.fleet.messages import EventRecord, EventsMessage, PayloadError, SamplesMessage, SiteMessage
from energymon.fleet.topics import QUANTITY_NAME, TopicError, escape

MAX_SAMPLES = 100_000  # samples in one message
MAX_EVENTS = 100_000  # events in one message
MAX_DEVICES = 100_000  # devices in one site description
MAX_TS_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last instant datetime can show
MAX_DEPTH = 32  # nesting of a params object or a description's further keys
_EVENT_KIND = QUANTITY_NAME  # event kinds are words of the same shape (device_offline, alarm_raised)
_ROLES = frozenset(role.value for role in Role)
_SAMPLES_KEYS = frozenset({"v", "kind", "site", "device", "quantity", "unit", "ts_ms", "values"})
_EVENTS_KEYS = frozenset({"v", "kind", "site", "events"})
_EVENT_KEYS = frozenset({"ts_ms", "device_id", "kind", "severity", "params"})
_SITE_KEYS = frozenset({"v", "kind", "site", "timezone", "devices"})


def show(value: object) -> str:
    """``value`` for a message: repr keeps it on one line, long values are cut."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _name(value: object, where: str) -> str:
    """A site or device id: text that makes a topic level (energymon.fleet.topics.escape)."""
    if not isinstance(value, str):
        raise PayloadError(f"{where} must be text, not {show(value)}")
    try:
        escape(value)
    except TopicError as exc:
        raise PayloadError(f"{where}: {exc}") from None
    return value


def _ts(value: object, where: str) -> int:
    """A time [UTC epoch ms]: an int (not a bool) in 0..MAX_TS_MS."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{where} must be an integer (UTC epoch ms), not {show(value)}")
    if not 0 <= value <= MAX_TS_MS:
        raise PayloadError(f"{where} = {value} is outside 0..{MAX_TS_MS}")
    return value


def _finite(value: object, where: str) -> float:
    """A finite number as a float (a JSON integer counts, a bool does not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(f"{where} must be a number, not {show(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise PayloadError(f"{where} is not finite ({show(value)})")
    return number


def _keys(obj: Mapping[str, Any], required: frozenset[str], what: str, closed: bool = True) -> None:
    """``obj`` has every required key and, when ``closed``, no other."""
    missing = sorted(required - obj.keys())
    if missing:
        raise PayloadError(f"{what} lacks {show(missing[0])}")
    unknown = sorted(obj.keys() - required) if closed else []
    if unknown:
        raise PayloadError(f"{what} has an unknown key {show(unknown[0])}")


def check_json(value: object, where: str, depth: int = 0) -> None:
    """``value`` is plain JSON: objects with text keys, lists, text, ints, finite floats, bools, null."""
    if depth > MAX_DEPTH:
        raise PayloadError(f"{where} is nested deeper than {MAX_DEPTH}")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        _finite(value, where)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise PayloadError(f"{where} has a key that is not text: {show(key)}")
            check_json(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{where}[{index}]", depth + 1)
    else:
        raise PayloadError(f"{where} is not a JSON value: {show(value)}")


def samples_message(obj: Mapping[str, Any]) -> SamplesMessage:
    """The samples message an object holds, checked (the encoder and the decoder share it)."""
    _keys(obj, _SAMPLES_KEYS, "samples message")
    site, device = _name(obj["site"], "site"), _name(obj["device"], "device")
    quantity, unit = obj["quantity"], obj["unit"]
    if not isinstance(quantity, str) or not QUANTITY_NAME.match(quantity):
        raise PayloadError(f"quantity {show(quantity)} is not a quantity name")
    if not isinstance(unit, str):
        raise PayloadError(f"unit must be text, not {show(unit)}")
    known = QUANTITIES.get(quantity)
    if known is not None and unit != known.unit:
        raise PayloadError(f"unit {show(unit)} is not {quantity}'s unit {show(known.unit)}")
    ts_list, value_list = obj["ts_ms"], obj["values"]
    if not isinstance(ts_list, list) or not isinstance(value_list, list):
        raise PayloadError("ts_ms and values must be lists")
    if len(ts_list) != len(value_list):
        raise PayloadError(f"{len(ts_list)} ts_ms but {len(value_list)} values")
    if not ts_list:
        raise PayloadError("no samples")
    if len(ts_list) > MAX_SAMPLES:
        raise PayloadError(f"{len(ts_list)} samples: more than {MAX_SAMPLES:,}")
    ts_ms = tuple(_ts(ts, f"ts_ms[{index}]") for index, ts in enumerate(ts_list))
    for index in range(1, len(ts_ms)):
        if ts_ms[index] <= ts_ms[index - 1]:
            raise PayloadError(
                f"ts_ms[{index}] = {ts_ms[index]} does not follow ts_ms[{index - 1}] = {ts_ms[index - 1]}"
            )
    values = tuple(_finite(value, f"values[{index}]") for index, value in enumerate(value_list))
    return SamplesMessage(site, device, quantity, unit, ts_ms, values)


def _event(obj: object, where: str) -> EventRecord:
    """One event of an events message, checked."""
    if not isinstance(obj, Mapping):
        raise PayloadError(f"{where} must be an object, not {show(obj)}")
    _keys(obj, _EVENT_KEYS, where)
    device_id = obj["device_id"]
    if device_id is not None:
        _name(device_id, f"{where}.device_id")
    kind, severity, params = obj["kind"], obj["severity"], obj["params"]
    if not isinstance(kind, str) or not _EVENT_KIND.match(kind):
        raise PayloadError(f"{where}.kind {show(kind)} is not an event kind")
    if severity not in SEVERITIES:
        raise PayloadError(f"{where}.severity {show(severity)} is none of {', '.join(SEVERITIES)}")
    if not isinstance(params, dict):
        raise PayloadError(f"{where}.params must be an object, not {show(params)}")
    check_json(params, f"{where}.params")
    return EventRecord(_ts(obj["ts_ms"], f"{where}.ts_ms"), device_id, kind, severity, params)


def events_message(obj: Mapping[str, Any]) -> EventsMessage:
    """The events message an object holds, checked."""
    _keys(obj, _EVENTS_KEYS, "events message")
    site, events = _name(obj["site"], "site"), obj["events"]
    if not isinstance(events, list):
        raise PayloadError(f"events must be a list, not {show(events)}")
    if not events:
        raise PayloadError("no events")
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"{len(events)} events: more than {MAX_EVENTS:,}")
    return EventsMessage(site, tuple(_event(event, f"events[{index}]") for index, event in enumerate(events)))


def _device(obj: object, where: str) -> dict[str, Any]:
    """One device of a site description, checked: an id, a role, a rated power [kW] >= 0, further JSON keys."""
    if not isinstance(obj, dict):
        raise PayloadError(f"{where} must be an object, not {show(obj)}")
    _keys(obj, frozenset({"id", "role", "rated_power_kw"}), where, closed=False)
    check_json(obj, where)
    _name(obj["id"], f"{where}.id")
    if obj["role"] not in _ROLES:
        raise PayloadError(f"{where}.role {show(obj['role'])} is none of {', '.join(sorted(_ROLES))}")
    if _finite(obj["rated_power_kw"], f"{where}.rated_power_kw") < 0:
        raise PayloadError(f"{where}.rated_power_kw is negative")
    return obj


def site_message(obj: Mapping[str, Any]) -> SiteMessage:
    """The site message an object holds, checked."""
    _keys(obj, _SITE_KEYS, "site message", closed=False)
    site, timezone, devices = _name(obj["site"], "site"), obj["timezone"], obj["devices"]
    if not isinstance(timezone, str):
        raise PayloadError(f"timezone must be text, not {show(timezone)}")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise PayloadError(f"timezone {show(timezone)} is not a known IANA time zone") from None
    if not isinstance(devices, list):
        raise PayloadError(f"devices must be a list, not {show(devices)}")
    if len(devices) > MAX_DEVICES:
        raise PayloadError(f"{len(devices)} devices: more than {MAX_DEVICES:,}")
    checked = tuple(_device(device, f"devices[{index}]") for index, device in enumerate(devices))
    ids = [device["id"] for device in checked]
    if len(set(ids)) != len(ids):
        duplicate = next(device_id for device_id in ids if ids.count(device_id) > 1)
        raise PayloadError(f"device id {show(duplicate)} appears twice")
    extra = {key: value for key, value in obj.items() if key not in _SITE_KEYS}
    check_json(extra, "site message")
    return SiteMessage(site, timezone, checked, extra)
