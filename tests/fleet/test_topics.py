"""The fleet's MQTT topic scheme v1 (energymon.fleet.topics): reversible, canonical escaping of site and
device ids, the three kinds of topic, parsing, and shared subscriptions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from energymon.fleet.topics import (
    EVENTS,
    SAMPLES,
    SITE,
    SUBSCRIBE_ALL,
    Topic,
    TopicError,
    check_filter,
    escape,
    events_topic,
    parse_topic,
    samples_topic,
    shared,
    site_filter,
    site_topic,
    unescape,
)

# Any text a config could hold (hypothesis' text() leaves out lone surrogates, which are not Unicode text).
names = st.text(min_size=1, max_size=40)
quantities = st.from_regex(r"\A[a-z][a-z0-9_]{0,20}\Z")


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("inv-a1", "inv-a1"),
        ("roof/a", "roof%2Fa"),
        ("a+b", "a%2Bb"),
        ("#1", "%231"),
        ("100%", "100%25"),
        ("nul\0", "nul%00"),
        ("line\nfeed", "line%0Afeed"),
        ("del\x7f", "del%7F"),
        ("c1\x85", "c1%C2%85"),
        ("non\ufffe", "non%EF%BF%BE"),
        ("Xi'an logistics park", "Xi'an logistics park"),
        ("西安 园区", "西安 园区"),
        ("$SYS", "$SYS"),
    ],
)
def test_escape_encodes_only_what_mqtt_forbids_or_gives_a_meaning(name: str, level: str) -> None:
    assert escape(name) == level
    assert unescape(level) == name


@given(names)
def test_escaping_is_reversible_and_never_a_wildcard_nor_a_level_separator(name: str) -> None:
    level = escape(name)
    assert unescape(level) == name
    assert not {"+", "#", "/", "\0"} & set(level)
    assert level


@given(names, names, quantities)
def test_a_samples_topic_has_five_levels_and_parses_back(site: str, device: str, quantity: str) -> None:
    topic = samples_topic(site, device, quantity)
    assert len(topic.split("/")) == 5
    assert not {"+", "#", "\0"} & set(topic)
    parsed = parse_topic(topic)
    assert parsed == Topic(site, device, quantity, SAMPLES)
    assert parsed.text() == topic


@given(names)
def test_events_and_site_topics_have_four_levels_and_parse_back(site: str) -> None:
    for topic, kind in ((events_topic(site), EVENTS), (site_topic(site), SITE)):
        assert len(topic.split("/")) == 4
        assert parse_topic(topic) == Topic(site, None, None, kind)
        assert parse_topic(topic).text() == topic


@given(st.text(max_size=30))
def test_any_level_either_is_refused_or_is_the_one_spelling_of_its_name(part: str) -> None:
    try:
        name = unescape(part)
    except TopicError:
        return
    assert escape(name) == part


def test_the_three_kinds_of_topic() -> None:
    assert samples_topic("xa", "inv-a1", "power_w") == "energymon/v1/xa/inv-a1/power_w"
    assert events_topic("xa") == "energymon/v1/xa/events"
    assert site_topic("xa") == "energymon/v1/xa/site"
    assert site_filter("x/a") == "energymon/v1/x%2Fa/#"
    assert SUBSCRIBE_ALL == "energymon/v1/#"


def test_a_device_called_events_is_still_a_samples_topic() -> None:
    assert parse_topic(samples_topic("xa", "events", "power_w")) == Topic("xa", "events", "power_w", SAMPLES)
    assert parse_topic(samples_topic("xa", "site", "power_w")).kind == SAMPLES


@pytest.mark.parametrize(
    ("part", "reason"),
    [
        ("", "non-empty"),
        ("a+b", "not escaped as the scheme escapes"),
        ("%2f", "not escaped as the scheme escapes"),  # lower-case hex
        ("%41", "not escaped as the scheme escapes"),  # 'A' needs no escape
        ("100%", "not escaped as the scheme escapes"),  # a bare '%'
        ("%zz", "not escaped as the scheme escapes"),
        ("line\nfeed", "not escaped as the scheme escapes"),  # a raw control character
        ("%E4%B8", "does not escape UTF-8 text"),  # half of a character
        ("%FF", "does not escape UTF-8 text"),
        ("\ud800", "does not escape UTF-8 text"),
    ],
)
def test_unescape_refuses_every_other_spelling(part: str, reason: str) -> None:
    with pytest.raises(TopicError, match=reason) as caught:
        unescape(part)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "must not be empty"), ("\ud800x", "lone surrogate"), (7, "must be text")],
)
def test_escape_refuses_what_cannot_be_a_level(name: object, reason: str) -> None:
    with pytest.raises(TopicError, match=reason):
        escape(name)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("topic", "reason"),
    [
        ("other/v1/xa/events", "not under 'energymon/'"),
        ("energymon", "not under 'energymon/'"),
        ("energymon/v2/xa/events", "not of the topic scheme v1"),
        ("energymon/v1/xa", "none of"),
        ("energymon/v1/xa/status", "none of"),
        ("energymon/v1/xa/inv/power_w/extra", "none of"),
        ("energymon/v1//events", "non-empty"),
        ("energymon/v1/+/events", "not escaped as the scheme escapes"),
        ("energymon/v1/xa/inv/Power_W", "not a quantity name"),
        ("energymon/v1/xa/inv/#", "not a quantity name"),
    ],
)
def test_parse_topic_refuses_topics_outside_the_scheme(topic: str, reason: str) -> None:
    with pytest.raises(TopicError, match=reason):
        parse_topic(topic)


def test_a_quantity_must_be_a_quantity_name() -> None:
    with pytest.raises(TopicError, match="not a quantity name"):
        samples_topic("xa", "inv", "power/w")


def test_a_topic_longer_than_mqtt_allows_is_refused() -> None:
    with pytest.raises(TopicError, match="65535 bytes"):
        events_topic("x" * 65_535)
    assert len(events_topic("x" * 65_000).encode()) <= 65_535


def test_topic_text_needs_the_levels_of_its_kind() -> None:
    with pytest.raises(TopicError, match="needs a device"):
        Topic("xa", None, None, SAMPLES).text()
    with pytest.raises(TopicError, match="has no device"):
        Topic("xa", "inv", None, EVENTS).text()
    with pytest.raises(TopicError, match="unknown topic kind"):
        Topic("xa", None, None, "alarms").text()


def test_shared_subscription() -> None:
    assert shared(SUBSCRIBE_ALL, "ingest") == "$share/ingest/energymon/v1/#"
    assert shared("energymon/v1/+/events", "g1") == "$share/g1/energymon/v1/+/events"


@pytest.mark.parametrize(
    ("topic", "group", "reason"),
    [
        (SUBSCRIBE_ALL, "", "share group"),
        (SUBSCRIBE_ALL, "a/b", "share group"),
        (SUBSCRIBE_ALL, "a+", "share group"),
        (SUBSCRIBE_ALL, "#", "share group"),
        ("$share/g/energymon/v1/#", "ingest", "shared already"),
        ("energymon/#/events", "ingest", "'#' may only be the whole last level"),
        ("energymon/v1/x#", "ingest", "'#' may only be the whole last level"),
        ("energymon/v1/a+/events", "ingest", "'+' may only be a whole level"),
        ("", "ingest", "non-empty"),
    ],
)
def test_shared_refuses_bad_groups_and_filters(topic: str, group: str, reason: str) -> None:
    with pytest.raises(TopicError, match=re.escape(reason)):
        shared(topic, group)


def test_check_filter_accepts_the_filters_mqtt_allows() -> None:
    for topic_filter in ("#", "+", "energymon/v1/#", "energymon/v1/+/+/power_w", "energymon/v1/xa/site"):
        assert check_filter(topic_filter) == topic_filter
    with pytest.raises(TopicError, match="NUL"):
        check_filter("energymon/\0")
