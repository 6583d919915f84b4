"""Helpers of the ingest tests: a test publisher (paho + energymon.fleet.payload), `energymon ingest` as a
subprocess, and the figures of the central store (counts and sums per channel, rollups recomputed from rows).

The park's real publisher is not used: these tests check the ingest alone, against messages made here.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

from energymon.fleet.ingest import Ingest
from energymon.fleet.payload import encode_samples
from energymon.fleet.topics import samples_topic
from fleet.local_process import wait_until

REPO = Path(__file__).resolve().parents[2]
ENTRY = "import sys; from energymon.cli.main import main; sys.exit(main())"  # `energymon` in this interpreter
SUMMARY = re.compile(r"summary: ([\d,]+) messages, ")
STEP_MS = 5_000  # one sample every 5 s, as the park polls


@dataclass(frozen=True)
class Channel:
    site: str
    device: str
    quantity: str
    unit: str = "W"


def sample_messages(
    channels: Iterable[Channel], start_ms: int, messages_per_channel: int, samples_per_message: int
) -> list[tuple[str, bytes, Channel, list[int], list[float]]]:
    """(topic, payload, channel, ts_ms, values) of consecutive messages per channel, values varied by time."""
    out = []
    for c_index, channel in enumerate(channels):
        for m in range(messages_per_channel):
            first = start_ms + m * samples_per_message * STEP_MS
            ts = [first + i * STEP_MS for i in range(samples_per_message)]
            values = [float((t // STEP_MS) % 997) + c_index * 0.25 for t in ts]
            topic = samples_topic(channel.site, channel.device, channel.quantity)
            out.append(
                (
                    topic,
                    encode_samples(channel.site, channel.device, channel.quantity, channel.unit, ts, values),
                    channel,
                    ts,
                    values,
                )
            )
    return out


class TestPublisher:
    """A QoS 1 MQTT 5 publisher: publish() returns once the broker has acknowledged the message."""

    __test__ = False

    def __init__(self, host: str, port: int | None, client_id: str = "test-publisher") -> None:
        assert port is not None, "the broker is not running"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.connect(host, port, 30)
        self.client.loop_start()

    def publish_all(self, messages: Iterable[tuple[str, bytes]], retain: bool = False) -> None:
        infos = [self.client.publish(topic, payload, qos=1, retain=retain) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=60)
            assert info.is_published(), "the broker did not acknowledge a message within 60 s"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def channel_figures(dsn: str) -> dict[tuple[str, str, str], tuple[int, float]]:
    """(site, device, quantity) -> (sample count, sum of values) in the central store."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT c.site, c.device, c.quantity, count(s.ts_ms), coalesce(sum(s.value), 0) "
            "FROM channels c LEFT JOIN samples s ON s.channel_id = c.id GROUP BY 1, 2, 3"
        ).fetchall()
    return {(s, d, q): (int(n), float(total)) for s, d, q, n, total in rows}


def sent_figures(messages: Iterable[tuple[str, bytes, Channel, list[int], list[float]]]) -> dict:
    """The same figures computed from what was sent (each distinct sample once)."""
    seen: dict[tuple[str, str, str], dict[int, float]] = {}
    for _topic, _payload, channel, ts, values in messages:
        seen.setdefault((channel.site, channel.device, channel.quantity), {}).update(zip(ts, values))
    return {key: (len(by_ts), sum(by_ts.values())) for key, by_ts in seen.items()}


def sample_count(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM samples").fetchone()
    return int(row[0]) if row else 0


def rollups_and_recomputed(dsn: str) -> tuple[list[tuple], list[tuple]]:
    """The rollup_15min rows, and the same rows computed from the samples (both sorted, for equality)."""
    with psycopg.connect(dsn) as conn:
        stored = conn.execute(
            "SELECT channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last "
            "FROM rollup_15min ORDER BY 1, 2"
        ).fetchall()
        samples = conn.execute("SELECT channel_id, ts_ms, value FROM samples ORDER BY 1, 2").fetchall()
    buckets: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for channel_id, ts, value in samples:
        buckets.setdefault((channel_id, ts - ts % 900_000), []).append((ts, value))
    computed = []
    for (channel_id, bucket), rows in sorted(buckets.items()):
        values = [v for _, v in rows]
        computed.append(
            (
                channel_id,
                bucket,
                len(rows),
                sum(values),
                min(values),
                max(values),
                rows[0][0] - bucket,
                rows[0][1],
                rows[-1][0] - bucket,
                rows[-1][1],
            )
        )
    return [tuple(r) for r in stored], computed


def rollups_match(stored: list[tuple], computed: list[tuple]) -> bool:
    """Equal, the sums to a relative 1e-9 (summed in another order)."""
    if len(stored) != len(computed):
        return False
    for a, b in zip(stored, computed):
        if a[:3] != b[:3] or a[4:] != b[4:] or abs(a[3] - b[3]) > 1e-9 * max(1.0, abs(b[3])):
            return False
    return True


class IngestProcess:
    """``energymon ingest`` as a subprocess, its stderr collected in a file."""

    def __init__(self, broker_url: str, dsn: str, client_id: str, log_path: Path, *extra: str) -> None:
        self.log_path = log_path
        argv = [
            sys.executable,
            "-c",
            ENTRY,
            "ingest",
            "--broker",
            broker_url,
            "--postgres",
            dsn,
            "--client-id",
            client_id,
            "--summary-every",
            "1",
            *extra,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(argv, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, env=env)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_connected(self, timeout_s: float = 60) -> None:
        assert wait_until(lambda: "connected (" in self.log() or self.process.poll() is not None, timeout_s), (
            f"ingest did not connect:\n{self.log()[-2000:]}"
        )
        assert self.process.poll() is None, f"ingest exited:\n{self.log()[-2000:]}"

    def last_summary(self) -> str:
        lines = [line for line in self.log().splitlines() if SUMMARY.search(line)]
        return lines[-1] if lines else ""

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()

    def stop(self, timeout_s: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=timeout_s)
        self._log.close()
        return code


def summary_messages(line: str) -> int:
    """The message count of a summary line (``summary: 1,234 messages, ...``)."""
    found = SUMMARY.search(line)
    assert found, f"not a summary line: {line!r}"
    return int(found.group(1).replace(",", ""))


@dataclass
class InProcessIngest:
    """An Ingest running in a thread of the test (for tests that look at its totals)."""

    thread: threading.Thread
    stop: threading.Event
    ingest: Ingest

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def run_in_thread(ingest: Ingest) -> InProcessIngest:
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    thread.start()
    return InProcessIngest(thread, stop, ingest)


def eventually(condition: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    return wait_until(condition, timeout_s)
