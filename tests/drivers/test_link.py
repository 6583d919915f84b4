"""drivers.link: every response checked; read-only by construction; real Modbus TCP on loopback."""

from __future__ import annotations

import asyncio
import inspect
import time

import pytest
from pymodbus.pdu import ExceptionResponse
from pymodbus.pdu.bit_message import ReadCoilsResponse, ReadDiscreteInputsResponse
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersResponse,
    ReadInputRegistersResponse,
    WriteSingleRegisterResponse,
)

import drivers.link as link_module
from drivers.device import read_device
from drivers.link import READ_FUNCTIONS, ModbusTcpLink, ReadError, check_response
from drivers.profile_file import load_profile
from energymon.sim.modbus_server import ModbusTcpServer

from support import free_port, run

# -- check_response with real pymodbus PDUs ---------------------------------------------


def test_a_matching_response_gives_its_registers():
    response = ReadHoldingRegistersResponse(dev_id=3, registers=[1, 0xFFFF, 0])
    assert check_response(response, 3, 3, 3) == [1, 0xFFFF, 0]
    response = ReadInputRegistersResponse(dev_id=7, registers=[42])
    assert check_response(response, 4, 7, 1) == [42]


@pytest.mark.parametrize(
    "response, function_code, unit, count, kind, words",
    [
        # Answer to a different function (input instead of holding).
        (ReadInputRegistersResponse(dev_id=1, registers=[1, 2]), 3, 1, 2, "invalid", ["function code 4", "expected 3"]),
        # A write echo can never be taken for data.
        (WriteSingleRegisterResponse(dev_id=1, address=0, registers=[5]), 3, 1, 1, "invalid", ["function code 6"]),
        # Answer from another unit (e.g. a gateway mixing up its RS-485 devices).
        (ReadHoldingRegistersResponse(dev_id=2, registers=[1, 2]), 3, 1, 2, "invalid", ["unit 2", "expected 1"]),
        # Fewer (or more) registers than asked for.
        (ReadHoldingRegistersResponse(dev_id=1, registers=[1]), 3, 1, 2, "invalid", ["1 registers", "expected 2"]),
        (ReadHoldingRegistersResponse(dev_id=1, registers=[1, 2, 3]), 3, 1, 2, "invalid", ["3 registers"]),
        # Out-of-range register values.
        (ReadHoldingRegistersResponse(dev_id=1, registers=[70_000]), 3, 1, 1, "invalid", ["out of range"]),
        # Modbus exception responses.
        (ExceptionResponse(3, 2, device_id=1), 3, 1, 2, "exception", ["exception 2", "illegal data address"]),
        (ExceptionResponse(4, 0x0B, device_id=5), 4, 5, 2, "exception", ["exception 11", "gateway target"]),
        (ExceptionResponse(3, 0x42, device_id=1), 3, 1, 2, "exception", ["unknown exception"]),
        # Nothing at all.
        (None, 3, 1, 2, "invalid", ["empty"]),
        (object(), 3, 1, 2, "invalid", ["without function code"]),
    ],
)
def test_bad_responses_become_read_errors_never_values(response, function_code, unit, count, kind, words):
    result = check_response(response, function_code, unit, count)
    assert isinstance(result, ReadError), result
    assert not isinstance(result, list)
    assert result.kind == kind
    for word in words:
        assert word in str(result), str(result)


def test_exception_response_carries_its_code():
    result = check_response(ExceptionResponse(3, 4, device_id=1), 3, 1, 1)
    assert isinstance(result, ReadError) and result.exception_code == 4


def test_bit_responses():
    coils = ReadCoilsResponse(dev_id=1, bits=[True, False, True, False, False, False, False, False])
    assert check_response(coils, 1, 1, 3) == [1, 0, 1]  # padded to a byte on the wire, cut to count
    inputs = ReadDiscreteInputsResponse(dev_id=1, bits=[True])
    assert isinstance(check_response(inputs, 2, 1, 9), ReadError)


# -- read-only by construction ---------------------------------------------------------


def test_only_read_function_codes_exist():
    assert {fc for fc, _ in READ_FUNCTIONS.values()} == {1, 2, 3, 4}
    assert {method for _, method in READ_FUNCTIONS.values()} == {
        "read_coils",
        "read_discrete_inputs",
        "read_holding_registers",
        "read_input_registers",
    }
    # The link's public surface has no way to name a write.
    public = {name for name, _ in inspect.getmembers(ModbusTcpLink) if not name.startswith("_")}
    assert not {n for n in public if "write" in n.lower() or "diag" in n.lower()}
    source = inspect.getsource(link_module)
    for forbidden in ("write_register", "write_coil", "diag_", "readwrite", "mask_write"):
        assert forbidden not in source


class Registers:
    """A register source whose words are a known function of the address."""

    def read_registers(self, table, address, count):
        base = 0x1000 if table == "holding" else 0x2000
        return [(base + address + i) & 0xFFFF for i in range(count)]


