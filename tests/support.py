"""Helpers shared by the non-GUI tests: configs, a frozen clock, free loopback ports.

Everything here is real: real TOML files in ``tmp_path``, the real simulator
serving real Modbus TCP on 127.0.0.1, real SQLite files.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from energymon.config import Config, parse_config

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2024-06-21 13:00 in Xi'an (UTC+8): near solar noon at 109 E, so PV produces.
NOON_S = datetime(2024, 6, 21, 13, 0, tzinfo=SHANGHAI).timestamp()
# 2024-06-21 19:00 in Xi'an: evening peak, low sun; the storage discharges.
EVENING_S = datetime(2024, 6, 21, 19, 0, tzinfo=SHANGHAI).timestamp()
# 2024-06-21 01:00 in Xi'an: night, the sun is well below the horizon.
NIGHT_S = datetime(2024, 6, 21, 1, 0, tzinfo=SHANGHAI).timestamp()

# A two-period tariff (valley 00:00-08:00 at 0.3, flat 08:00-24:00 at 0.6 per kWh, demand 10 per kW-month):
# the [tariff] of the report tests' hand-made sites (record_hand_site(..., config_toml=...)).
TWO_PERIOD_TARIFF_TOML = """
[tariff]
name = "test two-period tariff"
demand_charge_per_kw_month = 10.0
[tariff.prices]
flat = 0.6
valley = 0.3
[[tariff.periods]]
hours = { valley = "00:00-08:00", flat = "08:00-24:00" }
"""


class FrozenClock:
    """A steppable clock: a callable returning UTC epoch seconds that only moves when told."""

    def __init__(self, t_s: float) -> None:
        self.t_s = float(t_s)

    def __call__(self) -> float:
        return self.t_s

    def advance(self, dt_s: float) -> None:
        self.t_s += dt_s


def demo_config_path() -> Path:
    return Path(str(resources.files("energymon.data").joinpath("demo-park.toml")))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_site_toml(
    ports: dict[str, int],
    poll_interval_s: float = 0.2,
    timeout_s: float = 1.0,
    invert: frozenset[str] = frozenset(),
    extra: str = "",
    database: str = "site.db",
    extra_devices: str = "",
    device_lines: dict[str, str] | None = None,
) -> str:
    """A small park: every role, several devices behind two TCP gateways on 127.0.0.1.

    ``c1``: pv-1 (unit 1), pv-2 (2), bess-1 (3), load-1 (4), grid-1 (5)
    ``c2``: pv-3 (unit 1), bess-2 (2), load-2 (3), load-3 (4)
    Devices named in ``invert`` are installed the other way round. ``extra`` is inserted after the
    connections (more ``[connections.X]`` tables), ``extra_devices`` after the devices.
    ``device_lines``: more keys of a device's table, by device id (e.g. ``ct_ratio = 40``).
    """
    devices = [
        # id, role, connection, unit, rated kW, [devices.sim] table
        ("pv-1", "pv", "c1", 1, 100, ""),
        ("pv-2", "pv", "c1", 2, 60, ""),
        ("bess-1", "storage", "c1", 3, 50, "[devices.sim]\ncapacity_kwh = 100\n"),
        ("load-1", "load", "c1", 4, 200, '[devices.sim]\nload_shape = "warehouse"\nbase_load_kw = 120\n'),
        ("grid-1", "grid", "c1", 5, 1000, ""),
        ("pv-3", "pv", "c2", 1, 80, ""),
        ("bess-2", "storage", "c2", 2, 40, "[devices.sim]\ncapacity_kwh = 80\n"),
        ("load-2", "load", "c2", 3, 150, '[devices.sim]\nload_shape = "office"\nbase_load_kw = 40\n'),
        ("load-3", "load", "c2", 4, 150, '[devices.sim]\nload_shape = "ev-fleet"\nbase_load_kw = 60\n'),
    ]
    parts = [
        '[site]\nname = "test park"\ntimezone = "Asia/Shanghai"\nlatitude = 34.3\nlongitude = 109.06\n',
        '[carbon]\ngrid = "northwest"\n',
        f'[storage]\ndatabase = "{database}"\n',
    ]
    for name in ("c1", "c2"):
        parts.append(
            f'[connections.{name}]\ntransport = "tcp"\nhost = "127.0.0.1"\n'
            f"port = {ports[name]}\ntimeout_s = {timeout_s}\n"
        )
    parts.append(extra)
    for dev_id, role, conn, unit, rated, sim in devices:
        parts.append(
            f'[[devices]]\nid = "{dev_id}"\nrole = "{role}"\nprofile = "energymon-{role}"\n'
            f'connection = "{conn}"\nunit = {unit}\npoll_interval_s = {poll_interval_s}\n'
            f"rated_power_kw = {rated}\ninvert = {'true' if dev_id in invert else 'false'}\n"
            f"{(device_lines or {}).get(dev_id, '')}{sim}"
        )
    parts.append(extra_devices)
    return "\n".join(parts)


def write_config(directory: Path, text: str, name: str = "site.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def run(coro_factory: Callable[[], object], timeout_s: float = 30.0):
    """Run an async test body with a hard bound on its duration."""

    async def bounded():
        return await asyncio.wait_for(coro_factory(), timeout_s)

    return asyncio.run(bounded())


def reparse_with_ports(
    config_text_builder: Callable[[dict[str, int]], str], ports: dict[str, int], path: Path
) -> Config:
    """Write the config text for the ports the simulator actually got and load it."""
    path.write_text(config_text_builder(ports), encoding="utf-8")
    return parse_config(path.read_text(encoding="utf-8"), path)


def stored(db_path: Path) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{device: {quantity: [(ts_ms, value), ...]}} straight from SQLite, in time order."""
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute(
            "SELECT c.device_id, c.quantity, s.ts_ms, s.value FROM samples s JOIN channels c ON c.id = s.channel_id"
            " ORDER BY s.ts_ms"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for device_id, quantity, ts_ms, value in rows:
        out.setdefault(device_id, {}).setdefault(quantity, []).append((ts_ms, value))
    return out


def run_demo_until(directory: Path, done: Callable[[object], bool], timeout_s: float, **demo_args):
    """Run the demo park in ``directory`` until ``done(demo)`` holds (checked every 0.1 s); return the demo."""
    from energymon.demo import run_demo

    seen: dict[str, object] = {}

    async def body():
        stop = asyncio.Event()

        def started(demo):
            seen["demo"] = demo

            async def watch():
                while not done(demo):
                    await asyncio.sleep(0.1)
                stop.set()

            seen["watch"] = asyncio.create_task(watch())

        await run_demo(stop, started, directory, duration_s=timeout_s - 10, **demo_args)
        await seen["watch"]

    run(body, timeout_s=timeout_s)
    return seen["demo"]


def all_polled(demo, times: int = 2) -> bool:
    """Every device of the demo has answered at least ``times`` polls."""
    return all(h.polls - h.failures >= times for h in demo.collection.collector.health.values())


def record_hand_site(path: Path, devices=(), poll_interval_s: float = 900.0, **site) -> None:
    """A database describing a hand-made site: site facts (Asia/Shanghai, factor 0.5 kg/kWh from "test factor",
    overridable by keyword) and ``devices`` as (id, role, rated kW) rows; samples are written by the test."""
    import json

    from energymon.store.schema import open_db

    facts = {
        "name": "Hand park",
        "timezone": "Asia/Shanghai",
        "emission_factor_kg_per_kwh": 0.5,
        "emission_factor_source": "test factor",
        **site,
    }
    db = open_db(path)
    try:
        for key, value in facts.items():
            db.table("site").upsert({"key": key, "value": json.dumps(value)}, pk="key")
        for device_id, role, rated in devices:
            db.table("devices").upsert(
                {
                    "id": device_id,
                    "name": device_id.upper(),
                    "role": role,
                    "profile": "x",
                    "connection": "c",
                    "address": "127.0.0.1:1",
                    "unit": 1,
                    "poll_interval_s": poll_interval_s,
                    "rated_power_kw": rated,
                    "invert": 0,
                    "updated_ms": 0,
                },
                pk="id",
            )
    finally:
        db.close()


def write_counter_ramps(path: Path, devices, start_ms: int, step_ms: int, steps: int, step_wh: dict) -> None:
    """Samples of the ``devices`` ((id, role, rated kW) rows) at ``start_ms + i * step_ms`` for i = 0 ..
    ``steps``, through the one writer: each (device id, counter) of ``step_wh`` reads 1e6 Wh + ``step_wh`` x i
    (a constant rate); a device with no counter there gets empty batches."""
    from energymon.store.writer import SampleBatch, StoreWriter

    writer = StoreWriter(path, max_delay_s=60)
    for i in range(steps + 1):
        for device_id, _, _ in devices:
            values: dict[str, float | None] = {q: 1e6 + wh * i for (d, q), wh in step_wh.items() if d == device_id}
            writer.put_samples(SampleBatch(device_id, start_ms + i * step_ms, values))
    writer.close()
    assert writer.error is None


@contextlib.contextmanager
def running_demo_window(qtbot, directory: Path, backfill_days: float = 0.0):
    """The main window with the demo park behind it (collector thread), shown offscreen; stopped after."""
    from ui.app import start_demo_window

    window, runner, _bridge = start_demo_window(directory, backfill_days=backfill_days)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        window.shutdown()
        runner.stop()
        assert not runner.running


def wait_until_listening(port: int, timeout_s: float = 10.0) -> None:
    """Block until something accepts TCP connections on 127.0.0.1:``port`` (a server started in a thread)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# Latin-letter words a Chinese event text may hold: units, and names of standards, tools and formats.
EVENT_TEXT_SYMBOLS = frozenset(
    "W kW Wh kWh V A Hz var degC KB GB MiB L1 L2 L3 UTC Modbus SunSpec PRAGMA quick_check sqlite3 recover CO2".split()
)
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*")
_A_PATH = re.compile(r"(?:[A-Za-z]:\\|/)[^\s，。；：、（）()'\"]+")


def english_words(text: str, names: Iterable[str] = ()) -> list[str]:
    """The English words in a Chinese ``text``: Latin-letter words that are not a unit or symbol
    (:data:`EVENT_TEXT_SYMBOLS`), not one of ``names`` (proper names: device ids, rule names and ids, quantity
    codes without a Chinese name) and not in a file path; a single letter is a symbol (A, V), never a word."""
    for name in sorted(set(names), key=len, reverse=True):
        text = text.replace(name, " ")
    text = _A_PATH.sub(" ", text)
    return [w for w in _LATIN_WORD.findall(text) if len(w) > 1 and w not in EVENT_TEXT_SYMBOLS]


def open_page(qtbot, request, page_class, site, db_path: Path, now_ms: int, size: tuple[int, int]):
    """A page of the main window on its own, offscreen: a fresh app context (its reader thread stopped at the
    end of the test), the clock fixed at ``now_ms``, shown at ``size`` on ``site`` and ``db_path``, and
    activated as the window does when the page is chosen; the caller waits for its first figures."""
    from ui.context import AppContext

    ctx = AppContext()
    request.addfinalizer(ctx.shutdown)  # the reader thread
    page = page_class(ctx)
    qtbot.addWidget(page)
    page.now_ms = lambda: now_ms
    page.resize(*size)
    page.show()
    ctx.set_site(site, db_path)
    page.activated()
    return page
