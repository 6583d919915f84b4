"""The [[alarms]] tables of a site config: each kind parsed with its defaults, every error names its field."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.quantities import Role
from energymon.config import ConfigError, parse_config
from energymon.config.alarms import (
    ABOVE,
    BELOW,
    DEMAND_QUANTITY,
    PV_RATIO_QUANTITY,
    AlarmRule,
)

from support import small_site_toml

PORTS = {"c1": 1502, "c2": 1503}


def parse(alarms: str, base: str | None = None):
    text = (base if base is not None else small_site_toml(PORTS)) + "\n" + alarms
    return parse_config(text, Path("/tmp/site.toml"))


def error(alarms: str, base: str | None = None) -> str:
    with pytest.raises(ConfigError) as exc:
        parse(alarms, base)
    message = str(exc.value)
    assert "\n" not in message and message.startswith("site.toml: ")
    return message


def test_no_alarms_is_an_empty_tuple():
    assert parse("").alarms == ()


def test_threshold_on_site_import_with_defaults():
    (rule,) = parse(
        '[[alarms]]\nid = "import-max"\nkind = "threshold"\nsite = "import_power_w"\nabove = 400000\n'
    ).alarms
    assert rule == AlarmRule(
        id="import-max",
        name="import-max",
        severity="warning",
        kind="threshold",
        quantity="import_power_w",
        direction=ABOVE,
        limit=400000.0,
        clear_margin=8000.0,  # 2 % of the limit
        site=True,
    )
    assert rule.unit == "W"
    assert rule.beyond(400001) and not rule.beyond(400000)
    assert rule.back(392000) and not rule.back(392001)


def test_threshold_on_a_device_and_on_a_role_total():
    rules = parse(
        '[[alarms]]\nid = "grid-v"\nname = "Grid voltage low"\nseverity = "critical"\nkind = "threshold"\n'
        'device = "grid-1"\nquantity = "voltage_l1_v"\nbelow = 200\nfor_s = 30\nclear_margin = 5\n'
        '[[alarms]]\nid = "pv-total"\nkind = "threshold"\nrole = "pv"\nquantity = "power_w"\nbelow = 1000\n'
    ).alarms
    assert (rules[0].device, rules[0].direction, rules[0].limit, rules[0].for_s, rules[0].clear_margin) == (
        "grid-1",
        BELOW,
        200.0,
        30.0,
        5.0,
    )
    assert rules[0].severity == "critical" and rules[0].name == "Grid voltage low" and rules[0].unit == "V"
    assert rules[1].role is Role.PV and rules[1].device is None and not rules[1].site


def test_ready_made_kinds_and_their_defaults():
    demand, temp, soc, pv = parse(
        '[[alarms]]\nid = "demand"\nkind = "demand_15min"\ncontracted_kw = 500\n'
        '[[alarms]]\nid = "hot"\nkind = "battery_temperature"\n'
        '[[alarms]]\nid = "empty"\nkind = "soc_low"\ndevice = "bess-2"\nbelow = 15\n'
        '[[alarms]]\nid = "weak-pv"\nkind = "pv_underperforming"\nfor_s = 900\n'
    ).alarms
    assert (demand.quantity, demand.limit, demand.contracted_kw, demand.unit, demand.site) == (
        DEMAND_QUANTITY,
        450.0,
        500.0,
        "kW",
        True,
    )
    assert (temp.quantity, temp.direction, temp.limit, temp.role, temp.device) == (
        "temperature_c",
        ABOVE,
        45.0,
        Role.STORAGE,
        None,
    )
    assert temp.clear_margin == 1.0  # at least 1 degC
    assert (soc.quantity, soc.direction, soc.limit, soc.device, soc.role) == ("soc_pct", BELOW, 15.0, "bess-2", None)
    assert (pv.quantity, pv.limit, pv.min_park_ratio, pv.clear_margin, pv.for_s) == (
        PV_RATIO_QUANTITY,
        0.7,
        0.1,
        0.05,
        900.0,
    )


@pytest.mark.parametrize(
    ("alarms", "field", "words"),
    [
        ('[[alarms]]\nid = ""\nkind = "threshold"\nsite = "import_power_w"\nabove = 1\n', "alarms[0].id", "non-empty"),
        ('[[alarms]]\nid = "a b"\nkind = "soc_low"\n', "alarms[0].id", "letters, digits"),
        (
            '[[alarms]]\nid = "a"\nkind = "soc_low"\n[[alarms]]\nid = "a"\nkind = "soc_low"\n',
            "alarms[1].id",
            "duplicate",
        ),
        ('[[alarms]]\nid = "a"\nkind = "fire"\n', "alarms[0].kind", "unknown alarm kind 'fire'"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\nseverity = "fatal"\n', "alarms[0].severity", "'fatal' is not one of"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\nabove = 90\n', "alarms[0].above", "unknown key"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\nbelow = 120\n', "alarms[0].below", "0..100"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\ndevice = "pv-1"\n', "alarms[0].device", "not storage"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\ndevice = "nope"\n', "alarms[0].device", "no device 'nope'"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\nfor_s = -1\n', "alarms[0].for_s", "expected a number"),
        ('[[alarms]]\nid = "a"\nkind = "soc_low"\nclear_margin = "x"\n', "alarms[0].clear_margin", "expected a number"),
        ('[[alarms]]\nid = "a"\nkind = "demand_15min"\n', "alarms[0].contracted_kw", "required"),
        (
            '[[alarms]]\nid = "a"\nkind = "demand_15min"\ncontracted_kw = 5\nwarn_pct = 0\n',
            "alarms[0].warn_pct",
            "1..200",
        ),
        ('[[alarms]]\nid = "a"\nkind = "pv_underperforming"\nratio = 2\n', "alarms[0].ratio", "0.01..1"),
        ('[[alarms]]\nid = "a"\nkind = "threshold"\nabove = 1\n', "alarms[0]", "exactly one of device, role or site"),
        (
            '[[alarms]]\nid = "a"\nkind = "threshold"\nsite = "import_power_w"\nrole = "pv"\nabove = 1\n',
            "alarms[0]",
            "got role and site",
        ),
        ('[[alarms]]\nid = "a"\nkind = "threshold"\nsite = "import_power_w"\n', "alarms[0]", "above or below"),
        ('[[alarms]]\nid = "a"\nkind = "threshold"\nsite = "power"\nabove = 1\n', "alarms[0].site", "import_power_w"),
        (
            '[[alarms]]\nid = "a"\nkind = "threshold"\ndevice = "bess-1"\nquantity = "frequency"\nabove = 1\n',
            "alarms[0].quantity",
            "not a quantity of a storage device",
        ),
        (
            '[[alarms]]\nid = "a"\nkind = "threshold"\ndevice = "grid-1"\nquantity = "imported_wh"\nabove = 1\n',
            "alarms[0].quantity",
            "is a counter",
        ),
        (
            '[[alarms]]\nid = "a"\nkind = "threshold"\nrole = "storage"\nquantity = "soc_pct"\nabove = 1\n',
            "alarms[0].quantity",
            "summed over storage devices",
        ),
        (
            '[[alarms]]\nid = "a"\nkind = "threshold"\nrole = "wind"\nquantity = "power_w"\nabove = 1\n',
            "alarms[0].role",
            "wind",
        ),
        ('[[alarms]]\nid = "a"\nkind = "threshold"\nsite = "pv_power_w"\nabove = inf\n', "alarms[0].above", "got inf"),
    ],
)
def test_errors_name_the_field(alarms, field, words):
    message = error(alarms)
    assert f": {field}:" in message or f": {field}." in message, message
    assert words in message, message


def test_pv_underperforming_needs_three_inverters_and_storage_kinds_need_storage():
    text = "\n".join(
        block
        for block in small_site_toml(PORTS).split("\n\n")
        if not any(f'id = "{d}"' in block for d in ("pv-3", "bess-1", "bess-2"))
    )
    assert parse_config(text, Path("/tmp/site.toml")).devices  # the small park without pv-3 and storage
    message = error('[[alarms]]\nid = "weak"\nkind = "pv_underperforming"\n', text)
    assert "alarms[0].kind" in message and "at least 3 pv devices, the site has 2" in message
    message = error('[[alarms]]\nid = "hot"\nkind = "battery_temperature"\n', text)
    assert "alarms[0].kind" in message and "has none" in message
    no_grid = "\n".join(b for b in small_site_toml(PORTS).split("\n\n") if 'id = "grid-1"' not in b)
    message = error('[[alarms]]\nid = "d"\nkind = "demand_15min"\ncontracted_kw = 100\n', no_grid)
    assert "alarms[0].kind: import_power_w is measured by grid devices, and the site has none" in message
    message = error('[[alarms]]\nid = "x"\nkind = "threshold"\nsite = "export_power_w"\nabove = 1\n', no_grid)
    assert "alarms[0].site: export_power_w is measured by grid devices" in message


def test_the_product_example_needs_no_id_nor_kind():
    """PRODUCT.md's ``[[alarms]]`` line: a device, a quantity, above, for_s, severity; threshold by default."""
    (rule,) = parse(
        '[[alarms]]\ndevice = "grid-1"\nquantity = "power_w"\nabove = 3_000_000\nfor_s = 900\nseverity = "warning"\n'
    ).alarms
    assert (rule.id, rule.kind, rule.device, rule.limit, rule.for_s) == ("alarm-1", "threshold", "grid-1", 3e6, 900)
    message = error('[[alarms]]\nid = "alarm-2"\nkind = "soc_low"\n[[alarms]]\nkind = "soc_low"\n')
    assert "alarms[1].id: duplicate alarm id 'alarm-2' (also alarms[0])" in message


def test_alarms_must_be_a_list_of_tables():
    message = error("", "alarms = 3\n" + small_site_toml(PORTS))
    assert "site.toml: alarms: expected [[alarms]] entries" in message
    assert "alarms[0]: expected a table" in error("", "alarms = [3]\n" + small_site_toml(PORTS))


def test_unknown_section_still_lists_alarms():
    message = error("[alarm]\nid = 1\n")
    assert "alarm: unknown section" in message and "alarms" in message


def test_the_documented_examples_load():
    """Every ``[[alarms]]`` example of docs/configuration.md's Alarms section loads into the small park."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = docs.split("## Alarms — optional `[[alarms]]`", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```toml\n")[1:]]
    assert len(blocks) == 5  # the threshold block holds two rules
    rules = parse("\n".join(blocks)).alarms
    assert [r.kind for r in rules] == [
        "threshold",
        "threshold",
        "demand_15min",
        "battery_temperature",
        "soc_low",
        "pv_underperforming",
    ]
    demand = rules[2]
    assert (demand.limit, demand.limit - demand.clear_margin) == (720.0, pytest.approx(705.6))
