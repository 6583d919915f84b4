"""The writer's spool: readings and events held, in order, while the database cannot be written.

While the disk is full, another program holds a write lock or the file is
read-only, the writer (energymon.store.writer) keeps taking readings and holds
them here until it can write again. Readings are encoded compactly (a poll of
10 values is 113 bytes: 11.3 bytes a sample) in 64 KiB chunks, in memory
first; past ``spill_after_bytes`` the oldest chunks go to spill files of about
1 MiB in ``<database>.spool/`` next to the database, when that is possible (a
full disk usually is the database's disk too: then memory alone holds them).

The bound (:class:`SpoolLimits`, defaults): 96 MiB in memory, about 8.9
million samples (74 min of a 200-device park polled every second with 10
quantities each, 7.2 million samples an hour), plus 1 GiB of spill files,
about 95 million samples (13 h more), never leaving less than 256 MiB free on
that disk. Past the bound the oldest readings are dropped (a chunk or a spill
file at a time), counted, and their time span kept for the resume report.
Events and acknowledgements are held apart (up to 100 000; they are rare) and
written first, so a chunk dropped never takes an event with it.

Across a restart: a writer stopped while it still holds readings keeps them
(:meth:`Spool.persist`: what is in memory goes into one more spill file), and
the next writer of the database takes over the spill files it finds
(:meth:`Spool.adopt`, oldest first) and writes them before anything new. A
process killed during an outage loses only what was still in memory. Samples
already stored are dropped by the writer (a sample exists at most once), so a
file written twice stores nothing twice. A spill file that cannot be read is
renamed ``*.unreadable`` and left for the engineer, never deleted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import struct
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from energymon.events import Event
from energymon.store.faults import free_bytes
from energymon.store.write_items import Ack, SampleBatch

log = logging.getLogger(__name__)

MiB = 1 << 20
CHUNK_BYTES = 64 * 1024
BYTES_PER_SAMPLE = 11.3  # a poll of 10 values: 1 + 12 header bytes + 10 x (2 + 8)
SPILL_RETRY_S = 30.0  # after a spill file could not be written, memory only for this long
MAGIC = b"EMSPOOL1"
_HEAD = struct.Struct("<qHH")  # ts_ms, device name index, number of values
_LEN = struct.Struct("<I")


def spill_dir_for(db_path: Path) -> Path:
    """Where the spill files of ``db_path`` go: ``<database>.spool/`` beside it."""
    return db_path.with_name(db_path.name + ".spool")


@dataclass(frozen=True)
class SpoolLimits:
    """How much the spool holds (bytes); see the module's docstring for what that is in samples and hours."""

    memory_bytes: int = 96 * MiB
    chunk_bytes: int = CHUNK_BYTES  # the unit held in memory (and dropped from it)
    spill_after_bytes: int = 8 * MiB  # memory held before the oldest chunks go to spill files
    spill_bytes: int = 1024 * MiB
    segment_bytes: int = 1 * MiB  # about one spill file
    keep_free_bytes: int = 256 * MiB  # spill files never leave less free space on their disk
    events: int = 100_000

    def describe(self) -> str:
        """The bound in words, e.g. for the log line when writing stops."""
        memory = int(self.memory_bytes / BYTES_PER_SAMPLE)
        spill = int(self.spill_bytes / BYTES_PER_SAMPLE)
        return (
            f"up to {memory:,} samples ({self.memory_bytes / MiB:g} MiB) in memory"
            f" and {spill:,} ({self.spill_bytes / MiB:g} MiB) in spill files"
        )


@dataclass
class _Part:
    """A run of encoded polls, oldest first: in memory (``data``) or in a spill file (``path``)."""

    size: int
    samples: int
    first_ms: int
    last_ms: int
    data: bytes | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Held:
    """The oldest unit held (all events, a spill file or a memory chunk); :meth:`Spool.release` once stored."""

    items: list[SampleBatch | Event | Ack]
    samples: int
    part: _Part | None  # None: the events


