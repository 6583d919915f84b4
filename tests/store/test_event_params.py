"""Events' params in the store: written as strict JSON with each event and read back (migration m005 adds the
column; an old database opens and is upgraded, its old events keep params NULL and are shown by their detail),
and kept across a restart in the spool's spill files (an old spill file without params still reads)."""

from __future__ import annotations

import json
import math
import sqlite3

import sqlite_utils
from test_writer_faults import DiskFull, polls, wait_for

from energymon.event_texts import event_text
from energymon.events import Event
from energymon.store.reader import StoreReader
from energymon.store.schema import migrations, open_db
from energymon.store.spool import MAGIC, Spool, decode, read_spill, spill_dir_for
from energymon.store.writer import StoreWriter
from energymon.views import events as event_log

from support import english_words

T0 = 1_718_928_000_000
S = 1000
FROZEN = {"parts": [{"quantity": "power_w", "check": "frozen", "value": 2010700.0, "polls": 31, "duration_s": 300.0}]}
RANGE = {"parts": [{"quantity": "voltage_l1_v", "check": "out_of_range", "value": math.nan, "low": 0.0, "high": 1.2e6}]}


def event(ts_ms: int, kind: str, params: dict | None, device: str | None = "grid") -> Event:
    detail = event_text(kind, params, "en") if params is not None else "as an old version wrote it"
    return Event(ts_ms, device, kind, "warning", detail, params)


def test_params_are_stored_as_json_and_read_back(tmp_path):
    db_path = tmp_path / "site.db"
    writer = StoreWriter(db_path, max_delay_s=60.0)
    written = [
        event(T0, "data_frozen", FROZEN),
        event(T0 + S, "data_out_of_range", RANGE),
        event(T0 + 2 * S, "collector_stopped", {}, None),
    ]
    for e in written:
        writer.put_event(e)
    writer.close()
    assert writer.error is None
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT kind, params, json_extract(params, '$.parts[0].quantity') FROM events ORDER BY id"
    ).fetchall()
    con.close()
    assert rows[0][2] == "power_w" and rows[1][2] == "voltage_l1_v"  # SQLite's own json functions read it
    assert json.loads(rows[1][1])["parts"][0]["value"] == "NaN"  # strict JSON: no bare NaN
    assert rows[2][1] == "{}"  # known and empty is not NULL

    reader = StoreReader(db_path)
    try:
        back = reader.events_between(T0, T0 + 10 * S)
        rows_back = event_log.events(reader, T0)
    finally:
        reader.close()
    assert back[0] == written[0]
    assert [e.params for e in back[2:]] == [{}]
    assert back[1].params["parts"][0]["value"] == "NaN"
    for e in back:
        assert event_text(e.kind, e.params, "en") == e.detail
    by_kind = {r.kind: r for r in rows_back}
    assert by_kind["data_frozen"].params == FROZEN
    zh = event_text("data_out_of_range", by_kind["data_out_of_range"].params, "zh", "")
    assert zh == "L1 相电压：非数字 超出 0..1200000 V 的范围" and not english_words(zh)


