"""Seeded, deterministic randomness for the simulator: pure functions of (seed, key, time).

Nothing here keeps state, so any instant can be evaluated on its own (the live
simulator) or a whole month at once (the history generator) with identical
results. Keys are derived from text (``stable_key("weather", seed)``) with a
cryptographic hash, so they do not depend on ``PYTHONHASHSEED`` or on the
platform.

- :func:`hash_uniform`: a uniform number in [0, 1) per integer index (SplitMix64).
- :func:`value_noise`: smooth noise in [-1, 1], random values at knots
  ``period_s`` apart joined by smoothstep (continuous with its slope).
- :func:`day_rng`: a :class:`random.Random` for one purpose on one day.
"""

from __future__ import annotations

import hashlib
import random
from functools import lru_cache

import numpy as np

_MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_ONE, _S11, _S27, _S30, _S31 = (np.uint64(n) for n in (1, 11, 27, 30, 31))


@lru_cache(maxsize=65536)
def stable_key(*parts: object) -> int:
    """A 64-bit integer key from the text of ``parts`` (stable across runs and platforms)."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def hash_uniform(key: int | np.ndarray, index: np.ndarray) -> np.ndarray:
    """Uniform numbers in [0, 1), one per integer ``index``, fixed by ``key`` (SplitMix64 finalizer).

    ``key`` may be an array of keys (uint64) that broadcasts against ``index``.
    """
    idx = np.asarray(index, dtype=np.int64).astype(np.uint64)
    keys = np.asarray(key, dtype=np.uint64) if isinstance(key, np.ndarray) else np.uint64(key & _MASK64)
    # Integer arrays wrap around silently on overflow, which is what the hash wants.
    x = keys + (idx + _ONE) * _GOLDEN
    x = (x ^ (x >> _S30)) * _MUL1
    x = (x ^ (x >> _S27)) * _MUL2
    x = x ^ (x >> _S31)
    return (x >> _S11).astype(np.float64) * (1.0 / (1 << 53))


def key_array(keys: list[int]) -> np.ndarray:
    """Several keys as a column (shape (n, 1)) for :func:`hash_uniform` and :func:`value_noise`."""
    return np.array([k & _MASK64 for k in keys], dtype=np.uint64)[:, None]


def value_noise(key: int | np.ndarray, t_s: np.ndarray, period_s: float) -> np.ndarray:
    """Smooth noise in [-1, 1] at times ``t_s`` [s]: knots every ``period_s`` seconds, smoothstep between."""
    x = np.asarray(t_s, dtype=np.float64) / period_s
    k = np.floor(x)
    f = x - k
    w = f * f * (3.0 - 2.0 * f)
    k = k.astype(np.int64)
    a = hash_uniform(key, k)
    b = hash_uniform(key, k + 1)
    return 2.0 * (a + (b - a) * w) - 1.0


def day_rng(seed: int, purpose: str, day: int) -> random.Random:
    """A random generator for ``purpose`` on local day number ``day`` (same seed, same numbers)."""
    return random.Random(f"{seed}:{purpose}:{day}")
