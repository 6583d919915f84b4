"""The ``frozen-power`` value fault (energymon.sim.faults): only the active power repeats, the rest moves on.

A meter whose power register stopped updating while its voltages, currents and counters go on: the
case the collector's frozen-value check (energymon.collect.quality) is built to catch. Over real
loopback Modbus with the collector it is in tests/collect/test_data_quality_wire.py.
"""

from __future__ import annotations

from energymon.config.sim_params import Fault
from energymon.sim.faults import VALUE_KINDS, CounterRegister, DeviceFaults, FaultPlan, describe

from support import FrozenClock

U32 = CounterRegister(1.0, 2.0**32)


def meter(*faults: Fault) -> DeviceFaults:
    return DeviceFaults("m", faults, {"imported_wh": U32}, 3600.0)


def test_frozen_power_keeps_only_the_power_of_its_start():
    f = meter(Fault("frozen-power", 10, 20))
    assert f.has_value_faults and "frozen-power" in VALUE_KINDS
    before = {"power_w": 1000.0, "imported_wh": 5.0, "voltage_l1_v": 230.0}
    assert f.apply(before, 0) == before
    assert f.apply({"power_w": 1200.0, "imported_wh": 6.0, "voltage_l1_v": 231.0}, 10) == {
        "power_w": 1200.0,
        "imported_wh": 6.0,
        "voltage_l1_v": 231.0,
    }
    assert f.apply({"power_w": 1500.0, "imported_wh": 9.0, "voltage_l1_v": 229.0}, 25) == {
        "power_w": 1200.0,  # repeated
        "imported_wh": 9.0,  # the rest moves on
        "voltage_l1_v": 229.0,
    }
    after = {"power_w": 900.0, "imported_wh": 12.0, "voltage_l1_v": 230.5}
    assert f.apply(after, 30) == after  # over: the device is itself again
    assert describe(Fault("frozen-power", 10, 20)) == "frozen-power from +10 s to +30 s"


def test_frozen_power_combines_with_a_counter_reset():
    f = meter(Fault("counter-reset", 0), Fault("frozen-power", 5))
    assert f.apply({"power_w": 10.0, "imported_wh": 100.0}, 0) == {"power_w": 10.0, "imported_wh": 0.0}
    assert f.apply({"power_w": 20.0, "imported_wh": 150.0}, 5) == {"power_w": 20.0, "imported_wh": 50.0}
    assert f.apply({"power_w": 30.0, "imported_wh": 170.0}, 9) == {"power_w": 20.0, "imported_wh": 70.0}


class Park:
    """Power and counter both grow with time; records where it was advanced to."""

    def __init__(self, t_s: float) -> None:
        self.t_s = t_s

    def advance_to(self, t_s: float) -> None:
        self.t_s = max(self.t_s, t_s)

    def device_view(self, device_id: str) -> dict[str, float]:
        return {"power_w": self.t_s, "imported_wh": 2 * self.t_s}


def test_the_plan_takes_the_power_at_the_exact_start():
    clock = FrozenClock(1000.0)
    plan = FaultPlan({"m": meter(Fault("frozen-power", 10, 10))}, clock)
    park = Park(1000.0)
    # The first request comes after the fault began: the power is the one at +10 s, the counter now's.
    assert plan.view(park, "m", 1015.0) == {"power_w": 1010.0, "imported_wh": 2030.0}
    assert plan.view(park, "m", 1025.0) == {"power_w": 1025.0, "imported_wh": 2050.0}
