"""What docs/security.md claims about the network, checked on running processes.

- ``energymon collect`` opens no listening socket: it only connects out to the configured devices.
- ``energymon simulate`` listens only where the config asks, and warns when that is every interface.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from support import PYTHON, REPO, free_port, small_site_toml, write_config

pytestmark = pytest.mark.process


def listening_ports(pid: int) -> set[int]:
    """TCP ports in state LISTEN on sockets the process ``pid`` holds (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "energymon.cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def wait_for(condition, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_collect_listens_nowhere_and_the_simulator_only_where_asked(tmp_path):
    ports = {"c1": free_port(), "c2": free_port()}
    config = write_config(tmp_path, small_site_toml(ports, poll_interval_s=0.5))
    simulator = start(["simulate", "--config", str(config)])
    collector = None
    try:
        wait_for(lambda: listening_ports(simulator.pid) == set(ports.values()))
        collector = start(["collect", "--config", str(config)])
        wait_for(lambda: (tmp_path / "site.db").exists())
        time.sleep(2)  # polling by now
        assert collector.poll() is None, collector.communicate()
        assert listening_ports(collector.pid) == set()
        assert listening_ports(simulator.pid) == set(ports.values())  # only the configured ports
    finally:
        if collector is not None:
            stop(collector)
        out, err = stop(simulator)
    assert "listens on every network interface" not in err


def test_the_simulator_warns_when_it_would_listen_on_every_interface(tmp_path):
    port = free_port()
    text = small_site_toml({"c1": port, "c2": free_port()}).replace(
        f'host = "127.0.0.1"\nport = {port}', f'host = "0.0.0.0"\nport = {port}', 1
    )
    config = write_config(tmp_path, text)
    proc = subprocess.run(
        [PYTHON, "-m", "energymon.cli", "simulate", "--config", str(config), "--duration", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "energymon: warning: connections.c1: host '0.0.0.0' listens on every network interface" in proc.stderr
    assert "connections.c2" not in proc.stderr