def test_an_old_database_opens_upgraded_and_its_old_events_show_their_detail(tmp_path):
    path = tmp_path / "v4.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m005_event_params")
    db["site"].insert({"key": "timezone", "value": "Asia/Shanghai"})
    db["events"].insert(
        {
            "ts_ms": T0,
            "device_id": "grid",
            "kind": "device_offline",
            "severity": "error",
            "detail": "timeout: no answer",
        }
    )
    db.close()

    # A viewer reads it before any writer upgraded it: the column is not there, the events read without params.
    reader = StoreReader(path)
    try:
        (old,) = reader.events_between(T0, T0 + S)
        (row,) = event_log.events(reader, T0)
    finally:
        reader.close()
    assert old.params is None and row.params is None
    assert event_text(old.kind, old.params, "zh", old.detail) == "timeout: no answer"  # shown as stored

    # The writer upgrades it: the old row keeps NULL, a new one has its params.
    writer = StoreWriter(path, max_delay_s=60.0)
    writer.put_event(event(T0 + S, "data_frozen", FROZEN))
    writer.close()
    assert writer.error is None
    db = open_db(path, readonly=True)
    try:
        assert "m005_event_params" in {r[0] for r in db.execute("SELECT name FROM _sqlite_migrations").fetchall()}
        assert db.execute("SELECT kind, params IS NULL FROM events ORDER BY id").fetchall() == [
            ("device_offline", 1),
            ("data_frozen", 0),
        ]
    finally:
        db.conn.close()
    reader = StoreReader(path)
    try:
        old, new = reader.events_between(T0, T0 + 2 * S)
    finally:
        reader.close()
    assert old.params is None and old.detail == "timeout: no answer"
    assert new.params == FROZEN and event_text(new.kind, new.params, "zh").startswith("有功功率：2010700 W")


def test_params_survive_the_spill_files_and_an_old_spill_file_without_params_reads(tmp_path):
    spill_dir = tmp_path / "site.db.spool"
    spool = Spool(spill_dir)
    held = [event(T0, "data_frozen", FROZEN), event(T0 + S, "data_out_of_range", RANGE)]
    for e in held:
        spool.add(e)
    spool.persist()
    (path,) = spill_dir.glob("*.spool")
    again = Spool(spill_dir)
    again.adopt()
    unit = again.oldest()
    assert unit is not None
    back = [i for i in unit.items if isinstance(i, Event)]
    assert back[0] == held[0]
    assert math.isnan(back[1].params["parts"][0]["value"])  # the spool's own JSON keeps the float
    assert event_text(back[1].kind, back[1].params, "en") == held[1].detail

    # A spill file an earlier version wrote: its events have no params key.
    names, _ = read_spill(path)
    body = json.dumps(
        {"ts_ms": T0, "device_id": "grid", "kind": "device_offline", "severity": "error", "detail": "timeout"}
    ).encode()
    header = json.dumps({"names": names}).encode()
    old = spill_dir / "00000009.spool"
    old.write_bytes(MAGIC + len(header).to_bytes(4, "little") + header + b"E" + len(body).to_bytes(4, "little") + body)
    (item,) = decode(read_spill(old)[1], names)
    assert item == Event(T0, "grid", "device_offline", "error", "timeout") and item.params is None


def test_an_outage_stores_its_events_with_params_worded_in_both_languages(tmp_path):
    db_path = tmp_path / "site.db"
    writer = StoreWriter(db_path, max_delay_s=0.05, retry_first_s=0.05, retry_max_s=0.2)
    fault = DiskFull(writer)
    for batch in polls(0, 50):
        writer.put_samples(batch)
    wait_for(lambda: writer.outage is not None and writer.outage.attempts >= 1)
    fault.on = False
    wait_for(lambda: writer.outage is None)
    writer.close()
    assert writer.error is None
    assert not spill_dir_for(db_path).exists()
    reader = StoreReader(db_path)
    try:
        stored = reader.events_between(0, 2**62)
    finally:
        reader.close()
    assert [e.kind for e in stored] == ["storage_failed", "storage_resumed"]
    failed, resumed = stored
    assert failed.params is not None and failed.params["cause"]["cause"] == "disk_full"
    assert resumed.params is not None and resumed.params["written_samples"] == 50 * 2 * 5
    for e in stored:
        assert event_text(e.kind, e.params, "en") == e.detail
        zh = event_text(e.kind, e.params, "zh")
        assert zh.startswith(f"{db_path}：") and not english_words(zh), zh
    assert "写入中断：磁盘已满" in event_text(failed.kind, failed.params, "zh")
    assert "暂存的 500 个样本已写入" in event_text(resumed.kind, resumed.params, "zh")
