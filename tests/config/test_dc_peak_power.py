"""``dc_peak_power_kwp``: a pv device's array DC peak power, from the config into the database and the simulator.

Valid on a pv device (a number in 0.001..1,000,000 kWp, optional); an error naming the field on any other
role, out of range, or beside ``sim.dc_ac_ratio`` (both would size the simulated array). Recorded in the
``devices`` table (migration m006) and read back by SiteInfo.from_db; the simulator's array is that size (else
rated AC x dc_ac_ratio). The demo's arrays are the size the simulator served before the key existed (1.2 x AC).
"""

from __future__ import annotations

import pytest

from drivers.quantities import Role
from energymon.config import ConfigError, load_config
from energymon.sim.model import build_model, dc_array_w
from energymon.store.reader import StoreReader
from energymon.store.schema import has_column, open_db
from energymon.store.site_record import record_site
from energymon.views.site import SiteInfo

from support import small_site_toml, write_config

PORTS = {"c1": 1502, "c2": 1503}


def _load(tmp_path, lines: dict[str, str]):
    return load_config(write_config(tmp_path, small_site_toml(PORTS, device_lines=lines)))


def test_a_pv_device_takes_its_dc_peak_power(tmp_path):
    config = _load(tmp_path, {"pv-1": "dc_peak_power_kwp = 123.5\n"})
    assert config.device("pv-1").dc_peak_power_kwp == 123.5
    assert config.device("pv-2").dc_peak_power_kwp is None  # optional
    assert all(d.dc_peak_power_kwp is None for d in config.devices if d.id != "pv-1")
    assert dc_array_w(config.device("pv-1")) == 123_500.0  # the simulated array is that size
    assert dc_array_w(config.device("pv-2")) == pytest.approx(60_000.0 * 1.2)  # else AC x the default dc_ac_ratio
    arrays = {a.device_id: a.dc_rated_w for a in build_model(config, seed=1).pv}
    assert arrays["pv-1"] == 123_500.0 and arrays["pv-3"] == pytest.approx(80_000.0 * 1.2)


@pytest.mark.parametrize(
    "device, line, message",
    [
        ("bess-1", "dc_peak_power_kwp = 60\n", r"devices\[2\]\.dc_peak_power_kwp: only a pv device .*role is storage"),
        ("grid-1", "dc_peak_power_kwp = 60\n", r"devices\[4\]\.dc_peak_power_kwp: only a pv device"),
        ("pv-1", "dc_peak_power_kwp = 0\n", r"devices\[0\]\.dc_peak_power_kwp: expected a number in 0\.001\.\.1e\+06"),
        ("pv-1", "dc_peak_power_kwp = 2e6\n", r"devices\[0\]\.dc_peak_power_kwp: expected a number"),
        ("pv-1", 'dc_peak_power_kwp = "120"\n', r"devices\[0\]\.dc_peak_power_kwp: expected a number"),
        (
            "pv-1",
            "dc_peak_power_kwp = 120\n[devices.sim]\ndc_ac_ratio = 1.3\n",
            r"devices\[0\]\.sim\.dc_ac_ratio: dc_peak_power_kwp already sizes the simulated array",
        ),
    ],
)
def test_a_wrong_dc_peak_power_names_the_field(tmp_path, device, line, message):
    with pytest.raises(ConfigError, match=message) as caught:
        _load(tmp_path, {device: line})
    assert str(caught.value).startswith("site.toml: ")


def test_the_database_records_it_and_the_views_read_it(tmp_path):
    config = _load(tmp_path, {"pv-1": "dc_peak_power_kwp = 123.5\n"})
    path = tmp_path / "site.db"
    db = open_db(path)
    try:
        assert has_column(db, "devices", "dc_peak_power_kwp")
        record_site(db, config)
    finally:
        db.close()
    reader = StoreReader(path)
    try:
        site = SiteInfo.from_db(reader.site(), reader.devices())
    finally:
        reader.close()
    assert site.device("pv-1").dc_peak_power_kwp == 123.5
    assert site.device("pv-2").dc_peak_power_kwp is None and site.device("grid-1").dc_peak_power_kwp is None
    assert SiteInfo.from_config(config) == site


def test_the_demo_arrays_are_what_the_simulator_served(demo_config):
    inverters = [d for d in demo_config.devices if d.role is Role.PV]
    assert len(inverters) == 8
    for d in inverters:
        assert d.dc_peak_power_kwp == pytest.approx(d.rated_power_kw * d.sim.dc_ac_ratio)
