"""SunSpec hybrids: PV from model 160's PV modules, never the inverter model's AC values that include the battery.

Register images are laid out as a Fronius GEN24 Plus with a battery serves them (model 1, 103, 160 with the modules
"MPPT 1", "MPPT 2", "StCha 3", "StDisCha 4" - module names as farmio/fronius-modbus ``mppt.py`` gives them, module
roles as evcc ``fronius-gen24.yaml`` reads them - and 124), a KOSTAL PLENTICORE with a battery (802, three string
modules, evcc ``kostal-plenticore-gen2.yaml``), and a plain multi-MPPT inverter without storage. Model 160 (from
pysunspec2's definition): after ID/L, DCA_SF +2, DCV_SF +3, DCW_SF +4, DCWH_SF +5, Evt +6, N +8, TmsPer +9; module k
at +10 + 20 k: ID +0, IDStr +1..8, DCA +9, DCV +10, DCW +11 (uint16), DCWH +12..13 (acc32).
"""

from __future__ import annotations

import pytest
from test_sunspec import FakeLink, decode_words

from drivers.dtypes import encode_string
from drivers.sunspec import SunSpecDevice, SunSpecError, build_profile, discover
from drivers.sunspec_mppt import is_storage_module

from support import run

BASE = 40000


def image(models: list[tuple[int, list[int]]]) -> dict[int, int]:
    """Holding registers: the marker, each (model id, data words) with its header, the end marker."""
    regs = {BASE: 0x5375, BASE + 1: 0x6E53}
    address = BASE + 2
    for model_id, data in models:
        regs[address], regs[address + 1] = model_id, len(data)
        for i, word in enumerate(data):
            regs[address + 2 + i] = word
        address += 2 + len(data)
    regs[address], regs[address + 1] = 0xFFFF, 0
    return regs


def inverter_103(w: int, wh: int, dcw: int) -> list[int]:
    """Model 103 data (50 words): W (SF 0), WH (acc32, SF 0), DCW (SF 0); the rest not implemented."""
    data = [0xFFFF] * 50
    data[12], data[13] = w, 0  # 14 W (int16), 15 W_SF
    data[22], data[23], data[24] = wh >> 16, wh & 0xFFFF, 0  # 24-25 WH (acc32), 26 WH_SF
    data[29], data[30] = dcw, 0  # 31 DCW (int16), 32 DCW_SF
    return data


def mppt_160(modules: list[tuple[str, int, int]], dcw_sf: int = 0, dcwh_sf: int = 0) -> list[int]:
    """Model 160 data: scale factors, N, and each (IDStr, DCW [W before SF], DCWH [Wh before SF]) module."""
    data = [0, 0, dcw_sf & 0xFFFF, dcwh_sf & 0xFFFF, 0, 0, len(modules), 0]  # DCA_SF DCV_SF DCW_SF DCWH_SF Evt N TmsPer
    for k, (label, dcw, dcwh) in enumerate(modules, start=1):
        module = [k, *encode_string(label, 8), 0xFFFF, 0xFFFF, dcw, dcwh >> 16, dcwh & 0xFFFF, 0, 0, 0, 0, 0, 0]
        assert len(module) == 20
        data += module
    return data


COMMON = [0] * 66
# Fronius GEN24 at noon, charging its battery: PV 4100 + 3900 W, battery charged 2000 W (StCha), discharge 0.
# The inverter model's AC power 5800 W = PV 8000 - charge 2000 - losses 200; DCW 103 = 6000 W (PV minus charge).
GEN24 = image(
    [
        (1, COMMON),
        (103, inverter_103(w=5800, wh=9_000_000, dcw=6000)),
        (
            160,
            mppt_160(
                [
                    ("MPPT 1", 4100, 3_000_000),
                    ("MPPT 2", 3900, 2_500_000),
                    ("StCha 3", 2000, 900_000),
                    ("StDisCha 4", 0, 700_000),
                ]
            ),
        ),
        (124, [0] * 24),
    ]
)


