"""The central PostgreSQL schema of the fleet: created or migrated idempotently when ``energymon ingest`` starts.

Tables (docs/database.md, "Central PostgreSQL (fleet)"):

- ``sites`` (site text key, description jsonb, timezone, updated_at): each park's site description.
- ``channels`` (id, site, device, quantity, unit; unique (site, device, quantity)): one row per channel.
- ``samples`` (channel_id, ts_ms bigint [UTC epoch ms], value double precision [the quantity's base unit];
  key (channel_id, ts_ms)): partitioned by range of ts_ms into one partition per UTC calendar month,
  created on demand (:func:`ensure_month_partitions`), and a default partition so that no sample is ever
  refused; a TimescaleDB hypertable instead when that extension can be created.
- ``events`` (site, ts_ms, device_id, kind, severity, params jsonb): unique on (site, ts_ms, device, kind,
  md5 of params), so a re-sent event changes nothing.
- ``rollup_15min`` (channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last): 15-minute
  aggregates per channel, UTC-aligned like the park's (energymon/store/rollups.py), kept by the ingest in
  the transaction of the samples they summarise. Unlike the park, every column is filled for every channel
  (the central store does not tell counters from measurements).
- ``schema_version`` (version, samples_layout, applied_at): which migrations ran.

Every statement is ``IF NOT EXISTS``, and the whole migration runs under a transaction-scoped advisory lock,
so several ingest processes starting at once create the schema once and running it twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import psycopg

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MIGRATION_LOCK_KEY = 0x656E6D21  # pg_advisory_xact_lock key of the migration ("enm!")
PARTITIONED, HYPERTABLE = "partitioned", "hypertable"  # the two layouts of ``samples``
HYPERTABLE_CHUNK_MS = 30 * 86_400_000  # a TimescaleDB chunk of samples: 30 days [ms]
MAX_TS_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the payload's latest time

_COMMON = (
    """CREATE TABLE IF NOT EXISTS schema_version (
        version integer PRIMARY KEY,
        samples_layout text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS sites (
        site text PRIMARY KEY,
        description jsonb,
        timezone text,
        updated_at timestamptz NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS channels (
        id serial PRIMARY KEY,
        site text NOT NULL REFERENCES sites (site),
        device text NOT NULL,
        quantity text NOT NULL,
        unit text NOT NULL,
        UNIQUE (site, device, quantity))""",
    """CREATE TABLE IF NOT EXISTS events (
        id bigserial PRIMARY KEY,
        site text NOT NULL REFERENCES sites (site),
        ts_ms bigint NOT NULL,
        device_id text,
        kind text NOT NULL,
        severity text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb)""",
    """CREATE UNIQUE INDEX IF NOT EXISTS events_once
        ON events (site, ts_ms, (coalesce(device_id, '')), kind, (md5(params::text)))""",
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (ts_ms)",
    """CREATE TABLE IF NOT EXISTS rollup_15min (
        channel_id integer NOT NULL REFERENCES channels (id),
        bucket_ms bigint NOT NULL,
        n integer NOT NULL,
        sum double precision NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        first_dt_ms integer NOT NULL,
        first double precision NOT NULL,
        last_dt_ms integer NOT NULL,
        last double precision NOT NULL,
        PRIMARY KEY (channel_id, bucket_ms))""",
)

_SAMPLES_COLUMNS = """(
        channel_id integer NOT NULL,
        ts_ms bigint NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (channel_id, ts_ms))"""

# The conflict target of events, as the ingest's INSERT ... ON CONFLICT names it (the index events_once).
EVENTS_CONFLICT = "(site, ts_ms, (coalesce(device_id, '')), kind, (md5(params::text)))"


def _timescale_available(conn: psycopg.Connection) -> bool:
    """Whether the timescaledb extension is (or can be made) present; a failure is rolled back to a savepoint."""
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    except psycopg.Error as exc:
        log.info("timescaledb is not available (%s): samples are partitioned by month", str(exc).splitlines()[0])
        return False
    return True


def _recorded_layout(conn: psycopg.Connection) -> str | None:
    row = conn.execute("SELECT samples_layout FROM schema_version WHERE version = %s", (SCHEMA_VERSION,)).fetchone()
    return str(row[0]) if row else None


def ensure_schema(conn: psycopg.Connection) -> str:
    """Create or migrate the schema (idempotent, one transaction); the layout of ``samples``, PARTITIONED or
    HYPERTABLE. A database made with one layout keeps it."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        for statement in _COMMON:
            conn.execute(statement)
        layout = _recorded_layout(conn)
        if layout is None:
            layout = HYPERTABLE if _timescale_available(conn) else PARTITIONED
            if layout == HYPERTABLE:
                conn.execute(f"CREATE TABLE IF NOT EXISTS samples {_SAMPLES_COLUMNS}")
                conn.execute(
                    "SELECT create_hypertable('samples', 'ts_ms', chunk_time_interval => %s::bigint, "
                    "if_not_exists => TRUE)",
                    (HYPERTABLE_CHUNK_MS,),
                )
            else:
                conn.execute(f"CREATE TABLE IF NOT EXISTS samples {_SAMPLES_COLUMNS} PARTITION BY RANGE (ts_ms)")
                conn.execute("CREATE TABLE IF NOT EXISTS samples_default PARTITION OF samples DEFAULT")
            conn.execute(
                "INSERT INTO schema_version (version, samples_layout) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (SCHEMA_VERSION, layout),
            )
            log.info("PostgreSQL schema version %d created (samples %s)", SCHEMA_VERSION, layout)
    return layout


def month_start_ms(ts_ms: int) -> int:
    """The start [UTC epoch ms] of the UTC calendar month that holds ``ts_ms``."""
    when = datetime.fromtimestamp(ts_ms / 1000, tz=UTC)
    return int(datetime(when.year, when.month, 1, tzinfo=UTC).timestamp() * 1000)


def next_month_ms(month_ms: int) -> int:
    """The start [UTC epoch ms] of the month after the one starting at ``month_ms``."""
    when = datetime.fromtimestamp(month_ms / 1000, tz=UTC)
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    if year > 9999:
        return MAX_TS_MS + 1
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp() * 1000)


def partition_name(month_ms: int) -> str:
    """The partition of the month starting at ``month_ms``: ``samples_YYYYMM``."""
    when = datetime.fromtimestamp(month_ms / 1000, tz=UTC)
    return f"samples_{when.year:04d}{when.month:02d}"


def ensure_month_partitions(conn: psycopg.Connection, months_ms: Iterable[int]) -> list[str]:
    """Create the monthly partitions of ``samples`` for the given month starts (autocommitted, each on its
    own, before the batch that needs them); the names created or found. A partition that cannot be made
    (another process made it at the same moment, or the default partition holds rows of that month) is
    left out: its samples go to the default partition."""
    made = []
    for month_ms in sorted(set(months_ms)):
        name = partition_name(month_ms)
        try:
            with conn.transaction():
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF samples "
                    f"FOR VALUES FROM ({int(month_ms)}) TO ({next_month_ms(month_ms)})"
                )
        except psycopg.errors.OperationalError:
            raise  # the server is gone: the caller holds the batch and retries
        except psycopg.Error as exc:
            log.warning("partition %s not created (%s): its samples go to samples_default", name, exc)
            continue
        made.append(name)
    return made


def table_names(conn: psycopg.Connection) -> list[str]:
    """The tables of the public schema (partitions included), sorted: for tests and diagnostics."""
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    ).fetchall()
    return [str(row[0]) for row in rows]
