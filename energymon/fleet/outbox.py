"""What the publisher sends next, read from the park's SQLite (read only) and the high-water marks; no MQTT.

Per channel, the samples after its mark in time order, in chunks of at most ``max_samples``; the events with
an id above the events mark; the site description when its hash differs from the one acknowledged.
:meth:`Outbox.reset` starts again from the marks (after a reconnect or a restart: what was handed out but not
acknowledged is read again from the park's SQLite, in order).

Reconciliation (:meth:`Outbox.reconcile`) finds data that landed behind a mark (a history backfill, late
samples): for each complete UTC day (starting at or after ``since_ms``) that ends at or before the channel's
mark, the park's count of samples that day is compared with the count acknowledged; a day where the park
holds more is sent again whole. Downstream ingest is idempotent on (site, device, quantity, ts_ms), so
samples sent again change nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from drivers.quantities import QUANTITIES
from energymon.fleet import park_reads
from energymon.fleet.marks import Ack, EventsAck, Marks, SamplesAck, SiteAck
from energymon.fleet.payload import PayloadError, encode_events, encode_samples, encode_site
from energymon.fleet.topics import events_topic, samples_topic, site_topic
from energymon.site_time import DAY_MS
from energymon.store.reader import ALL_TIME, StoreReader

log = logging.getLogger("energymon.fleet.publish")

EVENTS_PER_MESSAGE = 1_000
EVENTS_KEY = ("events",)
SITE_KEY = ("site",)


@dataclass(frozen=True)
class Outgoing:
    """One message to publish and what its acknowledgement proves; ``key`` names the ordered stream it belongs
    to (a channel, the events, the site), ``samples`` how many samples it carries."""

    topic: str
    payload: bytes
    retain: bool
    ack: Ack
    key: tuple[str, ...]
    samples: int = 0


@dataclass
class _Channel:
    id: int
    device: str
    quantity: str
    unit: str
    sent_ts: int  # the newest ts_ms handed out (the mark after a reset)
    ts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # read ahead, after sent_ts
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    resend: deque[int] = field(default_factory=deque)  # UTC days to send again whole
    resend_from: int | None = None  # within resend[0]: the next ts_ms to send
    resend_sent: int = 0  # samples of resend[0] handed out so far
    broken: bool = False  # its samples cannot be encoded (said once in the log)


class Outbox:
    """The next messages of one park for one target."""

    def __init__(
        self, reader: StoreReader, marks: Marks, target: str, site_id: str, max_samples: int, since_ms: int | None
    ) -> None:
        self.reader, self.marks, self.target, self.site_id = reader, marks, target, site_id
        self.max_samples = max_samples
        self.since_ms = since_ms
        self._channels: dict[tuple[str, str], _Channel] = {}
        self._order: list[tuple[str, str]] = []
        self._next = 0  # round robin over the channels
        self._sent_event_id = 0
        self._site_sent = False
        self.reset()

    def _start_ms(self) -> int:
        return ALL_TIME[0] if self.since_ms is None else self.since_ms

    def reset(self) -> None:
        """Forget what was handed out and not acknowledged: start again from the marks."""
        self._channels.clear()
        self._sent_event_id = self.marks.event_mark(self.target)
        self._site_sent = False
        self.refresh_channels()

    def take_up_new_channels(self) -> None:
        """:meth:`refresh_channels` when the park's database has channels this outbox does not know (one count:
        called before each pass, so a collection that starts beside the publisher, on a new database, or a
        device added later, is published from its first samples rather than from the next reconciliation)."""
        (count,) = self.reader.db.conn.execute("SELECT count(*) FROM channels").fetchone()
        if count != len(self._channels):
            self.refresh_channels()

    def refresh_channels(self) -> None:
        """Take up the channels the park's database gained since (a new device, a new quantity)."""
        marks = self.marks.channel_marks(self.target)
        rows = self.reader.db.conn.execute("SELECT id, device_id, quantity, unit FROM channels ORDER BY id").fetchall()
        for channel_id, device, quantity, unit in rows:
            if (device, quantity) in self._channels:
                continue
            base_unit = QUANTITIES[quantity].unit if quantity in QUANTITIES else unit or ""
            mark = max(marks.get((device, quantity), ALL_TIME[0]), self._start_ms() - 1)
            self._channels[(device, quantity)] = _Channel(channel_id, device, quantity, base_unit, mark)
        self._order = sorted(self._channels)

    def unsent_since_ms(self) -> int | None:
        """The time of the oldest sample not yet acknowledged (for the lag), None when all is acknowledged."""
        marks = self.marks.channel_marks(self.target)
        oldest = None
        for key, channel in self._channels.items():
            after = max(marks.get(key, ALL_TIME[0]), self._start_ms() - 1) + 1
            found = park_reads.next_sample_at_or_after(self.reader, channel.id, after)
            if found is not None and (oldest is None or found < oldest):
                oldest = found
        return oldest

    def reconcile(self) -> int:
        """Queue every complete UTC day behind a channel's mark where the park holds more samples than were
        acknowledged; how many days were queued."""
        marks = self.marks.channel_marks(self.target)
        first_day = self._start_ms() + (-self._start_ms()) % DAY_MS  # the first whole UTC day at or after since
        queued = 0
        for key, channel in self._channels.items():
            mark = marks.get(key)
            if mark is None:
                continue
            end = mark + 1 - (mark + 1) % DAY_MS  # days [first_day, end) lie wholly at or before the mark
            park = park_reads.day_counts(self.reader, channel.id, first_day, end)
            if not park:
                continue
            acked = self.marks.day_counts(self.target, *key)
            for day_ms in sorted(park):
                if park[day_ms] > acked.get(day_ms, 0) and day_ms not in channel.resend:
                    channel.resend.append(day_ms)
                    queued += 1
        if queued:
            log.info("reconciliation: %d channel-day(s) hold data behind the marks; sending them again", queued)
        return queued

    def next_message(self) -> Outgoing | None:
        """The next message to publish (None: nothing to send now)."""
        if not self._site_sent:
            self._site_sent = True
            message = self._site_message()
            if message is not None:
                return message
        message = self._events_message()
        if message is not None:
            return message
        for _ in range(len(self._order) + 1):
            channel = self._channels[self._order[self._next % len(self._order)]]
            message = None
            if not channel.broken:
                try:
                    message = self._resend_chunk(channel) if channel.resend else self._forward_chunk(channel)
                except PayloadError as exc:
                    channel.broken = True
                    log.error("channel %s/%s is not published: %s", channel.device, channel.quantity, exc)
            if message is None or (channel.ts.size == 0 and channel.resend_from is None):
                self._next += 1  # round robin; a channel's read-ahead is sent first, so one day at most is held
            if message is not None:
                return message
        return None

    def _site_message(self) -> Outgoing | None:
        description = park_reads.site_description(self.reader)
        digest = park_reads.description_hash(description)
        if digest == self.marks.site_hash(self.target):
            return None
        payload = encode_site(self.site_id, description)
        return Outgoing(site_topic(self.site_id), payload, True, SiteAck(digest), SITE_KEY)

    def _events_message(self) -> Outgoing | None:
        rows = park_reads.events_after(self.reader, self._sent_event_id, EVENTS_PER_MESSAGE)
        if not rows:
            return None
        self._sent_event_id = rows[-1][0]
        since = self._start_ms()
        events = [event for _, event in rows if event.ts_ms >= since]
        payload = None
        try:
            payload = encode_events(self.site_id, events) if events else None
        except PayloadError as exc:  # one bad event must not hold the others back: send those that encode
            log.warning("events %d..%d: %s; sending them one by one", rows[0][0], rows[-1][0], exc)
            good = []
            for event in events:
                try:
                    encode_events(self.site_id, [event])
                    good.append(event)
                except PayloadError as one:
                    log.warning("event at %d (%s) is not published: %s", event.ts_ms, event.kind, one)
            payload = encode_events(self.site_id, good) if good else None
        ack = EventsAck(rows[-1][0])
        if payload is None:  # nothing to send in this batch: its mark still advances, in order
            return Outgoing("", b"", False, ack, EVENTS_KEY)
        return Outgoing(events_topic(self.site_id), payload, False, ack, EVENTS_KEY)

    def _message(self, channel: _Channel, ts: np.ndarray, values: np.ndarray, ack: SamplesAck) -> Outgoing:
        payload = encode_samples(
            self.site_id, channel.device, channel.quantity, channel.unit, ts.tolist(), values.tolist()
        )
        topic = samples_topic(self.site_id, channel.device, channel.quantity)
        return Outgoing(topic, payload, False, ack, ("channel", channel.device, channel.quantity), int(ts.size))

    def _forward_chunk(self, channel: _Channel) -> Outgoing | None:
        if channel.ts.size == 0 and not self._read_ahead(channel):
            return None
        ts, values = channel.ts[: self.max_samples], channel.values[: self.max_samples]
        channel.ts, channel.values = channel.ts[ts.size :], channel.values[ts.size :]
        days, counts = np.unique(ts - ts % DAY_MS, return_counts=True)
        added = {int(d): int(n) for d, n in zip(days.tolist(), counts.tolist(), strict=True)}
        message = self._message(channel, ts, values, SamplesAck(channel.device, channel.quantity, int(ts[-1]), added))
        channel.sent_ts = int(ts[-1])
        return message

    def _read_ahead(self, channel: _Channel) -> bool:
        """Read the channel's next samples (up to the end of a UTC day) after ``sent_ts``; whether any came."""
        start = park_reads.next_sample_at_or_after(self.reader, channel.id, channel.sent_ts + 1)
        while start is not None:
            ts, values = self.reader.read_raw(channel.id, start, start - start % DAY_MS + DAY_MS)
            if ts.size:
                channel.ts, channel.values = ts, values
                return True
            start = park_reads.next_sample_at_or_after(self.reader, channel.id, start - start % DAY_MS + DAY_MS)
        return False

    def _resend_chunk(self, channel: _Channel) -> Outgoing | None:
        day_ms = channel.resend[0]
        start = day_ms if channel.resend_from is None else channel.resend_from
        ts, values = self.reader.read_raw(channel.id, start, day_ms + DAY_MS)
        last = ts.size <= self.max_samples
        ts, values = ts[: self.max_samples], values[: self.max_samples]
        channel.resend_sent += int(ts.size)
        replaced = {day_ms: channel.resend_sent} if last else {}
        if last:
            channel.resend.popleft()
            channel.resend_from, channel.resend_sent = None, 0
        else:
            channel.resend_from = int(ts[-1]) + 1
        if ts.size == 0:
            return None
        ack = SamplesAck(channel.device, channel.quantity, int(ts[-1]), {}, replaced)
        return self._message(channel, ts, values, ack)
