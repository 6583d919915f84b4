"""energymon.demo helpers and energymon.collect.service runners (the demo itself runs in test_cli)."""

from __future__ import annotations

import asyncio
import threading

from energymon.collect.service import BackgroundRunner
from energymon.config import parse_config
from energymon.demo import demo_dir, demo_template_text, with_ports


def test_with_ports_replaces_only_connection_ports(tmp_path):
    text = (
        '[site]\nname = "x"\ntimezone = "UTC"\nlatitude = 0\nlongitude = 0\n'
        "# port = 1 in a comment outside a connection\n"
        '[connections.a]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 502\n'
        '[connections.b-2]\ntransport = "tcp"\nhost = "127.0.0.1"\n  port   = 503\n'
        '[connections.c]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 504\n'
        '[[devices]]\nid = "d"\nport_note = 1\n'
    )
    out = with_ports(text, {"a": 40001, "b-2": 40002})
    assert "port = 40001\n" in out and "port = 40002\n" in out
    assert "port = 504\n" in out  # not in the mapping: unchanged
    assert "# port = 1 in a comment" in out and "port_note = 1" in out
    assert out.count("\n") == text.count("\n")


def test_demo_template_with_ports_is_a_valid_config(tmp_path):
    template = demo_template_text()
    names = list(parse_config(template, tmp_path / "demo-park.toml").connections)
    ports = {name: 41000 + i for i, name in enumerate(names)}
    config = parse_config(with_ports(template, ports), tmp_path / "demo-park.toml")
    assert {name: c.port for name, c in config.connections.items()} == ports
    assert config.storage.database == tmp_path / "demo-park.db"


def test_demo_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("ENERGYMON_DEMO_DIR", str(tmp_path / "here"))
    assert demo_dir() == tmp_path / "here"
    monkeypatch.delenv("ENERGYMON_DEMO_DIR")
    assert demo_dir().name == "demo" and "energymon" in str(demo_dir())


def test_background_runner_runs_in_its_own_thread_and_stops():
    seen = {}

    async def main(stop: asyncio.Event) -> None:
        seen["thread"] = threading.current_thread().name
        await stop.wait()
        seen["stopped"] = True

    runner = BackgroundRunner(main, name="test-runner")
    runner.start()
    assert runner.running
    runner.stop(timeout_s=10)
    assert not runner.running and runner.error is None
    assert seen == {"thread": "test-runner", "stopped": True}


def test_background_runner_reports_errors():
    async def main(stop: asyncio.Event) -> None:
        raise RuntimeError("boom")

    runner = BackgroundRunner(main)
    runner.start()
    runner.stop(timeout_s=10)
    assert isinstance(runner.error, RuntimeError) and str(runner.error) == "boom"
