"""Why a poll failed or was incomplete, in the GUI's language (ui/poll_problems.py, ui/connection_text.py).

The texts are the ones the collector really makes (energymon.collect.health's
assessment of a poll, energymon.collect.quality's checks, drivers.link's
read errors): every part must be classified by its leading word, so in
Chinese no English is left but units, symbols, quantity codes and addresses;
in English the collector's words are shown as they are.
"""

from __future__ import annotations

import math
from datetime import UTC

import pytest
from language_walk import EnglishFinder

from drivers.device import DeviceRead
from drivers.link import ReadError
from drivers.probe import IdentityResult
from drivers.profile_file import load_profile
from drivers.quantities import QUANTITIES, Role
from energymon.collect.health import assess
from energymon.collect.quality import DeviceQuality
from energymon.collect.reading import Reading
from energymon.views.site import DeviceInfo
from ui import i18n
from ui.connection_text import parse_read_error, read_failure
from ui.device_identity import identity_text
from ui.device_table import COLUMNS, DeviceTableModel, PollCounter
from ui.poll_problems import error_text, last_error_text, part_text, problems_text, split_parts

T0 = 1_791_500_000_000
S = 1000
TIMEOUT = ReadError("timeout", "no answer from unit 3 within 1.5 s")
GATEWAY = ReadError("exception", "unit 2: Modbus exception 11 (gateway target device failed to respond)", 11)
REFUSED = ReadError("connection", "cannot connect to 10.0.0.7:502: connection refused or timed out")
LOST = ReadError("connection", "connection to /dev/ttyUSB0 lost: Connection reset by peer")
WAITING = ReadError("connection", "10.0.0.7:502 unreachable; next attempt in 4 s")
REJECTED = ReadError("invalid", "unit 2: answer has function code 4, expected 3")
SUNSPEC = ReadError(
    "invalid",
    "SunSpec device has no model for role pv: found models 1, 201; role pv needs one of models 101, 102, 103",
)
ENGLISH = EnglishFinder(["10.0.0.7:502", "/dev/ttyUSB0", *QUANTITIES])


@pytest.fixture
def chinese(qapp):
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def degraded_problems() -> tuple[str, ...]:
    """What the collector's assessment says of a grid meter's poll with a failed block and a rejected value."""
    result = DeviceRead({"power_w": 5.0, "imported_wh": None, "exported_wh": 1.0}, (TIMEOUT,), 1, 2, 0.1)
    state, problems = assess(Role.GRID, ("power_w", "imported_wh", "exported_wh"), result, result.values, ["power_w"])
    assert state == "degraded"
    return problems


def not_implemented_problems() -> tuple[str, ...]:
    values = {"power_w": 5.0, "imported_wh": None, "exported_wh": 1.0}
    result = DeviceRead(values, (), 2, 2, 0.1)
    return assess(Role.GRID, tuple(values), result, values, [])[1]


def quality_problems() -> set[str]:
    """Every problem a grid meter's data-quality watch names: frozen power, stale and out-of-range quantities."""
    watch, profile, found = DeviceQuality(Role.GRID, 8000), load_profile("energymon-grid"), set()
    for i in range(60):
        values = {
            "power_w": 2_010_700.0,  # frozen while the voltage moves
            "imported_wh": 5e9 + 5.6e3 * i,
            "voltage_l1_v": round(6062 + 20 * math.sin(i / 3), 2),
            "frequency_hz": 50.0 if i < 40 else 70.0,  # out of range at the end
            "current_l1_a": 10.0 + i if i < 30 else None,  # stale after it was seen
        }
        found |= set(watch.update(T0 + i * 10 * S, values, (), profile).problems)
    return found


def all_problems() -> list[str]:
    return [*degraded_problems(), *not_implemented_problems(), *sorted(quality_problems())]


def test_the_collectors_problems_cover_every_label():
    labels = {p.partition(": ")[0] for p in all_problems()}
    assert {"timeout", "implausible", "missing", "not implemented", "frozen", "stale", "out of range"} <= labels


