"""What the publisher tests share: a park database written through the store's one writer, a plain paho
subscriber standing in for the downstream ingest, and a publisher run on a thread."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from energymon.config.publish import PublishSettings
from energymon.fleet.payload import EventsMessage, SamplesMessage, SiteMessage, decode
from energymon.fleet.publisher import Publisher
from energymon.store.history import DeviceHistory
from energymon.store.reader import StoreReader
from energymon.store.writer import SampleBatch, StoreWriter

from support import record_hand_site

DEVICES = (("pv-1", "pv", 100.0), ("grid-1", "grid", 1000.0))
QUANTITIES = {"pv-1": ("power_w", "yield_wh"), "grid-1": ("power_w",)}
DAY0_MS = 1_764_547_200_000  # 2025-12-01T00:00Z


def value_of(device: str, quantity: str, ts_ms: int) -> float:
    """A reading that differs per channel and instant, so sums tell a lost or doubled sample."""
    return float((ts_ms // 1000) % 9973) + (3.5 if device == "pv-1" else 0.25) + (0.5 if quantity == "yield_wh" else 0)


def make_park(path: Path, start_ms: int, step_ms: int, steps: int) -> None:
    """A park database (site facts and devices recorded) with samples of every channel at start + i x step."""
    record_hand_site(path, devices=DEVICES)
    write_samples(path, start_ms, step_ms, steps)


def write_samples(path: Path, start_ms: int, step_ms: int, steps: int, writer: StoreWriter | None = None) -> None:
    """Samples of every channel at ``start_ms + i * step_ms``, i < steps, as history (blocks) through the writer."""
    own = writer is None
    writer = writer or StoreWriter(path, max_delay_s=0.2)
    ts = start_ms + step_ms * np.arange(steps, dtype=np.int64)
    done = threading.Semaphore(0)
    for device, quantities in QUANTITIES.items():
        values = {q: np.array([value_of(device, q, int(t)) for t in ts]) for q in quantities}
        writer.put_history(DeviceHistory(device, ts, values), done)
    for _ in QUANTITIES:
        assert done.acquire(timeout=60)
    if own:
        writer.close()
        assert writer.error is None


def live_samples(writer: StoreWriter, start_ms: int, step_ms: int, steps: int) -> None:
    """Live batches (the narrow table), one per device and instant."""
    for i in range(steps):
        ts = start_ms + i * step_ms
        for device, quantities in QUANTITIES.items():
            writer.put_samples(SampleBatch(device, ts, {q: value_of(device, q, ts) for q in quantities}))


def park_samples(path: Path) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(device, quantity) -> the park's samples by time."""
    reader = StoreReader(path)
    try:
        out = {}
        for device, quantity, _, _ in reader.channels():
            ts, values = reader.raw(device, quantity, -(2**62), 2**62)
            out[(device, quantity)] = list(zip(ts.tolist(), values.tolist(), strict=True))
        return out
    finally:
        reader.close()


class Downstream:
    """A plain paho subscriber to ``energymon/v1/#`` (QoS 1, a persistent session), keeping every message."""

    def __init__(self, host: str, port: int, client_id: str = "test-downstream") -> None:
        self.lock = threading.Lock()
        self.samples: list[SamplesMessage] = []
        self.events: list[EventsMessage] = []
        self.sites: list[SiteMessage] = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5)
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe("energymon/v1/#", qos=1)
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(1, 1)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600  # queued messages wait for us through a broker restart
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.connect(host, port, clean_start=False, properties=props)
        self.client.loop_start()
        assert subscribed.wait(10), "the test subscriber did not subscribe"

    def _on_message(self, client, userdata, message) -> None:  # noqa: ANN001
        decoded = decode(message.payload)
        with self.lock:
            if isinstance(decoded, SamplesMessage):
                self.samples.append(decoded)
            elif isinstance(decoded, EventsMessage):
                self.events.append(decoded)
            else:
                self.sites.append(decoded)

    def keys(self) -> Counter[tuple[str, str, int]]:
        """(device, quantity, ts_ms) -> times received."""
        with self.lock:
            return Counter((m.device, m.quantity, t) for m in self.samples for t in m.ts_ms)

    def by_channel(self) -> dict[tuple[str, str], list[tuple[int, float]]]:
        """(device, quantity) -> the samples in the order received (duplicates kept)."""
        out: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
        with self.lock:
            for m in self.samples:
                out[(m.device, m.quantity)].extend(zip(m.ts_ms, m.values, strict=True))
        return dict(out)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def park_keys(park: dict[tuple[str, str], list[tuple[int, float]]]) -> set[tuple[str, str, int]]:
    return {(d, q, t) for (d, q), rows in park.items() for t, _ in rows}


def settings(port: int, **kw: object) -> PublishSettings:
    base: dict = {"host": "127.0.0.1", "port": port, "tls": False, "site_id": "test park"}
    base.update(client_id="test-publisher", target=f"127.0.0.1:{port}", max_samples=1000)
    base.update(kw)
    return PublishSettings(**base)


class Running:
    """A Publisher on a thread, stopped (and its thread joined) by :meth:`stop`."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.publisher.run(self.stopping)
        except BaseException as exc:  # noqa: BLE001 - reported by stop()
            self.error = exc

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(30)
        assert not self.thread.is_alive()
        assert self.error is None, repr(self.error)


def duplicates(counts: Iterable[int]) -> int:
    return sum(n - 1 for n in counts if n > 1)
