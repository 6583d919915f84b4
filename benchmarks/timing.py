"""Timing of the benchmarks: a warm-up run, then the median of repeated runs (wall clock, ms)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(warm-up ms, median of ``repeat`` further runs, ms); with ``repeat`` 0 the median is the warm-up's."""
    start = time.perf_counter()
    run()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs) if runs else first
