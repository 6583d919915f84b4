"""``energymon export``: raw samples or rollups of a time range as CSV.

Raw rows: ``timestamp,device_id,quantity,value``. Rollup rows (1min, 15min,
1h, 1d): ``timestamp,device_id,quantity,value,min,max,first,last,samples``
where ``timestamp`` is the bucket start; for measurements ``value`` is the
mean of the bucket's samples and ``min``/``max`` their extremes; for counters
``value`` is the last reading in the bucket (as a raw counter row would be)
and ``first``/``last`` the first and last readings. Columns that do not apply
are empty. Timestamps are ISO 8601 in the site's time zone with its UTC offset
(milliseconds for raw rows). Values are in base units (W, Wh, %, V, A, Hz,
degC, var), written with the shortest text that reads back as the same float.

Rows go out one local day at a time, sorted by time, device, quantity, so an
export of years streams in bounded memory. Stored data that cannot be read (a
damaged block or page, energymon.store.damage) is left out and the rest
exported; :attr:`ExportResult.damaged` names each such span by device,
quantity and time for the command to report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, TextIO
from zoneinfo import ZoneInfo

import numpy as np

from energymon.site_time import FIRST_YEAR, LAST_YEAR, local_offsets_ms
from energymon.store import rollups
from energymon.store.damage import DamagedSpan
from energymon.store.reader import StoreReader

INTERVALS = ("raw",) + rollups.INTERVALS
RAW_HEADER = ("timestamp", "device_id", "quantity", "value")
ROLLUP_HEADER = RAW_HEADER + ("min", "max", "first", "last", "samples")
RAW_CHUNK_ROWS = 100_000  # raw rows formatted and written at a time


class ExportError(ValueError):
    """Bad export arguments (message names the argument)."""


@dataclass(frozen=True)
class ExportResult:
    rows: int
    channels: int
    damaged: tuple[DamagedSpan, ...] = ()  # stored data of the range that could not be read and was left out


def parse_when(text: str, zone: ZoneInfo, end: bool) -> datetime:
    """``YYYY-MM-DD`` (a whole local day: its start, or for an end its end) or a local ``YYYY-MM-DDTHH:MM[:SS]``.

    The day or time must lie in the years energymon exports (site_time.FIRST_YEAR..LAST_YEAR, local): stored
    times are UTC epoch ms from 1970, and a period's end must still be a date Python has. Anything else is an
    :class:`ExportError` of one line quoting ``text``.
    """
    whole_day = len(text) == 10
    try:
        moment = datetime.combine(date.fromisoformat(text), time(0)) if whole_day else datetime.fromisoformat(text)
    except ValueError:
        raise ExportError(f"{text!r} is not a date (YYYY-MM-DD) or a local time (YYYY-MM-DDTHH:MM)") from None
    _check_year(text, moment.year)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if whole_day and end:
        moment = datetime.combine(moment.date() + timedelta(days=1), time(0), zone)
    try:
        moment.timestamp()  # an explicit UTC offset can still carry it past what the platform's clock converts
    except (OverflowError, ValueError, OSError):
        raise ExportError(f"{text!r}: cannot be converted to a UTC time on this platform") from None
    return moment


def _check_year(text: str, year: int) -> None:
    """An :class:`ExportError` when ``year`` (of the argument ``text``) is outside the years energymon exports."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ExportError(f"{text!r}: expected a day or time in the years {FIRST_YEAR} to {LAST_YEAR} (site time)")


def local_iso(ts_ms: np.ndarray, zone: ZoneInfo, unit: Literal["ms", "s"]) -> list[str]:
    """ISO 8601 local times with UTC offset, e.g. ``2026-11-02T08:00:05.250+08:00`` (``unit`` "ms" or "s")."""
    if not len(ts_ms):
        return []
    offsets = local_offsets_ms(ts_ms, zone)
    texts = np.datetime_as_string((ts_ms + offsets).astype("datetime64[ms]"), unit=unit)
    suffix = {int(o): _offset_text(int(o)) for o in np.unique(offsets)}
    return [t + suffix[o] for t, o in zip(texts.tolist(), offsets.tolist())]


def _offset_text(offset_ms: int) -> str:
    sign = "+" if offset_ms >= 0 else "-"
    minutes = abs(offset_ms) // 60_000
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> Iterator[tuple[int, int]]:
    """[from_ms, to_ms) of each local day (or part of one) in [start, end)."""
    cursor = start
    while cursor < end:
        next_midnight = datetime.combine(cursor.astimezone(zone).date() + timedelta(days=1), time(0), zone)
        stop = min(next_midnight, end)
        yield int(cursor.timestamp() * 1000), int(stop.timestamp() * 1000)
        cursor = stop


