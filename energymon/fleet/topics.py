"""The MQTT topic scheme v1 of the fleet: where a park publishes its samples, events and site description.

Three kinds of topic, all under ``energymon/v1`` (docs/fleet.md)::

    energymon/v1/<site>/<device>/<quantity>   samples of one channel (kind "samples")
    energymon/v1/<site>/events                the park's events      (kind "events")
    energymon/v1/<site>/site                  the site description, retained (kind "site")

The number of levels tells the kinds apart, so a device may even be called "events". ``<site>`` and
``<device>`` are the config's ids made topic-safe by :func:`escape`: percent-encoding (of the character's
UTF-8 bytes, upper-case hex) of the characters MQTT gives a meaning to or forbids in a topic name ('+',
'#', '/', NUL), of '%' itself, and of the control characters and non-characters MQTT says a topic should
not hold. Every other character, spaces and Chinese included, stays as it is. The escape is reversible
(:func:`unescape`) and canonical: each name has exactly one escaped form, and :func:`unescape` refuses any
other spelling, so one channel can never arrive under two topics. ``<quantity>`` is a canonical quantity
name (``power_w``), which needs no escape.

:func:`shared` makes the MQTT 5 shared subscription (``$share/<group>/<filter>``) through which several
ingest processes split the messages of one filter. Invalid input raises :class:`TopicError` whose message
is one line.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

ROOT = "energymon/v1"
SUBSCRIBE_ALL = f"{ROOT}/#"
SAMPLES, EVENTS, SITE = "samples", "events", "site"  # the kinds of topic, the same words as the payload's
MAX_TOPIC_BYTES = 65_535  # MQTT's limit on a topic's UTF-8 length
QUANTITY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # a canonical quantity's name, e.g. voltage_l1_v

_SPECIAL = frozenset("%+#/\0")
_SHARE_PREFIX = "$share/"


class TopicError(ValueError):
    """A name cannot be made a topic level, or a topic is not one of the scheme's. The message is one line."""


def _show(text: str) -> str:
    """``text`` quoted for a message: escapes (repr) keep it on one line, long text is cut."""
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _needs_escape(ch: str) -> bool:
    """Whether a character is percent-encoded: MQTT's specials and NUL, '%', controls (C0, DEL, C1), non-characters."""
    code = ord(ch)
    return (
        ch in _SPECIAL or code < 0x20 or 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
    )


def escape(name: str) -> str:
    """``name`` (a site or device id) as one topic level: reversible, canonical, never a wildcard or a '/'.

    TopicError for a name that is not text, is empty, or holds a lone surrogate (not encodable as UTF-8).
    """
    if not isinstance(name, str):
        raise TopicError(f"a topic name must be text, not {type(name).__name__}")
    if not name:
        raise TopicError("a topic name must not be empty")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise TopicError(f"name {_show(name)} is not valid Unicode text (a lone surrogate)") from None
    return "".join("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")) if _needs_escape(ch) else ch for ch in name)


def unescape(part: str) -> str:
    """The name one topic level stands for: the inverse of :func:`escape`.

    TopicError for an empty level, a malformed escape, escaped bytes that are not UTF-8, and any spelling
    :func:`escape` would not produce (a raw '+', a lower-case or needless escape): the scheme has one
    topic per name.
    """
    if not isinstance(part, str) or not part:
        raise TopicError("a topic level must be non-empty text")
    try:
        name = urllib.parse.unquote_to_bytes(part).decode("utf-8")
    except UnicodeError:
        raise TopicError(f"topic level {_show(part)} does not escape UTF-8 text") from None
    if escape(name) != part:
        raise TopicError(
            f"topic level {_show(part)} is not escaped as the scheme escapes (expected {_show(escape(name))})"
        )
    return name


def _quantity_level(quantity: str) -> str:
    """``quantity`` checked as a canonical quantity name (it goes into the topic as it is)."""
    if not isinstance(quantity, str) or not QUANTITY_NAME.match(quantity):
        raise TopicError(f"quantity {_show(str(quantity))} is not a quantity name (a-z, 0-9, '_'; at most 64)")
    return quantity


def _checked(topic: str) -> str:
    """``topic`` after the check of MQTT's length limit."""
    if len(topic.encode("utf-8")) > MAX_TOPIC_BYTES:
        raise TopicError(f"topic is longer than MQTT's {MAX_TOPIC_BYTES} bytes")
    return topic


