"""Simulated history generated and encoded in a child process, handed back over a queue ready to insert.

Generating history is cheap; encoding it for the store (blocks, rollups) is
most of the work. Done in the process that collects and shows live data, that
work shares the GIL with the GUI thread and stalls its event loop. In a child
process it runs on another core, and the parent's store writer only inserts
the rows (energymon.store.history.write_prepared).

The child (started with multiprocessing's "spawn" method: a process with
threads must not fork) runs :func:`prepared_days` and puts on a bounded queue,
in order: per chunk (a day) one :class:`~energymon.store.history.PreparedHistory`
per device, then a :class:`ChunkDone`; at the end a :class:`Finished` with the
park's final state, or a :class:`Failed` with the error. It writes nothing
itself, so stopping it at any moment is safe; it ends by itself when its parent
is gone (a killed GUI) and the queue is full. It runs at the lowest CPU
priority (POSIX nice 19, energymon.child_priority; not lowered on Windows):
history is background work, and on two cores a child at normal priority still
delays the GUI's paints (benchmarks/bench_gui_lag.py measures it).
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from energymon.child_priority import CHILD_NICENESS, lower_priority
from energymon.config import Config
from energymon.sim.backfill import generate_history
from energymon.sim.quantize import quantize
from energymon.site_time import DAY_S
from energymon.store.history import DeviceHistory, PreparedHistory, prepare

QUEUE_ITEMS = 24  # messages in flight between the processes (a chunk is one per device and one ChunkDone)
POLL_S = 0.25  # how often a waiting parent looks at cancellation and at the child


@dataclass(frozen=True)
class ChunkDone:
    """All devices of one chunk have been sent: ``share_done`` (0..1) of the span, ``samples`` so far."""

    share_done: float
    samples: int


@dataclass(frozen=True)
class Finished:
    final_state: dict  # the park's state at the end (energymon.sim.park.Park.state format)


@dataclass(frozen=True)
class Failed:
    error: str


class HistoryProcessError(RuntimeError):
    """The history process failed or ended without finishing."""


def prepared_days(
    config: Config, start_s: float, end_s: float, seed: int = 1
) -> Iterator[PreparedHistory | ChunkDone | Finished]:
    """The history of ``[start_s, end_s)`` at register resolution, encoded for the store, a day at a time.

    Each device's samples are handed over cut at UTC midnight, the store's
    block boundary, so each block is encoded once rather than merged with its
    other half later (the samples after the last midnight of a chunk go out
    with the next chunk).
    """
    devices = {d.id: d for d in config.devices}
    zone = config.site.tz
    carried: dict[str, DeviceHistory] = {}
    samples = 0
    for chunk in generate_history(config, start_s, end_s, seed):
        final_state = chunk.final_state
        last = final_state is not None
        cut_ms = int(chunk.end_s // DAY_S * DAY_S * 1000)  # the last UTC midnight up to the chunk's end
        for device_id, device_samples in chunk.devices.items():
            values = quantize(devices[device_id], device_samples.values)  # register resolution, as read live
            history = _joined(carried.pop(device_id, None), DeviceHistory(device_id, device_samples.ts_ms, values))
            if not last:
                history, carried[device_id] = _split(history, cut_ms)
            if history.ts_ms.size:
                prepared = prepare(history, zone)
                samples += prepared.samples
                yield prepared
        yield ChunkDone(chunk.progress, samples)
        if final_state is not None:
            yield Finished(final_state)


def _joined(before: DeviceHistory | None, after: DeviceHistory) -> DeviceHistory:
    if before is None:
        return after
    return DeviceHistory(
        after.device_id,
        np.concatenate((before.ts_ms, after.ts_ms)),
        {q: np.concatenate((before.values[q], v)) for q, v in after.values.items()},
    )


def _split(history: DeviceHistory, cut_ms: int) -> tuple[DeviceHistory, DeviceHistory]:
    """The samples before ``cut_ms`` and those from it on."""
    at = int(np.searchsorted(history.ts_ms, cut_ms))
    return (
        DeviceHistory(history.device_id, history.ts_ms[:at], {q: v[:at] for q, v in history.values.items()}),
        DeviceHistory(history.device_id, history.ts_ms[at:], {q: v[at:] for q, v in history.values.items()}),
    )


def _child_main(config: Config, start_s: float, end_s: float, seed: int, out: multiprocessing.Queue) -> None:
    lower_priority(CHILD_NICENESS)
    try:
        for message in prepared_days(config, start_s, end_s, seed):
            _send(out, message)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which shows it
        traceback.print_exc()  # the details, on the inherited stderr
        _send(out, Failed(f"{type(exc).__name__}: {exc}"))


def _send(out: multiprocessing.Queue, message) -> None:
    """Put ``message`` on the queue; end this process once the parent is gone (nobody will read it).

    A parent that was killed (a crashed GUI) would otherwise leave the child blocked on a full
    queue for good.
    """
    parent = multiprocessing.parent_process()
    while True:
        try:
            out.put(message, timeout=POLL_S)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                out.cancel_join_thread()  # do not wait at exit to flush into a pipe nobody reads
                raise SystemExit(0) from None


class HistoryProcess:
    """The child process of one history span; use as a context manager and iterate :meth:`messages`.

    Leaving the context stops the child if it is still running.
    """

    def __init__(self, config: Config, start_s: float, end_s: float, seed: int = 1) -> None:
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue(maxsize=QUEUE_ITEMS)
        self._process = context.Process(
            target=_child_main, args=(config, start_s, end_s, seed, self._queue), name="energymon-history", daemon=True
        )

    def __enter__(self) -> HistoryProcess:
        self._process.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)
        self._queue.close()
        self._queue.cancel_join_thread()

    @property
    def running(self) -> bool:
        return self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def messages(
        self, cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[PreparedHistory | ChunkDone | Finished]:
        """The child's messages in order, up to :class:`Finished`; stops early once ``cancelled()`` is true.

        Raises :class:`HistoryProcessError` if the child reports a failure or ends without finishing.
        """
        child_ended = False
        while not cancelled():
            try:
                message = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if self._process.exitcode is None:
                    continue
                if not child_ended:  # it ended: take what it flushed before, then give up
                    child_ended = True
                    continue
                raise HistoryProcessError(
                    f"the history process ended without finishing (exit code {self._process.exitcode})"
                ) from None
            if isinstance(message, Failed):
                raise HistoryProcessError(f"history generation failed: {message.error}")
            yield message
            if isinstance(message, Finished):
                return
