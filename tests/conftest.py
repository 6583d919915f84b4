"""Shared fixtures for the non-GUI suite (helpers live in support.py)."""

from __future__ import annotations

import os
from pathlib import Path

# Qt widgets in tests render offscreen unless the caller chose a platform (e.g. xcb under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from energymon.config import Config, load_config

from support import NOON_S, FrozenClock, demo_config_path, small_site_toml, write_config


@pytest.fixture(scope="session")
def demo_config() -> Config:
    return load_config(demo_config_path())


@pytest.fixture
def small_config(tmp_path: Path) -> Config:
    """The small park with placeholder ports (for model-only tests)."""
    return load_config(write_config(tmp_path, small_site_toml({"c1": 1502, "c2": 1503})))


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock(NOON_S)