def encode_event(item: Event | Ack) -> bytes:
    tag = b"E" if isinstance(item, Event) else b"A"
    body = json.dumps(item.__dict__).encode()
    return tag + _LEN.pack(len(body)) + body


def read_spill(path: Path) -> tuple[list[str], bytes]:
    """The names and the encoded items of a spill file; ValueError if it is not one."""
    raw = path.read_bytes()
    if raw[: len(MAGIC)] != MAGIC:
        raise ValueError("not a spool file")
    (length,) = _LEN.unpack_from(raw, len(MAGIC))
    start = len(MAGIC) + _LEN.size
    names = json.loads(raw[start : start + length])["names"]
    if not isinstance(names, list):
        raise ValueError("no names in the spool file's header")
    return names, raw[start + length :]


def _span(data: bytes) -> tuple[int, int, int]:
    """(samples, oldest ts_ms, newest ts_ms) of encoded items, without decoding them; struct.error if cut short."""
    samples, first, last = 0, 0, 0
    pos = 0
    while pos < len(data):
        tag, pos = data[pos : pos + 1], pos + 1
        if tag == b"S":
            ts_ms, _, count = _HEAD.unpack_from(data, pos)
            pos += _HEAD.size + 10 * count
            first = ts_ms if not samples else min(first, ts_ms)
            last = max(last, ts_ms)
            samples += count
        elif tag in (b"E", b"A"):
            (length,) = _LEN.unpack_from(data, pos)
            pos += _LEN.size + length
        else:
            raise ValueError(f"unknown item tag {tag!r}")
    if pos != len(data):
        raise struct.error("spool file cut short")
    return samples, first, last


def decode(data: bytes, names: list[str]) -> list[SampleBatch | Event | Ack]:
    """The items of encoded ``data``; names by their index in ``names``."""
    items: list[SampleBatch | Event | Ack] = []
    pos = 0
    while pos < len(data):
        tag, pos = data[pos : pos + 1], pos + 1
        if tag == b"S":
            ts_ms, device, count = _HEAD.unpack_from(data, pos)
            pos += _HEAD.size
            keys = struct.unpack_from(f"<{count}H", data, pos)
            values = struct.unpack_from(f"<{count}d", data, pos + 2 * count)
            pos += 10 * count
            items.append(SampleBatch(names[device], ts_ms, {names[k]: v for k, v in zip(keys, values, strict=True)}))
        else:
            (length,) = _LEN.unpack_from(data, pos)
            fields = json.loads(data[pos + _LEN.size : pos + _LEN.size + length])
            pos += _LEN.size + length
            items.append(Event(**fields) if tag == b"E" else Ack(**fields))
    return items


