"""The data-quality range check's precomputed interval answers exactly as the full rule does."""

from __future__ import annotations

import math

import pytest

from drivers.quantities import QUANTITIES
from energymon.collect import quality_rules as rules


@pytest.mark.parametrize("rated_w", [1.0, 5_000.0, 2_500_000.0])
def test_in_range_interval_agrees_with_out_of_range(rated_w: float):
    for quantity in [*QUANTITIES, "not_a_quantity"]:
        interval = rules.in_range_interval(quantity, rated_w)
        limits = rules.bounds(quantity, rated_w)
        probes = [0.0, -1.0, 1.0, 0.5, 50.0, 230.0, 1e9, -1e9]
        for bound in limits or ():
            if math.isfinite(bound):
                for x in (bound, bound * (1 + 2e-6), bound * (1 - 2e-6), bound + 1e-7, bound - 1e-7):
                    probes += [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
        if interval is not None:
            for edge in interval:
                if math.isfinite(edge):
                    probes += [edge, math.nextafter(edge, math.inf), math.nextafter(edge, -math.inf)]
        for value in probes:
            inside = interval is None or interval[0] <= value <= interval[1]
            assert inside == (rules.out_of_range(quantity, value, rated_w) is None), (quantity, value)
