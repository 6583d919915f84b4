"""Fixtures of the fleet tests: a real Mosquitto broker and a real PostgreSQL on loopback (``fleet.servers``).

- ``mqtt_broker``: one anonymous broker per test module, no persistence (a test that stops or restarts a
  broker takes its own from ``start_mosquitto``).
- ``start_mosquitto``: a factory for brokers with options (``persistence=True``, ``username``/``password``),
  each stopped when the test ends.
- ``postgres_server``: one cluster per session (initdb costs a second or so); ``postgres_dsn``: a database
  of its own for each test module, as ``postgresql://energymon@127.0.0.1:<port>/<db>``.

When mosquitto or PostgreSQL is not installed the tests skip, naming the apt-get command; in CI (the
variable CI is set, as for ``.ci/run``) they fail instead, since there the script must have installed them.
Every server is stopped at teardown, whether the test passed or not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fleet.servers import Mosquitto, Postgres, in_ci, missing_packages, require_packages


def _need(*, mqtt: bool = False, postgres: bool = False) -> None:
    require_packages(missing_packages(mqtt=mqtt, postgres=postgres), ci=in_ci())


@pytest.fixture(scope="module")
def mqtt_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    _need(mqtt=True)
    broker = Mosquitto(tmp_path_factory.mktemp("mosquitto"))
    try:
        yield broker.start()
    finally:
        broker.stop()


@pytest.fixture
def start_mosquitto(tmp_path: Path) -> Iterator[Callable[..., Mosquitto]]:
    """``start_mosquitto(persistence=..., username=..., password=...)`` -> a running broker of this test."""
    _need(mqtt=True)
    brokers: list[Mosquitto] = []

    def start(*, persistence: bool = False, username: str | None = None, password: str | None = None) -> Mosquitto:
        folder = tmp_path / f"mosquitto-{len(brokers)}"
        broker = Mosquitto(folder, persistence=persistence, username=username, password=password)
        brokers.append(broker)
        return broker.start()

    try:
        yield start
    finally:
        for broker in brokers:
            broker.stop()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    _need(postgres=True)
    server = Postgres(tmp_path_factory.mktemp("pg"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def postgres_dsn(postgres_server: Postgres, request: pytest.FixtureRequest) -> str:
    """A fresh database for this test module on the session's cluster; its DSN."""
    name = re.sub(r"[^a-z0-9_]", "_", request.module.__name__.lower())[:50]
    return postgres_server.create_database(f"t_{name}")
