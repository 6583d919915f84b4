"""The IMT Si-RS485 irradiance sensor profile, over loopback Modbus RTU framing (as behind a serial gateway).

The register image is the one the vendor's document describes ("MODBUS Specification for Irradiance Sensors
Si-RS485 Series, From Firmware Version 1.51", section 2): input registers 0000-0008, read with FC 4 only.
A sensor that knows no other function code answers FC 3 with exception 1.
"""

from __future__ import annotations

import pytest

from drivers.device import read_device
from drivers.link import LinkSettings, ModbusLink
from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.sim.modbus_server import ILLEGAL_DATA_ADDRESS, ILLEGAL_FUNCTION, ModbusTcpServer

from support import run

# Input registers of a sensor in sunlight, per the document's table (firmware 1.53: every register present):
IMAGE = {
    0: 8123,  # 0000 Irradiance, gain 0.1: 812.3 W/m2
    1: 700,  # 0001 Cell temperature, gain 0.1, offset -25: 45.0 degC (old-firmware copy)
    2: 0,  # 0002 External temperature (old copy): no external sensor, reads 0
    3: 0,  # 0003 Wind speed, gain 0.1: no wind sensor, reads 0
    4: 0,  # 0004 reserved
    5: 1450,  # 0005 Cell temperature, gain 0.1, offset -100: 45.0 degC
    6: 0,  # 0006 External temperature: none
    7: 450,  # 0007 Cell temperature, INT16, gain 0.1: 45.0 degC
    8: 0,  # 0008 External temperature, INT16: none
}


class Sensor:
    """Input registers 0-8 on FC 4; FC 3 (holding) refused with "illegal function", as the sensor does."""

    def __init__(self, image: dict[int, int]) -> None:
        self.image = image
        self.reads: list[tuple[str, int, int]] = []

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        self.reads.append((table, address, count))
        if table != "input":
            return ILLEGAL_FUNCTION
        if address < 0 or address + count > 9:
            return ILLEGAL_DATA_ADDRESS
        return [self.image[a] for a in range(address, address + count)]


def read_over_rtu(image: dict[int, int], unit: int = 1):
    sensor = Sensor(image)
    profile = load_profile("imt-si-rs485")

    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {unit: sensor}, framing="rtu")
        await server.start()
        link = ModbusLink(LinkSettings("rtu-over-tcp", host="127.0.0.1", port=server.port, timeout_s=1.0))
        try:
            return await read_device(link, unit, profile), server.function_codes
        finally:
            link.close()
            await server.stop()

    read, codes = run(body)
    return read, codes, sensor


def test_the_profile_is_a_meteo_map_citing_the_vendor_document():
    profile = load_profile("imt-si-rs485")
    assert profile.role is Role.METEO
    assert "MODBUS Specification for Irradiance Sensors Si-RS485 Series" in profile.source
    assert "1.51" in profile.source
    assert profile.quantities == ("irradiance_w_m2",)
    assert [(b.table, b.address, b.count) for b in profile.blocks] == [("input", 0, 1)]


@pytest.mark.wire
def test_the_documented_image_decodes_over_rtu_framing():
    read, codes, sensor = read_over_rtu(IMAGE)
    assert read.complete
    assert read.values == pytest.approx({"irradiance_w_m2": 812.3})
    assert set(codes) == {4}  # only the function code the sensor supports
    assert sensor.reads == [("input", 0, 1)]


@pytest.mark.wire
def test_the_top_of_the_data_range_and_a_dark_sensor():
    read, _, _ = read_over_rtu({**IMAGE, 0: 15000})  # 1500 W/m2, the documented physical maximum
    assert read.values["irradiance_w_m2"] == pytest.approx(1500.0)
    read, _, _ = read_over_rtu({**IMAGE, 0: 0}, unit=7)  # night (and another bus address)
    assert read.values["irradiance_w_m2"] == 0.0 and read.complete


@pytest.mark.wire
def test_all_ones_outside_the_data_range_is_missing_not_a_number():
    read, _, _ = read_over_rtu({**IMAGE, 0: 0xFFFF})
    assert read.ok and read.values == {"irradiance_w_m2": None}  # answered, the value missing
