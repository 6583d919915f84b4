"""packaging/linux/energymon-collect.service: a unit systemd accepts, running the collector as the CLI parses it.

``systemd-analyze verify`` checks that the unit's executable exists, and the
bundle's path (/opt/energymon/energymon) does not exist on the machine that runs
the tests: it verifies a temporary copy whose ExecStart is /bin/true; the
original command line is checked against the CLI's own parser instead.
"""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from energymon.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "packaging" / "linux" / "energymon-collect.service"


def _service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser["Service"]


def test_the_unit_runs_the_collector_headless_as_a_service() -> None:
    service = _service()
    assert service["Type"] == "simple" and service["Restart"] == "on-failure"
    assert service["User"] == "energymon" and service["WorkingDirectory"] == "/var/lib/energymon"
    assert service["StandardOutput"] == "journal"
    assert service["Environment"] == "ENERGYMON_LOG_DIR=/var/log/energymon" and service["LogsDirectory"] == "energymon"
    command = shlex.split(service["ExecStart"])
    assert command[0] == "/opt/energymon/energymon"  # the placeholder packaging/linux/README.md names
    args = build_parser().parse_args(command[1:])
    assert args.command == "collect" and str(args.config) == "/etc/energymon/site.toml"
    assert str(args.db) == "/var/lib/energymon/site.db" and args.duration is None


@pytest.mark.process
@pytest.mark.timeout(60)
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd); the unit's syntax is unchecked")
    text = UNIT.read_text(encoding="utf-8")
    assert text.count("\nExecStart=") == 1
    lines = ["ExecStart=/bin/true" if line.startswith("ExecStart=") else line for line in text.splitlines()]
    copy = tmp_path / UNIT.name  # verify wants the unit's own name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=50)
    # It exits 0 on unknown keys and bad values (it only warns): any output is a finding.
    assert done.returncode == 0 and done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr
