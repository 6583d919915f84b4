"""energymon export's raw rows, built as text, are what csv.writer writes: a device id that needs quoting is
quoted, every value reads back as the same float, rows by time then device and quantity, in chunks."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np
import pytest

from energymon.site_time import DAY_MS
from energymon.store import export as export_module
from energymon.store.export import export_csv, local_iso
from energymon.store.reader import StoreReader
from energymon.store.schema import open_db
from energymon.store.writer import SampleBatch, StoreWriter

DAY0 = 1_790_000_000_000 - 1_790_000_000_000 % DAY_MS
DEVICES = ('inv "A", east', "grid", "pv-1")


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "site.db"
    db = open_db(path)
    db.table("site").upsert({"key": "timezone", "value": json.dumps("Asia/Shanghai")}, pk="key")
    db.close()
    writer = StoreWriter(path, max_rows=50)
    for i in range(300):
        for n, device in enumerate(DEVICES):
            values = {"power_w": 1000.0 / 3 + i * 0.1 + n, "yield_wh": 1e6 + i * 7.25}
            writer.put_samples(SampleBatch(device, DAY0 + 2_000 + i * 1_000 + n, values))
    writer.close()
    assert writer.error is None
    return path


def expected_text(reader: StoreReader, start_ms: int, end_ms: int) -> str:
    """The rows as csv.writer writes them, from the samples read one by one."""
    zone = reader.zone()
    rows = []
    for channel, device, quantity in reader.db.execute(
        "SELECT id, device_id, quantity FROM channels ORDER BY device_id, quantity"
    ).fetchall():
        ts, values = reader.read_raw(channel, start_ms, end_ms)
        rows += [(int(t), device, quantity, repr(float(v))) for t, v in zip(ts, values, strict=True)]
    order = {key: i for i, key in enumerate(sorted({(r[1], r[2]) for r in rows}))}
    rows.sort(key=lambda r: (r[0], order[(r[1], r[2])]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("timestamp", "device_id", "quantity", "value"))
    stamps = local_iso(np.array([r[0] for r in rows], dtype=np.int64), zone, "ms")
    writer.writerows((stamp, *r[1:]) for stamp, r in zip(stamps, rows, strict=True))
    return out.getvalue()


@pytest.mark.parametrize("chunk_rows", [7, 100_000])
def test_raw_rows_are_what_csv_writer_writes(db_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(export_module, "RAW_CHUNK_ROWS", chunk_rows)
    reader = StoreReader(db_path)
    try:
        zone = reader.zone()
        start = datetime.fromtimestamp(DAY0 / 1000, UTC).astimezone(zone)
        end = datetime.fromtimestamp((DAY0 + DAY_MS) / 1000, UTC).astimezone(zone)
        out = io.StringIO()
        result = export_csv(reader, out, start, end, "raw")
        assert out.getvalue() == expected_text(reader, DAY0, DAY0 + DAY_MS)
    finally:
        reader.close()
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert result.rows == len(rows) == 300 * len(DEVICES) * 2
    assert {r[1] for r in rows} == set(DEVICES)  # the quoted id reads back whole
    assert float(rows[0][3]) == 1000.0 / 3 or float(rows[0][3]) == 1e6
