"""The publisher's high-water marks (the side file) and its outbox (what to send next), without a broker."""

from __future__ import annotations

import json

import pytest

from energymon.fleet.marks import EventsAck, Marks, SamplesAck, SiteAck, marks_path
from energymon.fleet.outbox import Outbox
from energymon.fleet.payload import decode
from energymon.site_time import DAY_MS
from energymon.store.reader import StoreReader
from fleet.publish_support import DAY0_MS, QUANTITIES, make_park, park_samples, write_samples

TARGET = "broker:1883"


def test_marks_path_is_beside_the_database(tmp_path):
    assert marks_path(tmp_path / "park.db") == tmp_path / "park.db.publish.db"


def test_marks_advance_add_replace_and_survive_a_reopen(tmp_path):
    path = tmp_path / "m.db"
    marks = Marks(path)
    marks.commit(TARGET, [SamplesAck("d", "power_w", 2000, {0: 2}), SamplesAck("d", "power_w", 5000, {0: 3})])
    marks.commit(TARGET, [SamplesAck("d", "power_w", 1000, {}, {0: 9}), EventsAck(7), SiteAck("abc")])
    marks.commit("other", [SamplesAck("d", "power_w", 1, {0: 1})])
    marks.close()
    again = Marks(path)
    try:
        assert again.channel_marks(TARGET) == {("d", "power_w"): 5000}  # a mark never moves back
        assert again.day_counts(TARGET, "d", "power_w") == {0: 9}  # added 2 + 3, then replaced by a whole resend
        assert again.event_mark(TARGET) == 7
        assert again.site_hash(TARGET) == "abc"
        assert again.channel_marks("other") == {("d", "power_w"): 1}
        assert again.event_mark("nobody") == 0 and again.site_hash("nobody") is None
    finally:
        again.close()


def _drain(outbox: Outbox) -> list:
    out = []
    while (message := outbox.next_message()) is not None:
        out.append(message)
    return out


@pytest.fixture
def park(tmp_path):
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS + 1_000, 60_000, 2 * 1440)  # two days of minute samples per channel
    reader = StoreReader(db)
    marks = Marks(marks_path(db))
    yield db, reader, marks
    reader.close()
    marks.close()


def test_outbox_sends_each_channel_in_order_in_chunks(park):
    db, reader, marks = park
    outbox = Outbox(reader, marks, TARGET, "site-1", 700, None)
    messages = _drain(outbox)
    assert messages[0].retain and decode(messages[0].payload).kind == "site"
    sent: dict = {}
    for message in messages[1:]:
        decoded = decode(message.payload)
        assert len(decoded.ts_ms) <= 700
        assert message.samples == len(decoded.ts_ms)
        sent.setdefault((decoded.device, decoded.quantity), []).extend(zip(decoded.ts_ms, decoded.values, strict=True))
    assert sent == park_samples(db)  # every sample once, in order per channel
    assert outbox.next_message() is None


def test_outbox_reset_starts_again_from_the_marks(park):
    db, reader, marks = park
    outbox = Outbox(reader, marks, TARGET, "site-1", 1000, None)
    first = [m for m in _drain(outbox) if m.samples]
    acked = [m for m in first if m.key == ("channel", "pv-1", "power_w")][:2]
    marks.commit(TARGET, [m.ack for m in acked])
    outbox.reset()
    again = [m for m in _drain(outbox) if m.key == ("channel", "pv-1", "power_w")]
    assert decode(again[0].payload).ts_ms[0] == decode(acked[-1].payload).ts_ms[-1] + 60_000
    assert sum(m.samples for m in again) == 2 * 1440 - sum(m.samples for m in acked)  # chunks end at UTC days


def test_since_leaves_older_samples_out(park):
    _, reader, marks = park
    since = DAY0_MS + DAY_MS
    messages = [m for m in _drain(Outbox(reader, marks, TARGET, "site-1", 5000, since)) if m.samples]
    assert min(decode(m.payload).ts_ms[0] for m in messages) >= since
    assert sum(m.samples for m in messages) == 1440 * sum(len(q) for q in QUANTITIES.values())


def test_reconciliation_sends_a_day_that_landed_behind_the_mark(park):
    db, reader, marks = park
    outbox = Outbox(reader, marks, TARGET, "site-1", 1000, None)
    marks.commit(TARGET, [m.ack for m in _drain(outbox)])
    assert outbox.reconcile() == 0  # everything acknowledged: nothing to send again
    write_samples(db, DAY0_MS - 3 * DAY_MS + 30_000, 60_000, 1440)  # a whole earlier day, written later
    outbox.reset()
    assert [m for m in _drain(outbox) if m.samples] == []  # behind every mark: the forward path does not see it
    assert outbox.reconcile() == 3  # that day, for each of the three channels
    resent = [m for m in _drain(outbox) if m.samples]
    assert sum(m.samples for m in resent) == 3 * 1440
    assert all(DAY0_MS - 3 * DAY_MS <= t < DAY0_MS - 2 * DAY_MS for m in resent for t in decode(m.payload).ts_ms)
    marks.commit(TARGET, [m.ack for m in resent])
    assert marks.day_counts(TARGET, "pv-1", "power_w")[DAY0_MS - 3 * DAY_MS] == 1440
    assert outbox.reconcile() == 0


def test_site_description_leaves_the_config_text_out(park):
    db, reader, marks = park
    reader.db.conn.close()
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("INSERT OR REPLACE INTO site VALUES ('config_toml', ?)", (json.dumps('password = "secret"'),))
    conn.commit()
    conn.close()
    fresh = StoreReader(db)
    try:
        message = Outbox(fresh, marks, TARGET, "site-1", 1000, None).next_message()
        assert message is not None and b"secret" not in message.payload
        assert decode(message.payload).timezone == "Asia/Shanghai"
        marks.commit(TARGET, [message.ack])
        assert decode(Outbox(fresh, marks, TARGET, "site-1", 1000, None).next_message().payload).kind == "samples"
    finally:
        fresh.close()
