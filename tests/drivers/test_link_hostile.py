"""A hostile Modbus peer: answers whose byte count, length field, stray bytes or transaction id lie.

The peer is a plain asyncio socket server that writes exactly the bytes each case gives (no Modbus
library behind it), so the frames are what a broken device or gateway sends, not what a decoder
expects. Whatever it sends, a read returns the true registers or a ReadError: never values shifted
by a byte, never a late answer's values, and no traceback printed.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.framing import pdu_shape_error
from drivers.link import LinkSettings, ModbusLink, ReadError, check_response
from energymon.sim.modbus_server import crc16

from support import run

UNIT = 3
COUNT = 5


def true_registers(address: int, count: int = COUNT) -> list[int]:
    """What the peer's registers hold: 0xA000 + address, so a shifted or stale answer shows."""
    return [0xA000 + address + i for i in range(count)]


def register_pdu(address: int, count: int = COUNT) -> bytes:
    """The correct FC 3 answer PDU: function code, byte count, the registers."""
    return bytes([3, 2 * count]) + b"".join(struct.pack(">H", r) for r in true_registers(address, count))


def mbap(tid: int, unit: int, pdu: bytes, length: int | None = None) -> bytes:
    """An MBAP frame; ``length`` overrides the length field (which counts unit id + PDU)."""
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1 if length is None else length, unit) + pdu


Answer = Callable[[int, int, int], list[tuple[float, bytes]]]  # (tid, address, count) -> [(delay_s, bytes)]


