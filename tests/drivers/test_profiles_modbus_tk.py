"""Vendor profiles read over TCP from modbus-tk's server (a Modbus implementation that is not ours).

The register words are the ones the vendor-profile tests decode offline (for GoodWe, words of a real GW20K-ET
capture); here they are served by a second implementation and read through the whole driver path (link, response
checks, block plan, decoding, sums, conditions, ratios, fallbacks), and must give the same canonical values. One
unit per device; registers the images do not set read as 0, as a device's reserved registers would.
"""

from __future__ import annotations

import pytest
from modbus_tk import defines as cst
from modbus_tk import modbus_tcp
from test_vendor_profiles import SG_RUNNING

from drivers.device import read_device
from drivers.link import LinkSettings, ModbusLink
from drivers.profile_file import load_profile

from register_words import H, I
from support import free_port, run, wait_until_listening

pytestmark = pytest.mark.wire

GW20K_ET = {  # GW20K-ET_running_data.hex words, as tests/drivers/test_profiles_sofar_goodwe_et.py transcribes them
    (H, 35106): 0x044A,  # Ppv1 1098 W
    (H, 35110): 0x03E5,  # Ppv2 997 W
    (H, 35111): 0x163D,
    (H, 35115): 0x163D,
    (H, 35121): 0x0922,  # 233.8 V
    (H, 35123): 0x1387,  # 49.99 Hz
    (H, 35126): 0x0921,
    (H, 35131): 0x092B,
    (H, 35176): 0x01A6,  # 42.2 degC
    (H, 35182): 0xFFFF,
    (H, 35183): 0xFF67,  # battery -153 W
    (H, 35184): 0x0003,
    (H, 35187): 0x0001,
    (H, 35192): 0x01F5,  # 50.1 kWh PV
    (H, 35207): 0x0EE9,
    (H, 35210): 0x0BDC,
    (H, 37003): 0x008D,
    (H, 37007): 0x0064,
    (H, 37008): 0x0064,
}
CHINT_40_100 = {  # Chint DTSU666 behind 200/5 A and 10 kV/100 V: IrAt 40, UrAt 1000 (x 0.1), secondary floats
    (H, 0x0006): 40,
    (H, 0x0007): 1000,
    (H, 0x2006): 0x4510,
    (H, 0x2007): 0x1000,  # Ua 2305.0 x 0.1 V = 230.5 V secondary -> 23 050 V
    (H, 0x2012): 0xC6EA,
    (H, 0x2013): 0x6000,  # Pt -30000.0 x 0.1 W = -3000 W secondary -> -12 MW
    (H, 0x401E): 0x449A,
    (H, 0x401F): 0x5000,  # ImpEp 1234.5 kWh secondary
}
DEVICES = {  # unit -> (profile, register image)
    1: ("goodwe-et", GW20K_ET),
    2: ("goodwe-et-battery", GW20K_ET),
    3: ("sungrow-sg", SG_RUNNING),
    4: ("chint-dtsu666", CHINT_40_100),
}


def blocks_of(image: dict[tuple[str, int], int]) -> dict[str, tuple[int, list[int]]]:
    """One modbus-tk block per table, from its lowest to its highest register (+ a margin for the plan)."""
    out = {}
    for table in (H, I):
        addresses = [a for t, a in image if t == table]
        if addresses:
            lo, hi = max(min(addresses) - 8, 0), max(addresses) + 16
            out[table] = (lo, [image.get((table, a), 0) for a in range(lo, hi)])
    return out


@pytest.fixture(scope="module")
def vendor_server():
    port = free_port()
    server = modbus_tcp.TcpServer(port=port, address="127.0.0.1")
    server.start()
    for unit, (_, image) in DEVICES.items():
        slave = server.add_slave(unit)
        for table, (start, words) in blocks_of(image).items():
            kind = cst.HOLDING_REGISTERS if table == H else cst.ANALOG_INPUTS
            name = f"{table}-{unit}"
            slave.add_block(name, kind, start, len(words))
            slave.set_values(name, start, words)
    wait_until_listening(port)
    try:
        yield port
    finally:
        server.stop()


def offline(name: str, image: dict[tuple[str, int], int]) -> dict[str, float | None]:
    profile = load_profile(name)
    return profile.decode_blocks(
        [[image.get((b.table, a), 0) for a in range(b.address, b.address + b.count)] for b in profile.blocks]
    )


@pytest.mark.parametrize("unit", sorted(DEVICES), ids=[DEVICES[u][0] for u in sorted(DEVICES)])
def test_a_vendor_profile_reads_the_same_values_from_modbus_tk(vendor_server, unit):
    name, image = DEVICES[unit]
    profile = load_profile(name)

    async def body():
        link = ModbusLink(LinkSettings("tcp", host="127.0.0.1", port=vendor_server, timeout_s=2.0))
        try:
            return await read_device(link, unit, profile)
        finally:
            link.close()

    read = run(body, timeout_s=30)
    assert read.errors == () and read.blocks_read == read.blocks_planned, read.errors
    assert read.values == pytest.approx(offline(name, image), nan_ok=True)
    if name == "goodwe-et":
        assert read.values["power_w"] == 1098 + 997 and read.values["yield_wh"] == 50_100
    if name == "chint-dtsu666":
        assert read.values["power_w"] == pytest.approx(-3000 * 40 * 100)
        assert read.values["voltage_l1_v"] == pytest.approx(230.5 * 100)
        assert read.values["imported_wh"] == pytest.approx(1_234_500 * 4000)
    if name == "sungrow-sg":
        assert read.values["voltage_l1_l2_v"] == pytest.approx(400.5) and read.values["voltage_l1_v"] is None
        assert read.values["yield_wh"] == 123_757_700
