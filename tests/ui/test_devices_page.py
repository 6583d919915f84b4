"""The devices page: device and quantity models, failed-poll counts, the detail view, and the register
inspector reading a simulated device over real loopback Modbus TCP, off the GUI thread."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import threading
from types import MappingProxyType
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from test_gui import demo_window  # noqa: F401 - the demo park behind the main window (fixture)

from drivers.dtypes import DTYPES, encode
from drivers.probe import ProbeRequest, decode_rows, probe
from drivers.profile_file import load_profile
from drivers.quantities import Role
from energymon.collect.reading import Reading
from energymon.config import parse_config
from energymon.sim.modbus_server import ILLEGAL_DATA_ADDRESS, ModbusTcpServer
from energymon.views.site import DeviceInfo
from ui.context import AppContext
from ui.device_table import COLUMNS, STATUS_COLOURS, DeviceTableModel, PollCounter
from ui.probe_table import ProbeResultModel
from ui.quantity_table import QuantityTableModel
from ui.register_inspector import OTHER_ADDRESS, RegisterInspector

from support import small_site_toml

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW_MS = 1_700_000_000_000

# What the simulated inverter reports, in base units; encoded through the energymon-pv profile.
PV_VALUES = {
    "power_w": 51_234.0,
    "dc_power_w": 52_900.0,
    "yield_wh": 123_456_789.0,
    "temperature_c": 41.5,
    "status_code": 1.0,
    "voltage_l1_v": 230.1,
    "voltage_l2_v": 229.8,
    "voltage_l3_v": 231.0,
    "current_l1_a": 74.2,
    "current_l2_a": 74.0,
    "current_l3_a": 73.9,
    "frequency_hz": 50.02,
}
F32_ADDRESS = 100  # an extra f32 of 3.5, stored low word first


def _column(title: str) -> int:
    return [c.title for c in COLUMNS].index(title)


class ImageSource:
    """A device answering FC 3 from a fixed register image; outside it, "illegal data address"."""

    def __init__(self, holding: dict[int, int]) -> None:
        self.holding = holding

    def read_registers(self, table: str, address: int, count: int) -> list[int] | int:
        wanted = range(address, address + count)
        if table != "holding" or any(a not in self.holding for a in wanted):
            return ILLEGAL_DATA_ADDRESS
        return [self.holding[a] for a in wanted]


@pytest.fixture(scope="module")
def pv_image() -> dict[int, int]:
    image = dict(load_profile("energymon-pv").encode_values(PV_VALUES)["holding"])
    for i, word in enumerate(encode(DTYPES["f32"], 3.5, "little")):
        image[F32_ADDRESS + i] = word
    return image


@pytest.fixture
def device_server(pv_image):
    """A simulated device on 127.0.0.1 (unit 1), served by its own asyncio loop on another thread."""
    loop = asyncio.new_event_loop()
    server = ModbusTcpServer("127.0.0.1", 0, {1: ImageSource(pv_image)})
    thread = threading.Thread(target=loop.run_forever, name="sim-device", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(5)
    yield server
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


@pytest.fixture
def inspector(qtbot, device_server):
    ctx = AppContext()
    widget = RegisterInspector(ctx)
    qtbot.addWidget(widget)
    widget.connection_combo.setCurrentIndex(widget.connection_combo.findData(OTHER_ADDRESS))
    widget.host_edit.setText("127.0.0.1")
    widget.port_spin.setValue(device_server.port)
    widget.unit_spin.setValue(1)
    yield widget
    widget.shutdown()
    ctx.shutdown()  # stops the context's database reader thread


def _read(
    qtbot,
    widget: RegisterInspector,
    address: int,
    count: int,
    dtype: str = "u16",
    order: str = "big",
    table: str = "holding",
):
    widget.table_combo.setCurrentIndex(widget.table_combo.findData(table))
    widget.address_spin.setValue(address)
    widget.count_spin.setValue(count)
    widget.dtype_combo.setCurrentIndex(widget.dtype_combo.findData(dtype))
    widget.order_combo.setCurrentIndex(widget.order_combo.findData(order))
    with qtbot.waitSignal(widget.result_ready, timeout=10_000):
        widget.read_button.click()
        assert widget.busy  # the read is under way on another thread; the GUI thread goes on
    return widget.last_result


def _shown(widget: RegisterInspector) -> list[list[str]]:
    model = widget.result_model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


# -- the register inspector over the wire -------------------------------------------------------


@pytest.mark.wire
def test_inspector_reads_raw_words_off_the_gui_thread(qtbot, inspector, pv_image):
    threads = []
    probe = inspector.run_probe
    inspector.run_probe = lambda request: threads.append(threading.current_thread()) or probe(request)
    result = _read(qtbot, inspector, 0, 17)
    assert threads and threads[0] is not threading.main_thread()  # the probe ran on a pool thread
    assert result.ok
    rows = _shown(inspector)
    assert len(rows) == 17
    for address, row in enumerate(rows):
        word = pv_image[address]
        assert row[0] == str(address)
        assert row[1] == f"0x{address:04X}"
        assert row[2] == f"0x{word:04X}"  # raw, as the device sent it
        assert row[3] == str(word)  # u16: the word itself
    # temperature_c: i16 at 8 in 0.1 degC; voltage_l1_v: u16 at 10 in 0.1 V; frequency_hz: u16 at 16 in 0.01 Hz
    assert rows[8][3] == "415" and rows[10][3] == "2301" and rows[16][3] == "5002"
    assert "17 registers" in inspector.status_text and "127.0.0.1" in inspector.status_text


@pytest.mark.wire
def test_inspector_decodes_each_dtype_step(qtbot, inspector, pv_image):
    _read(qtbot, inspector, 0, 4, "i32")  # power_w at 0, dc_power_w at 2 (i32, W)
    rows = _shown(inspector)
    assert [r[0] for r in rows] == ["0", "2"]
    assert rows[0][2] == f"0x{pv_image[0]:04X} 0x{pv_image[1]:04X}"
    assert [r[3] for r in rows] == ["51234", "52900"]

    _read(qtbot, inspector, 4, 4, "u64")  # yield_wh at 4 (u64, Wh)
    assert [r[3] for r in _shown(inspector)] == ["123456789"]

    _read(qtbot, inspector, F32_ADDRESS, 2, "f32", "little")  # low word first
    assert [r[3] for r in _shown(inspector)] == ["3.5"]
    _read(qtbot, inspector, F32_ADDRESS, 2, "f32", "big")  # the same words the other way round
    assert _shown(inspector)[0][3] != "3.5"

    _read(qtbot, inspector, 0, 3, "i32")  # the read ends inside the second value
    rows = _shown(inspector)
    assert rows[0][3] == "51234"
    assert rows[1][3] == "—" and "incomplete" in rows[1][5]


@pytest.mark.wire
def test_inspector_shows_an_exception_as_text_never_numbers(qtbot, inspector):
    result = _read(qtbot, inspector, 200, 4)  # nothing mapped there
    assert not result.ok and result.error.kind == "exception" and result.error.exception_code == 2
    assert "illegal data address" in inspector.status_text
    assert inspector.result_model.rowCount() == 0  # no numbers at all
    result = _read(qtbot, inspector, 0, 8, table="coils")  # the simulator has no coils
    assert not result.ok and "illegal data address" in inspector.status_text
    assert inspector.result_model.rowCount() == 0
    # A good read afterwards shows values again.
    assert _read(qtbot, inspector, 9, 1).ok and _shown(inspector)[0][3] == "1"


@pytest.mark.wire
def test_inspector_reports_a_refused_connection(qtbot, inspector):
    from support import free_port

    inspector.port_spin.setValue(free_port())
    result = _read(qtbot, inspector, 0, 2)
    assert result.error.kind == "connection"
    assert inspector.status_text.startswith("No connection:")
    assert inspector.result_model.rowCount() == 0


def test_inspector_refuses_a_serial_port_the_collector_has_open(qtbot, tmp_path):
    extra = '[connections.bus]\ntransport = "rtu"\nserial_port = "/dev/ttyUSB9"\nbaudrate = 9600\n'
    config = parse_config(small_site_toml({"c1": 1502, "c2": 1503}, extra=extra), tmp_path / "site.toml")
    ctx = AppContext()
    ctx.config = config  # this process collects from the site
    widget = RegisterInspector(ctx)
    qtbot.addWidget(widget)
    widget.reload_connections()
    widget.connection_combo.setCurrentIndex(widget.connection_combo.findData("bus"))
    calls = []
    widget.run_probe = calls.append
    widget.read()
    assert not widget.busy and calls == []  # nothing was sent
    assert "/dev/ttyUSB9" in widget.status_text and "collector" in widget.status_text
    widget.shutdown()
    ctx.shutdown()


def test_inspector_says_which_transformer_ratios_turn_raw_registers_into_stored_values(qtbot, tmp_path):
    (tmp_path / "held.toml").write_text(
        '[profile]\nname = "held"\nrole = "grid"\ntitle = "t"\nsource = "t"\n'
        '[[points]]\nquantity = "ct_ratio"\naddress = 6\ndtype = "u16"\n'
        '[[points]]\nquantity = "power_w"\naddress = 10\ndtype = "i16"\n'
        '[[points]]\nquantity = "imported_wh"\naddress = 12\ndtype = "u32"\n'
        '[[points]]\nquantity = "exported_wh"\naddress = 14\ndtype = "u32"\n',
        encoding="utf-8",
    )
    lines = {"grid-1": "ct_ratio = 40\npt_ratio = 100\n"}
    text = small_site_toml({"c1": 1502, "c2": 1503}, device_lines=lines)
    text = text.replace('profile = "energymon-load"', 'profile = "held.toml"', 1)  # load-1: a meter holding its CT
    config = parse_config(text, tmp_path / "site.toml")
    ctx = AppContext()
    ctx.config = config
    widget = RegisterInspector(ctx)
    qtbot.addWidget(widget)
    widget.set_target("c1", 5, None, config.device("grid-1"))
    assert widget.ratio_label.text() == (
        "grid-1: CT ratio 40 and PT ratio 100 from the site config. Raw registers are secondary values; "
        "energymon stores currents x 40, voltages x 100, power and energy x 4000."
    )
    widget.set_target("c1", 4, None, config.device("load-1"))
    assert widget.ratio_label.text() == (
        "load-1: the meter holds its transformer ratios (CT at holding register 6). Its raw registers are "
        "secondary values; energymon multiplies them by the ratios it reads there."
    )
    widget.set_target("c1", 1, None, config.device("pv-1"))
    assert widget.ratio_label.text() == "" and widget.ratio_label.isHidden()
    widget.shutdown()
    ctx.shutdown()


def test_decode_rows_marks_sentinels_and_bits():
    rows = decode_rows([0xFFFF, 0x0001], 10, "u16")
    assert rows[0].value is None and rows[0].note == "sentinel"
    assert rows[1].value == 1 and rows[1].address == 11
    assert [r.value for r in decode_rows([1, 0, 1], 5, "u16", bits=True)] == [1, 0, 1]
    assert decode_rows(encode(DTYPES["f32"], float("nan")), 0, "f32")[0].note == "nan"
    with pytest.raises(ValueError, match="count"):
        asyncio.run(probe(ProbeRequest(None, 1, "holding", 0, 126)))


def test_probe_result_model_passes_qtmodeltester(qtmodeltester):
    from drivers.probe import ProbeResult

    request = ProbeRequest(None, 1, "holding", 0, 5, "i32")
    model = ProbeResultModel()
    model.set_result(ProbeResult(request, decode_rows([0, 51234, 0xFFFF, 0xFFFF, 7], 0, "i32")))
    qtmodeltester.check(model)
    assert model.rowCount() == 3


# -- device and quantity models -------------------------------------------------------------------

DEVICES = (
    DeviceInfo("inv-1", "Inverter 1", Role.PV, 100, 5, "127.0.0.1:1502", 1),
    DeviceInfo("bess-1", "Battery", Role.STORAGE, 50, 5, "127.0.0.1:1502", 2),
    DeviceInfo("grid", "Grid", Role.GRID, 500, 2, "127.0.0.1:1503", 1),
)


def _reading(
    device_id: str, role: Role, ts_ms: int, ok: bool = True, problems: tuple[str, ...] = (), values: dict | None = None
) -> Reading:
    return Reading(
        device_id,
        role,
        ts_ms,
        MappingProxyType(values or {}),
        ok,
        None if ok else "timeout: no answer",
        0.0123,
        5,
        problems,
    )


def test_poll_counter_counts_each_reading_once():
    counter = PollCounter()
    counter.observe({"inv-1": _reading("inv-1", Role.PV, NOW_MS)})
    counter.observe({"inv-1": _reading("inv-1", Role.PV, NOW_MS)})  # the same reading seen again
    counter.observe({"inv-1": _reading("inv-1", Role.PV, NOW_MS + 5000, ok=False)})
    counter.observe({"inv-1": _reading("inv-1", Role.PV, NOW_MS + 10_000, problems=("missing: yield_wh",))})
    count = counter.counts["inv-1"]
    assert (count.seen, count.failed, count.incomplete) == (3, 1, 1)
    assert count.last_error == "missing: yield_wh" and count.last_error_ts_ms == NOW_MS + 10_000


def test_device_model_columns_and_qtmodeltester(qtmodeltester):
    readings = {
        "inv-1": _reading("inv-1", Role.PV, NOW_MS - 1000, values={"power_w": 51_200.0, "yield_wh": 9e6}),
        "bess-1": _reading("bess-1", Role.STORAGE, NOW_MS - 1000, ok=False),
    }
    counter = PollCounter()
    counter.observe(readings)
    model = DeviceTableModel()
    model.set_rows(DEVICES, readings, NOW_MS, SHANGHAI, counter.counts)
    qtmodeltester.check(model)
    assert model.index(0, _column("Connection")).data() == "127.0.0.1:1502, unit 1"
    assert model.index(0, _column("Latency")).data() == "12 ms"
    assert model.index(0, _column("Failed polls")).data() == "0 of 1"
    assert model.index(1, _column("Failed polls")).data() == "1 of 1"
    assert model.index(1, _column("Status")).data() == "offline"
    assert model.index(1, _column("Power kW")).data() == "—"  # a failed read shows no number
    assert model.index(2, _column("Latency")).data() == "—"  # no reading yet
    assert model.index(0, _column("Key value")).data() == "9,000 kWh generated"
    for section in range(model.columnCount()):
        assert model.headerData(section, Qt.Horizontal)  # every column has a title
    # A viewer reading the database measures no latency and counts no polls.
    model.set_rows(DEVICES, readings, NOW_MS, SHANGHAI, None, live=False)
    assert model.index(0, _column("Latency")).data() == "—"
    assert model.index(0, _column("Failed polls")).data() == "—"


def test_a_frozen_value_is_shown_doubtful_in_the_devices_row():
    frozen = dataclasses.replace(
        _reading("grid", Role.GRID, NOW_MS - 1000, values={"power_w": 2_010_700.0, "imported_wh": 5e6}),
        problems=("frozen: power_w",),
        suspect=frozenset({"power_w"}),
    )
    model = DeviceTableModel()
    model.set_rows(DEVICES, {"grid": frozen}, NOW_MS, SHANGHAI, None)
    assert model.index(2, _column("Power kW")).data() == "2,010.7 (doubtful)"
    assert model.index(2, _column("Key value")).data() == "5,000 kWh imported"  # the counter is not in doubt
    assert model.index(2, _column("Status")).data() == "degraded"
    assert model.index(2, _column("Error")).data() == "frozen: power_w"


def test_quantity_model_passes_qtmodeltester(qtmodeltester):
    model = QuantityTableModel()
    model.set_values(["yield_wh", "power_w", "temperature_c"], {"power_w": 51_234.0, "yield_wh": None})
    qtmodeltester.check(model)
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert rows[0][:3] == ["Active power", "51.23", "kW"]  # the vocabulary's order: power first
    assert rows[1][1:3] == ["—", "kWh"]  # missing, never a number
    assert rows[2][1:3] == ["—", "°C"]
    model.set_values([], {})
    assert model.rowCount() == 0


def test_device_model_colours_tooltips_and_replaced_rows(qtmodeltester):
    readings = {
        "inv-1": _reading("inv-1", Role.PV, NOW_MS - 1000, problems=("missing: yield_wh",), values={"power_w": 1000.0}),
        "bess-1": _reading("bess-1", Role.STORAGE, NOW_MS - 1000, ok=False),
    }
    model = DeviceTableModel()
    assert model.set_rows(DEVICES, readings, NOW_MS, SHANGHAI)  # first fill: new rows
    status, error = _column("Status"), _column("Error")
    assert model.index(0, status).data() == "degraded"
    assert model.index(0, status).data(Qt.ForegroundRole).color().name() == STATUS_COLOURS["degraded"]
    assert model.index(1, status).data(Qt.ForegroundRole).color().name() == STATUS_COLOURS["offline"]
    assert model.index(0, error).data(Qt.ToolTipRole) == "missing: yield_wh"
    assert model.index(2, error).data(Qt.ToolTipRole) is None  # no reading yet: no tooltip
    assert model.index(0, _column("Power kW")).data(Qt.TextAlignmentRole) == int(Qt.AlignRight | Qt.AlignVCenter)
    assert not model.flags(model.index(0, 0)) & Qt.ItemIsEditable
    # The same devices again: values rewritten in place; the colour follows the status.
    changed = []
    model.dataChanged.connect(lambda first, last, roles: changed.append((first.row(), first.column())))
    readings["inv-1"] = _reading("inv-1", Role.PV, NOW_MS, values={"power_w": 2000.0, "yield_wh": 5e6})
    assert not model.set_rows(DEVICES, readings, NOW_MS, SHANGHAI)
    assert model.index(0, status).data() == "online"
    assert model.index(0, status).data(Qt.ForegroundRole).color().name() == STATUS_COLOURS["online"]
    assert model.index(0, error).data(Qt.ToolTipRole) is None
    assert {r for r, _ in changed} == {0}  # only the row that changed
    # Other devices: the rows are replaced.
    assert model.set_rows(DEVICES[1:], readings, NOW_MS, SHANGHAI)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [d.id for d in DEVICES[1:]]
    qtmodeltester.check(model)


def test_device_tables_follow_a_language_switch(qtbot):
    from ui import i18n

    readings = {"inv-1": _reading("inv-1", Role.PV, NOW_MS - 1000, values={"power_w": 51_200.0, "yield_wh": 9e6})}
    devices, quantities = DeviceTableModel(), QuantityTableModel()
    devices.set_rows(DEVICES, readings, NOW_MS, SHANGHAI)
    quantities.set_values(["power_w"], {"power_w": 51_200.0})
    try:
        i18n.set_language("zh_CN")
        devices.retranslated()
        quantities.retranslated()
        assert devices.headerData(_column("Status"), Qt.Horizontal) == QCoreApplication.translate(
            "DeviceTableModel", "Status"
        )
        assert devices.headerData(_column("Status"), Qt.Horizontal) != "Status"
        assert devices.index(0, _column("Status")).data() == QCoreApplication.translate("DeviceTableModel", "online")
        assert devices.headerData(_column("Latency"), Qt.Horizontal, Qt.ToolTipRole) == QCoreApplication.translate(
            "DeviceTableModel", COLUMNS[_column("Latency")].tooltip
        )
        assert (
            quantities.index(0, 0).data()
            == QCoreApplication.translate("QuantityTableModel", "Active power")
            != "Active power"
        )
    finally:
        i18n.set_language("en")
    devices.retranslated()
    assert devices.index(0, _column("Status")).data() == "online"


def test_table_cells_are_painted_without_calling_python(qtbot):
    """The tables' cells live in C++ items: painting the view runs no Python (no GIL wait per cell)."""
    from PySide6.QtWidgets import QTableView

    readings = {d.id: _reading(d.id, d.role, NOW_MS - 1000, values={"power_w": 1000.0}) for d in DEVICES}
    model = DeviceTableModel()
    model.set_rows(DEVICES, readings, NOW_MS, SHANGHAI)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1200, 300)
    view.show()
    qtbot.waitExposed(view)
    calls = []
    tracer = lambda frame, event, arg: calls.append(frame.f_code.co_name) if event == "call" else None  # noqa: E731
    import sys

    sys.setprofile(tracer)
    try:
        view.viewport().repaint()
    finally:
        sys.setprofile(None)
    assert [c for c in calls if c not in ("repaint",)] == []