class HostilePeer:
    """Reads MBAP requests; writes what ``answer(tid, address, count)`` says, after each part's delay."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[tuple[int, int, int]] = []
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                tid, _, length, _unit = struct.unpack(">HHHB", await reader.readexactly(7))
                _fc, address, count = struct.unpack(">BHH", await reader.readexactly(length - 1))
                self.requests.append((tid, address, count))
                for delay_s, data in self.answer(tid, address, count):
                    if delay_s:
                        await asyncio.sleep(delay_s)
                    writer.write(data)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def read_with(answer: Answer, addresses: list[int], timeout_s: float = 0.3) -> list[list[int] | ReadError]:
    async def body() -> list[list[int] | ReadError]:
        peer = HostilePeer(answer)
        await peer.start()
        link = ModbusLink(LinkSettings("tcp", host="127.0.0.1", port=peer.port, timeout_s=timeout_s))
        try:
            return [await link.read_registers(UNIT, "holding", a, COUNT) for a in addresses]
        finally:
            link.close()
            await peer.stop()

    return run(body, timeout_s=30)


def right_or_error(results: list[list[int] | ReadError], addresses: list[int]) -> None:
    for address, result in zip(addresses, results):
        assert isinstance(result, (list, ReadError)), result
        if isinstance(result, list):
            assert result == true_registers(address), (address, result)


# -- the byte count and the frame length -------------------------------------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize("byte_count", [2 * COUNT - 1, 2 * COUNT + 1, 2 * COUNT - 2, 0, 1, 255])
def test_a_byte_count_that_does_not_match_the_registers_is_refused(byte_count):
    """Odd, short, long: the data bytes are the true ten, only the byte count lies (length field honest)."""

    def answer(tid, address, count):
        pdu = register_pdu(address)
        return [(0, mbap(tid, UNIT, bytes([3, byte_count]) + pdu[2:]))]

    results = read_with(answer, [100, 200])
    assert all(isinstance(r, ReadError) and r.kind == "invalid" for r in results), results


@pytest.mark.wire
@pytest.mark.parametrize("where", ["before the byte count", "before the data", "after the data"])
def test_a_stray_byte_in_the_pdu_is_refused(where):
    """One stray byte, and a length field that counts it (the device's frame is self-consistent)."""

    def answer(tid, address, count):
        pdu = register_pdu(address)
        at = {"before the byte count": 1, "before the data": 2, "after the data": len(pdu)}[where]
        return [(0, mbap(tid, UNIT, pdu[:at] + b"\x07" + pdu[at:]))]

    results = read_with(answer, [100, 200])
    assert all(isinstance(r, ReadError) and r.kind == "invalid" for r in results), results


@pytest.mark.wire
def test_a_stray_byte_the_length_field_does_not_count_never_shifts_values():
    """The stray byte sits in front of the data and the length field is the honest one: the frame ends a
    byte early and the last data byte is left over on the line."""

    def answer(tid, address, count):
        pdu = register_pdu(address)
        return [(0, mbap(tid, UNIT, pdu[:2] + b"\x07" + pdu[2:], length=len(pdu) + 1))]

    addresses = [100, 200, 300]
    results = read_with(answer, addresses)
    right_or_error(results, addresses)
    assert isinstance(results[0], ReadError)


@pytest.mark.wire
@pytest.mark.parametrize("extra", [3, 40])
def test_a_length_field_that_claims_more_than_is_sent_prints_no_traceback(extra, caplog, capfd):
    """The first answer's length field claims more bytes than follow; later answers are correct."""

    def answer(tid, address, count):
        pdu = register_pdu(address)
        if address == 100:
            return [(0, mbap(tid, UNIT, pdu, length=len(pdu) + 1 + extra))]
        return [(0, mbap(tid, UNIT, pdu))]

    addresses = [100, 200, 300, 400]
    with caplog.at_level(logging.DEBUG, logger="asyncio"):
        results = read_with(answer, addresses)
    right_or_error(results, addresses)
    assert isinstance(results[0], ReadError)
    assert not [r for r in caplog.records if r.name == "asyncio" and r.levelno >= logging.ERROR], caplog.text
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Fatal error" not in captured.err, captured.err


@pytest.mark.wire
def test_garbage_that_pymodbus_cannot_decode_prints_no_traceback(caplog, capfd):
    """A well-delimited frame whose PDU is no Modbus answer at all (an unknown function code 0x41)."""

    def answer(tid, address, count):
        if address == 100:
            return [(0, mbap(tid, UNIT, b"\x41\x02\x00"))]
        return [(0, mbap(tid, UNIT, register_pdu(address)))]

    addresses = [100, 200]
    with caplog.at_level(logging.DEBUG, logger="asyncio"):
        results = read_with(answer, addresses)
    right_or_error(results, addresses)
    assert isinstance(results[0], ReadError)
    assert results[1] == true_registers(200)
    assert not [r for r in caplog.records if r.name == "asyncio" and r.levelno >= logging.ERROR], caplog.text
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.wire
def test_an_answer_split_across_packets_is_read_whole():
    def answer(tid, address, count):
        frame = mbap(tid, UNIT, register_pdu(address))
        return [(0.01, frame[i : i + 3]) for i in range(0, len(frame), 3)]

    assert read_with(answer, [100, 200]) == [true_registers(100), true_registers(200)]


# -- transaction ids ---------------------------------------------------------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize("answered_tid", ["zero", "previous", "next"])
def test_an_answer_with_another_transaction_id_is_refused(answered_tid):
    def answer(tid, address, count):
        other = {"zero": 0, "previous": tid - 1, "next": tid + 1}[answered_tid]
        return [(0, mbap(other, UNIT, register_pdu(address)))]

    results = read_with(answer, [100, 200])
    right_or_error(results, [100, 200])
    assert all(isinstance(r, ReadError) for r in results), results


@pytest.mark.wire
def test_a_late_answer_with_transaction_id_zero_is_never_taken_for_the_next_request():
    """The first request is answered after the timeout, with id 0 (pymodbus's own check skips id 0);
    the second request's true answer follows it. The second read must give the second address's values."""

    def answer(tid, address, count):
        if address == 100:
            return [(0.5, mbap(0, UNIT, register_pdu(100)))]  # late, after the link gave up
        return [(0.05, mbap(tid, UNIT, register_pdu(address)))]

    addresses = [100, 200, 300]
    results = read_with(answer, addresses, timeout_s=0.3)
    right_or_error(results, addresses)
    assert isinstance(results[0], ReadError)
    assert true_registers(100) not in results


# -- any frame ---------------------------------------------------------------------------------------------

FRAMES = st.one_of(
    st.binary(min_size=0, max_size=30).map(lambda tail: ("pdu", bytes([3]) + tail)),  # any PDU after FC 3
    st.tuples(st.integers(0, 255), st.binary(max_size=24)).map(lambda t: ("pdu", bytes([3, t[0]]) + t[1])),
    st.tuples(st.integers(-4, 4).filter(bool), st.just(b"")).map(lambda t: ("length", t[0])),
    st.integers(0, 0xFFFF).map(lambda tid: ("tid", tid)),
)


@pytest.mark.wire
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES)
def test_any_mbap_answer_gives_the_true_registers_or_an_error(frame):
    """Hypothesis over what the answer to the first request is; the second is answered correctly."""
    kind, arg = frame

    def answer(tid, address, count):
        pdu = register_pdu(address)
        if address != 100:
            return [(0, mbap(tid, UNIT, pdu))]
        if kind == "pdu":
            return [(0, mbap(tid, UNIT, arg))]
        if kind == "length":
            return [(0, mbap(tid, UNIT, pdu, length=len(pdu) + 1 + arg))]
        return [(0, mbap(arg, UNIT, pdu))]

    addresses = [100, 200]
    results = read_with(answer, addresses, timeout_s=0.2)
    right_or_error(results, addresses)
    if kind == "pdu" and arg != register_pdu(100):
        assert isinstance(results[0], ReadError), (frame, results)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=12), st.sampled_from([1, 2, 3, 4]), st.integers(1, 125))
