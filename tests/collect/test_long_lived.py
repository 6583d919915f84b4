"""energymon.collect.long_lived: a collection's state frozen once every device has polled, released at stop."""

from __future__ import annotations

import gc
import time

import pytest

from energymon.collect.long_lived import LongLivedState


@pytest.fixture(autouse=True)
def _unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_frozen_only_once_every_device_has_polled():
    state = LongLivedState(["a", "b", "c"])
    state.polled("a")
    state.polled("a")
    state.polled("b")
    assert not state.frozen and gc.get_freeze_count() == 0
    state.polled("c")
    assert state.frozen and gc.get_freeze_count() > 0


def test_frozen_after_the_deadline_even_if_a_device_never_answered(monkeypatch):
    state = LongLivedState(["a", "silent"], settle_after_s=5.0)
    state.polled("a")
    assert not state.frozen
    later = time.monotonic() + 6.0
    monkeypatch.setattr("energymon.collect.long_lived.time.monotonic", lambda: later)
    state.polled("a")
    assert state.frozen


def test_freezing_runs_no_collection_so_no_finalizer_runs_on_the_collectors_thread():
    """A collection on the collector's thread would finalize the GUI's garbage Qt wrappers off the GUI thread."""
    state = LongLivedState(["a"])
    finalized: list[str] = []

    class Finalized(Node):
        def __del__(self) -> None:
            finalized.append("ran")

    Finalized()  # garbage in a cycle: only a collection would finalize it
    collections_before = sum(g["collections"] for g in gc.get_stats())
    gc.disable()  # no automatic collection meanwhile: only what freezing itself does counts
    try:
        state.polled("a")
    finally:
        gc.enable()
    assert state.frozen
    assert sum(g["collections"] for g in gc.get_stats()) == collections_before
    assert finalized == []
