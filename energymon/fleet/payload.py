"""The payload format v1 of the fleet's MQTT messages: samples, events and the site description as JSON.

A payload is one UTF-8 JSON object with ``"v": 1`` and a ``"kind"`` (docs/fleet.md has an example of each):

- ``samples``: one channel's samples, ``site``, ``device``, ``quantity``, ``unit`` (the quantity's base unit,
  e.g. "W"), ``ts_ms`` (UTC epoch ms, ints, strictly increasing) and ``values`` (finite floats, as many);
  at most MAX_SAMPLES. Downstream a sample is known by (site, device, quantity, ts_ms), so a re-sent
  message changes nothing.
- ``events``: ``site`` and ``events``, each ``ts_ms``, ``device_id`` (null: the collector itself),
  ``kind``, ``severity`` (energymon.events.SEVERITIES) and ``params`` (a JSON object; a float that is not
  finite is carried as the text "NaN" / "Infinity" / "-Infinity", as the park's database stores it).
- ``site``: ``site``, ``timezone`` (an IANA zone), ``devices`` (objects with ``id``, ``role`` and
  ``rated_power_kw``, and any further keys of the description), and any further keys of the description
  (the site's name, its emission factor, ...), which :class:`SiteMessage` keeps in ``extra``.

The encoders check what they are given with the same rules as :func:`decode`, so no message they make is
refused, and write compact (no spaces) and deterministic JSON (keys sorted, floats in Python's shortest
round-trip form): the same input gives the same bytes. :func:`decode` refuses anything else with a
:class:`PayloadError` whose message is one line: bytes that are not UTF-8 JSON, an unknown version or
kind, a missing or unknown key, a wrong type, NaN or infinity, ts_ms not increasing, lengths that differ,
more than MAX_SAMPLES samples.
"""

from __future__ import annotations

import json
import math
import numbers
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from energymon.events import params_json
from energymon.fleet.messages import (
    EventLike,
    EventRecord,
    EventsMessage,
    Message,
    PayloadError,
    SamplesMessage,
    SiteMessage,
)
from energymon.fleet.payload_rules import (
    MAX_SAMPLES,
    check_json,
    events_message,
    samples_message,
    show,
    site_message,
)
from energymon.fleet.topics import events_topic, samples_topic, site_topic

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "MAX_SAMPLES",
    "PAYLOAD_VERSION",
    "EventRecord",
    "EventsMessage",
    "Message",
    "PayloadError",
    "SamplesMessage",
    "SiteMessage",
    "decode",
    "encode_events",
    "encode_samples",
    "encode_site",
    "topic_of",
]

PAYLOAD_VERSION = 1
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024  # refused before parsing: 100,000 samples take about 4 MB


def _as_float(value: object) -> object:
    """A real number given to the encoder (numpy's, a Fraction) as a float; anything else as it is, for the check."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | float):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    return value


def _dumps(obj: Mapping[str, Any]) -> bytes:
    """Compact, deterministic JSON as UTF-8 (the object is checked already)."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _header(kind: str, site: str) -> dict[str, Any]:
    return {"v": PAYLOAD_VERSION, "kind": kind, "site": site}


def encode_samples(
    site: str, device: str, quantity: str, unit: str, ts_ms: Sequence[int], values: Sequence[float]
) -> bytes:
    """One channel's samples as a payload: values [``unit``, the quantity's base unit] at ts_ms [UTC epoch ms].

    ``ts_ms`` may hold any integers (numpy's too), ``values`` any real numbers; PayloadError for anything
    :func:`decode` would refuse.
    """
    try:
        ts_list = [operator.index(ts) for ts in ts_ms]
    except TypeError as exc:
        raise PayloadError(f"ts_ms must be integers (UTC epoch ms): {exc}") from None
    value_list = [_as_float(value) for value in values]
    obj = {**_header("samples", site), "device": device, "quantity": quantity, "unit": unit}
    obj.update(ts_ms=ts_list, values=value_list)
    samples_message(obj)
    return _dumps(obj)


def encode_events(site: str, events: Iterable[EventLike]) -> bytes:
    """A park's events as a payload (energymon.events.Event records or EventRecords).

    An event without params (stored before params existed) is sent with ``{}``; its English detail is not
    part of the payload v1.
    """
    records = []
    for index, event in enumerate(events):
        try:
            params = json.loads(params_json(event.params) or "{}")
        except (TypeError, ValueError) as exc:
            raise PayloadError(f"events[{index}].params is not JSON: {str(exc).splitlines()[0]}") from None
        records.append(
            {
                "ts_ms": event.ts_ms,
                "device_id": event.device_id,
                "kind": event.kind,
                "severity": event.severity,
                "params": params,
            }
        )
    obj = {**_header("events", site), "events": records}
    events_message(obj)
    return _dumps(obj)


def encode_site(site: str, description: Mapping[str, Any]) -> bytes:
    """A park's site description as a payload (published retained).

    ``description`` holds ``timezone`` and ``devices`` and may hold further keys (plain JSON values);
    it may not hold ``v``, ``kind`` or ``site``.
    """
    if not isinstance(description, Mapping):
        raise PayloadError(f"the site description must be a mapping, not {show(description)}")
    reserved = sorted({"v", "kind", "site"} & description.keys())
    if reserved:
        raise PayloadError(f"the site description may not hold {show(reserved[0])}")
    obj = {**_header("site", site), **description}
    check_json(obj, "site message")
    site_message(obj)
    return _dumps(obj)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the payload; a key given twice is refused (json would keep the last silently)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise PayloadError(f"key {show(key)} appears twice in one object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> None:
    """NaN, Infinity and -Infinity, which Python's json reads but JSON lacks, are refused."""
    raise PayloadError(f"{name} is not a finite number")


def decode(payload: bytes) -> Message:
    """The message a payload holds; PayloadError (one line) for anything that is not a valid v1 message."""
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise PayloadError(f"a payload must be bytes, not {type(payload).__name__}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"payload of {len(payload):,} bytes: more than {MAX_PAYLOAD_BYTES:,}")
    try:
        text = bytes(payload).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(f"payload is not UTF-8 (byte {exc.start})") from None
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"payload is not JSON: {exc.msg} at character {exc.pos}") from None
    except RecursionError:
        raise PayloadError("payload is nested too deeply") from None
    except PayloadError:
        raise
    except ValueError as exc:  # an integer literal longer than Python reads (sys.get_int_max_str_digits)
        raise PayloadError(f"payload is not JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(obj, dict):
        raise PayloadError(f"payload is not a JSON object but {type(obj).__name__}")
    if "v" not in obj:
        raise PayloadError("payload has no version ('v')")
    version = obj["v"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise PayloadError(f"version {show(version)} is not an integer")
    if version != PAYLOAD_VERSION:
        raise PayloadError(f"unknown payload version {version} (this reader knows {PAYLOAD_VERSION})")
    if "kind" not in obj:
        raise PayloadError("payload has no kind")
    kind = obj["kind"]
    if kind == "samples":
        return samples_message(obj)
    if kind == "events":
        return events_message(obj)
    if kind == "site":
        return site_message(obj)
    raise PayloadError(f"unknown kind {show(kind)} (samples, events or site)")


def topic_of(message: Message) -> str:
    """The topic a message is published on (energymon.fleet.topics); ingest compares it with the topic it came on."""
    if isinstance(message, SamplesMessage):
        return samples_topic(message.site, message.device, message.quantity)
    if isinstance(message, EventsMessage):
        return events_topic(message.site)
    return site_topic(message.site)
