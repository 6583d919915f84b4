"""The import contracts of pyproject.toml ([tool.importlinter]), enforced with import-linter.

ui -> energymon -> drivers; layers inside energymon; no cycles among its subpackages; a pure accounting
package; a simulator that knows nothing of collection, storage, reports or views; no SQLite or Modbus in ui.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from support import PYTHON, REPO

LINT_IMPORTS = Path(PYTHON).parent / "lint-imports"


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=90
    )


@pytest.fixture(scope="module", autouse=True)
def _needs_import_linter():
    if not LINT_IMPORTS.exists():  # pragma: no cover - part of the test extra
        pytest.fail(f"{LINT_IMPORTS} not found: install the 'test' extra (import-linter)")


@pytest.mark.process
def test_the_repository_keeps_its_contracts():
    proc = lint_imports(REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "KEPT" in proc.stdout and "0 broken" in proc.stdout
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert len(contracts["contracts"]) >= 7
    assert proc.stdout.count("KEPT") == len(contracts["contracts"])


def top_level_contract() -> str:
    """The repository's own ui -> energymon -> drivers contract, as a pyproject.toml of its own."""
    linter = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in linter["contracts"] if c["name"] == "Layers: ui -> energymon -> drivers"]
    lines = [
        "[tool.importlinter]",
        f"root_packages = {linter['root_packages']!r}".replace("'", '"'),
        "",
        "[[tool.importlinter.contracts]]",
    ]
    for key, value in contract.items():
        lines.append(f"{key} = " + (f'"{value}"' if isinstance(value, str) else repr(value).replace("'", '"')))
    return "\n".join(lines) + "\n"


def make_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


CLEAN = {
    "ui/__init__.py": "",
    "ui/app.py": "import energymon.core\n",
    "energymon/__init__.py": "",
    "energymon/core.py": "import drivers.link\n",
    "energymon/cli/__init__.py": "",
    "energymon/cli/main.py": "def gui():\n    import ui.app  # the one allowed upward edge\n",
    "drivers/__init__.py": "",
    "drivers/link.py": "import struct\n",
}


@pytest.mark.process
@pytest.mark.parametrize(
    "change, expected",
    [
        ({}, None),
        ({"drivers/link.py": "import energymon.core\n"}, "drivers.link -> energymon.core"),
        ({"energymon/core.py": "import drivers.link\nfrom ui import app\n"}, "energymon.core -> ui.app"),
        ({"drivers/link.py": "def later():\n    import ui.app\n"}, "drivers.link -> ui.app"),
    ],
)
def test_the_contract_catches_an_upward_import(tmp_path, change, expected):
    """The repository's own [tool.importlinter] contract, applied to a miniature of the layout."""
    (tmp_path / "pyproject.toml").write_text(top_level_contract(), encoding="utf-8")
    make_tree(tmp_path, {**CLEAN, **change})
    proc = lint_imports(tmp_path, pythonpath=tmp_path)
    if expected is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    else:
        assert proc.returncode != 0
        assert "BROKEN" in proc.stdout and expected in proc.stdout, proc.stdout + proc.stderr
