"""The central ingest: MQTT messages of the parks into PostgreSQL, in batches, acknowledged after the commit.

The loop (:class:`Ingest`) takes the messages :class:`~energymon.fleet.ingest_mqtt.MqttLink` received,
decodes each (energymon.fleet.payload) and checks that it came on the topic its content names; it collects
them for up to BATCH_WINDOW_S or BATCH_MAX_SAMPLES samples (or until the broker sends nothing for
IDLE_FLUSH_S: it has nothing more, or its window of unacknowledged messages is full), writes them in one
transaction (energymon.fleet.ingest_pg), and only then acknowledges every message of the batch. So:

- a crash between receipt and commit loses nothing: the broker sends the unacknowledged messages again;
- a message received twice changes nothing: samples are keyed by (channel, ts_ms), events by their content;
- a message that could never be stored (refused payload, topic and content that disagree, data the server
  cannot store: psycopg.DataError) is counted, logged once per (site, kind of reason), and acknowledged,
  and the rest goes on;
- PostgreSQL down, or refusing the work for another reason (privileges, a missing table): the batch is
  held (nothing acknowledged, so the broker keeps the messages), the write is tried again after a wait
  that doubles from RETRY_MIN_S to RETRY_MAX_S; one log line when it goes, one when it is back.

A summary line (energymon.fleet.ingest_stats) is logged every ``summary_every_s`` and at the end.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from energymon.fleet.ingest_mqtt import MqttLink, Received
from energymon.fleet.ingest_pg import Batch, BatchResult, PgWriter
from energymon.fleet.ingest_stats import IngestStats
from energymon.fleet.messages import Message, PayloadError
from energymon.fleet.payload import decode, topic_of
from energymon.fleet.topics import TopicError, parse_topic

log = logging.getLogger(__name__)

BATCH_WINDOW_S = 0.5  # a batch collects messages for at most this long after its first
BATCH_MAX_SAMPLES = 50_000  # ... or until it holds this many samples
IDLE_FLUSH_S = 0.05  # ... or until no message came for this long
RETRY_MIN_S, RETRY_MAX_S = 0.5, 30.0  # the wait between writes while PostgreSQL is down doubles between these
POLL_S = 0.2  # how often an idle loop looks at its stop flag and clocks


@dataclass(frozen=True)
class Item:
    """A received message and what it holds: a decoded message, or the reason it is refused."""

    received: Received
    message: Message | None
    refusal: str | None = None


def _site_of_topic(topic: str) -> str:
    try:
        return parse_topic(topic).site
    except TopicError:
        return "?"


def examine(received: Received) -> Item:
    """Decode a received message and check it against its topic; an Item with the message or a refusal."""
    try:
        message = decode(received.payload)
    except PayloadError as exc:
        return Item(received, None, str(exc))
    try:
        expected = topic_of(message)
    except TopicError as exc:
        return Item(received, None, str(exc))
    if expected != received.topic:
        return Item(received, None, f"topic {received.topic[:100]!r} does not match its content ({expected[:100]!r})")
    return Item(received, message)


def _samples(item: Item) -> int:
    ts_ms = getattr(item.message, "ts_ms", ())
    return len(ts_ms)


class Ingest:
    """Moves messages from ``link`` into ``writer``'s PostgreSQL until stopped or its duration is over."""

    def __init__(
        self,
        link: MqttLink,
        writer: PgWriter,
        *,
        summary_every_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self.link = link
        self.writer = writer
        self.summary_every_s = summary_every_s
        self.stats = IngestStats()
        self.postgres_up: bool | None = None  # None: not tried yet
        self._clock = clock
        self._wall_ms = wall_ms
        self._carry: Item | None = None  # a message that did not fit into the last batch
        self._down_since = 0.0

    @property
    def postgres_state(self) -> str:
        return {None: "not tried", True: "up", False: "down"}[self.postgres_up]

    def summary(self) -> str:
        return self.stats.summary(self.link.state, self.postgres_state)

    def run(self, stop: threading.Event, duration_s: float | None = None) -> IngestStats:
        """Ingest until ``stop`` is set or ``duration_s`` has passed; the totals."""
        start = self._clock()
        deadline = None if duration_s is None else start + duration_s
        next_summary = start + self.summary_every_s
        self._connect_postgres()
        self.link.start()
        try:
            while not stop.is_set() and (deadline is None or self._clock() < deadline):
                items = self._collect(stop, min(next_summary, deadline or next_summary))
                if items:
                    self._commit(items, stop, deadline)
                if self._clock() >= next_summary:
                    log.info("%s", self.summary())
                    while next_summary <= self._clock():
                        next_summary += self.summary_every_s
        finally:
            log.info("%s", self.summary())  # the totals, with the links as they were while running
            self.link.stop()
            self.writer.close()
        return self.stats

    def _connect_postgres(self) -> None:
        try:
            self.writer.connect()
        except psycopg.Error as exc:  # down, or refusing the schema: the first batch's write tries again
            self._went_down(exc, 0)
        else:
            self.postgres_up = True

    def _next(self, timeout_s: float) -> Item | None:
        if self._carry is not None:
            item, self._carry = self._carry, None
            return item
        try:
            return examine(self.link.messages.get(timeout=max(timeout_s, 0.0)))
        except queue.Empty:
            return None

    def _collect(self, stop: threading.Event, until: float) -> list[Item]:
        """The next batch: waits (until ``until`` at most) for a first message, then collects more."""
        first = None
        while first is None and not stop.is_set() and self._clock() < until:
            first = self._next(min(POLL_S, until - self._clock()))
        if first is None:
            return []
        items, samples = [first], _samples(first)
        window_end = self._clock() + BATCH_WINDOW_S
        while samples < BATCH_MAX_SAMPLES and (left := window_end - self._clock()) > 0:
            item = self._next(min(left, IDLE_FLUSH_S))
            if item is None:
                break
            if samples + _samples(item) > BATCH_MAX_SAMPLES:
                self._carry = item
                break
            items.append(item)
            samples += _samples(item)
        return items

    def _went_down(self, exc: BaseException, held: int) -> None:
        if self.postgres_up is not False:
            self._down_since = self._clock()
            log.warning(
                "PostgreSQL unavailable (%s): holding %d message(s) unacknowledged, retrying",
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                held,
            )
        self.postgres_up = False

    def _write(self, batch: Batch, held: int, stop: threading.Event, deadline: float | None) -> BatchResult | None:
        """``batch`` written, retried while PostgreSQL is down or refuses to work (privileges, a table gone:
        the operator's to fix, and no reason to drop the data); None when stopped first. psycopg.DataError
        (data the server cannot store, such as text with NUL) is raised: retrying would never help."""
        wait_s = RETRY_MIN_S
        while True:
            try:
                result = self.writer.write(batch)
            except (psycopg.errors.TransactionRollback, psycopg.errors.DeadlockDetected):
                continue  # a deadlock with another ingest process: nothing was written, try again now
            except psycopg.DataError:
                raise
            except psycopg.Error as exc:  # OperationalError (down, connection lost) and the server's refusals
                self._went_down(exc, held)
                timeout_s = wait_s if deadline is None else min(wait_s, max(deadline - self._clock(), 0.0))
                if stop.wait(timeout_s) or (deadline is not None and self._clock() >= deadline):
                    return None
                wait_s = min(wait_s * 2, RETRY_MAX_S)
                continue
            if self.postgres_up is False:
                log.info("PostgreSQL is back after %.1f s", self._clock() - self._down_since)
            self.postgres_up = True
            return result

    def _commit(self, items: list[Item], stop: threading.Event, deadline: float | None) -> bool:
        """Write the items' messages in one transaction, then acknowledge every item; False when stopped
        before the write succeeded (nothing acknowledged: the broker sends them again)."""
        batch = Batch()
        for item in items:
            if item.message is not None:
                batch.add(item.message)
        result = BatchResult(0, 0, 0, 0)
        if batch.samples or batch.events or batch.sites:
            try:
                written = self._write(batch, len(items), stop, deadline)
            except psycopg.DataError as exc:
                if len(items) == 1:
                    self._refuse(items[0], f"PostgreSQL refused it: {str(exc).strip().splitlines()[0]}")
                    return self._ack(items, result, None)
                log.info("a batch of %d messages was refused (%s): writing them one by one", len(items), exc)
                return all(self._commit([item], stop, deadline) for item in items)
            if written is None:
                return False
            result = written
        for item in items:
            if item.refusal is not None:
                self._refuse(item, item.refusal)
        return self._ack(items, result, batch.newest_ts_ms)

    def _refuse(self, item: Item, reason: str) -> None:
        self.stats.refuse(_site_of_topic(item.received.topic), reason, item.received.topic)

    def _ack(self, items: list[Item], result: BatchResult, newest_ts_ms: int | None) -> bool:
        for item in items:
            self.link.ack(item.received)
        self.stats.add_batch(result, len(items), newest_ts_ms, self._wall_ms())
        return True