def test_in_chinese_every_problem_is_worded_without_english(chinese):
    for problem in all_problems():
        text = part_text(problem, answered=True)
        assert text != problem and not ENGLISH.words(text), (problem, text)
    assert part_text("frozen: frequency_hz, power_w", True) == "数值冻结：频率、有功功率"
    assert part_text(str(TIMEOUT), True) == "部分读取失败：1.5 秒内无应答"
    assert (
        problems_text(degraded_problems())
        == "部分读取失败：1.5 秒内无应答；数值不合理，已拒收：有功功率；缺少数值（读取失败）：下网电量（从电网购电）"
    )


@pytest.mark.parametrize(
    ("error", "chinese_text"),
    [
        (TIMEOUT, "1.5 秒内无应答"),
        (GATEWAY, "Modbus 异常码 11（网关目标设备无应答）"),
        (REFUSED, "无法连接到 10.0.0.7:502"),
        (LOST, "无法连接到 /dev/ttyUSB0"),
        (WAITING, "无法连接到 10.0.0.7:502"),
        (REJECTED, "应答无效，已丢弃"),
        (SUNSPEC, "SunSpec 识别失败"),
        (ReadError("exception", "unit 2: Modbus exception 99 (unknown exception)", 99), "Modbus 异常码 99（未知异常）"),
        (ReadError("timeout", "no answer"), "无应答"),
    ],
)
def test_a_read_error_keeps_only_its_technical_facts(chinese, error, chinese_text):
    parsed = parse_read_error(str(error))
    assert parsed == error
    assert read_failure(parsed) == chinese_text
    assert error_text(str(error)) == chinese_text  # a reading's error: nothing was read


def test_an_error_of_several_reads_and_a_message_holding_the_separator(chinese):
    joined = f"{TIMEOUT}; {SUNSPEC}; {GATEWAY}"  # as the collector joins a reading's error
    assert split_parts(joined) == [str(TIMEOUT), str(SUNSPEC), str(GATEWAY)]
    assert error_text(joined) == "1.5 秒内无应答；SunSpec 识别失败；Modbus 异常码 11（网关目标设备无应答）"
    assert split_parts("") == [] and error_text(None) == ""
    assert parse_read_error("frozen: power_w") is None and parse_read_error("no kind here") is None
    assert part_text("something else: x", True) == "something else: x"  # not classified: shown as it is


def test_in_english_the_collectors_words_are_shown_as_they_are(qapp):
    assert i18n.current_language() == "en"
    problems = degraded_problems()
    assert problems_text(problems) == "; ".join(problems)
    assert error_text(f"{TIMEOUT}; {GATEWAY}") == f"{TIMEOUT}; {GATEWAY}"
    assert last_error_text("frozen: power_w", failed=False) == "frozen: power_w"
    assert identity_text(IdentityResult({"manufacturer": None}, error=str(GATEWAY)), True) == f"Not read: {GATEWAY}"


def test_a_failed_identity_read_in_chinese(chinese):
    failed = IdentityResult({"manufacturer": None}, error=str(TIMEOUT))
    assert identity_text(failed, True) == "未读取：1.5 秒内无应答"


def _reading(ts_ms: int, ok: bool, error: str | None = None, problems: tuple[str, ...] = ()) -> Reading:
    return Reading("inv-1", Role.PV, ts_ms, {} if not ok else {"power_w": 1.0}, ok, error, 0.05, 10.0, problems)


def test_the_devices_table_and_the_poll_counter_in_chinese(chinese):
    device = DeviceInfo("inv-1", "Roof", Role.PV, 100.0, 10.0, "10.0.0.7:502", 2)
    model, column = DeviceTableModel(), [c.title for c in COLUMNS].index("Error")
    offline, degraded = _reading(T0, False, str(GATEWAY)), _reading(T0 + S, True, None, ("frozen: power_w",))
    model.set_rows((device,), {"inv-1": offline}, T0, UTC)
    assert model.index(0, column).data() == "Modbus 异常码 11（网关目标设备无应答）"
    model.set_rows((device,), {"inv-1": degraded}, T0 + S, UTC)
    assert model.index(0, column).data() == "数值冻结：有功功率"
    counter = PollCounter()
    counter.observe({"inv-1": offline})
    count = counter.counts["inv-1"]
    assert (
        count.last_failed and last_error_text(count.last_error or "", True) == "Modbus 异常码 11（网关目标设备无应答）"
    )
    counter.observe({"inv-1": degraded})
    assert not count.last_failed and last_error_text(count.last_error or "", False) == "数值冻结：有功功率"
