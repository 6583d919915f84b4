"""A large simulated park: the demo park's devices repeated until there are ``devices`` of them.

For tests and benchmarks of the simulator (and of the collector) at scale:
:func:`repeated_demo_config_text` copies the demo config's connections and
devices (energymon/data/demo-park.toml: every device kind, profile, gateway
and hybrid layout the demo has) as often as needed, each copy with its own
connection names (``<connection>-<copy>``), device ids (``<id>-<copy>``) and
ports, so every device keeps its own unit on its own port as in the demo.
The site, tariff and storage sections are the demo's, once.
"""

from __future__ import annotations

import re
from importlib import resources

DEMO_CONFIG = "demo-park.toml"  # in energymon.data: the demo's config (energymon.demo serves it)
FIRST_PORT = 20_000  # copy k's connections take the ports from FIRST_PORT + k * (connections per copy)
_TABLE = re.compile(r"^\[", re.MULTILINE)


def _split(text: str) -> tuple[str, list[str], list[str]]:
    """(everything before the first connection, connection blocks, device blocks) of a config text."""
    starts = [m.start() for m in _TABLE.finditer(text)] + [len(text)]
    head, connections, devices = "", [], []
    for begin, end in zip(starts, starts[1:], strict=False):
        block = text[begin:end]
        if block.startswith("[connections."):
            connections.append(block)
        elif block.startswith("[[devices]]"):
            devices.append(block)
        elif block.startswith("[devices."):  # a device's sub-table ([devices.sim]) belongs to the device before it
            devices[-1] += block
        elif connections or devices:
            raise ValueError(f"unexpected table after the connections: {block.splitlines()[0]}")
        else:
            head += block
    return text[: starts[0]] + head, connections, devices


def _value(block: str, pattern: str) -> str:
    """The first group of ``pattern`` (a line of ``block``)."""
    found = re.search(pattern, block, re.MULTILINE)
    if found is None:
        raise ValueError(f"no {pattern!r} in {block.splitlines()[0]}")
    return found.group(1)


def repeated_demo_config_text(devices: int) -> str:
    """A valid site config with ``devices`` simulated devices: the demo's, repeated (see the module doc)."""
    if devices < 1:
        raise ValueError("a park needs at least one device")
    demo = resources.files("energymon.data").joinpath(DEMO_CONFIG).read_text(encoding="utf-8")
    head, connections, device_blocks = _split(demo)
    names = [_value(c, r"^\[connections\.([^\]]+)\]") for c in connections]
    parts = [head.replace('database = "demo-park.db"', f'database = "park-{devices}.db"')]
    copies = -(-devices // len(device_blocks))
    used = 0
    for copy in range(copies):
        suffix = f"-{copy + 1:03d}"
        take = device_blocks[: min(len(device_blocks), devices - used)]
        used += len(take)
        wanted = {_value(d, r'^connection = "([^"]+)"') for d in take}
        for index, (name, block) in enumerate(zip(names, connections, strict=True)):
            if name not in wanted:
                continue
            port = FIRST_PORT + copy * len(connections) + index
            block = block.replace(f"[connections.{name}]", f"[connections.{name}{suffix}]", 1)
            parts.append(re.sub(r"^port = \d+", f"port = {port}", block, count=1, flags=re.MULTILINE))
        for block in take:
            block = re.sub(r'^(id|connection) = "([^"]+)"', rf'\1 = "\2{suffix}"', block, flags=re.MULTILINE)
            parts.append(re.sub(r'^name = "([^"]+)"', rf'name = "\1 ({copy + 1})"', block, count=1, flags=re.M))
    return "".join(parts)
