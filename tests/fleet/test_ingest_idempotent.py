"""The ingest end to end in this process, with a real Mosquitto and PostgreSQL: what two sites send arrives
once (counts and sums per channel), the same messages sent again change nothing (samples, events, rollups),
rollups equal those recomputed from the rows, and refused payloads are counted, acknowledged, and do not
stop the rest."""

from __future__ import annotations

import time

import psycopg
import pytest

from energymon.fleet.ingest import Ingest
from energymon.fleet.ingest_mqtt import MqttLink
from energymon.fleet.ingest_pg import PgWriter
from energymon.fleet.messages import EventRecord
from energymon.fleet.payload import encode_events, encode_samples
from energymon.fleet.topics import events_topic, samples_topic
from fleet.ingest_support import (
    Channel,
    TestPublisher,
    channel_figures,
    eventually,
    rollups_and_recomputed,
    rollups_match,
    run_in_thread,
    sample_messages,
    sent_figures,
)
from fleet.servers import Mosquitto

START_MS = (int(time.time() * 1000) // 86_400_000 - 1) * 86_400_000  # yesterday, UTC midnight
CHANNELS = [
    Channel("西安 园区", "inv-a1", "power_w"),
    Channel("西安 园区", "grid", "import_wh", "Wh"),
    Channel("roof/b", "inv-b1", "power_w"),
]


def _ingest(broker: Mosquitto, dsn: str, client_id: str) -> Ingest:
    """An ingest in a group of its own: a persistent session of another test would still take its share of a
    shared group's messages (queued for it while it is away)."""
    link = MqttLink(broker.url, client_id, f"group-{client_id}")
    return Ingest(link, PgWriter(dsn), summary_every_s=1.0)


@pytest.fixture
def publisher(mqtt_broker: Mosquitto):
    pub = TestPublisher(mqtt_broker.host, mqtt_broker.port, "idem-publisher")
    yield pub
    pub.close()


def test_two_sites_arrive_once_and_a_resend_changes_nothing(mqtt_broker, postgres_dsn, publisher) -> None:
    messages = sample_messages(CHANNELS, START_MS, messages_per_channel=6, samples_per_message=300)
    events = [
        EventRecord(START_MS, None, "collector_started", "info", {}),
        EventRecord(START_MS + 5_000, "inv-a1", "device_offline", "error", {"value": "NaN"}),
    ]
    event_message = (events_topic("西安 园区"), encode_events("西安 园区", events))
    running = run_in_thread(_ingest(mqtt_broker, postgres_dsn, "idem-ingest"))
    try:
        assert eventually(lambda: running.ingest.link.connected.is_set(), 30)
        time.sleep(0.3)  # the SUBACK
        publisher.publish_all([(t, p) for t, p, *_ in messages] + [event_message])
        expected = sent_figures(messages)
        assert eventually(lambda: channel_figures(postgres_dsn) == expected, 60), channel_figures(postgres_dsn)
        stored, computed = rollups_and_recomputed(postgres_dsn)
        assert rollups_match(stored, computed) and len(stored) > 3

        acked = running.ingest.stats.messages
        publisher.publish_all([(t, p) for t, p, *_ in messages] + [event_message])  # the same again
        assert eventually(lambda: running.ingest.stats.messages == 2 * acked, 60)
        assert channel_figures(postgres_dsn) == expected
        assert rollups_and_recomputed(postgres_dsn)[0] == stored
        stats = running.ingest.stats
        assert stats.samples_inserted == sum(n for n, _ in expected.values())
        assert stats.samples_duplicate == stats.samples_inserted
        assert stats.events_inserted == 2
    finally:
        running.close()
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (2,)


def test_refused_payloads_are_counted_acknowledged_and_the_rest_goes_on(mqtt_broker, postgres_dsn, publisher) -> None:
    good_ts = [START_MS + 10 * 86_400_000 + i * 5_000 for i in range(3)]
    good = (samples_topic("p9", "m1", "power_w"), encode_samples("p9", "m1", "power_w", "W", good_ts, [1.0, 2.0, 3.0]))
    other = encode_samples("p8", "m1", "power_w", "W", good_ts, [1.0, 2.0, 3.0])
    bad = [
        (samples_topic("p9", "m1", "power_w"), b'{"v":2,"kind":"samples"}'),  # unknown version
        (samples_topic("p9", "m1", "power_w"), b"not json"),
        (samples_topic("p9", "m1", "power_w"), b"not json either"),  # the same kind of reason: logged once
        (samples_topic("p9", "m2", "power_w"), good[1]),  # topic and content disagree
        (samples_topic("p9", "m1", "power_w"), other),  # content of another site
        ("energymon/v1/p9/x", good[1]),  # not a topic of the scheme
        # valid v1, but text PostgreSQL cannot hold (NUL): refused by the server, so alone
        (samples_topic("p\0x", "m1", "power_w"), encode_samples("p\0x", "m1", "power_w", "W", good_ts, [1.0] * 3)),
    ]
    ingest = _ingest(mqtt_broker, postgres_dsn, "refuse-ingest")
    running = run_in_thread(ingest)
    try:
        assert eventually(lambda: ingest.link.connected.is_set(), 30)
        time.sleep(0.3)
        publisher.publish_all([*bad, good])
        assert eventually(lambda: ingest.stats.messages == len(bad) + 1, 60), ingest.summary()
    finally:
        running.close()
    assert ingest.stats.refused == len(bad)
    assert channel_figures(postgres_dsn)[("p9", "m1", "power_w")] == (3, 6.0)
    assert ("p8", "m1", "power_w") not in channel_figures(postgres_dsn)
    # acknowledged: the same persistent session, reconnected, is sent none of them again
    again = _ingest(mqtt_broker, postgres_dsn, "refuse-ingest")
    running = run_in_thread(again)
    try:
        assert eventually(lambda: again.link.connected.is_set(), 30)
        time.sleep(1.5)
    finally:
        running.close()
    assert again.stats.messages == 0 and again.stats.refused == 0
