"""SunSpec over real Modbus TCP on loopback: discovery, profile round trips, and ``energymon scan`` as a process."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
from contextlib import asynccontextmanager

import pytest
from test_sunspec import GRID_VALUES, IDENTITY, LOAD_VALUES, PV_VALUES, STORAGE_VALUES, ImageSource, assert_close

from drivers.device import read_device
from drivers.link import ModbusTcpLink
from drivers.sunspec import DiscoveryFailure, SunSpecDevice, SunSpecError, build_profile, discover, read_identity
from energymon.sim.modbus_server import SERVER_DEVICE_FAILURE, ModbusTcpServer
from energymon.sim.sunspec_image import sunspec_register_image

from support import PYTHON, REPO, free_port, run


@asynccontextmanager
async def serving(units: dict):
    server = ModbusTcpServer("127.0.0.1", 0, units)
    await server.start()
    link = ModbusTcpLink("127.0.0.1", server.port, timeout_s=1.0)
    try:
        yield server, link
    finally:
        link.close()
        await server.stop()


def only_reads(server: ModbusTcpServer) -> bool:
    return set(server.function_codes) <= {3}


# -- discovery ----------------------------------------------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize("base", [40000, 0, 50000])
def test_discovery_over_tcp_at_each_base(base):
    image = sunspec_register_image("pv", PV_VALUES, IDENTITY, base=base)

    async def body():
        async with serving({1: ImageSource(image)}) as (server, link):
            device = await discover(link, 1)
            assert only_reads(server)
            return device

    device = run(body)
    assert isinstance(device, SunSpecDevice) and device.base == base
    assert [(m.id, m.address - base, m.length) for m in device.models] == [(1, 2, 66), (103, 70, 50)]


@pytest.mark.wire
def test_an_exception_at_40000_moves_on_to_the_next_base():
    image = sunspec_register_image("grid", GRID_VALUES, IDENTITY, base=50000)
    source = ImageSource(image, fail={40000: SERVER_DEVICE_FAILURE, 40001: SERVER_DEVICE_FAILURE})

    async def body():
        async with serving({1: source}) as (_, link):
            return await discover(link, 1)

    device = run(body)
    assert device.base == 50000 and device.model_ids == (1, 203)


@pytest.mark.wire
def test_no_marker_over_tcp():
    image = {"holding": {40000: 0x1234, 40001: 0x5678, 0: 0, 1: 0}, "input": {}}

    async def body():
        async with serving({1: ImageSource(image)}) as (_, link):
            return await discover(link, 1)

    failure = run(body)
    assert isinstance(failure, DiscoveryFailure) and failure.kind == "not-sunspec"
    text = str(failure)
    assert "0x1234 0x5678" in text and "50000: exception" in text and "illegal data address" in text


@pytest.mark.wire
def test_garbage_model_length_over_tcp():
    image = sunspec_register_image("pv", PV_VALUES, IDENTITY)
    image["holding"][40071] = 0xFFFF  # model 103 claims 65535 registers

    async def body():
        async with serving({1: ImageSource(image)}) as (_, link):
            return await discover(link, 1)

    device = run(body)
    assert device.model_ids == (1,) and "past register 65535" in device.problems[0]
    with pytest.raises(SunSpecError, match=r"no model for role pv: found models 1 \(discovered at 40000\)"):
        build_profile(device, "pv")


@pytest.mark.wire
def test_refused_connection_is_a_connection_failure():
    async def body():
        link = ModbusTcpLink("127.0.0.1", free_port(), timeout_s=0.5)
        try:
            return await discover(link, 1)
        finally:
            link.close()

    failure = run(body)
    assert isinstance(failure, DiscoveryFailure) and failure.kind == "connection"


# -- discover + build_profile + read_device over the wire ----------------------------------------


@pytest.mark.wire
@pytest.mark.parametrize(
    "role, values, require_complete",
    [
        ("pv", PV_VALUES, True),
        ("grid", GRID_VALUES, True),
        ("load", LOAD_VALUES, True),
        ("storage", STORAGE_VALUES, False),
    ],
)
@pytest.mark.parametrize("float_models", [False, True])
def test_round_trip_over_tcp(role, values, require_complete, float_models):
    image = sunspec_register_image(role, values, IDENTITY, float_models=float_models)

    async def body():
        async with serving({7: ImageSource(image)}) as (server, link):
            device = await discover(link, 7)
            profile = build_profile(device, role, require_complete)
            read = await read_device(link, 7, profile)
            identity = await read_identity(link, 7, profile.identity)
            assert only_reads(server)
            return profile, read, identity

    profile, read, identity = run(body)
    assert read.complete and read.blocks_read == len(profile.blocks)
    expected = {q: v for q, v in values.items() if q in profile.quantities}
    assert_close(read.values, expected, float_models and role != "storage")
    assert identity == IDENTITY
    assert profile.source.startswith("SunSpec models 1, ") and "(discovered at 40000)" in profile.source


@pytest.mark.wire
def test_int_and_float_devices_read_the_same_values():
    images = {
        1: ImageSource(sunspec_register_image("pv", PV_VALUES, IDENTITY)),
        2: ImageSource(sunspec_register_image("pv", PV_VALUES, IDENTITY, float_models=True)),
    }

    async def body():
        async with serving(images) as (_, link):
            out = {}
            for unit in (1, 2):
                device = await discover(link, unit)
                profile = build_profile(device, "pv")
                out[unit] = (profile.source, (await read_device(link, unit, profile)).values)
            return out

    out = run(body)
    assert "103" in out[1][0] and "113" in out[2][0]
    for quantity in PV_VALUES:
        assert out[1][1][quantity] == pytest.approx(out[2][1][quantity], rel=2e-4, abs=1e-3), quantity


# -- energymon scan in a real process -------------------------------------------------------------


class ServerThread:
    """A ModbusTcpServer on 127.0.0.1 in a background thread, for tests that run the CLI as a process."""

    def __init__(self, units: dict) -> None:
        self.units = units

    def __enter__(self) -> int:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = ModbusTcpServer("127.0.0.1", 0, self.units)
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self.server.port

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def scan(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ENERGYMON_DEBUG", None)
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", "scan", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd or REPO,
        env=env,
    )


SCAN_PV = {"power_w": 12340.0, "yield_wh": 98_765_432.0, "temperature_c": 41.5, "status_code": 4.0}


@pytest.mark.process
def test_scan_prints_models_identity_and_values():
    units = {
        1: ImageSource(sunspec_register_image("pv", SCAN_PV, IDENTITY)),
        2: ImageSource(sunspec_register_image("storage", STORAGE_VALUES, IDENTITY, base=0)),
    }
    with ServerThread(units) as port:
        proc = scan("--host", "127.0.0.1", "--port", str(port))
        storage = scan("--host", "127.0.0.1", "--port", str(port), "--unit", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"SunSpec device at 127.0.0.1:{port}, unit 1 (marker at holding register 40000)" in out
    assert "Common" in out and "Inverter (Three Phase)" in out and "40070" in out
    assert "manufacturer energymon" in out and "serial SN-0042" in out and "version 1.2.3" in out
    assert "pv: SunSpec models 1, 103 (discovered at 40000)" in out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  ")}
    assert lines["power_w"] == ["12340", "W"] and lines["yield_wh"] == ["98765432", "Wh"]
    assert lines["temperature_c"] == ["41.5", "degC"] and lines["dc_power_w"] == ["missing"]
    assert storage.returncode == 0, storage.stderr
    assert "marker at holding register 0" in storage.stdout and "Battery Base Model" in storage.stdout
    assert "charged_wh" in storage.stdout and "no charged-energy counter" in storage.stdout
    assert "soc_pct              63.4 %" in storage.stdout


@pytest.mark.process
def test_scan_json_is_one_object():
    units = {1: ImageSource(sunspec_register_image("grid", GRID_VALUES, IDENTITY, float_models=True))}
    with ServerThread(units) as port:
        proc = scan("--host", "127.0.0.1", "--port", str(port), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["sunspec"]["base"] == 40000
    assert [(m["id"], m["address"], m["length"]) for m in report["sunspec"]["models"]] == [
        (1, 40002, 66),
        (213, 40070, 124),
    ]
    assert report["identity"] == IDENTITY
    assert set(report["roles"]) == {"grid", "load"}
    assert report["roles"]["grid"]["values"]["power_w"] == pytest.approx(GRID_VALUES["power_w"], rel=1e-6)
    assert report["roles"]["load"]["values"]["consumed_wh"] == pytest.approx(GRID_VALUES["imported_wh"], rel=1e-6)
    assert report["roles"]["grid"]["missing"] == {} and report["roles"]["grid"]["errors"] == []


@pytest.mark.process
def test_scan_with_a_profile_file(tmp_path):
    # A hand-written profile for the same SunSpec device: model 103 at 40070, model 1 at 40002.
    (tmp_path / "inv.toml").write_text(
        """
