"""energymon.collect.long_lived: a collection's state frozen once every device has polled, released at stop."""

from __future__ import annotations

import gc
import time
import weakref

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


def test_release_lets_the_stopped_collections_cycles_be_collected():
    state = LongLivedState(["a"])
    node = Node()
    alive = weakref.ref(node)
    state.polled("a")  # node is alive: frozen with the rest
    assert state.frozen
    del node  # garbage now, a cycle: only the cyclic collector frees it, and frozen objects it does not look at
    gc.collect()
    assert alive() is not None
    state.release()
    assert not state.frozen
    assert alive() is None  # collected at release
    assert gc.get_freeze_count() > 0  # what is still alive is frozen again
    state.release()  # a second stop does nothing
    assert not state.frozen
