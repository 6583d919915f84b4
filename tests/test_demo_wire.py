"""A full demo-park collection over loopback: every request that reaches the simulated devices is a read."""

from __future__ import annotations

import asyncio

from energymon.demo import run_demo
from support import run


def test_full_demo_collection_sends_only_read_function_codes(tmp_path):
    seen = {}

    async def body():
        stop = asyncio.Event()

        def started(demo):
            seen["demo"] = demo

            async def watch():
                collector = demo.collection.collector
                while not all(h.polls - h.failures >= 2 for h in collector.health.values()):
                    await asyncio.sleep(0.1)
                stop.set()

            seen["watch"] = asyncio.create_task(watch())

        await run_demo(stop, started, tmp_path, duration_s=40)
        await seen["watch"]

    run(body, timeout_s=60)
    demo = seen["demo"]
    collector = demo.collection.collector
    assert all(h.state == "online" for h in collector.health.values())
    codes = set()
    for server in demo.simulator.servers.values():
        codes |= set(server.function_codes)
        assert server.bad_frames == 0
    assert codes and codes <= {1, 2, 3, 4}, codes
    transports = {c.transport for c in demo.config.connections.values()}
    assert {"tcp", "rtu-over-tcp"} <= transports  # both framings were exercised
