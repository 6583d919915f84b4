"""The built-in demo park: simulator on free loopback ports + collector + database.

The demo config (``energymon/data/demo-park.toml``) is copied into the user
data directory with the ports the simulator actually got, so the user can
inspect it, and the database is written next to it.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from energymon.config import Config, parse_config
from energymon.service import Collection, run_until_stopped
from energymon.sim.serve import SimulatedPark

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
class DemoPark:
    config: Config
    config_text: str
    simulator: SimulatedPark
    collection: Collection

    @property
    def db_path(self) -> Path:
        return self.config.storage.database


async def start_demo(directory: Path | None = None, seed: int = 1) -> DemoPark:
    """Start the simulated devices on free loopback ports and a collection into the demo database."""
    directory = directory or demo_dir()
    directory.mkdir(parents=True, exist_ok=True)
    template = demo_template_text()
    template_config = parse_config(template, directory / DEMO_CONFIG_NAME)
    simulator = SimulatedPark(template_config, seed=seed, host="127.0.0.1",
                              ports={name: 0 for name in template_config.connections},
                              state_path=directory / DEMO_STATE_NAME)
    await simulator.start()
    text = with_ports(template, simulator.ports)
    config_path = directory / DEMO_CONFIG_NAME
    config_path.write_text(text, encoding="utf-8")
    config = parse_config(text, config_path)
    collection = Collection(config, config.storage.database, text)
    return DemoPark(config, text, simulator, collection)


async def stop_demo(demo: DemoPark) -> None:
    await demo.simulator.stop()


async def run_demo(stop: asyncio.Event, on_started: Callable[[DemoPark], None] | None = None,
                   directory: Path | None = None, duration_s: float | None = None) -> None:
    """Run the demo until ``stop`` is set (or ``duration_s`` passes).

    ``on_started(demo)`` is called once the devices are served and before the
    first poll, so subscribers can attach to ``demo.collection.collector``.
    """
    demo = await start_demo(directory)
    try:
        if on_started is not None:
            on_started(demo)
        saver = asyncio.create_task(_save_state_periodically(demo, stop))
        try:
            await run_until_stopped(demo.collection, stop, duration_s)
        finally:
            saver.cancel()
    finally:
        await stop_demo(demo)


async def _save_state_periodically(demo: DemoPark, stop: asyncio.Event) -> None:
    """Save the simulator state now and then, so even a killed demo resumes its counters."""
    while not stop.is_set():
        await asyncio.sleep(SAVE_STATE_EVERY_S)
        demo.simulator.save_state()