# -- the page with the demo park running ----------------------------------------------------------


@pytest.mark.wire
def test_devices_page_with_the_demo_running(qtbot, demo_window):  # noqa: F811 - the fixture
    window = demo_window
    ctx, page = window.ctx, window.devices
    window.show_page("devices")
    qtbot.waitUntil(lambda: ctx.site is not None and ctx.config is not None, timeout=15_000)
    model = page.device_model
    status, latency, failed = _column("Status"), _column("Latency"), _column("Failed polls")
    qtbot.waitUntil(
        lambda: (
            model.rowCount() == len(ctx.site.devices)
            and {model.index(r, status).data() for r in range(model.rowCount())} == {"online"}
        ),
        timeout=30_000,
    )
    for r in range(model.rowCount()):
        assert re.fullmatch(r"[\d,]+ ms", model.index(r, latency).data()), model.index(r, latency).data()
        assert re.fullmatch(r"0 of [1-9]\d*", model.index(r, failed).data())

    # The detail view of a SunSpec inverter: every quantity with its unit, and its identity read on request.
    page.select_device("inv-c1")
    assert page.selected_id == "inv-c1"
    assert page.detail_labels["state"][1].text() == "online"
    qtbot.waitUntil(lambda: page.quantity_model.rowCount() > 5, timeout=10_000)
    quantities = {
        page.quantity_model.index(r, 4).data(): page.quantity_model.index(r, 2).data()
        for r in range(page.quantity_model.rowCount())
    }
    assert quantities["power_w"] == "kW" and quantities["yield_wh"] == "kWh"
    assert "roof-c" in page.detail_labels["connection"][1].text()
    page.identity_button.click()
    qtbot.waitUntil(lambda: "energymon simulator" in page.detail_labels["identity"][1].text(), timeout=15_000)
    assert "SIM-inv-c1" in page.detail_labels["identity"][1].text()

    # The inspector, preset for the selected device, reads its registers while the collector polls it.
    page.select_device("inv-d1")  # energymon-pv: power_w is an i32 at holding 0
    page.inspect_selected()
    inspector = page.inspector
    assert inspector.connection_combo.currentData() == ctx.config.device("inv-d1").connection
    assert inspector.unit_spin.value() == 1
    result = _read(qtbot, inspector, 0, 17)
    assert result.ok and inspector.result_model.rowCount() == 17
    assert {model.index(r, status).data() for r in range(model.rowCount())} == {"online"}

    # A meter behind the RTU-over-TCP gateway: the read works, and the inspector says it shared the bus.
    page.select_device("wh-4")  # energymon-load: power_w is an i32 in input register 0
    page.inspect_selected()
    assert inspector.connection_combo.currentData() == "meters-gw" and inspector.unit_spin.value() == 4
    result = _read(qtbot, inspector, 0, 2, "i32", table="input")
    assert result.ok and inspector.result_model.rowCount() == 1
    assert "RTU gateway" in inspector.status_text
