"""The ingest while PostgreSQL is down (a real server of this test, stopped and started again): the batch is
held unacknowledged, the write retried, one log line when the server goes and one when it is back, and
after it nothing is missing. And a broker restarted under the ingest: the session resumes, nothing lost."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from energymon.fleet.ingest import Ingest
from energymon.fleet.ingest_mqtt import MqttLink
from energymon.fleet.ingest_pg import PgWriter
from fleet.ingest_support import (
    Channel,
    TestPublisher,
    channel_figures,
    eventually,
    run_in_thread,
    sample_messages,
    sent_figures,
)
from fleet.servers import Mosquitto, Postgres

START_MS = (int(time.time() * 1000) // 86_400_000 - 3) * 86_400_000


def test_postgres_down_holds_the_batch_and_writes_it_when_back(
    mqtt_broker: Mosquitto, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    messages = sample_messages(
        [Channel("out", "inv", "power_w")], START_MS, messages_per_channel=4, samples_per_message=100
    )
    before, during = messages[:2], messages[2:]
    with Postgres(tmp_path / "pg") as server:
        ingest = Ingest(MqttLink(mqtt_broker.url, "outage-ingest", "outage"), PgWriter(server.dsn))
        publisher = TestPublisher(mqtt_broker.host, mqtt_broker.port, "outage-publisher")
        running = run_in_thread(ingest)
        try:
            assert eventually(lambda: ingest.link.connected.is_set(), 30)
            time.sleep(0.3)
            publisher.publish_all([(t, p) for t, p, *_ in before])
            assert eventually(lambda: ingest.stats.messages == 2, 60)
            with caplog.at_level(logging.INFO, logger="energymon.fleet"):
                server.stop(remove=False)
                publisher.publish_all([(t, p) for t, p, *_ in during])
                assert eventually(lambda: ingest.postgres_up is False, 30)
                time.sleep(2.0)  # a few retries
                assert ingest.stats.messages == 2  # held: neither written nor acknowledged
                server.start()
                assert eventually(lambda: ingest.stats.messages == 4, 60), ingest.summary()
            assert channel_figures(server.dsn) == sent_figures(messages)
        finally:
            running.close()
            publisher.close()
    down = [r for r in caplog.records if "PostgreSQL unavailable" in r.getMessage()]
    back = [r for r in caplog.records if "PostgreSQL is back" in r.getMessage()]
    assert (len(down), len(back)) == (1, 1), [r.getMessage() for r in caplog.records]


def test_broker_restart_the_session_resumes_and_nothing_is_lost(
    start_mosquitto: Callable[..., Mosquitto], postgres_server: Postgres
) -> None:
    broker = start_mosquitto(persistence=True)
    dsn = postgres_server.create_database("t_ingest_broker_restart")
    messages = sample_messages(
        [Channel("brk", "inv", "power_w"), Channel("brk", "grid", "power_w")],
        START_MS,
        messages_per_channel=10,
        samples_per_message=100,
    )
    ingest = Ingest(MqttLink(broker.url, "restart-ingest", "restart"), PgWriter(dsn))
    running = run_in_thread(ingest)
    try:
        assert eventually(lambda: ingest.link.connected.is_set(), 30)
        time.sleep(0.3)
        publisher = TestPublisher(broker.host, broker.port, "restart-publisher-1")
        publisher.publish_all([(t, p) for t, p, *_ in messages[:10]])
        publisher.close()
        broker.restart()  # the session and its subscription are in the broker's persistence file
        assert eventually(lambda: ingest.link.connected.is_set(), 60)
        publisher = TestPublisher(broker.host, broker.port, "restart-publisher-2")
        publisher.publish_all([(t, p) for t, p, *_ in messages[10:]])
        publisher.close()
        expected = sent_figures(messages)
        assert eventually(lambda: channel_figures(dsn) == expected, 60), channel_figures(dsn)
    finally:
        running.close()
    assert ingest.stats.samples_inserted == sum(n for n, _ in expected.values())
