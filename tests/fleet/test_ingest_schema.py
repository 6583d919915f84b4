"""The central PostgreSQL schema (energymon.fleet.pg_schema) against a real server: idempotent creation,
monthly partitions made on demand, the default partition, and batches written twice changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg

from energymon.fleet.ingest_pg import Batch, PgWriter
from energymon.fleet.messages import EventRecord, EventsMessage, SamplesMessage, SiteMessage
from energymon.fleet.pg_schema import PARTITIONED, ensure_schema, month_start_ms, next_month_ms, table_names


def _ms(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp() * 1000)


def test_schema_created_twice_gives_the_same_tables(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        assert ensure_schema(conn) == PARTITIONED  # timescaledb is not installed here
        first = table_names(conn)
        assert ensure_schema(conn) == PARTITIONED
        assert table_names(conn) == first
        versions = conn.execute("SELECT version, samples_layout FROM schema_version").fetchall()
    assert {"sites", "channels", "samples", "samples_default", "events", "rollup_15min"} <= set(first)
    assert versions == [(1, PARTITIONED)]


def test_month_bounds() -> None:
    assert month_start_ms(_ms(2026, 12, 31, 23, 59, 59)) == _ms(2026, 12, 1)
    assert next_month_ms(_ms(2026, 12, 1)) == _ms(2027, 1, 1)
    assert next_month_ms(_ms(2026, 2, 1)) == _ms(2026, 3, 1)


def test_partitions_per_month_and_a_batch_written_twice(postgres_dsn: str) -> None:
    nov, dec = _ms(2026, 11, 30, 23, 55), _ms(2026, 12, 1, 0, 5)
    ts = tuple(range(nov, dec + 1, 60_000))  # 11 samples across the month boundary
    samples = SamplesMessage("p1", "grid", "power_w", "W", ts, tuple(float(i) for i in range(len(ts))))
    events = EventsMessage(
        "p1",
        (
            EventRecord(nov, None, "collector_started", "info", {}),
            EventRecord(nov, "grid", "device_offline", "error", {"errors": [{"text": "x"}]}),
        ),
    )
    site = SiteMessage("p1", "Asia/Shanghai", ({"id": "grid", "role": "grid", "rated_power_kw": 10.0},), {"name": "P"})
    batch = Batch([samples], [events], [site])
    writer = PgWriter(postgres_dsn)
    try:
        first = writer.write(batch)
        second = writer.write(batch)
    finally:
        writer.close()
    assert (first.samples_inserted, first.samples_duplicate, first.events_inserted) == (11, 0, 2)
    assert (second.samples_inserted, second.samples_duplicate, second.events_inserted) == (0, 11, 0)
    with psycopg.connect(postgres_dsn) as conn:
        tables = table_names(conn)
        per_partition: dict[str, int] = dict(
            conn.execute("SELECT tableoid::regclass::text, count(*) FROM samples GROUP BY 1").fetchall()
        )
        site_row = conn.execute("SELECT timezone, description->>'name' FROM sites WHERE site = 'p1'").fetchone()
        rollups = conn.execute("SELECT sum(n) FROM rollup_15min").fetchone()
    assert {"samples_202611", "samples_202612"} <= set(tables)
    assert per_partition == {"samples_202611": 5, "samples_202612": 6}  # nothing in samples_default
    assert site_row == ("Asia/Shanghai", "P")
    assert rollups == (11,)
