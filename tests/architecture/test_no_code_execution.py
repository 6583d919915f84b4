"""Nothing energymon reads can run code: configs, profiles, model definitions and state files are data.

docs/security.md claims it; this test keeps it true by scanning the product's sources (energymon/, drivers/, ui/)
for the ways Python runs text as code or unpickles objects. Qt's ``exec()`` (a dialog's or the application's event
loop) is not code execution and is allowed as a method call.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("energymon", "drivers", "ui")
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "yaml", "runpy", "code", "codeop"}


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def violations(text: str, name: str) -> list[str]:
    """Every forbidden construct in the Python source ``text`` (``name`` labels the findings)."""
    found = []
    for node in ast.walk(ast.parse(text, name)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{name}:{node.lineno} {node.func.id}()")
        if isinstance(node, ast.Import):
            found += [
                f"{name}:{node.lineno} import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES
            ]
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"{name}:{node.lineno} from {node.module}")
        if isinstance(node, ast.keyword) and node.arg == "shell" and getattr(node.value, "value", False) is True:
            found.append(f"{name}:{node.lineno} shell=True")
    return found


def test_no_source_runs_text_as_code_or_unpickles():
    paths = sources()
    assert paths, "no sources found"
    found = [v for p in paths for v in violations(p.read_text(encoding="utf-8"), str(p.relative_to(REPO)))]
    assert not found, found


def test_the_scan_sees_what_it_forbids():
    """The scanner itself catches each construct (so the test above can fail), and lets Qt's exec() pass."""
    bad = 'import pickle\nfrom yaml import load\neval("1")\nimport subprocess\nsubprocess.run("x", shell=True)\n'
    assert len(violations(bad, "bad.py")) == 4
    assert violations("dialog.exec()\napp.exec()\n", "qt.py") == []