def test_only_a_well_shaped_pdu_passes_the_shape_check(raw, function_code, count):
    """pdu_shape_error accepts exactly: FC, N = 2 x count (or ceil(count / 8) bits), N bytes; or FC|0x80, code."""
    data_bytes = 2 * count if function_code in (3, 4) else (count + 7) // 8
    well_shaped = (len(raw) == 2 + data_bytes and raw[0] == function_code and raw[1] == data_bytes) or (
        len(raw) == 2 and raw[0] == function_code | 0x80
    )
    assert (pdu_shape_error(raw, function_code, count) is None) == well_shaped


def test_check_response_refuses_another_transaction_or_a_misshapen_pdu():
    class Answer:
        function_code, dev_id, transaction_id, registers = 3, UNIT, 9, true_registers(0)

    good = register_pdu(0)
    assert check_response(Answer(), 3, UNIT, COUNT, good, 9) == true_registers(0)
    late = check_response(Answer(), 3, UNIT, COUNT, good, 10)
    assert isinstance(late, ReadError) and "transaction 9, expected 10" in late.detail
    odd = check_response(Answer(), 3, UNIT, COUNT, bytes([3, 9]) + good[2:], 9)
    assert isinstance(odd, ReadError) and "byte count 9, expected 10" in odd.detail


# -- RTU framing over TCP: a wrong byte count with a valid CRC ---------------------------------------------


class RtuPeer(HostilePeer):
    """Reads RTU requests (8 bytes); answers with a frame whose byte count lies but whose CRC is right."""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readexactly(8)
                _unit, _fc, address, count = struct.unpack(">BBHH", request[:6])
                self.requests.append((0, address, count))
                for _delay_s, data in self.answer(0, address, count):
                    writer.write(data)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.mark.wire
@pytest.mark.parametrize("byte_count", [2 * COUNT - 1, 2 * COUNT - 2])
def test_rtu_a_wrong_byte_count_with_a_valid_crc_is_refused(byte_count):
    def answer(_tid, address, count):
        body = bytes([UNIT, 3, byte_count]) + register_pdu(address)[2 : 2 + byte_count]
        return [(0, body + crc16(body))]

    async def body() -> list[list[int] | ReadError]:
        peer = RtuPeer(answer)
        await peer.start()
        settings_ = LinkSettings("rtu-over-tcp", host="127.0.0.1", port=peer.port, timeout_s=0.3, resync_s=0.05)
        link = ModbusLink(settings_)
        try:
            return [await link.read_registers(UNIT, "holding", a, COUNT) for a in (100, 200)]
        finally:
            link.close()
            await peer.stop()

    results = run(body, timeout_s=30)
    assert all(isinstance(r, ReadError) for r in results), results
