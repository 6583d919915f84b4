"""energymon.config: the site TOML contract, and how its errors reach the user through the CLI."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.quantities import Role
from energymon.cli.main import main
from energymon.config import ConfigError, load_config, parse_config

from support import PYTHON, REPO, demo_config_path, small_site_toml, write_config

PORTS = {"c1": 1502, "c2": 1503}


@pytest.fixture
def good_text() -> str:
    return small_site_toml(PORTS)


def test_demo_config_is_valid_and_complete(demo_config):
    # The demo park of PRODUCT.md / demo-park.toml: 8 inverters, 2 storage units,
    # 4 warehouses + office + EV fleet, 1 grid meter, 1 irradiance sensor.
    assert len(demo_config.devices) == 18
    roles = [d.role for d in demo_config.devices]
    assert roles.count(Role.PV) == 8
    assert roles.count(Role.STORAGE) == 2
    assert roles.count(Role.LOAD) == 6
    assert roles.count(Role.GRID) == 1
    assert roles.count(Role.METEO) == 1
    assert len({d.id for d in demo_config.devices}) == 18
    assert demo_config.site.timezone == "Asia/Shanghai"
    assert demo_config.carbon.grid == "northwest"
    # PRODUCT.md: 2023 Northwest grid factor 0.5543 kgCO2/kWh, with its source stated.
    assert demo_config.carbon.emission_factor_kg_per_kwh == pytest.approx(0.5543)
    assert "2023" in demo_config.carbon.source
    assert demo_config.storage.database == demo_config_path().parent / "demo-park.db"
    for d in demo_config.devices:
        assert d.connection in demo_config.connections
        if d.profile_name == "sunspec":  # discovered from the device at run time
            assert d.profile is None
        else:
            assert d.profile.role is d.role
    assert {d.profile_name for d in demo_config.devices} >= {
        "sunspec",
        "huawei-sun2000",
        "sungrow-sg",
        "chint-dtsu666",
        "eastron-sdm630",
    }


def test_small_config_defaults_and_types(good_text, tmp_path):
    config = load_config(write_config(tmp_path, good_text))
    assert [d.id for d in config.devices] == [
        "pv-1",
        "pv-2",
        "bess-1",
        "load-1",
        "grid-1",
        "pv-3",
        "bess-2",
        "load-2",
        "load-3",
    ]
    assert config.connections["c1"].address == "127.0.0.1:1502"
    assert config.device("bess-1").sim.capacity_kwh == 100
    assert config.device("load-2").sim.load_shape == "office"
    assert config.storage.raw_retention_days == 35  # default of the contract
    with pytest.raises(KeyError):
        config.device("nope")


def test_relative_database_resolves_against_the_config_folder(tmp_path, monkeypatch):
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory must not matter
    text = small_site_toml(PORTS, database="data/park.db")
    config = load_config(Path("..") / "site" / write_config(site_dir, text).name)
    assert config.storage.database.resolve() == (site_dir / "data" / "park.db").resolve()

    absolute = tmp_path / "abs" / "x.db"
    config = load_config(write_config(site_dir, small_site_toml(PORTS, database=absolute.as_posix())))
    assert config.storage.database == absolute


def test_profile_path_is_relative_to_the_config_folder(tmp_path, monkeypatch):
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "my-pv.toml").write_text(
        (REPO / "drivers" / "profiles" / "energymon-pv.toml")
        .read_text(encoding="utf-8")
        .replace('name = "energymon-pv"', 'name = "my-pv"'),
        encoding="utf-8",
    )
    text = small_site_toml(PORTS).replace('profile = "energymon-pv"', 'profile = "my-pv.toml"', 1)
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(site_dir, text))
    assert config.devices[0].profile.name == "my-pv"


def test_carbon_factor_choices(tmp_path, good_text):
    explicit = good_text.replace('[carbon]\ngrid = "northwest"\n', "[carbon]\nemission_factor_kg_per_kwh = 0.61\n")
    config = parse_config(explicit, tmp_path / "s.toml")
    assert config.carbon.emission_factor_kg_per_kwh == 0.61 and "explicit" in config.carbon.source
    national = good_text.replace('[carbon]\ngrid = "northwest"\n', '[carbon]\ngrid = "national"\nyear = 2022\n')
    assert parse_config(national, tmp_path / "s.toml").carbon.emission_factor_kg_per_kwh == pytest.approx(0.5366)
    default = good_text.replace('[carbon]\ngrid = "northwest"\n', "")
    # Without a [carbon] table: the latest national factor (PRODUCT.md: 2023 national 0.5306).
    assert parse_config(default, tmp_path / "s.toml").carbon.emission_factor_kg_per_kwh == pytest.approx(0.5306)


# -- errors, through the command line ------------------------------------------------


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


ERROR_CASES = {
    "typo'd key": (
        lambda t: replace_once(t, "poll_interval_s = 0.2", "pol_interval_s = 0.2"),
        "devices[0].pol_interval_s",
        ["unknown key", "poll_interval_s"],
    ),
    "duplicate id": (
        lambda t: replace_once(t, 'id = "pv-2"', 'id = "pv-1"'),
        "devices[1].id",
        ["duplicate", "pv-1", "devices[0]"],
    ),
    "unknown role": (lambda t: replace_once(t, 'role = "pv"', 'role = "solar"'), "devices[0].role", ["solar"]),
    "undefined connection": (
        lambda t: replace_once(t, 'connection = "c2"', 'connection = "c3"'),
        "devices[5].connection",
        ["c3", "c1, c2"],
    ),
    "no connections at all": (
        lambda t: t.split("[connections.c1]")[0] + "[[devices]]" + t.split("[[devices]]", 1)[1],
        "connections",
        ["missing"],
    ),
    "TOML syntax error": (lambda t: t + "\n[[devices]\nid = 1\n", None, ["TOML syntax error"]),
    "unknown timezone": (lambda t: replace_once(t, "Asia/Shanghai", "Asia/Shangai"), "site.timezone", ["Asia/Shangai"]),
    "timezone that is a tzdata folder": (lambda t: replace_once(t, "Asia/Shanghai", "Asia"), "site.timezone", ["Asia"]),
    "profile/role mismatch": (
        lambda t: replace_once(t, 'profile = "energymon-pv"', 'profile = "energymon-load"'),
        "devices[0].profile",
        ["energymon-load", "load", "pv"],
    ),
    "unknown profile": (
        lambda t: replace_once(t, 'profile = "energymon-pv"', 'profile = "sunspek"'),
        "devices[0].profile",
        ["sunspek"],
    ),
    "port as text": (lambda t: replace_once(t, "port = 1502", 'port = "1502"'), "connections.c1.port", ["1..65535"]),
    "poll interval too short": (
        lambda t: replace_once(t, "poll_interval_s = 0.2", "poll_interval_s = 0"),
        "devices[0].poll_interval_s",
        [],
    ),
    "same unit twice on a connection": (
        lambda t: replace_once(t, 'connection = "c1"\nunit = 2', 'connection = "c1"\nunit = 1'),
        "devices[1].unit",
        ["pv-1"],
    ),
    "unknown section": (lambda t: t + "\n[sites]\nname = 'x'\n", "sites", ["unknown section"]),
    "invert not a bool": (lambda t: replace_once(t, "invert = false", 'invert = "yes"'), "devices[0].invert", []),
    "unknown transport": (
        lambda t: replace_once(t, 'transport = "tcp"', 'transport = "udp"'),
        "connections.c1.transport",
        ["udp"],
    ),
    "unknown grid": (lambda t: replace_once(t, 'grid = "northwest"', 'grid = "mars"'), "carbon.grid", ["mars"]),
    "bad device id": (lambda t: replace_once(t, 'id = "pv-1"', 'id = "pv 1"'), "devices[0].id", ["pv 1"]),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_config_error_exits_2_with_one_clear_line(case, tmp_path, good_text, capsys):
    mutate, field, words = ERROR_CASES[case]
    path = write_config(tmp_path, mutate(good_text), name="broken-site.toml")
    with pytest.raises(ConfigError):
        load_config(path)
    capsys.readouterr()
    assert main(["check-config", "--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("energymon: error: broken-site.toml: "), line
    if field is not None:
        assert f": {field}: " in line, line
    for word in words:
        assert word in line, line
    assert "Traceback" not in err


def test_missing_config_file_is_a_clear_error(tmp_path, capsys):
    assert main(["check-config", "--config", str(tmp_path / "absent.toml")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "absent.toml" in err and "not found" in err


def test_profile_error_inside_a_config_names_both_files(tmp_path, good_text, capsys):
    (tmp_path / "odd-pv.toml").write_text(
        '[profile]\nname = "odd"\nrole = "pv"\ntitle = "t"\nsource = "s"\n'
        '[[points]]\nquantity = "power_w"\naddress = 0\ndtype = "i33"\n',
        encoding="utf-8",
    )
    text = replace_once(good_text, 'profile = "energymon-pv"', 'profile = "odd-pv.toml"')
    path = write_config(tmp_path, text)
    assert main(["check-config", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "site.toml: devices[0].profile: odd-pv.toml: points[0].dtype" in err and "i33" in err


def test_valid_config_exits_0(tmp_path, good_text, capsys):
    path = write_config(tmp_path, good_text)
    assert main(["check-config", "--config", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "valid" in out and "9 devices" in out and "2 connections" in out
    assert main(["check-config", "--config", str(demo_config_path())]) == 0
    assert "18 devices" in capsys.readouterr().out


@pytest.mark.process
def test_check_config_in_a_real_process_has_no_traceback(tmp_path, good_text):
    bad = write_config(tmp_path, replace_once(good_text, "poll_interval_s = 0.2", "pol_interval_s = 0.2"), "bad.toml")
    proc = subprocess.run(
        [PYTHON, "-m", "energymon.cli", "check-config", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "Traceback" not in proc.stderr
    assert "bad.toml: devices[0].pol_interval_s: unknown key" in proc.stderr

    good = write_config(tmp_path, good_text, "good.toml")
    proc = subprocess.run(
        [PYTHON, "-m", "energymon.cli", "check-config", "--config", str(good)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout and proc.stderr == ""


# -- fuzz: any TOML document is either a Config or one ConfigError line -----------------


def toml_string(s: str) -> str:
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_document(doc: dict) -> str:
    return "\n".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in doc.items()) + "\n"


def base_document() -> dict:
    return {
        "site": {"name": "fuzz", "timezone": "Asia/Shanghai", "latitude": 34.3, "longitude": 109.06},
        "carbon": {"grid": "northwest"},
        "storage": {"database": "fuzz.db"},
        "connections": {"c1": {"transport": "tcp", "host": "127.0.0.1", "port": 1502, "timeout_s": 1.0}},
        "devices": [
            {
                "id": "pv-1",
                "role": "pv",
                "profile": "energymon-pv",
                "connection": "c1",
                "unit": 1,
                "poll_interval_s": 5,
                "rated_power_kw": 100,
            },
            {
                "id": "bess-1",
                "role": "storage",
                "profile": "energymon-storage",
                "connection": "c1",
                "unit": 2,
                "poll_interval_s": 5,
                "rated_power_kw": 50,
                "sim": {"capacity_kwh": 100},
            },
        ],
    }


text_values = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10)
scalars = st.one_of(
    text_values,
    st.integers(-(1 << 63), (1 << 63) - 1),
    st.floats(),
    st.booleans(),
    st.sampled_from(
        [
            "tcp",
            "rtu",
            "pv",
            "load",
            "grid",
            "storage",
            "c1",
            "energymon-load",
            "Asia",
            "Etc/UTC",
            "national",
            "north",
            "warehouse",
            "..",
            "/",
            "x.toml",
            "x\x00.toml",
            "N",
            "E",
        ]
    ),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text_values, inner, max_size=3), max_leaves=5
)

PATHS = {
    "site": ["name", "timezone", "latitude", "longitude", "elevation"],
    "carbon": ["grid", "year", "emission_factor_kg_per_kwh", "factor"],
    "storage": ["database", "raw_retention_days"],
    "connections.c1": [
        "transport",
        "host",
        "port",
        "timeout_s",
        "serial_port",
        "baudrate",
        "parity",
        "stopbits",
        "bytesize",
    ],
    "devices.0": [
        "id",
        "name",
        "role",
        "profile",
        "connection",
        "unit",
        "poll_interval_s",
        "rated_power_kw",
        "invert",
        "sim",
        "extra",
    ],
    "devices.1.sim": ["capacity_kwh", "load_shape", "base_load_kw", "x"],
}


@st.composite
def mutated_configs(draw):
    doc = base_document()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from([*PATHS, "root"]))
        value = draw(values)
        if where == "root":
            doc[draw(st.sampled_from(["site", "carbon", "storage", "connections", "devices", "other"]))] = value
            continue
        node = doc
        for part in where.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                node = None
                break
        if isinstance(node, dict):
            node[draw(st.sampled_from(PATHS[where]))] = value
    return doc


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_parse_config_never_crashes(tmp_path_factory, doc):
    text = toml_document(doc)
    try:
        config = parse_config(text, tmp_path_factory.getbasetemp() / "fuzz.toml")
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith("fuzz.toml: ") and "\n" not in message, message
    else:
        assert config.devices and all(d.connection in config.connections for d in config.devices)


def test_transformer_ratios_and_one_sided_inversions(tmp_path):
    """ct_ratio / pt_ratio (default 1), invert_power and swap_counters alone, invert for both."""
    lines = {
        "grid-1": "ct_ratio = 40\npt_ratio = 100\n",
        "bess-1": "invert_power = true\n",
        "bess-2": "swap_counters = true\n",
    }
    config = load_config(write_config(tmp_path, small_site_toml({"c1": 1502, "c2": 1503}, device_lines=lines)))
    grid, bess1, bess2, load = (config.device(d) for d in ("grid-1", "bess-1", "bess-2", "load-1"))
    assert (grid.ct_ratio, grid.pt_ratio) == (40.0, 100.0) and (load.ct_ratio, load.pt_ratio) == (1.0, 1.0)
    assert bess1.flips_power and not bess1.swaps_counters
    assert bess2.swaps_counters and not bess2.flips_power
    inverted = load_config(
        write_config(tmp_path, small_site_toml({"c1": 1502, "c2": 1503}, invert=frozenset({"grid-1"})), "inv.toml")
    ).device("grid-1")
    assert inverted.flips_power and inverted.swaps_counters


@pytest.mark.parametrize(
    "lines, message",
    [
        ("ct_ratio = 0\n", r"devices\[4\]\.ct_ratio: expected a number in 0\.001\.\.100000, got 0"),
        ('pt_ratio = "100"\n', r"devices\[4\]\.pt_ratio: expected a number"),
        ("invert_power = 1\n", r"devices\[4\]\.invert_power: expected true or false"),
        ("invert = true\nswap_counters = true\n", r"devices\[4\]\.swap_counters: invert = true already flips"),
    ],
)
def test_bad_ratios_and_orientation_name_the_field(tmp_path, lines, message):
    text = small_site_toml({"c1": 1502, "c2": 1503}, device_lines={"grid-1": lines})
    if "invert = true" in lines:
        text = text.replace("invert = false\ninvert = true", "invert = true", 1)
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, text))


def test_a_ratio_the_meter_holds_cannot_also_be_set_in_the_config(tmp_path):
    (tmp_path / "held.toml").write_text(
        '[profile]\nname = "held"\nrole = "grid"\ntitle = "t"\nsource = "t"\n'
        '[[points]]\nquantity = "ct_ratio"\naddress = 0\ndtype = "u16"\n'
        '[[points]]\nquantity = "power_w"\naddress = 1\ndtype = "i16"\n'
        '[[points]]\nquantity = "imported_wh"\naddress = 2\ndtype = "u32"\n'
        '[[points]]\nquantity = "exported_wh"\naddress = 4\ndtype = "u32"\n',
        encoding="utf-8",
    )
    text = small_site_toml({"c1": 1502, "c2": 1503}, device_lines={"grid-1": "ct_ratio = 40\n"})
    text = text.replace('profile = "energymon-grid"', 'profile = "held.toml"', 1)
    with pytest.raises(ConfigError, match=r"devices\[4\]\.ct_ratio: profile 'held' reads the ct_ratio from the meter"):
        load_config(write_config(tmp_path, text))
    held = load_config(write_config(tmp_path, text.replace("ct_ratio = 40\n", "pt_ratio = 100\n"), "ok.toml"))
    assert held.device("grid-1").pt_ratio == 100.0  # a ratio the profile does not read is still the config's
    simulated = text.replace("ct_ratio = 40\n", "[devices.sim]\nct_ratio = 40\n")
    assert load_config(write_config(tmp_path, simulated, "sim.toml")).device("grid-1").sim.ct_ratio == 40.0
