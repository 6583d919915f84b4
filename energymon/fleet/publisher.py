"""The park's publisher: the outbox's messages to an MQTT broker (paho-mqtt, MQTT 5, QoS 1), store-and-forward.

One thread runs everything (paho's ``loop`` is called here, so its callbacks run on this thread too). A mark
advances only when the broker's PUBACK for a message arrives, and only contiguously per stream (a channel, the
events, the site): never past an earlier message still unacknowledged. The acknowledgements of one pass are
committed in one transaction of the side file (energymon.fleet.marks).

At most ``window`` messages are in flight (memory stays bounded through an outage). When the link is lost the
in-flight messages are forgotten (nothing unacknowledged counts as done); the publisher reconnects with a
doubling wait (``retry_first_s`` .. ``retry_max_s``) on a fresh client and clean session, and sends again from
the park's SQLite, from the marks, in order. One log line when the link is lost and one when it is back.
A stop (SIGTERM, Ctrl-C) waits up to ``stop_wait_s`` for the acknowledgements in flight and commits them; after
a SIGKILL the next start continues from the committed marks (what the broker acknowledged after the last commit
is sent again: at least once, and ingest drops the copies).
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion

from energymon.config.publish import PublishSettings
from energymon.fleet.marks import Ack, Marks, acquire_publish_lock, marks_path
from energymon.fleet.outbox import Outbox, Outgoing
from energymon.store.reader import StoreReader

log = logging.getLogger("energymon.fleet.publish")


@dataclass
class PublishStats:
    """Counts since the start: messages and samples published and acknowledged, connections made."""

    messages_sent: int = 0
    messages_acked: int = 0
    samples_sent: int = 0
    samples_acked: int = 0
    connections: int = 0


@dataclass
class _Pending:
    out: Outgoing
    acked: bool = False


class Publisher:
    """Publishes one park's database to the broker of ``settings`` until stopped."""

    def __init__(
        self,
        settings: PublishSettings,
        db_path: Path,
        *,
        window: int = 100,
        poll_s: float = 0.5,
        reconcile_every_s: float = 300.0,
        summary_every_s: float = 60.0,
        retry_first_s: float = 1.0,
        retry_max_s: float = 30.0,
        connect_timeout_s: float = 10.0,
        stop_wait_s: float = 10.0,
    ) -> None:
        self.settings = settings
        self.window = window
        self.poll_s, self.reconcile_every_s, self.summary_every_s = poll_s, reconcile_every_s, summary_every_s
        self.retry_first_s, self.retry_max_s = retry_first_s, retry_max_s
        self.connect_timeout_s, self.stop_wait_s = connect_timeout_s, stop_wait_s
        self.db_path = db_path
        self.stats = PublishStats()
        self._client: mqtt.Client | None = None
        self._connected = False
        self._connack_deadline = 0.0
        self._inflight: dict[int, _Pending] = {}
        self._streams: dict[tuple[str, ...], deque[_Pending]] = {}
        self._done: list[Ack] = []
        self._lost_at: float | None = None  # monotonic time the link was lost (None: up, or never up)
        self._said_unreachable = False
        self._wait_s = retry_first_s
        self._next_try = 0.0

    # -- the link ----------------------------------------------------------------------------------------------
    def _new_client(self) -> mqtt.Client:
        s = self.settings
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=s.client_id, protocol=MQTTProtocolVersion.MQTTv5)
        if s.username is not None:
            client.username_pw_set(s.username, s.password)
        if s.tls:
            client.tls_set(ca_certs=str(s.tls_ca_file) if s.tls_ca_file else None, cert_reqs=ssl.CERT_REQUIRED)
        client.max_inflight_messages_set(self.window)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        return client

    def _try_connect(self, now: float) -> None:
        client = self._new_client()
        try:
            client.connect(self.settings.host, self.settings.port, keepalive=30, clean_start=True)
        except (OSError, ValueError) as exc:
            self._failed(f"{exc.__class__.__name__}: {exc}", now)
            return
        self._client, self._connack_deadline = client, now + self.connect_timeout_s

    def _failed(self, reason: str, now: float) -> None:
        """A connection attempt failed: wait (doubling) before the next; said once per outage."""
        if self._client is not None:
            self._drop_client()
        if self._lost_at is None and not self._said_unreachable:
            log.warning("cannot reach the broker %s (%s); retrying", self.settings.broker_url, reason)
            self._said_unreachable = True
        self._next_try = now + self._wait_s
        self._wait_s = min(self._wait_s * 2, self.retry_max_s)

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        self._connected = False
        if client is not None:
            client.on_connect = client.on_disconnect = client.on_publish = None
            with contextlib.suppress(OSError, ValueError):
                client.disconnect()  # paho writes the DISCONNECT now where it can; the socket goes with the client
        self._inflight.clear()  # nothing unacknowledged counts as done: it is read again from the marks
        self._streams.clear()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        if reason_code.is_failure:
            self._failed(f"refused: {reason_code}", time.monotonic())
            return
        self._connected = True
        self.stats.connections += 1
        if self._lost_at is not None:
            log.info("link to %s back after %.0f s", self.settings.broker_url, time.monotonic() - self._lost_at)
        else:
            log.info("connected to %s as %s", self.settings.broker_url, self.settings.client_id)
        self._lost_at, self._said_unreachable, self._wait_s = None, False, self.retry_first_s
        self.outbox.reset()  # from the marks, in order
        self.outbox.reconcile()
        self._next_reconcile = time.monotonic() + self.reconcile_every_s

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        self._link_lost(str(reason_code))

    def _link_lost(self, reason: str) -> None:
        now = time.monotonic()
        if self._connected:
            url = self.settings.broker_url
            log.warning("link to %s lost (%s); sending again from the marks once back", url, reason)
            self._lost_at = now
        self._failed(reason, now)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:  # noqa: ANN001
        pending = self._inflight.pop(mid, None)
        if pending is None:
            return
        if reason_code.is_failure:  # refused (not authorised, quota): not done; try again on a new link
            self._link_lost(f"the broker refused a message: {reason_code}")
            return
        pending.acked = True
        self.stats.messages_acked += 1
        self.stats.samples_acked += pending.out.samples
        self._drain(pending.out.key)

    def _drain(self, key: tuple[str, ...]) -> None:
        """Pop the acknowledged head of a stream: only contiguous acknowledgements become marks."""
        stream = self._streams.get(key)
        while stream and stream[0].acked:
            self._done.append(stream.popleft().out.ack)

    # -- the loop ----------------------------------------------------------------------------------------------
    def _publish(self, out: Outgoing) -> bool:
        pending = _Pending(out)
        self._streams.setdefault(out.key, deque()).append(pending)
        if not out.topic:  # nothing to send for it (events all before `since`): done, in its turn
            pending.acked = True
            self._drain(out.key)
            return True
        assert self._client is not None
        info = self._client.publish(out.topic, out.payload, qos=1, retain=out.retain)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            self._link_lost(mqtt.error_string(info.rc))
            return False
        self._inflight[info.mid] = pending
        self.stats.messages_sent += 1
        self.stats.samples_sent += out.samples
        return True

    def _fill(self, now: float) -> None:
        """Hand the broker messages until the window is full or nothing is left; poll again later then."""
        self.outbox.take_up_new_channels()
        while self._connected and len(self._inflight) < self.window:
            out = self.outbox.next_message()
            if out is None:
                self._next_poll = now + self.poll_s
                return
            if not self._publish(out):
                return

    def _commit(self) -> None:
        if self._done:
            done, self._done = self._done, []
            self.marks.commit(self.settings.target, done)

    def summary(self) -> str:
        """One line: samples sent and acknowledged, the lag (age of the oldest unacknowledged sample), the link."""
        oldest = self.outbox.unsent_since_ms()
        lag = "0 s" if oldest is None else f"{max(0.0, time.time() - oldest / 1000):.0f} s"
        link = "up" if self._connected else "down"
        s = self.stats
        return f"samples sent {s.samples_sent:,}, acknowledged {s.samples_acked:,}, lag {lag}, link {link}"

    def run(self, stop: threading.Event, duration_s: float | None = None) -> PublishStats:
        """Publish until ``stop`` is set or ``duration_s`` passes; then wait for in-flight acks and commit."""
        lock = acquire_publish_lock(self.db_path)  # StoreError if another publisher has this database
        try:
            return self._run_locked(stop, duration_s)
        finally:
            lock.release()

    def _run_locked(self, stop: threading.Event, duration_s: float | None) -> PublishStats:
        # Opened here, on the thread that uses them (SQLite connections stay on their thread).
        self.reader = StoreReader(self.db_path)
        self.marks = Marks(marks_path(self.db_path))
        s = self.settings
        self.outbox = Outbox(self.reader, self.marks, s.target, s.site_id, s.max_samples, s.since_ms)
        start = time.monotonic()
        self._next_poll = self._next_reconcile = 0.0
        next_summary = start + self.summary_every_s
        try:
            while not stop.is_set() and (duration_s is None or time.monotonic() - start < duration_s):
                now = time.monotonic()
                self._step(now)
                if now >= next_summary:
                    log.info("%s", self.summary())
                    next_summary = now + self.summary_every_s
            self._finish()
        finally:
            self._commit()
            self._drop_client()
            self.reader.close()
            self.marks.close()
        return self.stats

    def _step(self, now: float) -> None:
        if self._client is None:
            if now >= self._next_try:
                self._try_connect(now)
            else:
                time.sleep(min(0.1, self._next_try - now))
            return
        if not self._connected and now > self._connack_deadline:
            self._failed("no CONNACK in time", now)
            return
        busy = self._connected and len(self._inflight) < self.window and now >= self._next_poll
        rc = self._client.loop(timeout=0.0 if busy else 0.05)
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS and self._client is not None:
            self._link_lost(mqtt.error_string(rc))
        self._commit()
        if not self._connected:
            return
        if now >= self._next_reconcile:
            self.outbox.refresh_channels()
            self.outbox.reconcile()
            self._next_reconcile = now + self.reconcile_every_s
        if now >= self._next_poll:
            self._fill(now)

    def _finish(self) -> None:
        """Within ``stop_wait_s``: send what the database still holds while the link is up (a collection
        beside the publisher commits its last samples as it stops), and wait for the acknowledgements."""
        deadline = time.monotonic() + self.stop_wait_s
        left = self._connected
        while self._client is not None and (left or self._inflight) and time.monotonic() < deadline:
            if left and self._connected:
                now = time.monotonic()
                self._next_poll = now
                self._fill(now)
                left = self._next_poll == now  # _fill sets the next poll only when nothing is left
            else:
                left = False
            self._client.loop(timeout=0.05)
            self._commit()
        if self._inflight:
            log.warning("stopped with %d message(s) unacknowledged: sent again next time", len(self._inflight))