def pv_of(regs: dict[int, int]):
    device = run(lambda: discover(FakeLink(regs), 1))
    assert isinstance(device, SunSpecDevice), device
    profile = build_profile(device, "pv")
    return device, profile, decode_words(profile, regs)


def test_fronius_gen24_pv_is_the_sum_of_its_pv_modules():
    device, profile, values = pv_of(GEN24)
    assert device.first(160).modules == ("MPPT 1", "MPPT 2", "StCha 3", "StDisCha 4")
    assert values["power_w"] == 4100 + 3900  # never 5800 (AC, after charging the battery)
    assert values["yield_wh"] == 3_000_000 + 2_500_000  # never 9 000 000 (AC energy, battery discharge in it)
    assert "dc_power_w" not in values  # 103's DCW includes the battery input
    assert "160" in profile.source and "Multiple MPPT" in profile.title


def test_scale_factors_of_model_160_apply_to_every_module():
    regs = image(
        [
            (1, COMMON),
            (103, inverter_103(w=5800, wh=9_000_000, dcw=6000)),
            (160, mppt_160([("MPPT 1", 410, 300), ("MPPT 2", 390, 250), ("StCha 3", 200, 90)], dcw_sf=1, dcwh_sf=4)),
            (124, [0] * 24),
        ]
    )
    values = pv_of(regs)[2]
    assert values["power_w"] == (410 + 390) * 10  # DCW_SF = 1
    assert values["yield_wh"] == (300 + 250) * 10_000  # DCWH_SF = 4


def test_kostal_with_a_battery_model_sums_its_three_string_modules():
    regs = image(
        [
            (1, COMMON),
            (103, inverter_103(w=47, wh=37_325_890, dcw=70)),
            (160, mppt_160([("String 1", 30, 1_000), ("String 2", 25, 2_000), ("String 3", 15, 3_000)])),
            (802, [0] * 62),
        ]
    )
    values = pv_of(regs)[2]
    assert values["power_w"] == 70 and values["yield_wh"] == 6_000


def test_an_inverter_without_storage_keeps_its_ac_values():
    regs = image(
        [
            (1, COMMON),
            (103, inverter_103(w=7800, wh=9_000_000, dcw=8000)),
            (160, mppt_160([("MPPT 1", 4100, 3_000_000), ("MPPT 2", 3900, 2_500_000)])),
        ]
    )
    values = pv_of(regs)[2]
    assert values["power_w"] == 7800 and values["yield_wh"] == 9_000_000 and values["dc_power_w"] == 8000


def test_a_pv_module_not_implemented_makes_pv_missing_not_low():
    regs = dict(GEN24)
    device, profile, _ = pv_of(regs)
    dcw = [p for p in profile.points if p.quantity == "power_w"]
    regs[dcw[1].address] = 0xFFFF  # MPPT 2 DCW: uint16 not implemented
    assert decode_words(profile, regs)["power_w"] is None


def test_a_hybrid_whose_modules_cannot_be_read_has_no_pv_values_rather_than_ac_ones():
    regs = dict(GEN24)
    device = run(lambda: discover(FakeLink(regs), 1))
    mppt = device.first(160)
    del regs[mppt.address + 12]  # the module read fails (a register the device does not serve)
    broken = run(lambda: discover(FakeLink(regs), 1))
    assert broken.first(160).modules == () and any("model 160" in p for p in broken.problems)
    # with no module known as PV, the battery model still marks it a hybrid: AC values are not taken as PV
    profile = build_profile(broken, "pv", require_complete=False)
    assert "power_w" not in profile.quantities and "yield_wh" not in profile.quantities
    with pytest.raises(SunSpecError, match="gives no power_w, yield_wh"):
        build_profile(broken, "pv")


@pytest.mark.parametrize(
    "label, storage",
    [("MPPT 1", False), ("String 2", False), ("StCha 3", True), ("StDisCha 4", True), ("Battery", True), ("", False)],
)
def test_module_names_that_mean_a_battery(label, storage):
    assert is_storage_module(label) is storage