[profile]
name = "inv-by-hand"
role = "pv"
title = "SunSpec 103 inverter, mapped by hand"
source = "SunSpec model 103 offsets"

[[points]]
quantity = "power_w"
address = 40084        # 40070 + 14: W
dtype = "i16"
scale_factor = 40085   # W_SF

[[points]]
quantity = "yield_wh"
address = 40094        # 40070 + 24: WH (acc32)
dtype = "u32"
scale_factor = 40096   # WH_SF
sentinels = [0]

[[identity]]
field = "serial"
address = 40052        # 40002 + 50: SN
registers = 16
""",
        encoding="utf-8",
    )
    units = {1: ImageSource(sunspec_register_image("pv", SCAN_PV, IDENTITY))}
    with ServerThread(units) as port:
        proc = scan("--host", "127.0.0.1", "--port", str(port), "--profile", str(tmp_path / "inv.toml"))
        as_json = scan("--host", "127.0.0.1", "--port", str(port), "--profile", str(tmp_path / "inv.toml"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "read with profile 'inv-by-hand' (pv)" in proc.stdout and "serial SN-0042" in proc.stdout
    assert "power_w              12340 W" in proc.stdout
    report = json.loads(as_json.stdout)
    assert report["sunspec"] is None and report["identity"] == {"serial": "SN-0042"}
    assert report["roles"]["pv"]["values"] == {"power_w": 12340.0, "yield_wh": 98_765_432.0}


@pytest.mark.process
def test_scan_with_a_profile_that_reads_the_meters_ratios_says_so(tmp_path):
    path = tmp_path / "ct-meter.toml"
    path.write_text(
        '[profile]\nname = "ct-meter"\nrole = "grid"\ntitle = "t"\nsource = "t"\n'
        '[[points]]\nquantity = "ct_ratio"\naddress = 0\ndtype = "u16"\n'  # CT 40 held by the meter
        '[[points]]\nquantity = "power_w"\naddress = 1\ndtype = "i16"\n'  # secondary W
        '[[points]]\nquantity = "imported_wh"\naddress = 2\ndtype = "u32"\n'
        '[[points]]\nquantity = "exported_wh"\naddress = 4\ndtype = "u32"\n',
        encoding="utf-8",
    )
    words = [40, 125, 0, 1000, 0, 20]  # CT 40; 125 W, 1000 Wh and 20 Wh on the secondary side
    units = {1: ImageSource({"holding": dict(enumerate(words))})}
    with ServerThread(units) as port:
        proc = scan("--host", "127.0.0.1", "--port", str(port), "--profile", str(path))
        as_json = scan("--host", "127.0.0.1", "--port", str(port), "--profile", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "  transformer ratios held by the meter: CT 40; the values below are primary" in proc.stdout
    assert "power_w              5000 W" in proc.stdout  # 125 W x 40
    report = json.loads(as_json.stdout)["roles"]["grid"]
    assert report["ratios"] == {"ct_ratio": 40.0}
    assert report["values"] == {"ct_ratio": 40.0, "power_w": 5000.0, "imported_wh": 40_000.0, "exported_wh": 800.0}


@pytest.mark.wire
@pytest.mark.process
def test_scan_of_a_refused_port_is_one_line_and_exit_1():
    proc = scan("--host", "127.0.0.1", "--port", str(free_port()), "--timeout", "0.5")
    assert proc.returncode == 1
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("energymon: error: no answer: cannot connect to 127.0.0.1:")
    assert "Traceback" not in proc.stderr


@pytest.mark.process
def test_scan_without_marker_says_where_it_looked():
    with ServerThread({1: ImageSource({"holding": {}, "input": {}})}) as port:
        proc = scan("--host", "127.0.0.1", "--port", str(port), "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no SunSpec marker 'SunS' at holding registers 40000, 0, 50000" in lines[0]


@pytest.mark.process
@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "--port: expected a TCP port 1..65535"),
        (["--port", "502", "--unit", "300"], "--unit: expected a Modbus unit id 0..255"),
        (["--port", "502", "--profile", "no-such-profile"], "unknown profile 'no-such-profile'"),
    ],
)
def test_scan_bad_input_is_one_line_and_exit_2(args, message):
    proc = scan("--host", "127.0.0.1", *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
