"""The register inspector prefilled from the selected device (ui.profile_points): the connection's host and
port in the disabled fields, every block its profile polls, and a block read over real loopback Modbus TCP
decoded beside the raw words as the collector decodes it."""

from __future__ import annotations

import pytest
from test_devices_page import PV_VALUES, device_server, pv_image  # noqa: F401 - fixtures

from energymon.config import parse_config
from ui.context import AppContext
from ui.profile_points import point_rows
from ui.register_inspector import RegisterInspector

from support import small_site_toml


@pytest.fixture
def prefilled(qtbot, tmp_path, device_server):  # noqa: F811 - the fixture
    """An inspector of a viewer of the small park whose gateway c1 is the simulated inverter's server."""
    config = parse_config(small_site_toml({"c1": device_server.port, "c2": 1503}), tmp_path / "site.toml")
    ctx = AppContext(viewer_only=True)
    ctx.config = config
    widget = RegisterInspector(ctx)
    qtbot.addWidget(widget)
    widget.reload_connections()
    device = config.device("pv-1")
    widget.set_target(device.connection, device.unit, None, device)
    yield widget, device
    widget.shutdown()
    ctx.shutdown()


def test_the_disabled_port_field_shows_the_connections_port(prefilled, device_server):  # noqa: F811
    widget, _device = prefilled
    assert widget.connection_combo.currentData() == "c1"
    assert not widget.port_spin.isEnabled() and not widget.host_edit.isEnabled()
    assert widget.port_spin.value() == device_server.port != 502
    assert widget.host_edit.text() == "127.0.0.1"
    widget.connection_combo.setCurrentIndex(widget.connection_combo.findData("c2"))
    assert widget.port_spin.value() == 1503  # follows the chosen connection


def test_every_block_of_the_profile_is_offered_and_sets_the_read(prefilled):
    widget, device = prefilled
    blocks = device.profile.blocks
    assert widget.block_combo.count() == len(blocks) >= 1
    first = blocks[0]
    assert widget.table_combo.currentData() == first.table  # the first block is chosen on selection
    assert (widget.address_spin.value(), widget.count_spin.value()) == (first.address, first.count)
    assert f"{first.address}-{first.address + first.count - 1}" in widget.block_combo.itemText(0)
    shown = [widget.point_model.index(r, 6).data() for r in range(widget.point_model.rowCount())]
    assert sorted(shown) == sorted(p.quantity for p in first.points)
    assert set(widget.point_model.values().values()) == {None}  # nothing read yet: empty, never 0
    if len(blocks) > 1:
        widget.block_combo.setCurrentIndex(1)
        assert widget.address_spin.value() == blocks[1].address


def test_a_block_read_is_decoded_beside_the_raw_words_as_the_collector_would(qtbot, prefilled):
    widget, device = prefilled
    with qtbot.waitSignal(widget.result_ready, timeout=10_000):
        widget.read_button.click()
    assert widget.last_result.ok, widget.status_text
    assert widget.result_model.rowCount() == device.profile.blocks[0].count  # the raw words, one per row
    values = widget.point_model.values()
    in_block = {p.quantity for p in device.profile.blocks[0].points}
    for quantity in in_block & set(PV_VALUES):
        assert values[quantity] == pytest.approx(PV_VALUES[quantity], rel=1e-3), quantity
    texts = {
        widget.point_model.index(r, 6).data(): widget.point_model.index(r, 4).data()
        for r in range(widget.point_model.rowCount())
    }
    if "power_w" in texts:
        assert texts["power_w"] == "51.23"  # in the display unit (kW), as the devices page shows it
    # A read that does not cover the block shows no values (not zeros).
    assert all(r.value is None for r in point_rows(device.profile.blocks[0], None))


def test_a_vendor_profile_offers_each_of_its_blocks(qtbot):
    from drivers.profile_file import load_profile
    from ui.profile_points import BlockPicker

    profile = load_profile("acrel-adl400")
    picker = BlockPicker()
    qtbot.addWidget(picker)
    chosen = []
    picker.block_chosen.connect(chosen.append)
    picker.set_profile(profile)
    assert picker.count() == len(profile.blocks) == 6
    assert chosen == [profile.blocks[0]]
    picker.setCurrentIndex(3)
    assert chosen[-1] == profile.blocks[3] and picker.block() == profile.blocks[3]
    assert all(f"{len(b.points)} points" in picker.itemText(i) for i, b in enumerate(profile.blocks))
    picker.set_profile(None)  # a device without a profile (SunSpec found on the device): none, said so
    assert picker.count() == 0 and not picker.isEnabled() and chosen[-1] is None
    assert "No register map" in picker.placeholderText()