@pytest.mark.wire
def test_link_reads_real_registers_and_only_read_codes_arrive():
    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {1: Registers(), 4: Registers()})
        await server.start()
        assert server.port != 0
        link = ModbusTcpLink("127.0.0.1", server.port, timeout_s=2.0)
        try:
            assert await link.read_registers(1, "holding", 10, 3) == [0x100A, 0x100B, 0x100C]
            assert await link.read_registers(4, "input", 0, 2) == [0x2000, 0x2001]
            assert await link.read_registers(4, "holding", 65530, 6) == [
                (0x1000 + 65530 + i) & 0xFFFF for i in range(6)
            ]
            # The simulated gateway has no unit 9: a Modbus exception, not data.
            missing = await link.read_registers(9, "holding", 0, 2)
            assert isinstance(missing, ReadError) and missing.kind == "exception"
            assert missing.exception_code == 0x0B
            # Coils are not served by the simulator: exception 2, but the request is still a read (FC 1).
            coils = await link.read_registers(1, "coils", 0, 8)
            assert isinstance(coils, ReadError) and coils.exception_code == 2
            discrete = await link.read_registers(1, "discrete", 0, 8)
            assert isinstance(discrete, ReadError) and discrete.exception_code == 2
            # An unknown table never becomes a request.
            before = server.requests
            unknown = await link.read_registers(1, "setpoints", 0, 1)
            assert isinstance(unknown, ReadError) and unknown.kind == "invalid"
            assert server.requests == before
            # Too many registers for one request: refused before anything is sent.
            too_many = await link.read_registers(1, "holding", 0, 126)
            assert isinstance(too_many, ReadError) and too_many.kind == "invalid"
            assert server.requests == before
        finally:
            link.close()
            await server.stop()
        assert set(server.function_codes) <= {1, 2, 3, 4}
        assert server.function_codes == {3: 3, 4: 1, 1: 1, 2: 1}

    run(body)


@pytest.mark.wire
def test_a_device_read_over_the_wire_sends_only_read_codes(tmp_path):
    profile = load_profile("energymon-load")

    class Meter:
        def read_registers(self, table, address, count):
            # input registers: power_w 0x0001_0000 = 65536 W, consumed_wh = 5 Wh, the rest 0
            words = {0: 0x0001, 1: 0x0000, 2: 0, 3: 0, 4: 0, 5: 5}
            if table != "input":
                return 2
            return [words.get(a, 0) for a in range(address, address + count)]

    async def body():
        server = ModbusTcpServer("127.0.0.1", 0, {6: Meter()})
        await server.start()
        link = ModbusTcpLink("127.0.0.1", server.port, timeout_s=2.0)
        try:
            result = await read_device(link, 6, profile)
        finally:
            link.close()
            await server.stop()
        assert result.complete and result.ok
        assert result.values["power_w"] == 65536 and result.values["consumed_wh"] == 5
        assert result.values["voltage_l1_v"] == 0.0
        assert set(server.function_codes) == {4}
        assert server.function_codes[4] == len(profile.blocks)

    run(body)


@pytest.mark.wire
def test_closed_port_is_a_connection_error():
    async def body():
        link = ModbusTcpLink("127.0.0.1", free_port(), timeout_s=0.3)
        try:
            result = await link.read_registers(1, "holding", 0, 2)
        finally:
            link.close()
        assert isinstance(result, ReadError) and result.kind == "connection"
        assert "127.0.0.1" in result.detail

    run(body, timeout_s=10)


class BlackHole(asyncio.Protocol):
    """Accepts the connection and never answers."""

    def data_received(self, data: bytes) -> None:
        pass


def test_silent_device_is_a_timeout_within_a_bounded_time():
    async def body():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(BlackHole, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        link = ModbusTcpLink("127.0.0.1", port, timeout_s=0.3)
        try:
            started = time.monotonic()
            first = await link.read_registers(1, "holding", 0, 2)
            second = await link.read_registers(1, "holding", 0, 2)
            elapsed = time.monotonic() - started
        finally:
            link.close()
            server.close()
            await server.wait_closed()
        for result in (first, second):
            assert isinstance(result, ReadError) and result.kind == "timeout", result
        # Bounded: the link gives up by itself (the 10 s bound is a hang guard, not a speed test).
        assert elapsed < 10

    run(body, timeout_s=15)


@pytest.mark.wire
def test_device_read_stops_after_a_connection_failure():
    profile = load_profile("energymon-pv")

    async def body():
        link = ModbusTcpLink("127.0.0.1", free_port(), timeout_s=0.3)
        try:
            result = await read_device(link, 1, profile)
        finally:
            link.close()
        assert not result.ok and not result.complete
        assert result.blocks_read == 0 and result.blocks_planned == len(profile.blocks)
        assert all(v is None for v in result.values.values())
        assert set(result.values) == set(profile.quantities)
        assert link.requests_sent == 0  # nothing was sent: no connection

    run(body, timeout_s=10)
