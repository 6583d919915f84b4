"""The commands about a site's definition: ``check-config`` and ``profiles``."""

from __future__ import annotations

import argparse
from pathlib import Path

from drivers.profile_file import builtin_names, load_profile
from energymon.cli.common import EXIT_OK, print_config_warnings
from energymon.config import load_config


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check-config",
        help="validate a site configuration (exit 0 if valid, 2 if not)",
        description="Validate a site configuration: exit 0 if valid, 2 if not.",
    )
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="site configuration (TOML)")

    sub.add_parser(
        "profiles",
        help="list the built-in device profiles with role and source",
        description="List the built-in device profiles with their role, reads per poll and source.",
    )


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print_config_warnings(config)
    roles: dict[str, int] = {}
    for d in config.devices:
        roles[d.role.value] = roles.get(d.role.value, 0) + 1
    summary = ", ".join(f"{n} {role}" for role, n in sorted(roles.items()))
    print(
        f"{args.config}: valid: site '{config.site.name}', {len(config.devices)} devices ({summary}) "
        f"on {len(config.connections)} connections; database {config.storage.database}"
        + (f"; {len(config.alarms)} alarms" if config.alarms else "")
    )
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    names = builtin_names()
    width = max(len(n) for n in [*names, "sunspec"])  # the name column fits the longest name
    print(f"{'name':<{width}} {'role':<8} {'values':>6} {'reads':>5}  source")
    for name in names:
        profile = load_profile(name)
        print(
            f"{name:<{width}} {profile.role.value:<8} {len(profile.points):>6} {len(profile.blocks):>5}  "
            f"{profile.source}"
        )
    print(
        f"{'sunspec':<{width}} {'any':<8} {'-':>6} {'-':>5}  discovered from the device: SunSpec models from "
        "pysunspec2's definitions (pv 101-103, 111-113, 701, and 160 on hybrids; storage 124, 802; meters 201-204, "
        "211-214)"
    )
    return EXIT_OK


COMMANDS = {
    "check-config": cmd_check_config,
    "profiles": cmd_profiles,
}
