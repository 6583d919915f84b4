"""A full demo-park collection over loopback: every request that reaches the simulated devices is a read."""

from __future__ import annotations

import pytest

from support import all_polled, run_demo_until


@pytest.mark.slow
@pytest.mark.wire
def test_full_demo_collection_sends_only_read_function_codes(tmp_path):
    demo = run_demo_until(tmp_path, all_polled, timeout_s=60)
    collector = demo.collection.collector
    assert all(h.state == "online" for h in collector.health.values())
    codes = set()
    for server in demo.simulator.servers.values():
        codes |= set(server.function_codes)
        assert server.bad_frames == 0
    assert codes and codes <= {1, 2, 3, 4}, codes
    transports = {c.transport for c in demo.config.connections.values()}
    assert {"tcp", "rtu-over-tcp"} <= transports  # both framings were exercised
