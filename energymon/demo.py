"""The built-in demo park: simulator on free loopback ports + collector + database.

The demo config (``energymon/data/demo-park.toml``) is copied into the user
data directory with the ports the simulator actually got, so the user can
inspect it, and the database is written next to it.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from energymon.backfill.runner import run_backfill
from energymon.collect.service import Collection, run_until_stopped
from energymon.config import Config, parse_config
from energymon.sim.backfill import history_end_state
from energymon.sim.park import save_park_state
from energymon.sim.serve import SimulatedPark
from energymon.site_time import DAY_S

DEMO_CONFIG_NAME = "demo-park.toml"
DEMO_STATE_NAME = "simulator-state.json"  # counters and SoC of the simulated devices, across runs
SAVE_STATE_EVERY_S = 60.0


def demo_template_text() -> str:
    return resources.files("energymon.data").joinpath(DEMO_CONFIG_NAME).read_text(encoding="utf-8")


def demo_dir() -> Path:
    """Where the demo keeps its config and database (``ENERGYMON_DEMO_DIR`` overrides)."""
    override = os.environ.get("ENERGYMON_DEMO_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("energymon", appauthor=False)) / "demo"


def with_ports(config_text: str, ports: dict[str, int]) -> str:
    """Replace the ``port = N`` line of each ``[connections.NAME]`` section by ``ports[NAME]``."""
    out = []
    section = None
    for line in config_text.splitlines(keepends=True):
        header = re.match(r"\s*\[connections\.([A-Za-z0-9_-]+)\]\s*$", line)
        if header:
            section = header.group(1)
        elif re.match(r"\s*\[", line):
            section = None
        elif section in ports and re.match(r"\s*port\s*=", line):
            line = f"port = {ports[section]}\n"
        out.append(line)
    return "".join(out)


@dataclass
class BackfillStatus:
    """How far the first-start history is (written by the backfill thread, read by summaries and the GUI)."""

    days: float
    share_done: float = 0.0
    samples: int = 0
    seconds: float | None = None  # set when finished
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.seconds is None and self.error is None


@dataclass
class DemoPark:
    config: Config
    config_text: str
    simulator: SimulatedPark
    collection: Collection
    backfill: BackfillStatus | None = None  # None: history was already there (not the first start)
    history_span: tuple[float, float] | None = None  # [start, end) UTC s of the history to generate

    @property
    def db_path(self) -> Path:
        return self.config.storage.database


async def start_demo(directory: Path | None = None, seed: int = 1, backfill_days: float = 0.0) -> DemoPark:
    """Start the simulated devices on free loopback ports and a collection into the demo database.

    On the first start (no saved simulator state) with ``backfill_days`` > 0 the
    park is first advanced through that many days (counters and SoC only, a few
    seconds), so the live devices continue exactly where the history will end;
    the history itself is written later, behind live collection (:func:`run_demo`).
    """
    directory = directory or demo_dir()
    directory.mkdir(parents=True, exist_ok=True)
    template = demo_template_text()
    template_config = parse_config(template, directory / DEMO_CONFIG_NAME)
    state_path = directory / DEMO_STATE_NAME
    span = None
    if backfill_days > 0 and not state_path.exists():
        end_s = time.time()
        span = (end_s - backfill_days * DAY_S, end_s)
        state = await asyncio.to_thread(history_end_state, template_config, span[0], span[1], seed)
        save_park_state(state_path, state)
    simulator = SimulatedPark(
        template_config,
        seed=seed,
        host="127.0.0.1",
        ports={name: 0 for name in template_config.connections},
        state_path=state_path,
    )
    await simulator.start()
    text = with_ports(template, simulator.ports)
    config_path = directory / DEMO_CONFIG_NAME
    config_path.write_text(text, encoding="utf-8")
    config = parse_config(text, config_path)
    collection = Collection(config, config.storage.database, text)
    status = BackfillStatus(backfill_days) if span else None
    return DemoPark(config, text, simulator, collection, status, span)


async def stop_demo(demo: DemoPark) -> None:
    await demo.simulator.stop()


async def run_demo(
    stop: asyncio.Event,
    on_started: Callable[[DemoPark], None] | None = None,
    directory: Path | None = None,
    duration_s: float | None = None,
    backfill_days: float = 0.0,
    seed: int = 1,
) -> None:
    """Run the demo until ``stop`` is set (or ``duration_s`` passes).

    ``on_started(demo)`` is called once the devices are served and before the
    first poll, so subscribers can attach to ``demo.collection.collector``.
    On a first start with ``backfill_days``, the history fills in on a
    background thread while the park is collected live (``demo.backfill``
    reports progress).
    """
    demo = await start_demo(directory, seed, backfill_days)
    try:
        if on_started is not None:
            on_started(demo)
        saver = asyncio.create_task(_save_state_periodically(demo, stop))
        filler = None
        if demo.history_span is not None:
            filler = asyncio.create_task(asyncio.to_thread(_fill_history, demo, seed, stop))
        try:
            await run_until_stopped(demo.collection, stop, duration_s)
        finally:
            saver.cancel()
            stop.set()
            if filler is not None:
                await filler
    finally:
        await stop_demo(demo)


def _fill_history(demo: DemoPark, seed: int, stop: asyncio.Event) -> None:
    status, span = demo.backfill, demo.history_span
    assert status is not None and span is not None  # started only on a first start with history to fill

    def progress(share: float, samples: int) -> None:
        status.share_done, status.samples = share, samples

    try:
        result = run_backfill(
            demo.config, demo.collection.writer, span[0], span[1], seed=seed, progress=progress, cancelled=stop.is_set
        )
    except Exception as exc:  # noqa: BLE001 - shown to the user, the live demo goes on
        status.error = f"generation failed: {type(exc).__name__}: {exc}"
        return
    if result is None:
        status.error = (
            f"stopped at {status.share_done * 100:.0f} % ({status.share_done * status.days:.0f} of "
            f"{status.days:g} days) when the demo was closed; the rest is not filled in later"
        )
    else:
        status.seconds = result.seconds


async def _save_state_periodically(demo: DemoPark, stop: asyncio.Event) -> None:
    """Save the simulator state now and then, so even a killed demo resumes its counters."""
    while not stop.is_set():
        await asyncio.sleep(SAVE_STATE_EVERY_S)
        demo.simulator.save_state()
