"""The config loader on what a control-room PC meets: a BOM from Notepad, two connections to one gateway, deeply
nested TOML, a profile path that is a FIFO, /dev/zero or a folder, an oversized profile, a NUL in a path field.

Each case goes through ``load_config`` and through ``energymon check-config`` run as a process (a FIFO opened
for reading would block that process: the bounded timeout would then fail the test).
"""

from __future__ import annotations

import codecs
import os
import subprocess
from pathlib import Path

import pytest

from drivers import toml_file
from drivers.profile import ProfileError
from drivers.profile_file import MAX_PROFILE_BYTES, load_profile
from energymon.config import ConfigError, load_config
from energymon.config.endpoints import host_key, serial_key

from support import PYTHON, REPO, small_site_toml, write_config

PORTS = {"c1": 1502, "c2": 1503}
PV_PROFILE = (REPO / "drivers" / "profiles" / "energymon-pv.toml").read_text(encoding="utf-8")


def good_text(**kwargs) -> str:
    return small_site_toml(PORTS, **kwargs)


def check_config(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ENERGYMON_DEBUG"}
    return subprocess.run(
        [PYTHON, "-m", "energymon.cli", "check-config", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def refused(path: Path, cwd: Path, *words: str) -> str:
    """``load_config`` raises one line and ``check-config`` exits 2 with that line; both carry ``words``."""
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message and all(w in message for w in words), message
    done = check_config(path, cwd)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and done.stdout == "" and len(lines) == 1, done.stderr
    assert lines[0] == f"energymon: error: {message}" and "Traceback" not in done.stderr
    return message


def with_profile(text: str, profile: str) -> str:
    """The small park with pv-1's profile replaced by ``profile`` (a TOML string's content)."""
    head, tail = text.split('profile = "energymon-pv"', 1)
    return f'{head}profile = "{profile}"{tail}'


# ---- a UTF-8 BOM, as Windows Notepad writes it ------------------------------------------------


def test_a_config_with_a_bom_and_crlf_loads_as_without(tmp_path):
    plain = load_config(write_config(tmp_path, good_text(), "plain.toml"))
    path = tmp_path / "notepad.toml"
    path.write_bytes(codecs.BOM_UTF8 + good_text().replace("\n", "\r\n").encode("utf-8"))
    config = load_config(path)
    assert (config.site, config.connections, config.storage) == (plain.site, plain.connections, plain.storage)
    assert [d.id for d in config.devices] == [d.id for d in plain.devices]
    done = check_config(path, tmp_path)
    assert done.returncode == 0 and "valid" in done.stdout and done.stderr == "", done.stderr


def test_a_profile_file_with_a_bom_loads(tmp_path):
    (tmp_path / "my-pv.toml").write_bytes(codecs.BOM_UTF8 + PV_PROFILE.encode("utf-8"))
    path = write_config(tmp_path, with_profile(good_text(), "my-pv.toml"))
    config = load_config(path)
    assert config.devices[0].profile.points == load_profile("energymon-pv").points
    assert check_config(path, tmp_path).returncode == 0


def test_utf16_text_is_named_as_such(tmp_path):
    path = tmp_path / "unicode.toml"
    path.write_bytes(good_text().encode("utf-16"))  # Notepad's "Unicode": UTF-16 LE with its BOM
    refused(path, tmp_path, "unicode.toml", "UTF-16", "save it as UTF-8")


def test_text_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes(good_text().replace('name = "test park"', 'name = "西安园区"').encode("gbk"))
    refused(path, tmp_path, "gbk.toml", "not a UTF-8 text file", "line 2")


# ---- two connections to one gateway or serial port: a warning --------------------------------


SAME_LINE_CASES = {
    "tcp twice": ('transport = "tcp"\nhost = "127.0.0.1"\nport = 1502', "gateway 127.0.0.1:1502", "c1"),
    "host in capitals": ('transport = "tcp"\nhost = "LOCALHOST"\nport = 1', "gateway LOCALHOST:1", "lo"),
    "rtu over tcp on the tcp gateway": (
        'transport = "rtu-over-tcp"\nhost = "127.0.0.1"\nport = 1503',
        "gateway 127.0.0.1:1503",
        "c2",
    ),
    "ipv6 written two ways": ('transport = "tcp"\nhost = "0:0:0:0:0:0:0:1"\nport = 1', "gateway", "v6"),
    "serial port twice": ('transport = "rtu"\nserial_port = "/dev/./ttyUSB0"', "serial port /dev/ttyUSB0", "bus"),
}
EARLIER = (
    '[connections.lo]\ntransport = "tcp"\nhost = "localhost"\nport = 1\n'
    '[connections.v6]\ntransport = "tcp"\nhost = "::1"\nport = 1\n'
    '[connections.bus]\ntransport = "rtu"\nserial_port = "/dev/ttyUSB0"\n'
)


@pytest.mark.parametrize("case", list(SAME_LINE_CASES))
def test_two_connections_to_one_line_are_a_warning_naming_both(case, tmp_path):
    table, what, first = SAME_LINE_CASES[case]
    path = write_config(tmp_path, good_text(extra=EARLIER + f"[connections.again]\n{table}\n"))
    config = load_config(path)
    assert len(config.warnings) == 1, config.warnings
    (warning,) = config.warnings
    assert warning.startswith(f"site.toml: connections.again: same {what}") and f"connections.{first};" in warning
    assert "\n" not in warning
    done = check_config(path, tmp_path)
    assert done.returncode == 0 and "valid" in done.stdout, done.stderr
    assert done.stderr.splitlines() == [f"energymon: warning: {warning}"]


def test_distinct_lines_give_no_warning(tmp_path):
    extra = EARLIER + '[connections.other]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 1504\n'
    extra += '[connections.bus2]\ntransport = "rtu"\nserial_port = "/dev/ttyUSB1"\n'
    path = write_config(tmp_path, good_text(extra=extra))
    assert load_config(path).warnings == ()
    done = check_config(path, tmp_path)
    assert done.returncode == 0 and done.stderr == ""


def test_line_keys():
    assert host_key("[::1]") == host_key("0:0:0:0:0:0:0:1") == "::1"
    assert host_key("GW.Local.") == "gw.local" != host_key("10.0.0.1")
    assert serial_key(r"\\.\com3", windows=True) == serial_key("COM3", windows=True) == "COM3"
    assert serial_key("/dev/ttyS0", windows=False) != serial_key("/dev/ttys0", windows=False)


@pytest.mark.process
def test_collect_prints_the_warning_once_on_stderr(tmp_path):
    extra = '[connections.again]\ntransport = "tcp"\nhost = "127.0.0.1"\nport = 1502\n'
    path = write_config(tmp_path, good_text(extra=extra, timeout_s=0.1))
    env = {k: v for k, v in os.environ.items() if k != "ENERGYMON_DEBUG"}
    done = subprocess.run(
        [PYTHON, "-m", "energymon.cli", "collect", "--config", str(path), "--duration", "0.5"],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("energymon: warning: ")]
    assert warnings == [
        "energymon: warning: site.toml: connections.again: same gateway 127.0.0.1:1502 as connections.c1; "
        "the two are polled at the same time, not one request after the other "
        "(put the devices of one gateway or bus on one connection)"
    ]


# ---- nesting: one line, never a RecursionError -------------------------------------------------


DEEP = 5000
NESTING_CASES = {
    "arrays": "x = " + "[" * DEEP + "]" * DEEP,
    "inline tables": "x = " + "{a = " * DEEP + "1" + "}" * DEEP,
    "dotted table header": "[" + ".".join(["a"] * DEEP) + "]\nb = 1",
    "just over the limit": "x = " + "[" * toml_file.MAX_DEPTH + "]" * toml_file.MAX_DEPTH,
}


@pytest.mark.parametrize("case", list(NESTING_CASES))
def test_deeply_nested_toml_is_one_line(case, tmp_path):
    path = write_config(tmp_path, good_text() + "\n[deep]\n" + NESTING_CASES[case] + "\n")
    message = refused(path, tmp_path, "site.toml", f"nested more than {toml_file.MAX_DEPTH} levels")
    assert "Recursion" not in message


def test_nesting_within_the_limit_is_read_and_judged_on_its_keys(tmp_path):
    depth = toml_file.MAX_DEPTH - 2  # with the document and the [deep] table: exactly the limit
    path = write_config(tmp_path, good_text() + "\n[deep]\nx = " + "[" * depth + "]" * depth + "\n")
    refused(path, tmp_path, "site.toml: deep: unknown section")


def test_depth_is_measured_without_recursion():
    assert toml_file.depth(1) == 0 and toml_file.depth({}) == 1 and toml_file.depth({"a": [[1], {"b": 2}]}) == 3
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert toml_file.depth(deep) == toml_file.MAX_DEPTH + 1  # stops once past the limit


def test_a_deeply_nested_profile_is_one_line(tmp_path):
    (tmp_path / "deep-pv.toml").write_text(PV_PROFILE + "\nx = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    path = write_config(tmp_path, with_profile(good_text(), "deep-pv.toml"))
    refused(path, tmp_path, "devices[0].profile", "deep-pv.toml", "nested more than")


# ---- profile paths that are not regular files, and oversized ones ----------------------------


def make_not_regular(kind: str, tmp_path: Path) -> str:
    if kind == "/dev/zero":
        return "/dev/zero"
    path = tmp_path / f"{kind}.toml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    return str(path)


@pytest.mark.skipif(not Path("/dev/zero").exists() or not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory"])
def test_a_profile_path_that_is_not_a_regular_file_is_refused_unread(kind, tmp_path):
    target = make_not_regular(kind, tmp_path)
    path = write_config(tmp_path, with_profile(good_text(), target))
    what = {"/dev/zero": "a character device", "fifo": "a FIFO (named pipe)", "directory": "a directory"}[kind]
    message = refused(path, tmp_path, "devices[0].profile", target, f"is {what}, not a regular file", "not read")
    assert message.startswith("site.toml: devices[0].profile: ")
    with pytest.raises(ProfileError, match="not a regular file"):
        load_profile(target)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory"])
def test_a_config_path_that_is_not_a_regular_file_is_refused_unread(kind, tmp_path):
    target = Path(make_not_regular(kind, tmp_path))
    refused(target, tmp_path, str(target), "not a regular file", "config file")


def test_an_oversized_profile_is_refused_and_one_at_the_limit_is_read(tmp_path):
    body = PV_PROFILE.encode("utf-8") + b"\n"
    padding = MAX_PROFILE_BYTES - len(body)
    (tmp_path / "big-pv.toml").write_bytes(body + b"#" * (padding - 1) + b"\n")  # exactly the limit
    assert (tmp_path / "big-pv.toml").stat().st_size == MAX_PROFILE_BYTES
    assert load_config(write_config(tmp_path, with_profile(good_text(), "big-pv.toml"))).devices[0].profile
    (tmp_path / "huge-pv.toml").write_bytes(body + b"#" * padding + b"\n")  # one byte over
    path = write_config(tmp_path, with_profile(good_text(), "huge-pv.toml"))
    refused(path, tmp_path, "devices[0].profile", "huge-pv.toml", f"{MAX_PROFILE_BYTES + 1:,} bytes", "1 MiB")


# ---- a NUL character in a path field ------------------------------------------------------------


NUL_CASES = {
    "storage.database": ('database = "site.db"', 'database = "site\\u0000.db"'),
    "devices[0].profile": ('profile = "energymon-pv"', 'profile = "my\\u0000pv.toml"'),
    "connections.c1.host": ('host = "127.0.0.1"', 'host = "127.0.0.1\\u0000"'),
}


@pytest.mark.parametrize("field", list(NUL_CASES))
def test_a_nul_in_a_path_field_is_one_line_at_check_config(field, tmp_path):
    old, new = NUL_CASES[field]
    text = good_text()
    assert old in text
    path = write_config(tmp_path, text.replace(old, new, 1))
    message = refused(path, tmp_path, f"site.toml: {field}: contains a NUL character")
    assert "\x00" not in message


def test_a_nul_in_a_serial_port_is_one_line_at_check_config(tmp_path):
    extra = '[connections.bus]\ntransport = "rtu"\nserial_port = "/dev/ttyUSB0\\u0000"\n'
    path = write_config(tmp_path, good_text(extra=extra))
    refused(path, tmp_path, "site.toml: connections.bus.serial_port: contains a NUL character")


def test_a_nul_in_a_profile_name_given_to_load_profile():
    for name in ("bad\x00name.toml", "bad\x00name"):  # with and without a suffix
        with pytest.raises(ProfileError, match="invalid profile path"):
            load_profile(name)
