"""The real servers the fleet tests stand on: Mosquitto carries QoS 1 and keeps a persistent session's queue
across a restart, PostgreSQL takes a table and gives the rows back, and stopping leaves no process behind.

These are what store-and-forward and the central ingest will rely on, checked against the engines
themselves (tests/fleet/servers.py) rather than against our own code.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from fleet.local_process import HOST, child_pids, process_running
from fleet.servers import Mosquitto, Postgres, in_ci, missing_packages, require_packages

pytestmark = pytest.mark.process

TIMEOUT_S = 10.0
SESSION_EXPIRY_S = 3600


class Client:
    """A paho-mqtt v5 client on its own network thread: connects, records CONNACK and received messages."""

    def __init__(self, client_id: str, *, username: str | None = None, password: str | None = None) -> None:
        self.paho = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5)
        if username is not None:
            self.paho.username_pw_set(username, password)
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.reason: ReasonCode | None = None
        self.session_present: bool | None = None
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self.paho.on_connect = self._on_connect
        self.paho.on_subscribe = lambda *_args: self.subscribed.set()
        self.paho.on_message = lambda _client, _userdata, message: self.messages.put(message)

    def _on_connect(
        self, _client: object, _userdata: object, flags: mqtt.ConnectFlags, reason: ReasonCode, _properties: object
    ) -> None:
        self.reason, self.session_present = reason, flags.session_present
        if reason.is_failure:
            self.paho.disconnect()  # refused: no reconnect attempts in the background
        self.connected.set()

    def connect(self, broker: Mosquitto, *, clean_start: bool = True) -> ReasonCode:
        """Connect (a persistent session when ``clean_start`` is false) and wait for the CONNACK; its reason."""
        properties = Properties(PacketTypes.CONNECT)
        if not clean_start:
            properties.SessionExpiryInterval = SESSION_EXPIRY_S
        assert broker.port is not None
        self.connected.clear()
        self.paho.connect(HOST, broker.port, clean_start=clean_start, properties=properties)
        self.paho.loop_start()
        assert self.connected.wait(TIMEOUT_S), "no CONNACK"
        assert self.reason is not None
        return self.reason

    def subscribe(self, topic: str) -> None:
        self.subscribed.clear()
        self.paho.subscribe(topic, qos=1)
        assert self.subscribed.wait(TIMEOUT_S), "no SUBACK"

    def publish_acknowledged(self, topic: str, payload: bytes) -> None:
        """Publish at QoS 1 and wait for the broker's PUBACK."""
        info = self.paho.publish(topic, payload, qos=1)
        info.wait_for_publish(TIMEOUT_S)
        assert info.is_published(), "no PUBACK"

    def close(self) -> None:
        self.paho.disconnect()
        self.paho.loop_stop()


@pytest.fixture
def clients() -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(client_id: str, **credentials: str) -> Client:
        made.append(Client(client_id, **credentials))
        return made[-1]

    yield make
    for client in made:
        client.close()


def test_a_qos1_message_reaches_the_subscriber(mqtt_broker: Mosquitto, clients: Callable[..., Client]) -> None:
    subscriber, publisher = clients("sub"), clients("pub")
    assert subscriber.connect(mqtt_broker).is_failure is False
    subscriber.subscribe("energymon/v1/site-a/#")
    publisher.connect(mqtt_broker)
    publisher.publish_acknowledged("energymon/v1/site-a/inv-a1/power_w", b'{"v": 1}')
    message = subscriber.messages.get(timeout=TIMEOUT_S)
    assert (message.topic, message.payload, message.qos) == ("energymon/v1/site-a/inv-a1/power_w", b'{"v": 1}', 1)


@pytest.mark.parametrize("persistence", [True, False], ids=["persistence", "no-persistence"])
def test_a_persistent_session_keeps_its_queued_qos1_message_across_a_broker_restart(
    start_mosquitto: Callable[..., Mosquitto], clients: Callable[..., Client], persistence: bool
) -> None:
    broker = start_mosquitto(persistence=persistence)
    port = broker.port
    ingest = clients("ingest-1")
    ingest.connect(broker, clean_start=False)
    ingest.subscribe("energymon/v1/#")
    ingest.close()  # offline: the broker queues QoS 1 messages for its session
    publisher = clients("park-1")
    publisher.connect(broker)
    publisher.publish_acknowledged("energymon/v1/site-a/events", b"queued while offline")
    publisher.close()

    broker.restart()
    assert broker.port == port
    ingest = clients("ingest-1")
    ingest.connect(broker, clean_start=False)
    assert ingest.session_present is persistence
    if persistence:
        assert (broker.data_dir / "mosquitto.db").exists()
        message = ingest.messages.get(timeout=TIMEOUT_S)
        assert (message.topic, message.payload) == ("energymon/v1/site-a/events", b"queued while offline")


def test_a_broker_with_a_password_admits_only_its_account(
    start_mosquitto: Callable[..., Mosquitto], clients: Callable[..., Client]
) -> None:
    broker = start_mosquitto(username="park", password="s3cret")
    assert clients("anonymous").connect(broker).is_failure
    assert clients("wrong", username="park", password="guess").connect(broker).is_failure
    assert clients("right", username="park", password="s3cret").connect(broker).is_failure is False


def test_postgres_takes_a_table_and_gives_the_rows_back(postgres_dsn: str) -> None:
    assert postgres_dsn.startswith(f"postgresql://energymon@{HOST}:")
    with psycopg.connect(postgres_dsn, connect_timeout=int(TIMEOUT_S)) as conn:
        conn.execute(
            "CREATE TABLE samples (site text, ts_ms bigint, value double precision, PRIMARY KEY (site, ts_ms))"
        )
        rows = [("site-a", 1_700_000_000_000 + i, i * 1.5) for i in range(100)]
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO samples VALUES (%s, %s, %s)", rows)
            cur.execute("INSERT INTO samples VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", rows[0])
        conn.commit()
        back = conn.execute("SELECT site, ts_ms, value FROM samples ORDER BY ts_ms").fetchall()
    assert back == rows


def test_stopping_the_servers_leaves_no_process_behind(tmp_path: Path) -> None:
    require_packages(missing_packages(mqtt=True, postgres=True), ci=in_ci())
    broker = Mosquitto(tmp_path / "mosquitto", persistence=True).start()
    server = Postgres(tmp_path)
    try:
        server.start()
        assert broker.pid is not None and server.pid is not None
        with psycopg.connect(server.dsn, connect_timeout=int(TIMEOUT_S)) as conn:  # a backend of its own
            assert conn.execute("SELECT 1").fetchone() == (1,)
            pids = [broker.pid, server.pid, *child_pids(server.pid)]
            assert len(pids) >= 4 and all(process_running(pid) for pid in pids)  # postmaster, backend, workers
    finally:
        broker.stop()
        server.stop()
    assert [pid for pid in pids if process_running(pid)] == []
    assert broker.pid is None and server.pid is None


def test_missing_packages_skip_outside_ci_and_fail_in_ci() -> None:
    require_packages([], ci=True)  # nothing missing: no outcome
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y --no-install-recommends mosquitto"):
        require_packages(["mosquitto"], ci=False)
    with pytest.raises(pytest.fail.Exception, match="postgresql.*CI is set"):
        require_packages(["postgresql"], ci=True)
    assert [in_ci({"CI": v}) for v in ("true", "1", "", "false", "0")] == [True, True, False, False, False]
    assert in_ci({}) is False