def _channels(reader: StoreReader, device_ids: list[str] | None) -> list[tuple[int, str, str, bool]]:
    rows = reader.db.execute(
        "SELECT id, device_id, quantity, kind = 'counter' FROM channels ORDER BY device_id, quantity"
    ).fetchall()
    known = {r[1] for r in rows} | {d["id"] for d in reader.devices()}
    if device_ids is not None:
        missing = [d for d in device_ids if d not in known]
        if missing:
            raise ExportError(
                f"--device {missing[0]}: no such device in {reader.path} (known: {', '.join(sorted(known)) or 'none'})"
            )
        rows = [r for r in rows if r[1] in device_ids]
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def export_csv(
    reader: StoreReader,
    out: TextIO,
    start: datetime,
    end: datetime,
    interval: str = "raw",
    device_ids: list[str] | None = None,
) -> ExportResult:
    """Write the CSV of [start, end) to ``out``; the site's time zone comes from the database."""
    if interval not in INTERVALS:
        raise ExportError(f"--interval {interval}: choose one of {', '.join(INTERVALS)}")
    if end <= start:
        raise ExportError(f"--to {end.isoformat()} is not after --from {start.isoformat()}")
    zone = reader.zone()
    channels = _channels(reader, device_ids)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RAW_HEADER if interval == "raw" else ROLLUP_HEADER)
    rows = 0
    for day_from, day_to in _days(start, end, zone):
        if interval == "raw":
            rows += _write_raw_day(reader, out, channels, day_from, day_to, zone)
        else:
            rows += _write_rollup_day(reader, writer, channels, interval, day_from, day_to, zone)
    return ExportResult(
        rows, len(channels), tuple(reader.damaged_spans(int(start.timestamp() * 1000), int(end.timestamp() * 1000)))
    )


def _csv_fields(*fields: str) -> str:
    """``fields`` as one CSV line's text without its end (quoted as csv.writer quotes them)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="").writerow(fields)
    return text.getvalue()


def _write_raw_day(reader, out: TextIO, channels, day_from: int, day_to: int, zone: ZoneInfo) -> int:
    """The day's raw rows as csv.writer would write them, built as text: a timestamp and a float's repr never
    need quoting, and each channel's device and quantity are quoted once (a day of a device is 10^5 rows)."""
    parts = []
    for index, (channel, _, _, _) in enumerate(channels):
        ts, values = reader.read_raw(channel, day_from, day_to)
        if ts.size:
            parts.append((ts, values, np.full(ts.size, index)))
    if not parts:
        return 0
    ts = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    which = np.concatenate([p[2] for p in parts])
    order = np.lexsort((which, ts))  # by time, then device and quantity (channels are sorted so)
    ts, values, which = ts[order], values[order], which[order]
    names = [f",{_csv_fields(c[1], c[2])}," for c in channels]
    for at in range(0, ts.size, RAW_CHUNK_ROWS):  # the text of a chunk at a time: a park's day is 10^7 rows
        part = slice(at, at + RAW_CHUNK_ROWS)
        stamps = local_iso(ts[part], zone, "ms")
        out.write(
            "".join(f"{t}{names[i]}{v!r}\n" for t, i, v in zip(stamps, which[part].tolist(), values[part].tolist()))
        )
    return int(ts.size)


def _write_rollup_day(reader, writer, channels, interval: str, day_from: int, day_to: int, zone: ZoneInfo) -> int:
    out = []
    for channel, device_id, quantity, counter in channels:
        if interval == "1min":
            minutes = reader.read_minutes(channel, day_from, day_to)
            stats = zip(
                minutes.bucket_ms.tolist(),
                minutes.n.tolist(),
                minutes.sum.tolist(),
                minutes.min.tolist(),
                minutes.max.tolist(),
                minutes.first.tolist(),
                minutes.last.tolist(),
            )
        else:
            stats = reader.rollup_rows(
                channel, interval, ("bucket_ms", "n", "sum", "min", "max", "first", "last"), day_from, day_to
            )
        for bucket_ms, n, total, low, high, first, last in stats:
            if counter:
                row = (repr(float(last)), "", "", repr(float(first)), repr(float(last)), n)
            else:
                row = (repr(total / n), repr(float(low)), repr(float(high)), "", "", n)
            out.append((bucket_ms, device_id, quantity, row))
    out.sort(key=lambda r: r[0])  # stable: device and quantity order kept within a bucket
    stamps = local_iso(np.array([r[0] for r in out], dtype=np.int64), zone, "s")
    writer.writerows((stamp, device_id, quantity, *row) for stamp, (_, device_id, quantity, row) in zip(stamps, out))
    return len(out)
