"""The link against a second Modbus implementation, modbus-tk's TCP server (not pymodbus, not our simulator).

Its answers are well formed, so every check the link makes of an answer (transaction id, byte count
against the registers or bits asked for, PDU length, nothing after the answer) must let them through:
the values read are the server's, for register blocks up to the protocol's 125 and bit reads whose
count is not a multiple of 8. Its exception answers come back as exceptions.
"""

from __future__ import annotations

import pytest
from modbus_tk import defines as cst  # part of the test extra: a missing install fails here, never skips
from modbus_tk import modbus_tcp

from drivers.link import LinkSettings, ModbusLink, ReadError

from support import free_port, run, wait_until_listening

pytestmark = pytest.mark.wire

UNIT = 9
HOLDING = [(i * 37 + 11) & 0xFFFF for i in range(300)]
INPUT = [(0xFFFF - i * 101) & 0xFFFF for i in range(300)]
COILS = [(i * 7) % 3 == 0 for i in range(120)]
DISCRETE = [(i * 5) % 4 == 1 for i in range(120)]


@pytest.fixture(scope="module")
def modbus_tk_server():
    port = free_port()
    server = modbus_tcp.TcpServer(port=port, address="127.0.0.1")
    server.start()
    slave = server.add_slave(UNIT)
    slave.add_block("hr", cst.HOLDING_REGISTERS, 0, len(HOLDING))
    slave.set_values("hr", 0, HOLDING)
    slave.add_block("ir", cst.ANALOG_INPUTS, 0, len(INPUT))
    slave.set_values("ir", 0, INPUT)
    slave.add_block("co", cst.COILS, 0, len(COILS))
    slave.set_values("co", 0, [int(c) for c in COILS])
    slave.add_block("di", cst.DISCRETE_INPUTS, 0, len(DISCRETE))
    slave.set_values("di", 0, [int(d) for d in DISCRETE])
    wait_until_listening(port)  # the server listens from its own thread
    try:
        yield port
    finally:
        server.stop()


def read_all(port: int, reads: list[tuple[str, int, int]]) -> list[list[int] | ReadError]:
    async def body() -> list[list[int] | ReadError]:
        link = ModbusLink(LinkSettings("tcp", host="127.0.0.1", port=port, timeout_s=2.0))
        try:
            return [await link.read_registers(UNIT, table, address, count) for table, address, count in reads]
        finally:
            link.close()

    return run(body, timeout_s=60)


def test_registers_of_every_block_size_read_true(modbus_tk_server):
    reads = [("holding", a, n) for a, n in ((0, 1), (3, 2), (10, 60), (0, 125), (150, 125), (299, 1))]
    reads += [("input", a, n) for a, n in ((0, 1), (7, 76), (100, 125))]
    results = read_all(modbus_tk_server, reads)
    for (table, address, count), result in zip(reads, results):
        source = HOLDING if table == "holding" else INPUT
        assert result == source[address : address + count], (table, address, count, result)


def test_bits_whose_count_is_not_a_multiple_of_eight_read_true(modbus_tk_server):
    reads = [("coils", a, n) for a, n in ((0, 1), (1, 7), (5, 9), (0, 64), (3, 117))]
    reads += [("discrete", a, n) for a, n in ((0, 3), (10, 17))]
    results = read_all(modbus_tk_server, reads)
    for (table, address, count), result in zip(reads, results):
        source = COILS if table == "coils" else DISCRETE
        assert result == [int(b) for b in source[address : address + count]], (table, address, count, result)


def test_its_exception_answers_are_exceptions_and_the_link_goes_on(modbus_tk_server):
    results = read_all(modbus_tk_server, [("holding", 290, 20), ("holding", 0, 4)])
    assert isinstance(results[0], ReadError) and results[0].kind == "exception", results[0]
    assert results[0].exception_code == 2  # illegal data address
    assert results[1] == HOLDING[0:4]
