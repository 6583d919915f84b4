"""No module over 400 lines without a reason stated in its docstring (the words "400 lines")."""

from __future__ import annotations

import ast

from support import REPO

LIMIT = 400
PACKAGES = ("drivers", "energymon", "ui")


def long_modules_without_reason() -> list[str]:
    offenders = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n")
            if lines > LIMIT:
                docstring = ast.get_docstring(ast.parse(text)) or ""
                if "400 lines" not in docstring:
                    offenders.append(f"{path.relative_to(REPO).as_posix()} ({lines} lines)")
    return offenders


def test_long_modules_say_why():
    offenders = long_modules_without_reason()
    assert not offenders, f"over {LIMIT} lines with no reason in the docstring: {offenders}"
