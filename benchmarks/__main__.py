"""Every performance figure of energymon in one table: ``python -m benchmarks``.

Usage (from the repository's root, in the project's virtual environment)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks            # the full run
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks --quick    # smaller parks and fewer repeats
    .venv/bin/python -m benchmarks --only store,energy --json figures.json
    .venv/bin/python -m benchmarks --year-db /tmp/year.db --raw-year-db /tmp/year5s.db   # reuse databases

Each benchmark module of this folder that has a ``run(quick)`` function (see :data:`MODULES`) measures its
figures against a baseline measured in the same run and returns them as rows (figure, target, measured,
baseline, ratio, unit, ok); this command runs them one after the other, prints what each prints, and then
one table of every row with the machine it ran on (CPU count, load average before and after). A module
that fails is a row saying so; the others still run. Exit status 0 when every row with a target meets it,
1 otherwise. docs/performance.md says what each figure is, its target and what bounds it.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the benchmark scripts import their siblings by name (year_db, timing, ...)
    sys.path.insert(0, str(HERE))
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MODULES = (  # (short name for --only, module in benchmarks/, the option naming the database it may reuse)
    ("simulator", "bench_sim_serve", None),
    ("collector", "bench_collector", None),
    ("store", "bench_store_ingest", None),
    ("reports", "bench_year_reports", "raw_year_db"),
    ("energy", "bench_energy", "year_db"),
    ("trends", "bench_trends", "year_db"),
    ("gui", "bench_gui_lag", None),
    ("gui-start", "bench_gui_start", "raw_year_db"),
)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


def run_module(module_name: str, quick: bool, db: Path | None) -> list[dict]:
    """The rows of one benchmark module; a module without ``run`` or one that fails is one row saying so."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return [_failed(module_name, f"not available: {exc}")]
    run = getattr(module, "run", None)
    if run is None:
        return [_failed(module_name, "has no run(quick)")]
    try:
        if db is not None and "db" in inspect.signature(run).parameters:
            rows = run(quick, db=db)
        else:
            rows = run(quick)
    except Exception as exc:  # noqa: BLE001 - one benchmark's failure is a row; the others still run
        traceback.print_exc()
        return [_failed(module_name, f"failed: {type(exc).__name__}: {exc}")]
    return [dict(r, module=module_name) for r in rows]


def _failed(module_name: str, why: str) -> dict:
    return {"module": module_name, "figure": f"{module_name}: {why}", "ok": False}


def _number(value: float | str | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if not isinstance(value, int | float):  # a target given in words ("<= 1 core")
        return str(value)
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def table_text(rows: list[dict]) -> str:
    """The rows as one plain-text table: figure, target, measured, baseline, ratio, verdict."""
    head = ("figure", "target", "measured", "baseline", "ratio", "")
    lines = [head]
    for r in rows:
        unit = r.get("unit", "")
        ok = r.get("ok")
        verdict = "—" if ok is None else "met" if ok else "MISSED"
        ratio = r.get("ratio")
        lines.append(
            (
                str(r.get("figure", "")),
                _number(r.get("target"), unit),
                _number(r.get("measured"), unit),
                _number(r.get("baseline"), r.get("baseline_unit", unit)),
                "—" if ratio is None else f"{ratio:,.2f} x",
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller parks, fewer repeats (a few minutes)")
    parser.add_argument("--only", help="comma-separated: " + ", ".join(name for name, _, _ in MODULES))
    parser.add_argument(
        "--year-db", type=Path, help="benchmarks/year_db.py's database for the energy and trends figures (reused)"
    )
    parser.add_argument(
        "--raw-year-db", type=Path, help="a year of raw 5 s samples for the reports' figures (bench_year_reports)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows there")
    args = parser.parse_args(argv)
    chosen = [m for m in MODULES if args.only is None or m[0] in args.only.split(",")]
    if not chosen:
        parser.error(f"--only {args.only!r}: none of " + ", ".join(name for name, _, _ in MODULES))
    started, load_before = time.perf_counter(), _load()
    rows: list[dict] = []
    for name, module_name, db_option in chosen:
        print(f"\n== {name} ({module_name}){' quick' if args.quick else ''}, load {_load()}", flush=True)
        t0 = time.perf_counter()
        rows += run_module(module_name, args.quick, getattr(args, db_option) if db_option else None)
        print(f"== {name}: {time.perf_counter() - t0:.0f} s", flush=True)
    took_s = time.perf_counter() - started
    print(
        f"\nenergymon benchmarks{' (quick)' if args.quick else ''}: {platform.python_version()},"
        f" {os.cpu_count()} CPUs, load average (1 / 5 min) {load_before} before, {_load()} after,"
        f" {took_s / 60:.1f} min\n"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    print(table_text(rows))
    return 0 if all(r.get("ok") is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
