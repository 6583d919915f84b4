"""The publisher against a real Mosquitto: every sample of a park arrives, in order per channel, exactly once
when nothing fails; data written later behind a mark is found by reconciliation and sent."""

from __future__ import annotations

import logging
import time

import numpy as np

from energymon.fleet.marks import Marks, marks_path
from energymon.fleet.publisher import Publisher
from energymon.site_time import DAY_MS
from fleet.publish_support import (
    DAY0_MS,
    Downstream,
    Running,
    make_park,
    park_keys,
    park_samples,
    settings,
    wait_for,
    write_samples,
)


def test_every_sample_once_in_order(tmp_path, mqtt_broker):
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS + 3_600_000, 60_000, 3 * 1440)  # three days and more of minute samples, per channel
    park = park_samples(db)
    total = sum(len(rows) for rows in park.values())
    downstream = Downstream(mqtt_broker.host, mqtt_broker.port)
    running = Running(Publisher(settings(mqtt_broker.port), db, window=10, poll_s=0.1))
    try:
        wait_for(lambda: sum(downstream.keys().values()) >= total, 60, f"{total} samples")
        wait_for(lambda: bool(downstream.sites), 10, "the site description")
    finally:
        running.stop()
        downstream.close()
    received = downstream.by_channel()
    assert received == park  # every channel: the same samples, in time order, none twice
    for key, rows in park.items():
        assert float(np.sum([v for _, v in received[key]])) == float(np.sum([v for _, v in rows]))
    assert running.publisher.stats.samples_acked == total
    assert {d["id"] for d in downstream.sites[-1].devices} == {"pv-1", "grid-1"}
    marks = Marks(marks_path(db))
    try:
        assert marks.channel_marks(settings(mqtt_broker.port).target) == {k: rows[-1][0] for k, rows in park.items()}
    finally:
        marks.close()


def test_a_day_written_behind_the_mark_is_sent(tmp_path, mqtt_broker):
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS + 5 * DAY_MS, 300_000, 2 * 288)  # days 5 and 6
    downstream = Downstream(mqtt_broker.host, mqtt_broker.port, client_id="reconcile-downstream")
    publisher = Publisher(settings(mqtt_broker.port), db, poll_s=0.1, reconcile_every_s=0.5)
    running = Running(publisher)
    try:
        first = park_keys(park_samples(db))
        wait_for(lambda: set(downstream.keys()) == first, 60, "the first days")
        write_samples(db, DAY0_MS + 2 * DAY_MS, 300_000, 288)  # day 2, well behind every mark, written later
        park = park_keys(park_samples(db))
        assert len(park) > len(first)
        wait_for(lambda: set(downstream.keys()) == park, 60, "the day written behind the marks")
    finally:
        running.stop()
        downstream.close()
    late = {k for k in park - first}
    assert all(DAY0_MS + 2 * DAY_MS <= t < DAY0_MS + 3 * DAY_MS for _, _, t in late)
    counts = downstream.keys()
    assert all(counts[k] == 1 for k in late)  # the day was sent once, whole; nothing else again
    assert all(counts[k] == 1 for k in first)


def test_username_and_password(tmp_path, start_mosquitto, caplog):
    caplog.set_level(logging.INFO, logger="energymon.fleet.publish")
    broker = start_mosquitto(username="park", password="s3cret")
    db = tmp_path / "park.db"
    make_park(db, DAY0_MS, 600_000, 10)
    wrong = Running(Publisher(settings(broker.port, username="park", password="nope"), db, retry_max_s=1.0))
    time.sleep(2.5)
    wrong.stop()
    assert wrong.publisher.stats.samples_acked == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "energymon.fleet.publish"]
    assert sum("cannot reach" in line for line in lines) == 1, lines  # said once, not once per try
    assert not any("s3cret" in line or "nope" in line for line in lines)
    right = Running(Publisher(settings(broker.port, username="park", password="s3cret"), db, poll_s=0.1))
    try:
        wait_for(lambda: right.publisher.stats.samples_acked == 30, 30, "the samples, authenticated")
    finally:
        right.stop()