def samples_topic(site: str, device: str, quantity: str) -> str:
    """The topic of one channel's samples: ``energymon/v1/<site>/<device>/<quantity>``."""
    return _checked(f"{ROOT}/{escape(site)}/{escape(device)}/{_quantity_level(quantity)}")


def events_topic(site: str) -> str:
    """The topic of a park's events: ``energymon/v1/<site>/events``."""
    return _checked(f"{ROOT}/{escape(site)}/{EVENTS}")


def site_topic(site: str) -> str:
    """The topic of a park's site description (published retained): ``energymon/v1/<site>/site``."""
    return _checked(f"{ROOT}/{escape(site)}/{SITE}")


def site_filter(site: str) -> str:
    """The subscription filter for everything one park publishes: ``energymon/v1/<site>/#``."""
    return _checked(f"{ROOT}/{escape(site)}/#")


@dataclass(frozen=True)
class Topic:
    """What a topic of the scheme names: the site, the device and quantity (samples only), and the kind."""

    site: str
    device: str | None
    quantity: str | None
    kind: str  # SAMPLES, EVENTS or SITE

    def text(self) -> str:
        """The topic itself (the inverse of :func:`parse_topic`)."""
        if self.kind == SAMPLES:
            if self.device is None or self.quantity is None:
                raise TopicError("a samples topic needs a device and a quantity")
            return samples_topic(self.site, self.device, self.quantity)
        if self.device is not None or self.quantity is not None:
            raise TopicError(f"an {self.kind} topic has no device or quantity")
        if self.kind == EVENTS:
            return events_topic(self.site)
        if self.kind == SITE:
            return site_topic(self.site)
        raise TopicError(f"unknown topic kind {_show(self.kind)}")


def parse_topic(topic: str) -> Topic:
    """What a received topic names. TopicError for any topic that is not one of the scheme v1's."""
    if not isinstance(topic, str):
        raise TopicError(f"a topic must be text, not {type(topic).__name__}")
    levels = topic.split("/")
    if len(levels) < 2 or levels[0] != "energymon":
        raise TopicError(f"topic {_show(topic)} is not under 'energymon/'")
    if levels[1] != "v1":
        raise TopicError(f"topic {_show(topic)} is not of the topic scheme v1")
    if len(levels) == 5:
        return Topic(unescape(levels[2]), unescape(levels[3]), _quantity_level(levels[4]), SAMPLES)
    if len(levels) == 4 and levels[3] in (EVENTS, SITE):
        return Topic(unescape(levels[2]), None, None, levels[3])
    raise TopicError(f"topic {_show(topic)} is none of <site>/<device>/<quantity>, <site>/events, <site>/site")


def check_filter(topic_filter: str) -> str:
    """``topic_filter`` checked as an MQTT subscription filter: '#' only as the last level, '+' only alone."""
    if not isinstance(topic_filter, str) or not topic_filter:
        raise TopicError("a topic filter must be non-empty text")
    if "\0" in topic_filter:
        raise TopicError("a topic filter must not hold NUL")
    levels = topic_filter.split("/")
    for index, level in enumerate(levels):
        if "#" in level and (level != "#" or index != len(levels) - 1):
            raise TopicError(f"filter {_show(topic_filter)}: '#' may only be the whole last level")
        if "+" in level and level != "+":
            raise TopicError(f"filter {_show(topic_filter)}: '+' may only be a whole level")
    return _checked(topic_filter)


def shared(topic: str, group: str) -> str:
    """The MQTT 5 shared subscription ``$share/<group>/<topic>``: the broker gives each message of ``topic``
    (a filter such as SUBSCRIBE_ALL) to one subscriber of ``group``, so ingest processes share the load."""
    if not isinstance(group, str) or not group or any(ch in group for ch in "/+#\0"):
        raise TopicError(f"share group {_show(str(group))} must be non-empty, without '/', '+', '#' or NUL")
    if isinstance(topic, str) and topic.startswith(_SHARE_PREFIX):
        raise TopicError(f"filter {_show(topic)} is shared already")
    return _checked(f"{_SHARE_PREFIX}{group}/{check_filter(topic)}")
