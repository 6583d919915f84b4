"""The ingest's PostgreSQL side: one batch of decoded messages written in one transaction, idempotently.

A batch (samples, events and site descriptions of many messages) becomes, in one transaction: the sites
and channels upserted; the samples COPYed into a temporary table and moved into ``samples`` with
``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``; the 15-minute rollups updated from the rows that
statement returned, so a re-sent sample (already stored) adds nothing to them; the events inserted
``ON CONFLICT DO NOTHING``. Rows are written in key order (channel, then time) so that two ingest processes
writing overlapping batches take their row locks in the same order.

:meth:`PgWriter.write` raises psycopg.OperationalError when the server is unreachable or the transaction
was rolled back (a deadlock): the caller keeps the batch and tries again. Schema: energymon.fleet.pg_schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg

from energymon.fleet.messages import EventsMessage, Message, SamplesMessage, SiteMessage
from energymon.fleet.pg_schema import PARTITIONED, ensure_month_partitions, ensure_schema, month_start_ms
from energymon.site_time import QUARTER_MS

CONNECT_TIMEOUT_S = 5  # a server that does not answer within this is taken as down

ChannelKey = tuple[str, str, str]  # (site, device, quantity)

_TEMP_TABLE = """CREATE TEMP TABLE IF NOT EXISTS ingest_batch (
    channel_id integer NOT NULL, ts_ms bigint NOT NULL, value double precision NOT NULL) ON COMMIT DELETE ROWS"""

# The samples of the batch into ``samples``, and the 15-minute rollups from exactly the rows inserted.
_MOVE_SAMPLES = f"""
WITH ins AS (
    INSERT INTO samples (channel_id, ts_ms, value)
    SELECT channel_id, ts_ms, value FROM ingest_batch ORDER BY channel_id, ts_ms
    ON CONFLICT DO NOTHING
    RETURNING channel_id, ts_ms, value
), agg AS (
    SELECT channel_id, ts_ms - ts_ms % {QUARTER_MS} AS bucket_ms, count(*) AS n, sum(value) AS s,
           min(value) AS lo, max(value) AS hi,
           min(ts_ms) AS first_ts, (array_agg(value ORDER BY ts_ms))[1] AS first_v,
           max(ts_ms) AS last_ts, (array_agg(value ORDER BY ts_ms DESC))[1] AS last_v
    FROM ins GROUP BY 1, 2
), roll AS (
    INSERT INTO rollup_15min AS r (channel_id, bucket_ms, n, sum, min, max, first_dt_ms, first, last_dt_ms, last)
    SELECT channel_id, bucket_ms, n, s, lo, hi, first_ts - bucket_ms, first_v, last_ts - bucket_ms, last_v
    FROM agg ORDER BY channel_id, bucket_ms
    ON CONFLICT (channel_id, bucket_ms) DO UPDATE SET
        n = r.n + EXCLUDED.n,
        sum = r.sum + EXCLUDED.sum,
        min = least(r.min, EXCLUDED.min),
        max = greatest(r.max, EXCLUDED.max),
        first = CASE WHEN EXCLUDED.first_dt_ms < r.first_dt_ms THEN EXCLUDED.first ELSE r.first END,
        first_dt_ms = least(r.first_dt_ms, EXCLUDED.first_dt_ms),
        last = CASE WHEN EXCLUDED.last_dt_ms > r.last_dt_ms THEN EXCLUDED.last ELSE r.last END,
        last_dt_ms = greatest(r.last_dt_ms, EXCLUDED.last_dt_ms)
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM roll)
"""

_UPSERT_SITE = """
INSERT INTO sites (site, description, timezone, updated_at) VALUES (%s, %s::jsonb, %s, now())
ON CONFLICT (site) DO UPDATE SET description = EXCLUDED.description, timezone = EXCLUDED.timezone,
    updated_at = now()"""

_INSERT_EVENTS = """
INSERT INTO events (site, ts_ms, device_id, kind, severity, params)
SELECT s, t, d, k, sev, p::jsonb
FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS e(s, t, d, k, sev, p)
ORDER BY s, t
ON CONFLICT (site, ts_ms, (coalesce(device_id, '')), kind, (md5(params::text))) DO NOTHING"""


@dataclass
class Batch:
    """Decoded messages to be written together (one transaction)."""

    samples: list[SamplesMessage] = field(default_factory=list)
    events: list[EventsMessage] = field(default_factory=list)
    sites: list[SiteMessage] = field(default_factory=list)

    def add(self, message: Message) -> None:
        if isinstance(message, SamplesMessage):
            self.samples.append(message)
        elif isinstance(message, EventsMessage):
            self.events.append(message)
        else:
            self.sites.append(message)

    @property
    def sample_count(self) -> int:
        return sum(len(m.ts_ms) for m in self.samples)

    @property
    def newest_ts_ms(self) -> int | None:
        """The newest sample time of the batch [UTC epoch ms], None without samples."""
        return max((m.ts_ms[-1] for m in self.samples), default=None)

    def site_ids(self) -> list[str]:
        messages: list[Message] = [*self.samples, *self.events, *self.sites]
        return sorted({m.site for m in messages})


@dataclass(frozen=True)
class BatchResult:
    """What one committed batch changed: samples and events inserted, samples that were stored already."""

    samples_inserted: int
    samples_duplicate: int
    events_inserted: int
    rollup_buckets: int  # 15-minute (channel, bucket) rows created or updated


class PgWriter:
    """Writes batches into the central PostgreSQL at ``dsn``; connects (and migrates the schema) on first use
    and again after a failure."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.layout: str | None = None
        self._conn: psycopg.Connection | None = None
        self._channels: dict[ChannelKey, int] = {}  # ids of committed channels
        self._months: set[int] = set()  # month partitions known to exist

    def connect(self) -> None:
        """Connect, create or migrate the schema, make the session's temporary table (idempotent)."""
        if self._conn is not None and not self._conn.closed:
            return
        conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        try:
            self.layout = ensure_schema(conn)
            conn.execute(_TEMP_TABLE)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def write(self, batch: Batch) -> BatchResult:
        """Write ``batch`` in one transaction. psycopg.OperationalError: nothing was written (connection lost,
        server down, deadlock); the connection is dropped and the next call reconnects."""
        try:
            self.connect()
            assert self._conn is not None
            if self.layout == PARTITIONED:
                self._ensure_partitions(self._conn, batch)
            return self._write(self._conn, batch)
        except psycopg.OperationalError:
            self.close()
            raise

    def _ensure_partitions(self, conn: psycopg.Connection, batch: Batch) -> None:
        months = {month_start_ms(ts) for m in batch.samples for ts in (m.ts_ms[0], m.ts_ms[-1])}
        # a message spanning more than two months (rare: a long backlog) has its middle months too
        for m in batch.samples:
            month = month_start_ms(m.ts_ms[0])
            while month < m.ts_ms[-1]:
                months.add(month)
                month = month_start_ms(month + 32 * 86_400_000)
        new = months - self._months
        if new:
            ensure_month_partitions(conn, new)
            self._months |= new

    def _write(self, conn: psycopg.Connection, batch: Batch) -> BatchResult:
        new_channels: dict[ChannelKey, int] = {}
        with conn.transaction():
            self._upsert_sites(conn, batch)
            ids = self._channel_ids(conn, batch.samples, new_channels)
            inserted, buckets = self._write_samples(conn, batch.samples, ids)
            events_inserted = self._write_events(conn, batch.events)
        self._channels.update(new_channels)  # only once committed: a rolled-back id is never cached
        return BatchResult(inserted, batch.sample_count - inserted, events_inserted, buckets)

    def _upsert_sites(self, conn: psycopg.Connection, batch: Batch) -> None:
        sites = batch.site_ids()
        conn.execute("INSERT INTO sites (site) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", (sites,))
        latest = {m.site: m for m in batch.sites}  # the last description of a site in the batch wins
        for site in sorted(latest):
            message = latest[site]
            description = json.dumps(message.description(), ensure_ascii=False, allow_nan=False, sort_keys=True)
            conn.execute(_UPSERT_SITE, (site, description, message.timezone))

    def _channel_ids(
        self, conn: psycopg.Connection, samples: Iterable[SamplesMessage], new: dict[ChannelKey, int]
    ) -> dict[ChannelKey, int]:
        units = {(m.site, m.device, m.quantity): m.unit for m in samples}
        missing = sorted(key for key in units if key not in self._channels)
        if missing:
            columns = [list(col) for col in zip(*missing)]
            conn.execute(
                "INSERT INTO channels (site, device, quantity, unit) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) ORDER BY 1, 2, 3 "
                "ON CONFLICT DO NOTHING",
                (*columns, [units[key] for key in missing]),
            )
            rows = conn.execute(
                "SELECT c.site, c.device, c.quantity, c.id FROM channels c "
                "JOIN unnest(%s::text[], %s::text[], %s::text[]) AS k(s, d, q) "
                "ON c.site = k.s AND c.device = k.d AND c.quantity = k.q",
                columns,
            ).fetchall()
            new.update({(str(s), str(d), str(q)): int(i) for s, d, q, i in rows})
        return {key: self._channels.get(key) or new[key] for key in units}

    def _write_samples(
        self, conn: psycopg.Connection, samples: list[SamplesMessage], ids: dict[ChannelKey, int]
    ) -> tuple[int, int]:
        if not samples:
            return 0, 0
        with conn.cursor() as cur:
            with cur.copy("COPY ingest_batch (channel_id, ts_ms, value) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "int8", "float8"])
                for m in samples:
                    channel_id = ids[(m.site, m.device, m.quantity)]
                    for ts, value in zip(m.ts_ms, m.values):
                        copy.write_row((channel_id, ts, value))
            row = cur.execute(_MOVE_SAMPLES).fetchone()  # ingest_batch empties itself at commit
        assert row is not None
        return int(row[0]), int(row[1])

    def _write_events(self, conn: psycopg.Connection, messages: list[EventsMessage]) -> int:
        records = [(m.site, e) for m in messages for e in m.events]
        if not records:
            return 0
        columns: tuple[list[object], ...] = ([], [], [], [], [], [])
        for site, e in records:
            params = json.dumps(e.params, ensure_ascii=False, allow_nan=False, sort_keys=True)
            for column, value in zip(columns, (site, e.ts_ms, e.device_id, e.kind, e.severity, params)):
                column.append(value)
        cursor = conn.execute(_INSERT_EVENTS, columns)
        return max(cursor.rowcount, 0)
