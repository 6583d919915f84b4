"""The ingest's MQTT side: a paho-mqtt (2.x, MQTT 5) subscriber whose messages are acknowledged by hand.

The broker hands each QoS 1 message to the ingest and keeps it until the ingest acknowledges it (PUBACK).
The ingest acknowledges only after the PostgreSQL transaction that holds the message committed
(:meth:`MqttLink.ack`), so a crash between receipt and commit loses nothing: the broker sends the message
again. The session is persistent (clean start off, a session expiry interval), so the broker queues the
messages of the subscription while the ingest is down, and the subscription is the shared one
``$share/<group>/energymon/v1/#`` through which several ingest processes split the load.

A shared subscription is never sent retained messages (MQTT 5), so the link also subscribes to the site
descriptions (``energymon/v1/+/site``, retained) without sharing: every ingest process gets each site
description, which is an idempotent upsert.

paho runs the network in its own thread (``loop_start``) and reconnects by itself; received messages are
put on a queue the ingest's main thread reads. Each carries the number of the connection it came on: a
packet id means something only on its connection, so a message received before a reconnect is never
acknowledged on the new one (the broker sends it again on the new connection anyway).
"""

from __future__ import annotations

import logging
import queue
import ssl
import threading
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from energymon.config.broker_url import BrokerAddress, BrokerUrlError, parse_broker_url
from energymon.fleet.topics import ROOT, SUBSCRIBE_ALL, shared

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 86_400  # the broker keeps the session (and queues its messages) a day after a disconnect
RECEIVE_MAXIMUM = 256  # messages the broker may have sent us unacknowledged at once (MQTT 5 Receive Maximum)
KEEPALIVE_S = 30
RECONNECT_MIN_S, RECONNECT_MAX_S = 1, 30  # paho's reconnect wait doubles between these
SITES_FILTER = f"{ROOT}/+/site"  # retained site descriptions: never delivered through a shared subscription


class LinkError(ValueError):
    """A broker URL or TLS setting that cannot be used. The message is one line."""


@dataclass(frozen=True)
class Received:
    """One message as received: the connection it came on, its packet id and QoS, its topic and payload."""

    connection: int
    mid: int
    qos: int
    topic: str
    payload: bytes


def broker_address(url: str) -> BrokerAddress:
    """``--broker``: ``mqtt://host[:1883]`` or ``mqtts://host[:8883]`` (TLS); :class:`LinkError` if not."""
    try:
        return parse_broker_url(url)
    except BrokerUrlError as exc:
        raise LinkError(f"--broker: {exc}") from None


class MqttLink:
    """A persistent, manually acknowledged MQTT 5 session subscribed to the fleet's topics (shared in ``group``)."""

    def __init__(
        self,
        broker_url: str,
        client_id: str,
        group: str,
        *,
        username: str | None = None,
        password: str | None = None,
        tls_ca: str | None = None,
    ) -> None:
        self.address = broker_address(broker_url)
        self.filters = [(shared(SUBSCRIBE_ALL, group), 1), (SITES_FILTER, 1)]
        self.messages: queue.Queue[Received] = queue.Queue()
        self.connected = threading.Event()
        self._connection = 0  # number of the current connection (1, 2, ...): the one a packet id belongs to
        self._lock = threading.Lock()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=True
        )
        if username is not None:
            self._client.username_pw_set(username, password)
        if self.address.tls or tls_ca:
            try:
                self._client.tls_set(ca_certs=tls_ca, cert_reqs=ssl.CERT_REQUIRED)
            except (OSError, ssl.SSLError) as exc:
                raise LinkError(f"TLS CA file {tls_ca}: {exc}") from None
        self._client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    @property
    def state(self) -> str:
        return "up" if self.connected.is_set() else "down"

    def start(self) -> None:
        """Connect in the background (a broker that is down is retried) and start paho's network thread."""
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self._client.connect_async(
            self.address.host, self.address.port, KEEPALIVE_S, clean_start=False, properties=properties
        )
        self._client.loop_start()

    def stop(self) -> None:
        """Disconnect (the session and its unacknowledged messages stay with the broker) and stop the thread."""
        self._client.disconnect()
        self._client.loop_stop()
        self.connected.clear()

    def ack(self, received: Received) -> bool:
        """Acknowledge a message whose transaction committed; False (nothing sent) when it came on an earlier
        connection, whose packet ids mean nothing now: the broker sends such a message again."""
        with self._lock:
            if received.connection != self._connection or not self.connected.is_set():
                return False
            return self._client.ack(received.mid, received.qos) == mqtt.MQTT_ERR_SUCCESS

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT broker %s:%d refused the connection: %s", self.address.host, self.address.port, reason)
            return
        with self._lock:
            self._connection += 1
        client.subscribe(self.filters)
        resumed = "session resumed" if getattr(flags, "session_present", False) else "new session"
        log.info("MQTT broker %s:%d connected (%s)", self.address.host, self.address.port, resumed)
        self.connected.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if self.connected.is_set():
            log.warning("MQTT broker %s:%d disconnected: %s", self.address.host, self.address.port, reason)
        self.connected.clear()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            connection = self._connection
        try:
            topic = message.topic
        except UnicodeDecodeError:
            topic = ""  # refused by the ingest as not a topic of the scheme
        self.messages.put(Received(connection, message.mid, message.qos, topic, bytes(message.payload)))