class Spool:
    """Readings and events held in order within :class:`SpoolLimits`; used by the writer thread only."""

    def __init__(self, spill_dir: Path | None, limits: SpoolLimits | None = None) -> None:
        self.spill_dir = spill_dir
        self.limits = limits or SpoolLimits()
        self._names: list[str] = []
        self._index: dict[str, int] = {}
        self._events: deque[Event | Ack] = deque()
        self._memory: deque[_Part] = deque()  # closed chunks, oldest first
        self._files: deque[_Part] = deque()  # spill files, oldest first (older than every chunk)
        self._open = bytearray()
        self._open_span: list[int] = [0, 0, 0]  # samples, first_ms, last_ms of the open chunk
        self._seq = 0
        self._spill_again_at = 0.0
        self.memory_bytes = 0  # closed chunks and the open one
        self.spill_bytes = 0
        self.samples = 0  # held now
        self.spill_problem: str | None = None  # why the last spill file could not be written
        self.reset_counts()

    def reset_counts(self) -> None:
        """Start counting afresh (a new outage): samples added, written and dropped, events dropped."""
        self.added_samples = self.written_samples = self.dropped_samples = self.dropped_events = 0
        self.dropped_span: tuple[int, int] | None = None  # UTC epoch ms of the oldest and newest dropped

    def __bool__(self) -> bool:
        return bool(self._events or self._memory or self._files or self._open)

    def add(self, item: SampleBatch | Event | Ack) -> None:
        if not isinstance(item, SampleBatch):
            self._events.append(item)
            if len(self._events) > self.limits.events:
                self._events.popleft()
                self.dropped_events += 1
            return
        pairs = [(self._key(q), v) for q, v in item.values.items() if v is not None]
        if not pairs:
            return
        count = len(pairs)
        self._open += b"S" + _HEAD.pack(item.ts_ms, self._key(item.device_id), count)
        self._open += struct.pack(f"<{count}H{count}d", *(k for k, _ in pairs), *(v for _, v in pairs))
        self.memory_bytes += 1 + _HEAD.size + 10 * count
        span = self._open_span
        span[1] = item.ts_ms if not span[0] else min(span[1], item.ts_ms)
        span[2] = max(span[2], item.ts_ms)
        span[0] += count
        self.samples += count
        self.added_samples += count
        if len(self._open) >= self.limits.chunk_bytes:
            self._close_open()
        self._bound()

    def oldest(self) -> Held | None:
        """The oldest held unit (events first), or None when nothing is held. A spill file that cannot be
        read back any more is dropped (counted) and the next unit is given."""
        if self._events:
            return Held(list(self._events), 0, None)
        while self._files:
            part = self._files[0]
            assert part.path is not None
            try:
                names, body = read_spill(part.path)
                return Held(decode(body, names), part.samples, part)
            except (OSError, ValueError, KeyError, struct.error):
                self._drop(self._files.popleft())
        if self._open and not self._memory:
            self._close_open()
        if self._memory:
            part = self._memory[0]
            assert part.data is not None
            return Held(decode(part.data, self._names), part.samples, part)
        return None

    def persist(self) -> int:
        """Keep everything held for the next writer of the database: the events and the memory chunks go into
        one more spill file after the others, and the spill files stay. Returns the samples kept; raises
        OSError when the file cannot be written (nothing is changed then)."""
        if self.spill_dir is None:
            raise OSError("no folder for spill files")
        self._close_open()
        body = b"".join(encode_event(e) for e in self._events) + b"".join(p.data or b"" for p in self._memory)
        if body:
            self.spill_dir.mkdir(exist_ok=True)
            path = self.spill_dir / f"{self._seq + 1:08d}.spool"
            header = json.dumps({"names": self._names}).encode()
            try:
                with path.open("xb") as out:
                    out.write(MAGIC + _LEN.pack(len(header)) + header + body)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError:
                path.unlink(missing_ok=True)
                raise
            self._seq += 1
        kept = self.samples
        self._events.clear()
        self._memory.clear()
        self._files.clear()  # left on disk for the next start
        self.memory_bytes = self.spill_bytes = self.samples = 0
        return kept

    def adopt(self) -> int:
        """Take over the spill files an earlier writer left beside the database (stopped, or killed, while it
        could not write), oldest first, before anything new; returns their samples."""
        if self.spill_dir is None or not self.spill_dir.is_dir():
            return 0
        adopted = 0
        for path in sorted(self.spill_dir.glob("*.spool")):
            try:
                _, body = read_spill(path)
                samples, first_ms, last_ms = _span(body)
            except (OSError, ValueError, KeyError, struct.error) as exc:
                log.warning("%s: spill file cannot be read (%s); left as %s.unreadable", path, exc, path.name)
                with contextlib.suppress(OSError):
                    path.rename(path.with_name(path.name + ".unreadable"))
                continue
            size = path.stat().st_size
            self._files.append(_Part(size, samples, first_ms, last_ms, path=path))
            self.spill_bytes += size
            self.samples += samples
            adopted += samples
            if path.stem.isdigit():
                self._seq = max(self._seq, int(path.stem))
        return adopted

    def release(self, held: Held) -> None:
        """``held`` is stored: forget it."""
        if held.part is None:
            for _ in held.items:
                self._events.popleft()
            return
        tier = self._files if held.part.path is not None else self._memory
        assert tier and tier[0] is held.part
        tier.popleft()
        self._forget(held.part)
        self.written_samples += held.samples

    def close(self) -> None:
        """Forget everything and remove the spill files held (a folder left empty goes too)."""
        self._events.clear()
        self._memory.clear()
        self._open.clear()
        while self._files:
            self._forget(self._files.popleft())
        self.memory_bytes = self.samples = 0
        self._open_span = [0, 0, 0]
        if self.spill_dir is not None:
            with contextlib.suppress(OSError):
                self.spill_dir.rmdir()  # only if empty: files kept for the next start, or unreadable, stay

    # -- inside -------------------------------------------------------------------------------
    def _key(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self._names)
            self._names.append(name)
        return self._index[name]

    def _close_open(self) -> None:
        if self._open:
            samples, first_ms, last_ms = self._open_span
            self._memory.append(_Part(len(self._open), samples, first_ms, last_ms, data=bytes(self._open)))
            self._open.clear()
            self._open_span = [0, 0, 0]

    def _bound(self) -> None:
        limits = self.limits
        while self.memory_bytes > limits.spill_after_bytes and self._memory and self._spill():
            pass
        while self.memory_bytes > limits.memory_bytes:
            if not self._memory:
                self._close_open()
            self._drop(self._memory.popleft())

    def _spill(self) -> bool:
        """Move the oldest chunks (about ``segment_bytes``) into a new spill file; False if not possible now."""
        if self.spill_dir is None or time.monotonic() < self._spill_again_at:
            return False
        parts: list[_Part] = []
        size = 0
        for part in self._memory:
            parts.append(part)
            size += part.size
            if size >= self.limits.segment_bytes:
                break
        while self._files and self.spill_bytes + size > self.limits.spill_bytes:
            self._drop(self._files.popleft())
        if size > self.limits.spill_bytes:
            return False
        header = json.dumps({"names": self._names}).encode()
        self._seq += 1
        path = self.spill_dir / f"{self._seq:08d}.spool"
        try:
            self.spill_dir.mkdir(exist_ok=True)
            free = free_bytes(self.spill_dir)
            if free is not None and free - size < self.limits.keep_free_bytes:
                raise OSError(f"{free // MiB} MiB free, and spill files leave {self.limits.keep_free_bytes // MiB}")
            with path.open("wb") as out:
                out.write(MAGIC + _LEN.pack(len(header)) + header)
                for part in parts:
                    assert part.data is not None
                    out.write(part.data)
        except OSError as exc:
            path.unlink(missing_ok=True)
            self.spill_problem = f"{self.spill_dir}: {exc.strerror or exc}"
            self._spill_again_at = time.monotonic() + SPILL_RETRY_S
            return False
        for _ in parts:
            self._memory.popleft()
        self.memory_bytes -= size
        first, last = min(p.first_ms for p in parts), max(p.last_ms for p in parts)
        self._files.append(_Part(size, sum(p.samples for p in parts), first, last, path=path))
        self.spill_bytes += size
        self.spill_problem = None
        return True

    def _forget(self, part: _Part) -> None:
        self.samples -= part.samples
        if part.path is None:
            self.memory_bytes -= part.size
        else:
            self.spill_bytes -= part.size
            try:
                os.unlink(part.path)
            except OSError:
                pass

    def _drop(self, part: _Part) -> None:
        self._forget(part)
        self.dropped_samples += part.samples
        old = self.dropped_span
        self.dropped_span = (
            (part.first_ms, part.last_ms) if old is None else (min(old[0], part.first_ms), max(old[1], part.last_ms))
        )
