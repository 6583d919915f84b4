"""PySide6 6.12.0 on Python 3.11 leaks a reference to None in every void Qt call and aborts with
"Fatal Python error: none_dealloc" after a few thousand calls. pyproject.toml pins it below 6.12
on Python < 3.12; these tests guard the pin and the behaviour it protects."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from support import PYTHON, REPO

VOID_CALLS = """
import sys
from PySide6.QtGui import QPainterPath

path = QPainterPath()
before = sys.getrefcount(None)
for i in range(20_000):
    path.moveTo(float(i), 0.0)   # void
    path.lineTo(float(i), 1.0)   # void
    path.clear()                 # void
after = sys.getrefcount(None)
print("ok", after - before)
"""


@pytest.mark.process
def test_many_void_qt_calls_do_not_abort():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([PYTHON, "-c", VOID_CALLS], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr  # the broken build dies with SIGABRT here
    assert "none_dealloc" not in proc.stderr
    word, delta = proc.stdout.split()
    assert word == "ok"
    # 60,000 void calls: a leak of one reference per call would move None's count by ~60,000.
    assert abs(int(delta)) < 1_000


def installed_pyside() -> Version:
    return Version(version("PySide6-Essentials"))


def test_installed_pyside_is_not_the_broken_one():
    if sys.version_info < (3, 12):
        assert installed_pyside() < Version("6.12"), installed_pyside()
    import PySide6

    assert Version(PySide6.__version__) == installed_pyside()


def test_pyproject_pins_pyside_below_6_12_on_python_3_11():
    deps = [
        Requirement(r)
        for r in tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    ]
    pyside = [r for r in deps if r.name.lower() in ("pyside6", "pyside6-essentials")]
    assert pyside
    env311 = {"python_version": "3.11", "python_full_version": "3.11.7"}
    active = [r for r in pyside if r.marker is None or r.marker.evaluate(env311)]
    assert active
    for req in active:
        assert not req.specifier.contains("6.12.0"), req
        assert req.specifier.contains("6.11.3"), req
    if sys.version_info < (3, 12):  # and what is installed satisfies it
        here = [r for r in pyside if r.marker is None or r.marker.evaluate()]
        assert all(r.specifier.contains(installed_pyside()) for r in here)
