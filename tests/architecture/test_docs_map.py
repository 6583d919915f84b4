"""docs/architecture.md is the map of the house: it names every module that exists, and none that doesn't.

The map names each module by its repository path in backticks (`energymon/store/writer.py`). A package's
``__main__.py`` and an ``__init__.py`` that defines nothing (a docstring, re-exports) are named by their
folder; an ``__init__.py`` with functions or classes of its own is a module like any other.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from support import REPO

PACKAGES = ("drivers", "energymon", "ui")
MODULE_PATH = re.compile(r"`((?:drivers|energymon|ui)/[\w/]*\w\.py)`")


def defines_something(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for node in tree.body)


def existing_modules() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if path.name == "__main__.py" or (path.name == "__init__.py" and not defines_something(path)):
                continue
            found.add(path.relative_to(REPO).as_posix())
    return found


def mapped_modules() -> set[str]:
    return set(MODULE_PATH.findall((REPO / "docs" / "architecture.md").read_text(encoding="utf-8")))


def test_every_module_is_on_the_map():
    missing = sorted(existing_modules() - mapped_modules())
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_the_map_names_no_module_that_does_not_exist():
    gone = sorted(mapped_modules() - existing_modules())
    assert not gone, f"docs/architecture.md names modules that do not exist: {gone}"


def test_the_map_is_not_empty():
    assert len(mapped_modules()) > 50
