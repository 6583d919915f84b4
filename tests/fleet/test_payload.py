"""The fleet's payload format v1 (energymon.fleet.payload): round trips of the three kinds, compact and
deterministic bytes, and every refusal of the decoder with its one-line reason."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energymon.events import Event
from energymon.fleet.payload import (
    MAX_PAYLOAD_BYTES,
    MAX_SAMPLES,
    PAYLOAD_VERSION,
    EventRecord,
    EventsMessage,
    PayloadError,
    SamplesMessage,
    SiteMessage,
    decode,
    encode_events,
    encode_samples,
    encode_site,
    topic_of,
)

names = st.text(min_size=1, max_size=20)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_scalars = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | finite | st.text(max_size=10)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
SITE_DESCRIPTION = {
    "timezone": "Asia/Shanghai",
    "name": "西安物流园",
    "emission_factor_kg_per_kwh": 0.5543,
    "devices": [
        {"id": "inv-a1", "role": "pv", "rated_power_kw": 110.0, "name": "Roof A inverter 1"},
        {"id": "grid", "role": "grid", "rated_power_kw": 5000.0},
        {"id": "irr", "role": "meteo", "rated_power_kw": 0.0},
    ],
}


def compact(payload: bytes) -> bytes:
    """The payload rewritten by json with no spaces and sorted keys: what a compact, deterministic one equals."""
    return json.dumps(json.loads(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@st.composite
def samples_args(draw: st.DrawFn) -> tuple[str, str, str, str, list[int], list[float]]:
    ts_ms = sorted(draw(st.sets(st.integers(0, 253_402_300_799_999), min_size=1, max_size=50)))
    values = draw(st.lists(finite, min_size=len(ts_ms), max_size=len(ts_ms)))
    return draw(names), draw(names), "power_w", "W", ts_ms, values


@given(samples_args())
def test_samples_round_trip(args: tuple[str, str, str, str, list[int], list[float]]) -> None:
    payload = encode_samples(*args)
    site, device, quantity, unit, ts_ms, values = args
    assert decode(payload) == SamplesMessage(site, device, quantity, unit, tuple(ts_ms), tuple(values))
    assert payload == compact(payload)
    assert encode_samples(*args) == payload


events = st.builds(
    EventRecord,
    ts_ms=st.integers(0, 2**45),
    device_id=st.none() | names,
    kind=st.sampled_from(["device_offline", "alarm_raised", "a_future_kind"]),
    severity=st.sampled_from(["info", "warning", "error", "critical"]),
    params=st.dictionaries(st.text(max_size=5), json_values, max_size=4),
)


@given(names, st.lists(events, min_size=1, max_size=5))
def test_events_round_trip(site: str, records: list[EventRecord]) -> None:
    payload = encode_events(site, records)
    assert decode(payload) == EventsMessage(site, tuple(records))
    assert payload == compact(payload)


@given(names, st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=4))
def test_site_round_trip_keeps_every_further_key(site: str, extra: dict[str, Any]) -> None:
    extra = {key: value for key, value in extra.items() if key not in ("v", "kind", "site", "timezone", "devices")}
    description = {**SITE_DESCRIPTION, **extra}
    message = decode(encode_site(site, description))
    assert isinstance(message, SiteMessage)
    assert message.site == site and message.timezone == "Asia/Shanghai"
    assert list(message.devices) == SITE_DESCRIPTION["devices"]
    assert message.description() == description


def test_the_store_s_events_encode_as_they_are_stored() -> None:
    stored = [
        Event(1_000, None, "collector_started", "info", "collector started", None),
        Event(2_000, "inv-a1", "data_frozen", "warning", "frozen", {"quantity": "power_w", "value": float("nan")}),
    ]
    message = decode(encode_events("xa", stored))
    assert message == EventsMessage(
        "xa",
        (
            EventRecord(1_000, None, "collector_started", "info", {}),
            EventRecord(2_000, "inv-a1", "data_frozen", "warning", {"quantity": "power_w", "value": "NaN"}),
        ),
    )


def test_encoding_is_compact_and_deterministic() -> None:
    payload = encode_samples("xa", "inv-a1", "power_w", "W", [1, 2], [1.5, -2.0])
    assert payload == (
        b'{"device":"inv-a1","kind":"samples","quantity":"power_w","site":"xa",'
        b'"ts_ms":[1,2],"unit":"W","v":1,"values":[1.5,-2.0]}'
    )
    reordered = dict(reversed(list(SITE_DESCRIPTION.items())))
    assert encode_site("xa", reordered) == encode_site("xa", SITE_DESCRIPTION)
    assert "西安物流园".encode() in encode_site("xa", SITE_DESCRIPTION)  # UTF-8, not \\u escapes


def test_numpy_arrays_encode_like_lists() -> None:
    ts_ms, values = np.array([10, 20, 30], dtype=np.int64), np.array([1.0, 2.5, 3.0], dtype=np.float32)
    assert encode_samples("xa", "inv", "power_w", "W", ts_ms, values) == encode_samples(  # type: ignore[arg-type]
        "xa", "inv", "power_w", "W", [10, 20, 30], [1.0, 2.5, 3.0]
    )


def test_integer_values_decode_as_floats() -> None:
    message = decode(_payload())
    assert isinstance(message, SamplesMessage)
    assert message.values == (230.0, 231.5) and all(type(value) is float for value in message.values)


def test_topic_of_each_message() -> None:
    assert topic_of(decode(_payload())) == "energymon/v1/xa/inv-a1/power_w"
    assert topic_of(decode(encode_events("x/a", [EventRecord(1, None, "collector_started", "info")]))) == (
        "energymon/v1/x%2Fa/events"
    )
    assert topic_of(decode(encode_site("xa", SITE_DESCRIPTION))) == "energymon/v1/xa/site"


def test_the_most_samples_a_message_may_hold() -> None:
    ts_ms = list(range(MAX_SAMPLES))
    message = decode(encode_samples("xa", "inv", "power_w", "W", ts_ms, [0.0] * MAX_SAMPLES))
    assert isinstance(message, SamplesMessage) and len(message.values) == MAX_SAMPLES
    with pytest.raises(PayloadError, match="100001 samples: more than 100,000"):
        encode_samples("xa", "inv", "power_w", "W", [*ts_ms, MAX_SAMPLES], [0.0] * (MAX_SAMPLES + 1))


def _samples(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "v": PAYLOAD_VERSION,
        "kind": "samples",
        "site": "xa",
        "device": "inv-a1",
        "quantity": "power_w",
        "unit": "W",
        "ts_ms": [1_000, 2_000],
        "values": [230, 231.5],
    }
    obj.update(changes)
    return {key: value for key, value in obj.items() if value is not DROP}


def _payload(**changes: Any) -> bytes:
    return json.dumps(_samples(**changes)).encode()


def _events(*records: Any, **changes: Any) -> bytes:
    event = {"ts_ms": 1, "device_id": "inv", "kind": "device_offline", "severity": "error", "params": {}}
    obj = {"v": 1, "kind": "events", "site": "xa", "events": [dict(event, **record) for record in records]}
    obj.update(changes)
    return json.dumps(obj).encode()


def _site(*devices: Any, **changes: Any) -> bytes:
    device = {"id": "inv", "role": "pv", "rated_power_kw": 10.0}
    obj = {"v": 1, "kind": "site", "site": "xa", "timezone": "Asia/Shanghai"}
    obj["devices"] = [{key: v for key, v in dict(device, **d).items() if v is not DROP} for d in devices]
    obj.update(changes)
    return json.dumps({key: value for key, value in obj.items() if value is not DROP}).encode()


DROP = object()  # a key left out

REFUSED = [
    (b"\xff\xfe", "payload is not UTF-8 (byte 0)"),
    (b"{", "payload is not JSON: Expecting property name enclosed in double quotes at character 1"),
    (b"[" * 100_000 + b"]" * 100_000, "payload is nested too deeply"),
    (b"1" * 5_000, "payload is not JSON: Exceeds the limit"),
    (b"[1]", "payload is not a JSON object but list"),
    (b'{"kind": "samples"}', "payload has no version ('v')"),
    (_payload(v=2), "unknown payload version 2 (this reader knows 1)"),
    (_payload(v="1"), "version '1' is not an integer"),
    (_payload(v=True), "version True is not an integer"),
    (_payload(kind=DROP), "payload has no kind"),
    (_payload(kind="readings"), "unknown kind 'readings' (samples, events or site)"),
    (b'{"v":1,"v":1}', "key 'v' appears twice in one object"),
    (_payload(values=DROP), "samples message lacks 'values'"),
    (_payload(extra=1), "samples message has an unknown key 'extra'"),
    (_payload(site=3), "site must be text, not 3"),
    (_payload(site=""), "site: a topic name must not be empty"),
    (_payload(device=None), "device must be text, not None"),
    (_payload(quantity="Power"), "quantity 'Power' is not a quantity name"),
    (_payload(unit=None), "unit must be text, not None"),
    (_payload(unit="kW"), "unit 'kW' is not power_w's unit 'W'"),
    (_payload(ts_ms={"a": 1}), "ts_ms and values must be lists"),
    (_payload(values=[1.0]), "2 ts_ms but 1 values"),
    (_payload(ts_ms=[], values=[]), "no samples"),
    (_payload(ts_ms=[1_000, 1_000]), "ts_ms[1] = 1000 does not follow ts_ms[0] = 1000"),
    (_payload(ts_ms=[2_000, 1_000]), "ts_ms[1] = 1000 does not follow ts_ms[0] = 2000"),
    (_payload(ts_ms=[1_000, 2_000.0]), "ts_ms[1] must be an integer (UTC epoch ms), not 2000.0"),
    (_payload(ts_ms=[True, 2]), "ts_ms[0] must be an integer (UTC epoch ms), not True"),
    (_payload(ts_ms=[-1, 2]), "ts_ms[0] = -1 is outside 0..253402300799999"),
    (_payload(ts_ms=[1, 10**15]), "ts_ms[1] = 1000000000000000 is outside 0..253402300799999"),
    (_payload(values=[1.0, "2"]), "values[1] must be a number, not '2'"),
    (_payload(values=[None, 1.0]), "values[0] must be a number, not None"),
    (_payload(values=[False, 1.0]), "values[0] must be a number, not False"),
    (_payload().replace(b"231.5", b"NaN"), "NaN is not a finite number"),
    (_payload().replace(b"231.5", b"-Infinity"), "-Infinity is not a finite number"),
    (_payload().replace(b"231.5", b"1e400"), "values[1] is not finite (inf)"),
    (_payload().replace(b"230", b"1" + b"0" * 400), "values[0] is not finite"),
    (_events(events=[]), "no events"),
    (_events(events={}), "events must be a list, not {}"),
    (_events({}, events=[1]), "events[0] must be an object, not 1"),
    (_events({"params": None}), "events[0].params must be an object, not None"),
    (_events({"extra": 1}), "events[0] has an unknown key 'extra'"),
    (_events({}).replace(b', "params": {}', b""), "events[0] lacks 'params'"),
    (_events({"severity": "fatal"}), "events[0].severity 'fatal' is none of info, warning, error, critical"),
    (_events({"kind": "Device offline"}), "events[0].kind 'Device offline' is not an event kind"),
    (_events({"device_id": ""}), "events[0].device_id: a topic name must not be empty"),
    (_events({"ts_ms": 1.5}), "events[0].ts_ms must be an integer (UTC epoch ms), not 1.5"),
    (_events({"params": {"a": [1e400]}}).replace(b"Infinity", b"1e400"), "events[0].params.a[0] is not finite (inf)"),
    (_events({"params": {"a": 1.0}}).replace(b"1.0", b"NaN"), "NaN is not a finite number"),
    (_events({"params": {"a": json.loads("[" * 40 + "]" * 40)}}), "is nested deeper than 32"),
    (_site({}, timezone="Mars/Olympus"), "timezone 'Mars/Olympus' is not a known IANA time zone"),
    (_site({}, timezone=8), "timezone must be text, not 8"),
    (_site({}, timezone=DROP), "site message lacks 'timezone'"),
    (_site(devices={}), "devices must be a list, not {}"),
    (_site({}, {}), "device id 'inv' appears twice"),
    (_site({"role": "pump"}), "devices[0].role 'pump' is none of grid, load, meteo, pv, storage"),
    (_site({"rated_power_kw": -1}), "devices[0].rated_power_kw is negative"),
    (_site({"rated_power_kw": "10"}), "devices[0].rated_power_kw must be a number, not '10'"),
    (_site({"id": DROP}), "devices[0] lacks 'id'"),
    (_site({"id": "a/b\u0000"}).replace(b"\\u0000", b"\\ud800"), "devices[0].id: name 'a/b\\ud800' is not valid"),
    (_site(devices=["inv"]), "devices[0] must be an object, not 'inv'"),
]


@pytest.mark.parametrize(("payload", "reason"), REFUSED, ids=[reason[:50] for _payload, reason in REFUSED])
def test_decode_refuses_with_a_one_line_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(PayloadError) as caught:
        decode(payload)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message


def test_decode_refuses_what_is_not_bytes_or_too_big() -> None:
    with pytest.raises(PayloadError, match="a payload must be bytes, not str"):
        decode("{}")  # type: ignore[arg-type]
    with pytest.raises(PayloadError, match=re.escape("payload of 16,777,217 bytes: more than 16,777,216")):
        decode(b" " * (MAX_PAYLOAD_BYTES + 1))


@given(st.binary(max_size=200))
def test_decode_of_any_bytes_is_a_message_or_a_payload_error(payload: bytes) -> None:
    try:
        decode(payload)
    except PayloadError as exc:
        assert "\n" not in str(exc)


@given(st.sampled_from([_payload(), _events({}), _site({})]), st.data())
def test_a_cut_or_altered_payload_is_a_message_or_a_payload_error(payload: bytes, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(payload) - 1))
    altered = payload[:index] + data.draw(st.binary(max_size=3)) + payload[index + 1 :]
    try:
        decode(altered)
    except PayloadError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: encode_samples("xa", "inv", "power_w", "W", [1, 2], [1.0, float("nan")]), "values[1] is not finite"),
        (lambda: encode_samples("xa", "inv", "power_w", "W", [2, 1], [1.0, 2.0]), "does not follow"),
        (lambda: encode_samples("xa", "inv", "power_w", "W", [1.5], [1.0]), "ts_ms must be integers"),  # type: ignore[list-item]
        (lambda: encode_samples("xa", "inv", "power_w", "W", [1], [10**400]), "values[0] is not finite"),
        (lambda: encode_samples("xa", "inv", "power_w", "W", [1, 2], [1.0]), "2 ts_ms but 1 values"),
        (lambda: encode_samples("", "inv", "power_w", "W", [1], [1.0]), "site: a topic name must not be empty"),
        (lambda: encode_events("xa", []), "no events"),
        (lambda: encode_events("xa", [EventRecord(1, None, "x", "info", {"a": object()})]), "params is not JSON"),
        (lambda: encode_site("xa", {**SITE_DESCRIPTION, "v": 2}), "may not hold 'v'"),
        (lambda: encode_site("xa", {**SITE_DESCRIPTION, "peak": float("inf")}), "site message.peak is not finite"),
        (lambda: encode_site("xa", {**SITE_DESCRIPTION, "when": {1: "a"}}), "has a key that is not text: 1"),
        (lambda: encode_site("xa", {**SITE_DESCRIPTION, "pair": (1, 2)}), "is not a JSON value: (1, 2)"),
        (lambda: encode_site("xa", ["timezone"]), "must be a mapping"),  # type: ignore[arg-type]
    ],
)
def test_the_encoders_refuse_what_decode_would(call: Any, reason: str) -> None:
    with pytest.raises(PayloadError, match=re.escape(reason)):
        call()
