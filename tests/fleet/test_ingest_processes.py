"""`energymon ingest` as real processes, with a real Mosquitto and PostgreSQL: two processes of one group
share the messages (each gets some, every sample is written once), and a process killed with SIGKILL in
the middle of a stream and started again loses nothing and doubles nothing (persistent session, messages
acknowledged only after their commit)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fleet.ingest_support import (
    Channel,
    IngestProcess,
    TestPublisher,
    channel_figures,
    eventually,
    rollups_and_recomputed,
    rollups_match,
    sample_count,
    sample_messages,
    sent_figures,
    summary_messages,
)
from fleet.servers import Mosquitto

START_MS = (int(time.time() * 1000) // 86_400_000 - 2) * 86_400_000  # two days ago, UTC midnight


def _channels(sites: int) -> list[Channel]:
    return [Channel(f"park-{i:02d}", device, "power_w") for i in range(sites) for device in ("inv-1", "grid")]


def test_two_processes_in_one_group_share_the_messages(
    mqtt_broker: Mosquitto, postgres_dsn: str, tmp_path: Path
) -> None:
    messages = sample_messages(_channels(5), START_MS, messages_per_channel=20, samples_per_message=50)
    pair = [
        IngestProcess(mqtt_broker.url, postgres_dsn, f"pair-{n}", tmp_path / f"pair-{n}.log", "--group", "pair")
        for n in range(2)
    ]
    try:
        for process in pair:
            process.wait_connected()
        time.sleep(0.5)  # the SUBACKs
        publisher = TestPublisher(mqtt_broker.host, mqtt_broker.port, "pair-publisher")
        try:
            publisher.publish_all([(topic, payload) for topic, payload, *_ in messages])
        finally:
            publisher.close()
        expected = sent_figures(messages)
        assert eventually(lambda: channel_figures(postgres_dsn) == expected, 90), channel_figures(postgres_dsn)
    finally:
        codes = [process.stop() for process in pair]
    assert codes == [0, 0], [process.log()[-1500:] for process in pair]
    split = [summary_messages(process.last_summary()) for process in pair]
    print(f"split of {len(messages)} messages between two ingest processes: {split}")
    assert sum(split) == len(messages)  # each message acknowledged by one of them, once
    assert min(split) > 0, split
    stored, computed = rollups_and_recomputed(postgres_dsn)
    assert rollups_match(stored, computed)


def test_sigkill_mid_stream_loses_nothing_and_doubles_nothing(start_mosquitto, postgres_server, tmp_path: Path) -> None:
    broker = start_mosquitto()
    dsn = postgres_server.create_database("t_ingest_sigkill")
    messages = sample_messages(_channels(3), START_MS, messages_per_channel=60, samples_per_message=200)
    total = sum(len(ts) for *_, ts, _values in messages)
    first = IngestProcess(broker.url, dsn, "killed", tmp_path / "killed-1.log", "--group", "k")
    first.wait_connected()
    time.sleep(0.5)
    publisher = TestPublisher(broker.host, broker.port, "kill-publisher")

    def publish() -> None:
        for start in range(0, len(messages), 10):
            publisher.publish_all([(topic, payload) for topic, payload, *_ in messages[start : start + 10]])
            time.sleep(0.05)

    sender = threading.Thread(target=publish, daemon=True)
    sender.start()
    assert eventually(lambda: sample_count(dsn) > 0, 60)
    first.kill()  # SIGKILL: whatever it received and had not committed was never acknowledged
    at_kill = sample_count(dsn)
    time.sleep(1.0)
    second = IngestProcess(broker.url, dsn, "killed", tmp_path / "killed-2.log", "--group", "k")
    try:
        second.wait_connected()
        sender.join(timeout=120)
        assert not sender.is_alive()
        expected = sent_figures(messages)
        assert eventually(lambda: channel_figures(dsn) == expected, 90), (channel_figures(dsn), second.log()[-1500:])
    finally:
        publisher.close()
        assert second.stop() == 0, second.log()[-1500:]
    print(f"SIGKILL with {at_kill:,} of {total:,} samples stored; after the restart {sample_count(dsn):,}")
    assert 0 < at_kill < total, "the kill did not fall in the middle of the stream"
    assert "session resumed" in second.log()
    stored, computed = rollups_and_recomputed(dsn)
    assert rollups_match(stored, computed)
